"""A read-only table of ready-made text rows, for the short lists dialogs show."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

AnyIndex = QModelIndex | QPersistentModelIndex
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
ATTENTION = QColor("#b3261e")


class TextTableModel(QAbstractTableModel):
    """Rows of strings; `right_aligned` columns hold amounts. A row listed in `attention`
    is drawn in red (an overdue debt, a refused line)."""

    def __init__(
        self,
        headers: Sequence[str],
        *,
        right_aligned: frozenset[int] = frozenset(),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._right = right_aligned
        self._rows: list[tuple[str, ...]] = []
        self._tooltips: list[str | None] = []
        self._attention: set[int] = set()

    def set_rows(
        self,
        rows: Sequence[Sequence[str]],
        *,
        attention: Sequence[int] = (),
        tooltips: Sequence[str | None] = (),
    ) -> None:
        self.beginResetModel()
        self._rows = [tuple(row) for row in rows]
        self._attention = set(attention)
        self._tooltips = list(tooltips) + [None] * (len(self._rows) - len(tooltips))
        self.endResetModel()

    def set_headers(self, headers: Sequence[str]) -> None:
        self._headers[:] = headers
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._headers) - 1)

    def header(self, column: int) -> str:
        return self._headers[column]

    def text(self, row: int, column: int) -> str:
        return self._rows[row][column]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._headers)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is not Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if section in self._right else LEFT
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if index.column() in self._right else LEFT
        if role == Qt.ItemDataRole.ForegroundRole and index.row() in self._attention:
            return ATTENTION
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltips[index.row()]
        return None


def text_table_view(
    model: QAbstractTableModel,
    *,
    stretch: Sequence[int] | None = None,
    parent: QWidget | None = None,
) -> QTableView:
    """A compact, read-only, row-selecting view. The `stretch` columns share the spare width
    and the others fit their text; with no `stretch` given, every column shares it."""
    view = QTableView(parent)
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setMinimumSectionSize(view.fontMetrics().horizontalAdvance("0") * 8)
    for column in range(model.columnCount()):
        stretched = stretch is None or column in stretch
        header.setSectionResizeMode(
            column,
            QHeaderView.ResizeMode.Stretch
            if stretched
            else QHeaderView.ResizeMode.ResizeToContents,
        )
    return view
