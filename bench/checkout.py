"""Times the checkout of a 5-item credit sale, committed, on a big shop file, against raw sqlite3.

    .venv/bin/python bench/checkout.py [--runs 300] [--db FILE] [--profile]

Builds the customer data set (bench/customer_data.py, 100,000 customers with their debts and
payments), then adds a catalogue of 20,000 products, their stock counted by 'count' stock
moves, and 200,000 past sales of about 2.5 lines each (15 % to a customer, 40 % of those partly
on account, with their debts and audit rows), all in one transaction on a plain `sqlite3`
connection. `--db` reuses that file when it exists (adding the catalogue and the past sales if
it has no products yet, so the file of `customers.py` serves too). Every checkout made here
is committed: a reused file grows by about 2 × `--runs` + 150 sales each time.

Then it times `Checkout().complete` through `open_database`: a basket of 5 random products (1
to 3 of each), a random active customer without a credit limit, part of the total in cash and
the rest on account. That is one `BEGIN IMMEDIATE` transaction committed with
`synchronous=FULL` in WAL: the sale, its 5 lines (their stock moves and the products' stock by
trigger), the debt (the customer's balance by trigger) and the debt's audit row. "raw" writes
the same rows with hand-written SQL on a plain `sqlite3` connection to the same file with the
same pragmas: `BEGIN IMMEDIATE`, four INSERTs, `COMMIT`; the same triggers fire. One basket is
first written both ways and the rows compared: the benchmark stops if they differ.

The two sides run in alternating rounds of 50 (5 untimed runs after each switch of writer);
median and 95th percentile of `--runs` runs each. Every statement the service sends is listed
with its own time, and the time peewee spends building SQL; when the median is over the 3 ms
target (or with `--profile`), a cProfile of 100 checkouts follows.
"""

from __future__ import annotations

import argparse
import bisect
import cProfile
import io
import itertools
import json
import os
import platform
import pstats
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from app.db.database import DukanDatabase, open_database
from app.domain.basket import BasketLine, check_line
from app.services.checkout import Checkout, CheckoutRequest

if __package__ in (None, ""):
    # Run as `python bench/checkout.py`: the repository root makes `bench` a package.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bulk import filling_connection, staged_copy, triggers_set_aside
from bench.customer_data import DEFAULT_CUSTOMERS, build_customers

TARGET_MS = 3.0  # product.md §7
CEILING_MS = 15.0  # issue #5's acceptance ceiling
DEFAULT_PRODUCTS = 20_000
DEFAULT_SALES = 200_000
SEED = 2026
OPERATOR_ID = 1
BASKET_LINES = 5
ROUND_SIZE = 50  # timed runs of one side before the other writes
ROUND_WARM_UP = 5
PROFILED_RUNS = 100

# ----- the catalogue and the past sales ---------------------------------------------------

GOODS = (
    "Milk", "Bread", "Rice", "Sugar", "Coffee", "Tea", "Sunflower oil", "Olive oil", "Flour",
    "Pasta", "Yogurt", "Cheese", "Butter", "Eggs", "Soap", "Shampoo", "Water", "Orange juice",
    "Lemonade", "Biscuits", "Chocolate", "Tomato paste", "Beans", "Lentils", "Couscous",
    "Semolina", "Salt", "Black pepper", "Vinegar", "Detergent", "Tissues", "Toothpaste",
    "Sardines", "Tuna", "Jam", "Honey", "Dates", "Chickpeas", "Margarine", "Cornflakes",
)  # fmt: skip
BRANDS = (
    "Cevital", "Ifri", "Soummam", "Danone", "Elio", "Safina", "Amor Benamor", "Bimo",
    "Hamoud", "Lesieur", "Nestle", "Sim", "Matinal", "Tchin", "Cherifa", "Palmary",
    "Candia", "Mamie", "Saida", "Rouiba",
)  # fmt: skip
SIZES = ("100 g", "250 g", "500 g", "1 kg", "2 kg", "5 kg", "33 cl", "1 L", "1.5 L", "2 L")
VARIANTS = ("", " classic", " light", " family pack", " bio", " x6", " x12", " premium")
LINES_PER_SALE = (1, 2, 3, 4, 5)
LINES_PER_SALE_WEIGHTS = (30, 25, 20, 15, 10)  # 2.5 lines a sale
QUANTITIES = (1, 2, 3)
QUANTITY_WEIGHTS = (80, 15, 5)
CUSTOMER_SALE_SHARE = 0.15
CREDIT_SHARE_OF_CUSTOMER_SALES = 0.4
BARCODE_SHARE = 0.9
SALES_DAYS = 365  # the past sales fall in the year before today
COUNTED_DAYS_AGO = 400  # the stock count that opened the catalogue
LEFT_IN_STOCK = (1, 200)


