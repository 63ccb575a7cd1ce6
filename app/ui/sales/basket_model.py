"""The basket as a table: description, quantity (editable), unit price and amount per line."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from app.domain.basket import MAX_QUANTITY, Basket, BasketError
from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.ui.formatting import format_money

COLUMNS = ("#", "Item", "Qty", "Price", "Amount")
QUANTITY_COLUMN = 2
_NUMBERS = frozenset({0, 2, 3, 4})
Index = QModelIndex | QPersistentModelIndex


class BasketModel(QAbstractTableModel):
    changed = Signal()  # lines or quantities changed: totals and credit need a new look
    refused = Signal(str)  # an edit the basket would not take, said in the cashier's words

    def __init__(self, money_format: CurrencyFormat = DEFAULT_FORMAT) -> None:
        super().__init__()
        self.basket = Basket()
        self._format = money_format

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(self.basket)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802 - Qt API
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        line = self.basket.lines[index.row()]
        column = index.column()
        if role in {Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole}:
            return (
                str(index.row() + 1),
                line.description,
                str(line.quantity) if role == Qt.ItemDataRole.DisplayRole else line.quantity,
                format_money(line.unit_price_minor, self._format),
                format_money(line.amount_minor, self._format),
            )[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _NUMBERS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.column() == QUANTITY_COLUMN:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802 - Qt API
        if role != Qt.ItemDataRole.EditRole or index.column() != QUANTITY_COLUMN:
            return False
        return self.set_quantity(index.row(), value)

    # ----- changes -------------------------------------------------------------------------

    def add_product(self, product_id: int, name: str, price_minor: int, quantity: int = 1) -> int:
        """Add one scan; the row of its line, or -1 when refused."""
        before = len(self.basket)
        row = self._try(lambda: self.basket.add_product(product_id, name, price_minor, quantity))
        self._announce(row, grew=len(self.basket) > before)
        return row

    def add_free(self, description: str, price_minor: int, quantity: int = 1) -> int:
        row = self._try(lambda: self.basket.add_free(description, price_minor, quantity))
        self._announce(row, grew=row >= 0)
        return row

    def set_quantity(self, row: int, quantity: Any) -> bool:
        if not 0 <= row < len(self.basket):
            return False
        if not isinstance(quantity, int):
            quantity = _count(str(quantity))
        changed = self._try(lambda: self.basket.set_quantity(row, quantity))
        self._announce(changed, grew=False)
        return changed >= 0

    def step_quantity(self, row: int, step: int) -> None:
        """One more or one fewer of the line (the + and - keys); at one, fewer does nothing."""
        if 0 <= row < len(self.basket):
            quantity = self.basket.lines[row].quantity + step
            if quantity >= 1:
                self.set_quantity(row, quantity)

    def remove(self, row: int) -> None:
        if 0 <= row < len(self.basket):
            self.beginRemoveRows(QModelIndex(), row, row)
            self.basket.remove(row)
            self.endRemoveRows()
            self.changed.emit()

    def clear(self) -> None:
        """Empty the basket for the next sale (a new checkout key comes with it)."""
        self.beginResetModel()
        self.basket.clear()
        self.endResetModel()
        self.changed.emit()

    def _try(self, change: Any) -> int:
        try:
            return int(change())
        except BasketError as error:
            self.refused.emit(str(error))
            return -1

    def _announce(self, row: int, *, grew: bool) -> None:
        if row < 0:
            return
        if grew:
            # The line is already in the basket; tell the view so in one go.
            self.beginInsertRows(QModelIndex(), row, row)
            self.endInsertRows()
        else:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        self.changed.emit()


def _count(typed: str) -> int:
    """A quantity typed as text, or -1 (which the basket refuses in words). Leading zeros go
    first and the length is bounded: int() raises on more than 4,300 digits."""
    text = typed.strip()
    if not (text.isascii() and text.isdigit()):
        return -1
    digits = text.lstrip("0") or "0"
    return int(digits) if len(digits) <= len(str(MAX_QUANTITY)) else -1
