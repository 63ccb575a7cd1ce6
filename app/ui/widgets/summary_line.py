"""Headline numbers on one line ("Customers: 30 · Owing money: 12"), above a tab's table."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget


class SummaryLine(QWidget):
    """The same `set_value`/`value` API as SummaryPanel, laid out in one compact row."""

    def __init__(self, labels: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self._values: dict[str, QLabel] = {}
        for position, label in enumerate(labels):
            if position:
                layout.addSpacing(18)
            layout.addWidget(QLabel(f"{label}:"))
            value = QLabel("—")
            value.setObjectName(label)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setStyleSheet("font-weight: bold;")
            layout.addWidget(value)
            self._values[label] = value
        layout.addStretch(1)

    def set_value(self, label: str, text: str) -> None:
        self._values[label].setText(text)

    def value(self, label: str) -> str:
        return self._values[label].text()
