"""The `check` rules for sales since 025: paid plus debt, reversals, and stock as a ledger."""

from __future__ import annotations

import sqlite3

from app.db.checks import all_violations
from app.db.migration_files import load_migrations
from app.paths import migrations_dir
from tests.conftest import add_debt
from tests.db.conftest import PopulatedCopy, insert
from tests.db.hand_edits import guards_dropped

LATEST = len(load_migrations(migrations_dir()))
PAID_PLUS_DEBT = "a sale's total is what was paid at the till plus its debt"
REVERSAL_AMOUNT = "a reversal's amount is the value of the lines that came back"
RETURNED_TWICE = "no sale line comes back more often than it was sold"
REVERSAL_DEBT = "a reversal takes off its sale's debt what it says"
CASH_BACK = "cash paid back on a sale is not more than was paid for it"
STOCK_SUM = "a product's stock is the sum of its stock moves"
STOCK_MOVED = "every sale line and returned line since the stock ledger began moved the stock"


def product(conn: sqlite3.Connection, stock: int) -> int:
    product_id = insert(conn, "INSERT INTO products (name, price) VALUES ('Tea', 250)")
    insert(
        conn,
        "INSERT INTO stock_moves (product_id, quantity, kind, moved_at) "
        "VALUES (?, ?, 'count', '2026-11-21 09:00:00')",
        product_id,
        stock,
    )
    return product_id


def till_sale(
    conn: sqlite3.Connection, product_id: int | None, quantity: int, paid: int, key: str
) -> tuple[int, int]:
    """A sale rung up at the till (it has a checkout key) of `quantity` at 250 each."""
    sale_id = insert(
        conn,
        "INSERT INTO sales (sold_at, total, paid, checkout_key) "
        "VALUES ('2026-11-21 10:00:00', ?, ?, ?)",
        quantity * 250,
        paid,
        key,
    )
    item_id = insert(
        conn,
        "INSERT INTO sale_items (sale_id, product_id, description, quantity, unit_price) "
        "VALUES (?, ?, 'Tea', ?, 250)",
        sale_id,
        product_id,
        quantity,
    )
    return sale_id, item_id


def reversal(
    conn: sqlite3.Connection,
    sale_id: int,
    item_id: int,
    quantity: int,
    *,
    debt_reduced: int = 0,
    recorded: int | None = None,
) -> int:
    amount = quantity * 250 if recorded is None else recorded
    reversal_id = insert(
        conn,
        "INSERT INTO sale_reversals (sale_id, kind, amount, debt_reduced, cash_out, reversed_at,"
        " operator_id, reason) VALUES (?, 'refund', ?, ?, ?, '2026-11-21 11:00:00', 1, 'test')",
        sale_id,
        amount,
        debt_reduced,
        amount - debt_reduced,
    )
    insert(
        conn,
        "INSERT INTO sale_reversal_items (reversal_id, sale_item_id, quantity, amount) "
        "VALUES (?, ?, ?, ?)",
        reversal_id,
        item_id,
        quantity,
        amount,
    )
    return reversal_id


def found(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    return [(v.check, v.detail) for v in all_violations(conn, LATEST)]


def test_a_till_sale_paid_in_part_without_a_debt(conn: sqlite3.Connection) -> None:
    sale_id, _ = till_sale(conn, None, 4, 600, "k")
    assert found(conn) == [(PAID_PLUS_DEBT, f"sale {sale_id}: total 1000 but paid 600 and owed 0")]
    add_debt(conn, sale_id, 400)
    assert found(conn) == []


def test_well_kept_reversals_and_stock_pass(conn: sqlite3.Connection) -> None:
    tea = product(conn, 10)
    sale_id, item_id = till_sale(conn, tea, 4, 1000, "k")
    reversal(conn, sale_id, item_id, 3)
    assert conn.execute("SELECT stock FROM products WHERE id = ?", (tea,)).fetchone()[0] == 9
    assert found(conn) == []


def test_a_reversal_whose_amount_is_not_its_lines(conn: sqlite3.Connection) -> None:
    sale_id, item_id = till_sale(conn, None, 4, 1000, "k")
    reversal_id = reversal(conn, sale_id, item_id, 2, recorded=900)
    assert found(conn) == [
        (
            REVERSAL_AMOUNT,
            f"reversal {reversal_id}: amount 900 but its lines come to 500 (recorded as 900)",
        )
    ]


def test_a_line_returned_more_often_than_sold_past_the_trigger(conn: sqlite3.Connection) -> None:
    sale_id, item_id = till_sale(conn, None, 2, 500, "k")
    with guards_dropped(conn):
        reversal(conn, sale_id, item_id, 2)
        reversal(conn, sale_id, item_id, 1)
    problems = found(conn)
    assert (RETURNED_TWICE, f"sale line {item_id}: 3 returned of 2 sold") in problems
    assert (CASH_BACK, f"sale {sale_id}: 750 paid back of 500 paid") in problems


def test_a_reversal_that_did_not_take_its_part_off_the_debt(conn: sqlite3.Connection) -> None:
    sale_id, item_id = till_sale(conn, None, 4, 0, "k")
    add_debt(conn, sale_id, 1000)
    reversal_id = reversal(conn, sale_id, item_id, 1, debt_reduced=250)
    assert found(conn) == [
        (
            REVERSAL_DEBT,
            f"reversal {reversal_id}: 250 off the debt but 0 recorded on debts of sale {sale_id}",
        )
    ]


def test_stock_changed_behind_the_ledger(conn: sqlite3.Connection) -> None:
    tea = product(conn, 10)
    conn.execute("UPDATE products SET stock = 99 WHERE id = ?", (tea,))
    assert found(conn) == [(STOCK_SUM, f"product {tea}: stock 99 but its moves add up to 10")]


def test_a_sale_line_that_did_not_move_the_stock(conn: sqlite3.Connection) -> None:
    tea = product(conn, 10)
    conn.execute("DROP TRIGGER trg_sale_items_move_stock")
    _, item_id = till_sale(conn, tea, 2, 500, "k")
    assert found(conn) == [
        (
            STOCK_MOVED,
            f"sale line {item_id}: 2 of product {tea} sold but the stock moved by nothing",
        )
    ]


def test_an_upgraded_shop_opens_its_stock_ledger_after_its_last_sale_line(
    populated_copy: PopulatedCopy,
) -> None:
    conn = sqlite3.connect(populated_copy(LATEST))
    try:
        last_item = conn.execute("SELECT MAX(id) FROM sale_items").fetchone()[0]
        start = conn.execute("SELECT first_sale_item_id FROM stock_ledger_start").fetchone()[0]
        assert last_item > 0 and start == last_item + 1
        # Every product's stock is where it was, now as one opening move (none for zero).
        opening = conn.execute(
            "SELECT COUNT(*) FROM products p JOIN stock_moves m ON m.product_id = p.id "
            "WHERE m.kind = 'opening' AND m.quantity = p.stock"
        ).fetchone()[0]
        assert (
            opening == conn.execute("SELECT COUNT(*) FROM products WHERE stock <> 0").fetchone()[0]
        )
        assert all_violations(conn, LATEST) == []
    finally:
        conn.close()
