"""The read-only list table every tab and dialog shows its rows in, set up in one place."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
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
