"""Shared fixtures: offscreen Qt, a private data folder, databases built by the real migrator
and the shared proxy opened on one.

Also the few helpers that write credit rows the way the latest schema demands them.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

# Qt aborts without a display; this must be set before anything imports PySide6.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.db.database import DukanDatabase, open_database
from app.db.migrator import Migrator
from app.paths import DATA_DIR_VARIABLE, migrations_dir


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data folder, so nothing touches the real shop's files."""
    folder = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(folder))
    return folder


@pytest.fixture(scope="session")
def migrator() -> Migrator:
    return Migrator(migrations_dir())


@pytest.fixture(scope="session")
def latest_template(tmp_path_factory: pytest.TempPathFactory, migrator: Migrator) -> Path:
    """One database migrated to the latest version; tests copy it instead of migrating again."""
    path = tmp_path_factory.mktemp("template") / "latest.db"
    migrator.migrate(path)
    return path


@pytest.fixture
def database_path(tmp_path: Path, latest_template: Path) -> Iterator[Path]:
    """A private copy of a freshly migrated database (closed, no WAL beside it)."""
    path = tmp_path / "shop" / "dukan.db"
    path.parent.mkdir()
    shutil.copyfile(latest_template, path)
    yield path


@pytest.fixture
def database(database_path: Path) -> Iterator[DukanDatabase]:
    """The shared proxy pointed at the test's migrated file, closed after the test."""
    db = open_database(database_path)
    yield db
    db.close()


# ----- credit rows at the latest version ------------------------------------------------------


def add_debt(
    conn: sqlite3.Connection,
    sale_id: int | None,
    amount: int,
    *,
    due_date: str | None = None,
    status: str = "open",
    customer: str = "Amina",
) -> int:
    """A debt owed by a new customer; its sale, if any, becomes that customer's sale."""
    customer_id = conn.execute("INSERT INTO customers (name) VALUES (?)", (customer,)).lastrowid
    conn.execute("UPDATE sales SET customer_id = ? WHERE id = ?", (customer_id, sale_id))
    debt_id = conn.execute(
        "INSERT INTO debts (sale_id, amount, due_date, status, customer_id) VALUES (?, ?, ?, ?, ?)",
        (sale_id, amount, due_date, status, customer_id),
    ).lastrowid
    assert debt_id is not None
    return debt_id


def add_payment(conn: sqlite3.Connection, debt_id: int, amount: int) -> int:
    """A payment on a debt, carrying the debt's customer as the schema requires."""
    payment_id = conn.execute(
        "INSERT INTO payment_history (debt_id, amount, customer_id) "
        "VALUES (?, ?, (SELECT customer_id FROM debts WHERE id = ?))",
        (debt_id, amount, debt_id),
    ).lastrowid
    assert payment_id is not None
    return payment_id


def add_credit_sale(
    conn: sqlite3.Connection,
    customer_id: int,
    owed: int,
    *,
    sold_at: str = "2025-05-01 10:00:00",
    due: str | None = None,
    paid_back: int = 0,
    paid_at: str | None = None,
) -> int:
    """A one-item sale to an existing customer left wholly on credit, with `paid_back` of it
    paid at `paid_at` (the sale's time unless given). Returns the debt id."""
    sale_id = conn.execute(
        "INSERT INTO sales (sold_at, total, paid, customer_id) VALUES (?, ?, 0, ?)",
        (sold_at, owed, customer_id),
    ).lastrowid
    conn.execute(
        "INSERT INTO sale_items (sale_id, description, quantity, unit_price) "
        "VALUES (?, 'Groceries', 1, ?)",
        (sale_id, owed),
    )
    debt_id = conn.execute(
        "INSERT INTO debts (sale_id, amount, due_date, customer_id, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (sale_id, owed, due, customer_id, sold_at),
    ).lastrowid
    assert debt_id is not None
    if paid_back:
        conn.execute(
            "INSERT INTO payment_history (debt_id, amount, customer_id, paid_at) "
            "VALUES (?, ?, ?, ?)",
            (debt_id, paid_back, customer_id, paid_at or sold_at),
        )
    return debt_id
