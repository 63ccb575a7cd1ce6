"""A small shop's credit book for the Debts tab tests, seen on one fixed day."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from app.domain.customer_form import CustomerDraft
from app.services.customer_changes import CustomerChanges
from app.services.debt_book import DebtBook
from app.services.reminders import Reminders
from app.ui.debts.debt_services import DebtServices
from tests.ui.customer_data import add_credit_sale

TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 10, 30)


@dataclass(frozen=True, slots=True)
class SmallShop:
    """Customer ids by first name. On TODAY:
    - Bilal owes 200.00 (300.00 due 2026-08-01, 100.00 paid back): 112 days late, 90+.
    - Amina owes 150.00: 50.00 due 2026-10-01 (51 days late, 31–60) and 100.00 not yet due.
    - Dina owes 75.00, due 2026-11-11: 10 days late, 0–30.
    - Chloé owes 20.00 with no due date: never overdue, 0–30.
    - Emre paid all he owed; Farid never bought on credit.
    """

    ids: dict[str, int]

    def __getitem__(self, name: str) -> int:
        return self.ids[name]


def small_shop(path: Path) -> SmallShop:
    changes = CustomerChanges(fallback_region="DZ", now=lambda: NOW)
    people = [
        ("Amina Benali", "0555 12 34 56"),
        ("Bilal Haddad", "0661 22 33 44"),
        ("Chloé Martin", ""),
        ("Dina Saleh", "0770 98 76 54"),
        ("Emre Yılmaz", ""),
        ("Farid Ouali", ""),
    ]
    ids = {
        name.split()[0]: changes.create(CustomerDraft(name=name, phone=phone))
        for name, phone in people
    }
    add_credit_sale(path, ids["Amina"], 10_000, sold_at="2026-10-31 09:00:00", due="2026-11-30")
    add_credit_sale(path, ids["Amina"], 5_000, sold_at="2026-09-01 09:00:00", due="2026-10-01")
    add_credit_sale(
        path,
        ids["Bilal"],
        30_000,
        sold_at="2026-07-02 11:00:00",
        due="2026-08-01",
        paid_back=10_000,
    )
    add_credit_sale(path, ids["Chloé"], 2_000, sold_at="2026-11-01 12:00:00", due=None)
    add_credit_sale(path, ids["Dina"], 7_500, sold_at="2026-10-12 15:00:00", due="2026-11-11")
    add_credit_sale(
        path, ids["Emre"], 4_000, sold_at="2026-10-01 10:00:00", due="2026-10-31", paid_back=4_000
    )
    return SmallShop(ids)


def services_on(today: date = TODAY, now: datetime = NOW) -> DebtServices:
    """The Debts tab's services, all reading the books as on `today`."""
    return DebtServices(
        book=DebtBook(today=lambda: today),
        reminders=Reminders(today=lambda: today, now=lambda: now),
    )


def add_legacy_debts(
    path: Path, typed: list[tuple[str | None, str | None, int | tuple[int, ...]]]
) -> list[int]:
    """One credit sale per (payer name, payer phone, amount) as the old till recorded them,
    with one debt per amount when several are given (the old till sometimes split one), all
    held by the legacy placeholder; returns the debt ids in order."""
    conn = sqlite3.connect(path)
    debt_ids = []
    with conn:
        holder = conn.execute(
            "INSERT INTO customers (name) VALUES ('Unassigned (legacy)')"
        ).lastrowid
        for position, (name, phone, amounts) in enumerate(typed):
            owed = (amounts,) if isinstance(amounts, int) else amounts
            sold_at = f"2024-01-{position + 1:02d} 10:00:00"
            sale_id = conn.execute(
                "INSERT INTO sales (sold_at, total, paid, payer_name, payer_phone, customer_id) "
                "VALUES (?, ?, 0, ?, ?, ?)",
                (sold_at, sum(owed), name, phone, holder),
            ).lastrowid
            for amount in owed:
                debt_id = conn.execute(
                    "INSERT INTO debts (sale_id, amount, due_date, customer_id, created_at) "
                    "VALUES (?, ?, NULL, ?, ?)",
                    (sale_id, amount, holder, sold_at),
                ).lastrowid
                assert debt_id is not None
                debt_ids.append(debt_id)
        # Marked last: from then on, no debt may be given to it.
        conn.execute("INSERT INTO legacy_placeholder (id, customer_id) VALUES (1, ?)", (holder,))
    conn.close()
    return debt_ids
