"""Times the credit book on the big file: debtors pages, totals, a 5,000-line statement and a
payment across 10 debts, each against raw sqlite3.

    .venv/bin/python bench/debts.py [--customers 100000] [--runs 100] [--db FILE]

Builds the customer data set (bench/customer_data.py: 100,000 customers, 85,581 debts, 123,067
payments) with today's date, or reuses `--db` when that file exists, and adds to it on a plain
`sqlite3` connection: a reminder for one overdue debtor in twenty (once); one customer,
"B-STATEMENT", whose last year holds exactly 5,000 statement lines (2,000 debts, 2,000 receipts
of one payment each, 800 payments of the old till without a receipt, 200 of those reversed;
once); and, on every run, fresh customers with 12 open debts of 10.00 each for the payments.

Then, through the real services on `open_database` (`DebtBook`, `Statements`, `Payments`) and
with hand-written SQL on a plain `sqlite3` connection to the same file (the "raw" column, the
physical limit of product.md §7), it times:

- debtors pages of 100 (oldest due first; largest outstanding first; overdue only; a search;
  a page 10,000 rows deep), each with its ageing, overdue amount and last reminder;
- the totals row over every debtor (a scan: every open debt's outstanding, by due date);
- the first page of the open debts by due date;
- the statement of "B-STATEMENT" over the last year;
- a payment of 95.00 across 10 open debts, committed: the receipt, 10 payment_history rows
  and 10 audit rows in one `BEGIN IMMEDIATE` transaction with `synchronous=FULL` in WAL. The
  two sides alternate run by run, each on a customer of its own.

Both sides must give the same result (the rows, balances and ageing shown, the statement's
balances, the rows a payment writes), or the benchmark stops. Medians of `--runs` runs after a
warm-up; operations over their aim get every statement the service ran, timed alone, with its
plan.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from app.db.database import open_database
from app.domain.ageing import Ageing
from app.services.debt_book import DebtBook, DebtorFilter, DebtorRow, DebtorSort, DebtStatus
from app.services.payments import PaymentRequest, Payments
from app.services.statements import Statement, Statements

if __package__ in (None, ""):
    # Run as `python bench/debts.py`: the repository root makes `bench` a package.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.customer_data import DEFAULT_CUSTOMERS, build_customers
from bench.customers import median_ms, shortened, statements_of

# product.md §7 aims, and issue #6's acceptance ceilings.
PAGE_AIM_MS, PAGE_CEILING_MS = 5.0, 100.0
STATEMENT_AIM_MS, STATEMENT_CEILING_MS = 20.0, 50.0
PAYMENT_AIM_MS, PAYMENT_CEILING_MS = 3.0, 15.0
PAGE = 100
DEEP_ROWS = 10_000
SEARCH = "moh"
OPERATOR_ID = 1

STATEMENT_NUMBER = "B-STATEMENT"
STATEMENT_DEBTS, STATEMENT_RECEIPTS, STATEMENT_OLD_PAYMENTS, STATEMENT_REVERSED = (
    2_000,
    2_000,
    800,
    200,
)
PAYER_DEBTS = 12
PAYER_DEBT_MINOR = 1_000
PAYMENT_MINOR = 9 * PAYER_DEBT_MINOR + PAYER_DEBT_MINOR // 2  # nine debts and half the tenth
PAYMENT_WARM_UP = 5
REMINDED_ONE_IN = 20


# ----- the extra rows ---------------------------------------------------------------------


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def add_statement_customer(conn: sqlite3.Connection, today: date) -> int:
    """The customer with 5,000 statement lines in the year before today (added once)."""
    found = conn.execute(
        "SELECT id FROM customers WHERE customer_number = ?", (STATEMENT_NUMBER,)
    ).fetchone()
    if found is not None:
        return int(found[0])
    start = datetime.combine(today - timedelta(days=364), datetime.min.time()).replace(hour=8)
    step = timedelta(days=360) / STATEMENT_DEBTS
    address = json.dumps(
        {"street": "4 Rue Larbi Ben M'hidi", "city": "Oran", "province": None,
         "postal_code": "31000", "country": "Algérie"},
        ensure_ascii=False,
    )  # fmt: skip
    customer = conn.execute(
        "INSERT INTO customers (customer_number, name, name_key, phone, billing_address, "
        "payment_terms, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 30, ?, ?)",
        (
            STATEMENT_NUMBER,
            "Grossiste Benali",
            "grossiste benali",
            "+213555000999",
            address,
            _stamp(start),
            _stamp(start),
        ),
    ).lastrowid
    debts = []
    for index in range(STATEMENT_DEBTS):
        made = start + step * index
        sale = None
        if index % 5:  # one in five typed in by hand
            sale = conn.execute(
                "INSERT INTO sales (sold_at, total, paid, customer_id) VALUES (?, ?, 0, ?)",
                (_stamp(made), 10_000, customer),
            ).lastrowid
            # A sale's total is its lines' (`check`): one line of goods, no product.
            conn.execute(
                "INSERT INTO sale_items (sale_id, description, quantity, unit_price) "
                "VALUES (?, 'Semoule 25 kg', 4, 2500)",
                (sale,),
            )
        debts.append(
            conn.execute(
                "INSERT INTO debts (sale_id, amount, created_at, due_date, customer_id, note) "
                "VALUES (?, 10000, ?, ?, ?, ?)",
                (
                    sale,
                    _stamp(made),
                    (made + timedelta(days=30)).date().isoformat(),
                    customer,
                    None if sale else "Paper book",
                ),
            ).lastrowid
        )
    for index, debt in enumerate(debts[:STATEMENT_RECEIPTS]):
        received_at = _stamp(start + step * index + timedelta(days=1))
        receipt = conn.execute(
            "INSERT INTO payment_receipts (customer_id, amount, method, received_at, "
            "operator_id) VALUES (?, 3000, 'cash', ?, ?)",
            (customer, received_at, OPERATOR_ID),
        ).lastrowid
        conn.execute(
            "INSERT INTO payment_history (debt_id, customer_id, amount, paid_at, method, "
            "receipt_id) VALUES (?, ?, 3000, ?, 'cash', ?)",
            (debt, customer, received_at, receipt),
        )
    for index, debt in enumerate(debts[:STATEMENT_OLD_PAYMENTS]):
        paid_at = start + step * index + timedelta(days=2)
        payment = conn.execute(
            "INSERT INTO payment_history (debt_id, customer_id, amount, paid_at) "
            "VALUES (?, ?, 1000, ?)",
            (debt, customer, _stamp(paid_at)),
        ).lastrowid
        if index < STATEMENT_REVERSED:
            conn.execute(
                "INSERT INTO payment_reversals (payment_id, reversed_at, operator_id, reason) "
                "VALUES (?, ?, ?, 'Counted twice')",
                (payment, _stamp(paid_at + timedelta(hours=1)), OPERATOR_ID),
            )
    return int(customer or 0)


def add_reminders(conn: sqlite3.Connection, today: date) -> None:
    """A reminder three days ago for one overdue debtor in twenty (added once)."""
    if conn.execute("SELECT 1 FROM reminders LIMIT 1").fetchone() is not None:
        return
    conn.execute(
        "INSERT INTO reminders (customer_id, reminded_at, overdue_amount, operator_id) "
        f"SELECT customer_id, ?, outstanding, ? FROM customer_balances "
        f"WHERE oldest_due < ? AND outstanding > 0 AND customer_id % {REMINDED_ONE_IN} = 0",
        (_stamp(datetime.combine(today, datetime.min.time()) - timedelta(days=3)),
         OPERATOR_ID, today.isoformat()),
    )  # fmt: skip


def add_payers(conn: sqlite3.Connection, today: date, count: int) -> list[int]:
    """`count` new customers, each owing 12 debts of 10.00, due 120 to 10 days ago."""
    midnight = datetime.combine(today, datetime.min.time())
    payers = []
    for index in range(count):
        made = _stamp(midnight - timedelta(days=160))
        payer = conn.execute(
            "INSERT INTO customers (name, name_key, created_at, updated_at) VALUES (?, ?, ?, ?)",
            (f"Payer {index}", f"payer {index}", made, made),
        ).lastrowid
        conn.executemany(
            "INSERT INTO debts (amount, created_at, due_date, customer_id, note) "
            "VALUES (?, ?, ?, ?, 'Paper book')",
            [
                (
                    PAYER_DEBT_MINOR,
                    _stamp(midnight - timedelta(days=150 - number * 10, hours=3)),
                    (today - timedelta(days=120 - number * 10)).isoformat(),
                    payer,
                )
                for number in range(PAYER_DEBTS)
            ],
        )
        payers.append(int(payer or 0))
    return payers


def add_credit_book(path: Path, today: date, payers: int) -> tuple[int, list[int]]:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("BEGIN IMMEDIATE")
        add_reminders(conn, today)
        statement_customer = add_statement_customer(conn, today)
        payer_ids = add_payers(conn, today, payers)
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return statement_customer, payer_ids


# ----- the raw side -----------------------------------------------------------------------

# What a debtors row shows: customer, outstanding, overdue, buckets, last reminded (text).
Shown = tuple[int, int, int, tuple[int, ...], str | None]

RAW_KEYS = """
SELECT b.customer_id, c.customer_number, c.name, c.phone, b.outstanding, b.oldest_due
FROM customer_balances b JOIN customers c ON c.id = b.customer_id
WHERE b.outstanding > 0 AND {where}
ORDER BY {order} LIMIT {limit}
"""
RAW_ORDER = {
    DebtorSort.OLDEST_DUE: ("b.oldest_due IS NOT NULL", "b.oldest_due, b.customer_id"),
    DebtorSort.OUTSTANDING: ("1", "b.outstanding DESC, b.customer_id DESC"),
}
# After a cursor: the rest of its tie, then the values past it.
RAW_AFTER = {
    DebtorSort.OLDEST_DUE: ("b.oldest_due = ? AND b.customer_id > ?", "b.oldest_due > ?"),
    DebtorSort.OUTSTANDING: ("b.outstanding = ? AND b.customer_id < ?", "b.outstanding < ?"),
}
# A page's open debts through the partial index of 015, each less the payments that stand.
RAW_OPEN = """
SELECT d.customer_id, d.due_date,
       d.amount - COALESCE((SELECT SUM(p.amount) FROM payment_history p
                            WHERE p.debt_id = d.id
                              AND NOT EXISTS (SELECT 1 FROM payment_reversals r
                                              WHERE r.payment_id = p.id)), 0)
