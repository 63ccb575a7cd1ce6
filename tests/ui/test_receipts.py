"""Receipts on paper: the PDF's text for 80 mm and A4, printing, and the receipt dialog."""

from __future__ import annotations

import errno
import os
import uuid
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from app.db.database import DukanDatabase
from app.domain.money import CurrencyFormat, Money
from app.services.receipts import (
    CustomerLines,
    Receipt,
    ReceiptLine,
    ReceiptService,
    ReversalLine,
    ShopHeader,
)
from app.ui import prompts
from app.ui.receipts import receipt_dialog
from app.ui.receipts.receipt_dialog import ReceiptDialog, show_receipt
from app.ui.receipts.receipt_document import (
    Paper,
    print_receipt,
    receipt_document,
    receipt_html,
    save_receipt_pdf,
)
from tests.conftest import add_credit_sale
from tests.ui.conftest import PromptRecorder

# Laying text out needs fonts, and fonts need the application object, even without a widget.
pytestmark = pytest.mark.usefixtures("qapp")

DINAR = CurrencyFormat(
    symbol="DA", symbol_after=True, decimal_separator=",", thousands_separator=" "
)
MM = 72 / 25.4  # PDF points per millimetre
LONG = (
    "Extra-long description: assorted dried fruit and nut mix, family pack with a resealable "
    "zip bag (1.5 kg)"
)
ITEMS = [
    ("Lait entier 1 L", 3, 12000),
    ("زيت زيتون بكر ممتاز ٧٥٠ مل", 1, 185000),
    ("Гречка ядрица 900 г", 2, 21050),
    (LONG, 1, 349900),
    ("Sugar", 10, 1000),
]


def money(minor: int) -> str:
    return Money(minor).format(DINAR)


def pdf_text(path: Path) -> str:
    """The text of every page, runs of white space made one space (PDF extraction puts tabs
    and line breaks wherever the layout moved the pen)."""
    reader = pypdf.PdfReader(path)
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def pdf_pages(path: Path) -> list[tuple[float, float]]:
    return [
        (float(page.mediabox.width), float(page.mediabox.height))
        for page in pypdf.PdfReader(path).pages
    ]


@pytest.fixture
def credit_sale(database: DukanDatabase) -> int:
    """A customer's credit sale of five items: 4,000 owed before it, 4,230 of it on account."""
    conn = database.sqlite_connection()
    conn.executemany(
        "INSERT INTO settings (key, value) VALUES (?, ?)",
        [
            ("shop_name", "Épicerie Al-Amal"),
            ("shop_address", "12 Rue Didouche Mourad\nAlger 16000"),
            ("shop_phone", "+213 555 12 34 56"),
            ("receipt_footer", "Thank you for your visit"),
        ],
    )
    customer_id = conn.execute(
        "INSERT INTO customers (name, customer_number) VALUES ('Хасан Абдуллаев', 'C-00042')"
    ).lastrowid
    assert customer_id is not None
    add_credit_sale(
        conn,
        customer_id,
        600000,
        sold_at="2025-04-01 09:00:00",
        paid_back=200000,
        paid_at="2025-04-15 12:00:00",
    )
    total = sum(quantity * price for _name, quantity, price in ITEMS)  # 623,000
    paid = 200000
    sale_id = conn.execute(
        "INSERT INTO sales (sold_at, total, paid, customer_id, checkout_key, tendered) "
        "VALUES ('2025-05-01 10:15:00', ?, ?, ?, ?, 250000)",
        (total, paid, customer_id, uuid.uuid4().hex),
    ).lastrowid
    assert sale_id is not None
    conn.executemany(
        "INSERT INTO sale_items (sale_id, description, quantity, unit_price) VALUES (?, ?, ?, ?)",
        [(sale_id, name, quantity, price) for name, quantity, price in ITEMS],
    )
    conn.execute(
        "INSERT INTO debts (sale_id, amount, due_date, customer_id, created_at) "
        "VALUES (?, ?, '2025-05-31', ?, '2025-05-01 10:15:00')",
        (sale_id, total - paid, customer_id),
    )
    return sale_id


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Where receipts are saved, apart from the test's database."""
    made = tmp_path / "receipts"
    made.mkdir()
    return made


@pytest.fixture
def receipt(credit_sale: int) -> Receipt:
    return ReceiptService().receipt(credit_sale)


def walk_in() -> Receipt:
    shop = ShopHeader("Dukan", None, None, None, None)
    lines = (ReceiptLine("Bread", 2, 150, 300),)
    return Receipt(shop, 7, datetime(2025, 5, 2, 8, 5), lines, 300, 300, None, 0, None, ())


