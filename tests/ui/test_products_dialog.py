"""The Products dialog driven through its widgets: search, new and edit, CSV in and out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.db.database import DukanDatabase
from app.domain.product_form import ProductDraft
from app.services.product_catalog import ProductCatalog
from app.services.product_csv import ProductCsv
from app.ui import prompts
from app.ui.app_events import AppEvents
from app.ui.sales import products_dialog
from app.ui.sales.product_edit_dialog import ProductEditDialog
from app.ui.sales.products_dialog import Column, ProductImportDialog, ProductsDialog
from tests.ui.conftest import PromptRecorder


@pytest.fixture
def catalog(database: DukanDatabase) -> ProductCatalog:
    return ProductCatalog()


@pytest.fixture
def events() -> AppEvents:
    return AppEvents()


@pytest.fixture
def shelf(catalog: ProductCatalog) -> dict[str, int]:
    drafts = [
        ProductDraft("5449000000996", "Coca-Cola 1.5L", "1.50", "24"),
        ProductDraft("4600000000001", "Хлеб белый", "0.80", "-3"),
        ProductDraft("", "ХЛЕБ ржаной", "0.95", "12"),
        ProductDraft("6280000000001", "خبز عربي", "2.00", "40"),
        ProductDraft("9990001", "Old tea", "1.00", "5", active=False),
    ]
    return {d.name: catalog.create(d) for d in drafts}


@pytest.fixture
def dialog(
    qtbot: QtBot, catalog: ProductCatalog, events: AppEvents, shelf: dict[str, int], tmp_path: Path
) -> ProductsDialog:
    widget = ProductsDialog(catalog, ProductCsv(catalog), events, folder=tmp_path)
    qtbot.addWidget(widget)
    return widget


def names(dialog: ProductsDialog) -> list[str]:
    model = dialog.model
    return [model.index(row, Column.NAME).data() for row in range(model.rowCount())]


def scripted(
    monkeypatch: pytest.MonkeyPatch, dialog: type[QDialog], script: Callable[[Any], None]
) -> list[QDialog]:
    """Replace a dialog's modal loop by `script(dialog)`, which works it the way the operator
    would; returns the dialogs opened."""
    opened: list[QDialog] = []

    def run(self: QDialog) -> int:
        opened.append(self)
        script(self)
        return self.result()

    monkeypatch.setattr(dialog, "exec", run)
    return opened


def save(edit: ProductEditDialog) -> None:
    edit.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def test_the_list_shows_every_product_and_filters_as_you_type(
    dialog: ProductsDialog, qtbot: QtBot
) -> None:
    assert names(dialog) == ["Coca-Cola 1.5L", "Old tea", "Хлеб белый", "ХЛЕБ ржаной", "خبز عربي"]
    assert dialog.found_label.text() == "5 products"
    model = dialog.model
    assert model.index(0, Column.PRICE).data() == "1.50"
    assert model.index(0, Column.PRICE).data(Qt.ItemDataRole.TextAlignmentRole) == (
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    )
    assert model.index(2, Column.STOCK).data() == "-3"
    assert model.index(2, Column.STOCK).data(Qt.ItemDataRole.ForegroundRole) == (
        products_dialog.NEGATIVE
    )
    assert model.index(1, Column.ACTIVE).data() == "no"
    assert model.index(1, Column.NAME).data(Qt.ItemDataRole.ForegroundRole) == (
        products_dialog.INACTIVE
    )

    qtbot.keyClicks(dialog.search_edit, "COCA")
    assert names(dialog) == ["Coca-Cola 1.5L"]
    assert dialog.found_label.text() == "1 found"
    # QTest types ASCII only; a keyboard layout or an input method puts Cyrillic in like this.
    dialog.search_edit.setText("хлеб")
    assert names(dialog) == ["Хлеб белый", "ХЛЕБ ржаной"]
    dialog.search_edit.setText("خب")
    assert names(dialog) == ["خبز عربي"]
    dialog.search_edit.setText("4600")
    assert names(dialog) == ["Хлеб белый"]
    dialog.search_edit.clear()
    assert len(names(dialog)) == 5


def test_the_table_model_follows_the_rules(
    dialog: ProductsDialog, qtmodeltester: ModelTester
) -> None:
    qtmodeltester.check(dialog.model)


def test_a_new_product_is_refused_with_messages_by_the_fields_then_saved(
    dialog: ProductsDialog,
    catalog: ProductCatalog,
    events: AppEvents,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, str] = {}

    def operator(edit: ProductEditDialog) -> None:
        edit.barcode_edit.setText("5449000000996")  # Coca-Cola's
        edit.name_edit.setText("")
        edit.price_edit.setText("١٢")
        edit.stock_edit.setText("1e3")
        save(edit)
        for field in ("barcode", "name", "price", "stock"):
            seen[field] = edit.errors.message(field)
        assert edit.result() != QDialog.DialogCode.Accepted
        assert len(catalog.all()) == 5  # nothing written
        edit.barcode_edit.setText(" 7000000000001 ")
        edit.name_edit.setText("Чай зелёный")
        edit.price_edit.setText("12")
        edit.stock_edit.setText("30")
        save(edit)

    opened = scripted(monkeypatch, ProductEditDialog, operator)
    with qtbot.waitSignal(events.products_changed):
        qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
    assert len(opened) == 1
    assert seen == {
        "barcode": "Already the barcode of Coca-Cola 1.5L.",
        "name": "Required.",
        "price": "Use digits only, like 12.50.",
        "stock": "Enter a whole number, e.g. 12 (or -3 when more was sold than counted).",
    }
    created = catalog.by_barcode("7000000000001")
    assert created is not None
    assert (created.name, created.price_minor, created.stock) == ("Чай зелёный", 1200, 30)
    selected = dialog.selected()
    assert selected is not None and selected.id == created.id


def test_enter_on_a_row_edits_it_and_a_new_stock_is_a_count(
    dialog: ProductsDialog,
    database: DukanDatabase,
    events: AppEvents,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    catalog = ProductCatalog()

    def operator(edit: ProductEditDialog) -> None:
        assert edit.windowTitle() == "Edit product Coca-Cola 1.5L"
        assert (edit.price_edit.text(), edit.stock_edit.text()) == ("1.50", "24")
        edit.stock_edit.setText("20")
        save(edit)

    scripted(monkeypatch, ProductEditDialog, operator)
    # A scanned code in the search field, Enter to reach the row, Enter to edit it.
    dialog.search_edit.setText("5449000000996")
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Return)
    with qtbot.waitSignal(events.products_changed):
        qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    found = catalog.by_barcode("5449000000996")
    assert found is not None
    cola = found.id
    assert found.stock == 20
    assert dialog.model.index(0, Column.STOCK).data() == "20"
    move = database.sqlite_connection().execute(
        "SELECT quantity, kind, note FROM stock_moves WHERE product_id = ? ORDER BY id DESC",
        (cola,),
    )
    assert move.fetchone() == (-4, "count", "counted 20, was 24")


def test_an_edit_cancelled_or_unchanged_says_nothing_changed(
    dialog: ProductsDialog,
    catalog: ProductCatalog,
    events: AppEvents,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    emitted: list[bool] = []
    events.products_changed.connect(lambda: emitted.append(True))
    scripted(monkeypatch, ProductEditDialog, save)
    assert dialog.edit_selected() is None  # saved as it was: nothing changed
    scripted(monkeypatch, ProductEditDialog, lambda edit: edit.reject())
    assert dialog.edit_selected() is None
    assert emitted == []


def test_import_shows_what_will_change_and_imports_on_confirm(
    dialog: ProductsDialog,
    events: AppEvents,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    recorded_prompts: PromptRecorder,
) -> None:
    path = dialog.folder / "in.csv"
    path.write_text(
        "barcode,name,price,stock\n5449000000996,,1.60,\n8000000000001,Ayran,0.70,6\n"
        "8000000000002,,nan,\n",
        "utf-8",
    )
    monkeypatch.setattr(prompts, "choose_csv_file_to_import", lambda _p, _folder, _title: path)
    shown: list[str] = []

    def operator(window: ProductImportDialog) -> None:
        shown.append(window.summary.text())
        assert window.bad_rows.rowCount() == 1
        window.import_button.click()

    scripted(monkeypatch, ProductImportDialog, operator)
    with qtbot.waitSignal(events.products_changed):
        dialog.import_button.click()
    assert shown == [
        "1 product to add, 1 to change. 1 row will be left out, listed below by line number: "
        "fix them in the file and import it again."
    ]
    assert recorded_prompts.shown == [("info", "Products imported", "1 product added, 1 changed.")]
    assert "Ayran" in names(dialog)
    cola = ProductCatalog().by_barcode("5449000000996")
    assert cola is not None and cola.price_minor == 160


def test_a_file_that_cannot_be_read_is_explained(
    dialog: ProductsDialog,
    monkeypatch: pytest.MonkeyPatch,
    recorded_prompts: PromptRecorder,
    tmp_path: Path,
) -> None:
    path = tmp_path / "in.csv"
    path.write_text("colour\nred\n", "utf-8")
    monkeypatch.setattr(prompts, "choose_csv_file_to_import", lambda _p, _folder, _title: path)
    assert dialog.import_csv() is None
    assert recorded_prompts.titles() == ["This file cannot be imported"]
    assert "columns Dukan does not know: colour" in recorded_prompts.texts()


def test_export_writes_the_file_chosen(
    dialog: ProductsDialog,
    monkeypatch: pytest.MonkeyPatch,
    recorded_prompts: PromptRecorder,
    tmp_path: Path,
) -> None:
    path = tmp_path / "out.csv"
    suggested: list[Path] = []

    def choose(_parent: object, title: str, offered: Path) -> Path:
        assert title == "Export products"
        suggested.append(offered)
        return path

    monkeypatch.setattr(prompts, "choose_csv_to_save", choose)
    dialog.export_button.click()
    assert suggested[0].parent == tmp_path
    assert path.read_text("utf-8-sig").splitlines()[:2] == [
        "barcode,name,price,stock,active",
        "5449000000996,Coca-Cola 1.5L,1.50,24,yes",
    ]
    assert recorded_prompts.titles() == ["Products exported"]