FROM debts d INDEXED BY idx_debts_open_by_customer
WHERE d.status = 'open' AND d.customer_id IN ({ids})
"""
RAW_REMINDED = """
SELECT customer_id, MAX(reminded_at) FROM reminders WHERE customer_id IN ({ids})
GROUP BY customer_id
"""
# A prefix thousands of keys start with: walk the debtors in order, test each one's keys.
RAW_SEARCH = """
EXISTS (SELECT 1 FROM customer_search_keys k WHERE k.customer_id = b.customer_id
        AND k.key >= ? AND k.key < ? || char(1114111))
"""
RAW_TOTALS = "SELECT COUNT(*), SUM(outstanding) FROM customer_balances WHERE outstanding > 0"
RAW_BY_DUE_DATE = """
SELECT d.due_date,
       SUM(d.amount - COALESCE((SELECT SUM(p.amount) FROM payment_history p
                                WHERE p.debt_id = d.id
                                  AND NOT EXISTS (SELECT 1 FROM payment_reversals r
                                                  WHERE r.payment_id = p.id)), 0))
FROM debts d WHERE d.status = 'open' GROUP BY d.due_date
"""
RAW_OVERDUE_TOTALS = f"{RAW_TOTALS} AND oldest_due < ?"
RAW_OVERDUE_BY_DUE_DATE = """
SELECT d.due_date,
       SUM(d.amount - COALESCE((SELECT SUM(p.amount) FROM payment_history p
                                WHERE p.debt_id = d.id
                                  AND NOT EXISTS (SELECT 1 FROM payment_reversals r
                                                  WHERE r.payment_id = p.id)), 0))
