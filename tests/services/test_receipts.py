"""Receipts: what a sale's receipt says, its balance lines as of the sale, its reversals."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import date, datetime

import pytest

from app.db.checks import all_violations
from app.db.database import DukanDatabase, schema_version
from app.services.errors import ServiceError
from app.services.receipts import (
    CustomerLines,
    ReceiptLine,
    ReceiptService,
    ReversalLine,
    ShopHeader,
)
from tests.conftest import add_credit_sale

Item = tuple[str, int, int]  # description, quantity, unit price


@pytest.fixture
def conn(database: DukanDatabase) -> sqlite3.Connection:
    return database.sqlite_connection()


@pytest.fixture
def receipts(database: DukanDatabase) -> ReceiptService:
    return ReceiptService()


def ring_up(
    conn: sqlite3.Connection,
    items: list[Item],
    *,
    paid: int,
    sold_at: str = "2025-05-01 10:00:00",
    tendered: int | None = None,
    customer_id: int | None = None,
    due: str | None = None,
) -> tuple[int, list[int], int | None]:
    """A sale as the till records it: items, paid now, the rest a debt of the sale.
    Returns the sale, its item ids and its debt (None when paid in full)."""
    total = sum(quantity * price for _description, quantity, price in items)
    sale_id = conn.execute(
        "INSERT INTO sales (sold_at, total, paid, customer_id, checkout_key, tendered) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (sold_at, total, paid, customer_id, uuid.uuid4().hex, tendered),
    ).lastrowid
    assert sale_id is not None
    item_ids = []
    for description, quantity, price in items:
        item_id = conn.execute(
            "INSERT INTO sale_items (sale_id, description, quantity, unit_price) "
            "VALUES (?, ?, ?, ?)",
            (sale_id, description, quantity, price),
        ).lastrowid
        assert item_id is not None
        item_ids.append(item_id)
    debt_id = None
    if paid < total:
        assert customer_id is not None
        debt_id = conn.execute(
            "INSERT INTO debts (sale_id, amount, due_date, customer_id, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (sale_id, total - paid, due, customer_id, sold_at),
        ).lastrowid
    return sale_id, item_ids, debt_id


def new_customer(conn: sqlite3.Connection, name: str = "Amina", number: str = "C-00007") -> int:
    customer_id = conn.execute(
        "INSERT INTO customers (name, customer_number) VALUES (?, ?)", (name, number)
    ).lastrowid
    assert customer_id is not None
    return customer_id


def pay(conn: sqlite3.Connection, debt_id: int, amount: int, paid_at: str) -> None:
    conn.execute(
        "INSERT INTO payment_history (debt_id, amount, customer_id, paid_at) "
        "VALUES (?, ?, (SELECT customer_id FROM debts WHERE id = ?), ?)",
        (debt_id, amount, debt_id, paid_at),
    )


def reverse(
    conn: sqlite3.Connection,
    sale_id: int,
    kind: str,
    returned: list[tuple[int, int, int]],
    *,
    debt_id: int | None,
    debt_reduced: int,
    at: str,
    reason: str,
) -> None:
    """A void or refund as the reversal service writes it: the reversal, its lines, and the
    part taken off the debt as a 'return' payment. `returned`: (item id, quantity, amount)."""
    amount = sum(line_amount for _item, _quantity, line_amount in returned)
    reversal_id = conn.execute(
        "INSERT INTO sale_reversals (sale_id, kind, amount, debt_reduced, cash_out, "
        "reversed_at, operator_id, reason) VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
        (sale_id, kind, amount, debt_reduced, amount - debt_reduced, at, reason),
    ).lastrowid
    for item_id, quantity, line_amount in returned:
        conn.execute(
            "INSERT INTO sale_reversal_items (reversal_id, sale_item_id, quantity, amount) "
            "VALUES (?, ?, ?, ?)",
            (reversal_id, item_id, quantity, line_amount),
        )
    if debt_reduced:
        assert debt_id is not None
        conn.execute(
            "INSERT INTO payment_history (debt_id, amount, customer_id, paid_at, method, "
            "reversal_id) VALUES (?, ?, (SELECT customer_id FROM debts WHERE id = ?), ?, "
            "'return', ?)",
            (debt_id, debt_reduced, debt_id, at, reversal_id),
        )


def set_settings(conn: sqlite3.Connection, **values: str) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", list(values.items())
    )


def assert_books_clean(conn: sqlite3.Connection) -> None:
    assert all_violations(conn, schema_version()) == []


def test_cash_sale_shows_the_shop_lines_paid_and_change(
    conn: sqlite3.Connection, receipts: ReceiptService
) -> None:
    set_settings(
        conn,
        shop_name="  Épicerie Al-Amal ",
        shop_address="12 Rue Didouche Mourad\nAlger",
        shop_phone="+213 555 12 34 56",
        shop_tax_number="NIF 0012345678",
        receipt_footer="Thank you!",
    )
    sale_id, _items, _debt = ring_up(
        conn,
        [("Milk 1 L", 2, 500), ("Bread", 1, 250)],
        paid=1250,
        tendered=2000,
        sold_at="2025-05-01 10:15:30",
    )
    assert_books_clean(conn)

    receipt = receipts.receipt(sale_id)

    assert receipt.shop == ShopHeader(
        "Épicerie Al-Amal",
        "12 Rue Didouche Mourad\nAlger",
        "+213 555 12 34 56",
        "NIF 0012345678",
        "Thank you!",
    )
    assert receipt.sale_id == sale_id
    assert receipt.sold_at == datetime(2025, 5, 1, 10, 15, 30)
    assert receipt.lines == (
        ReceiptLine("Milk 1 L", 2, 500, 1000),
        ReceiptLine("Bread", 1, 250, 250),
    )
    assert (receipt.total_minor, receipt.paid_minor) == (1250, 1250)
    assert (receipt.tendered_minor, receipt.change_minor) == (2000, 750)
    assert receipt.customer is None
    assert receipt.reversals == ()


def test_shop_header_leaves_out_what_is_not_set_and_falls_back_to_dukan(
    conn: sqlite3.Connection, receipts: ReceiptService
) -> None:
    assert receipts.shop_header() == ShopHeader("Dukan", None, None, None, None)
    set_settings(conn, shop_name="   ", shop_address="", shop_phone="0555 12 34 56")
    assert receipts.shop_header() == ShopHeader("Dukan", None, "0555 12 34 56", None, None)


def test_walk_in_sale_without_tendered_cash_has_no_change_and_no_customer(
    conn: sqlite3.Connection, receipts: ReceiptService
) -> None:
    sale_id, _items, _debt = ring_up(conn, [("Sugar", 10, 100)], paid=1000)

    receipt = receipts.receipt(sale_id)

    assert receipt.tendered_minor is None
    assert receipt.change_minor == 0
    assert receipt.customer is None
    assert receipt.lines == (ReceiptLine("Sugar", 10, 100, 1000),)


def test_credit_sale_shows_the_balance_as_it_stood_at_the_sale(
    conn: sqlite3.Connection, receipts: ReceiptService
) -> None:
    amina = new_customer(conn, "Хасан Абдуллаев", "C-00042")
    # Before the sale: an earlier credit sale partly paid, and an opening balance.
    earlier = add_credit_sale(
        conn,
        amina,
        5000,
        sold_at="2025-04-01 09:00:00",
        paid_back=2000,
        paid_at="2025-04-15 12:00:00",
    )
    conn.execute(
        "INSERT INTO debts (amount, customer_id, created_at) VALUES (1000, ?, ?)",
        (amina, "2025-04-20 08:00:00"),
    )
    sale_id, _items, debt_id = ring_up(
        conn,
        [("Rice 5 kg", 1, 2500), ("Oil", 1, 500)],
        paid=1000,
        tendered=1000,
        customer_id=amina,
        due="2025-05-31",
    )
    assert debt_id is not None
    # After the sale: a payment on the earlier debt, a payment on this one, a later sale.
    pay(conn, earlier, 500, "2025-06-01 09:00:00")
    pay(conn, debt_id, 700, "2025-06-02 09:00:00")
    add_credit_sale(conn, amina, 900, sold_at="2025-06-03 09:00:00")
    # A different customer's debts never count.
    add_credit_sale(conn, new_customer(conn, "Other", "C-00099"), 4000, sold_at="2025-01-01")
    assert_books_clean(conn)

    receipt = receipts.receipt(sale_id)

    assert receipt.customer == CustomerLines(
        name="Хасан Абдуллаев",
        number="C-00042",
        previous_balance_minor=5000 - 2000 + 1000,
        this_sale_debt_minor=2000,
        new_balance_minor=4000 + 2000,
        due_date=date(2025, 5, 31),
    )
    assert (receipt.total_minor, receipt.paid_minor, receipt.change_minor) == (3000, 1000, 0)
    # The earlier sale's own receipt is unchanged by everything that came after it.
    earlier_sale = conn.execute("SELECT sale_id FROM debts WHERE id = ?", (earlier,)).fetchone()[0]
    first = receipts.receipt(earlier_sale).customer
    assert first is not None
    assert (first.previous_balance_minor, first.this_sale_debt_minor) == (0, 5000)
    assert first.new_balance_minor == 5000


def test_payment_on_this_sales_own_debt_is_not_part_of_the_previous_balance(
    conn: sqlite3.Connection, receipts: ReceiptService
) -> None:
    amina = new_customer(conn)
    add_credit_sale(conn, amina, 3000, sold_at="2025-04-01 09:00:00")
    sale_id, _items, debt_id = ring_up(
        conn, [("Tea", 4, 250)], paid=0, customer_id=amina, sold_at="2025-05-01 10:00:00"
    )
    assert debt_id is not None
    # Paid back within the very second of the sale: it settles this sale, not the old debt.
    pay(conn, debt_id, 400, "2025-05-01 10:00:00")

    customer = receipts.receipt(sale_id).customer

    assert customer is not None
    assert customer.previous_balance_minor == 3000
    assert customer.this_sale_debt_minor == 1000
    assert customer.new_balance_minor == 4000


def test_a_payment_reversed_before_the_sale_is_not_in_the_previous_balance(
    conn: sqlite3.Connection, receipts: ReceiptService
) -> None:
    amina = new_customer(conn)
    earlier = add_credit_sale(conn, amina, 3000, sold_at="2025-04-01 09:00:00")
    pay(conn, earlier, 1000, "2025-04-10 09:00:00")  # bounced, reversed before the sale
    pay(conn, earlier, 500, "2025-04-11 09:00:00")  # reversed only after the sale
    bounced, later = (
        row[0]
        for row in conn.execute("SELECT id FROM payment_history WHERE debt_id = ?", (earlier,))
    )
    sale_id, _items, _debt = ring_up(
        conn, [("Tea", 4, 250)], paid=0, customer_id=amina, sold_at="2025-05-01 10:00:00"
    )
    for payment_id, at in ((bounced, "2025-04-20 09:00:00"), (later, "2025-06-01 09:00:00")):
        conn.execute(
            "INSERT INTO payment_reversals (payment_id, reversed_at, operator_id, reason) "
            "VALUES (?, ?, 1, 'cheque bounced')",
            (payment_id, at),
        )
    assert_books_clean(conn)

    customer = receipts.receipt(sale_id).customer

    assert customer is not None
    # 3000 owed, the 1000 no longer paid by then, the 500 still standing on the day.
    assert customer.previous_balance_minor == 3000 - 500
    assert customer.new_balance_minor == 2500 + 1000


def test_customer_sale_paid_in_full_shows_balances_without_a_due_date(
    conn: sqlite3.Connection, receipts: ReceiptService
) -> None:
    amina = new_customer(conn)
    add_credit_sale(conn, amina, 1200, sold_at="2025-04-01 09:00:00")
    sale_id, _items, debt_id = ring_up(conn, [("Soap", 3, 150)], paid=450, customer_id=amina)
    assert debt_id is None

    assert receipts.receipt(sale_id).customer == CustomerLines(
        name="Amina",
        number="C-00007",
        previous_balance_minor=1200,
        this_sale_debt_minor=0,
        new_balance_minor=1200,
        due_date=None,
    )


def test_voided_and_refunded_sale_lists_its_reversals_and_keeps_its_balance_lines(
    conn: sqlite3.Connection, receipts: ReceiptService
) -> None:
    amina = new_customer(conn)
    sale_id, (flour, eggs), debt_id = ring_up(
        conn,
        [("Flour", 2, 400), ("Eggs", 1, 1000)],
        paid=800,
        tendered=1000,
        customer_id=amina,
        due="2025-05-31",
    )
    assert debt_id is not None
    pay(conn, debt_id, 300, "2025-05-10 09:00:00")
    # One bag of flour back: its 400 comes off the 700 still owed.
    reverse(
        conn,
        sale_id,
        "refund",
        [(flour, 1, 400)],
        debt_id=debt_id,
        debt_reduced=400,
        at="2025-05-12 14:00:00",
        reason="Torn bag",
    )
    # Then the rest: 300 still owed comes off the debt, the other 1,100 goes back as cash.
    reverse(
        conn,
        sale_id,
        "void",
        [(flour, 1, 400), (eggs, 1, 1000)],
        debt_id=debt_id,
        debt_reduced=300,
        at="2025-05-13 09:30:00",
        reason="Customer's order was cancelled",
    )
    assert_books_clean(conn)
    status = conn.execute("SELECT status FROM debts WHERE id = ?", (debt_id,)).fetchone()[0]
    assert status == "paid"

    receipt = receipts.receipt(sale_id)

    assert receipt.reversals == (
        ReversalLine("refund", datetime(2025, 5, 12, 14, 0), 400, 0, "Torn bag"),
        ReversalLine(
            "void", datetime(2025, 5, 13, 9, 30), 1400, 1100, "Customer's order was cancelled"
        ),
    )
    # The receipt still says what the sale was: the reversals are shown beside it.
    assert receipt.total_minor == 1800
    assert len(receipt.lines) == 2
    assert receipt.customer is not None
    assert receipt.customer.previous_balance_minor == 0
    assert receipt.customer.this_sale_debt_minor == 1000
    assert receipt.customer.new_balance_minor == 1000


def test_missing_sale_is_a_service_error(receipts: ReceiptService) -> None:
    with pytest.raises(ServiceError, match=r"^There is no sale 999\.$"):
        receipts.receipt(999)


def test_receipt_reads_through_indexes_only(
    conn: sqlite3.Connection, receipts: ReceiptService
) -> None:
    """No full scan of sales, debts or payments, however many the shop has."""
    amina = new_customer(conn)
    add_credit_sale(conn, amina, 3000, sold_at="2025-04-01 09:00:00", paid_back=100)
    sale_id, (tea,), debt_id = ring_up(conn, [("Tea", 4, 250)], paid=0, customer_id=amina)
    reverse(
        conn,
        sale_id,
        "refund",
        [(tea, 1, 250)],
        debt_id=debt_id,
        debt_reduced=250,
        at="2025-05-02 09:00:00",
        reason="Spilt",
    )
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        receipts.receipt(sale_id)
    finally:
        conn.set_trace_callback(None)

    selects = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    assert 5 <= len(selects) <= 10
    for sql in selects:
        plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
        assert not [step for step in plan if step.startswith("SCAN")], (sql, plan)
