"""The debtors as a Qt table: a thin window onto the pages the debt book reads in SQL."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor

from app.domain.ageing import BUCKETS
from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.domain.phone import readable_phone
from app.services.debt_book import DebtBook, DebtorFilter, DebtorRow, DebtorSort
from app.ui.formatting import format_money
from app.ui.widgets.paged_table_model import AnyIndex, PagedTableModel

CUSTOMER_ID_ROLE = Qt.ItemDataRole.UserRole
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
OVERDUE_COLOUR = QColor("#b3261e")
PAGE_SIZE = 100
NONE = "—"


class Column(IntEnum):
    NUMBER = 0
    NAME = 1
    PHONE = 2
    OUTSTANDING = 3
    OLDEST_DUE = 4
    OVERDUE = 5
    DAYS_0_30 = 6
    DAYS_31_60 = 7
    DAYS_61_90 = 8
    DAYS_OVER_90 = 9
    LAST_REMINDER = 10


BUCKET_COLUMNS = (Column.DAYS_0_30, Column.DAYS_31_60, Column.DAYS_61_90, Column.DAYS_OVER_90)
HEADERS = {
    Column.NUMBER: "Number",
    Column.NAME: "Name",
    Column.PHONE: "Phone",
    Column.OUTSTANDING: "Outstanding",
    Column.OLDEST_DUE: "Oldest due",
    Column.OVERDUE: "Overdue",
    **dict(zip(BUCKET_COLUMNS, BUCKETS, strict=True)),
    Column.LAST_REMINDER: "Last reminder",
}
HEADER_TIPS = {
    Column.OUTSTANDING: "Click to sort: largest first",
    Column.OLDEST_DUE: "Click to sort: longest overdue first (undated debts last)",
    Column.OVERDUE: "Past its due date",
    Column.DAYS_0_30: "Not yet due, undated, or up to 30 days overdue",
    Column.DAYS_31_60: "31 to 60 days overdue",
    Column.DAYS_61_90: "61 to 90 days overdue",
    Column.DAYS_OVER_90: "More than 90 days overdue",
}
# The columns the debt book orders by, each in its one direction.
SORTS = {
    Column.OUTSTANDING: (DebtorSort.OUTSTANDING, Qt.SortOrder.DescendingOrder),
    Column.OLDEST_DUE: (DebtorSort.OLDEST_DUE, Qt.SortOrder.AscendingOrder),
}
MONEY_COLUMNS = frozenset({Column.OUTSTANDING, Column.OVERDUE, *BUCKET_COLUMNS})


class DebtorTableModel(PagedTableModel[DebtorRow, Column]):
    """One row per customer who owes; sorting, filtering and searching re-query the book,
    and scrolling to the end fetches the next page."""

    def __init__(
        self,
        book: DebtBook,
        *,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
        page_size: int = PAGE_SIZE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(
            DebtorRow,
            Column,
            HEADERS,
            right_aligned=MONEY_COLUMNS,
            header_tips=HEADER_TIPS,
            parent=parent,
        )
        self._book = book
        self._format = money_format
        self._page_size = page_size
        self._next: object | None = None
        self._sort = DebtorSort.OLDEST_DUE
        self._filter = DebtorFilter.OWING
        self._search = ""

    # ----- what is shown -------------------------------------------------------------------

    @property
    def sort_column(self) -> Column:
        return next(column for column, (sort, _order) in SORTS.items() if sort is self._sort)

    @property
    def sort_order(self) -> Qt.SortOrder:
        return SORTS[self.sort_column][1]

    @property
    def filter(self) -> DebtorFilter:
        return self._filter

    @property
    def search_text(self) -> str:
        return self._search

    def set_filter(self, chosen: DebtorFilter) -> None:
        if chosen is not self._filter:
            self._filter = chosen
            self._reset(self._page_size)

    def set_search(self, typed: str) -> None:
        if typed.strip() != self._search:
            self._search = typed.strip()
            self._reset(self._page_size)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Qt's sort request: only Outstanding and Oldest due can be ordered by, each in its
        one direction; other columns are ignored."""
        chosen = SORTS.get(Column(column)) if 0 <= column < len(Column) else None
        if chosen is None or chosen[0] is self._sort:
            return
        self._sort = chosen[0]
        self._reset(self._page_size)

    def reload(self) -> None:
        """Read again after the books changed, keeping as many rows as were scrolled to."""
        self._reset(max(self._page_size, len(self._rows)))

    def row_of(self, customer_id: int) -> int | None:
        return self._row_with("customer_id", customer_id)

    def _reset(self, limit: int) -> None:
        # Read first: when the book refuses, the rows shown stay as they were.
        page = self._book.debtors(
            sort=self._sort, filter=self._filter, search=self._search, limit=limit
        )
        self.beginResetModel()
        self._hold(page.rows)
        self._next = page.next_cursor
        self.endResetModel()

    # ----- PagedTableModel -------------------------------------------------------------------

    def _has_more(self) -> bool:
        return self._next is not None

    def _next_page(self) -> Sequence[DebtorRow]:
        page = self._book.debtors(
            sort=self._sort,
            filter=self._filter,
            search=self._search,
            cursor=self._next,
            limit=self._page_size,
        )
        self._next = page.next_cursor
        return page.rows

    # ----- QAbstractTableModel ---------------------------------------------------------------

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cell = self._cell(index)
        if cell is None:
            return None
        debtor, column = cell
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(debtor, column)
        if role == CUSTOMER_ID_ROLE:
            return debtor.customer_id
        return _look(debtor, column, role)

    def _text(self, debtor: DebtorRow, column: Column) -> str:
        if column in _PLAIN:
            return _PLAIN[column](debtor)
        minor = _amount(debtor, column)
        # Blank rather than 0.00 (but for the balance), so the amounts that matter stand out
        # in a row of buckets.
        shown = minor or column is Column.OUTSTANDING
        return format_money(minor, self._format) if shown else ""


