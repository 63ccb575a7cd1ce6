"""A customer's statement on screen, as an A4 PDF and printed, through the dialog's widgets."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import pypdf
import pytest
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from app.db.database import DukanDatabase
from app.domain.customer_form import Address, CustomerDraft
from app.domain.money import CurrencyFormat, Money
from app.services.customer_changes import CustomerChanges
from app.services.customer_directory import CustomerDirectory
from app.services.manual_debts import ManualDebtRequest, ManualDebts
from app.services.payments import PaymentRequest, Payments
from app.services.receipts import ShopHeader
from app.services.statements import EntryKind, Statement, StatementLine
from app.ui import prompts
from app.ui.debts.debt_services import DebtServices
from app.ui.debts.statement_dialog import StatementDialog, default_start, show_statement
from app.ui.debts.statement_document import save_statement_pdf, statement_html
from tests.ui.conftest import PromptRecorder
from tests.ui.customer_data import add_credit_sale

TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 10, 30)
MM = 72 / 25.4  # PDF points per millimetre


@pytest.fixture
def changes(database: DukanDatabase) -> CustomerChanges:
    return CustomerChanges(fallback_region="DZ", now=lambda: NOW)


@pytest.fixture
def customers(changes: CustomerChanges) -> tuple[CustomerDirectory, CustomerChanges]:
    return CustomerDirectory(), changes


@pytest.fixture
def services(database: DukanDatabase) -> DebtServices:
    return DebtServices()


@pytest.fixture
def samir(database_path: Path, changes: CustomerChanges) -> int:
    """Samir's book: 100.00 owed since July (before the default period), then 250.00 on
    5 September, 200.00 paid on 15 October, 400.00 written in by hand for 1 November, and the
    payment reversed on 10 November. He owes 750.00."""
    conn = sqlite3.connect(database_path)
    with conn:
        conn.execute("INSERT INTO settings (key, value) VALUES ('shop_name', 'Épicerie Al-Amal')")
    conn.close()
    address = Address(street="12 Rue Didouche Mourad", city="Alger", postal_code="16000")
    samir = changes.create(
        CustomerDraft(name="Samir Haddad", phone="0555 12 34 56", billing=address)
    )
    add_credit_sale(database_path, samir, 10_000, sold_at="2026-07-10 09:00:00", due="2026-08-09")
    add_credit_sale(database_path, samir, 25_000, sold_at="2026-09-05 11:00:00", due="2026-10-05")
    paid = Payments(now=lambda: datetime(2026, 10, 15, 10, 0)).take(
        PaymentRequest(samir, 20_000, "cash")
    )
    ManualDebts(today=lambda: TODAY).create(
        ManualDebtRequest(samir, 40_000, date(2026, 11, 1), None, "Paper book, page 12")
    )
    Payments(now=lambda: datetime(2026, 11, 10, 16, 0)).reverse_receipt(
        paid.receipt_id, "Cheque bounced"
    )
    return samir


@pytest.fixture
def dialog(
    qtbot: QtBot,
    services: DebtServices,
    customers: tuple[CustomerDirectory, CustomerChanges],
    *,
    samir: int,
    tmp_path: Path,
) -> StatementDialog:
    shown = StatementDialog(services, customers, samir, today=TODAY, pdf_folder=tmp_path)
    qtbot.addWidget(shown)
    return shown


def table(dialog: StatementDialog) -> list[list[str]]:
    model = dialog.lines
    return [
        [model.text(row, column) for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def pdf_pages(path: Path) -> list[str]:
    """Each page's text, runs of white space made one space."""
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(path).pages]


def test_default_period_starts_three_months_back_on_the_first() -> None:
    assert default_start(date(2026, 11, 21)) == date(2026, 8, 1)
    assert default_start(date(2026, 2, 28)) == date(2025, 11, 1)
    assert default_start(date(2026, 3, 1)) == date(2025, 12, 1)


