"""Search and directory pages stay correct over 100,000 generated customers (issue #4).

Correctness only: the timings are bench/customers.py's job. One file is generated for the
whole module (bench/customer_data.py), and every expectation is worked out from its rows with
plain SQL and Python, never through the services under test.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import phonenumbers
import pytest

from app.db.checks import ledger_violations, reference_violations
from app.db.database import DukanDatabase, open_database, schema_version
from app.domain.customer_search import query_prefixes, search_keys
from app.domain.names import name_key
from app.services.customer_directory import (
    PAGE_SIZE,
    SEARCH_LIMIT,
    CustomerDirectory,
    CustomerRow,
    CustomerSort,
)
from bench.customer_data import REFERENCE_DAY, CustomerDataSet, build_customers

# The reference data set's size (product.md §7): generating it takes about 9 s, and walking
# every page three times about 10 s, once for the whole module.
CUSTOMERS = 100_000
TODAY = REFERENCE_DAY
EVERYONE = CUSTOMERS  # a search limit no result set reaches
_WORD_PARTS = re.compile(r"[\W_]+")
_NOT_DIGIT = re.compile(r"\D+")
_PHONE_TYPING = re.compile(r"\+?[\d\s\-.()/]+")

pytestmark = pytest.mark.slow


@dataclass(frozen=True, slots=True)
class Stored:
    """A customer as the file holds it, read with plain SQL."""

    id: int
    number: str
    name: str
    name_key: str
    phone: str | None
    archived: bool
    merged_into: int | None
    outstanding: int


@dataclass(frozen=True, slots=True)
class Shop:
    built: CustomerDataSet
    db: DukanDatabase
    conn: sqlite3.Connection
    customers: dict[int, Stored]

    @property
    def active(self) -> list[Stored]:
        return [c for c in self.customers.values() if not c.archived]


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    path = tmp_path_factory.mktemp("scale") / "dukan.db"
    built = build_customers(path, CUSTOMERS, today=TODAY)
    db = open_database(path)
    conn = db.sqlite_connection()
    customers = {
        row[0]: Stored(row[0], row[1], row[2], row[3], row[4], bool(row[5]), row[6], row[7])
        for row in conn.execute(
            "SELECT c.id, c.customer_number, c.name, c.name_key, c.phone, c.is_deleted, "
            "c.merged_into_id, b.outstanding "
            "FROM customers c JOIN customer_balances b ON b.customer_id = c.id"
        )
    }
    yield Shop(built, db, conn, customers)
    db.close()


@pytest.fixture(scope="module")
def directory(shop: Shop) -> CustomerDirectory:
    return CustomerDirectory(today=lambda: TODAY)


# ----- what a search should find, worked out without the service -------------------------


def phone_forms(phone: str) -> list[str]:
    """The digit strings a cashier may type a stored phone as: international, national with
    its trunk prefix (`0555…`, `8916…`), and national without it."""
    forms = [_NOT_DIGIT.sub("", phone)]
    if phone.startswith("+"):
        number = phonenumbers.parse(phone, None)
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        forms += [_NOT_DIGIT.sub("", national), str(number.national_number)]
    return forms


def matches(customer: Stored, typed: str) -> bool:
    """Whether the name, a word of it, a part of a word, the phone or the number starts with
    what was typed (folded the way names are)."""
    wanted = name_key(typed) or ""
    words = customer.name_key.split(" ")
    parts = [part for word in words for part in _WORD_PARTS.split(word)]
    if any(text.startswith(wanted) for text in [customer.name_key, *words, *parts]):
        return True
    if customer.number.casefold().startswith(wanted):
        return True
    digits = _NOT_DIGIT.sub("", typed)
    if customer.phone is None or _PHONE_TYPING.fullmatch(typed.strip()) is None or len(digits) < 3:
        return False
    # Every form is the international digits, or a trunk digit and their national end, so
    # this is necessary, and it spares parsing 100,000 phones.
    if digits[1:] not in customer.phone:
        return False
    return any(form.startswith(digits) for form in phone_forms(customer.phone))


def expected_search(
    shop: Shop, typed: str, *, archived: bool = False, limit: int = 50
) -> list[int]:
    """The customers search() should return, in order: the owner of an exact number first
    (a merged customer's survivor), then by the smallest matching key, ties by id."""
    found: dict[int, None] = {}
    by_number = [c for c in shop.customers.values() if c.number.casefold() == typed.casefold()]
    for customer in by_number:
        owner = customer
        while owner.merged_into is not None:
            owner = shop.customers[owner.merged_into]
        found[owner.id] = None
    for prefix in query_prefixes(typed):
        first_keys = shop.conn.execute(
            "SELECT k.customer_id, MIN(k.key) FROM customer_search_keys k "
            "JOIN customers c ON c.id = k.customer_id "
            "WHERE substr(k.key, 1, length(:p)) = :p AND (:archived OR NOT c.is_deleted) "
            "GROUP BY k.customer_id",
            {"p": prefix, "archived": archived},
        ).fetchall()
        for customer_id, _key in sorted(first_keys, key=lambda row: (row[1], row[0])):
            found.setdefault(customer_id)
    return list(found)[:limit]


def ids(rows: list[CustomerRow]) -> list[int]:
    return [row.id for row in rows]


# ----- the generated file ----------------------------------------------------------------


def test_the_generated_file_is_a_sound_shop(shop: Shop) -> None:
    assert shop.built.customers == len(shop.customers) == CUSTOMERS
    # The file is fresh from SQLite, so its pages are not in question (integrity_check would
    # add 2 s); what the generator wrote is: references and the ledger's rules.
    assert reference_violations(shop.conn) == []
    assert ledger_violations(shop.conn, schema_version()) == []
    assert shop.conn.execute(
        "SELECT next_value FROM counters WHERE name = 'customer_number'"
    ).fetchone() == (CUSTOMERS + 1,)
    assert all(c.name_key == name_key(c.name) for c in shop.customers.values())
    # Some of everything the tests below rely on.
    assert 0 < shop.built.archived < CUSTOMERS // 10
    assert shop.built.merged > 0 and shop.built.debts > 0 and shop.built.payments > 0
    assert sum(c.outstanding > 0 for c in shop.customers.values()) > 1000


def test_stored_search_keys_are_the_ones_the_service_writes(shop: Shop) -> None:
    stored: dict[int, set[str]] = defaultdict(set)
    sample = list(shop.customers)[::97]
    marks = ", ".join("?" * len(sample))
    for key, customer_id in shop.conn.execute(
        f"SELECT key, customer_id FROM customer_search_keys WHERE customer_id IN ({marks})",
        sample,
    ):
        stored[customer_id].add(key)
    for customer_id in sample:
        c = shop.customers[customer_id]
        assert stored[customer_id] == set(search_keys(c.name, c.phone, c.number)), c


# ----- search ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "m",  # one letter: thousands match, the first 50 by key
        "moh",
        "MOHAMED BEN",  # a whole first name and the start of the next word
        "benali",  # a surname: a later word of the name
        "brien",  # after the apostrophe in O'Brien
        "иван",  # Cyrillic, folded
        "ХАСАН",  # typed in capitals, stored in any case
        "محمد",  # Arabic
        "王",  # one Chinese character, names without spaces
        "0555 12",  # phone digits as typed nationally
        "+213 555 12",  # and internationally
        "555 12 3",  # and without the trunk 0
        "C-04242",  # a number
        "c-0424",  # a number's prefix, any case
    ],
)
def test_search_returns_the_first_matching_customers_in_key_order(
    shop: Shop, directory: CustomerDirectory, typed: str
) -> None:
    found = directory.search(typed)

    assert ids(found) == expected_search(shop, typed)
    assert 0 < len(found) <= SEARCH_LIMIT
    assert all(matches(shop.customers[row.id], typed) for row in found)
    assert not any(row.is_archived for row in found)


