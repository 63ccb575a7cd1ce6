"""The sales list's data: pages by date range, walk-in and customer rows, states, one sale."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, datetime

import pytest

from app.db.database import DukanDatabase
from app.services.checkout import Checkout, CheckoutRequest
from app.services.errors import ServiceError
from app.services.payments import PaymentRequest, Payments
from app.services.sale_reversals import SaleReversals
from app.services.sales_history import (
    REFUNDED,
    VOIDED,
    WALK_IN,
    RangeTotals,
    SalesHistory,
)
from tests.services.till import customer, line, violations

DAY = date(2026, 11, 21)
_KEYS = itertools.count(1)


def sell_at(
    when: str,
    lines: list[tuple[str, int, int]],
    *,
    customer_id: int | None = None,
    paid: int | None = None,
) -> int:
    """A sale rung up through the real checkout at `when` ('YYYY-MM-DD HH:MM:SS'): free-text
    lines (description, quantity, unit price); `paid` less than the total leaves the rest on
    the customer's account. Returns the sale id."""
    request = CheckoutRequest(
        key=f"test-{next(_KEYS)}",
        lines=[line(None, description, quantity, price) for description, quantity, price in lines],
        customer_id=customer_id,
        tendered_minor=paid,
        on_account=paid is not None and customer_id is not None,
    )
    moment = datetime.fromisoformat(when)
    return Checkout(now=lambda: moment).complete(request).sale_id


def reversals_at(when: str = "2026-11-21 18:00:00") -> SaleReversals:
    moment = datetime.fromisoformat(when)
    return SaleReversals(now=lambda: moment)


@pytest.fixture
def history(database: DukanDatabase) -> SalesHistory:
    return SalesHistory()


def all_pages(history: SalesHistory, start: date, end: date, limit: int) -> Iterator[list[int]]:
    page = history.page_with_cursor(start, end, limit=limit)
    yield [row.id for row in page.rows]
    while page.next is not None:
        page = history.page_with_cursor(start, end, before=page.next, limit=limit)
        yield [row.id for row in page.rows]


def test_pages_walk_every_sale_newest_first_even_when_many_share_a_second(
    history: SalesHistory,
) -> None:
    early = [sell_at("2026-11-21 09:00:00", [("Bread", 1, 100)]) for _ in range(2)]
    same_second = [sell_at("2026-11-21 12:00:00", [("Milk", 1, 200)]) for _ in range(7)]
    late = [sell_at("2026-11-21 17:30:00", [("Tea", 1, 300)])]

    pages = list(all_pages(history, DAY, DAY, limit=3))

    expected = late + same_second[::-1] + early[::-1]
    assert [sale for page in pages for sale in page] == expected
    assert [len(page) for page in pages] == [3, 3, 3, 1]
    # `page` is the same walk without the cursor handed back.
    first = history.page(DAY, DAY, limit=3)
    assert [row.id for row in first] == expected[:3]


def test_a_page_that_ends_the_range_has_no_cursor(history: SalesHistory) -> None:
    for _ in range(3):
        sell_at("2026-11-21 09:00:00", [("Bread", 1, 100)])
    assert history.page_with_cursor(DAY, DAY, limit=3).next is None
    assert history.page_with_cursor(DAY, DAY, limit=2).next is not None


def test_the_range_holds_whole_days_from_midnight_to_the_last_second(
    history: SalesHistory,
) -> None:
    sell_at("2026-11-19 23:59:59", [("Before", 1, 1)])
    first = sell_at("2026-11-20 00:00:00", [("First", 1, 10)])
    middle = sell_at("2026-11-21 13:00:00", [("Middle", 1, 100)])
    last = sell_at("2026-11-22 23:59:59", [("Last", 1, 1_000)])
    sell_at("2026-11-23 00:00:00", [("After", 1, 10_000)])

    start, end = date(2026, 11, 20), date(2026, 11, 22)
    assert [row.id for row in history.page(start, end)] == [last, middle, first]
    assert history.count(start, end) == 3
    assert history.totals(start, end).total_minor == 1_110
    assert [row.id for row in history.page(DAY, DAY)] == [middle]
    assert history.count(date(2026, 11, 24), date(2026, 11, 30)) == 0


def test_walk_in_and_customer_sales_are_told_apart(history: SalesHistory) -> None:
    amina = customer("Amina Benali")
    walk_in = sell_at("2026-11-21 09:00:00", [("Bread", 2, 150), ("Milk", 1, 200)])
    on_credit = sell_at(
        "2026-11-21 10:00:00", [("Rice 5kg", 1, 4_000)], customer_id=amina, paid=1_500
    )

    rows = {row.id: row for row in history.page(DAY, DAY)}

    cash = rows[walk_in]
    assert (cash.customer_id, cash.customer, cash.items) == (None, WALK_IN, 2)
    assert (cash.total_minor, cash.paid_minor, cash.on_credit_minor) == (500, 500, 0)
    assert (cash.reversed_minor, cash.state) == (0, "")
    credit = rows[on_credit]
    assert credit.customer_id == amina
    assert credit.customer.startswith("Amina Benali (C-")
    assert (credit.total_minor, credit.paid_minor, credit.on_credit_minor) == (4_000, 1_500, 2_500)
    assert credit.sold_at == datetime(2026, 11, 21, 10, 0)


