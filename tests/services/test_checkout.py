"""Completing sales at the till: cash, change, credit on the rest, limits, one sale per basket."""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta

import pytest

from app.db.database import DukanDatabase, database_proxy
from app.db.tables import AuditEntry, CustomerBalance, Debt, Sale, SaleItem, StockMove
from app.domain.basket import MAX_LINES, BasketLine
from app.services.checkout import Checkout, CheckoutRequest, CreditLimitExceeded
from app.services.customer_changes import CustomerChanges
from app.services.errors import ServiceError
from tests.services.till import NOW, customer, line, product, sell, stock_of, violations

TODAY = NOW.date()


@pytest.fixture
def tea(database: DukanDatabase) -> int:
    return product("Thé vert 250g", 25_000, stock=10, barcode="6130001000066")


@pytest.fixture
def oil(database: DukanDatabase) -> int:
    return product("Huile 1L", 35_000, stock=4)


def test_cash_exact_records_the_sale_its_lines_and_the_stock(
    database: DukanDatabase, tea: int, oil: int
) -> None:
    outcome = sell(
        [line(tea, "Thé vert 250g", 2, 25_000), line(oil, "Huile 1L", 1, 35_000)], key="k1"
    )
    assert (outcome.total_minor, outcome.paid_minor, outcome.change_minor) == (85_000, 85_000, 0)
    assert outcome.debt_id is None and not outcome.replayed
    sale = Sale.get_by_id(outcome.sale_id)
    assert (sale.total, sale.paid, sale.tendered, sale.customer_id) == (
        85_000,
        85_000,
        85_000,
        None,
    )
    assert sale.sold_at == NOW
    assert SaleItem.select().where(SaleItem.sale == sale.id).count() == 2
    assert (stock_of(tea), stock_of(oil)) == (8, 3)
    assert StockMove.select().where(StockMove.kind == "sale").count() == 2
    assert violations(database) == []


def test_cash_with_change(database: DukanDatabase, tea: int) -> None:
    outcome = sell([line(tea, "Thé vert 250g", 1, 25_000)], key="k", tendered=50_000)
    assert (outcome.paid_minor, outcome.tendered_minor, outcome.change_minor) == (
        25_000,
        50_000,
        25_000,
    )
    assert Debt.select().count() == 0
    assert violations(database) == []


def test_short_cash_is_refused_unless_the_rest_goes_on_account(
    database: DukanDatabase, tea: int
) -> None:
    amina = customer("Amina")
    with pytest.raises(ServiceError, match=r"short of the total.*on account \(F9\)"):
        sell([line(tea, "Thé vert 250g", 1, 25_000)], key="k", tendered=10_000, customer_id=amina)
    assert Sale.select().count() == 0 and stock_of(tea) == 10


def test_part_paid_puts_the_rest_on_account_due_after_the_customers_terms(
    database: DukanDatabase, tea: int
) -> None:
    amina = customer("Amina", payment_terms="14")
    outcome = sell(
        [line(tea, "Thé vert 250g", 4, 25_000)],
        key="k",
        customer_id=amina,
        tendered=30_000,
        on_account=True,
    )
    assert (outcome.paid_minor, outcome.debt_minor, outcome.change_minor) == (30_000, 70_000, 0)
    debt = Debt.get_by_id(outcome.debt_id)
    assert (debt.amount, debt.status, debt.customer_id, debt.sale_id) == (
        70_000,
        "open",
        amina,
        outcome.sale_id,
    )
    assert debt.due_date == TODAY + timedelta(days=14) == outcome.due_date
    assert Sale.get_by_id(outcome.sale_id).customer_id == amina
    assert CustomerBalance.get_by_id(amina).outstanding == 70_000
    debt_audit = AuditEntry.get((AuditEntry.entity == "debt") & (AuditEntry.entity_id == debt.id))
    assert json.loads(debt_audit.after_json or "null")["amount"] == 70_000
    assert violations(database) == []


def test_all_on_account_with_an_edited_due_date(database: DukanDatabase, tea: int) -> None:
    amina = customer("Amina")
    due = TODAY + timedelta(days=3)
    request = CheckoutRequest(
        "k", [line(tea, "Thé vert 250g", 1, 25_000)], amina, None, True, due_date=due
    )
    outcome = Checkout(now=lambda: NOW).complete(request)
    assert (outcome.paid_minor, outcome.debt_minor, outcome.due_date) == (0, 25_000, due)
    assert violations(database) == []


@pytest.mark.parametrize("due", [TODAY - timedelta(days=1), TODAY + timedelta(days=4000)])
def test_a_due_date_in_the_past_or_decades_ahead_is_refused(
    database: DukanDatabase, tea: int, due: date
) -> None:
    amina = customer("Amina")
    request = CheckoutRequest("k", [line(tea, "Tea", 1, 25_000)], amina, 0, True, due_date=due)
    with pytest.raises(ServiceError, match="due date"):
        Checkout(now=lambda: NOW).complete(request)
    assert Sale.select().count() == 0