@pytest.mark.parametrize("typed", ["brien", "хас", "0555 12", "c-0424"])
def test_search_without_a_limit_finds_every_matching_active_customer(
    shop: Shop, directory: CustomerDirectory, typed: str
) -> None:
    everyone = {c.id for c in shop.active if matches(c, typed)}

    found = directory.search(typed, limit=EVERYONE)

    assert set(ids(found)) == everyone
    assert len(found) == len(everyone)


def test_a_second_word_is_searched_as_well_as_the_first(
    shop: Shop, directory: CustomerDirectory
) -> None:
    found = directory.search("haddad", limit=EVERYONE)

    later_word = [row for row in found if not shop.customers[row.id].name_key.startswith("haddad")]
    assert len(later_word) > SEARCH_LIMIT
    assert all("haddad" in shop.customers[row.id].name_key.split(" ")[1:] for row in later_word)


def test_a_name_stored_in_capitals_is_found_by_lower_case_letters(
    shop: Shop, directory: CustomerDirectory
) -> None:
    shouting = {c.id for c in shop.active if "ХАСАН" in c.name}
    assert shouting, "the generator stores some names in capitals"

    assert shouting <= set(ids(directory.search("хас", limit=EVERYONE)))
    assert shouting <= set(ids(directory.search("хасан", limit=EVERYONE)))