@dataclass(frozen=True, slots=True)
class ShopDataSet:
    products: int
    sales: int
    items: int
    debts: int
    seconds: float


def _ean13(rng: random.Random, taken: set[str]) -> str:
    while True:
        digits = [6, 1, 3, *(rng.randrange(10) for _ in range(9))]  # 613: Algeria
        check = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
        code = "".join(map(str, digits)) + str(check)
        if code not in taken:
            taken.add(code)
            return code


@dataclass(slots=True)
class _PastSales:
    # id, sold_at, total, paid, tendered, customer_id, key, operator_id
    sales: list[tuple[object, ...]]
    items: list[tuple[int, int, str, int, int]]  # sale_id, product_id, description, qty, price
    # id, sale_id, customer_id, amount, created_at, due_date, note
    debts: list[tuple[object, ...]]
    audits: list[tuple[str, int, str]]  # at, debt_id, after_json
    sold: list[int]  # units sold of each product, by product id - 1


class _Shop:
    """Draws the catalogue and the past sales from one seeded random source."""

    def __init__(self, seed: int, today: date) -> None:
        self.rng = random.Random(seed)
        self.random = self.rng.random
        self.midnight = datetime.combine(today, datetime.min.time())

    def moment(self, days_ago: int) -> str:
        """A time in opening hours (08:00-20:00) `days_ago` days before today."""
        seconds = self.rng.randrange(8 * 3600, 20 * 3600)
        at = self.midnight - timedelta(days=days_ago) + timedelta(seconds=seconds)
        return at.strftime("%Y-%m-%d %H:%M:%S")

    def pick(self, cum_weights: Sequence[float]) -> int:
        return bisect.bisect(cum_weights, self.random() * cum_weights[-1])

    def catalogue(self, products: int) -> tuple[list[str], list[str | None], list[int]]:
        """Names, barcodes and prices of `products` products."""
        rng = self.rng
        combinations = list(itertools.product(GOODS, BRANDS, SIZES, VARIANTS))
        names = [
            f"{brand} {good}{variant} {size}"
            for good, brand, size, variant in rng.sample(combinations, products)
        ]
        taken: set[str] = set()
        barcodes = [_ean13(rng, taken) if self.random() < BARCODE_SHARE else None for _ in names]
        return names, barcodes, [rng.randrange(2, 2000) * 10 for _ in names]

    def past_sales(
        self,
        sales: int,
        *,
        names: list[str],
        prices: list[int],
        customers: list[tuple[int, int]],
        first_sale: int,
        first_debt: int,
        customer_share: float,
        credit_share: float,
    ) -> _PastSales:
        rng, rand, pick = self.rng, self.random, self.pick
        # A few products sell most: Zipf weights over the catalogue in a random order.
        popular = rng.sample(range(len(names)), len(names))
        popularity = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(names))))
        line_weights = list(itertools.accumulate(LINES_PER_SALE_WEIGHTS))
        quantity_weights = list(itertools.accumulate(QUANTITY_WEIGHTS))
        past = _PastSales([], [], [], [], [0] * len(names))
        times = sorted(self.moment(rng.randrange(1, SALES_DAYS + 1)) for _ in range(sales))
        for sale_id, sold_at in enumerate(times, start=first_sale):
            total = 0
            for _line in range(LINES_PER_SALE[pick(line_weights)]):
                index = popular[pick(popularity)]
                quantity = QUANTITIES[pick(quantity_weights)]
                past.items.append((sale_id, index + 1, names[index], quantity, prices[index]))
                past.sold[index] += quantity
                total += quantity * prices[index]
            customer_id = None
            paid, tendered = total, -(-total // 500) * 500  # cash rounded up to a note
            if rand() < customer_share:
                customer_id, terms = customers[rng.randrange(len(customers))]
                if rand() < credit_share:
                    paid = tendered = total * rng.randrange(0, 8) // 100 * 10
                    debt_id = first_debt + len(past.debts)
                    due = (datetime.fromisoformat(sold_at) + timedelta(days=terms)).date()
                    owed = total - paid
                    past.debts.append(
                        (
                            debt_id,
                            sale_id,
                            customer_id,
                            owed,
                            sold_at,
                            due.isoformat(),
                            f"Sale {sale_id}",
                        )
                    )
                    after = {
                        "sale_id": sale_id,
                        "customer_id": customer_id,
                        "amount": owed,
                        "due_date": due.isoformat(),
                    }
                    past.audits.append((sold_at, debt_id, json.dumps(after)))
            key = f"{rng.getrandbits(128):032x}"
            past.sales.append(
                (sale_id, sold_at, total, paid, tendered, customer_id, key, OPERATOR_ID)
            )
        return past


# What trg_sale_items_move_stock and trg_stock_moves_keep_stock write for each sale line.
SALE_MOVES = """
INSERT INTO stock_moves (product_id, quantity, kind, sale_item_id, moved_at)
SELECT i.product_id, -i.quantity, 'sale', i.id, s.sold_at
FROM sale_items i JOIN sales s ON s.id = i.sale_id
WHERE i.id >= ? AND i.product_id IS NOT NULL
ORDER BY i.id
"""
STOCK_AFTER_SALES = """
UPDATE products SET stock = stock - sold.quantity
FROM (SELECT product_id, SUM(quantity) AS quantity FROM sale_items
      WHERE id >= ? AND product_id IS NOT NULL GROUP BY product_id) AS sold
WHERE products.id = sold.product_id
"""


def add_shop(
    path: Path,
    products: int = DEFAULT_PRODUCTS,
    sales: int = DEFAULT_SALES,
    *,
    seed: int = SEED,
    today: date,
    customer_share: float = CUSTOMER_SALE_SHARE,
    credit_share: float = CREDIT_SHARE_OF_CUSTOMER_SALES,
) -> ShopDataSet:
    """Add a catalogue and a year of past sales to a migrated file with customers in it:
    `customer_share` of the sales name a customer, `credit_share` of those leave a debt."""
    began = time.perf_counter()
    shop = _Shop(seed, today)
    names, barcodes, prices = shop.catalogue(products)
    counted_at = shop.moment(COUNTED_DAYS_AGO)
    conn = filling_connection(path)
    try:
        customers = conn.execute(
            "SELECT id, payment_terms FROM customers WHERE NOT is_deleted "
            "AND id NOT IN (SELECT customer_id FROM legacy_placeholder) ORDER BY id"
        ).fetchall()
        first_sale = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM sales").fetchone()[0]
        first_debt = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM debts").fetchone()[0]
        past = shop.past_sales(
            sales,
            names=names,
            prices=prices,
            customers=customers,
            first_sale=first_sale,
            first_debt=first_debt,
            customer_share=customer_share,
            credit_share=credit_share,
        )
        # The opening count: what was sold since, and what is left.
        counts = [sold + shop.rng.randint(*LEFT_IN_STOCK) for sold in past.sold]

        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO products (id, barcode, name, price, created_at) VALUES (?, ?, ?, ?, ?)",
            zip(itertools.count(1), barcodes, names, prices, itertools.repeat(counted_at)),
        )
        staged_copy(
            conn,
            "stock_moves",
            "product_id, quantity, kind, moved_at, note",
            [
                (product_id, counted, "count", counted_at, f"counted {counted}, was 0")
                for product_id, counted in enumerate(counts, start=1)
            ],
        )
        staged_copy(
            conn,
            "sales",
            "id, sold_at, total, paid, tendered, customer_id, checkout_key, operator_id",
            past.sales,
        )
        first_item = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM sale_items").fetchone()[0]
        # A trigger program per line (a stock move, the product's stock) was most of the
        # build: the same rows are written in two statements instead, and `check` agrees.
        with triggers_set_aside(conn, "trg_sale_items_move_stock", "trg_stock_moves_keep_stock"):
            staged_copy(
                conn,
                "sale_items",
                "sale_id, product_id, description, quantity, unit_price",
                past.items,
            )
            conn.execute(SALE_MOVES, (first_item,))
            conn.execute(STOCK_AFTER_SALES, (first_item,))
        staged_copy(
            conn,
            "debts",
            "id, sale_id, customer_id, amount, created_at, due_date, note",
            past.debts,
        )
        conn.executemany(
            "INSERT INTO audit_log (at, operator_id, entity, entity_id, action, after_json) "
            f"VALUES (?, {OPERATOR_ID}, 'debt', ?, 'insert', ?)",
            past.audits,
        )
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return ShopDataSet(
        products, len(past.sales), len(past.items), len(past.debts), time.perf_counter() - began
    )


