"""Finding customers: search as you type, directory pages, one customer's profile."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.db.database import DukanDatabase
from app.domain.customer_form import CustomerDraft
from app.services.customer_changes import CustomerChanges
from app.services.customer_directory import CustomerDirectory, CustomerSort
from app.services.errors import ServiceError
from tests.conftest import add_credit_sale

TODAY = date(2026, 11, 21)


@pytest.fixture
def changes(database: DukanDatabase) -> CustomerChanges:
    return CustomerChanges(fallback_region="DZ")


@pytest.fixture
def directory() -> CustomerDirectory:
    return CustomerDirectory(today=lambda: TODAY)


def add(changes: CustomerChanges, name: str, phone: str = "", number: str = "") -> int:
    return changes.create(CustomerDraft(name=name, phone=phone, number=number))


def owe(
    db: DukanDatabase, customer_id: int, amount: int, due: str, *, paid: int = 0, when: str = ""
) -> None:
    add_credit_sale(
        db.sqlite_connection(),
        customer_id,
        amount,
        sold_at=when or "2026-01-01 10:00:00",
        due=due,
        paid_back=paid,
        paid_at="2026-06-01 09:00:00",
    )


def names(rows: list) -> list[str]:  # type: ignore[type-arg]
    return [row.name for row in rows]


def test_search_by_name_prefix_word_prefix_phone_digits_and_number(
    changes: CustomerChanges, directory: CustomerDirectory
) -> None:
    add(changes, "Ali Ben Salah", phone="0555 123 456")
    add(changes, "Alice Martin", phone="0661 22 33 44")
    add(changes, "Mohamed Ali")
    add(changes, "Jean-Luc O'Brien")
    add(changes, "Karim", number="K-7")

    assert names(directory.search("ali")) == ["Ali Ben Salah", "Mohamed Ali", "Alice Martin"]
    assert names(directory.search("ALI B")) == ["Ali Ben Salah"]
    assert names(directory.search("martin")) == ["Alice Martin"]
    assert names(directory.search("brien")) == ["Jean-Luc O'Brien"]
    assert names(directory.search("luc")) == ["Jean-Luc O'Brien"]
    assert names(directory.search("0555 12")) == ["Ali Ben Salah"]  # national typing
    assert names(directory.search("+213 555")) == ["Ali Ben Salah"]  # international
    assert names(directory.search("555-123")) == ["Ali Ben Salah"]  # without the trunk 0
    assert names(directory.search("0661")) == ["Alice Martin"]
    assert names(directory.search("k-7")) == ["Karim"]
    assert names(directory.search("C-00002")) == ["Alice Martin"]
    assert directory.search("zzz") == []
    assert directory.search("   ") == []


def test_search_folds_case_in_every_script(
    changes: CustomerChanges, directory: CustomerDirectory
) -> None:
    add(changes, "ХАСАН Иванов")
    add(changes, "Straße Müller")
    add(changes, "ΣΩΚΡΆΤΗΣ")
    add(changes, "محمد بن علي")
    assert names(directory.search("хас")) == ["ХАСАН Иванов"]
    assert names(directory.search("ИВАН")) == ["ХАСАН Иванов"]
    assert names(directory.search("strasse")) == ["Straße Müller"]
    assert names(directory.search("müll")) == ["Straße Müller"]
    assert names(directory.search("σωκρ")) == ["ΣΩΚΡΆΤΗΣ"]
    assert names(directory.search("علي")) == ["محمد بن علي"]


def test_search_returns_at_most_the_limit_each_customer_once(
    changes: CustomerChanges, directory: CustomerDirectory
) -> None:
    # Each of these matches "sa" by the whole name and by two words.
    for n in range(60):
        add(changes, f"Sami Saad {n:02d}")
    found = directory.search("sa")
    assert len(found) == 50
    assert len({row.id for row in found}) == 50
    assert len(directory.search("sa", limit=10)) == 10


def test_archived_customers_are_found_only_when_asked(
    changes: CustomerChanges, directory: CustomerDirectory
) -> None:
    gone = add(changes, "Nadia Old")
    changes.archive(gone, "moved away")
    assert directory.search("nadia") == []
    found = directory.search("nadia", include_archived=True)
    assert [(row.name, row.is_archived) for row in found] == [("Nadia Old", True)]


def test_pages_walk_every_customer_once_in_each_order(
    database: DukanDatabase, changes: CustomerChanges, directory: CustomerDirectory
) -> None:
    typed = ["bob", "Alice", "élodie", "Zoé", "alice", "Émile", "Ахмед", "Bob"]
    ids = [add(changes, name) for name in typed]
    for index, customer_id in enumerate(ids):
        if index % 2:
            owe(database, customer_id, 1_000 * (index % 3 + 1), "2026-12-31")

    def walk(sort: CustomerSort) -> list[int]:
        seen, cursor = [], None
        while True:
            page = directory.page(sort=sort, after=cursor, limit=3)
            seen += [row.id for row in page.rows]
            if page.next is None:
                return seen
            cursor = page.next

    by_name = walk(CustomerSort.NAME)
    assert [typed[ids.index(i)] for i in by_name] == [
        "Alice", "alice", "bob", "Bob", "Zoé", "élodie", "Émile", "Ахмед",
    ]  # fmt: skip
    assert walk(CustomerSort.NUMBER) == ids
    by_balance = walk(CustomerSort.BALANCE)
    balances = [directory.get(i).balance_minor for i in by_balance]
    assert balances == sorted(balances, reverse=True)
    assert sorted(by_balance) == sorted(ids)
    with pytest.raises(ValueError, match="continues the order"):
        directory.page(
            sort=CustomerSort.NAME, after=directory.page(sort=CustomerSort.NUMBER, limit=1).next
        )


def test_rows_carry_balance_overdue_and_last_activity(
    database: DukanDatabase, changes: CustomerChanges, directory: CustomerDirectory
) -> None:
    amina = add(changes, "Amina")
    owe(database, amina, 10_000, "2026-10-01", paid=2_500, when="2026-09-01 10:00:00")
    owe(database, amina, 4_000, "2026-12-15", when="2026-11-15 16:30:00")
    owe(database, amina, 1_000, "2026-01-01", paid=1_000, when="2025-12-01 10:00:00")
    quiet = add(changes, "Quiet")

    rows = {row.name: row for row in directory.page().rows}
    assert rows["Amina"].balance_minor == 7_500 + 4_000
    assert rows["Amina"].overdue_minor == 7_500  # only the open debt past its due date
    assert rows["Amina"].last_activity == datetime(2026, 11, 15, 16, 30)
    assert (rows["Quiet"].balance_minor, rows["Quiet"].overdue_minor) == (0, 0)
    assert rows["Quiet"].last_activity is None
    record = directory.get(quiet)
    assert record.credit_headroom_minor is None


def test_the_profile_lists_open_debts_sales_payments_and_headroom(
    database: DukanDatabase, changes: CustomerChanges, directory: CustomerDirectory
) -> None:
    amina = changes.create(CustomerDraft(name="Amina", credit_limit="200"))
    owe(database, amina, 10_000, "2026-12-01", paid=2_500)
    owe(database, amina, 4_000, "2026-10-01")
    record = directory.get(amina)
    assert (record.balance_minor, record.overdue_minor) == (11_500, 4_000)
    assert record.credit_headroom_minor == 20_000 - 11_500
    assert [(d.due_date, d.outstanding_minor) for d in directory.open_debts(amina)] == [
        (date(2026, 10, 1), 4_000),
        (date(2026, 12, 1), 7_500),
    ]
    assert sorted(s.total_minor for s in directory.sales(amina)) == [4_000, 10_000]
    assert [p.amount_minor for p in directory.payments(amina)] == [2_500]
    assert [line.action for line in directory.history(amina)] == ["insert"]
    with pytest.raises(ServiceError, match="no customer"):
        directory.get(9_999)


def test_similar_names_are_hinted_never_the_same_person_twice(
    changes: CustomerChanges, directory: CustomerDirectory
) -> None:
    mohamed = add(changes, "Mohamed Benali")
    add(changes, "Karim Haddad")
    hints = directory.similar_names("Mohammed Ben Ali")
    assert [hint.id for hint in hints] == [mohamed]
    assert hints[0].score >= 80
    assert directory.similar_names("Mohamed Benali", exclude_id=mohamed) == []
    assert directory.similar_names("Zineb") == []


def test_an_archived_number_and_a_00_phone_are_searched_as_people_expect(
    changes: CustomerChanges, directory: CustomerDirectory
) -> None:
    gone = add(changes, "Nadia Old")
    add(changes, "Ali", phone="0555 123 456")
    changes.archive(gone)
    assert directory.search("C-00001") == []
    assert names(directory.search("C-00001", include_archived=True)) == ["Nadia Old"]
    assert names(directory.search("00213 555 12")) == ["Ali"]
