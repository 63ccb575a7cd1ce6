"""The product list: search as you type, new and edit, CSV import and export."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import CurrencyFormat
from app.domain.product_form import ValidationError
from app.services.errors import ServiceError
from app.services.product_catalog import ProductCatalog, ProductRecord
from app.services.product_csv import ImportOutcome, ImportPreview, ProductCsv
from app.ui import prompts
from app.ui.app_events import AppEvents
from app.ui.formatting import format_money
from app.ui.sales.product_edit_dialog import ProductEditDialog
from app.ui.widgets.field_errors import error_label, grow_to_fit
from app.ui.widgets.list_table import list_table
from app.ui.widgets.text_table import TextTableModel, text_table_view

AnyIndex = QModelIndex | QPersistentModelIndex
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
INACTIVE = QColor("#80868b")
NEGATIVE = QColor("#b3261e")
# Matches shown for a search; a longer list is read by no one, so typing more narrows it.
SHOWN_MATCHES = 200
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class Column(IntEnum):
    BARCODE = 0
    NAME = 1
    PRICE = 2
    STOCK = 3
    ACTIVE = 4


HEADERS = {
    Column.BARCODE: "Barcode",
    Column.NAME: "Name",
    Column.PRICE: "Price",
    Column.STOCK: "Stock",
    Column.ACTIVE: "Sold",
}
_NUMBERS = frozenset({Column.PRICE, Column.STOCK})


class ProductTableModel(QAbstractTableModel):
    """The products a search found, as the service handed them over."""

    def __init__(self, money_format: CurrencyFormat, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._money_format = money_format
        self._rows: list[ProductRecord] = []

    def set_rows(self, rows: Sequence[ProductRecord]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def record(self, row: int) -> ProductRecord:
        return self._rows[row]

    def row_of(self, product_id: int) -> int | None:
        return next((i for i, p in enumerate(self._rows) if p.id == product_id), None)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(Column)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is not Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if section in _NUMBERS else LEFT
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        product = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(product, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if column in _NUMBERS else LEFT
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._colour(product, column)
        if role == Qt.ItemDataRole.ToolTipRole and column is Column.NAME:
            return product.name
        return None

    @staticmethod
    def _colour(product: ProductRecord, column: Column) -> QColor | None:
        """Grey for a product no longer sold; red for stock below zero (sold uncounted)."""
        if not product.active:
            return INACTIVE
        if column is Column.STOCK and product.stock < 0:
            return NEGATIVE
        return None

    def _text(self, product: ProductRecord, column: Column) -> str:
        if column is Column.BARCODE:
            return product.barcode or ""
        if column is Column.NAME:
            return product.name
        if column is Column.PRICE:
            return format_money(product.price_minor, self._money_format)
        if column is Column.STOCK:
            return f"{product.stock:,}"
        return "yes" if product.active else "no"


class ProductsDialog(QDialog):
    def __init__(
        self,
        catalog: ProductCatalog,
        csv: ProductCsv,
        events: AppEvents,
        parent: QWidget | None = None,
        *,
        folder: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Products")
        self._catalog = catalog
        self._csv = csv
        self._events = events
        self.folder = folder or Path.home()  # where CSV files were last chosen
        self._everything: list[ProductRecord] | None = None  # blank search, read once

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Search by name or barcode (scan here)")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.search_edit.installEventFilter(self)
        self.found_label = QLabel()

        self.model = ProductTableModel(catalog.money_format, self)
        self.table = self._table()

        self.new_button = self._button("&New…", self.new_product)
        self.edit_button = self._button("&Edit…", self.edit_selected)
        self.import_button = self._button("&Import CSV…", self.import_csv)
        self.export_button = self._button("E&xport CSV…", self.export_csv)
        self.close_button = self._button("Close", self.reject)
        self._lay_out()
        char = self.fontMetrics().averageCharWidth()
        self.resize(char * 120, self.fontMetrics().height() * 32)
        self.refresh()
        self.search_edit.setFocus()

    def _table(self) -> QTableView:
        table = list_table(self.model)
        table.doubleClicked.connect(self._on_table_double_clicked)
        table.installEventFilter(self)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        metrics = self.fontMetrics()
        widths = {
            Column.BARCODE: metrics.horizontalAdvance("5901234123457") + 24,
            Column.PRICE: metrics.horizontalAdvance(format_money(99_999_999, self.money_format))
            + 24,
            Column.STOCK: metrics.horizontalAdvance("-1,000,000") + 24,
            Column.ACTIVE: max(map(metrics.horizontalAdvance, (HEADERS[Column.ACTIVE], "yes")))
            + 40,
        }
        for column, width in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            table.setColumnWidth(column, width)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        return table

    def _lay_out(self) -> None:
        find_label = QLabel("&Find")
        find_label.setBuddy(self.search_edit)
        top = QHBoxLayout()
        top.addWidget(find_label)
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.found_label)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.edit_button):
            buttons.addWidget(button)
        buttons.addSpacing(12)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def _button(self, text: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        # Enter belongs to the search field and the table, never to a button by default.
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    @property
    def money_format(self) -> CurrencyFormat:
        return self._catalog.money_format

    # ----- the list -----------------------------------------------------------------------

    def refresh(self, select_id: int | None = None) -> None:
        """Run the search again (after a write, or as the text changes)."""
        text = self.search_edit.text()
        if text.strip():
            rows = self._catalog.search(text, limit=SHOWN_MATCHES + 1, include_inactive=True)
            more = len(rows) > SHOWN_MATCHES
            rows = rows[:SHOWN_MATCHES]
        else:
            if self._everything is None:
                self._everything = self._catalog.all(include_inactive=True)
            rows, more = self._everything, False
        self.model.set_rows(rows)
        count = len(rows)
        if more:
            self.found_label.setText(f"first {SHOWN_MATCHES}; type more")
        elif text.strip():
            self.found_label.setText(f"{count} found")
        else:
            self.found_label.setText(f"{count} product{'' if count == 1 else 's'}")
        row = self.model.row_of(select_id) if select_id is not None else None
        self._select(row if row is not None else 0)

    def _select(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        self.edit_button.setEnabled(self.model.rowCount() > 0)

    def selected(self) -> ProductRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    # ----- actions ------------------------------------------------------------------------

    def new_product(self) -> int | None:
        saved = ProductEditDialog.ask(self._catalog, parent=self)
        if saved is not None:
            self._written(saved)
        return saved

    def edit_selected(self) -> int | None:
        product = self.selected()
        if product is None:
            return None
        try:
            saved = ProductEditDialog.ask(self._catalog, product_id=product.id, parent=self)
        except ServiceError as error:
            prompts.show_error(self, "Cannot edit this product", str(error))
            return None
        if saved is not None:
            self._written(saved)
        return saved

    def import_csv(self) -> ImportOutcome | None:
        path = prompts.choose_csv_file_to_import(self, self.folder, "Import products")
        if path is None:
            return None
        self.folder = path.parent
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            preview = self._csv.preview(path)
        except ServiceError as error:
            prompts.show_error(self, "This file cannot be imported", str(error))
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()
        outcome = ProductImportDialog.ask(self._csv, preview, path, self)
        if outcome is not None and (outcome.created or outcome.updated):
            self._written(None)
            prompts.show_info(
                self,
                "Products imported",
                f"{_products(len(outcome.created))} added, {len(outcome.updated)} changed.",
            )
        return outcome

    def export_csv(self) -> int | None:
        suggested = self.folder / f"products-{date.today():%Y-%m-%d}.csv"
        path = prompts.choose_csv_to_save(self, "Export products", suggested)
        if path is None:
            return None
        self.folder = path.parent
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            written = self._csv.export(path)
        except ServiceError as error:
            prompts.show_error(self, "Export failed", str(error))
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()
        prompts.show_info(self, "Products exported", f"{_products(written)} written to {path}.")
        return written

    def _written(self, product_id: int | None) -> None:
        self._everything = None
        self._events.products_changed.emit()
        self.refresh(select_id=product_id)

    # ----- keys and slots -----------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.table and key in _ENTER:
                self.edit_selected()
                return True
            if watched is self.search_edit and key in (*_ENTER, Qt.Key.Key_Down):
                # From the search to the list: Enter on a scanned code lands on its product.
                self.table.setFocus()
                self._select(0)
                return True
        return super().eventFilter(watched, event)

    def _on_search_edit_text_changed(self, _text: str) -> None:
        self.refresh()

    def _on_table_double_clicked(self, _index: QModelIndex) -> None:
        self.edit_selected()


class ProductImportDialog(QDialog):
    """What an import will do (new, changed, unchanged; the rows left out and why); imports
    on confirm."""

    def __init__(
        self, csv: ProductCsv, preview: ImportPreview, path: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import products from {path.name}")
        self._csv = csv
        self._preview = preview
        self.outcome: ImportOutcome | None = None
        writes = preview.new + preview.changed

        self.summary = QLabel(_summary(preview))
        self.summary.setWordWrap(True)
        font = QFont(self.summary.font())
        font.setBold(True)
        self.summary.setFont(font)
        self.bad_rows = TextTableModel(
            ["Line", "Why it will not be imported"], right_aligned=frozenset({0})
        )
        self.bad_rows.set_rows(
            [(str(row.line), row.reason) for row in preview.bad],
            tooltips=[row.reason for row in preview.bad],
        )
        bad_table = text_table_view(self.bad_rows, stretch=[1])
        bad_table.setVisible(bool(preview.bad))
        self.error = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton(
            f"&Import {writes} product{'' if writes == 1 else 's'}",
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        self.import_button.setEnabled(writes > 0)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = self._layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"File: {path}"))
        layout.addWidget(self.summary)
        layout.addWidget(bad_table, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(760, 460 if preview.bad else 0)

    def accept(self) -> None:
        try:
            self.outcome = self._csv.import_rows(self._preview)
        except (ServiceError, ValidationError) as error:
            # Nothing was written, and the preview no longer matches the books: check again.
            self.error.setText(str(error))
            self.error.show()
            self.import_button.setEnabled(False)
            grow_to_fit(self, self._layout)
            return
        super().accept()

    @classmethod
    def ask(
        cls, csv: ProductCsv, preview: ImportPreview, path: Path, parent: QWidget | None = None
    ) -> ImportOutcome | None:
        """What the import wrote, or None when the operator did not import."""
        dialog = cls(csv, preview, path, parent)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        outcome = dialog.outcome
        dialog.deleteLater()
        return outcome if accepted else None


def _products(count: int) -> str:
    return f"{count:,} product{'' if count == 1 else 's'}"


def _summary(preview: ImportPreview) -> str:
    if not preview.good and not preview.bad:
        return "The file has no products in it."
    parts = [f"{_products(preview.new)} to add", f"{preview.changed:,} to change"]
    if preview.stock_counts:
        parts[-1] += f" (the stock of {preview.stock_counts:,} set from the file, as a count)"
    if preview.unchanged:
        parts.append(f"{preview.unchanged:,} already as in the file")
    text = ", ".join(parts) + "."
    if preview.bad:
        rows = f"{len(preview.bad):,} row{'' if len(preview.bad) == 1 else 's'}"
        text += (
            f" {rows} will be left out, listed below by line number: fix them in the file "
            "and import it again."
        )
    return text