# ----- the raw side: the same rows, hand-written --------------------------------------------

RAW_SALE = (
    "INSERT INTO sales (sold_at, total, paid, tendered, customer_id, checkout_key, operator_id) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
RAW_ITEMS = (
    "INSERT INTO sale_items (sale_id, product_id, description, quantity, unit_price) VALUES "
)
# The due date is the customer's payment terms from today, read in the same statement.
RAW_DEBT = """
INSERT INTO debts (sale_id, customer_id, amount, status, created_at, due_date, note)
SELECT :sale, id, :amount, 'open', :now, date(:now, '+' || payment_terms || ' days'),
       'Sale ' || :sale
FROM customers WHERE id = :customer
"""
RAW_AUDIT = """
INSERT INTO audit_log (at, operator_id, entity, entity_id, action, before_json, after_json)
SELECT :now, :operator, 'debt', id, 'insert', NULL,
       json_object('sale_id', sale_id, 'customer_id', customer_id, 'amount', amount,
                   'due_date', due_date)
FROM debts WHERE id = :debt
"""


class Raw:
    """Hand-written SQL on its own connection with Dukan's pragmas."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA busy_timeout = 10000")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.commit_ns: list[int] = []

    def complete(self, request: CheckoutRequest) -> int:
        if request.customer_id is None or request.tendered_minor is None:
            raise ValueError("the raw side writes credit sales of a customer only")
        total = sum(line.amount_minor for line in request.lines)
        paid = min(request.tendered_minor, total)
        now = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        execute = self.conn.execute
        execute("BEGIN IMMEDIATE")
        try:
            sale = int(
                execute(
                    RAW_SALE,
                    (now, total, paid, request.tendered_minor, request.customer_id, request.key, 1),
                ).lastrowid
                or 0
            )
            items = [
                (sale, line.product_id, line.description, line.quantity, line.unit_price_minor)
                for line in request.lines
            ]
            execute(
                RAW_ITEMS + ", ".join(["(?, ?, ?, ?, ?)"] * len(items)),
                [value for item in items for value in item],
            )
            debt = execute(
                RAW_DEBT,
                {"sale": sale, "amount": total - paid, "now": now, "customer": request.customer_id},
            ).lastrowid
            execute(RAW_AUDIT, {"now": now, "operator": OPERATOR_ID, "debt": debt})
        except BaseException:
            execute("ROLLBACK")
            raise
        began = time.perf_counter_ns()
        execute("COMMIT")
        self.commit_ns.append(time.perf_counter_ns() - began)
        return sale


def written(conn: sqlite3.Connection, sale_id: int) -> dict[str, Any]:
    """What a checkout left in the file, without its ids, key and times."""
    sale = conn.execute(
        "SELECT total, paid, tendered, customer_id, operator_id, length(sold_at) FROM sales "
        "WHERE id = ?",
        (sale_id,),
    ).fetchall()
    items = conn.execute(
        "SELECT i.product_id, i.description, i.quantity, i.unit_price, m.product_id, m.quantity,"
        " m.kind, m.moved_at = s.sold_at FROM sale_items i JOIN sales s ON s.id = i.sale_id"
        " LEFT JOIN stock_moves m ON m.sale_item_id = i.id WHERE i.sale_id = ? ORDER BY i.id",
        (sale_id,),
    ).fetchall()
    debts = conn.execute(
        "SELECT d.id, d.customer_id, d.amount, d.status, d.created_at = s.sold_at,"
        " julianday(d.due_date) - julianday(date(s.sold_at)), d.note = 'Sale ' || s.id"
        " FROM debts d JOIN sales s ON s.id = d.sale_id WHERE d.sale_id = ?",
        (sale_id,),
    ).fetchall()
    audits = []
    for debt_id, *_rest in debts:
        for entity, action, operator, before, after in conn.execute(
            "SELECT entity, action, operator_id, before_json, after_json FROM audit_log"
            " WHERE entity = 'debt' AND entity_id = ?",
            (debt_id,),
        ):
            shown = json.loads(after)
            shown["sale_id"] = shown["sale_id"] == sale_id
            audits.append((entity, action, operator, before, shown))
    return {
        "sale": sale,
        "items": items,
        "debts": [rest for _debt_id, *rest in debts],
        "audit": audits,
    }


# ----- the requests -----------------------------------------------------------------------


class Baskets:
    """Random credit sales: 5 distinct active products, a customer without a credit limit."""

    def __init__(self, conn: sqlite3.Connection, seed: int) -> None:
        self.rng = random.Random(seed)
        self.products = conn.execute(
            "SELECT id, name, price FROM products WHERE is_active ORDER BY id"
        ).fetchall()
        self.customers = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM customers WHERE credit_limit IS NULL AND NOT is_deleted "
                "AND id NOT IN (SELECT customer_id FROM legacy_placeholder) ORDER BY id"
            )
        ]

    def next(self) -> CheckoutRequest:
        rng = self.rng
        lines = [
            BasketLine(product_id, name, rng.randint(1, 3), price)
            for product_id, name, price in rng.sample(self.products, BASKET_LINES)
        ]
        for line in lines:
            check_line(line)
        total = sum(line.amount_minor for line in lines)
        return CheckoutRequest(
            key=uuid.uuid4().hex,
            lines=lines,
            customer_id=rng.choice(self.customers),
            tendered_minor=total * rng.randint(1, 7) // 10 // 10 * 10,  # 10-70 % in cash
            on_account=True,
        )


# ----- timing -----------------------------------------------------------------------------


def percentile(times: Sequence[int], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] / 1e6


def timed_rounds(
    sides: Sequence[Callable[[CheckoutRequest], object]], baskets: Baskets, runs: int
) -> list[list[int]]:
    """Each side `runs` times, in alternating rounds; each round starts with untimed runs."""
    times: list[list[int]] = [[] for _ in sides]
    while len(times[-1]) < runs:
        for side, taken in zip(sides, times, strict=True):
            for _ in range(ROUND_WARM_UP):
                side(baskets.next())
            for _ in range(min(ROUND_SIZE, runs - len(taken))):
                request = baskets.next()
                began = time.perf_counter_ns()
                side(request)
                taken.append(time.perf_counter_ns() - began)
    return times


@dataclass(slots=True)
class Statement:
    sql: str
    ns: list[int]


@dataclass(slots=True)
class Breakdown:
    """Where the time of `runs` instrumented checkouts went (every figure a mean per checkout,
    so that the parts add up to the whole)."""

    runs: int
    statements: list[Statement]  # in the order sent, BEGIN first, each with its own times
    commit_ns: int = 0
    building_ns: int = 0  # peewee turning queries into SQL text (`Database.execute` less SQL)
    whole_ns: int = 0  # `Checkout.complete`, instrumented
    traced: int = 0  # SQLite statement starts in one checkout, trigger programs included

    def ms(self, ns: float) -> float:
        return ns / self.runs / 1e6

    @property
    def in_statements_ns(self) -> int:
        return sum(sum(statement.ns) for statement in self.statements)


def breakdown(db: DukanDatabase, checkout: Checkout, baskets: Baskets, runs: int) -> Breakdown:
    """Instrument peewee's database object (begin, execute, execute_sql, commit) for `runs`
    checkouts: every statement the service sends, with its own time (peewee's execute_sql,
    which steps to the first row), and the time peewee spends building each query's SQL."""
    found: dict[tuple[int, str], Statement] = {}
    spent = Breakdown(runs, [])
    order = 0
    plain = (db.begin, db.execute, db.execute_sql, db.commit)
    plain_begin, plain_execute, plain_execute_sql, plain_commit = plain

    def seen(sql: str, began: int) -> int:
        nonlocal order
        took = time.perf_counter_ns() - began
        found.setdefault((order, sql), Statement(sql, [])).ns.append(took)
        order += 1
        return took

    def begin(lock_type: str | None = None) -> None:
        began = time.perf_counter_ns()
        plain_begin(lock_type)
        seen(f"BEGIN {lock_type or 'IMMEDIATE'}", began)  # open_database's lock type

    in_sql = 0

    def execute_sql(sql: str, params: Any = None) -> Any:
        nonlocal in_sql
        began = time.perf_counter_ns()
        cursor = plain_execute_sql(sql, params)  # type: ignore[no-untyped-call]
        in_sql += seen(sql, began)
        return cursor

    def execute(query: Any, **options: Any) -> Any:
        began, before = time.perf_counter_ns(), in_sql
        cursor = plain_execute(query, **options)  # type: ignore[no-untyped-call]
        spent.building_ns += time.perf_counter_ns() - began - (in_sql - before)
        return cursor

    def commit() -> None:
        began = time.perf_counter_ns()
        plain_commit()
        spent.commit_ns += time.perf_counter_ns() - began

    traced: list[str] = []
    db.begin = begin  # type: ignore[method-assign]
    db.execute = execute  # type: ignore[method-assign]
    db.execute_sql = execute_sql  # type: ignore[method-assign]
    db.commit = commit  # type: ignore[method-assign]
    try:
        for run in range(runs):
            order = 0
            request = baskets.next()
            db.sqlite_connection().set_trace_callback(traced.append if run == 0 else None)
            began = time.perf_counter_ns()
            checkout.complete(request)
            spent.whole_ns += time.perf_counter_ns() - began
        db.sqlite_connection().set_trace_callback(None)
    finally:
        del db.begin, db.execute, db.execute_sql, db.commit  # back to the class's methods
    spent.statements, spent.traced = list(found.values()), len(traced)
    return spent


def shortened(sql: str) -> str:
    sql = re.sub(r"\s+", " ", sql)
    sql = _VALUES.sub(lambda m: f"{m[0].count('(')} × (…)", sql)
    return sql if len(sql) <= 150 else f"{sql[:100]} … {sql[-45:]}"


_VALUES = re.compile(r"\(\?(?:, \?)*\)(?:, \(\?(?:, \?)*\))+")


def profile(checkout: Checkout, baskets: Baskets, runs: int) -> str:
    requests = [baskets.next() for _ in range(runs)]
    profiler = cProfile.Profile()
    profiler.enable()
    for request in requests:
        checkout.complete(request)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(12)
    # Dukan's own steps and peewee's entry points, by time including what they call.
    stats.sort_stats("cumulative").print_stats(_STEPS, 30)
    return out.getvalue()


_STEPS = (
    r"checkout\.py|audit\.py|debtors\.py|basket\.py|settlement\.py|peewee\.py:\d+\("
    r"(create|get_or_none|get|scalar|exists|insert_many|execute|execute_sql|_execute|commit)\)"
)


# ----- the run ---------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=DEFAULT_CUSTOMERS)
    parser.add_argument("--products", type=int, default=DEFAULT_PRODUCTS)
    parser.add_argument("--sales", type=int, default=DEFAULT_SALES)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--db", type=Path, help="reuse this generated file, or build it here")
    parser.add_argument("--profile", action="store_true", help="profile even within the target")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="dukan-bench-") as scratch:
        path = args.db or Path(scratch) / "dukan.db"
        build(path, args)
        print(
            f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}; {args.runs} runs a side\n"
        )
        db = open_database(path)
        raw = Raw(path)
        try:
            report(db, raw, args.runs, args.profile)
        finally:
            raw.conn.close()
            db.close()
    return 0