def test_a_walk_in_buyer_cannot_take_credit(database: DukanDatabase, tea: int) -> None:
    with pytest.raises(ServiceError, match=r"walk-in buyer pays in full: pick a customer"):
        sell([line(tea, "Thé vert 250g", 1, 25_000)], key="k", tendered=5_000, on_account=True)
    assert Sale.select().count() == 0 and stock_of(tea) == 10


def test_an_archived_customer_cannot_take_credit(database: DukanDatabase, tea: int) -> None:
    amina = customer("Amina")
    CustomerChanges().archive(amina)
    with pytest.raises(ServiceError, match="archived"):
        sell([line(tea, "Tea", 1, 25_000)], key="k", customer_id=amina, on_account=True)
    assert Sale.select().count() == 0


def test_a_customer_on_a_cash_sale_is_recorded_without_a_debt(
    database: DukanDatabase, tea: int
) -> None:
    amina = customer("Amina", credit_limit="0")
    outcome = sell([line(tea, "Tea", 1, 25_000)], key="k", customer_id=amina)
    assert Sale.get_by_id(outcome.sale_id).customer_id == amina
    assert outcome.debt_id is None
    with pytest.raises(ServiceError, match="no customer number 999"):
        sell([line(tea, "Tea", 1, 25_000)], key="k2", customer_id=999)


def test_a_credit_limit_is_checked_against_what_is_already_owed(
    database: DukanDatabase, tea: int
) -> None:
    amina = customer("Amina", credit_limit="500.00")  # 50,000 minor units
    sell([line(tea, "Tea", 1, 25_000)], key="first", customer_id=amina, on_account=True)
    with pytest.raises(
        CreditLimitExceeded, match=r"to 550\.00 owed, beyond their limit of 500\.00"
    ) as refused:
        sell([line(tea, "Tea", 1, 30_000)], key="second", customer_id=amina, on_account=True)
    position = refused.value.position
    assert (position.owed_minor, position.this_sale_minor, position.after_minor) == (
        25_000,
        30_000,
        55_000,
    )
    assert Sale.select().count() == 1
    # Up to the limit exactly is fine.
    sell([line(tea, "Tea", 1, 25_000)], key="third", customer_id=amina, on_account=True)
    assert CustomerBalance.get_by_id(amina).outstanding == 50_000


def test_a_zero_limit_means_no_credit_and_no_limit_means_any(
    database: DukanDatabase, tea: int
) -> None:
    cash_only = customer("Cash Only", credit_limit="0")
    with pytest.raises(CreditLimitExceeded, match="may not buy on credit"):
        sell([line(tea, "Tea", 1, 100)], key="a", customer_id=cash_only, on_account=True)
    trusted = customer("Trusted")
    outcome = sell(
        [line(None, "Big order", 1, 10**12)], key="b", customer_id=trusted, on_account=True
    )
    assert outcome.debt_minor == 10**12


def test_an_override_with_a_reason_is_audited_on_the_sale(
    database: DukanDatabase, tea: int
) -> None:
    amina = customer("Amina", credit_limit="100.00")
    with pytest.raises(ServiceError, match="Say why"):
        sell(
            [line(tea, "Tea", 1, 25_000)],
            key="k",
            customer_id=amina,
            on_account=True,
            override_reason="   ",
        )
    outcome = sell(
        [line(tea, "Tea", 1, 25_000)],
        key="k",
        customer_id=amina,
        on_account=True,
        override_reason="  pays on Friday, known 10 years ",
    )
    entry = AuditEntry.get((AuditEntry.entity == "sale") & (AuditEntry.action == "credit_override"))
    assert entry.entity_id == outcome.sale_id
    assert entry.reason == "pays on Friday, known 10 years"
    assert json.loads(entry.before_json or "null") == {
        "customer_id": amina,
        "credit_limit": 10_000,
        "owed": 0,
    }
    assert json.loads(entry.after_json or "null") == {"owed": 25_000, "this_sale": 25_000}
    assert violations(database) == []


def test_a_zero_price_line_and_a_free_text_line(database: DukanDatabase, tea: int) -> None:
    outcome = sell([line(tea, "Thé vert 250g", 1, 0), line(None, "Sac — كيس", 1, 500)], key="k")
    assert outcome.total_minor == 500
    items = list(SaleItem.select().order_by(SaleItem.id))
    assert [(i.product_id, i.description, i.unit_price) for i in items] == [
        (tea, "Thé vert 250g", 0),
        (None, "Sac — كيس", 500),
    ]
    assert violations(database) == []


