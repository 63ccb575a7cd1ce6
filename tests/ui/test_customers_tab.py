"""The Customers tab driven through its widgets: search, new/edit, archive, merge, CSV, keys."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLabel
from pytestqt.qtbot import QtBot

from app.db.database import DukanDatabase
from app.db.migrator import Migrator
from app.domain.customer_form import CustomerDraft
from app.domain.money import CurrencyFormat
from app.services.customer_changes import CustomerChanges
from app.services.customer_csv import CustomerCsv
from app.services.customer_directory import CustomerDirectory
from app.services.maintenance import MaintenanceService
from app.services.summary import SummaryService
from app.ui import prompts
from app.ui.app_events import AppEvents
from app.ui.customers import customers_tab
from app.ui.customers.customer_dialog import CustomerDialog
from app.ui.customers.customer_table_model import Column
from app.ui.customers.customers_tab import CustomersTab
from app.ui.customers.import_dialog import ImportDialog
from app.ui.customers.merge_dialog import MergeDialog
from app.ui.customers.profile_dialog import ProfileDialog
from app.ui.main_window import MainWindow, Services
from tests.ui.conftest import PromptRecorder
from tests.ui.customer_data import add_credit_sale


@pytest.fixture
def changes(database: DukanDatabase) -> CustomerChanges:
    return CustomerChanges(fallback_region="DZ")


@pytest.fixture
def events() -> AppEvents:
    return AppEvents()


@pytest.fixture
def tab(
    qtbot: QtBot, database: DukanDatabase, changes: CustomerChanges, events: AppEvents
) -> CustomersTab:
    directory = CustomerDirectory()
    widget = CustomersTab(
        SummaryService(), directory, changes, CustomerCsv(changes, directory), events
    )
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def reasons(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Answers every "why?" with the next reason on the list; records what was asked."""
    answers = ["Moved away", "Came back"]

    def ask_text(_parent: object, _title: str, label: str, _action: str) -> str | None:
        asked.append(label)
        return answers.pop(0)

    asked: list[str] = []
    monkeypatch.setattr(prompts, "ask_text", ask_text)
    return asked


def _names(tab: CustomersTab) -> list[str]:
    model = tab.model
    return [model.index(row, Column.NAME).data() for row in range(model.rowCount())]


def _select(tab: CustomersTab, *customer_ids: int) -> None:
    tab.table.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for customer_id in customer_ids:
        row = tab.model.row_of(customer_id)
        assert row is not None
        tab.table.selectionModel().select(tab.model.index(row, 0), flags)


def _scripted(
    monkeypatch: pytest.MonkeyPatch, dialog: type[QDialog], script: Callable[..., Any]
) -> None:
    """Replace a dialog's modal loop by `script(dialog)`, which clicks through it the way the
    operator would; the dialog's result is what the loop returns."""

    def run(self: QDialog) -> int:
        script(self)
        return self.result()

    monkeypatch.setattr(dialog, "exec", run)


def test_typing_in_the_search_field_shows_the_matches(
    tab: CustomersTab, changes: CustomerChanges, qtbot: QtBot
) -> None:
    for name, phone in [("Samir Haddad", "0555 12 34 56"), ("Хасан Алиев", ""), ("Olga", "")]:
        changes.create(CustomerDraft(name=name, phone=phone))
    tab.refresh()
    assert _names(tab) == ["Olga", "Samir Haddad", "Хасан Алиев"]
    assert tab.panel.value(customers_tab.CUSTOMERS) == "3"

    qtbot.keyClicks(tab.search_edit, "0555 12")
    qtbot.waitUntil(lambda: _names(tab) == ["Samir Haddad"])
    assert tab.found_label.text() == "1 found"
    assert [row.name for row in tab.selected_rows()] == ["Samir Haddad"]

    # QTest types ASCII only; a keyboard layout or input method puts Cyrillic in like this.
    tab.search_edit.setText("ХАС")
    qtbot.waitUntil(lambda: _names(tab) == ["Хасан Алиев"])
    assert [row.name for row in tab.selected_rows()] == ["Хасан Алиев"]

    tab.search_edit.clear()
    qtbot.waitUntil(lambda: len(_names(tab)) == 3)
    assert tab.found_label.text() == ""