def build(path: Path, args: argparse.Namespace) -> None:
    if not path.exists():
        built = build_customers(path, args.customers, today=date.today())
        print(
            f"built {built.customers:,} customers, {built.sales:,} sales, {built.debts:,} "
            f"debts, {built.payments:,} payments in {built.seconds:.1f} s"
        )
    with sqlite3.connect(path) as conn:
        has_products = conn.execute("SELECT EXISTS (SELECT 1 FROM products)").fetchone()[0]
    conn.close()
    if not has_products:
        shop = add_shop(path, args.products, args.sales, today=date.today())
        print(
            f"added {shop.products:,} products and {shop.sales:,} past sales with "
            f"{shop.items:,} lines and {shop.debts:,} debts in {shop.seconds:.1f} s"
        )
    with sqlite3.connect(path) as conn:
        counts = {
            table: conn.execute(f"SELECT MAX(rowid) FROM {table}").fetchone()[0] or 0
            for table in ("customers", "products", "sales", "sale_items", "stock_moves", "debts")
        }
    conn.close()
    print(
        ", ".join(f"{count:,} {table}" for table, count in counts.items())
        + f": {path.stat().st_size / 1e6:.0f} MB"
    )


def report(db: DukanDatabase, raw: Raw, runs: int, always_profile: bool) -> None:
    checkout = Checkout(operator_id=OPERATOR_ID)
    baskets = Baskets(raw.conn, SEED)

    # One basket both ways: the same rows, or the comparison means nothing.
    request = baskets.next()
    twin = CheckoutRequest(
        key=uuid.uuid4().hex,
        lines=request.lines,
        customer_id=request.customer_id,
        tendered_minor=request.tendered_minor,
        on_account=True,
    )
    by_service = written(raw.conn, checkout.complete(request).sale_id)
    by_hand = written(raw.conn, raw.complete(twin))
    if by_service != by_hand:
        raise SystemExit(f"the service and the raw SQL disagree:\n{by_service}\n{by_hand}")

    def service(request: CheckoutRequest) -> object:
        return checkout.complete(request)

    service_ns, raw_ns = timed_rounds([service, raw.complete], baskets, runs)
    median, hand = statistics.median(service_ns) / 1e6, statistics.median(raw_ns) / 1e6
    verdict = "ok" if median <= TARGET_MS else "over the aim"
    if median > CEILING_MS:
        verdict = "OVER issue #5's ceiling"
    print(f"{'5-item credit sale, committed':<32} {'median ms':>9} {'p95 ms':>8}")
    print(f"{'dukan (Checkout.complete)':<32} {median:9.3f} {percentile(service_ns, 0.95):8.3f}")
    print(f"{'raw sqlite3':<32} {hand:9.3f} {percentile(raw_ns, 0.95):8.3f}")
    print(
        f"ratio {median / hand:.1f}×; target ≤ {TARGET_MS:g} ms: {verdict} "
        f"(issue #5: ≤ {CEILING_MS:g} ms)"
    )
    commit = statistics.median(raw.commit_ns[-runs:]) / 1e6
    print(f"raw: of which COMMIT (the WAL's fsync) {commit:.3f} ms\n")

    spent = breakdown(db, checkout, baskets, ROUND_SIZE)
    print(
        f"the service sends {len(spent.statements) + 1} statements a checkout, BEGIN and "
        f"COMMIT included (the raw side 6); SQLite traced {spent.traced} statement starts, "
        f"triggers included. Mean of each over {spent.runs} instrumented checkouts:"
    )
    for statement in spent.statements:
        print(f"  {spent.ms(sum(statement.ns)):7.3f} ms  {shortened(statement.sql)}")
    print(f"  {spent.ms(spent.commit_ns):7.3f} ms  COMMIT")
    rest = spent.whole_ns - spent.in_statements_ns - spent.commit_ns - spent.building_ns
    print(
        f"a checkout, instrumented: {spent.ms(spent.whole_ns):.3f} ms = statements "
        f"{spent.ms(spent.in_statements_ns):.3f} + COMMIT {spent.ms(spent.commit_ns):.3f} + "
        f"peewee building SQL {spent.ms(spent.building_ns):.3f} + the rest of the Python "
        f"(models, rows, checks) {spent.ms(rest):.3f} ms"
    )
    if median > TARGET_MS or always_profile:
        print(f"\nprofile of {PROFILED_RUNS} checkouts:")
        print(profile(checkout, baskets, PROFILED_RUNS))


if __name__ == "__main__":
    sys.exit(main())
