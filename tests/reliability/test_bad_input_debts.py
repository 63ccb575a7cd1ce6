"""The catalogue typed into the credit-book dialogs (payment, manual debt, reversal, reminder):
kept exactly, or refused by the field with nothing written."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

import pytest
from PySide6.QtCore import QDate
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from app.db.database import DukanDatabase
from app.db.tables import Debt, Payment, PaymentReversal
from app.domain.customer_form import CustomerDraft
from app.domain.money import Money, MoneyParseError
from app.domain.notes import NoteError, tidy_note
from app.services.customer_changes import CustomerChanges
from app.services.customer_directory import CustomerDirectory
from app.services.manual_debts import MAX_MANUAL_DEBT_MINOR, ManualDebtRequest, ManualDebts
from app.services.payments import PaymentRequest, Payments
from app.services.reminders import Reminders
from app.ui.app_events import AppEvents
from app.ui.dates import from_qdate
from app.ui.debts.debt_services import DebtServices
from app.ui.debts.manual_debt_dialog import ManualDebtDialog
from app.ui.debts.payment_dialog import PaymentDialog
from app.ui.debts.reminder_dialog import ReminderDialog
from app.ui.debts.reverse_payment_dialog import ReversePaymentDialog
from tests.reliability.bad_input_form_support import Tally, reason_to_store, submitted, uncut
from tests.reliability.bad_input_support import (
    PromptsSeen,
    book_digest,
    nothing_raised,
    prompts_seen_fixture,  # noqa: F401 - a fixture
    shop_database_fixture,  # noqa: F401 - a fixture
)
from tests.reliability.bad_inputs import AMOUNTS, NAMES, Hostile

TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 10, 30)
OLD_DEBTS = 3  # each as large as one manual debt may be: 30,000,000.00 owed in all
OVERPAYMENTS = (Hostile("one-cent-over", "30,000,000.01"), Hostile("far-over", "99999999999"))


@pytest.fixture
def changes(shop_database: DukanDatabase) -> CustomerChanges:
    return CustomerChanges(fallback_region="DZ", now=lambda: NOW)


@pytest.fixture
def services(shop_database: DukanDatabase) -> DebtServices:
    return DebtServices(
        payments=Payments(now=lambda: NOW),
        manual_debts=ManualDebts(today=lambda: TODAY, now=lambda: NOW),
        reminders=Reminders(today=lambda: TODAY, now=lambda: NOW),
    )


@pytest.fixture
def debtor(changes: CustomerChanges, services: DebtServices) -> int:
    """Samir, who owes OLD_DEBTS of the largest debts from an old paper book, long overdue."""
    samir = changes.create(CustomerDraft(name="Samir Haddad"))
    for _ in range(OLD_DEBTS):
        request = ManualDebtRequest(
            samir, MAX_MANUAL_DEBT_MINOR, date(2026, 1, 5), date(2026, 2, 4), None
        )
        services.manual_debts.create(request)
    return samir


def same_note(held: str, whole: str) -> bool:
    """A note the field cut is fine only when the whole note means the same."""
    try:
        return tidy_note(whole) == tidy_note(held)
    except NoteError:
        return False


def payment_sums() -> tuple[int, int]:
    return Payment.select().count(), sum(payment.amount for payment in Payment.select())


def test_a_payment_amount_and_note_are_kept_exactly_or_refused_by_their_fields(
    qtbot: QtBot,
    *,
    shop_database: DukanDatabase,
    services: DebtServices,
    changes: CustomerChanges,
    debtor: int,
    prompts_seen: PromptsSeen,
) -> None:
    conn = shop_database.sqlite_connection()
    customers = (CustomerDirectory(), changes)
    dialog = PaymentDialog(services, customers, AppEvents(), debtor, today=lambda: TODAY)
    qtbot.addWidget(dialog)
    tally = Tally()
    for field, hostiles in (("amount", AMOUNTS + OVERPAYMENTS), ("note", NAMES)):
        for hostile in hostiles:
            what = f"payment {field} = {hostile.label}"
            dialog.amount_edit.setText("0.01")
            dialog.note_edit.setText("")
            edit = dialog.amount_edit if field == "amount" else dialog.note_edit
            edit.setText(hostile.text)
            held = edit.text()
            owed_before = CustomerDirectory().get(debtor).balance_minor
            count_before, paid_before = payment_sums()
            dialog.receipt = None

            def take(dialog: PaymentDialog = dialog) -> bool:
                # The button waits for a readable amount; accept() guards the rest.
                dialog.accept()
                return dialog.receipt is not None

            accepted = submitted(qtbot, conn, what, take, partial(dialog.errors.message, field))
            tally.add(what, accepted)
            try:
                amount = Money.parse(held, allow_zero=False).minor if field == "amount" else 1
                note = tidy_note(held) if field == "note" else None
            except (MoneyParseError, NoteError):
                assert not accepted, f"{what}: taken, yet refused by its checker"
                continue
            if amount > owed_before:
                assert not accepted, f"{what}: an overpayment of {amount} was taken"
                continue
            assert accepted, f"{what}: {dialog.errors.message(field)}"
            if field == "note":
                assert same_note(held, uncut(hostile.text)), f"{what}: cut and taken"
            assert payment_sums() == (count_before + 1, paid_before + amount), what
            stored = Payment.select().order_by(Payment.id.desc()).get()
            assert stored.note == note, what
            assert CustomerDirectory().get(debtor).balance_minor == owed_before - amount
    assert len(tally.accepted) > 25 and len(tally.refused) > 80, tally
    assert not prompts_seen.shown


def test_a_manual_debt_keeps_amount_dates_and_note_exactly_or_refuses_by_the_field(
    qtbot: QtBot,
    shop_database: DukanDatabase,
    services: DebtServices,
    changes: CustomerChanges,
    prompts_seen: PromptsSeen,
) -> None:
    conn = shop_database.sqlite_connection()
    nadia = changes.create(CustomerDraft(name="Nadia Ouali", payment_terms="30"))
    customers = (CustomerDirectory(), changes)
    dialog = ManualDebtDialog(services, customers, AppEvents(), nadia, today=lambda: TODAY)
    qtbot.addWidget(dialog)
    far = [QDate(1, 1, 1), QDate(1752, 9, 14), QDate(9999, 12, 31), QDate(2026, 11, 22)]
    cases = [
        *(("amount", hostile, None) for hostile in AMOUNTS),
        *(("note", hostile, None) for hostile in NAMES),
        *(("dated", Hostile(day.toString("yyyy-MM-dd"), ""), day) for day in far),
        *(("due_date", Hostile(day.toString("yyyy-MM-dd"), ""), day) for day in far),
    ]
    tally = Tally()
    for field, hostile, day in cases:
        what = f"manual debt {field} = {hostile.label}"
        dialog.amount_edit.setText("10.00")
        dialog.note_edit.setText("")
        dialog.dated_edit.setDate(QDate(2026, 3, 1))
        if field == "amount":
            dialog.amount_edit.setText(hostile.text)
        elif field == "note":
            dialog.note_edit.setText(hostile.text)
        elif day is not None:
            # A picker holds a date in its range; what it keeps of a far one is what counts.
            (dialog.dated_edit if field == "dated" else dialog.due_edit).setDate(day)
        held_amount, held_note = dialog.amount_edit.text(), dialog.note_edit.text()
        dated, due = from_qdate(dialog.dated_edit.date()), from_qdate(dialog.due_edit.date())
        dialog.debt_id = None

        def add(dialog: ManualDebtDialog = dialog) -> bool:
            dialog.confirm_button.click()
            return dialog.debt_id is not None

        accepted = submitted(qtbot, conn, what, add, partial(dialog.errors.message, field))
        tally.add(what, accepted)
        try:
            amount = Money.parse(held_amount, allow_zero=False).minor
            note = tidy_note(held_note)
        except (MoneyParseError, NoteError):
            assert not accepted, f"{what}: written, yet refused by its checker"
            continue
        if amount > MAX_MANUAL_DEBT_MINOR or dated > TODAY or not 0 <= (due - dated).days <= 3660:
            assert not accepted, f"{what}: written dated {dated}, due {due}"
            continue
        assert accepted, f"{what}: {dialog.errors.message(field)}"
        if field == "note":
            assert same_note(held_note, uncut(hostile.text)), f"{what}: cut and written"
        stored = Debt.get_by_id(dialog.debt_id)
        assert (stored.amount, stored.note, stored.due_date) == (amount, note, due), what
        assert stored.created_at.date() == dated, what
    assert len(tally.accepted) > 30 and len(tally.refused) > 70, tally
    assert not prompts_seen.shown


def test_a_payment_reversal_reason_is_kept_tidy_or_refused_by_its_field(
    qtbot: QtBot,
    shop_database: DukanDatabase,
    services: DebtServices,
    debtor: int,
    prompts_seen: PromptsSeen,
) -> None:
    conn = shop_database.sqlite_connection()
    for _hostile in NAMES:
        services.payments.take(PaymentRequest(debtor, 100, "cash", (), None))
    tally = Tally()
    for hostile in NAMES:
        what = f"reversal reason = {hostile.label}"
        dialog = ReversePaymentDialog(services, AppEvents(), debtor)
        qtbot.addWidget(dialog)
        dialog.reason_edit.setText(hostile.text)
        held = dialog.reason_edit.text()

        def reverse(dialog: ReversePaymentDialog = dialog) -> bool:
            dialog.reverse_button.click()
            return dialog.reversed_receipt is not None

        accepted = submitted(qtbot, conn, what, reverse, partial(dialog.errors.message, "reason"))
        tally.add(what, accepted)
        expected = reason_to_store(what, accepted, held, hostile.text, "reversed")
        if expected is None:
            continue
        stored = PaymentReversal.select().order_by(PaymentReversal.id.desc()).get()
        assert stored.reason == expected, what
    assert len(tally.accepted) > 10 and len(tally.refused) > 10, tally


def test_a_reminder_text_of_any_kind_is_copied_as_held_and_only_its_date_kept(
    qtbot: QtBot,
    shop_database: DukanDatabase,
    services: DebtServices,
    debtor: int,
    prompts_seen: PromptsSeen,
) -> None:
    """The reminder's text goes to the clipboard, not into the books: what is written is one
    row saying a reminder was sent."""
    conn = shop_database.sqlite_connection()
    reminder = services.reminders.compose(debtor)
    for hostile in NAMES:
        what = f"reminder text = {hostile.label}"
        dialog = ReminderDialog(services.reminders, AppEvents(), reminder)
        qtbot.addWidget(dialog)
        dialog.text_edit.setPlainText(hostile.text)
        held = dialog.text_edit.toPlainText()
        before = book_digest(conn)
        with nothing_raised(qtbot, what):
            dialog.copy_button.click()
        assert dialog.sent_at == NOW, what
        assert QGuiApplication.clipboard().text() == held, what
        assert book_digest(conn) != before
        assert services.reminders.last_reminded(debtor) == NOW
    assert not prompts_seen.shown
