"""Tests for the integrity, reference and ledger checks behind `python -m app check`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.db.checks import (
    LEDGER_RULES,
    Violation,
    all_violations,
    integrity_violations,
    ledger_violations,
    reference_violations,
)
from app.db.migration_files import load_migrations
from app.paths import migrations_dir
from tests.conftest import add_debt, add_payment
from tests.db.conftest import PopulatedCopy, insert
from tests.db.hand_edits import guards_dropped, hand_edit

LATEST = len(load_migrations(migrations_dir()))
SALE_TOTAL = "sale total equals the sum of its items"
SALE_PAID = "sale paid is not more than its total"
DEBT_OVERPAID = "payments on a debt do not exceed its amount"
DEBT_STATUS = "a debt is 'paid' exactly when fully paid"
DEBT_CUSTOMER = "every debt has a customer"
SALE_CUSTOMER = "a sale with a debt belongs to the debt's customer"
PAYMENT_CUSTOMER = "a payment carries its debt's customer"


def sale(conn: sqlite3.Connection, items: list[tuple[int, int]], paid: int = 0) -> int:
    """A sale whose total is the sum of `items` (quantity, unit price)."""
    total = sum(quantity * price for quantity, price in items)
    sale_id = insert(conn, "INSERT INTO sales (total, paid) VALUES (?, ?)", total, paid)
    for quantity, price in items:
        insert(
            conn,
            "INSERT INTO sale_items (sale_id, description, quantity, unit_price) "
            "VALUES (?, 'Tea', ?, ?)",
            sale_id,
            quantity,
            price,
        )
    return sale_id


def debt(conn: sqlite3.Connection, amount: int) -> int:
    """A credit sale of `amount`, owed by its own customer."""
    return add_debt(conn, sale(conn, [(1, amount)]), amount)


def pay(conn: sqlite3.Connection, debt_id: int, amount: int) -> None:
    add_payment(conn, debt_id, amount)


def test_a_clean_new_file_has_no_violations(conn: sqlite3.Connection) -> None:
    assert all_violations(conn, LATEST) == []


def test_a_clean_populated_file_has_no_violations(populated_copy: PopulatedCopy) -> None:
    connection = sqlite3.connect(populated_copy(LATEST))
    try:
        assert connection.execute("SELECT COUNT(*) FROM payment_history").fetchone()[0] > 0
        assert all_violations(connection, LATEST) == []
    finally:
        connection.close()


def test_well_kept_books_pass_every_rule(conn: sqlite3.Connection) -> None:
    sale(conn, [(2, 150), (1, 700)], paid=1_000)
    partly = debt(conn, 900)
    pay(conn, partly, 400)
    settled = debt(conn, 500)
    pay(conn, settled, 200)
    pay(conn, settled, 300)
    assert all_violations(conn, LATEST) == []


def test_a_sale_whose_total_differs_from_its_items(conn: sqlite3.Connection) -> None:
    sale_id = insert(conn, "INSERT INTO sales (total, paid) VALUES (1000, 0)")
    insert(
        conn,
        "INSERT INTO sale_items (sale_id, description, quantity, unit_price) "
        "VALUES (?, 'Tea', 2, 400)",
        sale_id,
    )
    empty = insert(conn, "INSERT INTO sales (total, paid) VALUES (250, 0)")
    assert all_violations(conn, LATEST) == [
        Violation(SALE_TOTAL, f"sale {sale_id}: total 1000 but items add up to 800"),
        Violation(SALE_TOTAL, f"sale {empty}: total 250 but items add up to 0"),
    ]


def test_a_sale_paid_beyond_its_total(conn: sqlite3.Connection) -> None:
    sale_id = sale(conn, [(1, 800)], paid=900)
    assert all_violations(conn, LATEST) == [
        Violation(SALE_PAID, f"sale {sale_id}: paid 900 of a total of 800")
    ]


def test_an_overpaid_debt(conn: sqlite3.Connection) -> None:
    debt_id = debt(conn, 500)
    pay(conn, debt_id, 300)
    pay(conn, debt_id, 300)  # the trigger marks it paid; the excess is still a violation
    status = conn.execute("SELECT status FROM debts WHERE id = ?", (debt_id,)).fetchone()[0]
    assert status == "paid"
    assert all_violations(conn, LATEST) == [
        Violation(DEBT_OVERPAID, f"debt {debt_id}: paid 600 on a debt of 500")
    ]


def test_a_debt_marked_paid_while_money_is_still_owed(conn: sqlite3.Connection) -> None:
    debt_id = debt(conn, 500)
    pay(conn, debt_id, 200)
    hand_edit(conn, "UPDATE debts SET status = 'paid' WHERE id = ?", debt_id)
    assert all_violations(conn, LATEST) == [
        Violation(DEBT_STATUS, f"debt {debt_id}: status paid with 200 of 500 paid")
    ]


def test_a_debt_left_open_although_fully_paid(conn: sqlite3.Connection) -> None:
    debt_id = debt(conn, 500)
    untouched = debt(conn, 300)
    hand_edit(conn, "UPDATE debts SET status = 'paid' WHERE id = ?", untouched)
    pay(conn, debt_id, 500)
    hand_edit(conn, "UPDATE debts SET status = 'open' WHERE id = ?", debt_id)
    assert all_violations(conn, LATEST) == [
        Violation(DEBT_STATUS, f"debt {debt_id}: status open with 500 of 500 paid"),
        Violation(DEBT_STATUS, f"debt {untouched}: status paid with 0 of 300 paid"),
    ]


def test_a_debt_whose_customer_is_missing(conn: sqlite3.Connection) -> None:
    debt_id = debt(conn, 500)
    # Another program, writing with foreign keys off, pointed the debt at nobody.
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("UPDATE debts SET customer_id = 999 WHERE id = ?", (debt_id,))
    conn.execute("UPDATE sales SET customer_id = 999")
    assert ledger_violations(conn, LATEST) == [
        Violation(DEBT_CUSTOMER, f"debt {debt_id}: customer 999 does not exist")
    ]


def test_a_credit_sale_of_someone_else(conn: sqlite3.Connection) -> None:
    debt_id = debt(conn, 500)
    sale_id = conn.execute("SELECT sale_id FROM debts WHERE id = ?", (debt_id,)).fetchone()[0]
    owner = conn.execute("SELECT customer_id FROM debts WHERE id = ?", (debt_id,)).fetchone()[0]
    conn.execute("UPDATE sales SET customer_id = NULL WHERE id = ?", (sale_id,))
    assert all_violations(conn, LATEST) == [
        Violation(
            SALE_CUSTOMER,
            f"sale {sale_id}: customer none but its debt {debt_id} is owed by customer {owner}",
        )
    ]


def test_a_payment_naming_another_customer(conn: sqlite3.Connection) -> None:
    debt_id = debt(conn, 500)
    pay(conn, debt_id, 100)
    owner = conn.execute("SELECT customer_id FROM debts WHERE id = ?", (debt_id,)).fetchone()[0]
    other = insert(conn, "INSERT INTO customers (name) VALUES ('Someone else')")
    # The trigger refuses this; a program that dropped it would not be refused.
    with guards_dropped(conn, "trg_payment_history_customer_update"):
        conn.execute("UPDATE payment_history SET customer_id = ?", (other,))
    assert all_violations(conn, LATEST) == [
        Violation(
            PAYMENT_CUSTOMER,
            f"payment 1: customer {other} but its debt {debt_id} is owed by customer {owner}",
        )
    ]


def test_money_stored_as_real(conn: sqlite3.Connection) -> None:
    product = insert(conn, "INSERT INTO products (name, price) VALUES ('Tea', 12.5)")
    whole = insert(conn, "INSERT INTO products (name, price) VALUES ('Rice', 12.0)")
    sale_id = insert(conn, "INSERT INTO sales (total, paid) VALUES (501, 0)")
    item = insert(
        conn,
        "INSERT INTO sale_items (sale_id, description, quantity, unit_price) "
        "VALUES (?, 'Oil', 2, 250.5)",
        sale_id,
    )
    assert all_violations(conn, LATEST) == [
        Violation("money in products is stored as integers", f"products row {product}: price=12.5"),
        Violation(
            "money in sale_items is stored as integers",
            f"sale_items row {item}: unit_price=250.5, quantity=2",
        ),
    ]
    assert conn.execute("SELECT typeof(price) FROM products WHERE id = ?", (whole,)).fetchone() == (
        "integer",
    )


def test_a_dangling_reference_written_with_foreign_keys_off(conn: sqlite3.Connection) -> None:
    # A payment cannot even be written for a missing debt (it must carry that debt's customer),
    # so the reference is left dangling the other way: its debt deleted without the cascade.
    debt_id = debt(conn, 500)
    payment = add_payment(conn, debt_id, 100)
    conn.execute("PRAGMA foreign_keys = OFF")
    hand_edit(conn, "DELETE FROM debts WHERE id = ?", debt_id)
    assert conn.execute("SELECT debt_id FROM payment_history").fetchall() == [(debt_id,)]
    expected = Violation(
        "references between rows", f"row {payment} of payment_history points to a missing debts"
    )
    assert all_violations(conn, LATEST) == [expected]
    assert reference_violations(conn) == [expected]


def test_every_violation_is_listed(conn: sqlite3.Connection) -> None:
    sale_ids = [insert(conn, "INSERT INTO sales (total, paid) VALUES (100, 0)") for _ in range(57)]
    found = ledger_violations(conn, LATEST)
    assert [v.detail for v in found] == [
        f"sale {sale_id}: total 100 but items add up to 0" for sale_id in sale_ids
    ]


def test_an_old_file_is_checked_by_the_rules_its_tables_allow(
    populated_copy: PopulatedCopy,
) -> None:
    connection = sqlite3.connect(populated_copy(4))
    try:
        connection.execute("INSERT INTO sales (total, paid) VALUES (300, 500)")
        details = {v.detail for v in all_violations(connection, 4)}
    finally:
        connection.close()
    assert any(d.endswith(": total 300 but items add up to 0") for d in details)
    assert any(d.endswith(": paid 500 of a total of 300") for d in details)


def test_ledger_rules_wait_for_the_tables_they_read(populated_copy: PopulatedCopy) -> None:
    first = min(rule.since_version for rule in LEDGER_RULES)
    connection = sqlite3.connect(populated_copy(first - 1))
    try:
        # payment_history does not exist yet: running a rule would raise, so none may run.
        assert ledger_violations(connection, first - 1) == []
        assert all_violations(connection, first - 1) == []
    finally:
        connection.close()


def test_integrity_problems_come_first_and_alone(database_path: Path) -> None:
    conn = sqlite3.connect(database_path, isolation_level=None)
    conn.execute("INSERT INTO sales (total, paid) VALUES (999, 0)")  # a ledger violation too
    for status in ("open", "paid", "open", "paid"):
        sale_id = conn.execute("INSERT INTO sales (total, paid) VALUES (0, 0)").lastrowid
        add_debt(conn, sale_id, 5, status=status)
    root = conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'idx_debts_status'"
    ).fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    assert ledger_violations(conn, LATEST) != []
    conn.close()

    data = bytearray(database_path.read_bytes())
    data[(root - 1) * page_size + 4] += 3  # the index page now claims cells it does not have
    database_path.write_bytes(bytes(data))

    conn = sqlite3.connect(database_path)
    try:
        found = all_violations(conn, LATEST)
        assert found
        assert {v.check for v in found} == {"file integrity"}
        assert found == integrity_violations(conn)
        assert any("idx_debts_status" in v.detail for v in found)
    finally:
        conn.close()


# ----- rules added with the append-only guards (030) --------------------------------------------


def test_a_debt_left_with_a_merged_customer(conn: sqlite3.Connection) -> None:
    debt_id = debt(conn, 500)
    merged = conn.execute("SELECT customer_id FROM debts WHERE id = ?", (debt_id,)).fetchone()[0]
    survivor = insert(conn, "INSERT INTO customers (name) VALUES ('Amina S.')")
    # A merge that archived the customer but forgot to move the debt.
    conn.execute(
        "UPDATE customers SET is_deleted = 1, merged_into_id = ? WHERE id = ?", (survivor, merged)
    )
    assert all_violations(conn, LATEST) == [
        Violation(
            "no debt is left with a merged customer",
            f"debt {debt_id}: owed by customer {merged}, who was merged into customer {survivor}",
        )
    ]


def _reversal(conn: sqlite3.Connection, sale_id: int, kind: str) -> int:
    """A reversal that takes back nothing (no lines): only its place in the order matters."""
    return insert(
        conn,
        "INSERT INTO sale_reversals (sale_id, kind, amount, debt_reduced, cash_out, reversed_at,"
        " operator_id, reason) VALUES (?, ?, 0, 0, 0, '2026-11-21 11:00:00', 1, 'test')",
        sale_id,
        kind,
    )


def test_a_reversal_after_a_void(conn: sqlite3.Connection) -> None:
    refunded_then_voided = sale(conn, [(1, 100)], paid=100)
    voided_twice = sale(conn, [(1, 100)], paid=100)
    _reversal(conn, refunded_then_voided, "refund")
    _reversal(conn, refunded_then_voided, "void")
    first_void = _reversal(conn, voided_twice, "void")
    second_void = _reversal(conn, voided_twice, "void")
    refund = _reversal(conn, voided_twice, "refund")
    assert all_violations(conn, LATEST) == [
        Violation(
            "nothing is reversed on a sale after its void",
            f"sale {voided_twice}: {kind} {later} after void {first_void}",
        )
        for kind, later in (("void", second_void), ("refund", refund))
    ] + [
        Violation(
            "nothing is reversed on a sale after its void",
            f"sale {voided_twice}: refund {refund} after void {second_void}",
        )
    ]


def _reverse_payment(conn: sqlite3.Connection, payment_id: int) -> int:
    return insert(
        conn,
        "INSERT INTO payment_reversals (payment_id, reversed_at, operator_id, reason)"
        " VALUES (?, '2026-11-21 11:00:00', 1, 'typed wrong')",
        payment_id,
    )


def test_a_payment_reversed_twice(conn: sqlite3.Connection) -> None:
    debt_id = debt(conn, 500)
    payment = add_payment(conn, debt_id, 100)
    _reverse_payment(conn, payment)
    # Only a program that rebuilt the table without its UNIQUE could write a second reversal.
    conn.execute("PRAGMA foreign_keys = OFF")
    with guards_dropped(conn, "trg_payment_reversals_reopen"):
        conn.execute("CREATE TEMP TABLE kept AS SELECT * FROM payment_reversals")
        conn.execute("DROP TABLE payment_reversals")
        conn.execute("CREATE TABLE payment_reversals AS SELECT * FROM kept")
        _reverse_payment(conn, payment)
    found = [v for v in ledger_violations(conn, LATEST) if v.check.startswith("a payment is")]
    assert found == [
        Violation(
            "a payment is reversed at most once, and only money received",
            f"payment {payment}: reversed 2 time(s)",
        )
    ]


def test_goods_returned_reversed_as_if_a_payment(conn: sqlite3.Connection) -> None:
    sale_id = sale(conn, [(1, 500)])
    debt_id = add_debt(conn, sale_id, 500)
    refund = _reversal(conn, sale_id, "refund")
    returned = insert(
        conn,
        "INSERT INTO payment_history (debt_id, amount, customer_id, method, reversal_id)"
        " VALUES (?, 100, (SELECT customer_id FROM debts WHERE id = ?), 'return', ?)",
        debt_id,
        debt_id,
        refund,
    )
    with guards_dropped(conn):  # trg_payment_reversals_money_only refuses it otherwise
        _reverse_payment(conn, returned)
    assert Violation(
        "a payment is reversed at most once, and only money received",
        f"payment {returned}: reversed 1 time(s), but it is goods returned by reversal {refund}",
    ) in all_violations(conn, LATEST)


def test_more_money_stored_as_real(conn: sqlite3.Connection) -> None:
    limited = insert(conn, "INSERT INTO customers (name) VALUES ('Amina')")
    tendered = insert(conn, "INSERT INTO sales (total, paid, tendered) VALUES (0, 0, 0.5)")
    insert(conn, "INSERT INTO sales (total, paid, tendered) VALUES (0, 0, NULL)")
    reminder = insert(
        conn,
        "INSERT INTO reminders (customer_id, reminded_at, overdue_amount, operator_id)"
        " VALUES (?, '2026-11-21 10:00:00', 7.5, 1)",
        limited,
    )
    conn.execute(
        "UPDATE customer_balances SET outstanding = 0.25 WHERE customer_id = ?", (limited,)
    )
    found = {(v.check, v.detail) for v in all_violations(conn, LATEST)}
    assert {
        ("money in sales is stored as integers", f"sales row {tendered}: tendered=0.5"),
        (
            "money in reminders is stored as integers",
            f"reminders row {reminder}: overdue_amount=7.5",
        ),
        (
            "money in customer_balances is stored as integers",
            f"customer_balances row {limited}: outstanding=0.25",
        ),
    } <= found
    assert not any("NULL" in detail for _, detail in found)
