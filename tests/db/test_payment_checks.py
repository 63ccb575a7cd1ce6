"""Migration 029 in SQL: receipts, reversals that reopen debts, oldest due dates, their checks."""

from __future__ import annotations

import sqlite3

import pytest

from app.db.checks import REVERSALS_COUNTED, all_violations
from app.db.migration_files import load_migrations
from app.paths import migrations_dir
from tests.db.conftest import insert
from tests.db.hand_edits import guards_dropped, hand_edit

LATEST = len(load_migrations(migrations_dir()))
OLDEST_DUE = "a customer's oldest due date is the earliest due date of their open debts"
RECEIPT_SUM = "a payment receipt's amount is the sum of its payments, all from its customer"
DEBT_OVERPAID = "payments on a debt do not exceed its amount"
DEBT_STATUS = "a debt is 'paid' exactly when fully paid"
BALANCE = "a customer's balance is their debts less their payments"
RECEIPT_MONEY = "money in payment_receipts is stored as integers"


def found(conn: sqlite3.Connection, version: int = LATEST) -> list[tuple[str, str]]:
    return [(v.check, v.detail) for v in all_violations(conn, version)]


def customer(conn: sqlite3.Connection, name: str = "Amina") -> int:
    return insert(conn, "INSERT INTO customers (name) VALUES (?)", name)


def debt(conn: sqlite3.Connection, customer_id: int, amount: int, due: str | None = None) -> int:
    """A manual debt (no sale) of the customer, due on `due` (None: undated)."""
    return insert(
        conn,
        "INSERT INTO debts (amount, due_date, customer_id, created_at) "
        "VALUES (?, ?, ?, '2026-11-01 09:00:00')",
        amount,
        due,
        customer_id,
    )


def receipt(conn: sqlite3.Connection, customer_id: int, amount: int) -> int:
    return insert(
        conn,
        "INSERT INTO payment_receipts (customer_id, amount, method, received_at, operator_id) "
        "VALUES (?, ?, 'cash', '2026-11-21 10:00:00', 1)",
        customer_id,
        amount,
    )


def pay(conn: sqlite3.Connection, debt_id: int, amount: int, receipt_id: int | None = None) -> int:
    return insert(
        conn,
        "INSERT INTO payment_history (debt_id, amount, customer_id, method, receipt_id) "
        "VALUES (?, ?, (SELECT customer_id FROM debts WHERE id = ?), 'cash', ?)",
        debt_id,
        amount,
        debt_id,
        receipt_id,
    )


def reverse(conn: sqlite3.Connection, payment_id: int, reason: str = "typed wrong") -> int:
    return insert(
        conn,
        "INSERT INTO payment_reversals (payment_id, reversed_at, operator_id, reason) "
        "VALUES (?, '2026-11-21 11:00:00', 1, ?)",
        payment_id,
        reason,
    )


def status(conn: sqlite3.Connection, debt_id: int) -> str:
    value: str = conn.execute("SELECT status FROM debts WHERE id = ?", (debt_id,)).fetchone()[0]
    return value


def balance(conn: sqlite3.Connection, customer_id: int) -> tuple[int, str | None]:
    row = conn.execute(
        "SELECT outstanding, oldest_due FROM customer_balances WHERE customer_id = ?",
        (customer_id,),
    ).fetchone()
    return int(row[0]), row[1]


def open_outstanding(conn: sqlite3.Connection, debt_id: int) -> int | None:
    row = conn.execute(
        "SELECT outstanding FROM open_debts WHERE debt_id = ?", (debt_id,)
    ).fetchone()
    return None if row is None else int(row[0])


# ----- triggers ---------------------------------------------------------------------------------


def test_a_reversal_reopens_the_debt_and_restores_the_balance(conn: sqlite3.Connection) -> None:
    amina = customer(conn)
    debt_id = debt(conn, amina, 100, "2026-12-01")
    payment = pay(conn, debt_id, 100, receipt(conn, amina, 100))
    assert (status(conn, debt_id), balance(conn, amina)) == ("paid", (0, None))
    assert open_outstanding(conn, debt_id) is None
    reverse(conn, payment)
    assert (status(conn, debt_id), balance(conn, amina)) == ("open", (100, "2026-12-01"))
    assert open_outstanding(conn, debt_id) == 100
    assert found(conn) == []


def test_a_payment_after_a_reversal_counts_only_what_stands(conn: sqlite3.Connection) -> None:
    amina = customer(conn)
    debt_id = debt(conn, amina, 100)
    reverse(conn, pay(conn, debt_id, 100))
    pay(conn, debt_id, 50)
    # 150 was written against the debt, but only 50 of it still counts.
    assert status(conn, debt_id) == "open"
    assert open_outstanding(conn, debt_id) == 50
    assert balance(conn, amina) == (50, None)
    pay(conn, debt_id, 50)
    assert status(conn, debt_id) == "paid"
    assert found(conn) == []


