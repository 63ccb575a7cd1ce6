"""Every message box the program shows goes through here, so tests can answer them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

# Message boxes size themselves to their shortest line; long paths then wrap into a column.
READABLE_WIDTH = "QLabel#qt_msgbox_label { min-width: 460px; }"


def show_error(parent: QWidget | None, title: str, text: str, details: str = "") -> None:
    """`text` says what happened and what to do; `details` holds the technical part."""
    box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setStyleSheet(READABLE_WIDTH)
    if details:
        box.setDetailedText(details)
    box.exec()


def confirm(parent: QWidget | None, title: str, text: str, action: str) -> bool:
    """Ask before something that cannot be undone from the window; `action` names the button."""
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton, parent
    )
    box.setStyleSheet(READABLE_WIDTH)
    go = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is go


def choose_backup(parent: QWidget | None, folder: Path) -> Path | None:
    chosen, _filter = QFileDialog.getOpenFileName(
        parent, "Restore from backup", str(folder), "Dukan backups (*.db);;All files (*)"
    )
    return Path(chosen) if chosen else None


def show_info(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def show_about(parent: QWidget | None, title: str, rich_text: str) -> None:
    QMessageBox.about(parent, title, rich_text)