def test_the_statement_on_screen_runs_from_the_opening_to_the_closing_balance(
    dialog: StatementDialog,
) -> None:
    assert (dialog.start(), dialog.end()) == (date(2026, 8, 1), TODAY)
    assert dialog.opening_label.text() == "Opening balance on 2026-08-01: <b>100.00</b>"
    assert table(dialog) == [
        ["2026-09-05", "S-2", "Sale 2", "250.00", "", "350.00"],
        ["2026-10-15", "P-000001", "Payment P-000001 (cash)", "", "200.00", "150.00"],
        ["2026-11-01", "D-3", "Manual: Paper book, page 12", "400.00", "", "550.00"],
        [
            "2026-11-10",
            "P-000001",
            "Payment P-000001 reversed: Cheque bounced",
            "200.00",
            "",
            "750.00",
        ],
    ]
    assert dialog.closing_label.text() == "Closing balance on 2026-11-21: <b>750.00</b>"
    assert dialog.totals_label.text() == "Debits 850.00, credits 200.00"
    customer = dialog.customer_label.text()
    assert "<b>Samir Haddad</b> C-00001" in customer
    assert "12 Rue Didouche Mourad, Alger, 16000" in customer
    assert dialog.save_button.isEnabled()
    assert dialog.print_button.isEnabled()


def test_a_period_starting_mid_history_opens_with_what_was_owed_then(
    dialog: StatementDialog,
) -> None:
    dialog.set_range(date(2026, 10, 1), date(2026, 10, 31))

    assert dialog.opening_label.text() == "Opening balance on 2026-10-01: <b>350.00</b>"
    assert [row[5] for row in table(dialog)] == ["150.00"]
    assert dialog.closing_label.text() == "Closing balance on 2026-10-31: <b>150.00</b>"

    # Typing a date reads the statement again.
    dialog.end_edit.setDate(dialog.end_edit.date().addDays(5))
    assert [row[5] for row in table(dialog)] == ["150.00", "550.00"]


def test_a_period_ending_before_it_starts_is_refused(dialog: StatementDialog) -> None:
    dialog.set_range(date(2026, 11, 1), date(2026, 10, 1))

    assert not dialog.range_error.isHidden()
    assert dialog.range_error.text() == (
        "The statement cannot start after it ends; check the dates."
    )
    assert table(dialog) == []
    assert dialog.opening_label.text() == ""
    assert not dialog.save_button.isEnabled()


def test_without_a_customer_nothing_is_shown_until_one_is_picked(
    qtbot: QtBot,
    services: DebtServices,
    customers: tuple[CustomerDirectory, CustomerChanges],
    samir: int,
) -> None:
    dialog = StatementDialog(services, customers, today=TODAY)
    qtbot.addWidget(dialog)
    assert dialog.picker.walk_in_button.isHidden()
    assert table(dialog) == []
    assert not dialog.print_button.isEnabled()

    dialog.picker.choose(samir)

    assert len(table(dialog)) == 4
    assert dialog.windowTitle() == "Statement — C-00001 Samir Haddad"


def test_the_statement_is_saved_as_an_a4_pdf(
    dialog: StatementDialog,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    recorded_prompts: PromptRecorder,
) -> None:
    target = tmp_path / "out" / "statement.pdf"
    target.parent.mkdir()
    suggested: list[Path] = []

    def choose(_parent: object, proposed: Path, _title: str) -> Path:
        suggested.append(proposed)
        return target

    monkeypatch.setattr(prompts, "choose_pdf_to_save", choose)

    dialog.save_button.click()

    assert recorded_prompts.shown == []
    assert suggested == [tmp_path / "statement-C-00001-20260801-20261121.pdf"]
    reader = pypdf.PdfReader(target)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert float(page.mediabox.width) == pytest.approx(210 * MM, abs=1)
    assert float(page.mediabox.height) == pytest.approx(297 * MM, abs=1)
    [text] = pdf_pages(target)
    expected = [
        "Épicerie Al-Amal",
        "Statement of account",
        "Samir Haddad",
        "C-00001",
        "Tel. +213 555 12 34 56",
        "12 Rue Didouche Mourad Alger 16000",
        "Period: 2026-08-01 to 2026-11-21",
        "Opening balance on 2026-08-01 100.00",
        "2026-09-05 S-2 Sale 2 250.00 350.00",
        "Payment P-000001 (cash) 200.00 150.00",
        "Cheque bounced 200.00 750.00",
        "Closing balance on 2026-11-21 750.00",
    ]
    assert [line for line in expected if line not in text] == []
    assert str(target) in dialog.status.text()


