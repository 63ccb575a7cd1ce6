"""A payment's reads and rows in fixed statements: the payer, their open debts, the writes."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from app.db.database import database_proxy
from app.db.fields import TIMESTAMP_FORMAT

# Plain statements instead of peewee's builder: a payment across ten debts spent as long
# building its five statements (and parsing each debt's time with strptime) as SQLite took
# to run and commit them.
_PAYER = """
SELECT c.name, c.customer_number, c.merged_into_id, b.outstanding, p.id
FROM customers c
LEFT JOIN customer_balances b ON b.customer_id = c.id
LEFT JOIN legacy_placeholder p ON p.customer_id = c.id
WHERE c.id = ?
"""

# The view counts only the payments that stand.
_OPEN_DEBTS = """
SELECT debt_id, sale_id, outstanding, due_date, created_at FROM open_debts WHERE customer_id = ?
"""

_RECEIPT = """
INSERT INTO payment_receipts (customer_id, amount, method, received_at, operator_id, note)
VALUES (?, ?, ?, ?, ?, ?)
"""

_PAYMENT_COLUMNS = "(debt_id, customer_id, amount, paid_at, method, note, receipt_id)"
# Rows per INSERT: 7 × 500 values stay far below SQLite's 32,766 bound variables however many
# debts one payment settles.
BATCH_ROWS = 500


def payer_row(customer_id: int) -> tuple[Any, ...] | None:
    """(name, number, merged into, balance, placeholder id) of the customer, if there is one."""
    found: tuple[Any, ...] | None = database_proxy.execute_sql(_PAYER, (customer_id,)).fetchone()
    return found


def open_debt_rows(customer_id: int) -> list[tuple[Any, ...]]:
    """(debt id, sale id, outstanding, due date text, created text) of each open debt."""
    rows: list[tuple[Any, ...]] = database_proxy.execute_sql(_OPEN_DEBTS, (customer_id,)).fetchall()
    return rows


def insert_receipt(
    *,
    customer_id: int,
    amount_minor: int,
    method: str,
    received_at: datetime,
    operator_id: int,
    note: str | None,
) -> int:
    """The new receipt's id."""
    cursor = database_proxy.execute_sql(
        _RECEIPT,
        (
            customer_id,
            _minor(amount_minor),
            method,
            received_at.strftime(TIMESTAMP_FORMAT),
            operator_id,
            note,
        ),
    )
    return int(cursor.lastrowid)


def insert_payments(
    *,
    customer_id: int,
    paid_at: datetime,
    method: str,
    note: str | None,
    receipt_id: int,
    applied: list[tuple[int, int]],
) -> None:
    """One payment_history row per (debt id, amount applied), up to BATCH_ROWS a statement."""
    stamp = paid_at.strftime(TIMESTAMP_FORMAT)
    for start in range(0, len(applied), BATCH_ROWS):
        batch = applied[start : start + BATCH_ROWS]
        values = [
            value
            for debt_id, amount in batch
            for value in (debt_id, customer_id, _minor(amount), stamp, method, note, receipt_id)
        ]
        database_proxy.execute_sql(_insert_payments(len(batch)), values)


@lru_cache(maxsize=32)
def _insert_payments(rows: int) -> str:
    """The INSERT of `rows` payments; one text per count, so SQLite keeps each prepared."""
    return f"INSERT INTO payment_history {_PAYMENT_COLUMNS} VALUES " + ", ".join(
        ["(?, ?, ?, ?, ?, ?, ?)"] * rows
    )


def _minor(amount: int) -> int:
    """Money goes in as integer minor units only, as MoneyField insists."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"money must be integer minor units, got {type(amount).__name__}")
    return amount
