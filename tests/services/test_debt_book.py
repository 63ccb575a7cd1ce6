"""The debtors list (ageing, filters, search, keyset pages, totals) and the debts list."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

import pytest

from app.db.database import DukanDatabase
from app.db.tables import Customer, Reminder
from app.domain.ageing import Ageing
from app.domain.customer_form import CustomerDraft
from app.services import debt_book
from app.services.audit import DEFAULT_OPERATOR_ID
from app.services.customer_changes import CustomerChanges
from app.services.debt_book import (
    DebtBook,
    DebtListRow,
    DebtorFilter,
    DebtorRow,
    DebtorSort,
    DebtStatus,
)
from tests.services.book_rows import debt, make_placeholder, pay, receipt, reverse, sale_of

TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 10, 30)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def at(days_ago: int, hour: int = 10) -> datetime:
    return datetime.combine(ago(days_ago), datetime.min.time()).replace(hour=hour)


@pytest.fixture
def changes(database: DukanDatabase) -> CustomerChanges:
    return CustomerChanges(fallback_region="DZ", now=lambda: NOW)


@pytest.fixture
def book(database: DukanDatabase) -> DebtBook:
    return DebtBook(today=lambda: TODAY)


def person(changes: CustomerChanges, name: str, phone: str = "") -> int:
    return changes.create(CustomerDraft(name=name, phone=phone))


def ids(rows: Sequence[DebtorRow]) -> list[int]:
    return [row.customer_id for row in rows]


def every_page(book: DebtBook, limit: int, **listing: object) -> list[DebtorRow]:
    """Every row, read `limit` at a time by following the cursors."""
    rows: list[DebtorRow] = []
    cursor = None
    for _page in range(100):
        page = book.debtors(cursor=cursor, limit=limit, **listing)  # type: ignore[arg-type]
        rows += page.rows
        assert len(page.rows) <= limit
        if page.next_cursor is None:
            return rows
        cursor = page.next_cursor
    raise AssertionError("the cursors never ended")


# ----- debtors ---------------------------------------------------------------------------


def test_one_row_per_customer_who_owes_with_ageing_and_last_reminder(
    changes: CustomerChanges, book: DebtBook
) -> None:
    amina = person(changes, "Amina Haddad", "0555 12 34 56")
    late = debt(amina, 10_000, due=ago(40), created=at(70))
    debt(amina, 5_000, due=TODAY + timedelta(days=10), created=at(20), sale=False)
    pay(late, 2_000, at=at(50))
    bilal = person(changes, "Bilal")
    debt(bilal, 3_000, due=None, created=at(5))
    settled = person(changes, "Chadi")
    paid_up = debt(settled, 4_000, due=ago(100), created=at(130))
    receipt(settled, [(paid_up, 4_000)], at=at(101))
    person(changes, "Dina")  # never owed anything
    archived = person(changes, "Eve")
    Customer.update(is_deleted=True).where(Customer.id == archived).execute()
    make_placeholder()
    Reminder.create(
        customer=amina, reminded_at=at(9), overdue_amount=8_000, operator=DEFAULT_OPERATOR_ID
    )
    Reminder.create(
        customer=amina, reminded_at=at(2, 17), overdue_amount=8_000, operator=DEFAULT_OPERATOR_ID
    )

    page = book.debtors()

    assert page.next_cursor is None
    assert page.rows == (
        DebtorRow(
            customer_id=amina,
            number="C-00001",
            name="Amina Haddad",
            phone="+213555123456",
            outstanding_minor=13_000,
            oldest_due=ago(40),
            overdue_minor=8_000,
            ageing=Ageing((5_000, 8_000, 0, 0), 8_000),
            last_reminded_at=at(2, 17),
        ),
        DebtorRow(
            customer_id=bilal,
            number="C-00002",
            name="Bilal",
            phone=None,
            outstanding_minor=3_000,
            oldest_due=None,
            overdue_minor=0,
            ageing=Ageing((3_000, 0, 0, 0), 0),
            last_reminded_at=None,
        ),
    )


@pytest.mark.parametrize(
    ("days_late", "bucket"),
    [(0, 0), (30, 0), (31, 1), (60, 1), (61, 2), (90, 2), (91, 3)],
)
def test_ageing_buckets_at_the_boundary_days(
    changes: CustomerChanges, book: DebtBook, days_late: int, bucket: int
) -> None:
    owner = person(changes, "Farid")
    debt(owner, 1_000, due=ago(days_late), created=at(days_late + 30))

    (row,) = book.debtors().rows
    expected = [0, 0, 0, 0]
    expected[bucket] = 1_000
    overdue = 1_000 if days_late > 0 else 0
    assert row.ageing == Ageing((expected[0], expected[1], expected[2], expected[3]), overdue)
    assert row.overdue_minor == overdue
    assert book.totals().ageing == row.ageing


def test_ageing_of_one_customer_across_every_boundary(
    changes: CustomerChanges, book: DebtBook
) -> None:
    owner = person(changes, "Farid")
    for days_late, amount in [(0, 1), (30, 2), (31, 4), (60, 8), (61, 16), (90, 32), (91, 64)]:
        debt(owner, amount, due=ago(days_late), created=at(days_late + 30))
    debt(owner, 128, due=None, created=at(3))

    (row,) = book.debtors().rows

    assert row.ageing == Ageing((1 + 2 + 128, 4 + 8, 16 + 32, 64), 2 + 4 + 8 + 16 + 32 + 64)
    assert row.ageing.total_minor == row.outstanding_minor == 255
    assert row.oldest_due == ago(91)


def _seven_debtors(changes: CustomerChanges) -> dict[str, int]:
    """Debtors with ties on outstanding and on oldest due, two of them undated."""
    made = {}
    for name, amount, due in [
        ("a", 5_000, ago(10)),
        ("b", 9_000, ago(40)),
        ("c", 5_000, ago(10)),
        ("d", 1_000, None),
        ("e", 9_000, TODAY),
        ("f", 2_000, None),
        ("g", 5_000, ago(90)),
    ]:
        made[name] = person(changes, name)
        debt(made[name], amount, due=due, created=at(120))
    return made


def test_oldest_due_first_undated_last_ties_by_customer(
    changes: CustomerChanges, book: DebtBook
) -> None:
    made = _seven_debtors(changes)

    rows = book.debtors(sort=DebtorSort.OLDEST_DUE).rows

    assert ids(rows) == [made[n] for n in ["g", "b", "a", "c", "e", "d", "f"]]


def test_largest_outstanding_first_ties_by_newest_customer(
    changes: CustomerChanges, book: DebtBook
) -> None:
    made = _seven_debtors(changes)

    rows = book.debtors(sort=DebtorSort.OUTSTANDING).rows

    assert ids(rows) == [made[n] for n in ["e", "b", "g", "c", "a", "f", "d"]]


def test_overdue_filter_keeps_debtors_past_due_not_due_today_nor_undated(
    changes: CustomerChanges, book: DebtBook
) -> None:
    made = _seven_debtors(changes)

    rows = book.debtors(filter=DebtorFilter.OVERDUE).rows

    assert ids(rows) == [made[n] for n in ["g", "b", "a", "c"]]
    assert all(row.overdue_minor > 0 for row in rows)


@pytest.mark.parametrize("sort", list(DebtorSort))
@pytest.mark.parametrize("debtor_filter", list(DebtorFilter))
@pytest.mark.parametrize("limit", [1, 2, 3])
def test_pages_followed_by_cursor_give_the_whole_list_once(
    changes: CustomerChanges,
    book: DebtBook,
    sort: DebtorSort,
    debtor_filter: DebtorFilter,
    limit: int,
) -> None:
    _seven_debtors(changes)
    whole = book.debtors(sort=sort, filter=debtor_filter).rows

    paged = every_page(book, limit, sort=sort, filter=debtor_filter)

    assert ids(paged) == ids(whole)
    assert len(whole) == (7 if debtor_filter is DebtorFilter.OWING else 4)


def test_a_cursor_continues_only_the_listing_it_came_from(
    changes: CustomerChanges, book: DebtBook
) -> None:
    _seven_debtors(changes)
    cursor = book.debtors(sort=DebtorSort.OUTSTANDING, limit=2).next_cursor
    assert cursor is not None

    with pytest.raises(ValueError, match="cursor"):
        book.debtors(sort=DebtorSort.OLDEST_DUE, cursor=cursor)
    with pytest.raises(ValueError, match="cursor"):
        book.debtors(sort=DebtorSort.OUTSTANDING, search="a", cursor=cursor)
    with pytest.raises(TypeError):
        book.debtors(cursor=("outstanding", 9_000, 3))


@pytest.fixture(params=["few matches", "many matches"])
def search_plan(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways a page finds its search: listing the matches, or walking the debtors (taken
    when a prefix has thousands of keys; here, from the first key)."""
    if request.param == "many matches":
        monkeypatch.setattr(debt_book, "COMMON_SEARCH_KEYS", 1)
    return str(request.param)