def test_reversing_part_of_a_debts_payments_leaves_the_rest(conn: sqlite3.Connection) -> None:
    amina = customer(conn)
    debt_id = debt(conn, amina, 100)
    pay(conn, debt_id, 30)
    last = pay(conn, debt_id, 70)
    reverse(conn, last)
    assert (status(conn, debt_id), open_outstanding(conn, debt_id)) == ("open", 70)
    assert balance(conn, amina) == (70, None)
    assert found(conn) == []


def test_goods_returned_cannot_be_reversed(conn: sqlite3.Connection) -> None:
    amina = customer(conn)
    sale_id = insert(conn, "INSERT INTO sales (total, paid, customer_id) VALUES (100, 0, ?)", amina)
    debt_id = insert(
        conn,
        "INSERT INTO debts (sale_id, amount, customer_id) VALUES (?, 100, ?)",
        sale_id,
        amina,
    )
    sale_reversal = insert(
        conn,
        "INSERT INTO sale_reversals (sale_id, kind, amount, debt_reduced, cash_out, "
        "reversed_at, operator_id, reason) VALUES (?, 'void', 100, 100, 0, "
        "'2026-11-21 11:00:00', 1, 'returned')",
        sale_id,
    )
    returned = insert(
        conn,
        "INSERT INTO payment_history (debt_id, amount, customer_id, method, reversal_id) "
        "VALUES (?, 100, ?, 'return', ?)",
        debt_id,
        amina,
        sale_reversal,
    )
    with pytest.raises(sqlite3.IntegrityError, match="goods returned on a sale are not a payment"):
        reverse(conn, returned)
    assert status(conn, debt_id) == "paid"
    assert conn.execute("SELECT COUNT(*) FROM payment_reversals").fetchone()[0] == 0


def test_a_payment_is_reversed_once_and_with_a_reason(conn: sqlite3.Connection) -> None:
    amina = customer(conn)
    payment = pay(conn, debt(conn, amina, 100), 40)
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        reverse(conn, payment, reason="   ")
    reverse(conn, payment)
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE constraint failed"):
        reverse(conn, payment)
    assert balance(conn, amina) == (100, None)


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("UPDATE payment_receipts SET amount = 1", "payment receipts are append-only"),
        ("DELETE FROM payment_receipts", "payment receipts are append-only"),
        ("UPDATE payment_reversals SET reason = 'x'", "payment reversals are append-only"),
        ("DELETE FROM payment_reversals", "payment reversals are append-only"),
    ],
)
def test_receipts_and_reversals_are_never_changed(
    conn: sqlite3.Connection, statement: str, message: str
) -> None:
    amina = customer(conn)
    receipt_id = receipt(conn, amina, 100)
    reverse(conn, pay(conn, debt(conn, amina, 100), 100, receipt_id))
    with pytest.raises(sqlite3.IntegrityError, match=message):
        conn.execute(statement)
    assert conn.execute("SELECT amount FROM payment_receipts").fetchall() == [(100,)]
    assert conn.execute("SELECT reason FROM payment_reversals").fetchall() == [("typed wrong",)]


def test_a_receipt_takes_only_the_methods_money_comes_in_by(conn: sqlite3.Connection) -> None:
    amina = customer(conn)
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        conn.execute(
            "INSERT INTO payment_receipts (customer_id, amount, method, received_at, operator_id)"
            " VALUES (?, 100, 'return', '2026-11-21 10:00:00', 1)",
            (amina,),
        )


def test_the_oldest_due_date_follows_new_debts(conn: sqlite3.Connection) -> None:
    amina = customer(conn)
    assert balance(conn, amina) == (0, None)
    debt(conn, amina, 100, "2026-12-10")
    assert balance(conn, amina)[1] == "2026-12-10"
    debt(conn, amina, 100, "2026-12-20")
    assert balance(conn, amina)[1] == "2026-12-10"
    debt(conn, amina, 100, "2026-11-30")
    assert balance(conn, amina)[1] == "2026-11-30"
    debt(conn, amina, 100)  # undated: never earlier than a dated debt
    assert balance(conn, amina)[1] == "2026-11-30"
    assert found(conn) == []


