"""A payment receipt as a page: what was paid, what it settled, the balance before and after."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QTextDocument
from PySide6.QtPrintSupport import QPrinter

from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.services.payments import PaymentReceiptData, ReceiptLine
from app.services.receipts import ShopHeader
from app.ui.formatting import format_money
from app.ui.receipts.receipt_document import (
    INDENT,
    PAPERS,
    Paper,
    PaperSpec,
    amount_cell,
    html_document,
    html_table,
    html_text,
    paragraph,
    print_html,
    save_html_pdf,
    shop_header_html,
    two_columns,
)

PAYMENT_RECEIPT = "Payment receipt"
CUSTOMER = "Customer"
METHOD = "Paid by"
PREVIOUS_BALANCE = "Previous balance"
PAID = "Paid"
APPLIED_TO = "Applied to"
APPLIED = "paid"
STILL_OWED = "still owed"
SETTLED = "settled"
NEW_BALANCE = "New balance"
REVERSED = "REVERSED: this payment no longer counts"
METHOD_NAMES = {"cash": "Cash", "card": "Card", "transfer": "Transfer", "return": "Goods returned"}

_Formatter = Callable[[int], str]


def method_name(method: str) -> str:
    """How a payment method reads: "Cash", "Card"; a legacy till's own word as it was typed."""
    return METHOD_NAMES.get(method, method.capitalize())


def debt_name(sale_id: int | None, debt_id: int) -> str:
    """A debt as the operator knows it: by its sale, or as a manual debt with its number."""
    return f"Sale {sale_id}" if sale_id is not None else f"Manual debt D-{debt_id}"


def payment_receipt_html(
    receipt: PaymentReceiptData,
    shop: ShopHeader,
    paper: Paper = Paper.ROLL_80MM,
    money_format: CurrencyFormat = DEFAULT_FORMAT,
) -> str:
    """The receipt in the HTML subset QTextDocument reads; every stored text is escaped."""
    spec = PAPERS[paper]

    def money(minor: int) -> str:
        return html_text(format_money(minor, money_format))

    named = html_text(receipt.customer_name)
    if receipt.customer_number:
        named += f" ({html_text(receipt.customer_number)})"
    parts = [
        f'<html><body style="font-size:{spec.font_pt:g}pt;">',
        shop_header_html(shop, spec),
        "<hr>",
        f'<p align="center"><b>{PAYMENT_RECEIPT}</b></p>',
        two_columns(
            [
                (
                    f"<b>{html_text(receipt.number)}</b>",
                    html_text(f"{receipt.received_at:%Y-%m-%d %H:%M}"),
                )
            ],
            spec,
        ),
    ]
    if receipt.reversed:
        parts.append(paragraph(f"<b>{REVERSED}</b>", spec))
    parts.append("<hr>")
    # A name of any length goes in a paragraph of its own, as on the sale receipt.
    parts.append(paragraph(f"{CUSTOMER}: {named}", spec))
    parts.append(two_columns([(METHOD, html_text(method_name(receipt.method)))], spec))
    parts.append("<hr>")
    parts.append(
        two_columns(
            [
                (PREVIOUS_BALANCE, money(receipt.previous_balance_minor)),
                (f"<b>{PAID}</b>", f"<b>{money(receipt.amount_minor)}</b>"),
            ],
            spec,
        )
    )
    if receipt.lines:
        parts.append(paragraph(f"{APPLIED_TO}:", spec))
        parts.append(_applied(receipt.lines, spec, money))
    parts.append("<hr>")
    parts.append(
        two_columns([(f"<b>{NEW_BALANCE}</b>", f"<b>{money(receipt.new_balance_minor)}</b>")], spec)
    )
    if shop.footer:
        parts.append("<hr>")
        parts.append(f'<p align="center">{html_text(shop.footer)}</p>')
    parts.append("</body></html>")
    return "\n".join(parts)


def _applied(lines: tuple[ReceiptLine, ...], spec: PaperSpec, money: _Formatter) -> str:
    """Each debt the payment reached on a line of its own, what it took and what is left
    under it: a long debt name then wraps alone and never squeezes the amounts."""
    rows = []
    for line in lines:
        name = debt_name(line.sale_id, line.debt_id)
        if line.due_date is not None:
            name += f", due {line.due_date:%Y-%m-%d}"
        rows.append(f'<tr><td colspan="2">{html_text(name)}</td></tr>')
        rows.append(f"<tr><td {INDENT}>{APPLIED}</td>{amount_cell(money(line.applied_minor))}</tr>")
        if line.remaining_minor:
            left = amount_cell(money(line.remaining_minor))
            rows.append(f"<tr><td {INDENT}>{STILL_OWED}</td>{left}</tr>")
        else:
            rows.append(f'<tr><td colspan="2" {INDENT}><i>{SETTLED}</i></td></tr>')
    return html_table(rows, spec)


def payment_receipt_document(
    receipt: PaymentReceiptData,
    shop: ShopHeader,
    paper: Paper = Paper.ROLL_80MM,
    money_format: CurrencyFormat = DEFAULT_FORMAT,
) -> QTextDocument:
    return html_document(payment_receipt_html(receipt, shop, paper, money_format), paper)


def save_payment_receipt_pdf(
    receipt: PaymentReceiptData,
    shop: ShopHeader,
    path: Path,
    paper: Paper = Paper.ROLL_80MM,
    money_format: CurrencyFormat = DEFAULT_FORMAT,
) -> None:
    """Write the receipt to `path` as a PDF, whole or not at all; OSError naming the path."""
    html = payment_receipt_html(receipt, shop, paper, money_format)
    save_html_pdf(html, path, paper, title=f"{PAYMENT_RECEIPT} {receipt.number}")


def print_payment_receipt(
    receipt: PaymentReceiptData,
    shop: ShopHeader,
    printer: QPrinter,
    paper: Paper = Paper.ROLL_80MM,
    money_format: CurrencyFormat = DEFAULT_FORMAT,
) -> None:
    """Print on `printer` (from the print dialog); OSError when the printer reports a failure."""
    html = payment_receipt_html(receipt, shop, paper, money_format)
    print_html(html, printer, paper, title=f"{PAYMENT_RECEIPT} {receipt.number}")