FROM debts d JOIN customer_balances b ON b.customer_id = d.customer_id
WHERE d.status = 'open' AND b.outstanding > 0 AND b.oldest_due < ? GROUP BY d.due_date
"""
RAW_DEBT_IDS = """
SELECT id FROM debts WHERE status = 'open'
ORDER BY due_date IS NULL, due_date, created_at, id LIMIT 200
"""
RAW_DEBT_ROWS = """
SELECT d.id, d.amount - COALESCE((SELECT SUM(p.amount) FROM payment_history p
                                  WHERE p.debt_id = d.id
                                    AND NOT EXISTS (SELECT 1 FROM payment_reversals r
                                                    WHERE r.payment_id = p.id)), 0),
       c.customer_number, c.name
FROM debts d JOIN customers c ON c.id = d.customer_id WHERE d.id IN ({ids})
"""
RAW_OPENING = """
SELECT c.customer_number, c.name, c.phone, c.billing_address,
       (SELECT COALESCE(SUM(amount), 0) FROM debts
        WHERE customer_id = :c AND created_at < :since),
       (SELECT COALESCE(SUM(amount), 0) FROM payment_history
        WHERE customer_id = :c AND paid_at < :since),
       (SELECT COALESCE(SUM(p.amount), 0) FROM payment_history p
        JOIN payment_reversals r ON r.payment_id = p.id
        WHERE p.customer_id = :c AND r.reversed_at < :since)