def test_refunded_then_voided_with_the_returned_quantities_in_the_detail(
    database: DukanDatabase, history: SalesHistory
) -> None:
    amina = customer("Amina")
    sale = sell_at(
        "2026-11-21 09:00:00",
        [("Sugar 1kg", 3, 1_000), ("Oil 1l", 1, 2_000)],
        customer_id=amina,
        paid=4_000,
    )
    sugar, _oil = (line.sale_item_id for line in history.detail(sale).lines)
    reversals_at("2026-11-21 11:00:00").refund(sale, {sugar: 2}, "two bags were torn")

    row = history.page(DAY, DAY)[0]
    assert (row.state, row.reversed_minor, row.net_minor) == (REFUNDED, 2_000, 3_000)
    detail = history.detail(sale)
    assert [
        (line.quantity, line.returned_quantity, line.left_quantity) for line in detail.lines
    ] == [
        (3, 2, 1),
        (1, 0, 1),
    ]
    # 1,000 was left on credit: the refund's 2,000 cancels it and pays out the other 1,000.
    assert detail.debt_outstanding_minor == 0
    (refund,) = detail.reversals
    assert (refund.kind, refund.amount_minor, refund.debt_reduced_minor) == ("refund", 2_000, 1_000)
    assert (refund.cash_out_minor, refund.operator, refund.reason) == (
        1_000,
        "Owner",
        "two bags were torn",
    )
    assert refund.reversed_at == datetime(2026, 11, 21, 11, 0)
    assert (detail.left_minor, detail.can_reverse) == (3_000, True)

    reversals_at("2026-11-21 12:00:00").void(sale, "customer returned everything")

    row = history.page(DAY, DAY)[0]
    assert (row.state, row.reversed_minor, row.net_minor) == (VOIDED, 5_000, 0)
    detail = history.detail(sale)
    assert [line.returned_quantity for line in detail.lines] == [3, 1]
    assert [reversal.kind for reversal in detail.reversals] == ["refund", "void"]
    assert (detail.left_minor, detail.can_reverse) == (0, False)
    assert history.totals(DAY, DAY) == RangeTotals(1, 5_000, 4_000, 1_000, 5_000)
    assert violations(database) == []


def test_the_detail_of_a_cash_sale(history: SalesHistory) -> None:
    sale_id = (
        Checkout(now=lambda: datetime(2026, 11, 21, 9, 15))
        .complete(
            CheckoutRequest(key="cash", lines=[line(None, "Bread", 2, 150)], tendered_minor=500)
        )
        .sale_id
    )

    detail = history.detail(sale_id)

    assert detail.row.id == sale_id
    assert (detail.tendered_minor, detail.sold_by, detail.note) == (500, "Owner", None)
    assert detail.debt_outstanding_minor is None
    assert detail.reversals == ()
    (bread,) = detail.lines
    assert (bread.description, bread.quantity, bread.unit_price_minor, bread.amount_minor) == (
        "Bread",
        2,
        150,
        300,
    )
    # No debt: whatever comes back is paid out in cash.
    assert detail.split(300) == (0, 300)


def test_a_return_comes_off_the_debt_first(history: SalesHistory) -> None:
    amina = customer("Amina")
    sale = sell_at("2026-11-21 09:00:00", [("Rice", 2, 2_000)], customer_id=amina, paid=1_000)
    detail = history.detail(sale)
    assert detail.debt_outstanding_minor == 3_000
    assert detail.split(2_000) == (2_000, 0)
    assert detail.split(4_000) == (3_000, 1_000)


def test_a_missing_sale_is_a_readable_error(history: SalesHistory) -> None:
    with pytest.raises(ServiceError, match="no sale number 404"):
        history.detail(404)


def test_a_page_costs_the_same_few_statements_however_many_rows_it_has(
    database: DukanDatabase, history: SalesHistory
) -> None:
    amina = customer("Amina")
    for minute in range(30):
        sale = sell_at(
            f"2026-11-21 10:{minute:02d}:00",
            [("Tea", 2, 100), ("Cake", 1, 300)],
            customer_id=amina if minute % 2 else None,
            paid=200 if minute % 2 else None,
        )
        if minute % 3 == 0:
            reversals_at().void(sale, "test")
    statements: list[str] = []
    conn = database.sqlite_connection()
    conn.set_trace_callback(statements.append)
    try:
        history.page(DAY, DAY, limit=3)
        small = len(statements)
        statements.clear()
        history.page(DAY, DAY, limit=30)
        large = len(statements)
    finally:
        conn.set_trace_callback(None)
    assert small == large <= 5


def test_a_reversed_payment_is_owed_again_in_the_detail(
    database: DukanDatabase, history: SalesHistory
) -> None:
    amina = customer("Amina")
    sale = sell_at("2026-11-21 09:00:00", [("Rice", 5, 2_000)], customer_id=amina, paid=0)
    payments = Payments(now=lambda: datetime(2026, 11, 21, 10, 0))
    kept = PaymentRequest(customer_id=amina, amount_minor=3_000, method="cash")
    bounced = PaymentRequest(customer_id=amina, amount_minor=7_000, method="transfer")
    payments.take(kept)
    receipt = payments.take(bounced).receipt_id
    assert history.detail(sale).debt_outstanding_minor == 0

    payments.reverse_receipt(receipt, "transfer never arrived")

    # 100.00 on credit, 30.00 of it paid and standing: 70.00 is owed again.
    detail = history.detail(sale)
    assert detail.debt_outstanding_minor == 7_000
    assert detail.split(10_000) == (7_000, 3_000)
    # The void does what the sale window said it would.
    voided = reversals_at().void(sale, "all back")
    assert (voided.debt_reduced_minor, voided.cash_out_minor) == (7_000, 3_000)
    assert history.detail(sale).debt_outstanding_minor == 0
    assert violations(database) == []