def test_search_finds_debtors_by_name_word_phone_digits_and_number(
    changes: CustomerChanges, book: DebtBook, search_plan: str
) -> None:
    amina = person(changes, "Amina Haddad", "0555 12 34 56")
    karim = person(changes, "Karim Haddad", "0661 99 88 77")
    nadia = person(changes, "Nadia")
    ali = person(changes, "Ali Haddad")  # owes nothing: never a debtor row
    for owner in (amina, karim, nadia):
        debt(owner, 1_000, due=ago(5), created=at(40))

    def found(typed: str) -> list[int]:
        return ids(book.debtors(search=typed).rows)

    assert found("amina") == [amina]
    assert found("HADDAD") == [amina, karim]
    assert found("0555 12") == [amina]
    assert found("+213 661 99") == [karim]
    assert found(str(Customer.get_by_id(nadia).customer_number)) == [nadia]
    assert found("nobody") == []
    assert found("   ") == [amina, karim, nadia]
    assert ali not in found("ali")


def test_search_pages_and_totals_agree(
    changes: CustomerChanges, book: DebtBook, search_plan: str
) -> None:
    made = {}
    for index, name in enumerate(["Sara Ali", "Sami", "Salim", "Omar"]):
        made[name] = person(changes, name)
        debt(made[name], 1_000 * (index + 1), due=ago(index * 20), created=at(100))

    paged = every_page(book, 1, sort=DebtorSort.OUTSTANDING, search="sa")
    totals = book.totals(search="sa")

    assert ids(paged) == [made["Salim"], made["Sami"], made["Sara Ali"]]
    assert totals.debtors == 3
    assert totals.outstanding_minor == 6_000
    assert totals.overdue_minor == 5_000  # Sara's is due today
    assert totals.ageing == Ageing((3_000, 3_000, 0, 0), 5_000)


