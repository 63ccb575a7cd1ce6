"""Migration 030: sales, their lines, debts and payments refuse to be changed or removed; the
guards' presence is checked by `check` and before any start or upgrade."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from app import cli
from app.db.checks import (
    GUARDS,
    GUARDS_IN_PLACE,
    Guard,
    Violation,
    all_violations,
    guard_violations,
)
from app.db.migration_files import load_migrations
from app.db.migrator import MigrationRefused, Migrator
from app.paths import migrations_dir
from tests.db.conftest import PopulatedCopy, insert
from tests.db.hand_edits import guards_dropped, hand_edit

LATEST = len(load_migrations(migrations_dir()))
APPEND_ONLY = 30
SALES = "sales are append-only: only the customer of a sale may change"
SALE_REMOVED = "sales are append-only: a void or refund is a reversal"
LINES = "sale lines are append-only"
DEBTS = "debts are append-only: only the customer and the status may change"
DEBT_REMOVED = "debts are append-only: a mistake is corrected by a reversal"
STATUS = "a debt's status follows its payments: paid exactly when fully paid"
PAYMENTS = "payments are append-only: only the customer of a payment may change"
PAYMENT_REMOVED = "payments are append-only: a mistake is corrected by a payment reversal"

# What may change after insert, and why: merges and the legacy queue move a person's books,
# the settle and reopen triggers keep a debt's status.
MOVABLE = {
    "sales": {"customer_id"},
    "sale_items": set(),
    "debts": {"customer_id", "status"},
    "payment_history": {"customer_id"},
}
# A new value of the column's type for each refused column (ids of rows made by `books`).
REFUSED_UPDATES = {
    "sales": {
        "id": 99,
        "sold_at": "'2020-01-01 00:00:00'",
        "total": 1,
        "paid": 1,
        "note": "'typed later'",
        "payer_name": "'Someone'",
        "payer_phone": "'0555'",
        "checkout_key": "'other-key'",
        "operator_id": "NULL",
        "tendered": 5000,
    },
    "sale_items": {
        "id": 99,
        "sale_id": 2,
        "product_id": "NULL",
        "description": "'Coffee'",
        "quantity": 1,
        "unit_price": 1,
    },
    "debts": {
        "id": 99,
        "sale_id": "NULL",
        "amount": 1,
        "note": "'typed later'",
        "created_at": "'2020-01-01 00:00:00'",
        "due_date": "'2030-01-01'",
    },
    "payment_history": {
        "id": 99,
        "debt_id": 2,
        "amount": 1,
        "paid_at": "'2020-01-01 00:00:00'",
        "method": "'card'",
        "note": "'typed later'",
        "reversal_id": 1,
        "receipt_id": "NULL",
    },
}
UPDATE_MESSAGES = {"sales": SALES, "sale_items": LINES, "debts": DEBTS, "payment_history": PAYMENTS}
DELETE_MESSAGES = {
    "sales": SALE_REMOVED,
    "sale_items": LINES,
    "debts": DEBT_REMOVED,
    "payment_history": PAYMENT_REMOVED,
}


def books(conn: sqlite3.Connection) -> dict[str, int]:
    """Two customers; a till sale of 2 teas (1000) with 400 paid, its debt of 600 with a payment
    of 100 on a receipt; a second sale wholly on account; a refund of the second sale."""
    amina = insert(conn, "INSERT INTO customers (name) VALUES ('Amina')")
    karim = insert(conn, "INSERT INTO customers (name) VALUES ('Karim')")
    tea = insert(conn, "INSERT INTO products (name, price) VALUES ('Tea', 500)")
    ids = {"amina": amina, "karim": karim, "tea": tea}
    for number, paid in ((1, 400), (2, 0)):
        sale = insert(
            conn,
            "INSERT INTO sales (sold_at, total, paid, tendered, customer_id, checkout_key,"
            " operator_id) VALUES ('2026-11-21 10:00:00', 1000, ?, ?, ?, ?, 1)",
            paid,
            paid,
            amina,
            f"key-{number}",
        )
        ids[f"sale{number}"] = sale
        ids[f"item{number}"] = insert(
            conn,
            "INSERT INTO sale_items (sale_id, product_id, description, quantity, unit_price)"
            " VALUES (?, ?, 'Tea', 2, 500)",
            sale,
            tea,
        )
        ids[f"debt{number}"] = insert(
            conn,
            "INSERT INTO debts (sale_id, amount, due_date, customer_id) VALUES (?, ?, ?, ?)",
            sale,
            1000 - paid,
            "2026-12-21",
            amina,
        )
    ids["receipt"] = insert(
        conn,
        "INSERT INTO payment_receipts (customer_id, amount, method, received_at, operator_id)"
        " VALUES (?, 100, 'cash', '2026-11-22 10:00:00', 1)",
        amina,
    )
    ids["payment"] = insert(
        conn,
        "INSERT INTO payment_history (debt_id, amount, customer_id, receipt_id)"
        " VALUES (?, 100, ?, ?)",
        ids["debt1"],
        amina,
        ids["receipt"],
    )
    refund = insert(
        conn,
        "INSERT INTO sale_reversals (sale_id, kind, amount, debt_reduced, cash_out, reversed_at,"
        " operator_id, reason) VALUES (?, 'refund', 500, 500, 0, '2026-11-23 10:00:00', 1, 'x')",
        ids["sale2"],
    )
    insert(
        conn,
        "INSERT INTO sale_reversal_items (reversal_id, sale_item_id, quantity, amount)"
        " VALUES (?, ?, 1, 500)",
        refund,
        ids["item2"],
    )
    insert(
        conn,
        "INSERT INTO payment_history (debt_id, amount, customer_id, method, reversal_id)"
        " VALUES (?, 500, ?, 'return', ?)",
        ids["debt2"],
        amina,
        refund,
    )
    return ids


def contents(conn: sqlite3.Connection) -> list[object]:
    """Every row of the money tables and the balances that follow them."""
    tables = (*MOVABLE, "customer_balances", "stock_moves", "products")
    return [conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall() for table in tables]


def status(conn: sqlite3.Connection, debt_id: int) -> str:
    value: str = conn.execute("SELECT status FROM debts WHERE id = ?", (debt_id,)).fetchone()[0]
    return value


def balance(conn: sqlite3.Connection, customer_id: int) -> int:
    value: int = conn.execute(
        "SELECT outstanding FROM customer_balances WHERE customer_id = ?", (customer_id,)
    ).fetchone()[0]
    return value


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ----- what is refused ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        (table, column, value)
        for table, updates in REFUSED_UPDATES.items()
        for column, value in updates.items()
    ],
)
def test_a_money_column_cannot_be_changed(
    conn: sqlite3.Connection, table: str, column: str, value: object
) -> None:
    books(conn)
    before = contents(conn)
    with pytest.raises(sqlite3.IntegrityError, match=UPDATE_MESSAGES[table]):
        conn.execute(f"UPDATE {table} SET {column} = {value} WHERE id = 1")
    assert contents(conn) == before
    assert all_violations(conn, LATEST) == []


@pytest.mark.parametrize("table", list(DELETE_MESSAGES))
def test_a_money_row_cannot_be_removed(conn: sqlite3.Connection, table: str) -> None:
    books(conn)
    before = contents(conn)
    with pytest.raises(sqlite3.IntegrityError, match=DELETE_MESSAGES[table]):
        conn.execute(f"DELETE FROM {table} WHERE id = 1")
    assert contents(conn) == before


@pytest.mark.parametrize("table", list(MOVABLE))
def test_every_column_but_the_movable_ones_is_guarded(conn: sqlite3.Connection, table: str) -> None:
    """A column added to a money table fails here until a migration guards it (or says why
    it may change)."""
    columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
    assert columns - MOVABLE[table] == set(REFUSED_UPDATES[table])


def test_a_product_with_sales_cannot_be_deleted_from_under_its_lines(
    conn: sqlite3.Connection,
) -> None:
    """Its ON DELETE SET NULL would rewrite the lines; the lines' guard refuses that too."""
    ids = books(conn)
    # Its stock moves alone would refuse it (ON DELETE RESTRICT): take them out of the way.
    with guards_dropped(conn):
        conn.execute("DELETE FROM stock_moves WHERE product_id = ?", (ids["tea"],))
    with pytest.raises(sqlite3.IntegrityError, match=LINES):
        conn.execute("DELETE FROM products WHERE id = ?", (ids["tea"],))
    lines = conn.execute("SELECT product_id FROM sale_items ORDER BY id").fetchall()
    assert lines == [(ids["tea"],), (ids["tea"],)]


