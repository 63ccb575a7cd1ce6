"""Migrations 016-024 on an upgraded shop: numbers, addresses, balances, keys, audit rules."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.db.checks import all_violations
from app.db.migrator import Migrator
from app.domain.customer_search import search_keys
from app.domain.names import name_key
from app.paths import migrations_dir
from tests.db.legacy_shop import LegacyShop, build_legacy_shop, messy_sales

LATEST = Migrator(migrations_dir()).latest_version
BEFORE_RECORD = 15  # customers as 011-015 left them, before the seed-004 record


@pytest.fixture
def shop_at_015(tmp_path: Path, migrator: Migrator) -> LegacyShop:
    shop = build_legacy_shop(migrator, tmp_path / "shop" / "dukan.db", messy_sales(300, seed=11))
    migrator.migrate(shop.path, target=BEFORE_RECORD)
    return shop


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


@pytest.fixture
def conn(shop_at_015: LegacyShop) -> Iterator[sqlite3.Connection]:
    Migrator(migrations_dir()).migrate(shop_at_015.path)
    connection = connect(shop_at_015.path)
    try:
        yield connection
    finally:
        connection.close()


def test_backfilled_customers_are_numbered_in_id_order_and_the_counter_follows(
    conn: sqlite3.Connection,
) -> None:
    rows = conn.execute("SELECT id, customer_number FROM customers ORDER BY id").fetchall()
    assert len(rows) > 5
    assert [number for _id, number in rows] == [f"C-{n:05d}" for n in range(1, len(rows) + 1)]
    counter = conn.execute("SELECT next_value FROM counters WHERE name = 'customer_number'")
    assert counter.fetchone() == (len(rows) + 1,)


def test_a_customer_inserted_without_a_number_takes_the_next_from_the_counter(
    conn: sqlite3.Connection,
) -> None:
    (count,) = conn.execute("SELECT COUNT(*) FROM customers").fetchone()
    new_id = conn.execute("INSERT INTO customers (name) VALUES ('Walk-in Wahid')").lastrowid
    number = conn.execute("SELECT customer_number FROM customers WHERE id = ?", (new_id,))
    assert number.fetchone() == (f"C-{count + 1:05d}",)
    with pytest.raises(sqlite3.IntegrityError):
        # One number, whatever its case.
        conn.execute("INSERT INTO customers (name, customer_number) VALUES ('x', 'c-00001')")


def test_the_free_text_address_becomes_the_billing_street(
    tmp_path: Path, migrator: Migrator
) -> None:
    path = tmp_path / "shop.db"
    migrator.migrate(path, target=BEFORE_RECORD)
    with connect(path) as setup:
        setup.execute("INSERT INTO customers (name, address) VALUES ('Amina', ' 12 Rue Didouche ')")
        setup.execute("INSERT INTO customers (name, address) VALUES ('Samir', '   ')")
        setup.execute("INSERT INTO customers (name) VALUES ('Karim')")
    setup.close()
    migrator.migrate(path)
    conn = connect(path)
    rows = conn.execute("SELECT name, billing_address FROM customers ORDER BY id").fetchall()
    columns = [row[1] for row in conn.execute("PRAGMA table_info(customers)")]
    conn.close()
    assert json.loads(rows[0][1]) == {
        "street": "12 Rue Didouche",
        "city": None,
        "province": None,
        "postal_code": None,
        "country": None,
    }
    assert rows[1:] == [("Samir", None), ("Karim", None)]
    assert "address" not in columns  # one source of truth: billing_address


def test_balances_start_equal_to_debts_less_payments_and_triggers_keep_them(
    conn: sqlite3.Connection,
) -> None:
    assert all_violations(conn, LATEST) == []
    owing = conn.execute(
        "SELECT customer_id, outstanding FROM customer_balances WHERE outstanding > 0 LIMIT 1"
    ).fetchone()
    customer_id, outstanding = owing
    debt_id = conn.execute(
        "INSERT INTO debts (sale_id, amount, customer_id) VALUES (NULL, 500, ?)", (customer_id,)
    ).lastrowid
    conn.execute(
        "INSERT INTO payment_history (debt_id, amount, customer_id) VALUES (?, 200, ?)",
        (debt_id, customer_id),
    )
    balance = conn.execute(
        "SELECT outstanding FROM customer_balances WHERE customer_id = ?", (customer_id,)
    ).fetchone()
    assert balance == (outstanding + 300,)
    assert all_violations(conn, LATEST) == []


def test_a_drifted_balance_is_reported_by_check(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE customer_balances SET outstanding = outstanding + 1 WHERE customer_id = 1")
    found = [v for v in all_violations(conn, LATEST) if "balance" in v.check]
    assert len(found) == 1
    assert found[0].detail.startswith("customer 1: balance ")


def test_every_customer_has_the_search_keys_the_service_would_write(
    conn: sqlite3.Connection,
) -> None:
    customers = conn.execute("SELECT id, name, phone, customer_number, name_key FROM customers")
    for customer_id, name, phone, number, stored_key in customers.fetchall():
        keys = conn.execute(
            "SELECT key FROM customer_search_keys WHERE customer_id = ?", (customer_id,)
        ).fetchall()
        assert sorted(key for (key,) in keys) == sorted(search_keys(name, phone, number))
        assert stored_key == name_key(name)


def test_the_audit_log_cannot_be_changed_or_emptied(conn: sqlite3.Connection) -> None:
    conn.execute(
        "INSERT INTO audit_log (at, operator_id, entity, entity_id, action) "
        "VALUES ('2026-11-21 10:00:00', 1, 'customer', 1, 'update')"
    )
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE audit_log SET reason = 'rewritten'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM audit_log")
    assert conn.execute("SELECT COUNT(*), MAX(reason) FROM audit_log").fetchone() == (1, None)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("billing_address", "not json"),
        ("shipping_address", '["a", "list"]'),
        ("payment_terms", -1),
        ("payment_terms", 4000),
        ("payment_terms", 1.5),
        ("credit_limit", -100),
        ("credit_limit", 12.5),
        ("merged_into_id", 1),  # into itself, and not archived
    ],
)
def test_the_schema_refuses_impossible_customer_values(
    conn: sqlite3.Connection, column: str, value: object
) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(f"UPDATE customers SET {column} = ? WHERE id = 1", (value,))


def test_updated_at_follows_a_change_made_outside_the_services(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE customers SET updated_at = '2000-01-01 00:00:00' WHERE id = 1")
    conn.execute("UPDATE customers SET name_key = name_key WHERE id = 1")  # derived: no change
    assert conn.execute("SELECT updated_at FROM customers WHERE id = 1").fetchone() == (
        "2000-01-01 00:00:00",
    )
    conn.execute("UPDATE customers SET note = 'pays on Fridays' WHERE id = 1")
    (updated,) = conn.execute("SELECT updated_at FROM customers WHERE id = 1").fetchone()
    assert updated > "2026-01-01"


def test_one_default_operator_exists(conn: sqlite3.Connection) -> None:
    assert conn.execute("SELECT id, name, is_active FROM operators").fetchall() == [(1, "Owner", 1)]