def test_the_oldest_due_date_moves_on_when_the_oldest_debt_is_paid_or_reversed(
    conn: sqlite3.Connection,
) -> None:
    amina = customer(conn)
    oldest = debt(conn, amina, 100, "2026-10-01")
    debt(conn, amina, 100, "2026-11-01")
    pay(conn, oldest, 60)
    assert balance(conn, amina) == (140, "2026-10-01")
    settling = pay(conn, oldest, 40)
    assert balance(conn, amina) == (100, "2026-11-01")
    reverse(conn, settling)
    assert balance(conn, amina) == (140, "2026-10-01")
    assert found(conn) == []


def test_a_customer_with_only_undated_debts_has_no_oldest_due_date(
    conn: sqlite3.Connection,
) -> None:
    amina = customer(conn)
    debt(conn, amina, 100)
    debt(conn, amina, 50)
    assert balance(conn, amina) == (150, None)
    dated = debt(conn, amina, 10, "2026-12-01")
    assert balance(conn, amina) == (160, "2026-12-01")
    pay(conn, dated, 10)
    assert balance(conn, amina) == (150, None)
    assert found(conn) == []


def test_the_oldest_due_date_follows_a_debt_moved_to_another_customer(
    conn: sqlite3.Connection,
) -> None:
    """The legacy queue and merges move debts with UPDATE; both customers are kept right."""
    holder, karim = customer(conn, "Unassigned (legacy)"), customer(conn, "Karim")
    moved = debt(conn, holder, 100, "2026-09-01")
    debt(conn, holder, 100, "2026-10-01")
    debt(conn, karim, 100, "2026-12-01")
    conn.execute("UPDATE debts SET customer_id = ? WHERE id = ?", (karim, moved))
    assert balance(conn, holder) == (100, "2026-10-01")
    assert balance(conn, karim) == (200, "2026-09-01")
    conn.execute("UPDATE debts SET customer_id = ? WHERE customer_id = ?", (karim, holder))
    assert balance(conn, holder) == (0, None)
    assert found(conn) == []


def test_the_oldest_due_date_follows_a_changed_due_date_and_a_deleted_debt(
    conn: sqlite3.Connection,
) -> None:
    """Since 030 only a hand edit past the guards changes a due date or removes a debt; the
    balances still follow it."""
    amina = customer(conn)
    first = debt(conn, amina, 100, "2026-10-01")
    debt(conn, amina, 100, "2026-11-01")
    with guards_dropped(conn):
        conn.execute("UPDATE debts SET due_date = '2026-12-01' WHERE id = ?", (first,))
        assert balance(conn, amina)[1] == "2026-11-01"
        conn.execute("UPDATE debts SET due_date = '2026-08-01' WHERE id = ?", (first,))
        assert balance(conn, amina)[1] == "2026-08-01"
        conn.execute("DELETE FROM debts WHERE id = ?", (first,))
    assert balance(conn, amina) == (100, "2026-11-01")
    assert found(conn) == []


# ----- check rules ------------------------------------------------------------------------------


def test_a_wrong_oldest_due_date_is_found(conn: sqlite3.Connection) -> None:
    amina, karim = customer(conn), customer(conn, "Karim")
    debt(conn, amina, 100, "2026-10-01")
    conn.execute(
        "UPDATE customer_balances SET oldest_due = '2026-01-01' WHERE customer_id = ?", (amina,)
    )
    conn.execute(
        "UPDATE customer_balances SET oldest_due = '2026-02-02' WHERE customer_id = ?", (karim,)
    )
    assert found(conn) == [
        (
            OLDEST_DUE,
            f"customer {amina}: oldest due 2026-01-01 but their open debts say 2026-10-01",
        ),
        (OLDEST_DUE, f"customer {karim}: oldest due 2026-02-02 but their open debts say none"),
    ]


def test_a_missing_oldest_due_date_is_found(conn: sqlite3.Connection) -> None:
    amina = customer(conn)
    debt(conn, amina, 100, "2026-10-01")
    conn.execute("UPDATE customer_balances SET oldest_due = NULL WHERE customer_id = ?", (amina,))
    assert found(conn) == [
        (OLDEST_DUE, f"customer {amina}: oldest due none but their open debts say 2026-10-01")
    ]


def test_a_receipt_whose_payments_do_not_add_up_is_found(conn: sqlite3.Connection) -> None:
    amina = customer(conn)
    short = receipt(conn, amina, 1_000)
    pay(conn, debt(conn, amina, 600), 600, short)
    assert found(conn) == [
        (RECEIPT_SUM, f"receipt {short}: amount 1000 but its payments come to 600"),
    ]


def test_a_receipt_with_no_payments_is_found(conn: sqlite3.Connection) -> None:
    empty = receipt(conn, customer(conn), 250)
    # No payment at all is not a payment from another customer.
    assert found(conn) == [
        (RECEIPT_SUM, f"receipt {empty}: amount 250 but its payments come to 0"),
    ]