FROM customers c WHERE c.id = :c
"""
# Every line of the range, a receipt's payments (and a receipt's reversal) as one, in order.
RAW_LINES = """
SELECT created_at AS at, 0 AS kind, id, amount AS debit, 0 AS credit FROM debts
WHERE customer_id = :c AND created_at >= :since AND created_at < :until
UNION ALL
SELECT MIN(paid_at), 1, MIN(id), 0, SUM(amount) FROM payment_history
WHERE customer_id = :c AND paid_at >= :since AND paid_at < :until
  AND receipt_id IS NOT NULL AND reversal_id IS NULL
GROUP BY receipt_id
UNION ALL
SELECT paid_at, 1, id, 0, amount FROM payment_history
WHERE customer_id = :c AND paid_at >= :since AND paid_at < :until
  AND receipt_id IS NULL AND reversal_id IS NULL AND method <> 'return'
UNION ALL
SELECT MIN(paid_at), 2, MIN(id), 0, SUM(amount) FROM payment_history
WHERE customer_id = :c AND paid_at >= :since AND paid_at < :until
  AND (reversal_id IS NOT NULL OR method = 'return')
GROUP BY COALESCE(reversal_id, -id)
UNION ALL
SELECT MIN(r.reversed_at), 3, MIN(r.id), SUM(p.amount), 0
FROM payment_reversals r JOIN payment_history p ON p.id = r.payment_id
WHERE p.customer_id = :c AND r.reversed_at >= :since AND r.reversed_at < :until
GROUP BY COALESCE(p.receipt_id, -r.id), r.reversed_at
ORDER BY 1, 2, 3
"""
RAW_PAYER = """
SELECT c.name, c.customer_number, b.outstanding
FROM customers c JOIN customer_balances b ON b.customer_id = c.id WHERE c.id = ?
"""
RAW_PAYER_DEBTS = """
SELECT d.id, d.amount - COALESCE((SELECT SUM(p.amount) FROM payment_history p
                                  WHERE p.debt_id = d.id
                                    AND NOT EXISTS (SELECT 1 FROM payment_reversals r
                                                    WHERE r.payment_id = p.id)), 0)
