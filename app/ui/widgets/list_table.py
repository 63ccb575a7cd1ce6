"""The read-only list table every tab and dialog shows its rows in, set up in one place."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QItemSelectionModel
from PySide6.QtWidgets import QAbstractItemView, QTableView

SelectionMode = QAbstractItemView.SelectionMode


def list_table(
    model: QAbstractItemModel, selection: SelectionMode = SelectionMode.SingleSelection
) -> QTableView:
    """Whole rows selected, nothing edited in place, one line per row with room around it."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(selection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    # Bold headers on every selection would make the columns look as if they changed.
    table.horizontalHeader().setHighlightSections(False)
    return table


def select_row(table: QTableView, row: int | None) -> bool:
    """Select and show one whole row (None: the row is not loaded); whether it was there."""
    if row is None:
        return False
    index = table.model().index(row, 0)
    flags = QItemSelectionModel.SelectionFlag
    table.selectionModel().setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)
    table.scrollTo(index)
    return True
