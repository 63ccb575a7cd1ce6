"""Sales by customer for a period: count, totals, average, credit, returns; sortable, to CSV."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QFont, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.services.errors import ServiceError
from app.services.sales_report import CustomerSalesRow, SalesReport, totals
from app.ui import prompts
from app.ui.app_events import AppEvents
from app.ui.dates import buddy_label, date_edit, from_qdate, to_qdate
from app.ui.formatting import format_money
from app.ui.widgets.list_table import SelectionMode, list_table
from app.ui.widgets.summary_line import SummaryLine

AnyIndex = QModelIndex | QPersistentModelIndex
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
SALES = "Sales"
TOTAL = "Total"
AVERAGE = "Average"
PAID = "Paid"
ON_CREDIT = "On credit"
RETURNED = "Returned"
NET = "Net"


class Column(IntEnum):
    CUSTOMER = 0
    SALES = 1
    TOTAL = 2
    AVERAGE = 3
    PAID = 4
    ON_CREDIT = 5
    RETURNED = 6
    NET = 7


HEADERS = {
    Column.CUSTOMER: "Customer",
    Column.SALES: "Sales",
    Column.TOTAL: "Total",
    Column.AVERAGE: "Average sale",
    Column.PAID: "Paid",
    Column.ON_CREDIT: "On credit",
    Column.RETURNED: "Returned",
    Column.NET: "Net",
}
TOOLTIPS = {
    Column.TOTAL: "As rung up, before returns",
    Column.AVERAGE: "Total ÷ sales, rounded to the nearest cent (halves up)",
    Column.PAID: "Paid at the till",
    Column.ON_CREDIT: "Left on the customer's account by these sales",
    Column.RETURNED: "Value of the goods that came back (voids and refunds)",
    Column.NET: "Total less returned",
}


def _sort_key(column: Column) -> Callable[[CustomerSalesRow], Any]:
    """Raw values, never the formatted text ("9.00" would sort after "10.00")."""
    if column is Column.CUSTOMER:
        # Walk-in sales first, then customers by name in any script.
        return lambda row: (row.customer_id is not None, row.customer.casefold())
    attribute = {
        Column.SALES: "sales",
        Column.TOTAL: "total_minor",
        Column.AVERAGE: "average_minor",
        Column.PAID: "paid_minor",
        Column.ON_CREDIT: "on_credit_minor",
        Column.RETURNED: "reversed_minor",
        Column.NET: "net_minor",
    }[column]
    return lambda row: getattr(row, attribute)


class ReportModel(QAbstractTableModel):
    """The report's rows, ordered in the model by the raw numbers."""

    def __init__(
        self, money_format: CurrencyFormat = DEFAULT_FORMAT, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._format = money_format
        self._rows: list[CustomerSalesRow] = []
        self._sort = (Column.TOTAL, Qt.SortOrder.DescendingOrder)
        self._italic = QFont()
        self._italic.setItalic(True)

    @property
    def rows(self) -> list[CustomerSalesRow]:
        return list(self._rows)

    @property
    def sort_order(self) -> tuple[Column, Qt.SortOrder]:
        return self._sort

    def set_rows(self, rows: list[CustomerSalesRow]) -> None:
        self.beginResetModel()
        self._rows = self._sorted(rows)
        self.endResetModel()

    def row_at(self, row: int) -> CustomerSalesRow:
        return self._rows[row]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(Column):
            return
        self.layoutAboutToBeChanged.emit()
        self._sort = (Column(column), order)
        old = list(self._rows)
        self._rows = self._sorted(self._rows)
        # Persistent indexes (the selection) follow their rows.
        position = {id(row): index for index, row in enumerate(self._rows)}
        for before_row, row in enumerate(old):
            after_row = position[id(row)]
            for col in range(len(Column)):
                self.changePersistentIndex(self.index(before_row, col), self.index(after_row, col))
        self.layoutChanged.emit()

    def _sorted(self, rows: list[CustomerSalesRow]) -> list[CustomerSalesRow]:
        column, order = self._sort
        # Ties keep a fixed order (by name) whichever way the column is sorted.
        by_name = sorted(rows, key=_sort_key(Column.CUSTOMER))
        return sorted(
            by_name,
            key=_sort_key(column),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(Column)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is not Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        column = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[column]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return LEFT if column is Column.CUSTOMER else RIGHT
        if role == Qt.ItemDataRole.ToolTipRole:
            return TOOLTIPS.get(column)
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(row, column, self._format)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return LEFT if column is Column.CUSTOMER else RIGHT
        if role == Qt.ItemDataRole.FontRole and row.customer_id is None:
            return self._italic
        if role == Qt.ItemDataRole.ToolTipRole and column is Column.CUSTOMER:
            return row.customer  # all of a name the column cuts short
        return None


def cell_text(row: CustomerSalesRow, column: Column, fmt: CurrencyFormat = DEFAULT_FORMAT) -> str:
    if column is Column.CUSTOMER:
        return row.customer
    if column is Column.SALES:
        return f"{row.sales:,}"
    return format_money(
        {
            Column.TOTAL: row.total_minor,
            Column.AVERAGE: row.average_minor,
            Column.PAID: row.paid_minor,
            Column.ON_CREDIT: row.on_credit_minor,
            Column.RETURNED: row.reversed_minor,
            Column.NET: row.net_minor,
        }[column],
        fmt,
    )


class SalesReportView(QWidget):
    def __init__(
        self,
        report: SalesReport,
        events: AppEvents,
        *,
        today: Callable[[], date] = date.today,
        parent: QWidget | None = None,
        csv_folder: Path | None = None,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
    ) -> None:
        super().__init__(parent)
        self._format = money_format
        self._report = report
        self._today = today
        self._csv_folder = csv_folder or Path.home()
        # Filled when first shown: a month of sales grouped is no work for the window's start.
        self._stale = True
        now = today()

        self.from_edit = date_edit(now.replace(day=1))
        self.to_edit = date_edit(now)
        self.today_button = _button("Toda&y")
        self.month_button = _button("This mo&nth")
        self.year_button = _button("This y&ear")
        self.export_button = _button("E&xport CSV…")
        # A search box, as in the Debtors list: typing "Benali" shows every Benali who bought
        # in the period and their sum, with no popup to pick from first.
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Customer: name, phone or number  (Ctrl+F)")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setToolTip("Type “walk” for the walk-in sales")
        # Zero delay: keys already queued become one search.
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(0)
        self.model = ReportModel(money_format, self)
        self.table = self._table()
        self.totals = SummaryLine([SALES, TOTAL, AVERAGE, PAID, ON_CREDIT, RETURNED, NET])

        range_row = QHBoxLayout()
        range_row.addWidget(buddy_label("&Period from:", self.from_edit))
        range_row.addWidget(self.from_edit)
        range_row.addWidget(QLabel("to"))
        range_row.addWidget(self.to_edit)
        range_row.addSpacing(12)
        for button in (self.today_button, self.month_button, self.year_button):
            range_row.addWidget(button)
        range_row.addSpacing(12)
        range_row.addWidget(self.search_edit, 1)
        range_row.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(range_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)

        self.from_edit.dateChanged.connect(self._on_from_edit_date_changed)
        self.to_edit.dateChanged.connect(self._on_to_edit_date_changed)
        self.today_button.clicked.connect(self._on_today_button_clicked)
        self.month_button.clicked.connect(self._on_month_button_clicked)
        self.year_button.clicked.connect(self._on_year_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        self._search_timer.timeout.connect(self.refresh)
        # Only while this view is showing: the other views have their own Ctrl+F.
        self.find_shortcut = QShortcut(QKeySequence.StandardKey.Find, self)
        self.find_shortcut.activated.connect(self._on_find_shortcut_activated)
        for changed in (events.sale_recorded, events.sale_reversed, events.database_restored):
            changed.connect(self._on_events_books_changed)

    def _table(self) -> QTableView:
        table = list_table(self.model, SelectionMode.ExtendedSelection)
        header = table.horizontalHeader()
        # Room for the sort arrow, which the style otherwise draws over right-aligned titles.
        header.setStyleSheet("QHeaderView::section { padding-right: 16px; }")
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.CUSTOMER, QHeaderView.ResizeMode.Stretch)
        digits = table.fontMetrics().horizontalAdvance("0")
        for column in Column:
            if column is not Column.CUSTOMER:
                header.resizeSection(column, digits * (8 if column is Column.SALES else 15) + 16)
        # The indicator first: enabling sorting sorts at once by whatever it shows.
        column, order = self.model.sort_order
        header.setSortIndicator(column, order)
        table.setSortingEnabled(True)
        return table

    # ----- what is shown -------------------------------------------------------------------

    @property
    def range(self) -> tuple[date, date]:
        return from_qdate(self.from_edit.date()), from_qdate(self.to_edit.date())

    def set_range(self, start: date, end: date) -> None:
        start, end = min(start, end), max(start, end)
        for edit, day in ((self.from_edit, start), (self.to_edit, end)):
            edit.blockSignals(True)
            edit.setDate(to_qdate(day))
            edit.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        self._stale = False
        self._search_timer.stop()
        rows = self._report.rows(*self.range, self.search_edit.text())
        self.model.set_rows(rows)
        summed = totals(rows)
        self.totals.set_value(SALES, f"{summed.sales:,}")
        self.totals.set_value(TOTAL, format_money(summed.total_minor, self._format))
        self.totals.set_value(AVERAGE, format_money(summed.average_minor, self._format))
        self.totals.set_value(PAID, format_money(summed.paid_minor, self._format))
        self.totals.set_value(ON_CREDIT, format_money(summed.on_credit_minor, self._format))
        self.totals.set_value(RETURNED, format_money(summed.reversed_minor, self._format))
        self.totals.set_value(NET, format_money(summed.net_minor, self._format))
        self.export_button.setEnabled(bool(rows))

    def suggested_file(self) -> Path:
        start, end = self.range
        return self._csv_folder / f"sales-by-customer-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}.csv"

    # ----- slots ---------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _on_search_edit_text_changed(self, _text: str) -> None:
        self._search_timer.start()

    def _on_search_edit_return_pressed(self) -> None:
        # Typing, then Enter, then arrows: the table takes over from the search field.
        self.refresh()
        self.table.setFocus()

    def _on_find_shortcut_activated(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _on_events_books_changed(self, _what: object) -> None:
        # Hidden behind the till, the report is read again only when it is looked at.
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def _on_from_edit_date_changed(self, _day: QDate) -> None:
        start, end = self.range
        self.set_range(start, max(start, end))

    def _on_to_edit_date_changed(self, _day: QDate) -> None:
        start, end = self.range
        self.set_range(min(start, end), end)

    def _on_today_button_clicked(self) -> None:
        today = self._today()
        self.set_range(today, today)

    def _on_month_button_clicked(self) -> None:
        today = self._today()
        self.set_range(today.replace(day=1), today)

    def _on_year_button_clicked(self) -> None:
        today = self._today()
        self.set_range(today.replace(month=1, day=1), today)

    def _on_export_button_clicked(self) -> None:
        path = prompts.choose_csv_to_save(self, "Export sales by customer", self.suggested_file())
        if path is None:
            return
        try:
            written = self._report.export_csv(self.model.rows, path)
        except ServiceError as error:
            prompts.show_error(self, "The report was not exported", str(error))
            return
        self._csv_folder = path.parent
        prompts.show_info(
            self, "Report exported", f"{written} customer rows and a total line written to {path}."
        )


def _button(text: str) -> QPushButton:
    button = QPushButton(text)
    button.setAutoDefault(False)
    return button
