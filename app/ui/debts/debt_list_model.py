"""Debts one by one as a Qt table, by due date, paged in from the debt book."""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor

from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.services.debt_book import DebtBook, DebtCursor, DebtListPage, DebtListRow, DebtStatus
from app.ui.formatting import format_money
from app.ui.widgets.paged_table_model import AnyIndex, PagedTableModel

DEBT_ID_ROLE = Qt.ItemDataRole.UserRole
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
OVERDUE_COLOUR = QColor("#b3261e")
PAID_COLOUR = QColor("#767676")
PAGE_SIZE = 200
MANUAL = "manual"
NONE = "—"


class Column(IntEnum):
    CUSTOMER = 0
    SALE = 1
    DATE = 2
    AMOUNT = 3
    PAID = 4
    OUTSTANDING = 5
    DUE_DATE = 6
    DAYS_OVERDUE = 7


HEADERS = {
    Column.CUSTOMER: "Customer",
    Column.SALE: "Sale no.",
    Column.DATE: "Date",
    Column.AMOUNT: "Amount",
    Column.PAID: "Paid",
    Column.OUTSTANDING: "Outstanding",
    Column.DUE_DATE: "Due date",
    Column.DAYS_OVERDUE: "Days overdue",
}
RIGHT_COLUMNS = frozenset(
    {Column.SALE, Column.AMOUNT, Column.PAID, Column.OUTSTANDING, Column.DAYS_OVERDUE}
)


class DebtListModel(PagedTableModel[DebtListRow, Column]):
    """The debts of one customer or of all, in one status; one page per `fetchMore`."""

    def __init__(
        self,
        book: DebtBook,
        *,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
        page_size: int = PAGE_SIZE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(DebtListRow, Column, HEADERS, right_aligned=RIGHT_COLUMNS, parent=parent)
        self._book = book
        self._format = money_format
        self._page_size = page_size
        self._next: DebtCursor | None = None
        self._customer_id: int | None = None
        self._status = DebtStatus.OPEN

    # ----- what is shown -------------------------------------------------------------------

    @property
    def customer_id(self) -> int | None:
        return self._customer_id

    @property
    def status(self) -> DebtStatus:
        return self._status

    def set_filter(self, customer_id: int | None, status: DebtStatus) -> None:
        if (customer_id, status) != (self._customer_id, self._status):
            self._customer_id, self._status = customer_id, status
            self._reset(self._page_size)

    def reload(self) -> None:
        """Read again after the books changed, keeping as many rows as were scrolled to."""
        self._reset(max(self._page_size, len(self._rows)))

    def count(self) -> int:
        """All the debts the filter matches, loaded or not."""
        return self._book.count_debts(customer_id=self._customer_id, status=self._status)

    def row_of(self, debt_id: int) -> int | None:
        return self._row_with("debt_id", debt_id)

    def _page(self, after: DebtCursor | None, limit: int) -> DebtListPage:
        return self._book.debts_page(
            customer_id=self._customer_id, status=self._status, after=after, limit=limit
        )

    def _reset(self, limit: int) -> None:
        # Read first: when the book refuses, the rows shown stay as they were.
        page = self._page(None, limit)
        self.beginResetModel()
        self._hold(page.rows)
        self._next = page.next
        self.endResetModel()

    # ----- PagedTableModel -------------------------------------------------------------------

    def _has_more(self) -> bool:
        return self._next is not None

    def _next_page(self) -> list[DebtListRow]:
        page = self._page(self._next, self._page_size)
        self._next = page.next
        return page.rows

    # ----- QAbstractTableModel ---------------------------------------------------------------

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cell = self._cell(index)
        if cell is None:
            return None
        debt, column = cell
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(debt, column)
        if role == DEBT_ID_ROLE:
            return debt.debt_id
        return _look(debt, column, role)

    def _text(self, debt: DebtListRow, column: Column) -> str:
        if column in _PLAIN:
            return _PLAIN[column](debt)
        minor = {
            Column.AMOUNT: debt.amount_minor,
            Column.PAID: debt.paid_minor,
            Column.OUTSTANDING: debt.outstanding_minor,
        }[column]
        return format_money(minor, self._format)


_PLAIN: dict[Column, Callable[[DebtListRow], str]] = {
    Column.CUSTOMER: lambda debt: f"{debt.customer_number}  {debt.customer_name}",
    Column.SALE: lambda debt: MANUAL if debt.sale_id is None else str(debt.sale_id),
    Column.DATE: lambda debt: f"{debt.created_at:%Y-%m-%d}",
    Column.DUE_DATE: lambda debt: NONE if debt.due_date is None else f"{debt.due_date:%Y-%m-%d}",
    # Blank when not late, so the late debts stand out in the column.
    Column.DAYS_OVERDUE: lambda debt: f"{debt.days_overdue:,}" if debt.days_overdue else "",
}


def _look(debt: DebtListRow, column: Column, role: int) -> Any:
    """Alignment, colour and tooltip: paid debts greyed, late due dates in red."""
    if role == Qt.ItemDataRole.TextAlignmentRole:
        return RIGHT if column in RIGHT_COLUMNS else LEFT
    if role == Qt.ItemDataRole.ForegroundRole:
        if debt.status == "paid":
            return PAID_COLOUR
        late = debt.days_overdue and column in (Column.DUE_DATE, Column.DAYS_OVERDUE)
        return OVERDUE_COLOUR if late else None
    if role == Qt.ItemDataRole.ToolTipRole:
        return _tooltip(debt, column)
    return None


def _tooltip(debt: DebtListRow, column: Column) -> str | None:
    if column is Column.CUSTOMER:
        return f"{debt.customer_number}  {debt.customer_name}"
    if column is Column.SALE and debt.sale_id is None:
        return "Entered by hand (an opening balance from the paper book)"
    if column is Column.DATE:
        return f"{debt.created_at:%A %d %B %Y, %H:%M}"
    if column is Column.DUE_DATE and debt.due_date is None:
        return "No due date: never counted as overdue"
    if column is Column.OUTSTANDING and debt.status == "paid":
        return "Paid in full"
    return None