def test_a_new_customer_shows_the_error_by_its_field_then_saves(
    tab: CustomersTab, events: AppEvents, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    seen: dict[str, str] = {}

    def operator(dialog: CustomerDialog) -> None:
        save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
        dialog.edits["name"].setText("Nour El Houda")
        dialog.edits["email"].setText("nour-at-example")
        dialog.edits["billing.city"].setText("Oran")
        save.click()
        seen["email"] = dialog.errors.message("email")
        seen["name"] = dialog.errors.message("name")
        seen["saved while wrong"] = str(tab.model.rowCount())
        dialog.edits["email"].setText("nour@example.com")
        save.click()
        seen["email after"] = dialog.errors.message("email")

    _scripted(monkeypatch, CustomerDialog, operator)
    with qtbot.waitSignal(events.customer_saved) as saved:
        tab.new_button.click()

    assert seen == {
        "email": "Not an email address, e.g. name@example.com.",
        "name": "",
        "saved while wrong": "0",
        "email after": "",
    }
    assert _names(tab) == ["Nour El Houda"]
    assert [row.id for row in tab.selected_rows()] == [saved.args[0]]
    assert tab.panel.value(customers_tab.CUSTOMERS) == "1"
    record = tab._directory.get(saved.args[0])
    assert record.fields.billing.city == "Oran"
    assert record.number == "C-00001"


def test_editing_starts_from_the_saved_customer(
    tab: CustomersTab, changes: CustomerChanges, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    samir = changes.create(CustomerDraft(name="Samir", phone="0555 12 34 56", credit_limit="50"))
    tab.refresh()
    _select(tab, samir)
    typed: dict[str, str] = {}

    def operator(dialog: CustomerDialog) -> None:
        typed.update({field: edit.text() for field, edit in dialog.edits.items() if edit.text()})
        dialog.edits["name"].setText("Samir Haddad")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    _scripted(monkeypatch, CustomerDialog, operator)
    with qtbot.waitSignal(tab._events.customer_saved):
        tab.edit_button.click()

    assert typed == {
        "name": "Samir",
        "number": "C-00001",
        "phone": "+213555123456",
        "payment_terms": "30",
        "credit_limit": "50.00",
    }
    assert _names(tab) == ["Samir Haddad"]
    assert tab._directory.history(samir)[0].changed() == ["name"]


def test_archiving_a_customer_who_owes_is_refused_with_the_balance(
    tab: CustomersTab,
    changes: CustomerChanges,
    database_path: Path,
    reasons: list[str],
    recorded_prompts: PromptRecorder,
) -> None:
    samir = changes.create(CustomerDraft(name="Samir"))
    add_credit_sale(database_path, samir, 1250)
    tab.refresh()
    _select(tab, samir)
    assert tab.archive_button.isEnabled()

    tab.archive_button.click()

    assert reasons == ["Archive C-00001 Samir. Why? (kept in the customer's history)"]
    assert recorded_prompts.titles() == ["The customer was not archived"]
    assert "still owes 12.50" in recorded_prompts.texts()
    assert _names(tab) == ["Samir"]
    assert not tab._directory.get(samir).is_archived


def test_archive_then_restore_from_show_archived(
    tab: CustomersTab,
    changes: CustomerChanges,
    reasons: list[str],
    recorded_prompts: PromptRecorder,
    qtbot: QtBot,
) -> None:
    gone = changes.create(CustomerDraft(name="Gone"))
    changes.create(CustomerDraft(name="Kept"))
    tab.refresh()
    _select(tab, gone)
    with qtbot.waitSignal(tab._events.customer_archived) as archived:
        tab.archive_button.click()
    assert archived.args == [gone]
    assert _names(tab) == ["Kept"]
    assert tab.restore_button.isHidden()

    tab.show_archived.setChecked(True)
    assert not tab.restore_button.isHidden()
    assert _names(tab) == ["Gone", "Kept"]
    _select(tab, gone)
    assert tab.restore_button.isEnabled() and not tab.archive_button.isEnabled()
    with qtbot.waitSignal(tab._events.customer_saved):
        tab.restore_button.click()

    assert recorded_prompts.shown == []
    history = tab._directory.history(gone)
    assert [(line.action, line.reason) for line in history[:2]] == [
        ("restore", "Came back"),
        ("archive", "Moved away"),
    ]
    tab.show_archived.setChecked(False)
    assert _names(tab) == ["Gone", "Kept"]


def test_merging_two_selected_customers(
    tab: CustomersTab,
    changes: CustomerChanges,
    database_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    qtbot: QtBot,
) -> None:
    samir = changes.create(CustomerDraft(name="Samir Haddad", phone="0555 12 34 56"))
    twice = changes.create(CustomerDraft(name="Sameer Hadad", email="s@example.com"))
    changes.create(CustomerDraft(name="Olga"))
    add_credit_sale(database_path, samir, 1000)
    add_credit_sale(database_path, twice, 250)
    tab.refresh()
    _select(tab, samir)
    assert not tab.merge_button.isEnabled()
    _select(tab, twice, samir)
    assert tab.merge_button.isEnabled()
    seen: dict[str, object] = {}

    def operator(dialog: MergeDialog) -> None:
        seen["kept by default"] = dialog.survivor and dialog.survivor.id
        dialog.merge_button.click()
        seen["reason asked"] = dialog.reason_error.text()
        dialog.reason_edit.setText("the same man, typed twice")
        dialog.merge_button.click()

    _scripted(monkeypatch, MergeDialog, operator)
    with qtbot.waitSignal(tab._events.customers_merged) as merged:
        tab.merge_button.click()

    assert seen == {
        "kept by default": samir,
        "reason asked": "Say why, for the customer's history.",
    }
    assert merged.args == [samir, twice]
    assert _names(tab) == ["Olga", "Samir Haddad"]
    assert [row.id for row in tab.selected_rows()] == [samir]
    row = tab.model.row_of(samir)
    assert row is not None
    assert tab.model.index(row, Column.BALANCE).data() == "12.50"
    assert tab._directory.get(samir).fields.email == "s@example.com"


def test_merging_the_legacy_placeholder_needs_an_explicit_yes(
    database: DukanDatabase,
    database_path: Path,
    changes: CustomerChanges,
    recorded_prompts: PromptRecorder,
    qtbot: QtBot,
) -> None:
    karim = changes.create(CustomerDraft(name="Karim"))
    holder = changes.create(CustomerDraft(name="Unassigned (legacy)"))
    add_credit_sale(database_path, holder, 4000)
    database.execute_sql(
        "INSERT INTO legacy_placeholder (id, customer_id) VALUES (1, ?)", (holder,)
    )
    directory = CustomerDirectory()
    dialog = MergeDialog(directory, changes, holder, karim)
    qtbot.addWidget(dialog)
    assert dialog.survivor is not None and dialog.survivor.id == karim
    assert not dialog.keep.button(0).isEnabled(), "the placeholder can never be kept"
    dialog.reason_edit.setText("all Karim's")

    recorded_prompts.confirm_answer = False
    dialog.merge_button.click()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "40.00" in recorded_prompts.texts()
    assert directory.get(karim).balance_minor == 0

    recorded_prompts.confirm_answer = True
    dialog.merge_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.outcome is not None and dialog.outcome.debts_moved == 1
    assert directory.get(karim).balance_minor == 4000


def test_export_writes_the_file_the_operator_chose(
    tab: CustomersTab,
    changes: CustomerChanges,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    recorded_prompts: PromptRecorder,
) -> None:
    changes.create(CustomerDraft(name="Samir", phone="0555 12 34 56"))
    changes.create(CustomerDraft(name="Хасан"))
    target = tmp_path / "out" / "customers.csv"
    target.parent.mkdir()
    monkeypatch.setattr(prompts, "choose_csv_to_export", lambda _parent, _suggested: target)

    tab.export_button.click()

    assert recorded_prompts.titles() == ["Customers exported"]
    assert f"2 customers written to {target}." in recorded_prompts.texts()
    lines = target.read_text("utf-8-sig").splitlines()
    assert len(lines) == 3 and "Хасан" in lines[2]


def test_import_previews_then_writes_only_on_confirm(
    tab: CustomersTab,
    events: AppEvents,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    qtbot: QtBot,
) -> None:
    source = tmp_path / "customers.csv"
    source.write_text(
        "name,phone,email\nNadia,0555 11 22 33,\n,0555 11 22 34,\nOmar,,not-an-email\nLina,,\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(prompts, "choose_csv_to_import", lambda _parent, _folder: source)
    seen: dict[str, object] = {}

    def operator(dialog: ImportDialog) -> None:
        seen["summary"] = dialog.summary.text()
        seen["bad"] = [
            (dialog.bad_rows.text(row, 0), dialog.bad_rows.text(row, 1))
            for row in range(dialog.bad_rows.rowCount())
        ]
        seen["rows before confirming"] = tab._directory.count()
        seen["button"] = dialog.import_button.text()
        dialog.import_button.click()

    _scripted(monkeypatch, ImportDialog, operator)
    with qtbot.waitSignal(events.customers_imported) as imported:
        tab.import_button.click()

    assert seen == {
        "summary": "2 customers ready to import.",
        "bad": [
            ("3", "name: Required."),
            ("4", "email: Not an email address, e.g. name@example.com."),
        ],
        "rows before confirming": 0,
        "button": "&Import 2 customers",
    }
    assert imported.args == [2]
    assert _names(tab) == ["Lina", "Nadia"]


def test_a_file_with_nothing_importable_cannot_be_imported(
    changes: CustomerChanges, tmp_path: Path, qtbot: QtBot
) -> None:
    source = tmp_path / "customers.csv"
    source.write_text("name,email\n,\nOmar,nope\n", encoding="utf-8")
    directory = CustomerDirectory()
    csv = CustomerCsv(changes, directory)
    dialog = ImportDialog(csv, csv.preview(source), source)
    qtbot.addWidget(dialog)
    assert not dialog.import_button.isEnabled()
    assert dialog.summary.text() == "Nothing can be imported."
    assert dialog.bad_rows.rowCount() == 1


def test_a_header_click_sorts_and_the_arrow_shows_the_real_order(
    tab: CustomersTab, changes: CustomerChanges, database_path: Path
) -> None:
    small = changes.create(CustomerDraft(name="Amina"))
    large = changes.create(CustomerDraft(name="Zoé"))
    add_credit_sale(database_path, small, 100)
    add_credit_sale(database_path, large, 9000)
    tab.refresh()
    header = tab.table.horizontalHeader()
    assert _names(tab) == ["Amina", "Zoé"]

    header.sectionClicked.emit(Column.BALANCE)
    assert _names(tab) == ["Zoé", "Amina"]
    assert header.sortIndicatorSection() == Column.BALANCE
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder

    header.sectionClicked.emit(Column.PHONE)
    assert header.sortIndicatorSection() == Column.BALANCE
    assert _names(tab) == ["Zoé", "Amina"]


def test_books_changing_elsewhere_refresh_the_balances(
    tab: CustomersTab, changes: CustomerChanges, database_path: Path, events: AppEvents
) -> None:
    samir = changes.create(CustomerDraft(name="Samir"))
    tab.refresh()
    assert tab.model.index(0, Column.BALANCE).data() == "0.00"
    add_credit_sale(database_path, samir, 2500)
    events.sale_recorded.emit(1)
    assert tab.model.index(0, Column.BALANCE).data() == "25.00"
    assert tab.panel.value(customers_tab.OWING) == "1"


@pytest.fixture
def window(
    qtbot: QtBot, database: DukanDatabase, database_path: Path, data_dir: Path, migrator: Migrator
) -> MainWindow:
    services = Services(MaintenanceService(database_path, migrator), SummaryService())
    main_window = MainWindow(services, AppEvents(), data_dir, None)
    qtbot.addWidget(main_window)
    main_window.tabs.setCurrentWidget(main_window.customers_tab)
    main_window.show()
    qtbot.waitExposed(main_window)
    main_window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main_window)
    return main_window


def test_keyboard_ctrl_f_finds_ctrl_n_creates_enter_edits(
    window: MainWindow,
    changes: CustomerChanges,
    monkeypatch: pytest.MonkeyPatch,
    qtbot: QtBot,
) -> None:
    samir = changes.create(CustomerDraft(name="Samir"))
    tab = window.customers_tab
    tab.refresh()
    asked: list[int | None] = []

    def ask(*_args: object, customer_id: int | None = None, **_kwargs: object) -> None:
        asked.append(customer_id)

    monkeypatch.setattr(CustomerDialog, "ask", ask)
    tab.table.setFocus()

    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is tab.search_edit
    qtbot.keyClicks(tab.search_edit, "sam")
    qtbot.waitUntil(lambda: tab.model.search_text == "sam")
    qtbot.keyClick(tab.search_edit, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is tab.table
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)
    assert asked == [samir]

    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert asked == [samir, None]

    # On another tab the keys belong to that tab, not to the hidden directory.
    window.tabs.setCurrentWidget(window.sales_tab)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert asked == [samir, None]


def test_the_profile_shows_credit_debts_and_who_changed_what(
    tab: CustomersTab,
    changes: CustomerChanges,
    database_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    samir = changes.create(CustomerDraft(name="Samir", credit_limit="10"))
    changes.update(samir, CustomerDraft(name="Samir", phone="0555 12 34 56", credit_limit="10"))
    add_credit_sale(database_path, samir, 1250, due="2000-01-31")
    tab.refresh()
    _select(tab, samir)
    shown: list[ProfileDialog] = []

    def look(dialog: ProfileDialog) -> None:
        shown.append(dialog)

    _scripted(monkeypatch, ProfileDialog, look)
    tab.profile_button.click()

    [profile] = shown
    assert profile.windowTitle() == "Customer C-00001 Samir"

    def money(name: str) -> str:
        label = profile.money.findChild(QLabel, name)
        assert isinstance(label, QLabel)
        return label.text()

    assert money("Balance") == "12.50"
    assert money("Overdue") == "12.50"
    assert money("Credit limit") == "10.00"
    assert money("Credit left") == "over the limit by 2.50"
    assert [profile.debts.text(0, column) for column in range(6)] == [
        "1",
        "1",
        "2025-05-01",
        "2000-01-31",
        "12.50",
        "12.50",
    ]
    assert profile.sales.rowCount() == 1
    history = [
        [profile.history.text(row, column) for column in range(1, 5)]
        for row in range(profile.history.rowCount())
    ]
    assert history == [["Owner", "Edited", "phone", ""], ["Owner", "Created", "", ""]]


def test_every_amount_is_written_in_the_shops_currency_format(
    qtbot: QtBot,
    database: DukanDatabase,
    database_path: Path,
    events: AppEvents,
    *,
    monkeypatch: pytest.MonkeyPatch,
    recorded_prompts: PromptRecorder,
) -> None:
    dinar = CurrencyFormat(
        symbol="DA", symbol_after=True, decimal_separator=",", thousands_separator=" "
    )
    changes = CustomerChanges(fallback_region="DZ", money_format=dinar)
    samir = changes.create(CustomerDraft(name="Samir", credit_limit="1 000"))
    add_credit_sale(database_path, samir, 123_450, due="2000-01-31")
    holder = changes.create(CustomerDraft(name="Unassigned (legacy)"))
    add_credit_sale(database_path, holder, 4000)
    database.execute_sql(
        "INSERT INTO legacy_placeholder (id, customer_id) VALUES (1, ?)", (holder,)
    )
    directory = CustomerDirectory()
    tab = CustomersTab(
        SummaryService(), directory, changes, CustomerCsv(changes, directory), events
    )
    qtbot.addWidget(tab)

    row = tab.model.row_of(samir)
    assert row is not None
    assert tab.model.index(row, Column.BALANCE).data() == "1 234,50 DA"
    assert tab.model.index(row, Column.OVERDUE).data() == "1 234,50 DA"
    assert tab.panel.value(customers_tab.WAITING) == "1 (40,00 DA)"

    shown: list[ProfileDialog] = []
    _scripted(monkeypatch, ProfileDialog, shown.append)
    _select(tab, samir)
    tab.profile_button.click()
    [profile] = shown

    def money(name: str) -> str:
        label = profile.money.findChild(QLabel, name)
        assert isinstance(label, QLabel)
        return label.text()

    assert money("Balance") == "1 234,50 DA"
    assert money("Credit limit") == "1 000,00 DA"
    assert money("Credit left") == "over the limit by 234,50 DA"
    assert [profile.debts.text(0, column) for column in (4, 5)] == ["1 234,50 DA"] * 2
    assert [profile.sales.text(0, column) for column in (2, 3, 4)] == [
        "1 234,50 DA",
        "0,00 DA",
        "1 234,50 DA",
    ]

    merge = MergeDialog(directory, changes, holder, samir)
    qtbot.addWidget(merge)
    comparison = {
        merge.comparison.text(line, 0): merge.comparison.text(line, 2)
        for line in range(merge.comparison.rowCount())
    }
    assert comparison["Balance"] == "1 234,50 DA"
    assert comparison["Credit limit"] == "1 000,00 DA"
    merge.reason_edit.setText("all Samir's")
    recorded_prompts.confirm_answer = False
    merge.merge_button.click()
    assert "40,00 DA in all" in recorded_prompts.texts()


def test_a_similar_name_warns_without_stopping_the_save(
    changes: CustomerChanges, qtbot: QtBot
) -> None:
    changes.create(CustomerDraft(name="Samir Haddad"))
    directory = CustomerDirectory()
    dialog = CustomerDialog(changes, directory)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.edits["name"], "Samir Hadad")
    qtbot.waitUntil(lambda: not dialog.similar_label.isHidden())
    assert "C-00001 Samir Haddad" in dialog.similar_label.text()

    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.saved_id is not None
    assert directory.get(dialog.saved_id).fields.name == "Samir Hadad"


def test_an_import_overtaken_by_another_till_writes_nothing(
    changes: CustomerChanges, tmp_path: Path, qtbot: QtBot
) -> None:
    source = tmp_path / "customers.csv"
    source.write_text("name,phone\nNadia,0555 11 22 33\nLina,\n", encoding="utf-8")
    directory = CustomerDirectory()
    csv = CustomerCsv(changes, directory)
    dialog = ImportDialog(csv, csv.preview(source), source)
    qtbot.addWidget(dialog)
    # Between the preview and the click, someone saves a customer with Nadia's phone.
    changes.create(CustomerDraft(name="Nadia B.", phone="0555 11 22 33"))

    dialog.import_button.click()

    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error.text().startswith("Line 2: phone:")
    assert dialog.error.text().endswith("Nothing was imported; check the file again.")
    assert not dialog.import_button.isEnabled()
    assert directory.count() == 1