@pytest.mark.parametrize(
    ("paper", "width_mm"), [(Paper.ROLL_80MM, 80), (Paper.A4, 210)], ids=["80mm", "A4"]
)
def test_receipt_pdf_holds_every_line_with_formatted_amounts(
    receipt: Receipt, tmp_path: Path, paper: Paper, width_mm: int
) -> None:
    path = tmp_path / "receipt.pdf"

    save_receipt_pdf(receipt, path, paper, DINAR)

    [(width, height)] = pdf_pages(path)  # one page: a roll is cut to the receipt's length
    assert width == pytest.approx(width_mm * MM, abs=1)
    if paper is Paper.A4:
        assert height == pytest.approx(297 * MM, abs=1)
    text = pdf_text(path)
    expected = [
        "Épicerie Al-Amal",
        "12 Rue Didouche Mourad Alger 16000",
        "Tel. +213 555 12 34 56",
        f"Sale {receipt.sale_id} 2025-05-01 10:15",
        f"Lait entier 1 L 3 × {money(12000)} {money(36000)}",
        f"Гречка ядрица 900 г 2 × {money(21050)} {money(42100)}",
        f"Sugar 10 × {money(1000)} {money(10000)}",
        "resealable",
        f"1 × {money(349900)} {money(349900)}",
        f"1 × {money(185000)} {money(185000)}",  # the Arabic line's numbers
        f"Total {money(623000)}",
        f"Paid {money(200000)}",
        f"Cash {money(250000)}",
        f"Change {money(50000)}",
        "Хасан Абдуллаев",
        "C-00042",
        f"Previous balance {money(400000)}",
        f"This sale on account {money(423000)}",
        f"New balance {money(823000)}",
        "Due date 2025-05-31",
        "Thank you for your visit",
    ]
    assert [line for line in expected if line not in text] == []
    assert "Tax no." not in text  # not set, so left off


def test_long_roll_receipt_stays_one_slip_as_long_as_its_lines(tmp_path: Path) -> None:
    lines = tuple(ReceiptLine(f"Item {n}", 1, 100, 100) for n in range(80))
    long = Receipt(
        ShopHeader("Dukan", None, None, None, None),
        8,
        datetime(2025, 5, 2, 8, 5),
        lines,
        8000,
        8000,
        None,
        0,
        None,
        (),
    )
    short_path, long_path = tmp_path / "short.pdf", tmp_path / "long.pdf"

    save_receipt_pdf(walk_in(), short_path)
    save_receipt_pdf(long, long_path)

    [(_width, short_height)] = pdf_pages(short_path)
    [(_width, long_height)] = pdf_pages(long_path)
    assert long_height > short_height + 80 * 5 * MM  # at least 5 mm a line
    assert "Item 0 " in pdf_text(long_path)
    assert "Item 79 " in pdf_text(long_path)


def test_walk_in_receipt_has_no_balance_lines_nor_cash_line() -> None:
    text = receipt_document(walk_in(), Paper.ROLL_80MM).toPlainText()

    assert "Dukan" in text
    assert "Bread" in text
    assert "Change" in text
    for absent in ("Cash", "Customer", "Previous balance", "New balance", "Tel.", "VOIDED"):
        assert absent not in text


def test_every_stored_text_is_escaped() -> None:
    hostile = "<b>Tom & Jerry</b><img src='x'>"
    shop = ShopHeader(hostile, hostile, hostile, hostile, hostile)
    lines = (ReceiptLine(hostile, 1, 100, 100),)
    customer = CustomerLines(hostile, hostile, 0, 0, 0, None)
    reversal = ReversalLine("refund", datetime(2025, 5, 3, 9, 0), 100, 100, hostile)
    sale = Receipt(shop, 9, datetime(2025, 5, 2), lines, 100, 100, None, 0, customer, (reversal,))

    html = receipt_html(sale, Paper.A4)
    text = receipt_document(sale, Paper.A4).toPlainText()

    assert "<b>Tom" not in html
    assert "<img" not in html
    # Shop name, address, phone, tax number, footer; the item; customer name and number; reason.
    assert text.count(hostile) == 9
    assert "Reason: " + hostile in text


