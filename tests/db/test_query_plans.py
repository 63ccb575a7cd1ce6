"""The reads behind search, pages, debtors, statements and sales walk indexes, never whole tables.

Each case runs the real service on a small shop and captures every statement it sends (text
and parameters, as peewee hands them to SQLite), then asks SQLite for the plan of each with the
same parameters. The file has no `sqlite_stat1` (Dukan never runs ANALYZE), so the plans are
the ones the big shop gets: SQLite plans from the schema alone.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any

import pytest

from app.db.database import DukanDatabase
from app.domain.customer_form import CustomerDraft
from app.services.customer_changes import CustomerChanges
from app.services.customer_directory import CustomerDirectory, CustomerSort
from app.services.debt_book import DebtBook, DebtorFilter, DebtorSort, DebtStatus
from app.services.payments import PaymentRequest, Payments
from app.services.sale_reversals import SaleReversals
from app.services.sales_history import SalesHistory
from app.services.sales_report import SalesReport
from app.services.statements import Statements
from app.services.summary import SummaryService
from tests.services.book_rows import debt, make_placeholder
from tests.services.till import line, sell

NOW = datetime(2026, 11, 21, 10, 30)
TODAY = NOW.date()
FIRST_DAY, LAST_DAY = date(2026, 1, 1), date(2026, 12, 31)
# Tables that grow with the shop: a read may only seek into them.
GROWING = frozenset(
    {
        "customers",
        "customer_search_keys",
        "customer_balances",
        "sales",
        "sale_items",
        "debts",
        "payment_history",
        "payment_reversals",
        "sale_reversals",
    }
)
_TABLE_AND_ALIAS = re.compile(r'(?:FROM|JOIN)\s+"?(\w+)"?\s+(?:AS\s+)?"?(\w+)"?', re.IGNORECASE)
_SCANNED = re.compile(r"^SCAN (\w+)")


@dataclass(frozen=True, slots=True)
class Sent:
    sql: str
    params: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Planned:
    sent: Sent
    steps: tuple[str, ...]

    def text(self) -> str:
        return self.sent.sql + "\n  " + "\n  ".join(self.steps)


def _aliases(conn: sqlite3.Connection, sql: str) -> dict[str, set[str]]:
    """Alias (or name) -> tables, from the statement and the views it may read through."""
    views = [row[0] for row in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'view'")]
    found: dict[str, set[str]] = {}
    for text in [sql, *views]:
        for table, alias in _TABLE_AND_ALIAS.findall(text):
            found.setdefault(alias, set()).add(table)
            found.setdefault(table, set()).add(table)
    return found


def plan_of(conn: sqlite3.Connection, sent: Sent) -> Planned:
    rows = conn.execute("EXPLAIN QUERY PLAN " + sent.sql, sent.params).fetchall()
    return Planned(sent, tuple(str(row[3]) for row in rows))


def whole_table_reads(conn: sqlite3.Connection, planned: Planned) -> list[str]:
    """Plan steps that read a growing table from end to end.

    A SCAN is allowed in one shape only: a statement with ORDER BY and LIMIT that takes its
    rows in the order of what it walks (an index, or the table in rowid order), with no
    temporary B-tree sorting them again, so SQLite stops after the page. Any other SCAN of a
    growing table reads all of it."""
    aliases = _aliases(conn, planned.sent.sql)
    sql = planned.sent.sql
    paged = re.search(r"\bORDER BY\b.*\bLIMIT\b", sql, re.IGNORECASE | re.DOTALL) is not None
    sorted_after = any("USE TEMP B-TREE FOR ORDER BY" in step for step in planned.steps)
    bad = []
    for step in planned.steps:
        scanned = _SCANNED.match(step)
        if scanned is None or not aliases.get(scanned.group(1), set()) & GROWING:
            continue
        walked = step == scanned.group(0) or (" USING " in step and "INDEX" in step)
        if not (walked and paged and not sorted_after):
            bad.append(step)
    return bad


@pytest.fixture
def sent(database: DukanDatabase, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Sent]]:
    """Every statement the services send through peewee from now on, with its parameters."""
    captured: list[Sent] = []
    send = database.execute_sql

    def recording(sql: str, params: Sequence[Any] | None = None, *rest: Any) -> Any:
        captured.append(Sent(sql, tuple(params or ())))
        return send(sql, params, *rest)

    monkeypatch.setattr(database, "execute_sql", recording)
    yield captured


@dataclass(frozen=True, slots=True)
class Shop:
    amina: int
    bilal: int
    amina_number: str
    first_sale: int


@pytest.fixture
def shop(database: DukanDatabase) -> Shop:
    """A few customers with phones, credit and cash sales, a receipt taken and reversed, a
    refund, and the legacy placeholder: every kind of row the reads below join."""
    make_placeholder()
    changes = CustomerChanges(fallback_region="DZ", now=lambda: NOW)
    people = [
        ("Amina Benali", "0555 12 34 56"),
        ("Bilal Haddad", "0661 22 33 44"),
        ("Amira Saidi", "0770 98 76 54"),
        ("Хасан Петров", ""),
    ]
    ids = [changes.create(CustomerDraft(name=name, phone=phone)) for name, phone in people]
    sales = []
    for number, customer_id in enumerate(ids):
        outcome = sell(
            [line(None, "Rice", 2, 1_500), line(None, "Tea", 1, 400)],
            key=f"credit-{number}",
            customer_id=customer_id,
            tendered=0,
            on_account=True,
        )
        sales.append(outcome.sale_id)
    sell([line(None, "Bread", 3, 100)], key="walk-in", tendered=500)
    payments = Payments(now=lambda: NOW)
    taken = payments.take(PaymentRequest(customer_id=ids[0], amount_minor=1_000, method="cash"))
    payments.take(PaymentRequest(customer_id=ids[1], amount_minor=500, method="card"))
    payments.take(PaymentRequest(customer_id=ids[2], amount_minor=3_400, method="cash"))
    payments.reverse_receipt(taken.receipt_id, "typed wrong")
    SaleReversals(now=lambda: NOW).void(sales[1], "test void")
    for day in (1, 2):
        debt(ids[3], 2_000, due=None, created=datetime(2026, 10, day, 9), sale=False)
    amina_number = CustomerDirectory().get(ids[0]).number
    return Shop(amina=ids[0], bilal=ids[1], amina_number=amina_number, first_sale=sales[0])


def planned_reads(
    database: DukanDatabase, sent: list[Sent], read: Callable[[], object]
) -> list[Planned]:
    """The plans of the SELECTs `read` sends."""
    sent.clear()
    read()
    conn = database.sqlite_connection()
    selects = [s for s in sent if s.sql.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert selects, "the read sent no SELECT: the capture missed it"
    return [plan_of(conn, s) for s in selects]


def assert_seeks_only(
    database: DukanDatabase, planned: list[Planned], *indexes: str, in_index_order: bool = False
) -> None:
    """No whole-table read of a growing table; each named index used by some statement; with
    `in_index_order`, no page sorted in a temporary B-tree (it would read every match first)."""
    conn = database.sqlite_connection()
    for each in planned:
        assert not whole_table_reads(conn, each), each.text()
        if in_index_order and re.search(r"\bLIMIT\b", each.sent.sql):
            assert not [s for s in each.steps if "TEMP B-TREE FOR ORDER BY" in s], each.text()
    steps = [step for each in planned for step in each.steps]
    for index in indexes:
        assert any(index in step for step in steps), (index, [p.text() for p in planned])


# ----- the checker itself -----------------------------------------------------------------


def test_the_checker_flags_a_whole_table_read_and_a_sorted_page(
    database: DukanDatabase, shop: Shop
) -> None:
    conn = database.sqlite_connection()
    scan = plan_of(conn, Sent('SELECT * FROM "sales" AS "t1" WHERE "t1"."total" > ?', (0,)))
    assert whole_table_reads(conn, scan) == ["SCAN t1"]
    # A short alias, as the raw SQL in app/db and the views write them.
    aliased = plan_of(conn, Sent("SELECT * FROM payment_history p WHERE p.amount > ?", (0,)))
    assert whole_table_reads(conn, aliased) == ["SCAN p"]
    # An index walked whole to be sorted again is no page read.
    sorted_walk = plan_of(
        conn, Sent("SELECT id FROM sales INDEXED BY idx_sales_sold_at ORDER BY total LIMIT 5", ())
    )
    assert whole_table_reads(conn, sorted_walk), sorted_walk.text()
    in_order = plan_of(conn, Sent("SELECT id FROM sales ORDER BY sold_at LIMIT 5", ()))
    assert not whole_table_reads(conn, in_order), in_order.text()
    by_id = plan_of(conn, Sent("SELECT id FROM sales WHERE total > 0 ORDER BY id LIMIT 5", ()))
    assert not whole_table_reads(conn, by_id), by_id.text()
    unordered = plan_of(conn, Sent("SELECT id FROM sales WHERE total > 0 LIMIT 5", ()))
    assert whole_table_reads(conn, unordered), unordered.text()


# ----- customers ----------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["ami", "Хас", "0555", "555 12", "c-0000"])
def test_customer_search_seeks_the_search_keys(
    database: DukanDatabase, sent: list[Sent], shop: Shop, typed: str
) -> None:
    planned = planned_reads(database, sent, lambda: CustomerDirectory().search(typed))
    assert_seeks_only(database, planned, "USING PRIMARY KEY (key>? AND key<?)")


def test_customer_search_by_exact_number_seeks_the_number_index(
    database: DukanDatabase, sent: list[Sent], shop: Shop
) -> None:
    found = planned_reads(database, sent, lambda: CustomerDirectory().search(shop.amina_number))
    assert_seeks_only(database, found, "idx_customers_number")


@pytest.mark.parametrize(
    ("sort", "index"),
    [
        (CustomerSort.NAME, "idx_customers_name_key"),
        (CustomerSort.NUMBER, "idx_customers_number"),
        (CustomerSort.BALANCE, "idx_customer_balances_outstanding"),
    ],
)
def test_customers_pages_walk_their_sort_index(
    database: DukanDatabase, sent: list[Sent], shop: Shop, sort: CustomerSort, index: str
) -> None:
    directory = CustomerDirectory(today=lambda: TODAY)
    first = directory.page(sort=sort, limit=2)
    assert first.next is not None
    for read in (
        lambda: directory.page(sort=sort, limit=2),
        lambda: directory.page(sort=sort, after=first.next, limit=2),
    ):
        assert_seeks_only(database, planned_reads(database, sent, read), index, in_index_order=True)


# ----- the credit book ------------------------------------------------------------------------


SORT_INDEXES = {
    DebtorSort.OUTSTANDING: "idx_customer_balances_outstanding",
    DebtorSort.OLDEST_DUE: "idx_customer_balances_oldest_due",
}


@pytest.mark.parametrize("sort", list(DebtorSort))
@pytest.mark.parametrize("filter", list(DebtorFilter))
def test_debtors_pages_walk_the_maintained_balances(
    database: DukanDatabase, sent: list[Sent], shop: Shop, sort: DebtorSort, filter: DebtorFilter
) -> None:
    # Late enough that every debt is overdue, so the overdue filter has pages too.
    book = DebtBook(today=lambda: date(2027, 6, 1))
    first = book.debtors(sort=sort, filter=filter, limit=1)
    assert first.next_cursor is not None
    index = SORT_INDEXES[sort]
    for read in (
        lambda: book.debtors(sort=sort, filter=filter, limit=1),
        lambda: book.debtors(sort=sort, filter=filter, cursor=first.next_cursor, limit=1),
    ):
        planned = planned_reads(database, sent, read)
        # Each page's ageing reads its customers' open debts by customer.
        assert_seeks_only(database, planned, index, "(customer_id=?)", in_index_order=True)


@pytest.mark.parametrize("typed", ["ami", "0661"])
def test_debtors_search_and_totals_seek(
    database: DukanDatabase, sent: list[Sent], shop: Shop, typed: str
) -> None:
    book = DebtBook(today=lambda: TODAY)
    searched = planned_reads(database, sent, lambda: book.debtors(search=typed))
    assert_seeks_only(database, searched, "USING PRIMARY KEY (key>? AND key<?)")
    for chosen in DebtorFilter:
        totals = planned_reads(database, sent, partial(book.totals, filter=chosen, search=typed))
        assert_seeks_only(database, totals)
    assert_seeks_only(database, planned_reads(database, sent, book.totals))


@pytest.mark.parametrize("status", list(DebtStatus))
def test_debt_list_pages_walk_an_index_in_their_order(
    database: DukanDatabase, sent: list[Sent], shop: Shop, status: DebtStatus
) -> None:
    book = DebtBook(today=lambda: date(2027, 6, 1))
    first = book.debts_page(status=status, limit=1)
    assert first.next is not None
    reads: list[Callable[[], object]] = [
        lambda: book.debts_page(status=status, limit=1),
        lambda: book.debts_page(status=status, after=first.next, limit=1),
    ]
    if status in {DebtStatus.OPEN, DebtStatus.ALL}:
        # Past the dated debts, into the undated ones (a debt carried over from paper).
        everything = book.debts_page(status=status, limit=100).rows
        assert [row for row in everything if row.due_date is None]
        undated = book.debts_page(status=status, limit=len(everything) - 1).next
        assert undated is not None and undated.due_date is None
        reads.append(lambda: book.debts_page(status=status, after=undated, limit=1))
    if status is not DebtStatus.ALL:
        # By offset (what `debts` offers besides pages): the dated part, then the undated
        # after counting the dated ones. For every status at once that count reads them all.
        reads.append(lambda: book.debts(status=status, offset=2, limit=2))
        reads.append(lambda: book.debts(status=status, offset=100, limit=2))
    for read in reads:
        planned = planned_reads(database, sent, read)
        assert_seeks_only(database, planned, "in_list_order", in_index_order=True)
    if status is not DebtStatus.ALL:  # counting every debt of the shop reads them all
        counted = planned_reads(database, sent, lambda: book.count_debts(status=status))
        assert_seeks_only(database, counted)
    one_customer = planned_reads(
        database, sent, lambda: book.debts_page(customer_id=shop.amina, status=status)
    )
    assert_seeks_only(database, one_customer, "idx_debts_customer_in_list_order")


def test_statement_reads_one_customers_rows_by_index(
    database: DukanDatabase, sent: list[Sent], shop: Shop
) -> None:
    planned = planned_reads(
        database, sent, lambda: Statements().statement(shop.amina, date(2026, 11, 1), LAST_DAY)
    )
    assert_seeks_only(
        database, planned, "idx_debts_customer_created", "idx_payment_history_customer_paid"
    )


def test_open_debts_for_a_payment_are_one_customers(
    database: DukanDatabase, sent: list[Sent], shop: Shop
) -> None:
    payments = Payments(now=lambda: NOW)
    for read in (
        lambda: payments.open_debts(shop.amina),
        lambda: payments.preview(shop.amina, 100),
    ):
        assert_seeks_only(database, planned_reads(database, sent, read), "(customer_id=?")


def test_a_payment_taken_reads_one_customers_rows(
    database: DukanDatabase, sent: list[Sent], shop: Shop
) -> None:
    payments = Payments(now=lambda: NOW)
    take = partial(payments.take, PaymentRequest(shop.amina, 100, "cash"))
    assert_seeks_only(database, planned_reads(database, sent, take), "(customer_id=?")


def test_a_credit_sale_and_its_replay_seek_the_key_the_customer_and_the_debt(
    database: DukanDatabase, sent: list[Sent], shop: Shop
) -> None:
    def credit_sale() -> object:
        return sell(
            [line(None, "Flour", 1, 900)],
            key="plan-credit",
            customer_id=shop.amina,
            tendered=0,
            on_account=True,
        )

    first = planned_reads(database, sent, credit_sale)
    # The basket's key, the debtor and their balance by key, their overdue debts by customer.
    assert_seeks_only(database, first, "checkout_key=?", "(customer_id=?")
    replay = planned_reads(database, sent, credit_sale)  # the same basket: that sale again
    assert_seeks_only(database, replay, "checkout_key=?", "idx_debts_sale_id")


# ----- sales ----------------------------------------------------------------------------------


def test_sales_list_pages_walk_the_sale_time_index(
    database: DukanDatabase, sent: list[Sent], shop: Shop
) -> None:
    history = SalesHistory()
    first = history.page_with_cursor(FIRST_DAY, LAST_DAY, limit=2)
    assert first.next is not None
    for read in (
        lambda: history.page_with_cursor(FIRST_DAY, LAST_DAY, limit=2),
        lambda: history.page_with_cursor(FIRST_DAY, LAST_DAY, before=first.next, limit=2),
    ):
        planned = planned_reads(database, sent, read)
        assert_seeks_only(
            database, planned, "idx_sales_sold_at", "idx_sale_items_sale_id", in_index_order=True
        )
    totals = planned_reads(database, sent, lambda: history.totals(FIRST_DAY, LAST_DAY))
    assert_seeks_only(database, totals, "idx_sales_sold_at")
    detail = planned_reads(database, sent, lambda: history.detail(shop.first_sale))
    assert_seeks_only(database, detail)


@pytest.mark.parametrize("typed", ["", "ami", "0555", "walk"])
def test_sales_report_seeks_the_period(
    database: DukanDatabase, sent: list[Sent], shop: Shop, typed: str
) -> None:
    planned = planned_reads(database, sent, lambda: SalesReport().rows(FIRST_DAY, LAST_DAY, typed))
    assert_seeks_only(database, planned, "sold_at>? AND sold_at<?")


# ----- headline numbers -----------------------------------------------------------------------


def test_debts_summary_counts_and_sums_ranges_of_the_open_debts_by_due_date(
    database: DukanDatabase, sent: list[Sent], shop: Shop
) -> None:
    planned = planned_reads(database, sent, lambda: SummaryService().open_debts(TODAY))
    assert_seeks_only(
        database,
        planned,
        "COVERING INDEX idx_debts_open_by_due_date (due_date<?)",
        "COVERING INDEX idx_debts_open_by_due_date (due_date>?)",
        "COVERING INDEX idx_debts_open_by_due_date (due_date=?)",
        "COVERING INDEX idx_customer_balances_outstanding (outstanding>?)",
        "COVERING INDEX idx_payment_history_debt_amount (debt_id=?)",
    )
    # Every debt it reads comes from the index alone: a visit to each row would cost as much as
    # the old sum over the open_debts view.
    steps = [step for each in planned for step in each.steps if " d " in f" {step} "]
    assert steps and all("COVERING INDEX" in step for step in steps), steps


def test_customers_summary_reads_counts_and_balances_not_customers(
    database: DukanDatabase, sent: list[Sent], shop: Shop
) -> None:
    planned = planned_reads(database, sent, lambda: SummaryService().customers())
    conn = database.sqlite_connection()
    for each in planned:
        whole = whole_table_reads(conn, each)
        # The customers' COUNT(*) without a WHERE is SQLite's btree count (the Count opcode):
        # it adds up the cells of an index's pages and reads no row, 0.02 ms for 100,000.
        assert all(step.startswith("SCAN customers USING COVERING INDEX") for step in whole), (
            each.text()
        )
        opcodes = [row[1] for row in conn.execute("EXPLAIN " + each.sent.sql, each.sent.params)]
        assert len(whole) <= opcodes.count("Count"), each.text()
    steps = [step for each in planned for step in each.steps]
    for index in (
        "COVERING INDEX idx_customers_archived (is_deleted=?)",
        "COVERING INDEX idx_customer_balances_outstanding (outstanding>?)",
        "COVERING INDEX idx_debts_customer_in_list_order (customer_id=? AND status=?)",
    ):
        assert any(index in step for step in steps), (index, steps)


def test_sales_day_totals_seek_the_day(
    database: DukanDatabase, sent: list[Sent], shop: Shop
) -> None:
    planned = planned_reads(database, sent, lambda: SummaryService().sales_on(TODAY))
    assert_seeks_only(database, planned, "idx_sales_sold_at (sold_at>? AND sold_at<?)")
