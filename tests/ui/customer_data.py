"""Customers, sales, debts and payments written straight into a test database file."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def insert_customers(path: Path, names: list[str], *, first_number: int = 1) -> list[int]:
    """Plain customers in one transaction (fast enough for hundreds); numbered C-00001 on."""
    conn = sqlite3.connect(path)
    ids = []
    with conn:
        for offset, name in enumerate(names):
            cursor = conn.execute(
                "INSERT INTO customers (name, name_key, customer_number) VALUES (?, ?, ?)",
                (name, name.casefold(), f"C-{first_number + offset:05d}"),
            )
            assert cursor.lastrowid is not None
            ids.append(cursor.lastrowid)
    conn.close()
    return ids


def add_credit_sale(
    path: Path,
    customer_id: int,
    owed: int,
    *,
    sold_at: str = "2025-05-01 10:00:00",
    due: str | None = None,
    paid_back: int = 0,
) -> int:
    """A sale of which `owed` was left on credit; `paid_back` of it already paid. Returns the
    debt id."""
    conn = sqlite3.connect(path)
    with conn:
        sale_id = conn.execute(
            "INSERT INTO sales (sold_at, total, paid, customer_id) VALUES (?, ?, 0, ?)",
            (sold_at, owed, customer_id),
        ).lastrowid
        debt_id = conn.execute(
            "INSERT INTO debts (sale_id, amount, due_date, customer_id, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (sale_id, owed, due, customer_id, sold_at),
        ).lastrowid
        if paid_back:
            conn.execute(
                "INSERT INTO payment_history (debt_id, amount, customer_id, paid_at) "
                "VALUES (?, ?, ?, ?)",
                (debt_id, paid_back, customer_id, sold_at),
            )
    conn.close()
    assert debt_id is not None
    return debt_id