def test_reversals_are_listed_with_their_amounts(tmp_path: Path) -> None:
    reversals = (
        ReversalLine("refund", datetime(2025, 5, 12, 14, 0), 40000, 0, "Torn bag"),
        ReversalLine("void", datetime(2025, 5, 13, 9, 30), 140000, 110000, "Order cancelled"),
    )
    sale = Receipt(
        ShopHeader("Dukan", None, None, None, None),
        11,
        datetime(2025, 5, 1, 10, 0),
        (ReceiptLine("Flour", 2, 40000, 80000), ReceiptLine("Eggs", 1, 100000, 100000)),
        180000,
        80000,
        100000,
        20000,
        CustomerLines("Amina", "C-00007", 0, 100000, 100000, date(2025, 5, 31)),
        reversals,
    )
    path = tmp_path / "reversed.pdf"

    save_receipt_pdf(sale, path, Paper.ROLL_80MM, DINAR)

    text = pdf_text(path)
    assert f"Refunded 2025-05-12 14:00 {money(-40000)}" in text
    assert "Reason: Torn bag" in text
    assert f"VOIDED 2025-05-13 09:30 {money(-140000)}" in text
    assert f"Cash paid back {money(110000)}" in text
    assert "Reason: Order cancelled" in text


def test_print_receipt_prints_the_receipt(receipt: Receipt, tmp_path: Path) -> None:
    printer = pdf_printer(tmp_path / "printed.pdf")

    print_receipt(receipt, printer, Paper.ROLL_80MM, DINAR)

    [(width, _height)] = pdf_pages(tmp_path / "printed.pdf")
    assert width == pytest.approx(80 * MM, abs=1)
    text = pdf_text(tmp_path / "printed.pdf")
    assert f"Sale {receipt.sale_id}" in text
    assert f"New balance {money(823000)}" in text


