"""Voids and refunds: reversing rows, the debt reduced before any cash goes back, never twice."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from app.db.database import DukanDatabase
from app.db.tables import AuditEntry, CustomerBalance, Debt, Payment, Sale, SaleItem
from app.services.checkout import CheckoutOutcome
from app.services.errors import ServiceError
from app.services.payments import PaymentRequest, Payments
from app.services.sale_reversals import SaleReversals
from tests.conftest import add_payment
from tests.services.till import NOW, customer, line, product, sell, stock_of, violations


@pytest.fixture
def reversals(database: DukanDatabase) -> SaleReversals:
    return SaleReversals(now=lambda: NOW)


@pytest.fixture
def tea(database: DukanDatabase) -> int:
    return product("Thé vert 250g", 2_500, stock=10)


def items_of(sale_id: int) -> list[int]:
    return [
        row.id for row in SaleItem.select().where(SaleItem.sale == sale_id).order_by(SaleItem.id)
    ]


def test_voiding_a_cash_sale_pays_the_cash_back_and_returns_the_stock(
    database: DukanDatabase, reversals: SaleReversals, tea: int
) -> None:
    sale = sell([line(tea, "Tea", 3, 2_500), line(None, "Bag", 1, 100)], key="k", tendered=10_000)
    outcome = reversals.void(sale.sale_id, "customer changed their mind")
    assert (
        outcome.kind,
        outcome.amount_minor,
        outcome.debt_reduced_minor,
        outcome.cash_out_minor,
    ) == (
        "void",
        7_600,
        0,
        7_600,
    )
    assert stock_of(tea) == 10
    # The sale itself is untouched: the reversal is new rows.
    stored = Sale.get_by_id(sale.sale_id)
    assert (stored.total, stored.paid) == (7_600, 7_600)
    entry = AuditEntry.get((AuditEntry.entity == "sale") & (AuditEntry.action == "void"))
    assert entry.entity_id == sale.sale_id and entry.reason == "customer changed their mind"
    assert json.loads(entry.after_json or "null")["cash_out"] == 7_600
    assert violations(database) == []


def test_voiding_an_unpaid_credit_sale_cancels_the_debt_without_cash(
    database: DukanDatabase, reversals: SaleReversals, tea: int
) -> None:
    amina = customer("Amina")
    sale = sell([line(tea, "Tea", 2, 2_500)], key="k", customer_id=amina, on_account=True)
    outcome = reversals.void(sale.sale_id, "wrong customer")
    assert (outcome.debt_reduced_minor, outcome.cash_out_minor) == (5_000, 0)
    debt = Debt.get_by_id(sale.debt_id)
    assert (debt.amount, debt.status) == (5_000, "paid")  # amount kept; settled by the return
    returned = Payment.get(Payment.reversal_id == outcome.reversal_id)
    assert (returned.method, returned.amount, returned.customer_id) == ("return", 5_000, amina)
    assert CustomerBalance.get_by_id(amina).outstanding == 0
    assert violations(database) == []


def test_refunding_a_partly_paid_credit_sale_reduces_the_debt_first_then_pays_cash(
    database: DukanDatabase, reversals: SaleReversals, tea: int
) -> None:
    amina = customer("Amina")
    # 10 x 2,500 = 25,000: 5,000 paid at the till, 20,000 on account, later 8,000 paid back.
    sale = sell(
        [line(tea, "Tea", 10, 2_500)], key="k", customer_id=amina, tendered=5_000, on_account=True
    )
    add_payment(database.sqlite_connection(), sale.debt_id or 0, 8_000)
    (item,) = items_of(sale.sale_id)
    # 6 come back (15,000): 12,000 is still owed, so 12,000 off the debt and 3,000 in cash.
    first = reversals.refund(sale.sale_id, {item: 6}, "damaged box")
    assert (first.kind, first.amount_minor, first.debt_reduced_minor, first.cash_out_minor) == (
        "refund",
        15_000,
        12_000,
        3_000,
    )
    assert Debt.get_by_id(sale.debt_id).status == "paid"
    assert CustomerBalance.get_by_id(amina).outstanding == 0
    # The other 4 (10,000) are all cash: nothing is owed any more. 13,000 was paid in all.
    rest = reversals.void(sale.sale_id, "all of it back")
    assert (rest.debt_reduced_minor, rest.cash_out_minor) == (0, 10_000)
    assert stock_of(tea) == 10
    assert violations(database) == []


def test_a_sale_cannot_be_reversed_twice(
    database: DukanDatabase, reversals: SaleReversals, tea: int
) -> None:
    sale = sell([line(tea, "Tea", 2, 2_500)], key="k")
    (item,) = items_of(sale.sale_id)
    reversals.refund(sale.sale_id, {item: 1}, "one broken")
    with pytest.raises(ServiceError, match="Only 1 of line"):
        reversals.refund(sale.sale_id, {item: 2}, "both broken")
    reversals.void(sale.sale_id, "the other one too")
    with pytest.raises(ServiceError, match="already been voided"):
        reversals.void(sale.sale_id, "again")
    with pytest.raises(ServiceError, match="Only 0 of line"):
        reversals.refund(sale.sale_id, {item: 1}, "again")
    assert stock_of(tea) == 10
    assert violations(database) == []


@pytest.mark.parametrize(
    ("reason", "quantities", "message"),
    [
        ("", "one", "Say why"),
        ("ok\x00", "one", "hidden control"),
        ("x" * 1000, "one", "too long"),
        ("fine", "none", "Choose at least one line"),
        ("fine", "other sale's", "not a line of sale"),
        ("fine", "minus one", "whole number"),
    ],
)
def test_bad_reversals_are_refused_and_nothing_is_written(
    database: DukanDatabase,
    reversals: SaleReversals,
    tea: int,
    *,
    reason: str,
    quantities: str,
    message: str,
) -> None:
    sale = sell([line(tea, "Tea", 2, 2_500)], key="k")
    other = sell([line(tea, "Tea", 1, 2_500)], key="other")
    (item,) = items_of(sale.sale_id)
    wanted = {
        "one": {item: 1},
        "none": {},
        "other sale's": {items_of(other.sale_id)[0]: 1},
        "minus one": {item: -1},
    }[quantities]
    with pytest.raises(ServiceError, match=message):
        reversals.refund(sale.sale_id, wanted, reason)
    with pytest.raises(ServiceError):
        reversals.void(999, "no such sale")
    assert AuditEntry.select().where(AuditEntry.entity == "sale").count() == 0
    assert stock_of(tea) == 7
    assert violations(database) == []


def test_the_database_refuses_a_line_returned_beyond_what_was_sold(
    database: DukanDatabase, reversals: SaleReversals, tea: int
) -> None:
    sale = sell([line(tea, "Tea", 1, 2_500)], key="k")
    reversals.void(sale.sale_id, "void")
    conn = database.sqlite_connection()
    (item,) = items_of(sale.sale_id)
    reversal_id = conn.execute("SELECT id FROM sale_reversals").fetchone()[0]
    with pytest.raises(Exception, match="returned more often than it was sold"):
        conn.execute(
            "INSERT INTO sale_reversal_items (reversal_id, sale_item_id, quantity, amount) "
            "VALUES (?, ?, 1, 2500)",
            (reversal_id, item),
        )
    with pytest.raises(Exception, match="append-only"):
        conn.execute("DELETE FROM sale_reversals")
    with pytest.raises(Exception, match="append-only"):
        conn.execute("UPDATE stock_moves SET quantity = 5")


def test_goods_paid_for_outside_the_books_are_not_paid_back_in_cash(
    database: DukanDatabase, reversals: SaleReversals
) -> None:
    # An old till's sale: 100.00 taken, nothing recorded as paid and no debt.
    conn = database.sqlite_connection()
    sale_id = conn.execute("INSERT INTO sales (total, paid) VALUES (10000, 0)").lastrowid
    conn.execute(
        "INSERT INTO sale_items (sale_id, description, quantity, unit_price) "
        "VALUES (?, 'Tea', 1, 10000)",
        (sale_id,),
    )
    assert sale_id is not None
    with pytest.raises(ServiceError, match=r"Only 0\.00 was paid .* 100\.00 cannot be paid back"):
        reversals.void(sale_id, "returned")
    assert conn.execute("SELECT COUNT(*) FROM sale_reversals").fetchone()[0] == 0


PAID_AT = datetime(2026, 11, 21, 12, 0)


def pay(customer_id: int, amount: int) -> int:
    """A payment taken at the counter through the real service; returns its receipt."""
    request = PaymentRequest(customer_id=customer_id, amount_minor=amount, method="cash")
    return Payments(now=lambda: PAID_AT).take(request).receipt_id


def hundred_on_account(tea: int) -> tuple[int, CheckoutOutcome]:
    """Amina takes 4 x 2,500 = 100.00 of tea, all of it on account."""
    amina = customer("Amina")
    return amina, sell([line(tea, "Tea", 4, 2_500)], key="k", customer_id=amina, on_account=True)


def bounced(receipt_id: int) -> None:
    Payments(now=lambda: PAID_AT + timedelta(hours=1)).reverse_receipt(receipt_id, "cheque bounced")


def test_a_reversed_payment_is_not_cash_to_hand_back_when_the_sale_is_voided(
    database: DukanDatabase, reversals: SaleReversals, tea: int
) -> None:
    amina, sale = hundred_on_account(tea)
    # Paid in full, and that payment reversed.
    bounced(pay(amina, 10_000))
    assert CustomerBalance.get_by_id(amina).outstanding == 10_000

    outcome = reversals.void(sale.sale_id, "took it all back")

    assert (outcome.debt_reduced_minor, outcome.cash_out_minor) == (10_000, 0)
    assert Debt.get_by_id(sale.debt_id).status == "paid"
    assert CustomerBalance.get_by_id(amina).outstanding == 0
    assert violations(database) == []


def test_a_payment_reversed_without_a_receipt_is_not_paid_back_either(
    database: DukanDatabase, reversals: SaleReversals, tea: int
) -> None:
    _amina, sale = hundred_on_account(tea)
    # An old till's payment (no receipt), reversed one by one.
    payment = add_payment(database.sqlite_connection(), sale.debt_id or 0, 10_000)
    Payments(now=lambda: PAID_AT).reverse_payment(payment, "typed on the wrong customer")

    outcome = reversals.void(sale.sale_id, "took it all back")

    assert (outcome.debt_reduced_minor, outcome.cash_out_minor) == (10_000, 0)
    assert violations(database) == []


def test_only_the_payment_that_still_stands_is_paid_back_on_a_void(
    database: DukanDatabase, reversals: SaleReversals, tea: int
) -> None:
    amina, sale = hundred_on_account(tea)
    pay(amina, 6_000)
    bounced(pay(amina, 4_000))
    # 60.00 was really paid and 40.00 is owed again: the return cancels that, hands back 60.00.

    outcome = reversals.void(sale.sale_id, "took it all back")

    assert (outcome.debt_reduced_minor, outcome.cash_out_minor) == (4_000, 6_000)
    assert CustomerBalance.get_by_id(amina).outstanding == 0
    assert violations(database) == []


def test_refunds_of_a_credit_sale_after_a_reversed_payment_come_off_the_debt(
    database: DukanDatabase, reversals: SaleReversals, tea: int
) -> None:
    amina, sale = hundred_on_account(tea)
    bounced(pay(amina, 10_000))
    (item,) = items_of(sale.sale_id)

    first = reversals.refund(sale.sale_id, {item: 1}, "one box torn")
    assert (first.debt_reduced_minor, first.cash_out_minor) == (2_500, 0)
    assert CustomerBalance.get_by_id(amina).outstanding == 7_500
    assert violations(database) == []

    rest = reversals.refund(sale.sale_id, {item: 3}, "the rest too")
    assert (rest.debt_reduced_minor, rest.cash_out_minor) == (7_500, 0)
    assert CustomerBalance.get_by_id(amina).outstanding == 0
    assert violations(database) == []


def test_a_partial_refund_after_part_of_the_payments_was_reversed(
    database: DukanDatabase, reversals: SaleReversals, tea: int
) -> None:
    amina, sale = hundred_on_account(tea)
    pay(amina, 3_000)
    bounced(pay(amina, 7_000))
    (item,) = items_of(sale.sale_id)

    # 3 boxes (75.00) come back: 70.00 is owed again, so 70.00 off the debt and 5.00 in cash.
    first = reversals.refund(sale.sale_id, {item: 3}, "three boxes back")
    assert (first.debt_reduced_minor, first.cash_out_minor) == (7_000, 500)
    assert violations(database) == []

    # The last box (25.00): only 25.00 of the 30.00 really paid is left to hand back.
    rest = reversals.void(sale.sale_id, "the last one")
    assert (rest.debt_reduced_minor, rest.cash_out_minor) == (0, 2_500)
    assert CustomerBalance.get_by_id(amina).outstanding == 0
    assert violations(database) == []