def test_totals_cover_every_matching_debtor_not_the_placeholder(
    changes: CustomerChanges, book: DebtBook
) -> None:
    made = _seven_debtors(changes)
    make_placeholder()
    pay(debt(made["a"], 600, due=ago(200), created=at(230)), 100, at=at(210))

    owing = book.totals()
    overdue = book.totals(filter=DebtorFilter.OVERDUE)

    assert owing.debtors == 7
    assert owing.outstanding_minor == 36_500
    assert owing.overdue_minor == 5_000 + 9_000 + 5_000 + 5_000 + 500
    assert owing.ageing == Ageing(
        (5_000 + 5_000 + 1_000 + 9_000 + 2_000, 9_000, 5_000, 500), 24_500
    )
    assert owing.ageing.total_minor == owing.outstanding_minor
    assert overdue.debtors == 4
    assert overdue.outstanding_minor == 24_500
    assert overdue.overdue_minor == 24_500


def test_nothing_owed_gives_an_empty_page_and_zero_totals(book: DebtBook) -> None:
    assert book.debtors().rows == ()
    assert book.debtors().next_cursor is None
    totals = book.totals()
    assert (totals.debtors, totals.outstanding_minor, totals.overdue_minor) == (0, 0, 0)
    assert totals.ageing == Ageing((0, 0, 0, 0), 0)


