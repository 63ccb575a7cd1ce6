"""Headline numbers: today's sales, the open credit book and customers, as the rows say."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from peewee import fn

from app.db.database import DukanDatabase, open_database
from app.db.migrator import Migrator
from app.db.tables import (
    Customer,
    Debt,
    LegacyPlaceholder,
    OpenDebt,
    Payment,
    Sale,
    SaleItem,
)
from app.paths import migrations_dir
from app.services.payments import PaymentRequest, Payments
from app.services.sale_reversals import SaleReversals
from app.services.summary import CustomerSummary, DebtSummary, SalesSummary, SummaryService
from tests.db.legacy_shop import LegacySale, build_legacy_shop
from tests.services.book_rows import debt, make_placeholder, pay, reverse
from tests.services.till import customer, line, sell, violations

DAY = date(2026, 3, 14)


def _sale(sold_at: str, total: int, paid: int, due: str | None = None) -> int:
    """A cash sale, or a credit sale owed by a customer of its own."""
    customer = Customer.create(name="Amina") if total > paid else None
    sale = Sale.create(sold_at=sold_at, total=total, paid=paid, customer=customer)
    if customer is not None:
        Debt.create(
            sale=sale, customer=customer, amount=total - paid, due_date=due, created_at=sold_at
        )
    return int(sale.id)


def _pay(debt: Debt, amount: int, paid_at: str) -> None:
    Payment.create(debt=debt, customer=debt.customer, amount=amount, paid_at=paid_at)


def test_sales_on_counts_only_that_day(database: DukanDatabase) -> None:
    with database.atomic():
        _sale("2026-03-13 23:59:59", 700, 700)
        _sale("2026-03-14 00:00:00", 1000, 1000)
        _sale("2026-03-14 18:30:00", 2550, 550, due="2026-04-13")
        _sale("2026-03-15 00:00:00", 900, 900)
    expected = SalesSummary(count=2, total_minor=3550, paid_minor=1550)
    assert SummaryService().sales_on(DAY) == expected


def test_a_day_without_sales_is_all_zero(database: DukanDatabase) -> None:
    assert SummaryService().sales_on(DAY) == SalesSummary(0, 0, 0)


def test_open_debts_subtract_payments_and_split_overdue(database: DukanDatabase) -> None:
    with database.atomic():
        _sale("2026-01-02 10:00:00", 5000, 0, due="2026-02-01")  # overdue, partly paid
        _sale("2026-03-01 10:00:00", 3000, 1000, due="2026-03-31")  # not yet due
        _sale("2026-03-02 10:00:00", 400, 0, due=None)  # no due date: never overdue
        settled = _sale("2026-01-05 10:00:00", 800, 0, due="2026-01-20")
        _pay(Debt.get_by_id(1), 1500, "2026-02-10 09:00:00")
        _pay(Debt.get(Debt.sale == settled), 800, "2026-01-19 09:00:00")
    summary = SummaryService().open_debts(DAY)
    assert summary == DebtSummary(
        open_count=3, outstanding_minor=3500 + 2000 + 400, overdue_count=1, overdue_minor=3500
    )


def test_customers_count_real_ones_and_the_queue_apart(tmp_path: Path, migrator: Migrator) -> None:
    sales = [
        LegacySale("nadia", "Nadia", "0555 111 222", total=3_000, payments=(1_000,)),
        LegacySale("nadia-paid", "nadia", None, total=500, payments=(500,)),
        LegacySale("omar", "Omar", None, total=700, paid=700),  # cash: no customer
        LegacySale("blank", None, None, total=900, payments=(100,)),
        LegacySale("blank-paid", "  ", None, total=200, payments=(200,)),
    ]
    shop = build_legacy_shop(migrator, tmp_path / "shop" / "dukan.db", sales)
    Migrator(migrations_dir()).migrate(shop.path)
    db = open_database(shop.path)
    try:
        with db.atomic():
            Customer.create(name="Samir")  # owes nothing
            Customer.create(name="Gone", is_deleted=True)
        assert SummaryService().customers() == CustomerSummary(
            count=2, owing_count=1, waiting_count=1, waiting_minor=800
        )
    finally:
        db.close()


def test_a_new_shop_has_no_customers(database: DukanDatabase) -> None:
    assert SummaryService().customers() == CustomerSummary(0, 0, 0, 0)


# ----- the same numbers as every row added up ------------------------------------------------
# The summaries read maintained balances and an index of open debts by due date; these are the
# numbers as they were computed before, from every open debt with its payments and every
# customer's row, the reference the fast reads must equal on any book.


def debts_from_the_rows(today: date) -> DebtSummary:
    every = OpenDebt.select(
        fn.COUNT(OpenDebt.debt_id), fn.COALESCE(fn.SUM(OpenDebt.outstanding), 0)
    )
    count, outstanding = every.scalar(as_tuple=True)
    overdue_count, overdue = every.where(OpenDebt.due_date < today.isoformat()).scalar(
        as_tuple=True
    )
    return DebtSummary(int(count), int(outstanding), int(overdue_count), int(overdue))


def customers_from_the_rows() -> CustomerSummary:
    placeholder = LegacyPlaceholder.select(LegacyPlaceholder.customer)
    count = Customer.select().where(~Customer.is_deleted & Customer.id.not_in(placeholder)).count()
    owing = (
        OpenDebt.select(fn.COUNT(fn.DISTINCT(OpenDebt.customer_id)))
        .where(OpenDebt.customer_id.not_in(placeholder))
        .scalar()
    )
    waiting_count, waiting = (
        OpenDebt.select(fn.COUNT(OpenDebt.debt_id), fn.COALESCE(fn.SUM(OpenDebt.outstanding), 0))
        .where(OpenDebt.customer_id.in_(placeholder))
        .scalar(as_tuple=True)
    )
    return CustomerSummary(int(count), int(owing), int(waiting_count), int(waiting))


def assert_as_the_rows_say(today: date) -> DebtSummary:
    summary = SummaryService()
    debts = summary.open_debts(today)
    assert debts == debts_from_the_rows(today)
    assert summary.customers() == customers_from_the_rows()
    return debts


@dataclass(frozen=True, slots=True)
class DebtPlan:
    amount: int
    due_in_days: int | None  # from the day the summary is read; None: no due date
    payments: tuple[int, ...]  # parts of the amount, in thousandths, paid one after another
    reversed_payments: tuple[bool, ...]  # which of those payments were reversed later


@dataclass(frozen=True, slots=True)
class CustomerPlan:
    archived: bool
    debts: tuple[DebtPlan, ...]


debt_plans = st.builds(
    DebtPlan,
    amount=st.integers(1, 90_000),
    due_in_days=st.one_of(st.none(), st.integers(-400, 400)),
    payments=st.lists(st.integers(1, 700), max_size=3).map(tuple),
    reversed_payments=st.lists(st.booleans(), max_size=3).map(tuple),
)
customer_plans = st.builds(
    CustomerPlan, archived=st.booleans(), debts=st.lists(debt_plans, max_size=4).map(tuple)
)


def write_debts(customer_id: int, plans: tuple[DebtPlan, ...], today: date) -> None:
    created = datetime.combine(today, datetime.min.time()) - timedelta(days=30)
    for plan in plans:
        due = None if plan.due_in_days is None else today + timedelta(days=plan.due_in_days)
        debt_id = debt(customer_id, plan.amount, due=due, created=created, sale=False)
        left = plan.amount
        for part, reversed_later in zip(
            plan.payments, plan.reversed_payments + (False,) * 3, strict=False
        ):
            # Thousandths of the amount, at least 1 and never past what is left (the schema
            # refuses overpayment): some debts end settled, most partly paid.
            amount = min(left, max(1, plan.amount * part // 1_000))
            if amount == 0:
                break
            payment_id = pay(debt_id, amount, at=created + timedelta(days=1))
            left -= amount
            if reversed_later:
                reverse(payment_id, at=created + timedelta(days=2))
                left += amount


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    books=st.lists(customer_plans, max_size=8),
    queue=st.one_of(st.none(), st.lists(debt_plans, max_size=4).map(tuple)),
    today_shift=st.integers(-3, 3),
)
def test_the_summaries_equal_every_row_added_up_on_any_book(
    database: DukanDatabase,
    books: list[CustomerPlan],
    queue: tuple[DebtPlan, ...] | None,
    today_shift: int,
) -> None:
    """Random customers (some archived) with debts due before, on and after the day or never,
    partly paid, settled, reversed, and perhaps a legacy queue: each example is rolled back,
    so the next starts from an empty shop."""
    today = DAY + timedelta(days=today_shift)
    with database.atomic() as example:
        if queue is not None:
            holder = int(Customer.create(name="Unassigned (legacy)").id)
            write_debts(holder, queue, today)
            LegacyPlaceholder.create(id=1, customer=holder)
        for plan in books:
            made = int(Customer.create(name="Somebody", is_deleted=plan.archived).id)
            write_debts(made, plan.debts, today)
        assert violations(database) == []
        for day in (today, today - timedelta(days=200), today + timedelta(days=200)):
            assert_as_the_rows_say(day)
        example.rollback()


def test_the_summaries_equal_the_rows_after_sales_payments_voids_and_refunds(
    database: DukanDatabase,
) -> None:
    """Written by the real services: credit sales, a payment across debts, a receipt reversed,
    a void and a partial refund of credit sales, and the legacy queue."""
    make_placeholder()
    amina, bilal, chadi = (customer(name) for name in ("Amina", "Bilal", "Chadi"))
    sales = [
        sell(
            [line(None, "Rice", 2, 1_500), line(None, "Tea", 1, 400)],
            key=f"credit-{number}",
            customer_id=who,
            tendered=500,
            on_account=True,
        ).sale_id
        for number, who in enumerate((amina, amina, bilal, chadi))
    ]
    sell([line(None, "Bread", 3, 100)], key="walk-in", tendered=500)
    payments = Payments(now=lambda: datetime(2026, 11, 25, 9))
    payments.take(PaymentRequest(customer_id=amina, amount_minor=4_000, method="cash"))
    mistyped = payments.take(PaymentRequest(customer_id=bilal, amount_minor=900, method="card"))
    payments.reverse_receipt(mistyped.receipt_id, "typed wrong")
    reversals = SaleReversals(now=lambda: datetime(2026, 11, 26, 9))
    reversals.void(sales[3], "returned")
    rice = SaleItem.get((SaleItem.sale == sales[1]) & (SaleItem.description == "Rice"))
    reversals.refund(sales[1], {int(rice.id): 1}, "one bag came back")
    assert violations(database) == []
    for today in (date(2026, 11, 21), date(2026, 12, 21), date(2027, 6, 1)):
        assert_as_the_rows_say(today)


@pytest.mark.parametrize(
    ("today", "overdue_is_the_smaller_side"),
    [(date(2026, 3, 20), True), (date(2026, 5, 20), False)],
)
def test_either_side_of_the_day_can_be_the_one_added_up(
    database: DukanDatabase, today: date, overdue_is_the_smaller_side: bool
) -> None:
    """The payments are looked up on the smaller of overdue and not yet due, the other side
    being the total less it: both ways give the rows' numbers."""
    who = customer("Amina")
    created = datetime(2026, 3, 1, 9)
    for days, amount in ((10, 1_000), (40, 2_000), (45, 3_000), (50, 4_000), (None, 500)):
        due = None if days is None else created.date() + timedelta(days=days)
        debt_id = debt(who, amount, due=due, created=created)
        pay(debt_id, amount // 4, at=created + timedelta(days=1))
    debts = assert_as_the_rows_say(today)
    assert (debts.overdue_count <= debts.open_count - debts.overdue_count) is (
        overdue_is_the_smaller_side
    )
    assert debts.overdue_count == (1 if overdue_is_the_smaller_side else 4)
