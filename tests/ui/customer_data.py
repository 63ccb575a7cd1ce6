"""Customers, sales, debts and payments written straight into a test database file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.conftest import add_credit_sale as credit_sale


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
    """`tests.conftest.add_credit_sale` on the file, committed. Returns the debt id."""
    conn = sqlite3.connect(path)
    with conn:
        debt_id = credit_sale(
            conn, customer_id, owed, sold_at=sold_at, due=due, paid_back=paid_back
        )
    conn.close()
    return debt_id
