"""Times the customer-aware upgrade (010 → latest) of a big shop file, backup included.

    .venv/bin/python bench/legacy_upgrade.py [--sales 200000] [--debts 60000]

Builds a version-010 file with the real migrator and plain SQL (messy payers as in
docs/legacy-schema.md), then runs the real migrator on it and reports the whole upgrade, each
migration, the longest silence between progress reports, and a raw baseline: the same file
copied with SQLite's backup API, the least any upgrade that backs up first can take.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from app.db.backup import write_backup
from app.db.migrator import Migrator, Progress
from app.paths import migrations_dir

FIRST_NAMES = ("Alice", "Хасан", "محمد", "Omar", "Lina", "李", "Zoë", "Karim", "Nadia", "Yusuf")
LAST_NAMES = ("Smith", "Benali", "Иванов", "الأمين", "O'Brien", "王", "Haddad", "Mansour")


def _typed_name(rng: random.Random, name: str) -> str:
    return rng.choice((name, name.upper(), name.lower(), f" {name} ", name.replace(" ", "  ")))


def _typed_phone(rng: random.Random, digits: str) -> str:
    national = "0" + digits
    return rng.choice(
        (
            national,
            f"{national[:4]} {national[4:7]} {national[7:]}",
            f"{national[:4]}-{national[4:7]}-{national[7:]}",
            "+213" + digits,
        )
    )


def build(
    path: Path,
    sales: int,
    debts: int,
    seed: int = 2024,
    *,
    products: int = 0,
    payment_parts: int = 1,
) -> None:
    """A version-010 file: `sales` sales of 1-4 lines, `debts` of them on credit, each paid in
    full, in half or not at all, in up to `payment_parts` payments; with `products`, a
    catalogue (its stock counted) that the lines sell from, else lines without a product."""
    Migrator(migrations_dir()).migrate(path, target=10)
    rng = random.Random(seed)
    catalogue = [
        (product_id, f"Product {product_id}", rng.randint(1, 400) * 50, rng.randint(0, 500))
        for product_id in range(1, products + 1)
    ]
    debtors = [
        (f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {n}", f"5{n:08d}")
        for n in range(max(1, debts // 4))
    ]
    credit = set(rng.sample(range(sales), debts))
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO settings (key, value) VALUES ('phone_region', 'DZ')")
        sale_rows: list[tuple[int, str, int, int, str | None, str | None]] = []
        item_rows: list[tuple[int, int | None, str, int, int]] = []
        debt_rows: list[tuple[int, int, int, str, str]] = []
        payment_rows: list[tuple[int, int, str]] = []
        for sale_id in range(1, sales + 1):
            prices = [rng.randint(1, 400) * 50 for _ in range(rng.choice((1, 2, 3, 4)))]
            total = sum(prices)
            sold_at = (
                f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 10:{sale_id % 60:02d}:00"
            )
            name = phone = None
            paid = total
            if sale_id - 1 in credit:
                paid = rng.choice((0, total // 2))
                person, digits = rng.choice(debtors)
                roll = rng.random()
                name = _typed_name(rng, person) if roll > 0.05 else None
                phone = _typed_phone(rng, digits) if 0.05 < roll < 0.7 else None
                debt_id = len(debt_rows) + 1
                debt_rows.append((debt_id, sale_id, total - paid, sold_at, sold_at[:10]))
                owed = total - paid
                for settled in rng.choice(((), (owed,), (owed // 2,))):
                    parts = 1 if payment_parts == 1 else rng.randint(1, payment_parts)
                    for amount in split_amount(rng, settled, parts):
                        payment_rows.append((debt_id, amount, sold_at))
            elif rng.random() < 0.05:
                name = _typed_name(rng, rng.choice(debtors)[0])
            sale_rows.append((sale_id, sold_at, total, paid, name, phone))
            if catalogue:
                for price in prices:
                    product_id, name, _price, _stock = catalogue[rng.randrange(products)]
                    item_rows.append((sale_id, product_id, name, 1, price))
            else:
                item_rows += [(sale_id, None, "Goods", 1, price) for price in prices]
        conn.executemany(
            "INSERT INTO sales (id, sold_at, total, paid, payer_name, payer_phone) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            sale_rows,
        )
        conn.executemany(
            "INSERT INTO products (id, name, price, stock, created_at) "
            "VALUES (?, ?, ?, ?, '2023-12-31 09:00:00')",
            catalogue,
        )
        conn.executemany(
            "INSERT INTO sale_items (sale_id, product_id, description, quantity, unit_price) "
            "VALUES (?, ?, ?, ?, ?)",
            item_rows,
        )
        conn.executemany(
            "INSERT INTO debts (id, sale_id, amount, created_at, due_date) VALUES (?, ?, ?, ?, ?)",
            debt_rows,
        )
        conn.executemany(
            "INSERT INTO payment_history (debt_id, amount, paid_at) VALUES (?, ?, ?)",
            payment_rows,
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


def split_amount(rng: random.Random, amount: int, parts: int) -> list[int]:
    """`amount` in at most `parts` positive amounts (one part: the amount itself)."""
    if amount <= 0:
        return []
    if parts == 1 or amount < parts:
        return [amount]
    cuts = sorted(set(rng.sample(range(1, amount), parts - 1)))
    return [b - a for a, b in itertools.pairwise([0, *cuts, amount])]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sales", type=int, default=200_000)
    parser.add_argument("--debts", type=int, default=60_000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="dukan-bench-") as scratch:
        path = Path(scratch) / "shop" / "dukan.db"
        path.parent.mkdir()
        began = time.perf_counter()
        build(path, args.sales, args.debts)
        print(
            f"built a version-010 file: {args.sales} sales, {args.debts} debts, "
            f"{path.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - began:.1f} s"
        )

        began = time.perf_counter()
        write_backup(path, Path(scratch) / "raw-copy.db")
        raw = time.perf_counter() - began

        reports: list[float] = []

        def progress(_: Progress) -> None:
            reports.append(time.perf_counter())

        began = time.perf_counter()
        report = Migrator(migrations_dir()).migrate(path, progress=progress)
        whole = time.perf_counter() - began
        moments = [began, *reports, began + whole]
        silence = max(b - a for a, b in itertools.pairwise(moments))

        for step in report.applied:
            print(f"  {step.file_name:<50} {step.duration_ms / 1000:6.2f} s")
        print(f"upgrade 010 → {report.to_version}, backup included: {whole:.2f} s")
        print(
            f"raw baseline (backup API copy of the same file): {raw:.2f} s "
            f"→ ratio {whole / raw:.1f}×"
        )
        print(f"longest wait between progress reports: {silence:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
