"""Every message box the program shows goes through here, so tests can answer them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QWidget,
)

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


def about_box(parent: QWidget | None, title: str, rich_text: str) -> QMessageBox:
    """The About box: wide enough that the folders and paths it lists stay on one line."""
    box = QMessageBox(
        QMessageBox.Icon.Information, title, rich_text, QMessageBox.StandardButton.Ok, parent
    )
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setStyleSheet("QLabel#qt_msgbox_label { min-width: 560px; }")
    icon = QApplication.windowIcon()
    if not icon.isNull():
        box.setIconPixmap(icon.pixmap(64, 64))
    return box


def show_about(parent: QWidget | None, title: str, rich_text: str) -> None:
    about_box(parent, title, rich_text).exec()


def ask_text(parent: QWidget | None, title: str, label: str, action: str) -> str | None:
    """One line of text (a reason for the audit log); None when the operator cancels.
    `action` names the button that goes ahead, as in `confirm`."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    dialog.setOkButtonText(action)
    dialog.setMinimumWidth(460)
    if dialog.exec() != QInputDialog.DialogCode.Accepted:
        return None
    return dialog.textValue().strip()


CSV_FILTER = "CSV files (*.csv);;All files (*)"


def choose_csv_to_import(parent: QWidget | None, folder: Path) -> Path | None:
    chosen, _filter = QFileDialog.getOpenFileName(
        parent, "Import customers", str(folder), CSV_FILTER
    )
    return Path(chosen) if chosen else None


def choose_csv_to_export(parent: QWidget | None, suggested: Path) -> Path | None:
    dialog = QFileDialog(parent, "Export customers", str(suggested.parent), CSV_FILTER)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    # Added before the dialog asks about overwriting, so it asks about the file written.
    dialog.setDefaultSuffix("csv")
    dialog.selectFile(str(suggested))
    if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return None
    return Path(dialog.selectedFiles()[0])


PDF_FILTER = "PDF files (*.pdf);;All files (*)"


def choose_pdf_to_save(
    parent: QWidget | None, suggested: Path, title: str = "Save receipt as PDF"
) -> Path | None:
    dialog = QFileDialog(parent, title, str(suggested.parent), PDF_FILTER)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    # Added before the dialog asks about overwriting, so it asks about the file written.
    dialog.setDefaultSuffix("pdf")
    dialog.selectFile(str(suggested))
    if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return None
    return Path(dialog.selectedFiles()[0])


def choose_printer(parent: QWidget | None, title: str = "Print receipt") -> QPrinter | None:
    """The printer the operator picks in the system's print dialog; None when cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return printer


def choose_csv_to_save(parent: QWidget | None, title: str, suggested: Path) -> Path | None:
    """A CSV file to write (a report, an export); None when the operator cancels."""
    dialog = QFileDialog(parent, title, str(suggested.parent), CSV_FILTER)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    # Added before the dialog asks about overwriting, so it asks about the file written.
    dialog.setDefaultSuffix("csv")
    dialog.selectFile(str(suggested))
    if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return None
    return Path(dialog.selectedFiles()[0])


def choose_csv_file_to_import(parent: QWidget | None, folder: Path, title: str) -> Path | None:
    """A CSV file to read, under a title naming what it holds ("Import products")."""
    chosen, _filter = QFileDialog.getOpenFileName(parent, title, str(folder), CSV_FILTER)
    return Path(chosen) if chosen else None
