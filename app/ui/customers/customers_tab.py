"""The Customers tab: the customer directory, built on the customer-aware schema (011+)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.ui.app_events import AppEvents

NO_DIRECTORY_YET = (
    "This database has no customer records yet. Credit sales name their payer as the cashier "
    "typed it; the customer directory is created from those names by the customer-aware "
    "upgrade."
)


class CustomersTab(QWidget):
    def __init__(self, events: AppEvents, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._events = events
        self.message = QLabel(NO_DIRECTORY_YET)
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        QVBoxLayout(self).addWidget(self.message)