def _amount(debtor: DebtorRow, column: Column) -> int:
    if column in BUCKET_COLUMNS:
        return debtor.ageing.buckets_minor[BUCKET_COLUMNS.index(column)]
    return debtor.outstanding_minor if column is Column.OUTSTANDING else debtor.overdue_minor


def _day(moment: date | datetime | None) -> str:
    return NONE if moment is None else f"{moment:%Y-%m-%d}"


_PLAIN: dict[Column, Callable[[DebtorRow], str]] = {
    Column.NUMBER: lambda debtor: debtor.number,
    Column.NAME: lambda debtor: debtor.name,
    Column.PHONE: lambda debtor: readable_phone(debtor.phone),
    Column.OLDEST_DUE: lambda debtor: _day(debtor.oldest_due),
    Column.LAST_REMINDER: lambda debtor: _day(debtor.last_reminded_at),
}


def _look(debtor: DebtorRow, column: Column, role: int) -> Any:
    """Alignment, colour and tooltip: money right-aligned, overdue money in red."""
    if role == Qt.ItemDataRole.TextAlignmentRole:
        return RIGHT if column in MONEY_COLUMNS else LEFT
    if role == Qt.ItemDataRole.ForegroundRole:
        return OVERDUE_COLOUR if _is_late(debtor, column) else None
    if role == Qt.ItemDataRole.ToolTipRole:
        return _tooltip(debtor, column)
    return None


def _is_late(debtor: DebtorRow, column: Column) -> bool:
    """Overdue money in red: the overdue amount, the oldest due date and the late buckets."""
    if not debtor.overdue_minor:
        return False
    return column in (Column.OVERDUE, Column.OLDEST_DUE, *BUCKET_COLUMNS[1:])


def _tooltip(debtor: DebtorRow, column: Column) -> str | None:
    if column is Column.NAME:
        return debtor.name  # all of a name the column cuts short
    if column is Column.OLDEST_DUE and debtor.oldest_due is None:
        return "No debt of this customer has a due date"
    if column is Column.LAST_REMINDER and debtor.last_reminded_at is not None:
        return f"Reminder copied {debtor.last_reminded_at:%Y-%m-%d %H:%M}"
    return None
