"""A titled panel of label/value lines, used by the tabs for their headline numbers."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget


class SummaryPanel(QWidget):
    def __init__(self, title: str, labels: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        heading = QLabel(title)
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self._values: dict[str, QLabel] = {}
        for label in labels:
            value = QLabel("—")
            value.setObjectName(label)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(f"{label}:", value)
            self._values[label] = value
        self._note = QLabel()
        self._note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self._note)
        layout.addStretch(1)

    def set_value(self, label: str, text: str) -> None:
        self._values[label].setText(text)

    def value(self, label: str) -> str:
        return self._values[label].text()

    def set_note(self, text: str) -> None:
        self._note.setText(text)

    def note(self) -> str:
        return self._note.text()
