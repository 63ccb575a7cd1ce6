"""The customer-aware upgrade (011-015) on a messy shop: nothing lost, the database enforces it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.db.checks import all_violations
from app.db.database import open_database, read_pragmas
from app.db.migrator import MigrationRefused, Migrator
from app.paths import migrations_dir
from tests.db.legacy_shop import LEGACY_VERSION, LegacyShop, build_legacy_shop, messy_sales

LATEST = Migrator(migrations_dir()).latest_version
CUSTOMER_AWARE = 13  # the migration that gives every debt a customer

# What must come out of the upgrade exactly as it went in: counts and money, table by table.
LEDGER_TOTALS = {
    "sales": "SELECT COUNT(*), SUM(total), SUM(paid), SUM(payer_name IS NOT NULL) FROM sales",
    "sale_items": "SELECT COUNT(*), SUM(quantity * unit_price) FROM sale_items",
    "debts": "SELECT COUNT(*), SUM(amount), SUM(status = 'paid'), SUM(due_date IS NULL) FROM debts",
    "payments": "SELECT COUNT(*), SUM(amount), COUNT(DISTINCT debt_id) FROM payment_history",
    "open_debts": "SELECT COUNT(*), SUM(amount), SUM(paid), SUM(outstanding) FROM open_debts",
}


def ledger_totals(path: Path) -> dict[str, tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return {name: tuple(conn.execute(sql).fetchone()) for name, sql in LEDGER_TOTALS.items()}
    finally:
        conn.close()


@pytest.fixture
def messy_shop(tmp_path: Path, migrator: Migrator) -> LegacyShop:
    return build_legacy_shop(migrator, tmp_path / "shop" / "dukan.db", messy_sales(400, seed=7))


@pytest.fixture
def upgraded(messy_shop: LegacyShop) -> Iterator[sqlite3.Connection]:
    Migrator(migrations_dir()).migrate(messy_shop.path)
    conn = sqlite3.connect(messy_shop.path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    try:
        yield conn
    finally:
        conn.close()


def test_counts_and_money_are_identical_before_and_after(messy_shop: LegacyShop) -> None:
    before = ledger_totals(messy_shop.path)
    assert before["debts"][0] > 100 and before["payments"][0] > 50  # the shop is not trivial

    report = Migrator(migrations_dir()).migrate(messy_shop.path)

    assert (report.from_version, report.to_version) == (LEGACY_VERSION, LATEST)
    assert report.backup_path is not None and report.backup_path.exists()
    assert ledger_totals(report.backup_path) == before
    assert ledger_totals(messy_shop.path) == before
    conn = sqlite3.connect(messy_shop.path)
    try:
        assert all_violations(conn, LATEST) == []
    finally:
        conn.close()


def test_every_debt_has_a_real_customer_or_waits_in_the_queue(
    upgraded: sqlite3.Connection,
) -> None:
    placeholder = upgraded.execute("SELECT customer_id FROM legacy_placeholder").fetchone()[0]
    debts = upgraded.execute(
        "SELECT d.customer_id, s.payer_name, s.payer_phone FROM debts d "
        "JOIN sales s ON s.id = d.sale_id"
    ).fetchall()
    waiting = [(name, phone) for customer, name, phone in debts if customer == placeholder]
    # Only the blank payers and the name two people share ("Ahmed") wait for the shopkeeper.
    assert waiting
    for name, phone in waiting:
        assert (name or "").strip().casefold() in {"", "ahmed"}, (name, phone)
        assert phone in (None, "", "-")
    # One customer per person of the shop (Ahmed twice: two phones), plus the placeholder.
    named = upgraded.execute("SELECT COUNT(*) FROM customers WHERE id <> ?", (placeholder,))
    assert named.fetchone()[0] == 8


def test_the_rebuild_keeps_payments_trigger_view_and_indexes(
    messy_shop: LegacyShop, tmp_path: Path
) -> None:
    payments_before = ledger_totals(messy_shop.path)["payments"]
    Migrator(migrations_dir()).migrate(messy_shop.path, target=CUSTOMER_AWARE)

    # Opened the way the program opens it: production pragmas, read back.
    db = open_database(messy_shop.path)
    try:
        conn = db.sqlite_connection()
        pragmas = read_pragmas(conn)
        assert pragmas.foreign_keys and pragmas.journal_mode == "wal"
        assert ledger_totals(messy_shop.path)["payments"] == payments_before
        objects = {
            (kind, name)
            for kind, name in conn.execute(
                "SELECT type, name FROM sqlite_master WHERE tbl_name IN "
                "('debts', 'payment_history', 'open_debts')"
            )
        }
        assert {
            ("trigger", "trg_payment_history_settle"),
            ("trigger", "trg_debts_placeholder_insert"),
            ("trigger", "trg_debts_placeholder_update"),
            ("view", "open_debts"),
            ("index", "idx_debts_sale_id"),
            ("index", "idx_debts_status"),
            ("index", "idx_debts_customer_id"),
            ("index", "idx_payment_history_debt_id"),
        } <= objects
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []

        # The settlement trigger still works on the rebuilt table.
        debt_id, customer_id, outstanding = conn.execute(
            "SELECT debt_id, customer_id, outstanding FROM open_debts ORDER BY debt_id LIMIT 1"
        ).fetchone()
        with db.atomic():
            conn.execute(
                "INSERT INTO payment_history (debt_id, amount) VALUES (?, ?)",
                (debt_id, outstanding),
            )
        status = conn.execute("SELECT status FROM debts WHERE id = ?", (debt_id,)).fetchone()[0]
        assert status == "paid"
        assert customer_id is not None
    finally:
        db.close()


def test_deleted_ids_are_not_reused_after_the_rebuilds(tmp_path: Path, migrator: Migrator) -> None:
    shop = build_legacy_shop(migrator, tmp_path / "shop" / "dukan.db", messy_sales(60, seed=3))
    conn = sqlite3.connect(shop.path, isolation_level=None)
    try:
        # The old till deleted its last debt (and, by cascade, its payments).
        last_debt, last_payment = conn.execute(
            "SELECT MAX(id), (SELECT MAX(id) FROM payment_history) FROM debts"
        ).fetchone()
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("DELETE FROM debts WHERE id = (SELECT MAX(debt_id) FROM payment_history)")
    finally:
        conn.close()
    Migrator(migrations_dir()).migrate(shop.path)
    conn = sqlite3.connect(shop.path)
    try:
        sequences = dict(conn.execute("SELECT name, seq FROM sqlite_sequence").fetchall())
        assert sequences["debts"] >= last_debt
        assert sequences["payment_history"] == last_payment
    finally:
        conn.close()


# ----- the database itself refuses what the rules forbid --------------------------------------


def _a_customer_and_a_sale(conn: sqlite3.Connection) -> tuple[int, int]:
    customer = conn.execute("INSERT INTO customers (name) VALUES ('Farid')").lastrowid
    sale = conn.execute("INSERT INTO sales (total, paid) VALUES (500, 0)").lastrowid
    assert customer is not None and sale is not None
    return customer, sale


def test_a_debt_without_a_customer_is_refused(upgraded: sqlite3.Connection) -> None:
    _, sale = _a_customer_and_a_sale(upgraded)
    with pytest.raises(sqlite3.IntegrityError, match=r"NOT NULL.*debts\.customer_id"):
        upgraded.execute("INSERT INTO debts (sale_id, amount) VALUES (?, 500)", (sale,))
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        upgraded.execute(
            "INSERT INTO debts (sale_id, amount, customer_id) VALUES (?, 500, 999999)", (sale,)
        )


def test_the_placeholder_never_receives_a_debt(upgraded: sqlite3.Connection) -> None:
    customer, sale = _a_customer_and_a_sale(upgraded)
    placeholder = upgraded.execute("SELECT customer_id FROM legacy_placeholder").fetchone()[0]
    with pytest.raises(sqlite3.IntegrityError, match="Unassigned"):
        upgraded.execute(
            "INSERT INTO debts (sale_id, amount, customer_id) VALUES (?, 500, ?)",
            (sale, placeholder),
        )
    debt = upgraded.execute(
        "INSERT INTO debts (sale_id, amount, customer_id) VALUES (?, 500, ?)", (sale, customer)
    ).lastrowid
    with pytest.raises(sqlite3.IntegrityError, match="Unassigned"):
        upgraded.execute("UPDATE debts SET customer_id = ? WHERE id = ?", (placeholder, debt))


def test_a_manual_debt_needs_no_sale(upgraded: sqlite3.Connection) -> None:
    customer = upgraded.execute("INSERT INTO customers (name) VALUES ('Farid')").lastrowid
    upgraded.execute(
        "INSERT INTO debts (amount, note, customer_id) VALUES (1200, 'from the paper book', ?)",
        (customer,),
    )
    assert all_violations(upgraded, LATEST) == []


def test_a_payment_must_carry_its_debts_customer(upgraded: sqlite3.Connection) -> None:
    debt, owner = upgraded.execute(
        "SELECT debt_id, customer_id FROM open_debts ORDER BY debt_id LIMIT 1"
    ).fetchone()
    other, _ = _a_customer_and_a_sale(upgraded)
    for wrong in (None, other):
        with pytest.raises(sqlite3.IntegrityError, match=r"customer of its debt|NOT NULL"):
            upgraded.execute(
                "INSERT INTO payment_history (debt_id, amount, customer_id) VALUES (?, 1, ?)",
                (debt, wrong),
            )
    payment = upgraded.execute(
        "INSERT INTO payment_history (debt_id, amount, customer_id) VALUES (?, 1, ?)",
        (debt, owner),
    ).lastrowid
    with pytest.raises(sqlite3.IntegrityError, match="customer of its debt"):
        upgraded.execute(
            "UPDATE payment_history SET customer_id = ? WHERE id = ?", (other, payment)
        )


def test_a_file_with_broken_references_is_refused_untouched(
    tmp_path: Path, migrator: Migrator
) -> None:
    shop = build_legacy_shop(migrator, tmp_path / "shop" / "dukan.db", messy_sales(20, seed=5))
    conn = sqlite3.connect(shop.path, isolation_level=None)
    # The old till ran with SQLite's default: foreign keys off. It deleted a credit sale.
    conn.execute("DELETE FROM sales WHERE id = (SELECT MIN(sale_id) FROM debts)")
    conn.close()
    before = shop.path.read_bytes()

    with pytest.raises(MigrationRefused, match=r"pointing at rows that do not exist.*debts row"):
        Migrator(migrations_dir()).migrate(shop.path)

    assert shop.path.read_bytes() == before
    assert not (shop.path.parent / "backups").exists()