def test_a_reversed_payment_counts_again_in_the_debtors_row(
    changes: CustomerChanges, book: DebtBook
) -> None:
    owner = person(changes, "Hana")
    owed = debt(owner, 4_000, due=ago(45), created=at(75))
    _receipt, (payment,) = receipt(owner, [(owed, 4_000)], at=at(44))
    assert book.debtors().rows == ()

    reverse(payment, at=at(1))

    (row,) = book.debtors().rows
    assert (row.outstanding_minor, row.overdue_minor, row.oldest_due) == (4_000, 4_000, ago(45))
    assert row.ageing == Ageing((0, 4_000, 0, 0), 4_000)


def _statements(call: Callable[[], object]) -> int:
    """How many SQL statements `call` runs (peewee logs each at DEBUG)."""
    seen: list[object] = []

    class Counter(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.msg)

    logger = logging.getLogger("peewee")
    handler, level = Counter(logging.DEBUG), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        call()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return len(seen)


@pytest.mark.parametrize("sort", list(DebtorSort))
def test_a_page_costs_the_same_statements_whatever_its_length(
    changes: CustomerChanges, book: DebtBook, sort: DebtorSort
) -> None:
    for index in range(20):
        owner = person(changes, f"Customer {index}")
        for extra in range(3):
            debt(owner, 1_000 + index, due=ago(index + extra), created=at(60))
        Reminder.create(
            customer=owner, reminded_at=at(1), overdue_amount=1, operator=DEFAULT_OPERATOR_ID
        )

    short = _statements(lambda: book.debtors(sort=sort, limit=2))
    long = _statements(lambda: book.debtors(sort=sort, limit=15))

    assert long == short
    assert len(book.debtors(sort=sort, limit=15).rows) == 15


# ----- debts -----------------------------------------------------------------------------


@pytest.fixture
def ledger(changes: CustomerChanges) -> dict[str, int]:
    """Two customers' debts: open, overdue, partly paid, paid, reversed, undated, manual."""
    amina = person(changes, "Amina")
    bilal = person(changes, "Bilal")
    rows = {"amina": amina, "bilal": bilal}
    rows["late"] = debt(amina, 10_000, due=ago(40), created=at(70))
    rows["due_today"] = debt(bilal, 2_000, due=TODAY, created=at(30))
    rows["undated"] = debt(amina, 3_000, due=None, created=at(3))
    rows["manual"] = debt(amina, 4_000, due=ago(40), created=at(80), sale=False, note="Paper")
    rows["paid"] = debt(bilal, 5_000, due=ago(100), created=at(130))
    rows["reopened"] = debt(bilal, 6_000, due=TODAY + timedelta(days=5), created=at(25))
    pay(rows["late"], 2_500, at=at(60))
    receipt(bilal, [(rows["paid"], 5_000)], at=at(99))
    _receipt, (payment,) = receipt(bilal, [(rows["reopened"], 1_000)], at=at(20))
    reverse(payment, at=at(19))
    return rows


def test_open_debts_by_due_date_undated_last_with_paid_and_days_overdue(
    ledger: dict[str, int], book: DebtBook
) -> None:
    rows = book.debts()

    assert [row.debt_id for row in rows] == [
        ledger["manual"],  # due the same day as "late", made earlier
        ledger["late"],
        ledger["due_today"],
        ledger["reopened"],
        ledger["undated"],
    ]
    assert rows[1] == DebtListRow(
        debt_id=ledger["late"],
        customer_id=ledger["amina"],
        customer_number="C-00001",
        customer_name="Amina",
        sale_id=sale_of(ledger["late"]),
        created_at=at(70),
        amount_minor=10_000,
        paid_minor=2_500,
        outstanding_minor=7_500,
        due_date=ago(40),
        days_overdue=40,
        status="open",
    )
    manual, _late, due_today, reopened, undated = rows
    assert (manual.sale_id, manual.days_overdue) == (None, 40)
    assert due_today.days_overdue == 0
    assert (reopened.paid_minor, reopened.outstanding_minor, reopened.days_overdue) == (
        0,
        6_000,
        0,
    )
    assert (undated.due_date, undated.days_overdue) == (None, 0)
    assert book.count_debts() == 5