FROM debts d INDEXED BY idx_debts_open_by_customer
WHERE d.customer_id = ? AND d.status = 'open'
ORDER BY d.due_date IS NULL, d.due_date, d.created_at, d.id
"""


def _buckets(owed: Sequence[tuple[str | None, int]], today: date) -> tuple[int, tuple[int, ...]]:
    """Overdue and the four ageing buckets, by hand."""
    buckets = [0, 0, 0, 0]
    overdue = 0
    for due, outstanding in owed:
        days = 0 if due is None else max(0, (today - date.fromisoformat(due)).days)
        buckets[0 if days <= 30 else 1 if days <= 60 else 2 if days <= 90 else 3] += outstanding
        overdue += outstanding if days else 0
    return overdue, tuple(buckets)


class Raw:
    """The hand-written side, on its own connection with Dukan's pragmas."""

    def __init__(self, path: Path, today: date) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA busy_timeout = 10000")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.today = today

    def debtors(
        self,
        sort: DebtorSort,
        *,
        overdue_only: bool = False,
        search: str = "",
        after: tuple[Any, int] | None = None,
    ) -> list[Shown]:
        dated, order = RAW_ORDER[sort]
        where, params = [dated], []
        if overdue_only:
            where.append("b.oldest_due < ?")
            params.append(self.today.isoformat())
        if search:
            where.append(RAW_SEARCH)
            params.append(search)
            params.append(search)
        if after is None:
            sql = RAW_KEYS.format(where=" AND ".join(where), order=order, limit=PAGE)
            keys = self.conn.execute(sql, params).fetchall()
        else:
            # The rest of the tie, then what follows: two range scans on the sort's index.
            value, customer = after
            tie, past = RAW_AFTER[sort]
            keys = self.conn.execute(
                RAW_KEYS.format(where=" AND ".join([*where, tie]), order=order, limit=PAGE),
                [*params, value, customer],
            ).fetchall()
            keys += self.conn.execute(
                RAW_KEYS.format(
                    where=" AND ".join([*where, past]), order=order, limit=PAGE - len(keys)
                ),
                [*params, value],
            ).fetchall()
        ids = ", ".join(str(key[0]) for key in keys)
        owed: dict[int, list[tuple[str | None, int]]] = {key[0]: [] for key in keys}
        for customer, due, outstanding in self.conn.execute(RAW_OPEN.format(ids=ids)):
            owed[customer].append((due, outstanding))
        reminded = dict(self.conn.execute(RAW_REMINDED.format(ids=ids)).fetchall())
        shown = []
        for customer, _number, _name, _phone, outstanding, _oldest in keys:
            overdue, buckets = _buckets(owed[customer], self.today)
            shown.append((customer, outstanding, overdue, buckets, reminded.get(customer)))
        return shown

    def position(self, sort: DebtorSort, index: int) -> tuple[Any, int]:
        """Sort value and customer of the debtor at `index` (from 0) in `sort` order."""
        dated, order = RAW_ORDER[sort]
        sql = RAW_KEYS.format(where=dated, order=order, limit=f"1 OFFSET {index}")
        row = self.conn.execute(sql).fetchone()
        return row[5 if sort is DebtorSort.OLDEST_DUE else 4], int(row[0])

    def totals(self, *, overdue_only: bool = False) -> tuple[int, int, int, tuple[int, ...]]:
        if overdue_only:
            day = (self.today.isoformat(),)
            debtors, outstanding = self.conn.execute(RAW_OVERDUE_TOTALS, day).fetchone()
            by_due_date = self.conn.execute(RAW_OVERDUE_BY_DUE_DATE, day).fetchall()
        else:
            debtors, outstanding = self.conn.execute(RAW_TOTALS).fetchone()
            by_due_date = self.conn.execute(RAW_BY_DUE_DATE).fetchall()
        overdue, buckets = _buckets(by_due_date, self.today)
        return debtors, outstanding, overdue, buckets

    def open_debts(self) -> list[tuple[int, int]]:
        ids = [row[0] for row in self.conn.execute(RAW_DEBT_IDS)]
        rows = {
            row[0]: (row[0], row[1])
            for row in self.conn.execute(RAW_DEBT_ROWS.format(ids=", ".join(map(str, ids))))
        }
        return [rows[debt] for debt in ids]

    def statement(self, customer: int, start: date, end: date) -> tuple[int, int, int, int, int]:
        since = f"{start.isoformat()} 00:00:00"
        until = f"{(end + timedelta(days=1)).isoformat()} 00:00:00"
        params = {"c": customer, "since": since, "until": until}
        *_header, owed, paid, reversed_ = self.conn.execute(RAW_OPENING, params).fetchone()
        opening = balance = owed - paid + reversed_
        debits = credits = 0
        lines = []
        for at, kind, row_id, debit, credit in self.conn.execute(RAW_LINES, params):
            balance += debit - credit
            debits += debit
            credits += credit
            lines.append((at, kind, row_id, balance))
        return opening, balance, len(lines), debits, credits

    def take_payment(self, customer: int, amount: int) -> int:
        """The payment the service takes, by hand: the same reads and rows, one transaction."""
        execute = self.conn.execute
        now = _stamp(datetime.now())
        execute("BEGIN IMMEDIATE")
        try:
            _name, _number, balance = execute(RAW_PAYER, (customer,)).fetchone()
            lines, left = [], amount
            for debt, outstanding in execute(RAW_PAYER_DEBTS, (customer,)).fetchall():
                if left <= 0:
                    break
                applied = min(left, outstanding)
                lines.append((debt, outstanding, applied))
                left -= applied
            receipt = execute(
                "INSERT INTO payment_receipts (customer_id, amount, method, received_at, "
                "operator_id) VALUES (?, ?, 'cash', ?, ?)",
                (customer, amount, now, OPERATOR_ID),
            ).lastrowid
            execute(
                "INSERT INTO payment_history (debt_id, customer_id, amount, paid_at, method, "
                "receipt_id) VALUES " + ", ".join(["(?, ?, ?, ?, 'cash', ?)"] * len(lines)),
                [v for debt, _o, applied in lines for v in (debt, customer, applied, now, receipt)],
            )
            number = f"P-{receipt:06d}"
            audits = [
                (
                    now,
                    OPERATOR_ID,
                    debt,
                    json.dumps({"outstanding": owed, "customer_balance": balance}),
                    json.dumps(
                        {"receipt": number, "amount": applied, "method": "cash",
                         "outstanding": owed - applied, "customer_balance": balance - amount}
                    ),
                )
                for debt, owed, applied in lines
            ]  # fmt: skip
            execute(
                "INSERT INTO audit_log (at, operator_id, entity, entity_id, action, before_json,"
                " after_json) VALUES "
                + ", ".join(["(?, ?, 'debt', ?, 'payment', ?, ?)"] * len(audits)),
                [value for row in audits for value in row],
            )
        except BaseException:
            execute("ROLLBACK")
            raise
        execute("COMMIT")
        return int(receipt or 0)


