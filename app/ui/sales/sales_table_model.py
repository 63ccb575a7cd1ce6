"""The sales of a date range as a Qt table: a thin window onto pages the service reads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QFont

from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.services.sales_history import (
    PAGE_SIZE,
    REFUNDED,
    VOIDED,
    SaleCursor,
    SaleRow,
    SalesHistory,
)
from app.ui.formatting import format_money
from app.ui.widgets.paged_table_model import AnyIndex, PagedTableModel

SALE_ID_ROLE = Qt.ItemDataRole.UserRole
VOIDED_COLOUR = QColor("#767676")
RETURNED_COLOUR = QColor("#b3261e")
STATE_TEXT = {"": "", REFUNDED: "Refunded", VOIDED: "Voided"}


class Column(IntEnum):
    TIME = 0
    NUMBER = 1
    CUSTOMER = 2
    ITEMS = 3
    TOTAL = 4
    PAID = 5
    ON_CREDIT = 6
    RETURNED = 7
    STATE = 8


HEADERS = {
    Column.TIME: "Time",
    Column.NUMBER: "Sale no.",
    Column.CUSTOMER: "Customer",
    Column.ITEMS: "Items",
    Column.TOTAL: "Total",
    Column.PAID: "Paid",
    Column.ON_CREDIT: "On credit",
    Column.RETURNED: "Returned",
    Column.STATE: "State",
}
RIGHT_COLUMNS = frozenset(
    {
        Column.NUMBER,
        Column.ITEMS,
        Column.TOTAL,
        Column.PAID,
        Column.ON_CREDIT,
        Column.RETURNED,
    }
)


class SalesTableModel(PagedTableModel[SaleRow, Column]):
    """Newest sale first; one page per `fetchMore`, so a year of sales costs only what the
    operator scrolls to."""

    def __init__(
        self,
        history: SalesHistory,
        start: date,
        end: date,
        *,
        page_size: int = PAGE_SIZE,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(SaleRow, Column, HEADERS, right_aligned=RIGHT_COLUMNS, parent=parent)
        self._history = history
        self._format = money_format
        self._page_size = page_size
        self._start, self._end = start, end
        self._next: SaleCursor | None = None
        self._voided_font = QFont()
        self._voided_font.setStrikeOut(True)
        self._load(page_size)

    # ----- what is shown -------------------------------------------------------------------

    @property
    def range(self) -> tuple[date, date]:
        return self._start, self._end

    def set_range(self, start: date, end: date) -> None:
        if (start, end) == (self._start, self._end):
            return
        self._start, self._end = start, end
        self._reset(self._page_size)

    def reload(self) -> None:
        """Read again after the books changed, keeping as many rows as were scrolled to."""
        self._reset(max(self._page_size, len(self._rows)))

    def row_of(self, sale_id: int) -> int | None:
        return self._row_with("id", sale_id)

    def _reset(self, limit: int) -> None:
        self.beginResetModel()
        self._load(limit)
        self.endResetModel()

    def _load(self, limit: int) -> None:
        page = self._history.page_with_cursor(self._start, self._end, limit=limit)
        self._hold(page.rows)
        self._next = page.next

    # ----- PagedTableModel -------------------------------------------------------------------

    def _has_more(self) -> bool:
        return self._next is not None

    def _next_page(self) -> Sequence[SaleRow]:
        page = self._history.page_with_cursor(
            self._start, self._end, before=self._next, limit=self._page_size
        )
        self._next = page.next
        return page.rows

    # ----- QAbstractTableModel ---------------------------------------------------------------

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cell = self._cell(index)
        if cell is None:
            return None
        sale, column = cell
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(sale, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignment(column)
        if role == SALE_ID_ROLE:
            return sale.id
        return self._look(sale, column, role)

    def _look(self, sale: SaleRow, column: Column, role: int) -> Any:
        """Voided sales greyed with their amounts struck through; returns in red."""
        voided = sale.state == VOIDED
        if role == Qt.ItemDataRole.ForegroundRole:
            if voided:
                return VOIDED_COLOUR
            return RETURNED_COLOUR if column is Column.RETURNED and sale.reversed_minor else None
        if role == Qt.ItemDataRole.FontRole:
            struck = voided and column in (Column.TOTAL, Column.PAID, Column.ON_CREDIT)
            return self._voided_font if struck else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return _TOOLTIPS[column](sale) if column in _TOOLTIPS else None
        return None

    def _text(self, sale: SaleRow, column: Column) -> str:
        if column is Column.TIME:
            one_day = self._start == self._end
            return f"{sale.sold_at:%H:%M}" if one_day else f"{sale.sold_at:%Y-%m-%d %H:%M}"
        return _TEXTS[column](sale, self._format)


def _blank_if_zero(minor: int, fmt: CurrencyFormat) -> str:
    # Blank rather than 0.00, so the sales on credit and the returns stand out.
    return format_money(minor, fmt) if minor else ""


_TEXTS: dict[Column, Callable[[SaleRow, CurrencyFormat], str]] = {
    Column.NUMBER: lambda sale, _fmt: str(sale.id),
    Column.CUSTOMER: lambda sale, _fmt: sale.customer,
    Column.ITEMS: lambda sale, _fmt: str(sale.items),
    Column.TOTAL: lambda sale, fmt: format_money(sale.total_minor, fmt),
    Column.PAID: lambda sale, fmt: format_money(sale.paid_minor, fmt),
    Column.ON_CREDIT: lambda sale, fmt: _blank_if_zero(sale.on_credit_minor, fmt),
    Column.RETURNED: lambda sale, fmt: _blank_if_zero(sale.reversed_minor, fmt),
    Column.STATE: lambda sale, _fmt: STATE_TEXT.get(sale.state, sale.state),
}
_TOOLTIPS: dict[Column, Callable[[SaleRow], str]] = {
    Column.TIME: lambda sale: f"{sale.sold_at:%A %d %B %Y, %H:%M:%S}",
    # A long name is cut short in the column; the tooltip has all of it.
    Column.CUSTOMER: lambda sale: sale.customer,
}