def test_debts_by_status_and_customer(ledger: dict[str, int], book: DebtBook) -> None:
    def listed(**choice: object) -> list[int]:
        return [row.debt_id for row in book.debts(**choice)]  # type: ignore[arg-type]

    assert listed(status=DebtStatus.OVERDUE) == [ledger["manual"], ledger["late"]]
    assert listed(status=DebtStatus.PAID) == [ledger["paid"]]
    assert listed(status=DebtStatus.ALL) == [
        ledger["paid"],
        ledger["manual"],
        ledger["late"],
        ledger["due_today"],
        ledger["reopened"],
        ledger["undated"],
    ]
    assert listed(customer_id=ledger["bilal"]) == [ledger["due_today"], ledger["reopened"]]
    assert listed(customer_id=ledger["bilal"], status=DebtStatus.OVERDUE) == []
    (paid,) = book.debts(status=DebtStatus.PAID)
    assert (paid.status, paid.paid_minor, paid.outstanding_minor, paid.days_overdue) == (
        "paid",
        5_000,
        0,
        0,
    )
    for status in DebtStatus:
        assert book.count_debts(status=status) == len(book.debts(status=status))
    assert book.count_debts(customer_id=ledger["amina"], status=DebtStatus.ALL) == 3


def test_debts_pages_by_offset(ledger: dict[str, int], book: DebtBook) -> None:
    whole = book.debts(status=DebtStatus.ALL)

    pages = [book.debts(status=DebtStatus.ALL, offset=start, limit=4) for start in (0, 4, 8)]

    assert [len(page) for page in pages] == [4, 2, 0]
    assert pages[0] + pages[1] == whole


@pytest.mark.parametrize("status", list(DebtStatus))
def test_debts_pages_by_cursor_are_the_whole_list_cut_up(
    ledger: dict[str, int], book: DebtBook, status: DebtStatus
) -> None:
    # Ties on the due date and on the moment made, dated and undated, so every step of the
    # cursor (same due and time, same due, later due, into the undated) is crossed.
    amina = ledger["amina"]
    for _ in range(2):
        debt(amina, 700, due=ago(40), created=at(70))
        debt(amina, 800, due=None, created=at(3))
    whole = book.debts(status=status, limit=1_000)
    for size in range(1, len(whole) + 2):
        pages, after = [], None
        while True:
            page = book.debts_page(status=status, after=after, limit=size)
            pages.append(page.rows)
            if page.next is None:
                break
            after = page.next
        assert [row for rows in pages for row in rows] == whole, size
        assert all(len(rows) == size for rows in pages[:-1]), size
        for offset in range(0, len(whole) + 1, size):
            assert book.debts(status=status, offset=offset, limit=size) == whole[offset:][:size]


def test_a_debts_cursor_continues_only_its_own_listing(
    book: DebtBook, ledger: dict[str, int]
) -> None:
    cursor = book.debts_page(status=DebtStatus.ALL, limit=1).next
    assert cursor is not None
    with pytest.raises(ValueError, match="continues the listing"):
        book.debts_page(status=DebtStatus.OPEN, after=cursor)


def test_the_placeholders_debts_are_left_to_the_assignment_queue(
    ledger: dict[str, int], book: DebtBook
) -> None:
    holder = make_placeholder()

    assert holder not in {row.customer_id for row in book.debts(status=DebtStatus.ALL)}
    assert book.count_debts() == 5
    (held,) = book.debts(customer_id=holder)
    assert (held.customer_name, held.outstanding_minor, held.sale_id) == (
        "Unassigned (legacy)",
        7_000,
        None,
    )