def test_a_whole_phone_finds_its_one_customer_however_it_is_typed(
    shop: Shop, directory: CustomerDirectory
) -> None:
    customer = next(c for c in shop.active if c.phone and c.phone.startswith("+213"))
    stored = customer.phone or ""
    national = "0" + stored[4:]
    typings = [
        national,
        f"{national[:4]} {national[4:6]} {national[6:8]} {national[8:]}",
        f"{national[:4]}-{national[4:7]}-{national[7:]}",
        stored,
        f"+213 {national[1:4]} {national[4:]}",
        national[1:],
    ]
    for typed in typings:
        assert ids(directory.search(typed)) == [customer.id], typed


def test_archived_customers_are_found_only_when_asked_for(
    shop: Shop, directory: CustomerDirectory
) -> None:
    archived = [c for c in shop.customers.values() if c.archived and c.phone]
    assert archived
    for customer in archived[:20]:
        phone = customer.phone or ""
        assert customer.id not in ids(directory.search(phone))
        found = directory.search(phone, include_archived=True)
        assert ids(found) == [customer.id]
        assert found[0].is_archived

    typed = "benali"
    with_archived = directory.search(typed, limit=EVERYONE, include_archived=True)
    everyone = {c.id for c in shop.customers.values() if matches(c, typed)}
    assert set(ids(with_archived)) == everyone
    assert any(row.is_archived for row in with_archived)
    assert ids(directory.search(typed, include_archived=True)) == expected_search(
        shop, typed, archived=True
    )


def test_the_number_of_a_merged_customer_finds_the_survivor_first(
    shop: Shop, directory: CustomerDirectory
) -> None:
    merged = [c for c in shop.customers.values() if c.merged_into is not None]
    assert merged
    for customer in merged[:20]:
        found = directory.search(customer.number)
        assert ids(found)[0] == customer.merged_into
        assert customer.id not in ids(found)


# ----- directory pages -------------------------------------------------------------------


def walk(directory: CustomerDirectory, sort: CustomerSort, **options: Any) -> list[CustomerRow]:
    """Every page from the first, each started from the previous page's cursor."""
    rows: list[CustomerRow] = []
    after = None
    while True:
        page = directory.page(sort=sort, after=after, **options)
        rows += page.rows
        if page.next is None:
            return rows
        assert len(page.rows) == PAGE_SIZE
        after = page.next


SORT_KEYS: dict[CustomerSort, Callable[[Stored], Any]] = {
    CustomerSort.NAME: lambda c: (c.name_key, c.id),
    # NOCASE folds ASCII letters only, and numbers are ASCII; they sort as text (C-100000
    # comes between C-10000 and C-10001).
    CustomerSort.NUMBER: lambda c: c.number.lower(),
    CustomerSort.BALANCE: lambda c: (-c.outstanding, -c.id),
}


@pytest.fixture(scope="module")
def walked(shop: Shop, directory: CustomerDirectory) -> dict[CustomerSort, list[CustomerRow]]:
    return {sort: walk(directory, sort) for sort in CustomerSort}


@pytest.mark.parametrize("sort", list(CustomerSort))
def test_walking_every_page_visits_each_active_customer_once_in_order(
    shop: Shop, walked: dict[CustomerSort, list[CustomerRow]], sort: CustomerSort
) -> None:
    expected = [c.id for c in sorted(shop.active, key=SORT_KEYS[sort])]

    visited = ids(walked[sort])

    assert len(visited) == len(set(visited)) == len(shop.active)
    assert visited == expected


