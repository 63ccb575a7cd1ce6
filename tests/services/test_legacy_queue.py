"""The assignment queue: the placeholder's debts listed, and moved to real customers whole."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from app.db.checks import all_violations
from app.db.database import DukanDatabase, open_database
from app.db.migrator import Migrator
from app.domain.customer_form import CustomerDraft
from app.paths import migrations_dir
from app.services.customer_changes import CustomerChanges
from app.services.debtors import placeholder_id, require_debtor
from app.services.errors import ServiceError
from app.services.legacy_queue import LegacyQueue, UnassignedDebt
from tests.db.legacy_shop import LegacySale, LegacyShop, build_legacy_shop
from tests.db.populate import snapshot

LATEST = Migrator(migrations_dir()).latest_version

SALES = [
    LegacySale("karim", "Karim", "0555 44 33 22", sold_at="2024-02-01 09:00:00"),
    LegacySale(
        "blank", None, None, total=9_000, paid=1_000, payments=(3_000, 1_500),
        sold_at="2024-01-15 12:30:00",
    ),
    LegacySale("ahmed1", "Ahmed", "0770 00 00 01", sold_at="2024-01-02 10:00:00"),
    LegacySale("ahmed2", "Ahmed", "0770 00 00 02", sold_at="2024-01-03 10:00:00"),
    LegacySale("which-ahmed", "ahmed ", None, total=4_000, sold_at="2024-01-20 18:00:00"),
    LegacySale("settled", "  ", "-", total=2_000, payments=(2_000,), sold_at="2024-01-01 08:00:00"),
]  # fmt: skip


@pytest.fixture
def shop(tmp_path: Path, migrator: Migrator) -> Iterator[tuple[LegacyShop, DukanDatabase]]:
    built = build_legacy_shop(migrator, tmp_path / "shop" / "dukan.db", SALES)
    Migrator(migrations_dir()).migrate(built.path)
    db = open_database(built.path)
    yield built, db
    db.close()


def _customer_of_debt(db: DukanDatabase, debt_id: int) -> int:
    row = db.sqlite_connection().execute("SELECT customer_id FROM debts WHERE id = ?", (debt_id,))
    customer: int = row.fetchone()[0]
    return customer


def test_the_queue_lists_what_the_cashier_typed_open_debts_first(
    shop: tuple[LegacyShop, DukanDatabase],
) -> None:
    built, _ = shop
    assert LegacyQueue().unassigned() == [
        UnassignedDebt(
            built.debt_ids["blank"], built.sale_ids["blank"], datetime(2024, 1, 15, 12, 30),
            None, None, 8_000, 3_500, date(2024, 1, 15),
        ),
        UnassignedDebt(
            built.debt_ids["which-ahmed"], built.sale_ids["which-ahmed"],
            datetime(2024, 1, 20, 18, 0), "ahmed ", None, 4_000, 4_000, date(2024, 1, 20),
        ),
        UnassignedDebt(
            built.debt_ids["settled"], built.sale_ids["settled"], datetime(2024, 1, 1, 8, 0),
            "  ", "-", 2_000, 0, date(2024, 1, 1),
        ),
    ]  # fmt: skip


def test_assigning_moves_the_debt_its_sale_and_its_payments_together(
    shop: tuple[LegacyShop, DukanDatabase],
) -> None:
    built, db = shop
    karim = _customer_of_debt(db, built.debt_ids["karim"])
    debt = built.debt_ids["blank"]

    placeholder = _customer_of_debt(db, debt)
    outcome = LegacyQueue().assign(debt, karim)

    assert (outcome.customer_id, outcome.debt_ids, outcome.payments_moved) == (karim, (debt,), 2)
    conn = db.sqlite_connection()
    assert _customer_of_debt(db, debt) == karim
    sale_owner = conn.execute(
        "SELECT customer_id FROM sales WHERE id = ?", (built.sale_ids["blank"],)
    ).fetchone()
    assert sale_owner == (karim,)
    payers = conn.execute("SELECT customer_id FROM payment_history WHERE debt_id = ?", (debt,))
    assert [row[0] for row in payers] == [karim, karim]
    assert debt not in [row.debt_id for row in LegacyQueue().unassigned()]
    assert all_violations(conn, LATEST) == []
    audited = conn.execute(
        "SELECT entity, entity_id, action, operator_id, before_json, after_json FROM audit_log"
    ).fetchall()
    assert audited == [
        (
            "debt",
            debt,
            "assign",
            1,
            f'{{"customer_id": {placeholder}}}',
            f'{{"customer_id": {karim}, "sale_id": {built.sale_ids["blank"]}}}',
        )
    ]


def test_a_reversed_payment_counts_in_the_queue_and_moves_with_its_debt(
    shop: tuple[LegacyShop, DukanDatabase],
) -> None:
    built, db = shop
    conn = db.sqlite_connection()
    debt = built.debt_ids["blank"]
    payment = conn.execute(
        "SELECT id FROM payment_history WHERE debt_id = ? AND amount = 3000", (debt,)
    ).fetchone()[0]
    conn.execute(
        "INSERT INTO payment_reversals (payment_id, reversed_at, operator_id, reason)"
        " VALUES (?, '2024-03-01 10:00:00', 1, 'typed 3000 for 300')",
        (payment,),
    )
    waiting = {row.debt_id: row for row in LegacyQueue().unassigned()}
    assert waiting[debt].outstanding_minor == 6_500  # 8,000 less the 1,500 that still counts

    karim = _customer_of_debt(db, built.debt_ids["karim"])
    before = conn.execute(
        "SELECT outstanding FROM customer_balances WHERE customer_id = ?", (karim,)
    ).fetchone()[0]
    LegacyQueue().assign(debt, karim)
    after = conn.execute(
        "SELECT outstanding FROM customer_balances WHERE customer_id = ?", (karim,)
    ).fetchone()[0]
    assert after - before == 6_500
    assert all_violations(conn, LATEST) == []


@pytest.mark.parametrize(
    ("debt_label", "customer", "message"),
    [
        ("karim", "karim", "already belongs"),
        ("blank", "placeholder", "Unassigned"),
        ("blank", "nobody", "no customer number"),
        ("blank", "archived", "archived"),
        ("no-such-debt", "karim", "no debt number"),
    ],
)
def test_a_refused_assignment_writes_nothing(
    shop: tuple[LegacyShop, DukanDatabase], debt_label: str, customer: str, message: str
) -> None:
    built, db = shop
    conn = db.sqlite_connection()
    archived = conn.execute(
        "INSERT INTO customers (name, is_deleted) VALUES ('Old Customer', 1)"
    ).lastrowid
    customers = {
        "karim": _customer_of_debt(db, built.debt_ids["karim"]),
        "placeholder": placeholder_id(),
        "nobody": 424242,
        "archived": archived,
    }
    before = snapshot(conn)

    with pytest.raises(ServiceError, match=message):
        LegacyQueue().assign(built.debt_ids.get(debt_label, 999_999), customers[customer] or 0)

    assert snapshot(conn) == before


def test_the_queue_comes_in_pages(shop: tuple[LegacyShop, DukanDatabase]) -> None:
    queue = LegacyQueue()
    everything = queue.unassigned()
    assert queue.waiting_count() == len(everything) == 3
    pages = [queue.unassigned(offset=start, limit=2) for start in (0, 2, 4)]
    assert pages[0] + pages[1] == everything
    assert pages[2] == []


def test_new_debts_cannot_name_the_placeholder(shop: tuple[LegacyShop, DukanDatabase]) -> None:
    built, db = shop
    holder = placeholder_id()
    assert holder is not None
    with pytest.raises(ServiceError, match="real customer"):
        require_debtor(holder)
    karim = _customer_of_debt(db, built.debt_ids["karim"])
    assert require_debtor(karim).name == "Karim"


def test_a_file_whose_debts_all_had_payers_has_no_queue(tmp_path: Path, migrator: Migrator) -> None:
    built = build_legacy_shop(migrator, tmp_path / "shop" / "dukan.db", SALES[:1])
    Migrator(migrations_dir()).migrate(built.path)
    db = open_database(built.path)
    try:
        assert placeholder_id() is None
        assert LegacyQueue().unassigned() == []
        assert LegacyQueue().waiting_count() == 0
    finally:
        db.close()


def test_a_new_shop_has_no_queue_to_assign_from(database_path: Path) -> None:
    # A brand-new shop has no placeholder: each of its debts was made with a customer.
    db = open_database(database_path)
    try:
        conn: sqlite3.Connection = db.sqlite_connection()
        customer = conn.execute("INSERT INTO customers (name) VALUES ('Amina')").lastrowid
        debt = conn.execute(
            "INSERT INTO debts (amount, customer_id) VALUES (100, ?)", (customer,)
        ).lastrowid
        assert debt is not None
        with pytest.raises(ServiceError, match="already belongs"):
            LegacyQueue().assign(debt, 1)
    finally:
        db.close()


def test_merging_the_placeholder_needs_an_explicit_yes(
    shop: tuple[LegacyShop, DukanDatabase],
) -> None:
    built, db = shop
    karim = _customer_of_debt(db, built.debt_ids["karim"])
    holder = placeholder_id()
    assert holder is not None
    changes = CustomerChanges()
    conn = db.sqlite_connection()
    before = snapshot(conn)

    with pytest.raises(ServiceError, match="would give every old debt"):
        changes.merge(karim, holder)
    with pytest.raises(ServiceError, match="cannot receive debts"):
        changes.merge(holder, karim, include_legacy_placeholder=True)
    assert snapshot(conn) == before

    outcome = changes.merge(karim, holder, include_legacy_placeholder=True, reason="all Karim's")
    assert outcome.debts_moved == 3
    assert LegacyQueue().waiting_count() == 0
    assert all_violations(conn, LATEST) == []


def test_the_placeholder_cannot_be_edited_archived_or_deleted(
    shop: tuple[LegacyShop, DukanDatabase],
) -> None:
    _built, db = shop
    holder = placeholder_id()
    assert holder is not None
    changes = CustomerChanges()
    before = snapshot(db.sqlite_connection())
    for attempt in (
        lambda: changes.update(holder, CustomerDraft(name="Renamed")),
        lambda: changes.archive(holder),
        lambda: changes.delete(holder),
    ):
        with pytest.raises(ServiceError, match="cannot be edited, archived or deleted"):
            attempt()
    assert snapshot(db.sqlite_connection()) == before