def test_the_statement_is_printed_on_the_chosen_printer(
    dialog: StatementDialog,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    recorded_prompts: PromptRecorder,
) -> None:
    printed = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(printed))
    monkeypatch.setattr(prompts, "choose_printer", lambda _parent, _title: printer)

    dialog.print_button.click()

    assert recorded_prompts.shown == []
    [text] = pdf_pages(printed)
    assert "C-00001" in text
    assert "Closing balance on 2026-11-21 750.00" in text


def test_a_statement_that_cannot_be_saved_says_why(
    dialog: StatementDialog,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    recorded_prompts: PromptRecorder,
) -> None:
    target = tmp_path / "gone" / "statement.pdf"
    monkeypatch.setattr(prompts, "choose_pdf_to_save", lambda *_args: target)

    dialog.save_button.click()

    assert recorded_prompts.titles() == ["Statement not saved"]
    assert "No such file or directory" in recorded_prompts.texts()
    assert not target.parent.exists()
    assert dialog.status.text() == ""


def test_a_long_statement_runs_over_pages_with_the_headings_on_each(tmp_path: Path) -> None:
    lines = tuple(
        StatementLine(
            datetime(2026, 1, 1, 9, 0),
            EntryKind.DEBT,
            f"Sale {n}",
            f"S-{n}",
            1_000,
            0,
            1_000 * (n + 1),
        )
        for n in range(150)
    )
    statement = Statement(
        customer_id=1,
        customer_number="C-00009",
        customer_name="Lina",
        customer_phone=None,
        customer_address=None,
        start=date(2026, 1, 1),
        end=date(2026, 1, 31),
        opening_minor=0,
        lines=lines,
        closing_minor=150_000,
        total_debits_minor=150_000,
        total_credits_minor=0,
    )
    dinar = CurrencyFormat(
        symbol="DA", symbol_after=True, decimal_separator=",", thousands_separator=" "
    )
    path = tmp_path / "long.pdf"

    save_statement_pdf(
        statement, ShopHeader("Dukan", None, None, None, None), path, dinar, printed_on=TODAY
    )

    pages = pdf_pages(path)
    assert len(pages) >= 3
    assert all("Date Ref. Description Debit Credit Balance" in page for page in pages)
    assert "S-0 Sale 0" in pages[0]
    assert f"Closing balance on 2026-01-31 {Money(150_000).format(dinar)}" in pages[-1]


def test_every_stored_text_is_escaped() -> None:
    hostile = "<b>Tom & Jerry</b><img src='x'>"
    line = StatementLine(datetime(2026, 1, 2), EntryKind.PAYMENT, hostile, hostile, 0, 100, 0)
    statement = Statement(
        customer_id=1,
        customer_number=hostile,
        customer_name=hostile,
        customer_phone=hostile,
        customer_address=hostile,
        start=date(2026, 1, 1),
        end=date(2026, 1, 31),
        opening_minor=100,
        lines=(line,),
        closing_minor=0,
        total_debits_minor=0,
        total_credits_minor=100,
    )

    html = statement_html(
        statement, ShopHeader(hostile, hostile, hostile, hostile, hostile), printed_on=TODAY
    )

    assert "<b>Tom" not in html
    assert "<img" not in html


def test_show_statement_opens_for_the_customer(
    services: DebtServices,
    customers: tuple[CustomerDirectory, CustomerChanges],
    samir: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened: list[tuple[int | None, int]] = []

    def look(self: StatementDialog) -> int:
        opened.append((self.picker.customer_id, self.lines.rowCount()))
        return 0

    monkeypatch.setattr(StatementDialog, "exec", look)

    show_statement(None, services, customers, samir, TODAY)

    assert opened == [(samir, 4)]
