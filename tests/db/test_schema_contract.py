"""Tests that a new file migrated to 010 has exactly the legacy schema of docs/legacy-schema.md."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.db.migrator import Migrator

LEGACY_VERSION = 10

# (name, type, notnull, default, pk) per column, copied from docs/legacy-schema.md.
COLUMNS: dict[str, list[tuple[str, str, int, str | None, int]]] = {
    "settings": [
        ("key", "TEXT", 0, None, 1),
        ("value", "TEXT", 1, None, 0),
    ],
    "products": [
        ("id", "INTEGER", 0, None, 1),
        ("barcode", "TEXT", 0, None, 0),
        ("name", "TEXT", 1, None, 0),
        ("price", "INTEGER", 1, None, 0),
        ("stock", "INTEGER", 1, "0", 0),
        ("is_active", "INTEGER", 1, "1", 0),
        ("created_at", "DATETIME", 1, "CURRENT_TIMESTAMP", 0),
    ],
    "sales": [
        ("id", "INTEGER", 0, None, 1),
        ("sold_at", "DATETIME", 1, "CURRENT_TIMESTAMP", 0),
        ("total", "INTEGER", 1, None, 0),
        ("paid", "INTEGER", 1, "0", 0),
        ("note", "TEXT", 0, None, 0),
        ("payer_name", "TEXT", 0, None, 0),
        ("payer_phone", "TEXT", 0, None, 0),
    ],
    "sale_items": [
        ("id", "INTEGER", 0, None, 1),
        ("sale_id", "INTEGER", 1, None, 0),
        ("product_id", "INTEGER", 0, None, 0),
        ("description", "TEXT", 1, None, 0),
        ("quantity", "INTEGER", 1, None, 0),
        ("unit_price", "INTEGER", 1, None, 0),
    ],
    "debts": [
        ("id", "INTEGER", 0, None, 1),
        ("sale_id", "INTEGER", 1, None, 0),
        ("amount", "INTEGER", 1, None, 0),
        ("status", "TEXT", 1, "'open'", 0),
        ("note", "TEXT", 0, None, 0),
        ("created_at", "DATETIME", 1, "CURRENT_TIMESTAMP", 0),
        ("due_date", "DATE", 0, None, 0),
    ],
    "payment_history": [
        ("id", "INTEGER", 0, None, 1),
        ("debt_id", "INTEGER", 1, None, 0),
        ("amount", "INTEGER", 1, None, 0),
        ("paid_at", "DATETIME", 1, "CURRENT_TIMESTAMP", 0),
        ("method", "TEXT", 1, "'cash'", 0),
        ("note", "TEXT", 0, None, 0),
    ],
}

# (child table, child column, parent table, parent column, on delete)
FOREIGN_KEYS = {
    ("sale_items", "sale_id", "sales", "id", "CASCADE"),
    ("sale_items", "product_id", "products", "id", "SET NULL"),
    ("debts", "sale_id", "sales", "id", "RESTRICT"),
    ("payment_history", "debt_id", "debts", "id", "CASCADE"),
}

INDEXES = {
    "idx_sales_sold_at": ("sales", ["sold_at"]),
    "idx_sale_items_sale_id": ("sale_items", ["sale_id"]),
    "idx_debts_sale_id": ("debts", ["sale_id"]),
    "idx_debts_status": ("debts", ["status"]),
    "idx_payment_history_debt_id": ("payment_history", ["debt_id"]),
}

ID_TABLES = ["products", "sales", "sale_items", "debts", "payment_history"]


@pytest.fixture(scope="module")
def legacy_template(tmp_path_factory: pytest.TempPathFactory, migrator: Migrator) -> Path:
    path = tmp_path_factory.mktemp("legacy") / "dukan.db"
    report = migrator.migrate(path, target=LEGACY_VERSION)
    assert report.to_version == LEGACY_VERSION
    return path


@pytest.fixture
def conn(legacy_template: Path, tmp_path: Path) -> Iterator[sqlite3.Connection]:
    path = tmp_path / "dukan.db"
    path.write_bytes(legacy_template.read_bytes())
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA foreign_keys = ON")
    try:
        yield connection
    finally:
        connection.close()


def _insert(conn: sqlite3.Connection, sql: str, *values: Any) -> int:
    row_id = conn.execute(sql, values).lastrowid
    assert row_id is not None
    return row_id


def _sale(conn: sqlite3.Connection, total: int = 1_000, paid: int = 0) -> int:
    return _insert(conn, "INSERT INTO sales (total, paid) VALUES (?, ?)", total, paid)


def _debt(conn: sqlite3.Connection, amount: int = 1_000) -> int:
    return _insert(
        conn, "INSERT INTO debts (sale_id, amount) VALUES (?, ?)", _sale(conn, amount), amount
    )


def _pay(conn: sqlite3.Connection, debt_id: int, amount: int) -> int:
    return _insert(
        conn, "INSERT INTO payment_history (debt_id, amount) VALUES (?, ?)", debt_id, amount
    )


def _status(conn: sqlite3.Connection, debt_id: int) -> str:
    status: str = conn.execute("SELECT status FROM debts WHERE id = ?", (debt_id,)).fetchone()[0]
    return status


def test_the_file_holds_exactly_the_documented_objects(conn: sqlite3.Connection) -> None:
    objects = set(
        conn.execute(
            "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        ).fetchall()
    )
    expected = (
        {("table", name) for name in COLUMNS}
        | {("table", "schema_migrations")}
        | {("index", name) for name in INDEXES}
        | {("trigger", "trg_payment_history_settle"), ("view", "open_debts")}
    )
    assert objects == expected


@pytest.mark.parametrize("table", sorted(COLUMNS))
def test_columns_match_the_documented_contract(conn: sqlite3.Connection, table: str) -> None:
    found = [tuple(row[1:]) for row in conn.execute(f"PRAGMA table_info({table})")]
    assert found == COLUMNS[table]


def test_foreign_keys_match_the_documented_contract(conn: sqlite3.Connection) -> None:
    found = set()
    for table in COLUMNS:
        for row in conn.execute(f"PRAGMA foreign_key_list({table})"):
            # id, seq, table, from, to, on_update, on_delete, match
            found.add((table, row[3], row[2], row[4], row[6]))
    assert found == FOREIGN_KEYS


def test_barcode_is_unique_but_may_be_missing(conn: sqlite3.Connection) -> None:
    unique_columns = [
        [info[2] for info in conn.execute(f"PRAGMA index_info('{index[1]}')")]
        for index in conn.execute("PRAGMA index_list(products)")
        if index[2] == 1
    ]
    assert unique_columns == [["barcode"]]
    insert = "INSERT INTO products (barcode, name, price) VALUES (?, ?, ?)"
    conn.execute(insert, ("123", "Tea", 100))
    conn.execute(insert, (None, "Bread", 50))
    conn.execute(insert, (None, "Eggs", 70))
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        conn.execute(insert, ("123", "Coffee", 300))


@pytest.mark.parametrize("table", ID_TABLES)
def test_each_id_table_uses_autoincrement(conn: sqlite3.Connection, table: str) -> None:
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    assert "id INTEGER PRIMARY KEY AUTOINCREMENT" in " ".join(sql.split())


def test_autoincrement_never_reuses_a_deleted_id(conn: sqlite3.Connection) -> None:
    first = _sale(conn)
    second = _sale(conn)
    conn.execute("DELETE FROM sales WHERE id = ?", (second,))
    assert _sale(conn) == second + 1 > first


@pytest.mark.parametrize(
    ("sql", "values"),
    [
        ("INSERT INTO products (name, price) VALUES (?, ?)", ("Tea", -1)),
        ("INSERT INTO sales (total, paid) VALUES (?, ?)", (-1, 0)),
        ("INSERT INTO sales (total, paid) VALUES (?, ?)", (100, -1)),
        ("INSERT INTO debts (sale_id, amount) VALUES ({sale}, ?)", (0,)),
        ("INSERT INTO debts (sale_id, amount) VALUES ({sale}, ?)", (-5,)),
        ("INSERT INTO debts (sale_id, amount, status) VALUES ({sale}, 100, ?)", ("x",)),
        ("INSERT INTO debts (sale_id, amount, status) VALUES ({sale}, 100, ?)", ("OPEN",)),
        ("INSERT INTO payment_history (debt_id, amount) VALUES ({debt}, ?)", (0,)),
        (
            "INSERT INTO sale_items (sale_id, description, quantity, unit_price) "
            "VALUES ({sale}, 'Tea', ?, ?)",
            (0, 100),
        ),
        (
            "INSERT INTO sale_items (sale_id, description, quantity, unit_price) "
            "VALUES ({sale}, 'Tea', ?, ?)",
            (1, -1),
        ),
    ],
    ids=[
        "negative-price",
        "negative-total",
        "negative-paid",
        "zero-debt",
        "negative-debt",
        "status-x",
        "status-uppercase",
        "zero-payment",
        "zero-quantity",
        "negative-unit-price",
    ],
)
def test_check_constraints_refuse_bad_values(
    conn: sqlite3.Connection, sql: str, values: tuple[Any, ...]
) -> None:
    debt = _debt(conn)
    sale = _sale(conn)
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        conn.execute(sql.format(sale=sale, debt=debt), values)


@pytest.mark.parametrize(
    ("sql", "values"),
    [
        ("INSERT INTO settings (key) VALUES (?)", ("shop",)),
        ("INSERT INTO products (price) VALUES (?)", (100,)),
        ("INSERT INTO sales (paid) VALUES (?)", (0,)),
        ("INSERT INTO debts (amount) VALUES (?)", (100,)),
        ("INSERT INTO payment_history (amount) VALUES (?)", (100,)),
    ],
    ids=["setting-value", "product-name", "sale-total", "debt-sale", "payment-debt"],
)
def test_not_null_columns_refuse_missing_values(
    conn: sqlite3.Connection, sql: str, values: tuple[Any, ...]
) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="NOT NULL constraint failed"):
        conn.execute(sql, values)


def test_defaults_fill_in_what_the_till_leaves_out(conn: sqlite3.Connection) -> None:
    product = _insert(conn, "INSERT INTO products (name, price) VALUES ('Tea', 100)")
    row = conn.execute(
        "SELECT stock, is_active, created_at FROM products WHERE id = ?", (product,)
    ).fetchone()
    assert row[:2] == (0, 1)
    assert len(row[2]) == len("2024-01-01 00:00:00")
    debt = _debt(conn)
    assert _status(conn, debt) == "open"
    payment = _pay(conn, debt, 10)
    method = conn.execute("SELECT method FROM payment_history WHERE id = ?", (payment,))
    assert method.fetchone()[0] == "cash"


def test_references_cascade_restrict_and_set_null(conn: sqlite3.Connection) -> None:
    debt = _debt(conn)
    _pay(conn, debt, 100)
    sale = conn.execute("SELECT sale_id FROM debts WHERE id = ?", (debt,)).fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        conn.execute("DELETE FROM sales WHERE id = ?", (sale,))
    conn.execute("DELETE FROM debts WHERE id = ?", (debt,))
    assert conn.execute("SELECT COUNT(*) FROM payment_history").fetchone()[0] == 0

    product = _insert(conn, "INSERT INTO products (name, price) VALUES ('Tea', 100)")
    sale = _sale(conn, 200)
    _insert(
        conn,
        "INSERT INTO sale_items (sale_id, product_id, description, quantity, unit_price) "
        "VALUES (?, ?, 'Tea', 2, 100)",
        sale,
        product,
    )
    conn.execute("DELETE FROM products WHERE id = ?", (product,))
    assert conn.execute("SELECT product_id, description FROM sale_items").fetchall() == [
        (None, "Tea")
    ]
    conn.execute("DELETE FROM sales WHERE id = ?", (sale,))
    assert conn.execute("SELECT COUNT(*) FROM sale_items").fetchone()[0] == 0


def test_trigger_settles_a_debt_only_once_fully_paid(conn: sqlite3.Connection) -> None:
    trigger = conn.execute(
        "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' "
        "AND name = 'trg_payment_history_settle'"
    ).fetchone()
    assert trigger == ("payment_history",)
    debt = _debt(conn, 1_000)
    other = _debt(conn, 500)
    _pay(conn, debt, 400)
    assert _status(conn, debt) == "open"
    _pay(conn, debt, 599)
    assert _status(conn, debt) == "open"
    _pay(conn, debt, 1)
    assert _status(conn, debt) == "paid"
    assert _status(conn, other) == "open"
    _pay(conn, other, 800)  # more than owed still settles it
    assert _status(conn, other) == "paid"


def test_open_debts_view_lists_open_debts_with_what_was_paid(conn: sqlite3.Connection) -> None:
    columns = [row[1] for row in conn.execute("PRAGMA table_info(open_debts)")]
    assert columns == [
        "debt_id",
        "sale_id",
        "amount",
        "paid",
        "outstanding",
        "due_date",
        "created_at",
    ]
    untouched = _debt(conn, 700)
    partly = _debt(conn, 1_000)
    settled = _debt(conn, 300)
    conn.execute("UPDATE debts SET due_date = '2024-05-01' WHERE id = ?", (partly,))
    _pay(conn, partly, 250)
    _pay(conn, partly, 150)
    _pay(conn, settled, 300)
    rows = conn.execute(
        "SELECT debt_id, amount, paid, outstanding, due_date FROM open_debts ORDER BY debt_id"
    ).fetchall()
    assert rows == [(untouched, 700, 0, 700, None), (partly, 1_000, 400, 600, "2024-05-01")]
    sale_ids = conn.execute(
        "SELECT v.sale_id = d.sale_id AND v.created_at = d.created_at "
        "FROM open_debts v JOIN debts d ON d.id = v.debt_id"
    ).fetchall()
    assert sale_ids == [(1,), (1,)]


def test_the_five_indexes_cover_the_documented_columns(conn: sqlite3.Connection) -> None:
    found = {}
    for name, table in conn.execute(
        "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ):
        columns = [row[2] for row in conn.execute(f"PRAGMA index_info({name})")]
        found[name] = (table, columns)
    assert found == INDEXES