def test_ten_thousand_lines_are_refused_and_nothing_is_written(
    database: DukanDatabase, tea: int
) -> None:
    lines = [line(tea, "Tea", 1, 100)] * 10_000
    with pytest.raises(ServiceError, match=f"at most {MAX_LINES:,} lines"):
        sell(lines, key="k")
    assert Sale.select().count() == 0
    # The most a sale may have goes through in one transaction.
    outcome = sell([line(tea, "Tea", 1, 100)] * MAX_LINES, key="max")
    assert SaleItem.select().where(SaleItem.sale == outcome.sale_id).count() == MAX_LINES
    assert stock_of(tea) == 10 - MAX_LINES
    assert violations(database) == []


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([], "basket is empty"),
        ([line(None, "Tea", 0, 100)], "quantity"),
        ([line(None, "Tea", 1, -5)], "negative"),
        ([line(None, "Te\x00a", 1, 5)], "hidden control"),
        ([line(None, "  ", 1, 5)], "description is required"),
        ([line(None, "x" * 10_000, 1, 5)], "at most 200"),
        ([line(None, "Gold", 10_000, 10**14)], "worth more"),
        ([line(12345, "Gone", 1, 5)], "no longer in the catalogue"),
    ],
)
def test_bad_lines_are_refused_and_nothing_is_written(
    database: DukanDatabase, lines: list[BasketLine], message: str
) -> None:
    with pytest.raises(ServiceError, match=message):
        sell(lines, key="k")
    assert Sale.select().count() == 0


def test_completing_the_same_basket_twice_records_one_sale(
    database: DukanDatabase, tea: int
) -> None:
    amina = customer("Amina")
    first = sell(
        [line(tea, "Tea", 2, 25_000)],
        key="basket-1",
        customer_id=amina,
        on_account=True,
        tendered=10_000,
    )
    again = sell(
        [line(tea, "Tea", 2, 25_000)],
        key="basket-1",
        customer_id=amina,
        on_account=True,
        tendered=10_000,
    )
    assert again.replayed and not first.replayed
    assert (again.sale_id, again.debt_id, again.debt_minor, again.change_minor) == (
        first.sale_id,
        first.debt_id,
        40_000,
        0,
    )
    assert Sale.select().count() == 1 and Debt.select().count() == 1
    assert stock_of(tea) == 8
    assert violations(database) == []


def test_two_tills_completing_one_basket_at_once_record_one_sale(
    database: DukanDatabase, tea: int
) -> None:
    outcomes: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def till() -> None:
        try:
            start.wait()
            outcomes.append(sell([line(tea, "Tea", 1, 25_000)], key="same").sale_id)
        except Exception as error:  # noqa: BLE001 - reported to the test thread below
            errors.append(error)
        finally:
            database_proxy.close()  # each thread has its own connection

    threads = [threading.Thread(target=till) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(outcomes) == 4 and len(set(outcomes)) == 1
    assert Sale.select().count() == 1 and stock_of(tea) == 9
    assert violations(database) == []


def test_the_credit_position_shows_limit_owed_overdue_and_after(
    database: DukanDatabase, tea: int
) -> None:
    amina = customer("Amina", credit_limit="1000.00", payment_terms="0")
    sell([line(tea, "Tea", 1, 25_000)], key="old", customer_id=amina, on_account=True)
    later = Checkout(now=lambda: NOW + timedelta(days=2))
    position = later.credit_position(amina, 40_000)
    assert (position.limit_minor, position.owed_minor, position.overdue_minor) == (
        100_000,
        25_000,
        25_000,
    )
    assert (position.after_minor, position.headroom_minor, position.exceeds_limit) == (
        65_000,
        75_000,
        False,
    )
    assert later.due_date_for(amina) == TODAY + timedelta(days=2)


def test_an_old_key_with_another_basket_is_refused_not_replayed(
    database: DukanDatabase, tea: int
) -> None:
    first = sell([line(tea, "Tea", 1, 25_000)], key="kept")
    with pytest.raises(ServiceError, match=f"already recorded as sale {first.sale_id}"):
        sell([line(tea, "Tea", 3, 25_000)], key="kept")
    assert Sale.select().count() == 1 and stock_of(tea) == 9


def test_a_cash_sale_naming_a_merged_customer_is_refused_and_names_the_survivor(
    database: DukanDatabase, tea: int
) -> None:
    # Stored under the merged customer, the sale would sit apart from the survivor's books.
    survivor, merged = customer("Karim Haddad"), customer("K. Haddad")
    CustomerChanges(now=lambda: NOW).merge(survivor, merged, reason="same person")
    with pytest.raises(ServiceError, match="merged into Karim Haddad; choose Karim Haddad"):
        sell([line(tea, "Thé vert 250g", 1, 25_000)], key="m1", customer_id=merged)
    assert Sale.select().count() == 0
    assert sell([line(tea, "Thé vert 250g", 1, 25_000)], key="m2", customer_id=survivor).sale_id
