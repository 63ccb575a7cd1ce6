"""Creating, editing, archiving, deleting and merging customers, against real migrated files."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from peewee import IntegrityError

from app.db.checks import all_violations
from app.db.database import DukanDatabase, database_proxy, schema_version
from app.db.tables import AuditEntry
from app.domain.customer_form import Address, CustomerDraft, ValidationError, validate_customer
from app.services.customer_changes import CustomerChanges
from app.services.customer_directory import CustomerDirectory
from app.services.errors import ServiceError
from app.services.payments import PaymentRequest, Payments
from app.services.reminders import Reminders
from tests.conftest import add_credit_sale

REGION = "DZ"


@pytest.fixture
def changes(database: DukanDatabase) -> CustomerChanges:
    return CustomerChanges(fallback_region=REGION)


def counts(db: DukanDatabase) -> dict[str, int]:
    conn = db.sqlite_connection()
    return {
        table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in ("customers", "customer_search_keys", "audit_log", "counters")
    } | {"next": conn.execute("SELECT next_value FROM counters").fetchone()[0]}


def audit_actions(db: DukanDatabase, customer_id: int) -> list[str]:
    rows = db.sqlite_connection().execute(
        "SELECT action FROM audit_log WHERE entity = 'customer' AND entity_id = ? ORDER BY id",
        (customer_id,),
    )
    return [row[0] for row in rows]


def give_debt(db: DukanDatabase, customer_id: int, amount: int, paid: int = 0) -> int:
    """A credit sale of `amount` to the customer, with `paid` paid back later."""
    return add_credit_sale(
        db.sqlite_connection(), customer_id, amount, due="2026-01-01", paid_back=paid
    )


# ----- numbers -----------------------------------------------------------------------------


def test_new_customers_are_numbered_from_the_counter(
    database: DukanDatabase, changes: CustomerChanges
) -> None:
    first = changes.create(CustomerDraft(name="Amina"))
    second = changes.create(CustomerDraft(name="Samir"))
    directory = CustomerDirectory()
    assert [directory.get(i).number for i in (first, second)] == ["C-00001", "C-00002"]
    assert counts(database)["next"] == 3


def test_a_typed_number_is_kept_and_the_counter_skips_it_later(
    database: DukanDatabase, changes: CustomerChanges
) -> None:
    typed = changes.create(CustomerDraft(name="Karim", number="C-00002"))
    first = changes.create(CustomerDraft(name="Amina"))
    skipped = changes.create(CustomerDraft(name="Samir"))
    directory = CustomerDirectory()
    assert [directory.get(i).number for i in (typed, first, skipped)] == [
        "C-00002",
        "C-00001",
        "C-00003",
    ]
    with pytest.raises(ValidationError) as refused:
        changes.create(CustomerDraft(name="Nadia", number="c-00001"))
    assert refused.value.errors == {"number": "Already the number of C-00001 Amina."}


def test_two_connections_creating_at_once_never_share_a_number(
    database: DukanDatabase, database_path: Path
) -> None:
    # Peewee gives each thread its own connection: two tills on one file.
    per_thread, failures = 15, []
    start = threading.Barrier(2)

    def till(label: str) -> None:
        try:
            start.wait()
            changes = CustomerChanges(fallback_region=REGION)
            for n in range(per_thread):
                changes.create(CustomerDraft(name=f"{label} {n}"))
        except Exception as error:  # noqa: BLE001 - reported to the test thread below
            failures.append(error)
        finally:
            database_proxy.close()

    threads = [threading.Thread(target=till, args=(label,)) for label in ("Left", "Right")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    conn = sqlite3.connect(database_path)
    numbers = [row[0] for row in conn.execute("SELECT customer_number FROM customers")]
    conn.close()
    assert sorted(numbers) == [f"C-{n:05d}" for n in range(1, 2 * per_thread + 1)]


# ----- validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (CustomerDraft(name=""), "name"),
        (CustomerDraft(name="   "), "name"),
        (CustomerDraft(name="x" * 10_000), "name"),
        (CustomerDraft(name="Ali\x00Baba"), "name"),
        (CustomerDraft(name="Ali\x1b[31m"), "name"),
        (CustomerDraft(name="Ali \ud800"), "name"),  # a lone surrogate from a clipboard
        (CustomerDraft(name="Ali", contact_name="y" * 201), "contact_name"),
        (CustomerDraft(name="Ali", phone="n/a"), "phone"),
        (CustomerDraft(name="Ali", phone="12"), "phone"),
        (CustomerDraft(name="Ali", phone="1" * 30), "phone"),
        (CustomerDraft(name="Ali", email="ali.example.com"), "email"),
        (CustomerDraft(name="Ali", email="ali@localhost"), "email"),
        (CustomerDraft(name="Ali", email="0555123456"), "email"),
        (CustomerDraft(name="Ali", number="C 1"), "number"),
        (CustomerDraft(name="Ali", number="N°1"), "number"),
        (CustomerDraft(name="Ali", number="C-" + "9" * 30), "number"),
        (CustomerDraft(name="Ali", payment_terms=""), "payment_terms"),
        (CustomerDraft(name="Ali", payment_terms="-5"), "payment_terms"),
        (CustomerDraft(name="Ali", payment_terms="٣٠"), "payment_terms"),  # Arabic-Indic digits
        (CustomerDraft(name="Ali", payment_terms="1e3"), "payment_terms"),
        (CustomerDraft(name="Ali", payment_terms="99999"), "payment_terms"),
        (CustomerDraft(name="Ali", credit_limit="-100"), "credit_limit"),
        (CustomerDraft(name="Ali", credit_limit="nan"), "credit_limit"),
        (CustomerDraft(name="Ali", credit_limit="1e999"), "credit_limit"),
        (CustomerDraft(name="Ali", credit_limit="١٢٣"), "credit_limit"),
        (CustomerDraft(name="Ali", credit_limit="99999999999999999999"), "credit_limit"),
        (CustomerDraft(name="Ali", billing=Address(city="\x00")), "billing.city"),
        (CustomerDraft(name="Ali", shipping=Address(street="s" * 201)), "shipping.street"),
        (CustomerDraft(name="Ali", tax_number="t" * 51), "tax_number"),
        (CustomerDraft(name="Ali", note="n" * 2001), "note"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_written(
    database: DukanDatabase, changes: CustomerChanges, draft: CustomerDraft, field: str
) -> None:
    before = counts(database)
    with pytest.raises(ValidationError) as refused:
        changes.create(draft)
    assert list(refused.value.errors) == [field]
    assert refused.value.errors[field].strip()
    assert counts(database) == before


def test_every_bad_field_is_reported_at_once(changes: CustomerChanges) -> None:
    with pytest.raises(ValidationError) as refused:
        changes.create(CustomerDraft(name="", email="x", payment_terms="?", credit_limit="-1"))
    assert set(refused.value.errors) == {"name", "email", "payment_terms", "credit_limit"}


def test_what_may_be_typed_is_accepted_in_any_script(
    database: DukanDatabase, changes: CustomerChanges
) -> None:
    names = ["O'Brien", "محمد بن علي", "张伟", "Хасан Иванов", "Zoë 🙂", "مهدی\u200cزاده"]
    ids = [changes.create(CustomerDraft(name=name)) for name in names]
    directory = CustomerDirectory()
    assert [directory.get(i).fields.name for i in ids] == names
    note = changes.create(CustomerDraft(name="  Ali   Ben  ", note="line one\n\tline two"))
    assert directory.get(note).fields.name == "Ali Ben"
    assert directory.get(note).fields.note == "line one\n\tline two"


@pytest.mark.parametrize(
    "typed", ["0555-123-456", "(0555) 12.34.56", "+213 555 123 456", "00213555123456", "٠٥٥٥١٢٣٤٥٦"]
)
def test_one_phone_typed_another_way_is_the_same_customer(
    changes: CustomerChanges, typed: str
) -> None:
    changes.create(CustomerDraft(name="Amina", phone="0555 123 456"))
    with pytest.raises(ValidationError) as refused:
        changes.create(CustomerDraft(name="Someone", phone=typed))
    assert refused.value.errors == {"phone": "Already the phone of C-00001 Amina."}


def test_the_shops_phone_region_setting_wins_over_the_system_one(
    database: DukanDatabase,
) -> None:
    database.execute_sql("INSERT INTO settings (key, value) VALUES ('phone_region', 'FR')")
    changes = CustomerChanges(fallback_region="DZ")
    customer = changes.create(CustomerDraft(name="Chloé", phone="06 12 34 56 78"))
    assert CustomerDirectory().get(customer).fields.phone == "+33612345678"


def test_a_phone_saved_by_another_till_between_check_and_write_is_a_field_error(
    database: DukanDatabase, changes: CustomerChanges, monkeypatch: pytest.MonkeyPatch
) -> None:
    changes.create(CustomerDraft(name="Amina", phone="0555 123 456"))
    # The check passes (as if the other till had not committed yet); the UNIQUE index decides.
    monkeypatch.setattr(
        changes, "validate", lambda draft, customer_id=None: validate_customer(draft, region=REGION)
    )
    with pytest.raises(ValidationError) as refused:
        changes.create(CustomerDraft(name="Other", phone="0555123456"))
    assert list(refused.value.errors) == ["phone"]
    assert counts(database)["customers"] == 1


# ----- edit, archive, restore, delete --------------------------------------------------------


def test_an_edit_is_saved_and_audited_with_before_and_after(
    database: DukanDatabase, changes: CustomerChanges
) -> None:
    customer = changes.create(CustomerDraft(name="Amina", credit_limit="100"))
    edited = CustomerDraft(name="Amina B.", credit_limit="250.50", billing=Address(city="Oran"))
    assert changes.update(customer, edited) is True
    record = CustomerDirectory().get(customer)
    assert (record.fields.name, record.fields.credit_limit_minor) == ("Amina B.", 25_050)
    assert record.fields.billing == Address(city="Oran")
    history = CustomerDirectory().history(customer)
    assert [line.action for line in history] == ["update", "insert"]
    assert history[0].changed() == ["name", "billing_address", "credit_limit"]
    assert (history[0].before or {})["credit_limit"] == 10_000
    assert (history[0].after or {})["credit_limit"] == 25_050
    assert history[0].operator == "Owner"


def test_saving_without_a_change_writes_nothing(
    database: DukanDatabase, changes: CustomerChanges
) -> None:
    customer = changes.create(CustomerDraft(name="Amina", phone="0555 123 456"))
    before = counts(database)
    same = CustomerDraft(name="Amina", phone="+213555123456")
    assert changes.update(customer, same) is False
    assert counts(database) == before


def test_archiving_is_refused_while_the_customer_owes(
    database: DukanDatabase, changes: CustomerChanges
) -> None:
    customer = changes.create(CustomerDraft(name="Amina"))
    give_debt(database, customer, 12_500, paid=2_000)
    with pytest.raises(ServiceError, match=r"C-00001 Amina still owes 105\.00"):
        changes.archive(customer, "moved away")
    assert CustomerDirectory().get(customer).is_archived is False
    assert audit_actions(database, customer) == ["insert"]


def test_archive_and_restore_are_audited_with_the_reason(
    database: DukanDatabase, changes: CustomerChanges
) -> None:
    customer = changes.create(CustomerDraft(name="Amina"))
    give_debt(database, customer, 5_000, paid=5_000)  # settled: balance zero
    changes.archive(customer, "moved away")
    assert CustomerDirectory().get(customer).is_archived
    with pytest.raises(ServiceError, match="already archived"):
        changes.archive(customer)
    changes.restore(customer, "came back")
    history = CustomerDirectory().history(customer)
    assert [(line.action, line.reason) for line in history] == [
        ("restore", "came back"),
        ("archive", "moved away"),
        ("insert", None),
    ]


def test_a_customer_nothing_refers_to_can_be_deleted_and_the_deletion_is_audited(
    database: DukanDatabase, changes: CustomerChanges
) -> None:
    customer = changes.create(CustomerDraft(name="Typo Customer", phone="0555 123 456"))
    changes.delete(customer, "created by mistake")
    conn = database.sqlite_connection()
    assert conn.execute("SELECT COUNT(*) FROM customers").fetchone() == (0,)
    assert conn.execute("SELECT COUNT(*) FROM customer_search_keys").fetchone() == (0,)
    assert audit_actions(database, customer) == ["insert", "delete"]
    # The phone is free again.
    changes.create(CustomerDraft(name="Amina", phone="0555 123 456"))


def test_a_customer_with_history_cannot_be_deleted(
    database: DukanDatabase, changes: CustomerChanges
) -> None:
    customer = changes.create(CustomerDraft(name="Amina"))
    give_debt(database, customer, 5_000, paid=5_000)
    with pytest.raises(ServiceError, match="1 sales, 1 debts, 1 payments refer to them"):
        changes.delete(customer)
    assert CustomerDirectory().get(customer).fields.name == "Amina"


def test_audit_rows_cannot_be_changed_through_the_services_layer_either(
    database: DukanDatabase, changes: CustomerChanges
) -> None:
    changes.create(CustomerDraft(name="Amina"))
    with pytest.raises(IntegrityError, match="append-only"):
        AuditEntry.update(reason="covered up").execute()
    with pytest.raises(IntegrityError, match="append-only"):
        AuditEntry.delete().execute()
    assert AuditEntry.select().count() == 1


# ----- merge -------------------------------------------------------------------------------


def test_a_merge_moves_sales_debts_and_payments_and_the_books_still_add_up(
    database: DukanDatabase, changes: CustomerChanges
) -> None:
    survivor = changes.create(CustomerDraft(name="Amina Benali"))
    duplicate = changes.create(
        CustomerDraft(name="amina benali", phone="0555 123 456", email="amina@example.com")
    )
    give_debt(database, survivor, 3_000)
    give_debt(database, duplicate, 10_000, paid=4_000)
    give_debt(database, duplicate, 2_000, paid=2_000)
    directory = CustomerDirectory()

    outcome = changes.merge(survivor, duplicate, reason="same person")

    assert (outcome.sales_moved, outcome.debts_moved, outcome.payments_moved) == (2, 2, 2)
    assert outcome.fields_filled == ("phone", "email")
    kept, merged = directory.get(survivor), directory.get(duplicate)
    assert kept.balance_minor == 3_000 + 6_000
    assert kept.fields.phone == "+213555123456"
    assert (merged.is_archived, merged.merged_into_id, merged.balance_minor) == (True, survivor, 0)
    assert merged.fields.phone is None
    conn = database.sqlite_connection()
    for table in ("sales", "debts", "payment_history"):
        owners = conn.execute(f"SELECT DISTINCT customer_id FROM {table}").fetchall()
        assert owners == [(survivor,)]
    assert all_violations(conn, schema_version()) == []
    # The merged number still leads to the survivor; the phone finds the survivor.
    assert directory.resolve_number("C-00002") == survivor
    assert [row.id for row in directory.search("0555 123")] == [survivor]
    assert audit_actions(database, duplicate) == ["insert", "merge"]
    assert audit_actions(database, survivor) == ["insert", "merge"]
    assert "took over C-00002 (2 sales, 2 debts, 2 payments): same person" in (
        directory.history(survivor)[0].reason or ""
    )


def test_a_merge_takes_the_payment_receipts_and_reminders_along(
    database: DukanDatabase, changes: CustomerChanges
) -> None:
    survivor = changes.create(CustomerDraft(name="Amina Benali"))
    duplicate = changes.create(CustomerDraft(name="amina benali", phone="0555 123 456"))
    give_debt(database, duplicate, 10_000)
    receipt = Payments().take(PaymentRequest(duplicate, 4_000, "cash")).receipt_id
    Reminders().record_sent(duplicate, 6_000)

    changes.merge(survivor, duplicate, reason="same person")

    conn = database.sqlite_connection()
    for table in ("payment_receipts", "reminders"):
        owners = conn.execute(f"SELECT DISTINCT customer_id FROM {table}").fetchall()
        assert owners == [(survivor,)]
    assert Payments().receipt(receipt).customer_id == survivor
    assert all_violations(conn, schema_version()) == []


@pytest.mark.parametrize(
    ("survivor_archived", "message"),
    [(True, "is archived"), (False, "already merged")],
)
def test_a_merge_with_an_archived_or_merged_customer_is_refused(
    database: DukanDatabase, changes: CustomerChanges, survivor_archived: bool, message: str
) -> None:
    first = changes.create(CustomerDraft(name="Amina"))
    second = changes.create(CustomerDraft(name="Samir"))
    third = changes.create(CustomerDraft(name="Karim"))
    if survivor_archived:
        changes.archive(first)
    else:
        changes.merge(second, first)
    before = counts(database)
    with pytest.raises(ServiceError, match=message):
        changes.merge(first, third)
    assert counts(database) == before


def test_a_customer_cannot_be_merged_into_itself(changes: CustomerChanges) -> None:
    customer = changes.create(CustomerDraft(name="Amina"))
    with pytest.raises(ServiceError, match="two different customers"):
        changes.merge(customer, customer)


def test_a_taken_phone_is_reported_together_with_the_other_mistakes(
    changes: CustomerChanges,
) -> None:
    changes.create(CustomerDraft(name="Amina", phone="0555 123 456"))
    with pytest.raises(ValidationError) as refused:
        changes.create(CustomerDraft(name="Sara", phone="0555-123-456", email="sara-at-home"))
    assert refused.value.errors == {
        "email": "Not an email address, e.g. name@example.com.",
        "phone": "Already the phone of C-00001 Amina.",
    }
