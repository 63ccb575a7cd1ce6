"""The customer directory as a Qt table: a thin window onto the rows the service pages in."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QFont

from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.domain.names import name_key
from app.domain.phone import readable_phone
from app.services.customer_directory import (
    PAGE_SIZE,
    SEARCH_LIMIT,
    CustomerDirectory,
    CustomerRow,
    CustomerSort,
    PageCursor,
)
from app.ui.formatting import format_money
from app.ui.widgets.paged_table_model import AnyIndex, PagedTableModel

CUSTOMER_ID_ROLE = Qt.ItemDataRole.UserRole
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
OVERDUE_COLOUR = QColor("#b3261e")
ARCHIVED_COLOUR = QColor("#767676")
NO_ACTIVITY = "—"


class Column(IntEnum):
    NUMBER = 0
    NAME = 1
    PHONE = 2
    BALANCE = 3
    OVERDUE = 4
    LAST_ACTIVITY = 5


HEADERS = {
    Column.NUMBER: "Number",
    Column.NAME: "Name",
    Column.PHONE: "Phone",
    Column.BALANCE: "Balance",
    Column.OVERDUE: "Overdue",
    Column.LAST_ACTIVITY: "Last activity",
}
# The columns the service can order by, and the one direction it orders each in.
SORTS = {
    Column.NUMBER: (CustomerSort.NUMBER, Qt.SortOrder.AscendingOrder),
    Column.NAME: (CustomerSort.NAME, Qt.SortOrder.AscendingOrder),
    Column.BALANCE: (CustomerSort.BALANCE, Qt.SortOrder.DescendingOrder),
}
HEADER_TIPS = {column: f"Click to sort by {HEADERS[column].lower()}" for column in SORTS}
MONEY_COLUMNS = frozenset({Column.BALANCE, Column.OVERDUE})


class CustomerTableModel(PagedTableModel[CustomerRow, Column]):
    """Browsing pages the directory in SQL, one page per `fetchMore`; searching shows the
    service's matches. Sorting re-queries in the chosen order; nothing here ever holds more
    rows than the operator has scrolled to."""

    def __init__(
        self,
        directory: CustomerDirectory,
        *,
        page_size: int = PAGE_SIZE,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(
            CustomerRow,
            Column,
            HEADERS,
            right_aligned=MONEY_COLUMNS,
            header_tips=HEADER_TIPS,
            parent=parent,
        )
        self._directory = directory
        self._page_size = page_size
        self._money_format = money_format
        self._next: PageCursor | None = None
        self._sort = CustomerSort.NAME
        self._search = ""
        self._include_archived = False
        self._archived_font = QFont()
        self._archived_font.setItalic(True)
        self._load(page_size)

    # ----- what is shown -------------------------------------------------------------------

    @property
    def sort_column(self) -> Column:
        return next(column for column, (sort, _order) in SORTS.items() if sort is self._sort)

    @property
    def search_text(self) -> str:
        return self._search

    def search_was_cut(self) -> bool:
        """True when a search found more customers than it shows: type more to narrow it."""
        return bool(self._search) and len(self._rows) >= SEARCH_LIMIT

    def set_search(self, typed: str) -> None:
        if typed.strip() == self._search:
            return
        self._search = typed.strip()
        self._reset(self._page_size)

    def set_include_archived(self, include: bool) -> None:
        if include != self._include_archived:
            self._include_archived = include
            self._reset(self._page_size)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Qt's sort request: columns the service cannot order by are ignored, and each
        sortable column has its one direction (balance largest first)."""
        chosen = SORTS.get(Column(column)) if 0 <= column < len(Column) else None
        if chosen is None or chosen[0] is self._sort:
            return
        self._sort = chosen[0]
        self._reset(self._page_size)

    def reload(self) -> None:
        """Read again after the books changed, keeping as many rows as were scrolled to."""
        self._reset(max(self._page_size, len(self._rows)))

    def row_of(self, customer_id: int) -> int | None:
        return self._row_with("id", customer_id)

    def _reset(self, limit: int) -> None:
        self.beginResetModel()
        self._load(limit)
        self.endResetModel()

    def _load(self, limit: int) -> None:
        if self._search:
            found = self._directory.search(self._search, include_archived=self._include_archived)
            # At most SEARCH_LIMIT rows, all loaded: ordering them here keeps the header's
            # sort indicator true while searching.
            self._hold(sorted(found, key=_search_order(self._sort)))
            self._next = None
            return
        page = self._directory.page(
            sort=self._sort, limit=limit, include_archived=self._include_archived
        )
        self._hold(page.rows)
        self._next = page.next

    # ----- PagedTableModel -------------------------------------------------------------------

    def _has_more(self) -> bool:
        return self._next is not None

    def _next_page(self) -> Sequence[CustomerRow]:
        page = self._directory.page(
            sort=self._sort,
            after=self._next,
            limit=self._page_size,
            include_archived=self._include_archived,
        )
        self._next = page.next
        return page.rows

    # ----- QAbstractTableModel ---------------------------------------------------------------

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cell = self._cell(index)
        if cell is None:
            return None
        customer, column = cell
        if role == Qt.ItemDataRole.DisplayRole:
            return _text(customer, column, self._money_format)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignment(column)
        if role == CUSTOMER_ID_ROLE:
            return customer.id
        return self._look(customer, column, role)

    def _look(self, customer: CustomerRow, column: Column, role: int) -> Any:
        """Colour, font and tooltip: archived customers greyed, overdue amounts in red."""
        if role == Qt.ItemDataRole.ForegroundRole:
            if customer.is_archived:
                return ARCHIVED_COLOUR
            return OVERDUE_COLOUR if column is Column.OVERDUE and customer.overdue_minor else None
        if role == Qt.ItemDataRole.FontRole:
            return self._archived_font if customer.is_archived else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(customer, column)
        return None


def _text(customer: CustomerRow, column: Column, money_format: CurrencyFormat) -> str:
    if column is Column.NUMBER:
        return customer.number
    if column is Column.NAME:
        return customer.name
    if column is Column.PHONE:
        return readable_phone(customer.phone)
    if column is Column.BALANCE:
        return format_money(customer.balance_minor, money_format)
    if column is Column.OVERDUE:
        # Blank rather than 0.00, so the customers who are late stand out in the column.
        return format_money(customer.overdue_minor, money_format) if customer.overdue_minor else ""
    moment = customer.last_activity
    return NO_ACTIVITY if moment is None else f"{moment:%Y-%m-%d}"


def _tooltip(customer: CustomerRow, column: Column) -> str | None:
    if customer.is_archived:
        return "Archived"
    if column is Column.LAST_ACTIVITY and customer.last_activity is not None:
        return f"Last sale, debt or payment: {customer.last_activity:%Y-%m-%d %H:%M}"
    return None


def _search_order(sort: CustomerSort) -> Callable[[CustomerRow], tuple[str | int, int]]:
    """The order `sort` pages the directory in, applied to a search's loaded rows."""
    if sort is CustomerSort.NAME:
        return lambda row: (name_key(row.name) or "", row.id)
    if sort is CustomerSort.NUMBER:
        return lambda row: (row.number.casefold(), row.id)
    return lambda row: (-row.balance_minor, -row.id)
