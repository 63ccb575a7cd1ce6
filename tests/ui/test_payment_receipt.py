"""Payment receipts on paper: the PDF's text for 80 mm and A4, printing, and the dialog."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pypdf
import pytest
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from app.db.database import DukanDatabase
from app.domain.customer_form import CustomerDraft
from app.domain.money import CurrencyFormat, Money
from app.services.customer_changes import CustomerChanges
from app.services.payments import PaymentReceiptData, PaymentRequest, Payments, ReceiptLine
from app.services.receipts import ReceiptService, ShopHeader
from app.ui import prompts
from app.ui.receipts import payment_receipt_dialog
from app.ui.receipts.payment_receipt_dialog import (
    PaymentReceiptDialog,
    reprint_payment_receipt,
)
from app.ui.receipts.payment_receipt_document import (
    payment_receipt_document,
    payment_receipt_html,
    print_payment_receipt,
    save_payment_receipt_pdf,
)
from app.ui.receipts.receipt_document import Paper
from tests.ui.conftest import PromptRecorder
from tests.ui.customer_data import add_credit_sale

# Laying text out needs fonts, and fonts need the application object, even without a widget.
pytestmark = pytest.mark.usefixtures("qapp")

DINAR = CurrencyFormat(
    symbol="DA", symbol_after=True, decimal_separator=",", thousands_separator=" "
)
MM = 72 / 25.4  # PDF points per millimetre
SHOP = ShopHeader(
    "Épicerie Al-Amal",
    "12 Rue Didouche Mourad\nAlger 16000",
    "+213 555 12 34 56",
    None,
    "Thank you for your visit",
)


def money(minor: int) -> str:
    return Money(minor).format(DINAR)


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(path)
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def pdf_pages(path: Path) -> list[tuple[float, float]]:
    return [
        (float(page.mediabox.width), float(page.mediabox.height))
        for page in pypdf.PdfReader(path).pages
    ]


def receipt(*, reversed_: bool = False) -> PaymentReceiptData:
    """600.00 from Хасан: two sales settled, part of a manual debt."""
    return PaymentReceiptData(
        receipt_id=7,
        number="P-000007",
        received_at=datetime(2026, 11, 21, 10, 30),
        customer_id=3,
        customer_name="Хасан Абдуллаев",
        customer_number="C-00042",
        method="transfer",
        amount_minor=60_000,
        previous_balance_minor=80_000,
        new_balance_minor=20_000,
        lines=(
            ReceiptLine(11, 3, date(2026, 9, 1), 10_000, 0),
            ReceiptLine(12, 4, date(2026, 10, 1), 25_000, 0),
            ReceiptLine(13, None, date(2026, 11, 30), 25_000, 15_000),
        ),
        reversed=reversed_,
    )


@pytest.mark.parametrize(
    ("paper", "width_mm"), [(Paper.ROLL_80MM, 80), (Paper.A4, 210)], ids=["80mm", "A4"]
)
def test_the_receipt_says_what_was_paid_and_what_it_settled(
    tmp_path: Path, paper: Paper, width_mm: int
) -> None:
    path = tmp_path / "payment.pdf"

    save_payment_receipt_pdf(receipt(), SHOP, path, paper, DINAR)

    [(width, _height)] = pdf_pages(path)
    assert width == pytest.approx(width_mm * MM, abs=1)
    text = pdf_text(path)
    expected = [
        "Épicerie Al-Amal",
        "Tel. +213 555 12 34 56",
        "Payment receipt P-000007 2026-11-21 10:30",
        # The extraction puts a space where the PDF changes font (Cyrillic, then Latin).
        "Customer: Хасан Абдуллаев",
        "C-00042)",
        "Paid by Transfer",
        f"Previous balance {money(80_000)}",
        f"Paid {money(60_000)}",
        f"Sale 3, due 2026-09-01 paid {money(10_000)} settled",
        f"Sale 4, due 2026-10-01 paid {money(25_000)} settled",
        f"Manual debt D-13, due 2026-11-30 paid {money(25_000)} still owed {money(15_000)}",
        f"New balance {money(20_000)}",
        "Thank you for your visit",
    ]
    assert [line for line in expected if line not in text] == []
    assert text.count("settled") == 2
    assert "REVERSED" not in text


def test_a_reversed_receipt_says_so() -> None:
    text = payment_receipt_document(receipt(reversed_=True), SHOP).toPlainText()

    assert "REVERSED: this payment no longer counts" in text


def test_every_stored_text_is_escaped() -> None:
    hostile = "<b>Tom & Jerry</b><img src='x'>"
    shop = ShopHeader(hostile, hostile, hostile, hostile, hostile)
    data = PaymentReceiptData(
        1, hostile, datetime(2026, 1, 1), 1, hostile, hostile, hostile, 100, 100, 0, (), False
    )

    html = payment_receipt_html(data, shop, Paper.A4)
    text = payment_receipt_document(data, shop, Paper.A4).toPlainText()

    assert "<b>Tom" not in html
    assert "<img" not in html
    # Shop name, address, phone, tax number, footer; number, customer name and number.
    assert text.count(hostile) == 8


def test_print_payment_receipt_prints_it(tmp_path: Path) -> None:
    printed = tmp_path / "printed.pdf"

    print_payment_receipt(receipt(), SHOP, pdf_printer(printed), Paper.ROLL_80MM, DINAR)

    assert f"New balance {money(20_000)}" in pdf_text(printed)


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


# ----- the dialog, over a payment really taken ----------------------------------------------


@pytest.fixture
def taken(database: DukanDatabase, database_path: Path) -> PaymentReceiptData:
    """120.00 cash from Samir, who owed 100.00 and 250.00."""
    samir = CustomerChanges().create(CustomerDraft(name="Samir Haddad"))
    add_credit_sale(database_path, samir, 10_000, sold_at="2026-08-02 09:00:00", due="2026-09-01")
    add_credit_sale(database_path, samir, 25_000, sold_at="2026-09-01 09:00:00", due="2026-10-01")
    payments = Payments(now=lambda: datetime(2026, 11, 21, 10, 30))
    return payments.take(PaymentRequest(samir, 12_000, "cash"))


def test_the_dialog_saves_the_receipt_of_a_payment_taken(
    qtbot: QtBot,
    taken: PaymentReceiptData,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    recorded_prompts: PromptRecorder,
) -> None:
    dialog = PaymentReceiptDialog(taken, ReceiptService().shop_header(), DINAR, pdf_folder=tmp_path)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Payment receipt P-000001"
    assert f"New balance {money(23_000)}" in dialog.preview.toPlainText().replace("\n", " ")
    target = tmp_path / "out" / "payment.pdf"
    target.parent.mkdir()
    suggested: list[Path] = []

    def choose(_parent: object, proposed: Path) -> Path:
        suggested.append(proposed)
        return target

    monkeypatch.setattr(prompts, "choose_pdf_to_save", choose)

    dialog.save_button.click()

    assert recorded_prompts.shown == []
    assert suggested == [tmp_path / "payment-P-000001.pdf"]
    text = pdf_text(target)
    for line in (
        "Dukan",
        "Payment receipt P-000001 2026-11-21 10:30",
        "Customer: Samir Haddad (C-00001)",
        "Paid by Cash",
        f"Previous balance {money(35_000)}",
        f"Paid {money(12_000)}",
        f"Sale 1, due 2026-09-01 paid {money(10_000)} settled",
        f"Sale 2, due 2026-10-01 paid {money(2_000)} still owed {money(23_000)}",
        f"New balance {money(23_000)}",
    ):
        assert line in text
    assert str(target) in dialog.status.text()


def test_the_dialog_prints_on_the_chosen_printer(
    qtbot: QtBot,
    taken: PaymentReceiptData,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    recorded_prompts: PromptRecorder,
) -> None:
    dialog = PaymentReceiptDialog(taken, ReceiptService().shop_header())
    qtbot.addWidget(dialog)
    printed = tmp_path / "printed.pdf"
    titles: list[str] = []

    def choose(_parent: object, title: str) -> QPrinter:
        titles.append(title)
        return pdf_printer(printed)

    monkeypatch.setattr(prompts, "choose_printer", choose)

    dialog.print_button.click()

    assert titles == ["Print payment receipt P-000001"]
    assert recorded_prompts.shown == []
    assert "Payment receipt P-000001" in pdf_text(printed)


def test_a_reprint_reads_the_receipt_again(
    taken: PaymentReceiptData, monkeypatch: pytest.MonkeyPatch, recorded_prompts: PromptRecorder
) -> None:
    shown: list[tuple[str, bool]] = []
    monkeypatch.setattr(
        payment_receipt_dialog,
        "show_payment_receipt",
        lambda _parent, data, _shop, _format: shown.append((data.number, data.reversed)),
    )
    payments = Payments()
    payments.reverse_receipt(taken.receipt_id, "Typed the wrong amount")

    reprint_payment_receipt(None, payments, SHOP, taken.receipt_id)
    reprint_payment_receipt(None, payments, SHOP, 999)

    assert shown == [("P-000001", True)]
    assert recorded_prompts.shown == [
        ("error", "No receipt", "There is no payment receipt P-000999.")
    ]
