"""A checkout's reads and rows in fixed statements: a basket recorded, products, the writes."""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from app.db.database import database_proxy
from app.db.fields import DATE_FORMAT, TIMESTAMP_FORMAT

# Plain statements instead of peewee's builder and model instances: a 5-item credit sale
# spent longer building its nine statements than SQLite took to run and commit them.
# The first debt of a sale is the one checkout wrote (a sale makes at most one).
_RECORDED = """
SELECT s.id, s.total, s.paid, s.tendered, s.customer_id, d.id, d.amount, d.due_date
FROM sales s
LEFT JOIN debts d ON d.id = (SELECT MIN(id) FROM debts WHERE sale_id = s.id)
WHERE s.checkout_key = ?
"""

_PRODUCTS = "SELECT p.id FROM json_each(?) AS wanted JOIN products p ON p.id = wanted.value"

_SALE = """
INSERT INTO sales (sold_at, total, paid, tendered, customer_id, checkout_key, operator_id)
VALUES (?, ?, ?, ?, ?, ?, ?)
"""

_DEBT = """
INSERT INTO debts (sale_id, customer_id, amount, status, created_at, due_date, note)
VALUES (?, ?, ?, 'open', ?, ?, ?)
"""

# Rows per INSERT: 5 × 500 values stay far below SQLite's 32,766 bound variables.
BATCH_ROWS = 500

ItemValues = tuple[int | None, str, int, int]  # product id, description, quantity, unit price


def recorded_sale(key: str) -> tuple[Any, ...] | None:
    """(sale id, total, paid, tendered, customer id, debt id, debt amount, due date text) of
    the sale recorded under a basket's key; the debt's three are None for a sale without."""
    found: tuple[Any, ...] | None = database_proxy.execute_sql(_RECORDED, (key,)).fetchone()
    return found


def existing_products(ids: set[int]) -> set[int]:
    """Those of `ids` still in the catalogue."""
    rows = database_proxy.execute_sql(_PRODUCTS, (json.dumps(sorted(ids)),)).fetchall()
    return {int(row[0]) for row in rows}


def insert_sale(
    *,
    sold_at: datetime,
    total_minor: int,
    paid_minor: int,
    tendered_minor: int | None,
    customer_id: int | None,
    key: str,
    operator_id: int,
) -> int:
    """The new sale's id."""
    cursor = database_proxy.execute_sql(
        _SALE,
        (
            sold_at.strftime(TIMESTAMP_FORMAT),
            _minor(total_minor),
            _minor(paid_minor),
            None if tendered_minor is None else _minor(tendered_minor),
            customer_id,
            key,
            operator_id,
        ),
    )
    return int(cursor.lastrowid)


def insert_sale_items(sale_id: int, items: list[ItemValues]) -> None:
    """The sale's lines, up to BATCH_ROWS a statement (the stock moves are the triggers')."""
    for start in range(0, len(items), BATCH_ROWS):
        batch = items[start : start + BATCH_ROWS]
        values = [
            value
            for product_id, description, quantity, price in batch
            for value in (sale_id, product_id, description, quantity, _minor(price))
        ]
        database_proxy.execute_sql(_insert_items(len(batch)), values)


def insert_sale_debt(
    *,
    sale_id: int,
    customer_id: int,
    amount_minor: int,
    created_at: datetime,
    due_date: date,
    note: str,
) -> int:
    """The new debt's id."""
    cursor = database_proxy.execute_sql(
        _DEBT,
        (
            sale_id,
            customer_id,
            _minor(amount_minor),
            created_at.strftime(TIMESTAMP_FORMAT),
            due_date.strftime(DATE_FORMAT),
            note,
        ),
    )
    return int(cursor.lastrowid)


@lru_cache(maxsize=32)
def _insert_items(rows: int) -> str:
    """The INSERT of `rows` lines; one text per count, so SQLite keeps each prepared."""
    return (
        "INSERT INTO sale_items (sale_id, product_id, description, quantity, unit_price) "
        "VALUES " + ", ".join(["(?, ?, ?, ?, ?)"] * rows)
    )


def _minor(amount: int) -> int:
    """Money goes in as integer minor units only, as MoneyField insists."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"money must be integer minor units, got {type(amount).__name__}")
    return amount
