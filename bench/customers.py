"""Times customer search and directory pages over 100k customers, against raw sqlite3.

    .venv/bin/python bench/customers.py [--customers 100000] [--runs 200] [--db FILE]

Builds the customer data set (bench/customer_data.py) with today's date, or reuses `--db` when
that file exists, then times each operation through the real services (`open_database` and
`CustomerDirectory`) and the same result fetched with hand-written SQL on a plain `sqlite3`
connection to the same file: the "raw" column, the physical limit (product.md §7). Each figure
is the median of `--runs` runs after a warm-up; the two sides must return the same customers,
balances and overdue amounts, or the benchmark stops. Operations slower than their target get
the plan of every statement the service ran printed below the table.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from app.db.database import open_database
from app.services.customer_directory import (
    PAGE_SIZE,
    SEARCH_LIMIT,
    CustomerDirectory,
    CustomerRow,
    CustomerSort,
    PageCursor,
)

if __package__ in (None, ""):
    # Run as `python bench/customers.py`: the repository root makes `bench` a package.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.customer_data import DEFAULT_CUSTOMERS, build_customers

SEARCH_TARGET_MS = 1.0  # product.md §7
SEARCH_CEILING_MS = 5.0  # issue #4's acceptance ceiling
PAGE_TARGET_MS = 3.0
DEEP_PAGE_POSITION = 50_000  # or half way, in a smaller data set
TYPED_NAME = "Mohamed Benali"
_AFTER_EVERY_KEY = "\U0010ffff"

# ----- the raw side: hand-written SQL, the same results -----------------------------------

# Balance, overdue (open debts past due, less what was paid on each) and last activity.
RAW_ROWS = """
SELECT c.id, c.customer_number, c.name, c.phone, b.outstanding,
       (SELECT COALESCE(SUM(d.amount - COALESCE(
                   (SELECT SUM(p.amount) FROM payment_history p WHERE p.debt_id = d.id), 0)), 0)
        FROM debts d
        WHERE d.customer_id = c.id AND d.status = 'open' AND d.due_date < :today),
       NULLIF(MAX(
           COALESCE((SELECT MAX(sold_at) FROM sales WHERE customer_id = c.id), ''),
           COALESCE((SELECT MAX(paid_at) FROM payment_history WHERE customer_id = c.id), ''),
           COALESCE((SELECT MAX(created_at) FROM debts WHERE customer_id = c.id), '')), ''),
       c.is_deleted
FROM customers c JOIN customer_balances b ON b.customer_id = c.id
WHERE c.id IN ({ids})
"""
RAW_KEYS = """
SELECT k.customer_id FROM customer_search_keys k JOIN customers c ON c.id = k.customer_id
WHERE k.key >= ? AND k.key < ? AND NOT c.is_deleted ORDER BY k.key
"""
RAW_NUMBER = "SELECT id FROM customers WHERE customer_number = ? COLLATE NOCASE"
ACTIVE = "FROM customers c JOIN customer_balances b ON b.customer_id = c.id WHERE NOT c.is_deleted"
# Keyset pages. A tie on the sort value is read separately (`= value AND id after`), then the
# values after it: SQLite seeks an index by both halves of `(value, id) > (?, ?)` only when
# `id` is not the rowid, and here it is (see the note printed with the plans).
RAW_PAGES: dict[CustomerSort, tuple[str, str, str]] = {
    CustomerSort.NAME: (
        f"SELECT c.id, c.name_key {ACTIVE} ORDER BY c.name_key, c.id LIMIT :n",
        f"SELECT c.id, c.name_key {ACTIVE} AND c.name_key = :v AND c.id > :id "
        "ORDER BY c.name_key, c.id LIMIT :n",
        f"SELECT c.id, c.name_key {ACTIVE} AND c.name_key > :v ORDER BY c.name_key, c.id LIMIT :n",
    ),
    CustomerSort.NUMBER: (
        f"SELECT c.id, c.customer_number {ACTIVE} "
        "ORDER BY c.customer_number COLLATE NOCASE LIMIT :n",
        "",  # numbers are unique: no ties
        f"SELECT c.id, c.customer_number {ACTIVE} AND c.customer_number > :v COLLATE NOCASE "
        "ORDER BY c.customer_number COLLATE NOCASE LIMIT :n",
    ),
    CustomerSort.BALANCE: (
        f"SELECT c.id, b.outstanding {ACTIVE} "
        "ORDER BY b.outstanding DESC, b.customer_id DESC LIMIT :n",
        f"SELECT c.id, b.outstanding {ACTIVE} AND b.outstanding = :v AND b.customer_id < :id "
        "ORDER BY b.outstanding DESC, b.customer_id DESC LIMIT :n",
        f"SELECT c.id, b.outstanding {ACTIVE} AND b.outstanding < :v "
        "ORDER BY b.outstanding DESC, b.customer_id DESC LIMIT :n",
    ),
}
# Where the deep page starts: the active customer at DEEP_PAGE_POSITION in each order.
RAW_POSITION = {
    CustomerSort.NAME: f"SELECT c.name_key, c.id {ACTIVE} ORDER BY c.name_key, c.id",
    CustomerSort.NUMBER: f"SELECT c.customer_number, c.id {ACTIVE} "
    "ORDER BY c.customer_number COLLATE NOCASE",
    CustomerSort.BALANCE: f"SELECT b.outstanding, c.id {ACTIVE} "
    "ORDER BY b.outstanding DESC, b.customer_id DESC",
}

# A directory row as both sides can give it: id, balance, overdue.
Shown = tuple[int, int, int]


class Raw:
    """The hand-written side, on its own connection with Dukan's pragmas."""

    def __init__(self, path: Path, today: date) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.today = today.isoformat()

    def rows(self, ids: Sequence[int]) -> list[Shown]:
        if not ids:
            return []
        sql = RAW_ROWS.format(ids=", ".join(str(i) for i in ids))
        found = {row[0]: (row[0], row[4], row[5]) for row in self.conn.execute(sql, self._day)}
        return [found[i] for i in ids]

    @property
    def _day(self) -> dict[str, str]:
        return {"today": self.today}

    def search(self, prefixes: Sequence[str], number: str | None) -> list[Shown]:
        found: dict[int, None] = {}
        if number is not None:
            for (customer_id,) in self.conn.execute(RAW_NUMBER, (number,)):
                found[customer_id] = None
        for prefix in prefixes:
            cursor = self.conn.execute(RAW_KEYS, (prefix, prefix + _AFTER_EVERY_KEY))
            while len(found) < SEARCH_LIMIT and (row := cursor.fetchone()) is not None:
                found.setdefault(row[0])
            cursor.close()
        return self.rows(list(found)[:SEARCH_LIMIT])

    def page(self, sort: CustomerSort, after: tuple[object, int] | None) -> list[Shown]:
        first, ties, rest = RAW_PAGES[sort]
        if after is None:
            keys = self.conn.execute(first, {"n": PAGE_SIZE}).fetchall()
        else:
            value, last_id = after
            keys = []
            if ties:
                keys = self.conn.execute(
                    ties, {"v": value, "id": last_id, "n": PAGE_SIZE}
                ).fetchall()
            if len(keys) < PAGE_SIZE:
                more = {"v": value, "n": PAGE_SIZE - len(keys)}
                keys += self.conn.execute(rest, more).fetchall()
        return self.rows([key[0] for key in keys])

    def position(self, sort: CustomerSort, index: int) -> tuple[Any, int]:
        value, customer_id = self.conn.execute(
            RAW_POSITION[sort] + " LIMIT 1 OFFSET ?", (index,)
        ).fetchone()
        return value, int(customer_id)


