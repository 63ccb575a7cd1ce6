"""Taking a payment across a customer's debts, its receipt and reprint, and its reversal."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.db.database import DukanDatabase
from app.db.tables import (
    AuditEntry,
    Customer,
    CustomerBalance,
    Debt,
    LegacyPlaceholder,
    OpenDebt,
    Payment,
    PaymentReceipt,
    PaymentReversal,
)
from app.domain.money import CurrencyFormat
from app.services.customer_changes import CustomerChanges
from app.services.errors import ServiceError
from app.services.manual_debts import ManualDebtRequest, ManualDebts
from app.services.payments import (
    PaymentPreview,
    PaymentReceiptData,
    PaymentRequest,
    Payments,
    PreviewLine,
    ReceiptLine,
)
from app.services.sale_reversals import SaleReversals
from tests.services.till import NOW, customer, line, sell, violations

TODAY = NOW.date()
# Microseconds on purpose: the receipt keeps whole seconds, like every other timestamp.
LATER = datetime(2026, 11, 22, 9, 15, 30, 123_456)
RECEIVED = LATER.replace(microsecond=0)
# Manual debts dated before today start their day.
SEP_1, OCT_2 = datetime(2026, 9, 1), datetime(2026, 10, 2)


def manual(customer_id: int, amount: int, dated: date, due: date | None = None) -> int:
    request = ManualDebtRequest(customer_id, amount, dated, due, note="paper book")
    return ManualDebts(today=lambda: TODAY, now=lambda: NOW).create(request)


@dataclass(frozen=True)
class Book:
    """Amina owes 1,500.00 on three debts: two overdue manual ones and a sale due next month."""

    customer_id: int
    oldest: int  # 500.00 due 2026-10-01
    middle: int  # 300.00 due 2026-11-01
    sale_debt: int  # 700.00 due 2026-12-21, of sale `sale_id`
    sale_id: int


@pytest.fixture
def book(database: DukanDatabase) -> Book:
    amina = customer("Amina")
    sale = sell([line(None, "Rice 25kg", 1, 70_000)], key="rice", customer_id=amina, tendered=0,
                on_account=True)  # fmt: skip
    assert sale.debt_id is not None
    middle = manual(amina, 30_000, date(2026, 10, 2), date(2026, 11, 1))
    oldest = manual(amina, 50_000, date(2026, 9, 1), date(2026, 10, 1))
    return Book(amina, oldest, middle, sale.debt_id, sale.sale_id)


@pytest.fixture
def payments(database: DukanDatabase) -> Payments:
    return Payments(now=lambda: LATER)


def balance(customer_id: int) -> int:
    return int(CustomerBalance.get_by_id(customer_id).outstanding)


def statuses(*debt_ids: int) -> list[str]:
    return [Debt.get_by_id(debt_id).status for debt_id in debt_ids]


def rows_written() -> tuple[int, ...]:
    return (
        PaymentReceipt.select().count(),
        Payment.select().count(),
        PaymentReversal.select().count(),
        AuditEntry.select().count(),
    )


def take(payments: Payments, customer_id: int, amount: int, *ticked: int) -> PaymentReceiptData:
    return payments.take(PaymentRequest(customer_id, amount, "cash", tuple(ticked)))


# ----- taking a payment -------------------------------------------------------------------------


def test_a_payment_across_three_debts_settles_the_oldest_due_first(
    database: DukanDatabase, payments: Payments, book: Book
) -> None:
    receipt = payments.take(
        PaymentRequest(book.customer_id, 100_000, "card", note="  paid  by son ")
    )
    assert receipt == PaymentReceiptData(
        receipt_id=receipt.receipt_id,
        number=f"P-{receipt.receipt_id:06d}",
        received_at=RECEIVED,
        customer_id=book.customer_id,
        customer_name="Amina",
        customer_number="C-00001",
        method="card",
        amount_minor=100_000,
        previous_balance_minor=150_000,
        new_balance_minor=50_000,
        lines=(
            ReceiptLine(book.oldest, None, date(2026, 10, 1), 50_000, 0),
            ReceiptLine(book.middle, None, date(2026, 11, 1), 30_000, 0),
            ReceiptLine(book.sale_debt, book.sale_id, date(2026, 12, 21), 20_000, 50_000),
        ),
        reversed=False,
    )
    stored = PaymentReceipt.get_by_id(receipt.receipt_id)
    assert (stored.customer_id, stored.amount, stored.method, stored.received_at) == (
        book.customer_id, 100_000, "card", RECEIVED,
    )  # fmt: skip
    assert (stored.operator.id, stored.note) == (1, "paid by son")
    written = [
        (p.debt_id, p.customer_id, p.amount, p.method, p.paid_at, p.receipt_id, p.note)
        for p in Payment.select().order_by(Payment.id)
    ]
    assert written == [
        (debt_id, book.customer_id, amount, "card", RECEIVED, receipt.receipt_id, "paid by son")
        for debt_id, amount in ((book.oldest, 50_000), (book.middle, 30_000),
                                (book.sale_debt, 20_000))
    ]  # fmt: skip
    assert statuses(book.oldest, book.middle, book.sale_debt) == ["paid", "paid", "open"]
    assert balance(book.customer_id) == 50_000
    assert violations(database) == []


def test_each_debt_paid_gets_an_audit_row_with_the_receipt(payments: Payments, book: Book) -> None:
    receipt = take(payments, book.customer_id, 60_000)
    entries = list(
        AuditEntry.select()
        .where((AuditEntry.entity == "debt") & (AuditEntry.action == "payment"))
        .order_by(AuditEntry.id)
    )
    assert [entry.entity_id for entry in entries] == [book.oldest, book.middle]
    after = [json.loads(entry.after_json or "null") for entry in entries]
    assert [(a["receipt"], a["amount"], a["method"]) for a in after] == [
        (receipt.number, 50_000, "cash"),
        (receipt.number, 10_000, "cash"),
    ]


def test_ticked_debts_take_the_payment_in_payment_order(
    database: DukanDatabase, payments: Payments, book: Book
) -> None:
    receipt = take(payments, book.customer_id, 75_000, book.sale_debt, book.middle)
    assert [(ln.debt_id, ln.applied_minor, ln.remaining_minor) for ln in receipt.lines] == [
        (book.middle, 30_000, 0),
        (book.sale_debt, 45_000, 25_000),
    ]
    assert statuses(book.oldest, book.middle, book.sale_debt) == ["open", "paid", "open"]
    assert balance(book.customer_id) == 75_000
    assert violations(database) == []


def test_paying_everything_closes_every_debt(
    database: DukanDatabase, payments: Payments, book: Book
) -> None:
    receipt = take(payments, book.customer_id, 150_000)
    assert receipt.new_balance_minor == 0 and len(receipt.lines) == 3
    assert payments.open_debts(book.customer_id) == []
    assert CustomerBalance.get_by_id(book.customer_id).oldest_due is None
    assert violations(database) == []


def test_the_oldest_due_date_moves_on_as_debts_are_paid(payments: Payments, book: Book) -> None:
    assert CustomerBalance.get_by_id(book.customer_id).oldest_due == date(2026, 10, 1)
    take(payments, book.customer_id, 50_000)
    assert CustomerBalance.get_by_id(book.customer_id).oldest_due == date(2026, 11, 1)


@pytest.mark.parametrize(
    ("amount", "money_format", "message"),
    [
        (150_001, CurrencyFormat(), "Only 1,500.00 is outstanding; take at most that."),
        (
            2_000_000,
            CurrencyFormat("DA", symbol_after=True, decimal_separator=",",
                           thousands_separator=" "),
            "Only 1 500,00 DA is outstanding; take at most that.",
        ),
        (0, CurrencyFormat(), "Enter an amount above zero."),
        (-5, CurrencyFormat(), "Enter an amount above zero."),
    ],
)  # fmt: skip
def test_a_wrong_amount_is_refused_and_nothing_is_written(
    database: DukanDatabase, book: Book, amount: int, money_format: CurrencyFormat, message: str
) -> None:
    payments = Payments(money_format=money_format, now=lambda: LATER)
    before = rows_written()
    with pytest.raises(ServiceError) as refused:
        take(payments, book.customer_id, amount)
    assert str(refused.value) == message
    with pytest.raises(ServiceError) as refused_preview:
        payments.preview(book.customer_id, amount)
    assert str(refused_preview.value) == message
    assert rows_written() == before
    assert balance(book.customer_id) == 150_000


def test_more_than_the_ticked_debts_owe_is_refused(payments: Payments, book: Book) -> None:
    with pytest.raises(ServiceError, match=r"^The ticked debts have only 800\.00 outstanding"):
        take(payments, book.customer_id, 80_001, book.oldest, book.middle)
    assert take(payments, book.customer_id, 80_000, book.oldest, book.middle).amount_minor


def test_a_ticked_debt_that_is_not_open_is_refused(payments: Payments, book: Book) -> None:
    take(payments, book.customer_id, 50_000)
    before = rows_written()
    with pytest.raises(ServiceError, match=rf"Debt {book.oldest} is not an open debt of Amina"):
        take(payments, book.customer_id, 100, book.oldest)
    assert rows_written() == before


def test_an_unknown_method_is_refused(payments: Payments, book: Book) -> None:
    with pytest.raises(ServiceError, match="cash, card or transfer"):
        payments.take(PaymentRequest(book.customer_id, 100, "return"))
    assert rows_written()[:2] == (0, 0)


def test_a_note_with_control_characters_is_refused(payments: Payments, book: Book) -> None:
    with pytest.raises(ServiceError, match="hidden control characters"):
        payments.take(PaymentRequest(book.customer_id, 100, "cash", note="by\x00son"))
    assert rows_written()[:2] == (0, 0)


def test_no_payment_from_a_customer_who_does_not_exist_or_owes_nothing(
    database: DukanDatabase, payments: Payments
) -> None:
    with pytest.raises(ServiceError, match="There is no customer number 999"):
        take(payments, 999, 100)
    karim = customer("Karim")
    with pytest.raises(ServiceError, match="Karim owes nothing: there is no open debt to pay"):
        take(payments, karim, 100)
    assert rows_written()[:2] == (0, 0)


def test_the_legacy_placeholder_cannot_pay_until_its_debts_are_assigned(
    database: DukanDatabase, payments: Payments
) -> None:
    holder = customer("Unassigned (legacy)")
    manual(holder, 10_000, date(2024, 1, 1))
    LegacyPlaceholder.create(id=1, customer=holder)
    before = rows_written()
    with pytest.raises(ServiceError, match="assign these debts to a customer first"):
        take(payments, holder, 100)
    with pytest.raises(ServiceError, match="assign these debts to a customer first"):
        payments.preview(holder, 100)
    assert rows_written() == before


def test_an_archived_customer_may_still_pay_what_they_owe(
    database: DukanDatabase, payments: Payments, book: Book
) -> None:
    Customer.update(is_deleted=True).where(Customer.id == book.customer_id).execute()
    receipt = take(payments, book.customer_id, 10_000)
    assert receipt.new_balance_minor == 140_000
    assert violations(database) == []


def test_a_merged_customer_is_sent_to_the_survivor(
    database: DukanDatabase, payments: Payments, book: Book
) -> None:
    survivor = customer("Amina B.")
    CustomerChanges(now=lambda: NOW).merge(survivor, book.customer_id, reason="same person")
    with pytest.raises(ServiceError, match="merged into another customer"):
        take(payments, book.customer_id, 100)
    assert take(payments, survivor, 100).customer_id == survivor


def test_the_payment_reads_the_debts_again_when_it_is_taken(payments: Payments, book: Book) -> None:
    """A preview made before another till took a payment is not what gets written."""
    preview = payments.preview(book.customer_id, 150_000)
    assert preview.balance_after_minor == 0
    Payments(now=lambda: LATER).take(PaymentRequest(book.customer_id, 20_000, "cash"))
    with pytest.raises(ServiceError, match=r"Only 1,300\.00 is outstanding"):
        take(payments, book.customer_id, 150_000)


def test_taking_a_payment_runs_a_handful_of_statements(
    database: DukanDatabase, payments: Payments
) -> None:
    """Ten debts cost no more statements than one: each table gets one INSERT."""
    amina = customer("Amina")
    for day in range(10):
        manual(amina, 1_000, date(2026, 1, 1) + timedelta(days=day))
    with traced(database) as statements:
        receipt = take(payments, amina, 9_500)
    assert len(receipt.lines) == 10
    reads = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    # The customer with their balance, and their open debts.
    assert len(reads) == 2, reads
    # The receipt, the payments and their audit rows (one statement each), BEGIN and COMMIT.
    assert len(statements) == 2 + 1 + 1 + 1 + 2, "\n".join(statements)


@contextmanager
def traced(database: DukanDatabase) -> Iterator[list[str]]:
    conn: sqlite3.Connection = database.sqlite_connection()
    statements: list[str] = []

    def seen(sql: str) -> None:
        # Each trigger a statement fires reports the statement again: count it once.
        if not statements or statements[-1] != sql:
            statements.append(sql)

    conn.set_trace_callback(seen)
    try:
        yield statements
    finally:
        conn.set_trace_callback(None)


# ----- preview and open debts -------------------------------------------------------------------


def test_the_preview_lists_every_open_debt_and_writes_nothing(
    payments: Payments, book: Book
) -> None:
    before = rows_written()
    preview = payments.preview(book.customer_id, 60_000)
    assert preview == PaymentPreview(
        customer_id=book.customer_id,
        amount_minor=60_000,
        lines=(
            PreviewLine(book.oldest, None, SEP_1, date(2026, 10, 1), 50_000, 50_000),
            PreviewLine(book.middle, None, OCT_2, date(2026, 11, 1), 30_000, 10_000),
            PreviewLine(book.sale_debt, book.sale_id, NOW, date(2026, 12, 21), 70_000, 0),
        ),
        balance_before_minor=150_000,
        balance_after_minor=90_000,
    )  # fmt: skip
    assert [ln.remaining_minor for ln in preview.lines] == [0, 20_000, 70_000]
    assert rows_written() == before


def test_the_preview_of_ticked_debts_shows_the_others_untouched(
    payments: Payments, book: Book
) -> None:
    preview = payments.preview(book.customer_id, 10_000, [book.sale_debt])
    assert [(ln.debt_id, ln.applied_minor) for ln in preview.lines] == [
        (book.oldest, 0),
        (book.middle, 0),
        (book.sale_debt, 10_000),
    ]


def test_open_debts_come_in_payment_order_with_what_is_still_owed(
    database: DukanDatabase, payments: Payments, book: Book
) -> None:
    undated = Debt.create(
        customer=book.customer_id, amount=900, created_at=datetime(2020, 1, 1), due_date=None
    ).id
    same_day_newer = manual(book.customer_id, 2_000, date(2026, 9, 15), date(2026, 10, 1))
    take(payments, book.customer_id, 10_000)
    owed = payments.open_debts(book.customer_id)
    assert [(debt.debt_id, debt.outstanding_minor) for debt in owed] == [
        (book.oldest, 40_000),
        (same_day_newer, 2_000),
        (book.middle, 30_000),
        (book.sale_debt, 70_000),
        (undated, 900),
    ]
    assert owed[0].created_at == datetime(2026, 9, 1)
    assert owed[-1].due_date is None


# ----- receipts and reprints --------------------------------------------------------------------


def test_a_reprint_says_what_the_first_print_did_whatever_happened_since(
    database: DukanDatabase, payments: Payments, book: Book
) -> None:
    first = take(payments, book.customer_id, 60_000)
    # Afterwards: more credit, a debt carried over from the paper book dated before the
    # receipt, another payment, and that payment reversed.
    sell([line(None, "Oil", 1, 5_000)], key="oil", customer_id=book.customer_id, tendered=0,
         on_account=True)  # fmt: skip
    manual(book.customer_id, 8_000, date(2026, 8, 1), date(2026, 8, 31))
    second = take(payments, book.customer_id, 25_000)
    payments.reverse_receipt(second.receipt_id, "typed the wrong amount")
    assert payments.receipt(first.receipt_id) == first
    assert payments.receipt(second.receipt_id) == replace(second, reversed=True)
    assert second.previous_balance_minor == 150_000 - 60_000 + 5_000 + 8_000
    assert violations(database) == []


def test_a_receipt_written_outside_the_payment_screen_is_reckoned_from_the_ledger(
    database: DukanDatabase, payments: Payments, book: Book
) -> None:
    receipt_id = PaymentReceipt.create(
        customer=book.customer_id, amount=60_000, method="cash", received_at=RECEIVED, operator=1
    ).id
    for debt_id, amount in ((book.oldest, 50_000), (book.middle, 10_000)):
        Payment.create(debt=debt_id, customer=book.customer_id, amount=amount, paid_at=RECEIVED,
                       method="cash", receipt_id=receipt_id)  # fmt: skip
    # Written in afterwards but dated the day before: with no record of what was printed, the
    # ledger's timestamps are all there is, so it counts as owed before the receipt.
    manual(book.customer_id, 8_000, TODAY)
    reprint = payments.receipt(receipt_id)
    assert (reprint.previous_balance_minor, reprint.new_balance_minor) == (158_000, 98_000)
    assert [(ln.debt_id, ln.applied_minor, ln.remaining_minor) for ln in reprint.lines] == [
        (book.oldest, 50_000, 0),
        (book.middle, 10_000, 20_000),
    ]
    assert violations(database) == []


def test_recent_receipts_come_newest_first(
    database: DukanDatabase, payments: Payments, book: Book
) -> None:
    karim = customer("Karim")
    manual(karim, 5_000, date(2026, 11, 1))
    first = take(payments, book.customer_id, 1_000)
    second = take(payments, karim, 2_000)
    third = take(payments, book.customer_id, 3_000)
    assert payments.recent_receipts(None) == [third, second, first]
    assert payments.recent_receipts(book.customer_id) == [third, first]
    assert payments.recent_receipts(None, limit=2) == [third, second]
    assert payments.recent_receipts(customer("Nobody")) == []


def test_an_unknown_receipt(payments: Payments, database: DukanDatabase) -> None:
    with pytest.raises(ServiceError, match="There is no payment receipt P-000042"):
        payments.receipt(42)


# ----- reversals --------------------------------------------------------------------------------


def test_reversing_a_receipt_reopens_its_debts_and_restores_the_balance(
    database: DukanDatabase, book: Book
) -> None:
    payments = Payments(now=lambda: LATER)
    receipt = take(payments, book.customer_id, 100_000)
    reversed_at = datetime(2026, 11, 22, 9, 20)
    undo = Payments(now=lambda: reversed_at)
    result = undo.reverse_receipt(receipt.receipt_id, "  typed 1000 instead of 100 ")
    assert result == replace(receipt, reversed=True)
    assert statuses(book.oldest, book.middle, book.sale_debt) == ["open", "open", "open"]
    assert [debt.outstanding_minor for debt in payments.open_debts(book.customer_id)] == [
        50_000, 30_000, 70_000,
    ]  # fmt: skip
    assert OpenDebt.select().where(OpenDebt.customer_id == book.customer_id).count() == 3
    assert balance(book.customer_id) == 150_000
    assert CustomerBalance.get_by_id(book.customer_id).oldest_due == date(2026, 10, 1)
    stored = list(PaymentReversal.select().order_by(PaymentReversal.id))
    assert [(r.reversed_at, r.operator.id, r.reason) for r in stored] == [
        (reversed_at, 1, "typed 1000 instead of 100")
    ] * 3
    entries = list(
        AuditEntry.select().where(AuditEntry.action == "payment_reversal").order_by(AuditEntry.id)
    )
    assert [(e.entity, e.entity_id, e.reason) for e in entries] == [
        ("debt", debt_id, "typed 1000 instead of 100")
        for debt_id in (book.oldest, book.middle, book.sale_debt)
    ]
    assert violations(database) == []


def test_a_payment_after_a_reversal_counts_afresh(
    database: DukanDatabase, payments: Payments, book: Book
) -> None:
    receipt = take(payments, book.customer_id, 50_000)
    payments.reverse_receipt(receipt.receipt_id, "wrong customer")
    take(payments, book.customer_id, 20_000)
    assert statuses(book.oldest) == ["open"]
    assert payments.open_debts(book.customer_id)[0].outstanding_minor == 30_000
    assert balance(book.customer_id) == 130_000
    assert violations(database) == []


def test_a_receipt_is_reversed_once(payments: Payments, book: Book) -> None:
    receipt = take(payments, book.customer_id, 50_000)
    payments.reverse_receipt(receipt.receipt_id, "wrong amount")
    before = rows_written()
    with pytest.raises(ServiceError, match=rf"Receipt {receipt.number} was already reversed"):
        payments.reverse_receipt(receipt.receipt_id, "again")
    assert rows_written() == before
    with pytest.raises(ServiceError, match="There is no payment receipt P-000099"):
        payments.reverse_receipt(99, "typo")


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Say why the payment is reversed."),
        ("   ", "Say why the payment is reversed."),
        ("bad\x00reason", "hidden control characters"),
        ("x" * 301, "too long"),
    ],
)
def test_a_reversal_needs_a_reason(
    payments: Payments, book: Book, reason: str, message: str
) -> None:
    receipt = take(payments, book.customer_id, 50_000)
    before = rows_written()
    with pytest.raises(ServiceError, match=message):
        payments.reverse_receipt(receipt.receipt_id, reason)
    assert rows_written() == before
    assert statuses(book.oldest) == ["paid"]


def test_a_payment_the_old_till_recorded_can_be_reversed_once(
    database: DukanDatabase, payments: Payments, book: Book
) -> None:
    legacy = Payment.create(debt=book.oldest, customer=book.customer_id, amount=50_000,
                            paid_at=datetime(2026, 10, 5, 12, 0), method="cash")  # fmt: skip
    assert statuses(book.oldest) == ["paid"]
    payments.reverse_payment(legacy.id, "never paid, the old till doubled it")
    assert statuses(book.oldest) == ["open"]
    assert balance(book.customer_id) == 150_000
    entry = AuditEntry.get(AuditEntry.action == "payment_reversal")
    assert (entry.entity_id, entry.reason) == (book.oldest, "never paid, the old till doubled it")
    assert violations(database) == []
    with pytest.raises(ServiceError, match=rf"Payment {legacy.id} was already reversed"):
        payments.reverse_payment(legacy.id, "again")
    with pytest.raises(ServiceError, match="Say why the payment is reversed"):
        payments.reverse_payment(legacy.id, " ")
    with pytest.raises(ServiceError, match="There is no payment number 999"):
        payments.reverse_payment(999, "typo")


def test_one_payment_of_a_receipt_is_reversed_with_its_whole_receipt(
    payments: Payments, book: Book
) -> None:
    receipt = take(payments, book.customer_id, 60_000)
    one = Payment.select().where(Payment.receipt_id == receipt.receipt_id).first()
    with pytest.raises(ServiceError, match=rf"reverse the whole receipt {receipt.number}\.$"):
        payments.reverse_payment(one.id, "wrong")
    assert PaymentReversal.select().count() == 0


def test_goods_returned_are_not_a_payment_to_reverse(
    database: DukanDatabase, payments: Payments, book: Book
) -> None:
    SaleReversals(now=lambda: NOW).void(book.sale_id, "wrong goods")
    returned = Payment.get(Payment.method == "return")
    with pytest.raises(ServiceError, match=rf"goods returned on sale {book.sale_id}, not money"):
        payments.reverse_payment(returned.id, "undo")
    assert PaymentReversal.select().count() == 0
    assert violations(database) == []


def test_a_payment_refunded_since_is_not_reversed(
    database: DukanDatabase, payments: Payments, book: Book
) -> None:
    """The refund handed the money back already; reversing would make it owed a second time."""
    receipt = take(payments, book.customer_id, 150_000)
    SaleReversals(now=lambda: LATER + timedelta(hours=1)).void(book.sale_id, "returned")
    with pytest.raises(ServiceError, match=rf"sale {book.sale_id} was refunded after it"):
        payments.reverse_receipt(receipt.receipt_id, "wrong amount")
    assert PaymentReversal.select().count() == 0
    assert violations(database) == []


# ----- properties -------------------------------------------------------------------------------


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    owed=st.lists(
        st.tuples(st.integers(1, 50_000), st.one_of(st.none(), st.integers(-90, 90))),
        min_size=1,
        max_size=6,
    ),
    data=st.data(),
)
def test_a_payment_lowers_the_balance_by_exactly_its_amount(
    database: DukanDatabase, owed: list[tuple[int, int | None]], data: st.DataObject
) -> None:
    somebody = customer("Somebody")
    for debt_amount, due in owed:
        due_date = None if due is None else TODAY + timedelta(days=due)
        Debt.create(customer=somebody, amount=debt_amount, created_at=NOW, due_date=due_date)
    amount = data.draw(st.integers(1, sum(debt_amount for debt_amount, _ in owed)))
    before = balance(somebody)
    receipt = take(Payments(now=lambda: LATER), somebody, amount)
    assert balance(somebody) == before - amount == receipt.new_balance_minor
    assert receipt.previous_balance_minor == before
    assert sum(ln.applied_minor for ln in receipt.lines) == amount
    assert sum(d.outstanding_minor for d in Payments().open_debts(somebody)) == before - amount
