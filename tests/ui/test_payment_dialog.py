"""Taking and reversing payments through the dialogs' widgets, and from the customer profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel
from pytestqt.qtbot import QtBot

from app.db.database import DukanDatabase
from app.domain.customer_form import CustomerDraft
from app.services.customer_changes import CustomerChanges
from app.services.customer_directory import CustomerDirectory
from app.services.debtors import placeholder_id
from app.services.manual_debts import ManualDebtRequest
from app.services.payments import PaymentRequest, Payments
from app.ui.app_events import AppEvents
from app.ui.customers.profile_dialog import CreditBook, ProfileDialog
from app.ui.debts import payment_dialog, reverse_payment_dialog
from app.ui.debts.debt_services import DebtServices
from app.ui.debts.payment_dialog import PaymentDialog, take_payment
from app.ui.debts.payment_preview_model import TOUCHED_BACKGROUND, Column
from app.ui.debts.reverse_payment_dialog import ReversePaymentDialog, reverse_payment
from tests.ui.conftest import PromptRecorder
from tests.ui.customer_data import add_credit_sale
from tests.ui.debt_data import add_legacy_debts

TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 10, 30)


@dataclass(frozen=True, slots=True)
class Book:
    """Samir owes 800.00 over four debts; in the order a payment reaches them:
    100.00 due 2026-09-01, 250.00 due 2026-10-01, 400.00 due 2026-11-30, 50.00 undated."""

    samir: int
    sep: int
    oct: int
    nov: int
    undated: int
    nadia: int  # owes nothing


@pytest.fixture
def changes(database: DukanDatabase) -> CustomerChanges:
    return CustomerChanges(fallback_region="DZ", now=lambda: NOW)


@pytest.fixture
def directory(database: DukanDatabase) -> CustomerDirectory:
    return CustomerDirectory()


@pytest.fixture
def book(database_path: Path, changes: CustomerChanges) -> Book:
    samir = changes.create(CustomerDraft(name="Samir Haddad", phone="0555 12 34 56"))
    nadia = changes.create(CustomerDraft(name="Nadia Ouali"))
    # Written out of payment order, so the dialog's order is the service's, not the table's.
    nov = add_credit_sale(
        database_path, samir, 40_000, sold_at="2026-10-31 09:00:00", due="2026-11-30"
    )
    undated = add_credit_sale(database_path, samir, 5_000, sold_at="2026-01-05 09:00:00")
    sep = add_credit_sale(
        database_path, samir, 10_000, sold_at="2026-08-02 09:00:00", due="2026-09-01"
    )
    oct_ = add_credit_sale(
        database_path, samir, 25_000, sold_at="2026-09-01 09:00:00", due="2026-10-01"
    )
    return Book(samir, sep, oct_, nov, undated, nadia)


@pytest.fixture
def services(database: DukanDatabase) -> DebtServices:
    return DebtServices(payments=Payments(now=lambda: NOW))


@pytest.fixture
def events() -> AppEvents:
    return AppEvents()


@pytest.fixture
def dialog(
    qtbot: QtBot,
    book: Book,
    services: DebtServices,
    *,
    directory: CustomerDirectory,
    changes: CustomerChanges,
    events: AppEvents,
) -> PaymentDialog:
    shown = PaymentDialog(services, (directory, changes), events, book.samir, today=lambda: TODAY)
    qtbot.addWidget(shown)
    return shown


def rows(dialog: PaymentDialog) -> list[list[str]]:
    """Sale, due, outstanding, applied, remaining of every row, as the operator reads them."""
    model = dialog.preview_model
    columns = (Column.SALE, Column.DUE, Column.OUTSTANDING, Column.APPLIED, Column.REMAINING)
    return [[model.text(row, column) for column in columns] for row in range(model.rowCount())]


def touched(dialog: PaymentDialog) -> list[bool]:
    model = dialog.preview_model
    return [
        model.index(row, Column.APPLIED).data(Qt.ItemDataRole.BackgroundRole) == TOUCHED_BACKGROUND
        for row in range(model.rowCount())
    ]


def open_debts(directory: CustomerDirectory, customer_id: int) -> list[tuple[int, int]]:
    return [(line.debt_id, line.outstanding_minor) for line in directory.open_debts(customer_id)]


def test_a_payment_across_three_debts_previews_then_settles_them(
    qtbot: QtBot,
    dialog: PaymentDialog,
    book: Book,
    *,
    directory: CustomerDirectory,
    services: DebtServices,
    events: AppEvents,
) -> None:
    assert dialog.picker.walk_in_button.isHidden()  # a payment always has a payer
    # Before an amount: every open debt, oldest due first, nothing applied yet.
    # Sales 1 to 4 were made for the November, undated, September and October debts.
    assert rows(dialog) == [
        ["3", "2026-09-01", "100.00", "", "100.00"],
        ["4", "2026-10-01", "250.00", "", "250.00"],
        ["1", "2026-11-30", "400.00", "", "400.00"],
        ["2", "—", "50.00", "", "50.00"],
    ]
    assert "800.00" in dialog.balance_label.text()
    assert not dialog.confirm_button.isEnabled()

    qtbot.keyClicks(dialog.amount_edit, "600")

    assert rows(dialog) == [
        ["3", "2026-09-01", "100.00", "100.00", "0.00"],
        ["4", "2026-10-01", "250.00", "250.00", "0.00"],
        ["1", "2026-11-30", "400.00", "250.00", "150.00"],
        ["2", "—", "50.00", "", "50.00"],
    ]
    assert touched(dialog) == [True, True, True, False]
    assert dialog.balance_label.text() == "Owes 800.00 now; after this payment: <b>200.00</b>"
    assert dialog.errors.message("amount") == ""
    assert dialog.confirm_button.isEnabled()

    dialog.method_combo.setCurrentIndex(dialog.method_combo.findData("card"))
    with qtbot.waitSignal(events.payment_recorded) as recorded:
        dialog.confirm_button.click()

    assert dialog.result() == QDialog.DialogCode.Accepted
    receipt = dialog.receipt
    assert receipt is not None
    assert recorded.args == [receipt.receipt_id]
    assert receipt.number == f"P-{receipt.receipt_id:06d}"
    assert (receipt.amount_minor, receipt.method) == (60_000, "card")
    assert (receipt.previous_balance_minor, receipt.new_balance_minor) == (80_000, 20_000)
    assert [(line.debt_id, line.applied_minor, line.remaining_minor) for line in receipt.lines] == [
        (book.sep, 10_000, 0),
        (book.oct, 25_000, 0),
        (book.nov, 25_000, 15_000),
    ]
    assert directory.get(book.samir).balance_minor == 20_000
    assert open_debts(directory, book.samir) == [(book.nov, 15_000), (book.undated, 5_000)]
    assert len(services.payments.recent_receipts(book.samir)) == 1


def test_a_manual_debt_is_named_so_in_the_preview(
    qtbot: QtBot, dialog: PaymentDialog, book: Book, services: DebtServices
) -> None:
    services.manual_debts.create(
        ManualDebtRequest(book.nadia, 7_000, date(2026, 3, 1), date(2026, 4, 1), "Paper book")
    )

    dialog.picker.choose(book.nadia)
    qtbot.keyClicks(dialog.amount_edit, "70")

    assert rows(dialog) == [["manual", "2026-04-01", "70.00", "70.00", "0.00"]]


def test_overpaying_shows_the_exact_outstanding_and_writes_nothing(
    qtbot: QtBot,
    dialog: PaymentDialog,
    book: Book,
    *,
    directory: CustomerDirectory,
    services: DebtServices,
    events: AppEvents,
) -> None:
    qtbot.keyClicks(dialog.amount_edit, "800.01")

    assert dialog.errors.message("amount") == "Only 800.00 is outstanding; take at most that."
    assert not dialog.confirm_button.isEnabled()
    assert touched(dialog) == [False] * 4

    recorded: list[int] = []
    events.payment_recorded.connect(recorded.append)
    dialog.accept()  # Enter, or a click that raced the preview

    assert dialog.result() != QDialog.DialogCode.Accepted
    assert recorded == []
    assert services.payments.recent_receipts(book.samir) == []
    assert directory.get(book.samir).balance_minor == 80_000

    # Back to what is owed exactly: accepted.
    dialog.amount_edit.setText("800")
    assert dialog.errors.message("amount") == ""
    assert dialog.confirm_button.isEnabled()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12,5,0", "Check the thousands separators, like 1,234.50."),
        ("abc", "Use digits only, like 12.50."),
        ("0", "Amount cannot be zero."),
        ("-5", "Amount cannot be negative."),
    ],
)
def test_an_unreadable_amount_is_explained_next_to_the_field(
    qtbot: QtBot, dialog: PaymentDialog, typed: str, message: str
) -> None:
    qtbot.keyClicks(dialog.amount_edit, typed)

    assert dialog.errors.message("amount") == message
    assert not dialog.confirm_button.isEnabled()
    assert touched(dialog) == [False] * 4

    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.errors.message("amount") == message


def test_ticked_debts_take_the_payment_instead_of_the_oldest(
    qtbot: QtBot, dialog: PaymentDialog, book: Book, directory: CustomerDirectory
) -> None:
    model = dialog.preview_model
    assert dialog.ticks_label.text().startswith("Nothing ticked")
    assert not dialog.pay_ticked_button.isEnabled()

    model.set_ticked(book.nov, True)
    model.set_ticked(book.sep, True)
    assert dialog.ticks_label.text() == "Paying only the 2 ticked debts, the earliest due first."
    qtbot.keyClicks(dialog.amount_edit, "300")

    assert rows(dialog) == [
        ["3", "2026-09-01", "100.00", "100.00", "0.00"],
        ["4", "2026-10-01", "250.00", "", "250.00"],
        ["1", "2026-11-30", "400.00", "200.00", "200.00"],
        ["2", "—", "50.00", "", "50.00"],
    ]
    assert touched(dialog) == [True, False, True, False]

    # More than the ticked debts owe is refused, with what they owe.
    dialog.amount_edit.setText("600")
    assert (
        dialog.errors.message("amount")
        == "The ticked debts have only 500.00 outstanding; take at most that."
    )

    dialog.pay_ticked_button.click()
    assert dialog.amount_edit.text() == "500.00"
    assert touched(dialog) == [True, False, True, False]
    assert "after this payment: <b>300.00</b>" in dialog.balance_label.text()

    dialog.confirm_button.click()

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert open_debts(directory, book.samir) == [(book.oct, 25_000), (book.undated, 5_000)]


def test_unticking_goes_back_to_the_oldest_due_first(
    qtbot: QtBot, dialog: PaymentDialog, book: Book
) -> None:
    dialog.preview_model.set_ticked(book.undated, True)
    qtbot.keyClicks(dialog.amount_edit, "50")
    assert touched(dialog) == [False, False, False, True]

    dialog.clear_ticks_button.click()

    assert touched(dialog) == [True, False, False, False]
    assert dialog.ticks_label.text().startswith("Nothing ticked")


def test_the_tick_is_a_check_box_in_the_first_column(dialog: PaymentDialog, book: Book) -> None:
    model = dialog.preview_model
    index = model.index(0, Column.TICK)
    assert model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked

    # What a view hands over when the box is clicked: the state as an int.
    assert model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)

    assert model.ticked_ids() == (book.sep,)
    assert dialog.pay_ticked_button.isEnabled()


def test_a_customer_must_be_chosen_and_typing_finds_one(
    qtbot: QtBot,
    book: Book,
    services: DebtServices,
    directory: CustomerDirectory,
    changes: CustomerChanges,
) -> None:
    dialog = PaymentDialog(services, (directory, changes), AppEvents(), today=lambda: TODAY)
    qtbot.addWidget(dialog)
    assert dialog.picker.customer_id is None
    assert dialog.preview_model.rowCount() == 0
    assert not dialog.confirm_button.isEnabled()

    dialog.accept()
    assert dialog.errors.message("customer") == "Choose the customer who is paying."

    qtbot.keyClicks(dialog.picker.search_edit, "Samir")
    qtbot.keyClick(dialog.picker.search_edit, Qt.Key.Key_Return)

    assert dialog.customer_id == book.samir
    assert dialog.errors.message("customer") == ""
    assert dialog.preview_model.rowCount() == 4


def test_enter_picks_the_customer_then_takes_the_amount_previewed(
    qtbot: QtBot,
    book: Book,
    services: DebtServices,
    *,
    directory: CustomerDirectory,
    changes: CustomerChanges,
) -> None:
    dialog = PaymentDialog(services, (directory, changes), AppEvents(), today=lambda: TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)

    qtbot.keyClicks(dialog.picker.search_edit, "Samir")
    qtbot.keyClick(dialog.picker.search_edit, Qt.Key.Key_Return)
    # Enter in the search only chose the customer: no payment, no complaint.
    assert dialog.customer_id == book.samir
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.errors.message("amount") == ""
    assert dialog.focusWidget() is dialog.amount_edit

    qtbot.keyClicks(dialog.amount_edit, "100")
    qtbot.keyClick(dialog.amount_edit, Qt.Key.Key_Return)

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.receipt is not None
    assert dialog.receipt.amount_minor == 10_000


def test_a_customer_who_owes_nothing_is_told_so(
    qtbot: QtBot, dialog: PaymentDialog, book: Book
) -> None:
    dialog.picker.choose(book.nadia)

    assert dialog.errors.message("customer") == "Nadia Ouali owes nothing at the moment."
    assert dialog.preview_model.rowCount() == 0
    qtbot.keyClicks(dialog.amount_edit, "10")
    assert "owes nothing" in dialog.errors.message("amount")
    assert not dialog.confirm_button.isEnabled()


def test_the_legacy_placeholder_cannot_pay(
    qtbot: QtBot, dialog: PaymentDialog, database_path: Path
) -> None:
    add_legacy_debts(database_path, [("Hassan", None, 3_000)])
    holder = placeholder_id()
    assert holder is not None

    dialog.picker.choose(holder)
    qtbot.keyClicks(dialog.amount_edit, "10")

    assert "assign them" in dialog.errors.message("customer")
    assert not dialog.confirm_button.isEnabled()


def test_take_payment_offers_the_receipt_after_the_payment(
    book: Book,
    services: DebtServices,
    directory: CustomerDirectory,
    changes: CustomerChanges,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def pay(self: PaymentDialog) -> int:
        self.amount_edit.setText("120")
        self.confirm_button.click()
        return self.result()

    shown: list[tuple[str, int, str]] = []
    monkeypatch.setattr(PaymentDialog, "exec", pay)
    monkeypatch.setattr(
        payment_dialog,
        "show_payment_receipt",
        lambda _parent, receipt, shop, _format: shown.append(
            (receipt.number, receipt.amount_minor, shop.name)
        ),
    )

    receipt_id = take_payment(None, services, (directory, changes), AppEvents(), book.samir)

    assert receipt_id is not None
    assert shown == [(f"P-{receipt_id:06d}", 12_000, "Dukan")]
    assert directory.get(book.samir).balance_minor == 68_000


def test_take_payment_cancelled_takes_nothing(
    book: Book,
    services: DebtServices,
    directory: CustomerDirectory,
    changes: CustomerChanges,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(PaymentDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    shown: list[object] = []
    monkeypatch.setattr(payment_dialog, "show_payment_receipt", lambda *args: shown.append(args))

    assert take_payment(None, services, (directory, changes), AppEvents(), book.samir) is None
    assert shown == []
    assert services.payments.recent_receipts(book.samir) == []


# ----- reversing ---------------------------------------------------------------------------


@pytest.fixture
def paid(book: Book, services: DebtServices) -> int:
    """600.00 taken from Samir, settling two debts and part of a third: the receipt id."""
    receipt = services.payments.take(PaymentRequest(book.samir, 60_000, "cash"))
    return receipt.receipt_id


def test_reversing_a_payment_reopens_its_debts(
    qtbot: QtBot,
    book: Book,
    paid: int,
    *,
    services: DebtServices,
    directory: CustomerDirectory,
    recorded_prompts: PromptRecorder,
) -> None:
    events = AppEvents()
    dialog = ReversePaymentDialog(services, events, book.samir)
    qtbot.addWidget(dialog)
    model = dialog.receipts_model
    assert [model.text(0, column) for column in range(6)] == [
        f"P-{paid:06d}",
        "2026-11-21 10:30",
        "600.00",
        "Cash",
        "Sale 3, Sale 4, Sale 1",
        "",
    ]
    assert dialog.chosen() is not None  # the newest payment not yet reversed
    assert "Samir Haddad" in dialog.heading.text()

    # No reason: refused next to the field, nothing asked, nothing reversed.
    dialog.reverse_button.click()
    assert dialog.errors.message("reason").startswith("Say why")
    assert recorded_prompts.shown == []

    qtbot.keyClicks(dialog.reason_edit, "Typed 600 instead of 60")
    with qtbot.waitSignal(events.payment_reversed) as reversed_:
        dialog.reverse_button.click()

    assert reversed_.args == [book.samir]
    assert recorded_prompts.titles() == ["Reverse payment"]
    assert "P-" in recorded_prompts.texts() and "600.00" in recorded_prompts.texts()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert directory.get(book.samir).balance_minor == 80_000
    assert sorted(open_debts(directory, book.samir)) == sorted(
        [(book.sep, 10_000), (book.oct, 25_000), (book.nov, 40_000), (book.undated, 5_000)]
    )

    # Listed as reversed afterwards, and it cannot be reversed twice.
    again = ReversePaymentDialog(services, AppEvents(), book.samir)
    qtbot.addWidget(again)
    assert again.receipts_model.text(0, 5) == "reversed"
    assert again.chosen() is None
    again.select_receipt(paid)
    assert not again.reverse_button.isEnabled()
    assert again.receipts_error.text() == "This payment is already reversed."


def test_a_reversal_declined_at_the_question_changes_nothing(
    qtbot: QtBot,
    book: Book,
    paid: int,
    *,
    services: DebtServices,
    directory: CustomerDirectory,
    recorded_prompts: PromptRecorder,
) -> None:
    recorded_prompts.confirm_answer = False
    dialog = ReversePaymentDialog(services, AppEvents(), book.samir)
    qtbot.addWidget(dialog)
    dialog.reason_edit.setText("Mistyped")

    dialog.reverse_button.click()

    assert recorded_prompts.titles() == ["Reverse payment"]
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert directory.get(book.samir).balance_minor == 20_000
    assert not services.payments.receipt(paid).reversed


def test_nothing_to_reverse_says_so(
    qtbot: QtBot, book: Book, services: DebtServices, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = ReversePaymentDialog(services, AppEvents(), book.nadia)
    qtbot.addWidget(dialog)

    assert dialog.heading.text() == reverse_payment_dialog.NOTHING_TO_REVERSE
    assert not dialog.reverse_button.isEnabled()
    assert not dialog.reason_edit.isEnabled()

    monkeypatch.setattr(ReversePaymentDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    assert reverse_payment(None, services, AppEvents(), book.nadia) is False


# ----- from the customer's profile ---------------------------------------------------------


def test_the_profile_takes_a_payment_and_shows_the_new_balance(
    qtbot: QtBot,
    book: Book,
    services: DebtServices,
    *,
    directory: CustomerDirectory,
    changes: CustomerChanges,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    events = AppEvents()
    profile = ProfileDialog(
        directory,
        book.samir,
        today=lambda: TODAY,
        credit=CreditBook(services, changes, events),
    )
    qtbot.addWidget(profile)
    assert profile.take_payment_button.isEnabled()
    assert profile.add_debt_button.isEnabled()
    assert not profile.reverse_payment_button.isEnabled()  # nothing paid yet
    assert profile.debts.rowCount() == 4
    asked: list[int | None] = []

    def pay(
        _parent: object,
        _services: DebtServices,
        _customers: object,
        _events: AppEvents,
        customer_id: int | None = None,
    ) -> int:
        asked.append(customer_id)
        return services.payments.take(PaymentRequest(book.samir, 35_000, "cash")).receipt_id

    monkeypatch.setattr("app.ui.customers.profile_dialog.take_payment", pay)

    profile.take_payment_button.click()

    assert asked == [book.samir]
    assert profile.debts.rowCount() == 2
    assert profile.payments.rowCount() == 2
    assert profile.pages.tabText(1) == "&Open debts (2)"
    assert profile.reverse_payment_button.isEnabled()
    balance = profile.money.findChild(QLabel, "Balance")
    assert isinstance(balance, QLabel)
    assert balance.text() == "450.00"


def test_the_profile_without_a_credit_book_has_no_credit_buttons(
    qtbot: QtBot, book: Book, directory: CustomerDirectory
) -> None:
    profile = ProfileDialog(directory, book.samir, today=lambda: TODAY)
    qtbot.addWidget(profile)

    assert profile.take_payment_button.isHidden()
    assert profile.statement_button.isHidden()


def test_the_profile_adds_a_debt_and_opens_the_statement_for_its_customer(
    qtbot: QtBot,
    book: Book,
    services: DebtServices,
    *,
    directory: CustomerDirectory,
    changes: CustomerChanges,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    profile = ProfileDialog(
        directory,
        book.nadia,
        today=lambda: TODAY,
        credit=CreditBook(services, changes, AppEvents()),
    )
    qtbot.addWidget(profile)
    assert not profile.take_payment_button.isEnabled()  # Nadia owes nothing
    calls: list[tuple[str, object]] = []

    def add(*args: object) -> int:
        calls.append(("debt", args[-1]))  # the customer
        request = ManualDebtRequest(book.nadia, 7_000, date(2026, 3, 1), None, None)
        return services.manual_debts.create(request)

    def statement(*args: object) -> None:
        calls.append(("statement", args[3]))  # the customer

    monkeypatch.setattr("app.ui.customers.profile_dialog.add_manual_debt", add)
    monkeypatch.setattr("app.ui.customers.profile_dialog.show_statement", statement)

    profile.add_debt_button.click()
    profile.statement_button.click()

    assert calls == [("debt", book.nadia), ("statement", book.nadia)]
    assert profile.debts.rowCount() == 1
    assert profile.take_payment_button.isEnabled()
