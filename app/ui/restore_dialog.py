"""The list of backups to restore from: when, what kind, version, size, sales and customers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.maintenance import BackupEntry
from app.ui import prompts

TAKEN, KIND, VERSION, SIZE, SALES, CUSTOMERS, FILE = range(7)
HEADERS = ("Taken", "Kind", "Version", "Size", "Sales", "Customers", "File")
UNREADABLE = "unreadable"
UNKNOWN = "unknown"  # when a file that could not be looked at was taken


def format_size(size_bytes: int) -> str:
    """`812 KB`, `217.4 MB`: enough to tell a day's backup from an empty one."""
    if size_bytes < 1024 * 1024:
        return f"{max(size_bytes, 0) / 1024:.0f} KB"
    if size_bytes < 1024**3:
        return f"{size_bytes / 1024**2:.1f} MB"
    return f"{size_bytes / 1024**3:.2f} GB"


class RestoreDialog(QDialog):
    """Pick a backup from the list, or any file with Browse…; `chosen` is the file picked."""

    def __init__(
        self,
        entries: Sequence[BackupEntry],
        folders: Sequence[Path],
        current_version: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore from backup")
        self.chosen: Path | None = None
        self._entries = list(entries)
        self._folders = list(folders)
        self._current_version = current_version

        where = ", ".join(str(folder) for folder in self._folders)
        self.intro_label = QLabel(
            f"Backups of this shop's books found in {where}. Choose one, or Browse… for a "
            "file elsewhere. The current books are kept aside, never deleted."
            if self._entries
            else f"No backups of this shop's books were found in {where}. Browse… to choose "
            "a backup file elsewhere."
        )
        self.intro_label.setWordWrap(True)

        self.table = QTableWidget(len(self._entries), len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        for row, entry in enumerate(self._entries):
            self._fill_row(row, entry)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(FILE, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._on_table_item_selection_changed)
        self.table.cellDoubleClicked.connect(self._on_table_cell_double_clicked)

        self.detail_label = QLabel()
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.buttons = QDialogButtonBox()
        self.restore_button = QPushButton("&Restore…")
        self.restore_button.setDefault(True)
        self.browse_button = QPushButton("&Browse…")
        self.buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.browse_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button.clicked.connect(self._on_restore_button_clicked)
        self.browse_button.clicked.connect(self._on_browse_button_clicked)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail_label)
        layout.addWidget(self.buttons)
        self.resize(960, 420)

        first_readable = next(
            (row for row, entry in enumerate(self._entries) if entry.version is not None), None
        )
        if first_readable is not None:
            self.table.selectRow(first_readable)
        self._on_table_item_selection_changed()
        self.table.setFocus()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        entries: Sequence[BackupEntry],
        folders: Sequence[Path],
        current_version: int,
    ) -> Path | None:
        """The backup the operator chose to restore; None when they cancel."""
        dialog = cls(entries, folders, current_version, parent)
        try:
            return dialog.chosen if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()

    def cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def selected_entry(self) -> BackupEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self._entries[rows[0].row()] if rows else None

    def _fill_row(self, row: int, entry: BackupEntry) -> None:
        readable = entry.version is not None
        if entry.version is None:
            version = UNREADABLE
        elif entry.version < self._current_version:
            version = f"{entry.version} (upgraded on restore)"
        else:
            version = str(entry.version)
        texts = {
            TAKEN: f"{entry.taken_at:%d %b %Y %H:%M}" if entry.taken_at is not None else UNKNOWN,
            KIND: entry.kind,
            VERSION: version,
            SIZE: format_size(entry.size_bytes),
            SALES: f"{entry.sales:,}" if readable else "",
            CUSTOMERS: f"{entry.customers:,}" if readable else "",
            FILE: entry.path.name,
        }
        dimmed = self.palette().brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        for column, text in texts.items():
            item = QTableWidgetItem(text)
            item.setToolTip(str(entry.path) if readable else f"{entry.path}\n{entry.problem}")
            if column in (VERSION, SIZE, SALES, CUSTOMERS):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if not readable:
                item.setForeground(QBrush(dimmed))
            self.table.setItem(row, column, item)

    def _on_table_item_selection_changed(self) -> None:
        entry = self.selected_entry()
        self.restore_button.setEnabled(entry is not None and entry.version is not None)
        if entry is None:
            self.detail_label.setText("")
        elif entry.version is None:
            self.detail_label.setText(f"This file cannot be restored: {entry.problem}")
        else:
            self.detail_label.setText(str(entry.path))

    def _on_table_cell_double_clicked(self, _row: int, _column: int) -> None:
        self._on_restore_button_clicked()

    def _on_restore_button_clicked(self) -> None:
        entry = self.selected_entry()
        if entry is None or entry.version is None:
            return
        self.chosen = entry.path
        self.accept()

    def _on_browse_button_clicked(self) -> None:
        start = self._folders[0] if self._folders else Path.home()
        chosen = prompts.choose_backup(self, start)
        if chosen is not None:
            self.chosen = chosen
            self.accept()