def test_a_status_typed_by_hand_is_refused_both_ways(conn: sqlite3.Connection) -> None:
    ids = books(conn)
    with pytest.raises(sqlite3.IntegrityError, match=STATUS):
        conn.execute("UPDATE debts SET status = 'paid' WHERE id = ?", (ids["debt1"],))
    insert(
        conn,
        "INSERT INTO payment_history (debt_id, amount, customer_id) VALUES (?, 500, ?)",
        ids["debt1"],
        ids["amina"],
    )
    assert status(conn, ids["debt1"]) == "paid"
    with pytest.raises(sqlite3.IntegrityError, match=STATUS):
        conn.execute("UPDATE debts SET status = 'open' WHERE id = ?", (ids["debt1"],))
    assert status(conn, ids["debt1"]) == "paid"


# ----- what still works --------------------------------------------------------------------------


def test_the_status_follows_payments_and_their_reversals(conn: sqlite3.Connection) -> None:
    ids = books(conn)
    rest = insert(
        conn,
        "INSERT INTO payment_history (debt_id, amount, customer_id) VALUES (?, 500, ?)",
        ids["debt1"],
        ids["amina"],
    )
    assert status(conn, ids["debt1"]) == "paid"  # the settle trigger's change passes
    insert(
        conn,
        "INSERT INTO payment_reversals (payment_id, reversed_at, operator_id, reason)"
        " VALUES (?, '2026-11-24 10:00:00', 1, 'typed wrong')",
        rest,
    )
    assert status(conn, ids["debt1"]) == "open"  # and so does the reopen trigger's
    # Setting a status to what it already is changes nothing and is let through.
    conn.execute("UPDATE debts SET status = status")
    assert all_violations(conn, LATEST) == []


