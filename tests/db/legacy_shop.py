"""Version-010 shop files as the field has them: credit sales with payers typed every which way."""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app.db.migrator import Migrator

LEGACY_VERSION = 10


@dataclass(frozen=True, slots=True)
class LegacySale:
    """One sale; a credit sale (`paid < total`) also gets its debt and the later payments."""

    label: str  # the test's name for this sale (and its debt)
    payer_name: str | None = None
    payer_phone: str | None = None
    total: int = 10_000
    paid: int = 0
    payments: tuple[int, ...] = ()
    sold_at: str = "2024-01-10 10:00:00"

    @property
    def is_credit(self) -> bool:
        return self.paid < self.total


def cash(label: str, name: str | None, phone: str | None = None) -> LegacySale:
    """A sale paid in full, payer details and all (a regular who wanted a named receipt)."""
    return LegacySale(label, name, phone, paid=10_000)


@dataclass(frozen=True, slots=True)
class LegacyShop:
    path: Path
    sale_ids: dict[str, int]
    debt_ids: dict[str, int]


def build_legacy_shop(
    migrator: Migrator,
    path: Path,
    sales: list[LegacySale],
    *,
    region: str | None = "DZ",
) -> LegacyShop:
    """A file made by the real migrator up to 010, then rows written with plain SQL, as the
    version-010 program (or another program writing that schema) would have written them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    migrator.migrate(path, target=LEGACY_VERSION)
    conn = sqlite3.connect(path, isolation_level=None)
    sale_ids: dict[str, int] = {}
    debt_ids: dict[str, int] = {}
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("BEGIN IMMEDIATE")
        if region is not None:
            conn.execute("INSERT INTO settings (key, value) VALUES ('phone_region', ?)", (region,))
        for sale in sales:
            sale_id = _insert(
                conn,
                "INSERT INTO sales (sold_at, total, paid, payer_name, payer_phone) "
                "VALUES (?, ?, ?, ?, ?)",
                sale.sold_at,
                sale.total,
                sale.paid,
                sale.payer_name,
                sale.payer_phone,
            )
            _insert(
                conn,
                "INSERT INTO sale_items (sale_id, description, quantity, unit_price) "
                "VALUES (?, 'Goods', 1, ?)",
                sale_id,
                sale.total,
            )
            sale_ids[sale.label] = sale_id
            if not sale.is_credit:
                continue
            debt_id = _insert(
                conn,
                "INSERT INTO debts (sale_id, amount, created_at, due_date) VALUES (?, ?, ?, ?)",
                sale_id,
                sale.total - sale.paid,
                sale.sold_at,
                sale.sold_at[:10],
            )
            debt_ids[sale.label] = debt_id
            for amount in sale.payments:
                _insert(
                    conn,
                    "INSERT INTO payment_history (debt_id, amount, paid_at) VALUES (?, ?, ?)",
                    debt_id,
                    amount,
                    sale.sold_at,
                )
        conn.execute("COMMIT")
    finally:
        conn.close()
    return LegacyShop(path, sale_ids, debt_ids)


def _insert(conn: sqlite3.Connection, sql: str, *values: object) -> int:
    row_id = conn.execute(sql, values).lastrowid
    assert row_id is not None
    return row_id


# Regulars of a corner shop and the ways cashiers typed them. (names, phones) per person.
PEOPLE: tuple[tuple[tuple[str, ...], tuple[str | None, ...]], ...] = (
    (
        ("Alice Smith", "alice smith", " ALICE SMITH "),
        ("0555 123 456", "0555-123-456", "+213555123456"),
    ),
    (("Хасан", "ХАСАН", "хасан "), ("0661.00.11.22", "(0661) 00 11 22")),
    (("محمد الأمين", " محمد الأمين"), ("٠٥٥٠١٢٣٤٥٦", "0550123456")),  # Arabic-Indic digits
    (("O'Brien", "o'brien"), (None, "")),
    (("Ahmed",), ("0770 00 00 01",)),
    (("Ahmed", "AHMED"), ("0770 00 00 02",)),  # same name, another person
    (("李小龙", "李小龙 "), ("+86 138 0013 8000",)),
    (("Zoë 🛒", "ZOË 🛒"), (None,)),
)


def messy_sales(count: int, seed: int) -> list[LegacySale]:
    """`count` sales of a believable, badly typed year: mostly walk-ins, some credit."""
    rng = random.Random(seed)
    sales: list[LegacySale] = []
    for number in range(count):
        sold_at = (
            f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(8, 20):02d}:00:00"
        )
        total = rng.randint(1, 500) * 100
        kind = rng.random()
        names, phones = rng.choice(PEOPLE)
        name: str | None = rng.choice(names)
        phone = rng.choice(phones)
        label = f"s{number}"
        if kind < 0.5:  # a walk-in
            sales.append(LegacySale(label, total=total, paid=total, sold_at=sold_at))
        elif kind < 0.6:  # a regular paying cash, named on the receipt
            sales.append(LegacySale(label, name, phone, total=total, paid=total, sold_at=sold_at))
        else:
            paid = rng.choice([0, 0, total // 3])
            owed = total - paid
            payments = rng.choice([(), (owed,), (owed // 2,), (owed // 4, owed // 4)])
            if rng.random() < 0.1:
                name, phone = rng.choice([(None, None), ("  ", ""), (None, "-")])
            elif rng.random() < 0.3:
                phone = None
            sales.append(
                LegacySale(
                    label,
                    name,
                    phone,
                    total=total,
                    paid=paid,
                    payments=tuple(amount for amount in payments if amount > 0),
                    sold_at=sold_at,
                )
            )
    return sales
