"""Every message box the program shows goes through here, so tests can answer them."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

# Message boxes size themselves to their shortest line; long paths then wrap into a column.
READABLE_WIDTH = "QLabel#qt_msgbox_label { min-width: 460px; }"


def show_error(parent: QWidget | None, title: str, text: str, details: str = "") -> None:
    """`text` says what happened and what to do; `details` holds the technical part."""
    box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setStyleSheet(READABLE_WIDTH)
    if details:
        box.setDetailedText(details)
    box.exec()


def show_info(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def show_about(parent: QWidget | None, title: str, rich_text: str) -> None:
    QMessageBox.about(parent, title, rich_text)