def test_a_persons_books_still_move_to_another_customer(conn: sqlite3.Connection) -> None:
    """What a merge and the legacy queue write: debts, then payments, sales and receipts."""
    ids = books(conn)
    owed = balance(conn, ids["amina"])
    conn.execute(
        "UPDATE debts SET customer_id = ? WHERE customer_id = ?", (ids["karim"], ids["amina"])
    )
    moved = conn.execute(
        "UPDATE payment_history SET customer_id = ? WHERE customer_id = ?",
        (ids["karim"], ids["amina"]),
    ).rowcount
    conn.execute(
        "UPDATE sales SET customer_id = ? WHERE customer_id = ?", (ids["karim"], ids["amina"])
    )
    conn.execute(
        "UPDATE payment_receipts SET customer_id = ? WHERE customer_id = ?",
        (ids["karim"], ids["amina"]),
    )
    assert moved == 2
    assert (balance(conn, ids["amina"]), balance(conn, ids["karim"])) == (0, owed)
    assert all_violations(conn, LATEST) == []


def test_a_hand_edit_past_the_dropped_guards_is_what_check_finds(
    conn: sqlite3.Connection,
) -> None:
    """The test helper that plants damage: it gets past the guards and puts them back."""
    sale = books(conn)["sale1"]
    assert hand_edit(conn, "UPDATE sales SET total = 900 WHERE id = ?", sale) == 1
    assert guard_violations(conn, LATEST) == []
    assert [v.detail for v in all_violations(conn, LATEST)] == [
        f"sale {sale}: total 900 but items add up to 1000",
        f"sale {sale}: total 900 but paid 400 and owed 600",
    ]
    with pytest.raises(sqlite3.IntegrityError, match=SALES):
        conn.execute("UPDATE sales SET total = 1000 WHERE id = ?", (sale,))


# ----- the guards are checked --------------------------------------------------------------------


@pytest.mark.parametrize("guard", GUARDS, ids=lambda guard: guard.trigger)
def test_a_dropped_guard_is_named_by_check(conn: sqlite3.Connection, guard: Guard) -> None:
    conn.execute(f"DROP TRIGGER {guard.trigger}")
    assert all_violations(conn, LATEST) == [
        Violation(GUARDS_IN_PLACE, f"{guard.trigger} on {guard.table} is missing")
    ]


def test_a_guard_whose_body_was_replaced_is_named(conn: sqlite3.Connection) -> None:
    conn.execute("DROP TRIGGER trg_debts_no_delete")
    conn.execute("CREATE TRIGGER trg_debts_no_delete BEFORE DELETE ON debts BEGIN SELECT 1; END")
    assert guard_violations(conn, LATEST) == [
        Violation(GUARDS_IN_PLACE, "trg_debts_no_delete on debts refuses nothing")
    ]


def test_an_older_file_is_asked_only_for_the_guards_of_its_version(
    populated_copy: PopulatedCopy,
) -> None:
    connection = sqlite3.connect(populated_copy(APPEND_ONLY - 1))
    try:
        assert guard_violations(connection, APPEND_ONLY - 1) == []
        # The same file claimed to be at 030 lacks exactly 030's nine guards.
        missing = guard_violations(connection, APPEND_ONLY)
    finally:
        connection.close()
    assert len(missing) == sum(guard.since_version == APPEND_ONLY for guard in GUARDS) == 9


def test_a_file_without_its_guards_is_refused_before_anything_is_written(
    database_path: Path, migrator: Migrator
) -> None:
    """Start-up and `migrate` run the migrator first: it names the missing guard and stops."""
    with sqlite3.connect(database_path) as connection:
        connection.execute("DROP TRIGGER trg_payment_history_no_delete")
    connection.close()
    before = sha256_of(database_path)

    assert migrator.inspect(database_path).missing_guards == (
        "trg_payment_history_no_delete on payment_history is missing",
    )
    with pytest.raises(MigrationRefused, match="trg_payment_history_no_delete") as refusal:
        migrator.migrate(database_path)
    assert "another program" in str(refusal.value)
    assert "python -m app check" in str(refusal.value)
    assert sha256_of(database_path) == before


def test_check_lists_a_missing_guard(
    database_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite3.connect(database_path) as connection:
        connection.execute("DROP TRIGGER trg_sales_no_update")
    connection.close()

    code = cli.main(["check", "--db", str(database_path)])

    out = capsys.readouterr().out
    assert code == cli.EXIT_VIOLATIONS, out
    assert f"{GUARDS_IN_PLACE}: trg_sales_no_update on sales is missing" in out


def test_a_sound_file_passes_the_start_up_checks(database_path: Path, migrator: Migrator) -> None:
    assert migrator.inspect(database_path).missing_guards == ()
    assert migrator.migrate(database_path).to_version == LATEST
