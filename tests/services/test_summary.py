"""Headline numbers: today's sales, the open credit book and customers, from the rows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.db.database import DukanDatabase, open_database
from app.db.migrator import Migrator
from app.db.tables import Customer, Debt, Payment, Sale
from app.paths import migrations_dir
from app.services.summary import CustomerSummary, DebtSummary, SalesSummary, SummaryService
from tests.db.legacy_shop import LegacySale, build_legacy_shop

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