def shown(rows: Sequence[CustomerRow]) -> list[Shown]:
    return [(row.id, row.balance_minor, row.overdue_minor) for row in rows]


# ----- timing ----------------------------------------------------------------------------


def times_ms(call: Callable[[], object], runs: int) -> list[float]:
    """`runs` timings of `call`, in ms, after a warm-up."""
    for _ in range(min(5, runs)):
        call()
    times = []
    for _ in range(runs):
        began = time.perf_counter_ns()
        call()
        times.append((time.perf_counter_ns() - began) / 1e6)
    return times


def median_ms(call: Callable[[], object], runs: int) -> float:
    return statistics.median(times_ms(call, runs))


@dataclass(frozen=True, slots=True)
class Case:
    label: str
    service: Callable[[], list[Shown]]
    raw: Callable[[], list[Shown]]
    target_ms: float
    ceiling_ms: float


class _Statements(logging.Handler):
    """Collects the SQL peewee runs (it logs each statement at DEBUG on `peewee`)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seen: list[tuple[str, Sequence[object]]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.msg, tuple):
            self.seen.append(record.msg)


def statements_of(call: Callable[[], object]) -> list[tuple[str, Sequence[object]]]:
    logger = logging.getLogger("peewee")
    handler, level = _Statements(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        call()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return handler.seen


def explain(raw: Raw, sql: str, params: Sequence[object], runs: int) -> tuple[float, list[str]]:
    """The statement's own median time on the raw connection, and its plan."""
    plan = [row[3] for row in raw.conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
    took = median_ms(lambda: raw.conn.execute(sql, params).fetchall(), max(5, runs // 10))
    return took, [f"  {took:7.3f} ms  {shortened(sql)}", *(f"               {s}" for s in plan)]


def shortened(sql: str) -> str:
    sql = _PARAMETER_LIST.sub(lambda m: f"({m[0].count('?')} × ?)", sql)
    return sql if len(sql) <= 240 else f"{sql[:90]} … {sql[-140:]}"


_PARAMETER_LIST = re.compile(r"\(\?(?:, \?){4,}\)")


# ----- the run ---------------------------------------------------------------------------


def cases(directory: CustomerDirectory, raw: Raw) -> list[Case]:
    def search(typed: str, prefixes: Sequence[str], number: str | None = None) -> Case:
        return Case(
            f'search "{typed}", top {SEARCH_LIMIT}',
            lambda: shown(directory.search(typed)),
            lambda: raw.search(prefixes, number),
            SEARCH_TARGET_MS,
            SEARCH_CEILING_MS,
        )

    active = raw.conn.execute("SELECT COUNT(*) FROM customers WHERE NOT is_deleted").fetchone()
    deep_position = min(DEEP_PAGE_POSITION, active[0] // 2)

    def page(sort: CustomerSort, deep: bool) -> Case:
        after = raw.position(sort, deep_position - 1) if deep else None
        cursor = None if after is None else PageCursor(sort, after[0], after[1])
        where = f"after row {deep_position:,}" if deep else "first"
        return Case(
            f"page of {PAGE_SIZE} by {sort.value}, {where}",
            lambda: shown(directory.page(sort=sort, after=cursor).rows),
            lambda: raw.page(sort, after),
            PAGE_TARGET_MS,
            PAGE_TARGET_MS,
        )

    return [
        search("m", ["m"]),
        search("moh", ["moh"]),
        search("Haddad", ["haddad"]),
        search("иван", ["иван"]),
        search("0555 12", ["055512"]),
        search("+213 555 12", ["21355512"]),
        search("C-04242", ["c-04242"], number="C-04242"),
        page(CustomerSort.NAME, deep=False),
        page(CustomerSort.NAME, deep=True),
        page(CustomerSort.NUMBER, deep=False),
        page(CustomerSort.NUMBER, deep=True),
        page(CustomerSort.BALANCE, deep=False),
        page(CustomerSort.BALANCE, deep=True),
    ]


def keystrokes(directory: CustomerDirectory, raw: Raw, runs: int) -> list[tuple[str, float, float]]:
    """Each successive prefix of TYPED_NAME, as a cashier types it: (typed, dukan, raw)."""
    timed = []
    for end in range(1, len(TYPED_NAME) + 1):
        typed = TYPED_NAME[:end]
        prefixes = [" ".join(typed.casefold().split())]
        service = median_ms(lambda typed=typed: directory.search(typed), runs)
        hand = median_ms(lambda p=prefixes: raw.search(p, None), runs)
        timed.append((typed, service, hand))
    return timed


def verdict(took: float, target: float, ceiling: float) -> str:
    if took <= target:
        return "ok"
    return "over the aim, within the issue" if took <= ceiling else "OVER"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=DEFAULT_CUSTOMERS)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--db", type=Path, help="reuse this generated file, or build it here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="dukan-bench-") as scratch:
        path = args.db or Path(scratch) / "dukan.db"
        today = date.today()
        if not path.exists():
            built = build_customers(path, args.customers, today=today)
            print(
                f"built {built.customers:,} customers ({built.archived:,} archived, "
                f"{built.merged} merged), {built.search_keys:,} search keys, {built.sales:,} "
                f"sales, {built.debts:,} debts, {built.payments:,} payments: "
                f"{path.stat().st_size / 1e6:.0f} MB in {built.seconds:.1f} s"
            )
        print(
            f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}; median of {args.runs} runs\n"
        )
        db = open_database(path)
        raw = Raw(path, today)
        try:
            directory = CustomerDirectory(today=lambda: today)
            report(directory, raw, args.runs)
        finally:
            raw.conn.close()
            db.close()
    return 0


def report(directory: CustomerDirectory, raw: Raw, runs: int) -> None:
    slow: list[tuple[Case, float]] = []
    print(f"{'operation':<44} {'dukan ms':>9} {'raw ms':>8} {'ratio':>7}  target")
    for case in cases(directory, raw):
        if case.service() != case.raw():
            raise SystemExit(f"{case.label}: the service and the raw SQL disagree")
        service, hand = median_ms(case.service, runs), median_ms(case.raw, runs)
        judged = verdict(service, case.target_ms, case.ceiling_ms)
        print(
            f"{case.label:<44} {service:9.3f} {hand:8.3f} {service / hand:6.1f}×  "
            f"≤ {case.target_ms:g} ms {judged}"
        )
        if judged != "ok":
            slow.append((case, service))

    timed = keystrokes(directory, raw, max(10, runs // 4))
    service_times = [service for _typed, service, _raw in timed]
    raw_times = [hand for _typed, _service, hand in timed]
    worst = max(timed, key=lambda t: t[1])
    print(
        f"\ntyping {TYPED_NAME!r}, one search() per keystroke ({len(timed)} keystrokes):\n"
        f"  per keystroke: median {statistics.median(service_times):.3f} ms "
        f"(raw {statistics.median(raw_times):.3f} ms), slowest {worst[1]:.3f} ms at "
        f"{worst[0]!r}; whole name {sum(service_times):.2f} ms (raw {sum(raw_times):.2f} ms)"
    )
    print("  " + ", ".join(f"{typed!r} {service:.2f}" for typed, service, _raw in timed))

    for case, took in slow:
        explained = [explain(raw, sql, params, runs) for sql, params in statements_of(case.service)]
        in_sql = sum(statement_ms for statement_ms, _lines in explained)
        print(
            f"\n{case.label}: {took:.3f} ms, of which {in_sql:.3f} ms in its "
            f"{len(explained)} statements (each timed alone), with their plans:"
        )
        for _ms, lines in explained:
            print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