def pdf_printer(path: Path) -> QPrinter:
    """A printer that prints into a PDF file, standing in for the one the operator picks."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_failed_write_keeps_the_file_already_there_and_leaves_no_part(
    receipt: Receipt, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = folder / "receipt.pdf"
    path.write_bytes(b"the receipt saved yesterday")

    def disk_full(_source: object, _target: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError, match="No space left"):
        save_receipt_pdf(receipt, path)

    assert path.read_bytes() == b"the receipt saved yesterday"
    assert sorted(folder.iterdir()) == [path]


# ----- the dialog ------------------------------------------------------------------------------


@pytest.fixture
def dialog(qtbot: QtBot, receipt: Receipt, folder: Path) -> ReceiptDialog:
    shown = ReceiptDialog(receipt, DINAR, pdf_folder=folder)
    qtbot.addWidget(shown)
    return shown


def test_dialog_previews_the_roll_and_switches_to_a4(dialog: ReceiptDialog) -> None:
    assert dialog.chosen_paper() is Paper.ROLL_80MM
    roll = dialog.preview.toPlainText()
    assert f"Sale {dialog.receipt.sale_id}" in roll
    assert money(823000) in roll
    assert "Quantity × price" not in roll  # the narrow layout has no column headings

    dialog.paper.setCurrentIndex(dialog.paper.findData(Paper.A4))

    assert dialog.chosen_paper() is Paper.A4
    assert "Quantity × price" in dialog.preview.toPlainText()


def test_dialog_shows_the_whole_receipt_when_the_screen_has_room(
    qtbot: QtBot, receipt: Receipt
) -> None:
    # Eight lines on a roll: taller than the dialog's first height, shorter than the screen.
    lines = tuple(ReceiptLine(f"Item {n}", 2, 100, 200) for n in range(3))
    longer = replace(receipt, lines=receipt.lines + lines)
    shown = ReceiptDialog(longer, DINAR)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    assert shown.height() > receipt_dialog.DIALOG_HEIGHT
    assert shown.preview.verticalScrollBar().maximum() == 0  # nothing to scroll to


def test_a_long_receipt_keeps_the_dialog_on_the_screen_and_scrolls(qtbot: QtBot) -> None:
    lines = tuple(ReceiptLine(f"Item {n}", 1, 100, 100) for n in range(80))
    long = Receipt(walk_in().shop, 8, datetime(2025, 5, 2), lines, 8000, 8000, None, 0, None, ())
    shown = ReceiptDialog(long, DINAR)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    room = shown.screen().availableGeometry().height() - receipt_dialog.TITLE_BAR_PX
    assert shown.height() == room
    assert shown.preview.verticalScrollBar().maximum() > 0


def test_dialog_saves_the_chosen_paper_as_pdf(
    dialog: ReceiptDialog,
    folder: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    recorded_prompts: PromptRecorder,
) -> None:
    suggested: list[Path] = []
    target = tmp_path / "out" / "sale.pdf"
    target.parent.mkdir()

    def choose(_parent: object, proposed: Path) -> Path:
        suggested.append(proposed)
        return target

    monkeypatch.setattr(prompts, "choose_pdf_to_save", choose)
    dialog.paper.setCurrentIndex(dialog.paper.findData(Paper.A4))

    dialog.save_button.click()

    assert suggested == [folder / f"receipt-{dialog.receipt.sale_id}.pdf"]
    assert recorded_prompts.shown == []
    assert pdf_pages(target)[0][0] == pytest.approx(210 * MM, abs=1)
    assert f"Sale {dialog.receipt.sale_id}" in pdf_text(target)
    assert str(target) in dialog.status.text()
    assert sorted(target.parent.iterdir()) == [target]


def test_dialog_save_cancelled_writes_nothing(
    dialog: ReceiptDialog,
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    recorded_prompts: PromptRecorder,
) -> None:
    monkeypatch.setattr(prompts, "choose_pdf_to_save", lambda _parent, _proposed: None)

    dialog.save_button.click()

    assert recorded_prompts.shown == []
    assert list(folder.rglob("*")) == []
    assert dialog.status.text() == ""


# Tests run as root, for whom chmod read-only folders are writable (pitfalls.md); a folder that
# does not exist, and a folder standing where the file would go, fail the same way for anyone.
@pytest.mark.parametrize("where", ["missing folder", "a folder of that name"])
def test_dialog_shows_why_a_receipt_could_not_be_saved(
    dialog: ReceiptDialog,
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    recorded_prompts: PromptRecorder,
    where: str,
) -> None:
    if where == "missing folder":
        target = folder / "gone" / "receipt.pdf"
        reason = "No such file or directory"
    else:
        target = folder / "receipt.pdf"
        target.mkdir()
        reason = "There is a folder of that name"
    monkeypatch.setattr(prompts, "choose_pdf_to_save", lambda _parent, _proposed: target)

    dialog.save_button.click()

    assert recorded_prompts.titles() == ["Receipt not saved"]
    assert str(target) in recorded_prompts.texts()
    assert ".part" not in recorded_prompts.texts()  # the file the operator chose, not ours
    assert reason in recorded_prompts.texts()
    assert [path for path in folder.rglob("*") if not path.is_dir()] == []
    assert not (folder / "gone").exists()
    assert dialog.status.text() == ""


def test_dialog_prints_on_the_chosen_printer(
    dialog: ReceiptDialog,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    recorded_prompts: PromptRecorder,
) -> None:
    printed = tmp_path / "printed.pdf"
    monkeypatch.setattr(prompts, "choose_printer", lambda _parent, _title: pdf_printer(printed))

    dialog.print_button.click()

    assert recorded_prompts.shown == []
    text = pdf_text(printed)
    assert f"Sale {dialog.receipt.sale_id}" in text
    assert f"Total {money(623000)}" in text
    assert f"Previous balance {money(400000)}" in text
    assert str(printed) in dialog.status.text()


def test_dialog_print_cancelled_prints_nothing(
    dialog: ReceiptDialog, monkeypatch: pytest.MonkeyPatch, recorded_prompts: PromptRecorder
) -> None:
    monkeypatch.setattr(prompts, "choose_printer", lambda _parent, _title: None)

    dialog.print_button.click()

    assert recorded_prompts.shown == []
    assert dialog.status.text() == ""


def test_escape_closes_the_dialog(qtbot: QtBot, dialog: ReceiptDialog) -> None:
    dialog.show()
    qtbot.waitExposed(dialog)

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)

    assert not dialog.isVisible()


def test_show_receipt_opens_the_sales_receipt(
    qtbot: QtBot, credit_sale: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[ReceiptDialog] = []

    def exec_(self: ReceiptDialog) -> int:
        qtbot.addWidget(self)
        opened.append(self)
        return 0

    monkeypatch.setattr(receipt_dialog.ReceiptDialog, "exec", exec_)

    show_receipt(None, ReceiptService(), credit_sale, DINAR)

    [shown] = opened
    assert shown.receipt.sale_id == credit_sale
    assert money(823000) in shown.preview.toPlainText()


def test_show_receipt_of_a_missing_sale_says_so(
    database: DukanDatabase, recorded_prompts: PromptRecorder
) -> None:
    show_receipt(None, ReceiptService(), 999)

    assert recorded_prompts.shown == [("error", "No receipt", "There is no sale 999.")]