def payment_written(conn: sqlite3.Connection, receipt: int) -> dict[str, Any]:
    """What one payment left in the file, without ids and times."""
    customer, amount = conn.execute(
        "SELECT customer_id, amount FROM payment_receipts WHERE id = ?", (receipt,)
    ).fetchone()
    payments = conn.execute(
        "SELECT p.amount, p.method, d.status FROM payment_history p JOIN debts d ON d.id = "
        "p.debt_id WHERE p.receipt_id = ? ORDER BY p.id",
        (receipt,),
    ).fetchall()
    audits = conn.execute(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'debt' AND action = 'payment' AND "
        "entity_id IN (SELECT debt_id FROM payment_history WHERE receipt_id = ?)",
        (receipt,),
    ).fetchone()[0]
    balance = conn.execute(
        "SELECT outstanding FROM customer_balances WHERE customer_id = ?", (customer,)
    ).fetchone()[0]
    return {"amount": amount, "payments": payments, "audits": audits, "balance": balance}


# ----- the comparisons --------------------------------------------------------------------


def shown(rows: Sequence[DebtorRow]) -> list[Shown]:
    return [
        (
            row.customer_id,
            row.outstanding_minor,
            row.overdue_minor,
            row.ageing.buckets_minor,
            None if row.last_reminded_at is None else _stamp(row.last_reminded_at),
        )
        for row in rows
    ]


def statement_summary(statement: Statement) -> tuple[int, int, int, int, int]:
    return (
        statement.opening_minor,
        statement.closing_minor,
        len(statement.lines),
        statement.total_debits_minor,
        statement.total_credits_minor,
    )


def totals_summary(ageing: Ageing, debtors: int, outstanding: int) -> tuple[Any, ...]:
    return debtors, outstanding, ageing.overdue_minor, ageing.buckets_minor


@dataclass(frozen=True, slots=True)
class Case:
    label: str
    service: Callable[[], object]
    raw: Callable[[], object]
    aim_ms: float | None  # None: no target, measured to be known
    ceiling_ms: float | None


