"""A customer's statement on A4: shop, customer, period, entries with balances; PDF, print."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtGui import QTextDocument
from PySide6.QtPrintSupport import QPrinter

from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.domain.phone import readable_phone
from app.services.receipts import ShopHeader
from app.services.statements import Statement, StatementLine
from app.ui.formatting import format_money
from app.ui.receipts.receipt_document import (
    PAPERS,
    Paper,
    PaperSpec,
    amount_cell,
    html_document,
    html_text,
    print_html,
    save_html_pdf,
    shop_header_html,
    two_columns,
)

TITLE = "Statement of account"
OPENING = "Opening balance"
CLOSING = "Closing balance"
TOTALS = "Totals for the period"
NO_ENTRIES = "Nothing was owed, paid or reversed in this period."
HEADINGS = ("Date", "Ref.", "Description", "Debit", "Credit", "Balance")
# Column widths in percent: the description takes what the date and the amounts leave.
WIDTHS = (12, 10, 36, 14, 14, 14)
FONT_PT = 10.0  # a little smaller than a receipt's, so six columns fit A4 in portrait
HEADING_BACKGROUND = "#d9d9d9"
STRIPE_BACKGROUND = "#f2f2f2"

_Formatter = Callable[[int], str]


def statement_title(statement: Statement) -> str:
    period = f"{statement.start:%Y-%m-%d} to {statement.end:%Y-%m-%d}"
    return f"Statement {statement.customer_number} {period}"


def statement_html(
    statement: Statement,
    shop: ShopHeader,
    money_format: CurrencyFormat = DEFAULT_FORMAT,
    *,
    printed_on: date,
) -> str:
    """The statement in the HTML subset QTextDocument reads; every stored text is escaped."""
    spec = PAPERS[Paper.A4]

    def money(minor: int) -> str:
        return html_text(format_money(minor, money_format))

    parts = [
        f'<html><body style="font-size:{FONT_PT:g}pt;">',
        shop_header_html(shop, spec),
        f'<p align="center" style="font-size:{spec.heading_pt - 2:g}pt; font-weight:bold;">'
        f"{TITLE}</p>",
        _customer_and_period(statement, spec, printed_on),
        "<hr>",
        two_columns(
            [(f"<b>{OPENING}</b> on {statement.start:%Y-%m-%d}", money(statement.opening_minor))],
            spec,
        ),
        _lines(statement.lines, spec, money),
        "<hr>",
        two_columns(
            [
                (
                    TOTALS,
                    f"debits {money(statement.total_debits_minor)} &nbsp; "
                    f"credits {money(statement.total_credits_minor)}",
                ),
                (
                    f"<b>{CLOSING}</b> on {statement.end:%Y-%m-%d}",
                    f"<b>{money(statement.closing_minor)}</b>",
                ),
            ],
            spec,
        ),
        "</body></html>",
    ]
    return "\n".join(parts)


def _customer_and_period(statement: Statement, spec: PaperSpec, printed_on: date) -> str:
    who = [f"<b>{html_text(statement.customer_name)}</b>", html_text(statement.customer_number)]
    if statement.customer_phone:
        who.append(f"Tel. {html_text(readable_phone(statement.customer_phone))}")
    if statement.customer_address:
        who.append(html_text(statement.customer_address))
    period = [
        f"Period: {statement.start:%Y-%m-%d} to {statement.end:%Y-%m-%d}",
        f"Printed: {printed_on:%Y-%m-%d}",
    ]
    return (
        f'<table width="100%" cellspacing="0" cellpadding="{spec.cell_padding}"><tr>'
        f'<td width="60%" valign="top">{"<br>".join(who)}</td>'
        f'<td width="40%" align="right" valign="top">{"<br>".join(period)}</td>'
        "</tr></table>"
    )


def _lines(lines: tuple[StatementLine, ...], spec: PaperSpec, money: _Formatter) -> str:
    if not lines:
        return f"<p><i>{NO_ENTRIES}</i></p>"
    heading_cells = "".join(
        f'<th width="{width}%" align="{"right" if column >= 3 else "left"}">{heading}</th>'
        for column, (heading, width) in enumerate(zip(HEADINGS, WIDTHS, strict=True))
    )
    # <thead> makes Qt repeat the headings at the top of every page.
    rows = [f'<thead><tr bgcolor="{HEADING_BACKGROUND}">{heading_cells}</tr></thead>']
    for number, line in enumerate(lines):
        stripe = f' bgcolor="{STRIPE_BACKGROUND}"' if number % 2 else ""
        rows.append(
            f"<tr{stripe}>"
            f'<td style="white-space:nowrap;">{line.at:%Y-%m-%d}</td>'
            f'<td style="white-space:nowrap;">{html_text(line.reference)}</td>'
            f"<td>{html_text(line.description)}</td>"
            f"{amount_cell(money(line.debit_minor) if line.debit_minor else '')}"
            f"{amount_cell(money(line.credit_minor) if line.credit_minor else '')}"
            f"{amount_cell(money(line.balance_minor))}"
            "</tr>"
        )
    return (
        f'<table width="100%" cellspacing="0" cellpadding="{spec.cell_padding}">'
        + "".join(rows)
        + "</table>"
    )


def statement_document(
    statement: Statement,
    shop: ShopHeader,
    money_format: CurrencyFormat = DEFAULT_FORMAT,
    *,
    printed_on: date,
) -> QTextDocument:
    html = statement_html(statement, shop, money_format, printed_on=printed_on)
    return html_document(html, Paper.A4)


def save_statement_pdf(
    statement: Statement,
    shop: ShopHeader,
    path: Path,
    money_format: CurrencyFormat = DEFAULT_FORMAT,
    *,
    printed_on: date,
) -> None:
    """Write the statement to `path` as an A4 PDF, whole or not at all; OSError naming it."""
    html = statement_html(statement, shop, money_format, printed_on=printed_on)
    save_html_pdf(html, path, Paper.A4, title=statement_title(statement))


def print_statement(
    statement: Statement,
    shop: ShopHeader,
    printer: QPrinter,
    money_format: CurrencyFormat = DEFAULT_FORMAT,
    *,
    printed_on: date,
) -> None:
    """Print on `printer` (from the print dialog); OSError when the printer reports a failure."""
    html = statement_html(statement, shop, money_format, printed_on=printed_on)
    print_html(html, printer, Paper.A4, title=statement_title(statement))
