"""A payment receipt on screen, to print or save as a PDF after a payment, or later."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget

from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.services.errors import ServiceError
from app.services.payments import PaymentReceiptData, Payments
from app.services.receipts import ShopHeader
from app.ui import prompts
from app.ui.receipts.payment_receipt_document import (
    PAYMENT_RECEIPT,
    payment_receipt_html,
    print_payment_receipt,
    save_payment_receipt_pdf,
)
from app.ui.receipts.receipt_dialog import ReceiptPreviewDialog
from app.ui.receipts.receipt_document import Paper


class PaymentReceiptDialog(ReceiptPreviewDialog):
    def __init__(
        self,
        receipt: PaymentReceiptData,
        shop: ShopHeader,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
        parent: QWidget | None = None,
        *,
        pdf_folder: Path | None = None,
    ) -> None:
        super().__init__(
            f"{PAYMENT_RECEIPT} {receipt.number}", money_format, parent, pdf_folder=pdf_folder
        )
        self.receipt = receipt
        self._shop = shop
        self.present()

    def receipt_name(self) -> str:
        return f"payment receipt {self.receipt.number}"

    def file_name(self) -> str:
        return f"payment-{self.receipt.number}.pdf"

    def html_for(self, paper: Paper) -> str:
        return payment_receipt_html(self.receipt, self._shop, paper, self._money_format)

    def save_pdf(self, path: Path, paper: Paper) -> None:
        save_payment_receipt_pdf(self.receipt, self._shop, path, paper, self._money_format)

    def print_on(self, printer: QPrinter, paper: Paper) -> None:
        print_payment_receipt(self.receipt, self._shop, printer, paper, self._money_format)


def show_payment_receipt(
    parent: QWidget | None,
    receipt: PaymentReceiptData,
    shop: ShopHeader,
    money_format: CurrencyFormat = DEFAULT_FORMAT,
) -> None:
    """Show the receipt until closed: the operator prints it, saves it, or just closes it."""
    dialog = PaymentReceiptDialog(receipt, shop, money_format, parent)
    dialog.exec()
    dialog.deleteLater()


def reprint_payment_receipt(
    parent: QWidget | None,
    payments: Payments,
    shop: ShopHeader,
    receipt_id: int,
    money_format: CurrencyFormat = DEFAULT_FORMAT,
) -> None:
    """Show a receipt taken earlier, read again (it may have been reversed since)."""
    try:
        receipt = payments.receipt(receipt_id)
    except ServiceError as error:
        prompts.show_error(parent, "No receipt", str(error))
        return
    show_payment_receipt(parent, receipt, shop, money_format)
