"""The payment dialog's table: every open debt, a tick to pay it, and what the payment does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.ui.formatting import format_money

AnyIndex = QModelIndex | QPersistentModelIndex
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
TOUCHED_BACKGROUND = QColor("#dcefe0")  # a pale green the text stays readable on
OVERDUE = QColor("#b3261e")
MANUAL = "manual"
NONE = "—"


class Column(IntEnum):
    TICK = 0
    SALE = 1
    DATE = 2
    DUE = 3
    OUTSTANDING = 4
    APPLIED = 5
    REMAINING = 6


HEADERS = ("Pay", "Sale", "Date", "Due", "Outstanding", "Applied", "Remaining")
_AMOUNTS = frozenset({Column.OUTSTANDING, Column.APPLIED, Column.REMAINING})


@dataclass(frozen=True, slots=True)
class DebtRow:
    debt_id: int
    sale_id: int | None  # None: a manual debt
    created_at: datetime | None
    due_date: date | None
    outstanding_minor: int
    applied_minor: int = 0

    @property
    def remaining_minor(self) -> int:
        return self.outstanding_minor - self.applied_minor


class PaymentPreviewModel(QAbstractTableModel):
    """Rows in payment order; the operator's ticks survive a new preview of the same debts."""

    ticks_changed = Signal()

    def __init__(
        self,
        *,
        today: date,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._today = today
        self._format = money_format
        self._rows: list[DebtRow] = []
        self._ticked: set[int] = set()
        self._bold = QFont()
        self._bold.setBold(True)

    # ----- rows and ticks ------------------------------------------------------------------

    def set_rows(self, rows: list[DebtRow]) -> None:
        """Show these debts; ticks on debts no longer listed are dropped."""
        self.beginResetModel()
        self._rows = list(rows)
        self._ticked &= {row.debt_id for row in rows}
        self.endResetModel()

    def row(self, row: int) -> DebtRow:
        return self._rows[row]

    def rows(self) -> list[DebtRow]:
        return list(self._rows)

    def ticked_ids(self) -> tuple[int, ...]:
        """The ticked debts in the order shown (payment order)."""
        return tuple(row.debt_id for row in self._rows if row.debt_id in self._ticked)

    def ticked_outstanding_minor(self) -> int:
        return sum(row.outstanding_minor for row in self._rows if row.debt_id in self._ticked)

    def set_ticked(self, debt_id: int, ticked: bool) -> None:
        row = next((n for n, shown in enumerate(self._rows) if shown.debt_id == debt_id), None)
        if row is None:
            raise KeyError(debt_id)
        self.setData(
            self.index(row, Column.TICK),
            Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked,
            Qt.ItemDataRole.CheckStateRole,
        )

    def clear_ticks(self) -> None:
        if not self._ticked:
            return
        self._ticked.clear()
        self.dataChanged.emit(
            self.index(0, Column.TICK),
            self.index(max(len(self._rows) - 1, 0), Column.TICK),
            [Qt.ItemDataRole.CheckStateRole],
        )
        self.ticks_changed.emit()

    def text(self, row: int, column: int) -> str:
        return str(self.data(self.index(row, column)) or "")

    # ----- Qt ------------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is not Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if section in _AMOUNTS else LEFT
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == Column.TICK:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        line = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(line, column)
        if role == Qt.ItemDataRole.CheckStateRole and column == Column.TICK:
            ticked = line.debt_id in self._ticked
            return Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if column in _AMOUNTS else LEFT
        return self._look(line, column, role)

    def _look(self, line: DebtRow, column: int, role: int) -> Any:
        """The debts the payment reaches stand out in bold on green; overdue due dates in red."""
        if role == Qt.ItemDataRole.BackgroundRole:
            return TOUCHED_BACKGROUND if line.applied_minor else None
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if line.applied_minor else None
        if role == Qt.ItemDataRole.ForegroundRole:
            return OVERDUE if column == Column.DUE and self._overdue(line) else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(line)
        return None

    def setData(  # noqa: N802
        self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if (
            not index.isValid()
            or index.column() != Column.TICK
            or role != Qt.ItemDataRole.CheckStateRole
        ):
            return False
        debt_id = self._rows[index.row()].debt_id
        # Views hand the state over as an int, code as the enum.
        ticked = Qt.CheckState(value) == Qt.CheckState.Checked
        if ticked == (debt_id in self._ticked):
            return True
        if ticked:
            self._ticked.add(debt_id)
        else:
            self._ticked.discard(debt_id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.ticks_changed.emit()
        return True

    def _display(self, line: DebtRow, column: int) -> str:
        if column == Column.SALE:
            return MANUAL if line.sale_id is None else str(line.sale_id)
        if column in (Column.DATE, Column.DUE):
            day = line.created_at if column == Column.DATE else line.due_date
            return NONE if day is None else f"{day:%Y-%m-%d}"
        if column in _AMOUNTS:
            amount = {
                Column.OUTSTANDING: line.outstanding_minor,
                Column.APPLIED: line.applied_minor,
                Column.REMAINING: line.remaining_minor,
            }[Column(column)]
            # Applied stays blank on the debts the payment does not reach, so the others show.
            if column == Column.APPLIED and not amount:
                return ""
            return format_money(amount, self._format)
        return ""

    def _overdue(self, line: DebtRow) -> bool:
        return line.due_date is not None and line.due_date < self._today

    def _tooltip(self, line: DebtRow) -> str:
        parts = [f"Debt D-{line.debt_id}"]
        if self._overdue(line):
            parts.append("overdue")
        if line.applied_minor:
            parts.append("paid off" if line.remaining_minor == 0 else "partly paid")
        return ", ".join(parts)