def test_a_receipt_holding_another_customers_payment_is_found(conn: sqlite3.Connection) -> None:
    amina, karim = customer(conn), customer(conn, "Karim")
    receipt_id = receipt(conn, amina, 300)
    pay(conn, debt(conn, amina, 100), 100, receipt_id)
    pay(conn, debt(conn, karim, 200), 200, receipt_id)
    assert found(conn) == [
        (
            RECEIPT_SUM,
            f"receipt {receipt_id}: amount 300 but its payments come to 300 "
            "and some are from another customer",
        )
    ]


def test_a_reversed_receipt_still_adds_up(conn: sqlite3.Connection) -> None:
    """The receipt records what was taken; its reversal is a row of its own."""
    amina = customer(conn)
    receipt_id = receipt(conn, amina, 300)
    reverse(conn, pay(conn, debt(conn, amina, 100), 100, receipt_id))
    reverse(conn, pay(conn, debt(conn, amina, 500), 200, receipt_id))
    assert found(conn) == []


def test_a_receipt_amount_stored_as_real_is_found(conn: sqlite3.Connection) -> None:
    amina = customer(conn)
    receipt_id = receipt(conn, amina, 100)
    pay(conn, debt(conn, amina, 100), 100, receipt_id)
    # 100.0 would be stored as the integer 100 (INTEGER affinity); 100.5 stays a REAL.
    hand_edit(conn, "UPDATE payment_receipts SET amount = 100.5 WHERE id = ?", receipt_id)
    assert (RECEIPT_MONEY, f"payment_receipts row {receipt_id}: amount=100.5") in found(conn)


def test_a_reversal_that_did_not_reopen_its_debt_is_found(conn: sqlite3.Connection) -> None:
    amina = customer(conn)
    debt_id = debt(conn, amina, 100)
    payment = pay(conn, debt_id, 100)
    conn.execute("DROP TRIGGER trg_payment_reversals_reopen")
    reverse(conn, payment)
    assert found(conn) == [
        (DEBT_STATUS, f"debt {debt_id}: status paid with 0 of 100 paid"),
        (BALANCE, f"customer {amina}: balance 0 but debts less payments come to 100"),
    ]


def test_only_payments_that_stand_count_towards_a_debt(conn: sqlite3.Connection) -> None:
    amina = customer(conn)
    debt_id = debt(conn, amina, 100)
    first = pay(conn, debt_id, 100)
    reverse(conn, first)
    pay(conn, debt_id, 100)
    assert status(conn, debt_id) == "paid"
    assert found(conn) == []
    # Before reversals existed every payment counted, and the same rows read as overpaid.
    older = [check for check, _ in found(conn, REVERSALS_COUNTED - 1)]
    assert DEBT_OVERPAID in older and BALANCE in older


def test_payments_that_stand_beyond_the_amount_are_found(conn: sqlite3.Connection) -> None:
    amina = customer(conn)
    debt_id = debt(conn, amina, 100)
    pay(conn, debt_id, 60)
    extra = pay(conn, debt_id, 60)
    assert found(conn) == [(DEBT_OVERPAID, f"debt {debt_id}: paid 120 on a debt of 100")]
    reverse(conn, extra)
    assert found(conn) == []


def test_cash_paid_back_against_a_payment_later_reversed_is_found(
    conn: sqlite3.Connection,
) -> None:
    cash_back = "cash paid back on a sale is not more than was paid for it"
    amina = customer(conn)
    sale_id = insert(conn, "INSERT INTO sales (total, paid, customer_id) VALUES (100, 0, ?)", amina)
    debt_id = insert(
        conn,
        "INSERT INTO debts (sale_id, amount, customer_id) VALUES (?, 100, ?)",
        sale_id,
        amina,
    )
    paid = pay(conn, debt_id, 100)
    insert(
        conn,
        "INSERT INTO sale_reversals (sale_id, kind, amount, debt_reduced, cash_out, "
        "reversed_at, operator_id, reason) VALUES (?, 'refund', 100, 0, 100, "
        "'2026-11-21 11:00:00', 1, 'returned')",
        sale_id,
    )
    assert [detail for check, detail in found(conn) if check == cash_back] == []
    reverse(conn, paid)
    assert [detail for check, detail in found(conn) if check == cash_back] == [
        f"sale {sale_id}: 100 paid back of 0 paid"
    ]
    # Before migration 029 a reversal did not exist, and the rule read every payment.
    assert [d for c, d in found(conn, REVERSALS_COUNTED - 1) if c == cash_back] == []
