"""The legacy placeholder's debts as a Qt table, with what the cashier typed; paged."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QFont

from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.services.legacy_queue import PAGE_SIZE, LegacyQueue, UnassignedDebt
from app.ui.formatting import format_money
from app.ui.widgets.paged_table_model import AnyIndex, PagedTableModel

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
NOT_TYPED = "(not typed)"
GREY = QColor("#767676")


class Column(IntEnum):
    SALE = 0
    SOLD = 1
    NAME = 2
    PHONE = 3
    AMOUNT = 4
    OUTSTANDING = 5
    DUE_DATE = 6


HEADERS = {
    Column.SALE: "Sale no.",
    Column.SOLD: "Sold",
    Column.NAME: "Name typed",
    Column.PHONE: "Phone typed",
    Column.AMOUNT: "Amount",
    Column.OUTSTANDING: "Outstanding",
    Column.DUE_DATE: "Due date",
}
RIGHT_COLUMNS = frozenset({Column.SALE, Column.AMOUNT, Column.OUTSTANDING})


class UnassignedModel(PagedTableModel[UnassignedDebt, Column]):
    """The placeholder's debts, open ones first, with what the cashier typed; paged."""

    def __init__(
        self,
        queue: LegacyQueue,
        *,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
        page_size: int = PAGE_SIZE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(
            UnassignedDebt, Column, HEADERS, right_aligned=RIGHT_COLUMNS, parent=parent
        )
        self._queue = queue
        self._format = money_format
        self._page_size = page_size
        self._more = False
        self._italic = QFont()
        self._italic.setItalic(True)

    def reload(self) -> None:
        limit = max(self._page_size, len(self._rows))
        rows = self._queue.unassigned(limit=limit)
        self.beginResetModel()
        self._hold(rows)
        self._more = len(rows) == limit
        self.endResetModel()

    def row_of(self, debt_id: int) -> int | None:
        return self._row_with("debt_id", debt_id)

    # ----- PagedTableModel -------------------------------------------------------------------

    def _has_more(self) -> bool:
        return self._more

    def _next_page(self) -> list[UnassignedDebt]:
        rows = self._queue.unassigned(offset=len(self._rows), limit=self._page_size)
        self._more = len(rows) == self._page_size
        return rows

    # ----- QAbstractTableModel ---------------------------------------------------------------

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cell = self._cell(index)
        if cell is None:
            return None
        debt, column = cell
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(debt, column)
        if role == Qt.ItemDataRole.FontRole:
            return self._italic if _not_typed(debt, column) else None
        return _look(debt, column, role)

    def _text(self, debt: UnassignedDebt, column: Column) -> str:
        if column in (Column.NAME, Column.PHONE):
            typed = _typed(debt, column)
            return NOT_TYPED if typed is None else typed.strip()
        if column is Column.AMOUNT:
            return format_money(debt.amount_minor, self._format)
        if column is Column.OUTSTANDING:
            return format_money(debt.outstanding_minor, self._format)
        if column is Column.SALE:
            return "manual" if debt.sale_id is None else str(debt.sale_id)
        moment = debt.sold_at if column is Column.SOLD else debt.due_date
        shape = "%Y-%m-%d %H:%M" if column is Column.SOLD else "%Y-%m-%d"
        return "—" if moment is None else moment.strftime(shape)


def _look(debt: UnassignedDebt, column: Column, role: int) -> Any:
    """Amounts right-aligned; settled debts and fields left blank at the till greyed."""
    if role == Qt.ItemDataRole.TextAlignmentRole:
        return RIGHT if column in RIGHT_COLUMNS else LEFT
    if role == Qt.ItemDataRole.ForegroundRole:
        greyed = _not_typed(debt, column) or not debt.outstanding_minor
        return GREY if greyed else None
    if role == Qt.ItemDataRole.ToolTipRole:
        typed = _typed(debt, column)
        if typed is not None:
            return f"Typed at the till: “{typed}”"
        if not debt.outstanding_minor:
            return "Settled: assigning it keeps the customer's history whole"
    return None


def _not_typed(debt: UnassignedDebt, column: Column) -> bool:
    return column in (Column.NAME, Column.PHONE) and _typed(debt, column) is None


def _typed(debt: UnassignedDebt, column: Column) -> str | None:
    """What the cashier typed in the name or phone field; None when it holds nothing."""
    typed = debt.payer_name if column is Column.NAME else debt.payer_phone
    if column not in (Column.NAME, Column.PHONE) or typed is None or not typed.strip():
        return None
    return typed
