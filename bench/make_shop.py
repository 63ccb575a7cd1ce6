"""Makes the "big shop" file of product.md §7, or its version-010 twin, from a seed, and times it.

    .venv/bin/python bench/make_shop.py FILE [--scale 1] [--seed 2026] [--today YYYY-MM-DD]
    .venv/bin/python bench/make_shop.py FILE --legacy [--scale 1]

At `--scale 1`: 20,000 products, 100,000 customers (bench/customer_data.py: names in four
scripts, phones, archived and merged customers, their debts and payments), 1,000,000 sales
with about 2,500,000 lines (bench/checkout.py's past sales for most of them: a catalogue with
Zipf-weighted sales, counted stock), 300,000 debts whose due dates follow each customer's
terms, old ones mostly paid and recent ones less so, 600,000 payments, reminders and the
customer "B-STATEMENT" with 5,000 statement lines in the last year (bench/debts.py). Every
figure scales with `--scale` (0.01 for tests); the statement customer stays whole.

The file is made by the real migrator, then filled on a plain `sqlite3` connection with staged
copies. The schema's triggers keep balances, oldest due dates, debt status and the stock as
any writer's rows would, except for the sale lines' stock moves, which are written in one
set-based statement (a trigger program per line was most of the build); `python -m app
check --db FILE` is clean on the result. The same seed, scale and `--today` give the same
file.

`--legacy` makes a file at version 010 of the same size instead (bench/legacy_upgrade.py:
payers typed by hand, no customers), for the upgrade benchmark.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sqlite3
import sys
import time
from dataclasses import astuple, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):
    # Run as `python bench/make_shop.py`: the repository root makes `bench` a package.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.domain.customer_search import search_keys
from bench import checkout, debts, legacy_upgrade
from bench.bulk import filling_connection, staged_copy
from bench.customer_data import (
    DEFAULT_SEED,
    OLD_DEBT_OUTCOME_WEIGHTS,
    OUTCOMES,
    RECENT_DEBT_DAYS,
    RECENT_DEBT_OUTCOME_WEIGHTS,
    build_customers,
)


@dataclass(frozen=True, slots=True)
class Shape:
    """How many rows of each kind a shop file holds."""

    products: int
    customers: int
    sales: int
    items: int
    debts: int
    payments: int

    def scaled(self, factor: float) -> Shape:
        return Shape(*(max(1, round(count * factor)) for count in astuple(self)))


BIG_SHOP = Shape(
    products=20_000,
    customers=100_000,
    sales=1_000_000,
    items=2_500_000,
    debts=300_000,
    payments=600_000,
)
# The statement customer's rows (bench/debts.py), whatever the scale.
STATEMENT_SALES = debts.STATEMENT_DEBTS * 4 // 5
STATEMENT_PAYMENTS = debts.STATEMENT_RECEIPTS + debts.STATEMENT_OLD_PAYMENTS
# Of the past sales, this share names a customer; enough of those are on credit to make up
# the wanted number of debts.
CUSTOMER_SALE_SHARE = 0.4
LEGACY_SEED = 2024
LEGACY_PAYMENT_PARTS = 5  # a paid legacy debt took 1-5 payments: two a debt on average
PAYMENTS_SEED_OFFSET = 1


@dataclass(slots=True)
class MadeShop:
    """What was made: the rows in the file, its size, and how long each step took."""

    path: Path
    shape: Shape
    version: int
    megabytes: float
    steps: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return sum(self.steps.values())

    def summary(self) -> str:
        s = self.shape
        steps = ", ".join(f"{name} {took:.1f} s" for name, took in self.steps.items())
        return (
            f"{s.products:,} products, {s.customers:,} customers, {s.sales:,} sales, "
            f"{s.items:,} sale lines, {s.debts:,} debts, {s.payments:,} payments at version "
            f"{self.version:03d}: {self.megabytes:.0f} MB in {self.seconds:.1f} s ({steps})"
        )


def shape_of(path: Path) -> tuple[Shape, int]:
    """The rows in a shop file, and its schema version."""
    conn = sqlite3.connect(path)
    try:
        version = conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0]
        tables = ("products", "customers", "sales", "sale_items", "debts", "payment_history")
        # A legacy file (before 011) has no customers table: none made yet.
        counted = [
            conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            if table != "customers" or version >= 11
            else 0
            for table in tables
        ]
    finally:
        conn.close()
    shape = Shape(*counted)
    return shape, int(version)


def make_shop(path: Path, scale: float = 1.0, *, seed: int = DEFAULT_SEED, today: date) -> MadeShop:
    """Create `path` at the latest schema, filled to `BIG_SHOP` times `scale`."""
    if path.exists():
        raise FileExistsError(path)
    wanted = BIG_SHOP.scaled(scale)
    steps: dict[str, float] = {}

    began = time.perf_counter()
    people = build_customers(path, wanted.customers, seed=seed, today=today)
    steps["customers"] = time.perf_counter() - began

    began = time.perf_counter()
    past_sales = max(1, wanted.sales - people.sales - STATEMENT_SALES)
    more_debts = max(0, wanted.debts - people.debts - debts.STATEMENT_DEBTS)
    credit_share = min(1.0, more_debts / (past_sales * CUSTOMER_SALE_SHARE))
    first_debt = _next_id(path, "debts")
    checkout.add_shop(
        path,
        wanted.products,
        past_sales,
        seed=seed,
        today=today,
        customer_share=CUSTOMER_SALE_SHARE,
        credit_share=credit_share,
    )
    steps["catalogue and sales"] = time.perf_counter() - began

    began = time.perf_counter()
    more_payments = max(0, wanted.payments - people.payments - STATEMENT_PAYMENTS)
    rng = random.Random(seed + PAYMENTS_SEED_OFFSET)
    _pay_past_debts(path, first_debt, more_payments, rng, today)
    debts.add_credit_book(path, today, 0)  # reminders and the 5,000-line statement customer
    _add_missing_search_keys(path)
    steps["payments, reminders, statement"] = time.perf_counter() - began

    shape, version = shape_of(path)
    return MadeShop(path, shape, version, path.stat().st_size / 1e6, steps)


def make_legacy_shop(path: Path, scale: float = 1.0, *, seed: int = LEGACY_SEED) -> MadeShop:
    """Create `path` at version 010 with as many products, sales, lines, debts and payments."""
    if path.exists():
        raise FileExistsError(path)
    wanted = BIG_SHOP.scaled(scale)
    began = time.perf_counter()
    legacy_upgrade.build(
        path,
        wanted.sales,
        wanted.debts,
        seed,
        products=wanted.products,
        payment_parts=LEGACY_PAYMENT_PARTS,
    )
    steps = {"version-010 file": time.perf_counter() - began}
    shape, version = shape_of(path)
    return MadeShop(path, shape, version, path.stat().st_size / 1e6, steps)


def _next_id(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").fetchone()[0])
    finally:
        conn.close()


def _pay_past_debts(
    path: Path, first_debt: int, wanted: int, rng: random.Random, today: date
) -> None:
    """Payments on the debts from `first_debt` on, about `wanted` of them: old debts are
    mostly settled, recent ones less so (the weights of bench/customer_data.py), each in
    parts paid between the debt and today. The triggers settle the debts and the balances."""
    conn = filling_connection(path)
    try:
        # Ages in days from the start of `today`, so the seed alone fixes every payment.
        owed = conn.execute(
            "SELECT id, customer_id, amount, created_at, julianday(?) - julianday(created_at) "
            "FROM debts WHERE id >= ? ORDER BY id",
            (today.isoformat(), first_debt),
        ).fetchall()
        old = list(itertools.accumulate(OLD_DEBT_OUTCOME_WEIGHTS))
        recent = list(itertools.accumulate(RECENT_DEBT_OUTCOME_WEIGHTS))
        outcomes = [
            rng.choices(OUTCOMES, cum_weights=recent if age <= RECENT_DEBT_DAYS else old)[0]
            for *_debt, age in owed
        ]
        paying = sum(outcome != "unpaid" for outcome in outcomes) or 1
        # Parts a paying debt is paid in: uniform from 1 to twice the mean less one.
        most_parts = max(1, round(2 * wanted / paying) - 1)
        rows: list[tuple[int, int, int, str]] = []
        for (debt_id, customer_id, amount, created_at, age), outcome in zip(
            owed, outcomes, strict=True
        ):
            if outcome == "unpaid":
                continue
            settled = amount if outcome == "paid" else rng.randint(1, amount - 1)
            if settled <= 0:
                continue
            parts = legacy_upgrade.split_amount(rng, settled, rng.randint(1, most_parts))
            made = datetime.fromisoformat(created_at)
            moments = sorted(_moment_after(rng, made, age) for _ in parts)
            rows += [
                (debt_id, customer_id, part, at) for part, at in zip(parts, moments, strict=True)
            ]
        rows.sort(key=lambda row: row[3])
        conn.execute("BEGIN IMMEDIATE")
        staged_copy(conn, "payment_history", "debt_id, customer_id, amount, paid_at", rows)
        conn.execute("COMMIT")
    finally:
        conn.close()


def _moment_after(rng: random.Random, made: datetime, age_days: float) -> str:
    """A time between `made` and `age_days` after it."""
    return (made + timedelta(days=rng.random() * max(0.0, age_days))).strftime("%Y-%m-%d %H:%M:%S")


def _add_missing_search_keys(path: Path) -> None:
    """Search keys for customers written without them (the statement customer), as
    `CustomerChanges` would have stored them."""
    conn = filling_connection(path)
    try:
        people = conn.execute(
            "SELECT id, name, phone, customer_number FROM customers c WHERE NOT EXISTS "
            "(SELECT 1 FROM customer_search_keys k WHERE k.customer_id = c.id) ORDER BY id"
        ).fetchall()
        rows = [
            (key, customer_id)
            for customer_id, name, phone, number in people
            for key in search_keys(name, phone, number)
        ]
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO customer_search_keys (key, customer_id) VALUES (?, ?)", rows)
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path, help="the file to make (it must not exist)")
    parser.add_argument("--scale", type=float, default=1.0, help="1 for the benchmark")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=date.today(),
        help="the day the ages and due dates count from (default: today)",
    )
    parser.add_argument("--legacy", action="store_true", help="a version-010 file instead")
    args = parser.parse_args()
    if args.file.exists():
        parser.error(f"{args.file} exists; give a new file")
    if args.legacy:
        made = make_legacy_shop(args.file, args.scale, seed=args.seed or LEGACY_SEED)
    else:
        made = make_shop(args.file, args.scale, seed=args.seed or DEFAULT_SEED, today=args.today)
    print(f"{made.path}: {made.summary()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
