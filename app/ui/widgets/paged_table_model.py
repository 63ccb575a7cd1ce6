"""The shared base of the paged table models: rows loaded so far, headers, and `fetchMore`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import IntEnum
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from app.ui.widgets.packed_rows import PackedRows

AnyIndex = QModelIndex | QPersistentModelIndex
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

Row = TypeVar("Row")
Col = TypeVar("Col", bound=IntEnum)


class PagedTableModel(QAbstractTableModel, Generic[Row, Col]):
    """A flat table over `_rows`, one column per member of its column enum. A subclass says
    whether there is another page (`_has_more`), reads it (`_next_page`, which also moves its
    cursor on) and says what each cell shows (`data`); this appends the page when Qt asks.
    The rows are packed (see PackedRows): scrolled to the end of 100k customers or debts,
    a table holds about 100 bytes a row instead of 400 to 600 in Python objects."""

    def __init__(
        self,
        row_type: type[Row],
        columns: type[Col],
        headers: Mapping[Col, str],
        *,
        right_aligned: frozenset[Col],
        header_tips: Mapping[Col, str] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._columns = columns
        self._headers = headers
        self._right_aligned = right_aligned
        self._header_tips: Mapping[Col, str] = header_tips or {}
        self._rows: PackedRows[Row] = PackedRows(row_type)

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def _row_with(self, field: str, value: object) -> int | None:
        """The position of the first loaded row whose `field` is `value`, or None."""
        return self._rows.index_of(field, value)

    def _hold(self, rows: Iterable[Row]) -> None:
        """Hold `rows` instead of the rows held; between beginResetModel and endResetModel."""
        self._rows.replace(rows)

    def _alignment(self, column: Col) -> Qt.AlignmentFlag:
        return RIGHT if column in self._right_aligned else LEFT

    def _cell(self, index: AnyIndex) -> tuple[Row, Col] | None:
        """The row and column a valid top-level index points at; None for any other index."""
        if not index.isValid() or index.parent().isValid():
            return None
        return self._rows[index.row()], self._columns(index.column())

    def _has_more(self) -> bool:
        raise NotImplementedError

    def _next_page(self) -> Sequence[Row]:
        raise NotImplementedError

    # ----- QAbstractTableModel ---------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._columns)

    def canFetchMore(self, parent: AnyIndex) -> bool:  # noqa: N802
        return not parent.isValid() and self._has_more()

    def fetchMore(self, parent: AnyIndex) -> None:  # noqa: N802
        if not self.canFetchMore(parent):
            return
        rows = self._next_page()
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is not Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[column]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignment(column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._header_tips.get(column)
        return None
