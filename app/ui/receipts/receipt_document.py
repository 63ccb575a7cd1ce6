"""A receipt as a page (HTML, 80 mm roll or A4, PDF, print) and the pieces documents share."""

from __future__ import annotations

import errno
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from html import escape
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import (
    QGuiApplication,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtPrintSupport import QPrinter

from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.services.receipts import CustomerLines, Receipt, ReversalLine, ShopHeader
from app.ui.formatting import format_money

log = logging.getLogger(__name__)

MM_PER_INCH = 25.4
# A roll receipt is as long as what it says, plus this much so rounding never spills a line
# onto a second slip; and never longer than this, past which it continues on the next page.
ROLL_SLACK_MM = 3.0
ROLL_MAX_HEIGHT_MM = 2000.0

SALE = "Sale"
TOTAL = "Total"
PAID = "Paid"
CASH = "Cash"
CHANGE = "Change"
CUSTOMER = "Customer"
PREVIOUS_BALANCE = "Previous balance"
THIS_SALE_ON_ACCOUNT = "This sale on account"
NEW_BALANCE = "New balance"
DUE_DATE = "Due date"
VOIDED = "VOIDED"
REFUNDED = "Refunded"
CASH_PAID_BACK = "Cash paid back"
REVERSAL_TITLES = {"void": VOIDED, "refund": REFUNDED}

_Formatter = Callable[[int], str]
INDENT = 'style="padding-left:12px;"'
# Quantity × price stays on one line: "1 850,00 DA" broken after its digits reads as two numbers.
INDENT_NOWRAP = 'style="padding-left:12px; white-space:nowrap;"'


class Paper(Enum):
    ROLL_80MM = "80 mm roll"
    A4 = "A4"


@dataclass(frozen=True, slots=True)
class PaperSpec:
    width_mm: float
    height_mm: float | None  # None: a roll, cut where the receipt ends
    margin_mm: float
    font_pt: float
    heading_pt: float
    cell_padding: int  # pixels at the layout's resolution

    @property
    def text_width_mm(self) -> float:
        return self.width_mm - 2 * self.margin_mm


# An 80 mm roll prints about 72 mm wide; 9 pt gives some 40 characters a line.
PAPERS = {
    Paper.ROLL_80MM: PaperSpec(80.0, None, 4.0, 9.0, 12.0, 1),
    Paper.A4: PaperSpec(210.0, 297.0, 15.0, 11.0, 16.0, 3),
}


# ----- HTML --------------------------------------------------------------------------------


def receipt_html(
    receipt: Receipt, paper: Paper = Paper.ROLL_80MM, money_format: CurrencyFormat = DEFAULT_FORMAT
) -> str:
    """The receipt in the HTML subset QTextDocument reads; every stored text is escaped."""
    spec = PAPERS[paper]

    def money(minor: int) -> str:
        return html_text(format_money(minor, money_format))

    parts = [
        f'<html><body style="font-size:{spec.font_pt:g}pt;">',
        shop_header_html(receipt.shop, spec),
    ]
    parts.append("<hr>")
    parts.append(
        two_columns(
            [(f"{SALE} {receipt.sale_id}", html_text(f"{receipt.sold_at:%Y-%m-%d %H:%M}"))], spec
        )
    )
    parts.append("<hr>")
    parts.append(_items(receipt, spec, money))
    parts.append("<hr>")
    totals = [(f"<b>{TOTAL}</b>", f"<b>{money(receipt.total_minor)}</b>")]
    totals.append((PAID, money(receipt.paid_minor)))
    if receipt.tendered_minor is not None:
        totals.append((CASH, money(receipt.tendered_minor)))
    totals.append((CHANGE, money(receipt.change_minor)))
    parts.append(two_columns(totals, spec))
    if receipt.customer is not None:
        parts.append("<hr>")
        parts.append(_customer(receipt.customer, spec, money))
    if receipt.reversals:
        parts.append("<hr>")
        parts.append(_reversals(receipt.reversals, spec, money))
    if receipt.shop.footer:
        parts.append("<hr>")
        parts.append(f'<p align="center">{html_text(receipt.shop.footer)}</p>')
    parts.append("</body></html>")
    return "\n".join(parts)


def shop_header_html(shop: ShopHeader, spec: PaperSpec) -> str:
    heading = f'style="font-size:{spec.heading_pt:g}pt; font-weight:bold;"'
    lines = [f"<span {heading}>{html_text(shop.name)}</span>"]
    if shop.address:
        lines.append(html_text(shop.address))
    if shop.phone:
        lines.append(f"Tel. {html_text(shop.phone)}")
    if shop.tax_number:
        lines.append(f"Tax no. {html_text(shop.tax_number)}")
    # Leading under each line: Arabic falls back to a font whose dots reach below the heading
    # font's descent, and without it they touched the address line under a wrapped name.
    return f'<p align="center" style="line-height:115%;">{"<br>".join(lines)}</p>'


def _items(receipt: Receipt, spec: PaperSpec, money: _Formatter) -> str:
    rows = []
    if spec.height_mm is None:
        # A narrow roll: the description on its own line, quantity, price and amount under it.
        for line in receipt.lines:
            rows.append(f'<tr><td colspan="2">{html_text(line.description)}</td></tr>')
            rows.append(
                f"<tr><td {INDENT_NOWRAP}>"
                f"{_quantity_times_price(line.quantity, money(line.unit_price_minor))}</td>"
                f"{amount_cell(money(line.amount_minor))}</tr>"
            )
        return html_table(rows, spec)
    rows.append(
        '<tr><th align="left" width="56%">Item</th>'
        '<th align="right" width="24%">Quantity × price</th>'
        '<th align="right" width="20%">Amount</th></tr>'
    )
    for line in receipt.lines:
        rows.append(
            f"<tr><td>{html_text(line.description)}</td>"
            f"{amount_cell(_quantity_times_price(line.quantity, money(line.unit_price_minor)))}"
            f"{amount_cell(money(line.amount_minor))}</tr>"
        )
    return html_table(rows, spec)


def _customer(customer: CustomerLines, spec: PaperSpec, money: _Formatter) -> str:
    named = html_text(customer.name)
    if customer.number:
        named += f" ({html_text(customer.number)})"
    pairs = [
        (PREVIOUS_BALANCE, money(customer.previous_balance_minor)),
        (THIS_SALE_ON_ACCOUNT, money(customer.this_sale_debt_minor)),
        (f"<b>{NEW_BALANCE}</b>", f"<b>{money(customer.new_balance_minor)}</b>"),
    ]
    if customer.due_date is not None:
        pairs.append((DUE_DATE, f"{customer.due_date:%Y-%m-%d}"))
    # Names and reasons of any length go in paragraphs of their own: a long text spanning both
    # columns of a table makes Qt squeeze the left column and wrap the short labels in it.
    return paragraph(f"{CUSTOMER}: {named}", spec) + two_columns(pairs, spec)


def _reversals(reversals: tuple[ReversalLine, ...], spec: PaperSpec, money: _Formatter) -> str:
    parts = []
    for reversal in reversals:
        title = REVERSAL_TITLES.get(reversal.kind, html_text(reversal.kind))
        pairs = [
            (
                f"<b>{title}</b> {reversal.reversed_at:%Y-%m-%d %H:%M}",
                money(-reversal.amount_minor),
            )
        ]
        if reversal.cash_out_minor:
            pairs.append((CASH_PAID_BACK, money(reversal.cash_out_minor)))
        parts.append(two_columns(pairs, spec))
        parts.append(paragraph(f"Reason: {html_text(reversal.reason)}", spec, indent=True))
    return "".join(parts)


def paragraph(text: str, spec: PaperSpec, *, indent: bool = False) -> str:
    """A line of text as wide as the page (already escaped), spaced like a table row."""
    # Qt takes no padding on a paragraph: margins line it up with the cells' text instead.
    left = 12 if indent else spec.cell_padding
    gap = spec.cell_padding
    style = f"margin:0; margin-left:{left}px; margin-top:{gap}px; margin-bottom:{gap}px;"
    return f'<p style="{style}">{text}</p>'


def two_columns(pairs: list[tuple[str, str]], spec: PaperSpec) -> str:
    """Label on the left, value on the right; both already escaped."""
    return html_table(
        [f"<tr><td>{label}</td>{amount_cell(value)}</tr>" for label, value in pairs], spec
    )


def html_table(rows: list[str], spec: PaperSpec) -> str:
    # Every table spans the full width, so the amounts of all of them share one right edge.
    return (
        f'<table width="100%" cellspacing="0" cellpadding="{spec.cell_padding}">'
        + "".join(rows)
        + "</table>"
    )


def amount_cell(value: str) -> str:
    return f'<td align="right" style="white-space:nowrap;">{value}</td>'


def _quantity_times_price(quantity: int, price: str) -> str:
    return f"{quantity} × {price}"


def html_text(value: str) -> str:
    return escape(value).replace("\n", "<br>")


# ----- the page ----------------------------------------------------------------------------


def receipt_document(
    receipt: Receipt, paper: Paper = Paper.ROLL_80MM, money_format: CurrencyFormat = DEFAULT_FORMAT
) -> QTextDocument:
    """The receipt laid out on one page of `paper`: 80 mm wide and as long as the receipt for
    a roll, A4 otherwise. Units are the document's own pixels (`layout_dpi()` to the inch)."""
    return html_document(receipt_html(receipt, paper, money_format), paper)


def html_document(html: str, paper: Paper) -> QTextDocument:
    """`html` laid out on `paper` as `receipt_document` does; an A4 text runs on over pages."""
    spec = PAPERS[paper]
    dpi = layout_dpi()
    document = QTextDocument()
    document.setDocumentMargin(0)  # the page's margins frame the text
    document.setHtml(html)
    width = _pixels(spec.text_width_mm, dpi)
    document.setTextWidth(width)
    if spec.height_mm is None:
        height = min(
            document.size().height() + _pixels(ROLL_SLACK_MM, dpi),
            _pixels(ROLL_MAX_HEIGHT_MM - 2 * spec.margin_mm, dpi),
        )
    else:
        height = _pixels(spec.height_mm - 2 * spec.margin_mm, dpi)
    document.setPageSize(QSizeF(width, height))
    return document


def page_layout(document: QTextDocument, paper: Paper) -> QPageLayout:
    """The sheet `document` (from `html_document`) is printed on, margins included."""
    spec = PAPERS[paper]
    margins = QMarginsF(spec.margin_mm, spec.margin_mm, spec.margin_mm, spec.margin_mm)
    if spec.height_mm is None:
        length_mm = document.pageSize().height() / layout_dpi() * MM_PER_INCH
        size = QPageSize(
            QSizeF(spec.width_mm, round(length_mm + 2 * spec.margin_mm, 1)),
            QPageSize.Unit.Millimeter,
            "Receipt 80 mm",
            QPageSize.SizeMatchPolicy.ExactMatch,
        )
    else:
        size = QPageSize(QPageSize.PageSizeId.A4)
    return QPageLayout(size, QPageLayout.Orientation.Portrait, margins, QPageLayout.Unit.Millimeter)


def text_width_mm(paper: Paper) -> float:
    """How wide the receipt's text runs on `paper`, inside its margins."""
    return PAPERS[paper].text_width_mm


def layout_dpi() -> float:
    """Pixels per inch of a QTextDocument with no paint device of its own: Qt lays it out at the
    primary screen's logical DPI (rounded), so pages are measured in the same units and a 9 pt
    letter prints 9 pt tall."""
    screen = QGuiApplication.primaryScreen()
    return float(round(screen.logicalDotsPerInchY())) if screen is not None else 96.0


def save_receipt_pdf(
    receipt: Receipt,
    path: Path,
    paper: Paper = Paper.ROLL_80MM,
    money_format: CurrencyFormat = DEFAULT_FORMAT,
) -> None:
    """Write the receipt to `path` as a PDF, whole or not at all (see `save_html_pdf`)."""
    html = receipt_html(receipt, paper, money_format)
    save_html_pdf(html, path, paper, title=f"Receipt {receipt.sale_id}")


def save_html_pdf(html: str, path: Path, paper: Paper, *, title: str) -> None:
    """Write `html` laid out on `paper` to `path` as a PDF, whole or not at all.

    The PDF is written next to `path` under a temporary name and moved over it only once
    complete, so a failure never leaves half a PDF nor spoils a file already there. Raises
    OSError naming the path (missing or read-only folder, a folder of that name, disk full).
    """
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "There is a folder of that name", str(path))
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.part")
    # Created here, not by Qt: Python says why a folder cannot be written to, Qt only warns.
    try:
        partial.open("xb").close()
    except OSError as error:
        raise type(error)(error.errno, error.strerror, str(path)) from error
    try:
        _write_pdf(html, partial, paper, title)
        with partial.open("rb+") as written:
            if not _is_whole_pdf(written.read()):
                raise OSError(
                    errno.EIO, "The PDF came out incomplete; is the disk full?", str(path)
                )
            os.fsync(written.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _write_pdf(html: str, path: Path, paper: Paper, title: str) -> None:
    writer = QPdfWriter(str(path))
    writer.setCreator("Dukan")
    writer.setTitle(title)
    _print_on(writer, html, paper)
    # The file is finished when the painter ends inside print_(); the writer goes with this frame.


def _is_whole_pdf(content: bytes) -> bool:
    return content.startswith(b"%PDF-") and b"%%EOF" in content[-64:]


def print_receipt(
    receipt: Receipt,
    printer: QPrinter,
    paper: Paper = Paper.ROLL_80MM,
    money_format: CurrencyFormat = DEFAULT_FORMAT,
) -> None:
    """Print on `printer` (from the print dialog); OSError when the printer reports a failure."""
    html = receipt_html(receipt, paper, money_format)
    print_html(html, printer, paper, title=f"Receipt {receipt.sale_id}")


def print_html(html: str, printer: QPrinter, paper: Paper, *, title: str) -> None:
    """Print `html` laid out on `paper`; OSError when the printer reports a failure."""
    printer.setDocName(title)
    _print_on(printer, html, paper)
    if printer.printerState() == QPrinter.PrinterState.Error:
        name = printer.printerName() or printer.outputFileName() or "The printer"
        raise OSError(errno.EIO, f"{title} could not be printed", name)


def _print_on(device: QPagedPaintDevice, html: str, paper: Paper) -> None:
    document = html_document(html, paper)
    if not device.setPageLayout(page_layout(document, paper)):
        # A driver may not take a custom roll length; the receipt then flows onto its paper.
        log.warning("The printer refused the %s page; printing on its own paper", paper.value)
    # print_() stretches the document's page onto the device's page along each axis: give the
    # document the device's own proportions, in the document's units, so letters keep their shape.
    dpi = layout_dpi()
    document.setPageSize(
        QSizeF(
            device.width() * dpi / device.logicalDpiX(),
            device.height() * dpi / device.logicalDpiY(),
        )
    )
    document.print_(device)


def _pixels(millimetres: float, dpi: float) -> float:
    return millimetres / MM_PER_INCH * dpi
