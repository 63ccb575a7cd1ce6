"""The receipt dialog: preview a receipt, print it or save it as a PDF."""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.services.errors import ServiceError
from app.services.receipts import Receipt, ReceiptService
from app.ui import prompts
from app.ui.receipts.receipt_document import (
    MM_PER_INCH,
    Paper,
    layout_dpi,
    print_receipt,
    receipt_html,
    save_receipt_pdf,
    text_width_mm,
)

# Beside the receipt's own width the preview needs room for its frame, document margin and
# scroll bar, and the dialog for its own margins.
PREVIEW_EXTRA_PX = 48
DIALOG_EXTRA_PX = 40
DIALOG_HEIGHT = 640  # fits a 1366x768 screen with its task bar
TITLE_BAR_PX = 40  # what the window manager adds above the dialog, outside its height
DIALOG_MIN_WIDTH = 440  # the three buttons side by side


class ReceiptPreviewDialog(QDialog):
    """Preview a receipt on the paper chosen, print it or save it as a PDF. Subclasses say what
    the receipt is and how it is written; the dialog itself is the same for every receipt."""

    def __init__(
        self,
        title: str,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
        parent: QWidget | None = None,
        *,
        pdf_folder: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self._money_format = money_format
        self._pdf_folder = pdf_folder or documents_folder()
        self.setWindowTitle(title)

        self.paper = QComboBox()
        for paper in Paper:
            self.paper.addItem(paper.value, paper)
        paper_label = QLabel("&Paper:")
        paper_label.setBuddy(self.paper)
        paper_row = QHBoxLayout()
        paper_row.addWidget(paper_label)
        paper_row.addWidget(self.paper)
        paper_row.addStretch(1)

        self.preview = QTextBrowser()
        self.preview.setOpenLinks(False)
        # Lines wrap where they will on paper, so the preview shows the receipt as printed.
        self.preview.setLineWrapMode(QTextEdit.LineWrapMode.FixedPixelWidth)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.print_button = QPushButton("&Print…")
        self.save_button = QPushButton("&Save as PDF…")
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.paper.currentIndexChanged.connect(self._on_paper_current_index_changed)

        layout = QVBoxLayout(self)
        layout.addLayout(paper_row)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)

    # ----- what subclasses say -------------------------------------------------------------

    def receipt_name(self) -> str:
        """What the receipt is, in a sentence: "receipt of sale 12"."""
        raise NotImplementedError

    def file_name(self) -> str:
        """The PDF's suggested file name."""
        raise NotImplementedError

    def html_for(self, paper: Paper) -> str:
        raise NotImplementedError

    def save_pdf(self, path: Path, paper: Paper) -> None:
        raise NotImplementedError

    def print_on(self, printer: QPrinter, paper: Paper) -> None:
        raise NotImplementedError

    # ----- the dialog ----------------------------------------------------------------------

    def chosen_paper(self) -> Paper:
        paper: Paper = self.paper.currentData()
        return paper

    def present(self) -> None:
        """Show the first preview, Print ready for Enter; subclasses call it once set up."""
        self.show_preview()
        self.print_button.setDefault(True)
        self.print_button.setFocus()

    def show_preview(self) -> None:
        paper = self.chosen_paper()
        width = round(text_width_mm(paper) / MM_PER_INCH * layout_dpi())
        self.preview.setLineWrapColumnOrWidth(width)
        self.preview.setMinimumWidth(width + PREVIEW_EXTRA_PX)
        self.preview.setHtml(self.html_for(paper))
        wanted = max(DIALOG_MIN_WIDTH, width + PREVIEW_EXTRA_PX + DIALOG_EXTRA_PX)
        screen = self.screen().availableGeometry()
        # Tall enough for the whole receipt when the screen has the room (a 1366x768 laptop
        # shows an 80 mm receipt of a dozen lines without scrolling); never taller than the
        # screen less the title bar, never shorter than it was.
        chrome = self.sizeHint().height() - self.preview.sizeHint().height()
        # Two pixels more for the rounding of the text layout, so no scroll bar for one pixel.
        receipt = math.ceil(self.preview.document().size().height()) + 2
        receipt += 2 * self.preview.frameWidth()
        fitted = max(self.height(), DIALOG_HEIGHT, receipt + chrome)
        self.resize(min(wanted, screen.width()), min(fitted, screen.height() - TITLE_BAR_PX))

    def _on_paper_current_index_changed(self, _index: int) -> None:
        self.status.clear()
        self.show_preview()

    def _on_print_button_clicked(self) -> None:
        printer = prompts.choose_printer(self, f"Print {self.receipt_name()}")
        if printer is None:
            return
        try:
            self.print_on(printer, self.chosen_paper())
        except OSError as error:
            prompts.show_error(
                self,
                "Receipt not printed",
                "The receipt could not be printed. Check that the printer is on and has paper, "
                "then try again.",
                details=str(error),
            )
            return
        self.status.setText(f"Sent to {printer.outputFileName() or printer.printerName()}.")

    def _on_save_button_clicked(self) -> None:
        suggested = self._pdf_folder / self.file_name()
        path = prompts.choose_pdf_to_save(self, suggested)
        if path is None:
            return
        try:
            self.save_pdf(path, self.chosen_paper())
        except OSError as error:
            prompts.show_error(
                self,
                "Receipt not saved",
                f"The receipt could not be saved as\n{path}\n\n{os_error_reason(error)}.\n\n"
                "Choose another folder or file name and try again.",
                details=str(error),
            )
            return
        self._pdf_folder = path.parent
        self.status.setText(f"Saved as {path}")


class ReceiptDialog(ReceiptPreviewDialog):
    """A sale's receipt."""

    def __init__(
        self,
        receipt: Receipt,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
        parent: QWidget | None = None,
        *,
        pdf_folder: Path | None = None,
    ) -> None:
        super().__init__(
            f"Receipt — sale {receipt.sale_id}", money_format, parent, pdf_folder=pdf_folder
        )
        self.receipt = receipt
        self.present()

    def receipt_name(self) -> str:
        return f"receipt of sale {self.receipt.sale_id}"

    def file_name(self) -> str:
        return f"receipt-{self.receipt.sale_id}.pdf"

    def html_for(self, paper: Paper) -> str:
        return receipt_html(self.receipt, paper, self._money_format)

    def save_pdf(self, path: Path, paper: Paper) -> None:
        save_receipt_pdf(self.receipt, path, paper, self._money_format)

    def print_on(self, printer: QPrinter, paper: Paper) -> None:
        print_receipt(self.receipt, printer, paper, self._money_format)


def show_receipt(
    parent: QWidget | None,
    receipts: ReceiptService,
    sale_id: int,
    money_format: CurrencyFormat = DEFAULT_FORMAT,
) -> None:
    """Show a sale's receipt until closed (a reprint from the sales list, or after checkout)."""
    try:
        receipt = receipts.receipt(sale_id)
    except ServiceError as error:
        prompts.show_error(parent, "No receipt", str(error))
        return
    dialog = ReceiptDialog(receipt, money_format, parent)
    dialog.exec()
    dialog.deleteLater()


def documents_folder() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found else Path.home()


def os_error_reason(error: OSError) -> str:
    """What the operator can act on: "Permission denied", "No such file or directory"."""
    return error.strerror or str(error)