def deep_cursor(book: DebtBook) -> object:
    """The cursor after the first DEEP_ROWS debtors by oldest due, followed page by page."""
    cursor = None
    for _page in range(DEEP_ROWS // PAGE):
        cursor = book.debtors(sort=DebtorSort.OLDEST_DUE, cursor=cursor, limit=PAGE).next_cursor
    return cursor


def read_cases(
    book: DebtBook, statements: Statements, raw: Raw, statement_customer: int, today: date
) -> list[Case]:
    oldest, largest = DebtorSort.OLDEST_DUE, DebtorSort.OUTSTANDING
    cursor = deep_cursor(book)
    after = raw.position(oldest, DEEP_ROWS - 1)
    second = book.debtors(sort=largest).next_cursor
    after_first = raw.position(largest, PAGE - 1)
    start = today - timedelta(days=364)

    def page(label: str, call: Callable[[], list[Shown]], hand: Callable[[], list[Shown]]) -> Case:
        return Case(label, call, hand, PAGE_AIM_MS, PAGE_CEILING_MS)

    return [
        page(
            f"debtors by oldest due, first {PAGE}",
            lambda: shown(book.debtors(sort=oldest).rows),
            lambda: raw.debtors(oldest),
        ),
        page(
            f"debtors by outstanding, first {PAGE}",
            lambda: shown(book.debtors(sort=largest).rows),
            lambda: raw.debtors(largest),
        ),
        page(
            f"debtors by outstanding, second {PAGE}",
            lambda: shown(book.debtors(sort=largest, cursor=second).rows),
            lambda: raw.debtors(largest, after=after_first),
        ),
        page(
            f"overdue debtors by oldest due, first {PAGE}",
            lambda: shown(book.debtors(sort=oldest, filter=DebtorFilter.OVERDUE).rows),
            lambda: raw.debtors(oldest, overdue_only=True),
        ),
        page(
            f'debtors "{SEARCH}" by outstanding, first {PAGE}',
            lambda: shown(book.debtors(sort=largest, search=SEARCH).rows),
            lambda: raw.debtors(largest, search=SEARCH),
        ),
        page(
            f"debtors by oldest due, after row {DEEP_ROWS:,}",
            lambda: shown(book.debtors(sort=oldest, cursor=cursor).rows),
            lambda: raw.debtors(oldest, after=after),
        ),
        Case(
            "totals row over every debtor",
            lambda: totals_summary((t := book.totals()).ageing, t.debtors, t.outstanding_minor),
            raw.totals,
            None,
            None,
        ),
        Case(
            "totals row over the overdue debtors",
            lambda: totals_summary(
                (t := book.totals(filter=DebtorFilter.OVERDUE)).ageing,
                t.debtors,
                t.outstanding_minor,
            ),
            lambda: raw.totals(overdue_only=True),
            None,
            None,
        ),
        Case(
            "open debts by due date, first 200",
            lambda: [(r.debt_id, r.outstanding_minor) for r in book.debts(status=DebtStatus.OPEN)],
            raw.open_debts,
            None,
            None,
        ),
        Case(
            "statement of 5,000 lines, one year",
            lambda: statement_summary(statements.statement(statement_customer, start, today)),
            lambda: raw.statement(statement_customer, start, today),
            STATEMENT_AIM_MS,
            STATEMENT_CEILING_MS,
        ),
    ]


def verdict(took: float, aim: float | None, ceiling: float | None) -> str:
    if aim is None or ceiling is None:
        return "(no target)"
    if took <= aim:
        return f"≤ {aim:g} ms ok"
    return (
        f"≤ {aim:g} ms over the aim, within the issue's {ceiling:g}"
        if took <= ceiling
        else (f"≤ {ceiling:g} ms OVER")
    )


def time_payments(
    payments: Payments, raw: Raw, payers: list[int], runs: int
) -> tuple[list[int], list[int]]:
    """Each side `runs` times, alternating run by run, each payment on a payer of its own."""
    owners = iter(payers)
    service_ns: list[int] = []
    raw_ns: list[int] = []
    for index in range(runs + PAYMENT_WARM_UP):
        request = PaymentRequest(next(owners), PAYMENT_MINOR, "cash")
        began = time.perf_counter_ns()
        payments.take(request)
        took = time.perf_counter_ns() - began
        customer = next(owners)
        began = time.perf_counter_ns()
        raw.take_payment(customer, PAYMENT_MINOR)
        raw_took = time.perf_counter_ns() - began
        if index >= PAYMENT_WARM_UP:
            service_ns.append(took)
            raw_ns.append(raw_took)
    return service_ns, raw_ns


def explain(
    conn: sqlite3.Connection, sql: str, params: Sequence[object], runs: int
) -> tuple[float, list[str]]:
    """The statement's own median time on the raw connection, and its plan."""
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
    took = median_ms(lambda: conn.execute(sql, params).fetchall(), max(5, runs // 10))
    return took, [f"  {took:7.3f} ms  {shortened(sql)}", *(f"               {s}" for s in plan)]


def percentile(times: Sequence[int], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] / 1e6


# ----- the run ----------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=DEFAULT_CUSTOMERS)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--db", type=Path, help="reuse this generated file, or build it here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="dukan-bench-") as scratch:
        path = args.db or Path(scratch) / "dukan.db"
        today = date.today()
        if not path.exists():
            built = build_customers(path, args.customers, today=today)
            print(
                f"built {built.customers:,} customers, {built.debts:,} debts, "
                f"{built.payments:,} payments: {path.stat().st_size / 1e6:.0f} MB in "
                f"{built.seconds:.1f} s"
            )
        began = time.perf_counter()
        payer_count = 2 * (args.runs + PAYMENT_WARM_UP) + 1
        statement_customer, payers = add_credit_book(path, today, payer_count)
        print(
            f"added the 5,000-line statement customer, reminders and {payer_count} payers "
            f"in {time.perf_counter() - began:.1f} s"
        )
        print(
            f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}; median of {args.runs} runs\n"
        )
        db = open_database(path)
        raw = Raw(path, today)
        try:
            report(
                path,
                raw,
                statement_customer=statement_customer,
                payers=payers,
                today=today,
                runs=args.runs,
            )
        finally:
            raw.conn.close()
            db.close()
    return 0


def report(
    path: Path, raw: Raw, *, statement_customer: int, payers: list[int], today: date, runs: int
) -> None:
    book = DebtBook(today=lambda: today)
    statements = Statements()
    slow: list[tuple[Case, float]] = []
    print(f"{'operation':<46} {'dukan ms':>9} {'raw ms':>8} {'ratio':>7}  target")
    for case in read_cases(book, statements, raw, statement_customer, today):
        if case.service() != case.raw():
            raise SystemExit(f"{case.label}: the service and the raw SQL disagree")
        service, hand = median_ms(case.service, runs), median_ms(case.raw, runs)
        judged = verdict(service, case.aim_ms, case.ceiling_ms)
        print(f"{case.label:<46} {service:9.3f} {hand:8.3f} {service / hand:6.1f}×  {judged}")
        if case.aim_ms is not None and service > case.aim_ms:
            slow.append((case, service))

    # One payment each way on twin payers, compared, before the timed ones.
    payments = Payments(now=datetime.now)
    first = payments.take(PaymentRequest(payers[-1], PAYMENT_MINOR, "cash"))
    twin = add_credit_book(path, today, 1)[1][0]
    mirrored = raw.take_payment(twin, PAYMENT_MINOR)
    if payment_written(raw.conn, first.receipt_id) != payment_written(raw.conn, mirrored):
        raise SystemExit("a payment: the service and the raw SQL wrote different rows")
    service_ns, raw_ns = time_payments(payments, raw, payers[:-1], runs)
    service, hand = statistics.median(service_ns) / 1e6, statistics.median(raw_ns) / 1e6
    label = "payment across 10 debts, committed"
    print(
        f"{label:<46} {service:9.3f} {hand:8.3f} {service / hand:6.1f}×  "
        f"{verdict(service, PAYMENT_AIM_MS, PAYMENT_CEILING_MS)}"
    )
    print(
        f"{'':<46} p95 {percentile(service_ns, 0.95):.3f} ms, raw p95 "
        f"{percentile(raw_ns, 0.95):.3f} ms"
    )

    for case, took in slow:
        explained = [
            explain(raw.conn, sql, params, runs) for sql, params in statements_of(case.service)
        ]
        in_sql = sum(statement_ms for statement_ms, _lines in explained)
        print(
            f"\n{case.label}: {took:.3f} ms, of which {in_sql:.3f} ms in its "
            f"{len(explained)} statements (each timed alone), with their plans:"
        )
        for _ms, lines in explained:
            print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