def test_the_balance_order_is_largest_first(walked: dict[CustomerSort, list[CustomerRow]]) -> None:
    balances = [row.balance_minor for row in walked[CustomerSort.BALANCE]]
    assert balances == sorted(balances, reverse=True)
    assert balances[0] > 0 and balances[-1] == 0


def test_pages_with_archived_customers_continue_in_order(
    shop: Shop, directory: CustomerDirectory
) -> None:
    everyone = sorted(shop.customers.values(), key=SORT_KEYS[CustomerSort.NUMBER])
    rows: list[CustomerRow] = []
    after = None
    for _page in range(20):
        page = directory.page(sort=CustomerSort.NUMBER, after=after, include_archived=True)
        rows += page.rows
        after = page.next
    assert ids(rows) == [c.id for c in everyone[: len(rows)]]
    assert any(row.is_archived for row in rows)


# ----- money on the rows -----------------------------------------------------------------


@dataclass
class Ledger:
    """Per customer, from debts and payments alone (not customer_balances)."""

    balance: dict[int, int]
    overdue: dict[int, int]
    last_activity: dict[int, str]


@pytest.fixture(scope="module")
def ledger(shop: Shop) -> Ledger:
    balance = dict(
        shop.conn.execute(
            "SELECT c.id, "
            "COALESCE((SELECT SUM(amount) FROM debts WHERE customer_id = c.id), 0) "
            "- COALESCE((SELECT SUM(amount) FROM payment_history WHERE customer_id = c.id), 0) "
            "FROM customers c"
        ).fetchall()
    )
    paid: dict[int, int] = defaultdict(int)
    last: dict[int, str] = {}
    for debt_id, customer_id, amount, paid_at in shop.conn.execute(
        "SELECT debt_id, customer_id, amount, paid_at FROM payment_history"
    ):
        paid[debt_id] += amount
        last[customer_id] = max(last.get(customer_id, ""), paid_at)
    overdue: dict[int, int] = defaultdict(int)
    for debt_id, customer_id, amount, due_date, created_at in shop.conn.execute(
        "SELECT id, customer_id, amount, due_date, created_at FROM debts"
    ):
        outstanding = amount - paid[debt_id]
        if outstanding > 0 and due_date is not None and due_date < TODAY.isoformat():
            overdue[customer_id] += outstanding
        last[customer_id] = max(last.get(customer_id, ""), created_at)
    for customer_id, sold_at in shop.conn.execute(
        "SELECT customer_id, sold_at FROM sales WHERE customer_id IS NOT NULL"
    ):
        last[customer_id] = max(last.get(customer_id, ""), sold_at)
    return Ledger(balance, dict(overdue), last)


def test_every_rows_balance_is_its_debts_less_its_payments(
    walked: dict[CustomerSort, list[CustomerRow]], ledger: Ledger
) -> None:
    rows = walked[CustomerSort.NAME]
    assert [row.balance_minor for row in rows] == [ledger.balance[row.id] for row in rows]
    assert sum(row.balance_minor > 0 for row in rows) > 1000


def test_every_rows_overdue_is_what_is_still_owed_past_its_due_date(
    walked: dict[CustomerSort, list[CustomerRow]], ledger: Ledger
) -> None:
    rows = walked[CustomerSort.NUMBER]
    assert [row.overdue_minor for row in rows] == [ledger.overdue.get(row.id, 0) for row in rows]
    overdue = [row for row in rows if row.overdue_minor]
    assert overdue and any(row.overdue_minor < row.balance_minor for row in overdue)


def test_every_rows_last_activity_is_its_latest_sale_debt_or_payment(
    walked: dict[CustomerSort, list[CustomerRow]], ledger: Ledger
) -> None:
    rows = walked[CustomerSort.BALANCE]
    shown = [None if r.last_activity is None else str(r.last_activity) for r in rows]
    assert shown == [ledger.last_activity.get(row.id) for row in rows]


def test_an_archived_customers_profile_owes_nothing(
    shop: Shop, directory: CustomerDirectory, ledger: Ledger
) -> None:
    for customer in [c for c in shop.customers.values() if c.archived][:50]:
        record = directory.get(customer.id)
        assert record.is_archived
        assert record.balance_minor == ledger.balance[customer.id] == 0
        assert record.overdue_minor == 0
