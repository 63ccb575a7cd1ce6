"""The sales list: any date range (today by default), paged, with totals; open, reprint, reverse."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.services.errors import ServiceError
from app.services.sale_reversals import SaleReversals
from app.services.sales_history import SaleRow, SalesHistory
from app.ui import prompts
from app.ui.app_events import AppEvents
from app.ui.dates import buddy_label, date_edit, from_qdate, to_qdate
from app.ui.formatting import format_money
from app.ui.sales.sale_dialog import SaleDialog
from app.ui.sales.sales_table_model import Column, SalesTableModel
from app.ui.widgets.list_table import list_table, select_row
from app.ui.widgets.summary_line import SummaryLine

SALES = "Sales"
TOTAL = "Total"
PAID = "Paid"
ON_CREDIT = "On credit"
RETURNED = "Returned"
NET = "Net"


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())  # Monday


class SalesListView(QWidget):
    def __init__(
        self,
        history: SalesHistory,
        reversals: SaleReversals,
        events: AppEvents,
        show_receipt: Callable[[int], None],
        *,
        today: Callable[[], date] = date.today,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._format = money_format
        self._history = history
        self._reversals = reversals
        self._events = events
        self._show_receipt = show_receipt
        self._today = today
        self._shown_today = today()
        # The list follows the calendar while it shows "today": open past midnight, it moves on.
        self._following_today = True
        self._stale = False

        self.from_edit = date_edit(self._shown_today)
        self.to_edit = date_edit(self._shown_today)
        self.today_button = _button("To&day")
        self.week_button = _button("This &week")
        self.month_button = _button("This &month")
        self.model = SalesTableModel(
            history, self._shown_today, self._shown_today, money_format=money_format, parent=self
        )
        self.table = self._table()
        self.totals = SummaryLine([SALES, TOTAL, PAID, ON_CREDIT, RETURNED, NET])
        self.open_button = _button("&Open…", "Enter")
        self.reprint_button = _button("&Reprint receipt")

        range_row = QHBoxLayout()
        range_row.addWidget(buddy_label("&From:", self.from_edit))
        range_row.addWidget(self.from_edit)
        range_row.addWidget(buddy_label("&To:", self.to_edit))
        range_row.addWidget(self.to_edit)
        range_row.addSpacing(12)
        for button in (self.today_button, self.week_button, self.month_button):
            range_row.addWidget(button)
        range_row.addStretch(1)
        range_row.addWidget(self.open_button)
        range_row.addWidget(self.reprint_button)
        layout = QVBoxLayout(self)
        layout.addLayout(range_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)
        self._connect_signals()
        self._show_totals()
        self._update_buttons()

    def _table(self) -> QTableView:
        table = list_table(self.model)
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.CUSTOMER, QHeaderView.ResizeMode.Stretch)
        digits = table.fontMetrics().horizontalAdvance("0")
        for column, width in (
            (Column.TIME, 17),
            (Column.NUMBER, 9),
            (Column.ITEMS, 6),
            (Column.TOTAL, 14),
            (Column.PAID, 14),
            (Column.ON_CREDIT, 14),
            (Column.RETURNED, 14),
            (Column.STATE, 10),
        ):
            header.resizeSection(column, digits * width + 16)
        return table

    def _connect_signals(self) -> None:
        self.from_edit.dateChanged.connect(self._on_from_edit_date_changed)
        self.to_edit.dateChanged.connect(self._on_to_edit_date_changed)
        self.today_button.clicked.connect(self._on_today_button_clicked)
        self.week_button.clicked.connect(self._on_week_button_clicked)
        self.month_button.clicked.connect(self._on_month_button_clicked)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.reprint_button.clicked.connect(self._on_reprint_button_clicked)
        self.table.activated.connect(self._on_table_activated)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.model.modelReset.connect(self._on_table_selection_changed)
        for changed in (
            self._events.sale_recorded,
            self._events.sale_reversed,
            self._events.database_restored,
        ):
            changed.connect(self._on_events_books_changed)

    # ----- what is shown -------------------------------------------------------------------

    @property
    def range(self) -> tuple[date, date]:
        return self.model.range

    def set_range(self, start: date, end: date) -> None:
        """Show the sales of the days `start` to `end` (swapped if given backwards)."""
        start, end = min(start, end), max(start, end)
        for edit, day in ((self.from_edit, start), (self.to_edit, end)):
            edit.blockSignals(True)
            edit.setDate(to_qdate(day))
            edit.blockSignals(False)
        today = self._today()
        self._following_today = start == end == today
        self._shown_today = today
        self.model.set_range(start, end)
        self._show_totals()

    def refresh(self) -> None:
        """Read the sales again, keeping the selected one; a list of "today" moves to the new
        day after midnight."""
        self._stale = False
        selected = self.selected_sale()
        today = self._today()
        if self._following_today and today != self._shown_today:
            self.set_range(today, today)
        else:
            self.model.reload()
            self._show_totals()
        if selected is not None:
            self.select_sale(selected.id)

    def selected_sale(self) -> SaleRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_sale(self, sale_id: int) -> bool:
        return select_row(self.table, self.model.row_of(sale_id))

    def open_sale(self, sale_id: int) -> None:
        try:
            SaleDialog.show_for(
                self._history,
                sale_id,
                self._reversals,
                self._events,
                self._show_receipt,
                money_format=self._format,
                parent=self,
            )
        except ServiceError as error:
            prompts.show_error(self, "Sale not found", str(error))

    def _show_totals(self) -> None:
        totals = self._history.totals(*self.range)
        self.totals.set_value(SALES, f"{totals.count:,}")
        self.totals.set_value(TOTAL, format_money(totals.total_minor, self._format))
        self.totals.set_value(PAID, format_money(totals.paid_minor, self._format))
        self.totals.set_value(ON_CREDIT, format_money(totals.on_credit_minor, self._format))
        self.totals.set_value(RETURNED, format_money(totals.reversed_minor, self._format))
        self.totals.set_value(
            NET, format_money(totals.total_minor - totals.reversed_minor, self._format)
        )

    def _update_buttons(self) -> None:
        chosen = self.selected_sale() is not None
        self.open_button.setEnabled(chosen)
        self.reprint_button.setEnabled(chosen)

    def _dates(self) -> tuple[date, date]:
        return from_qdate(self.from_edit.date()), from_qdate(self.to_edit.date())

    # ----- slots ---------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _on_events_books_changed(self, _what: object) -> None:
        # A hidden list reads the books when it is next shown, not on every sale at the till.
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def _on_from_edit_date_changed(self, _day: QDate) -> None:
        start, end = self._dates()
        self.set_range(start, max(start, end))

    def _on_to_edit_date_changed(self, _day: QDate) -> None:
        start, end = self._dates()
        self.set_range(min(start, end), end)

    def _on_today_button_clicked(self) -> None:
        today = self._today()
        self.set_range(today, today)

    def _on_week_button_clicked(self) -> None:
        today = self._today()
        self.set_range(week_start(today), today)

    def _on_month_button_clicked(self) -> None:
        today = self._today()
        self.set_range(today.replace(day=1), today)

    def _on_table_selection_changed(self, *_args: object) -> None:
        self._update_buttons()

    def _on_table_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if index.isValid():
            self.open_sale(self.model.row_at(index.row()).id)

    def _on_open_button_clicked(self) -> None:
        sale = self.selected_sale()
        if sale is not None:
            self.open_sale(sale.id)

    def _on_reprint_button_clicked(self) -> None:
        sale = self.selected_sale()
        if sale is None:
            return
        try:
            self._show_receipt(sale.id)
        except ServiceError as error:
            prompts.show_error(self, "The receipt cannot be shown", str(error))


def _button(text: str, shortcut: str = "") -> QPushButton:
    button = QPushButton(text)
    # Enter in the table opens the sale; no button may take it as the default.
    button.setAutoDefault(False)
    if shortcut:
        button.setToolTip(f"({shortcut})")
    return button
