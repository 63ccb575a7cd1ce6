"""Reminder texts for overdue customers, and the record of each one sent."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from app.db.database import DukanDatabase
from app.db.tables import AuditEntry, Reminder, Setting
from app.domain.customer_form import CustomerDraft
from app.domain.money import CurrencyFormat
from app.services import audit
from app.services.customer_changes import CustomerChanges
from app.services.errors import ServiceError
from app.services.reminders import Reminders, ReminderText
from tests.services.book_rows import debt, make_placeholder, pay

TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 10, 30, 15, 123456)
DINAR = CurrencyFormat(
    symbol="DA", symbol_after=True, decimal_separator=",", thousands_separator=" "
)


@pytest.fixture
def reminders(database: DukanDatabase) -> Reminders:
    return Reminders(money_format=DINAR, today=lambda: TODAY, now=lambda: NOW)


def person(name: str) -> int:
    return CustomerChanges(now=lambda: NOW).create(CustomerDraft(name=name))


def owes_late(name: str = "Amina Haddad") -> int:
    """Owes 1,500.00 in all: 1,000.00 of it overdue since 2026-09-01, 500.00 due later."""
    owner = person(name)
    late = debt(owner, 120_000, due=date(2026, 9, 1), created=datetime(2026, 8, 1, 9))
    pay(late, 20_000, at=datetime(2026, 8, 15, 9))
    debt(owner, 50_000, due=TODAY + timedelta(days=5), created=datetime(2026, 11, 1, 9))
    return owner


def test_the_text_names_customer_overdue_amount_balance_oldest_due_and_shop(
    reminders: Reminders,
) -> None:
    amina = owes_late()

    composed = reminders.compose(amina)

    assert composed == ReminderText(
        customer_id=amina,
        text=(
            "Hello Amina Haddad, this is Dukan. 1 000,00 DA of your account is overdue, the "
            "oldest since 2026-09-01; your balance with us is 1 500,00 DA in all. Please come "
            "and settle the overdue amount at your earliest convenience. Thank you!"
        ),
        overdue_minor=100_000,
        oldest_due=date(2026, 9, 1),
    )


def test_the_shop_name_comes_from_the_settings(reminders: Reminders) -> None:
    amina = owes_late()
    Setting.create(key="shop_name", value="  Épicerie Benali ")

    assert "this is Épicerie Benali." in reminders.compose(amina).text


@pytest.mark.parametrize(
    "due",
    [TODAY, TODAY + timedelta(days=3), None],
    ids=["due today", "not yet due", "undated"],
)
def test_a_customer_with_nothing_overdue_gets_no_reminder(
    reminders: Reminders, due: date | None
) -> None:
    owner = person("Bilal")
    debt(owner, 5_000, due=due, created=datetime(2026, 11, 1, 9))

    with pytest.raises(ServiceError, match="Nothing Bilal owes is overdue"):
        reminders.compose(owner)


def test_a_settled_customer_an_unknown_one_and_the_placeholder_are_refused(
    reminders: Reminders,
) -> None:
    settled = person("Chadi")
    paid_up = debt(settled, 5_000, due=date(2026, 9, 1), created=datetime(2026, 8, 1, 9))
    pay(paid_up, 5_000, at=datetime(2026, 9, 2, 9))
    holder = make_placeholder()  # owes 7,000, overdue since 2024

    with pytest.raises(ServiceError, match="Nothing Chadi owes is overdue"):
        reminders.compose(settled)
    with pytest.raises(ServiceError, match="no customer"):
        reminders.compose(9_999)
    with pytest.raises(ServiceError, match="Unassigned"):
        reminders.compose(holder)
    with pytest.raises(ServiceError, match="Unassigned"):
        reminders.record_sent(holder, 7_000)


def test_recording_a_reminder_writes_it_and_its_audit_row(reminders: Reminders) -> None:
    amina = owes_late()
    assert reminders.last_reminded(amina) is None

    sent = reminders.record_sent(amina, 100_000)

    assert sent == NOW.replace(microsecond=0)
    (row,) = Reminder.select()
    assert (row.customer_id, row.reminded_at, row.overdue_amount, row.operator.id) == (
        amina,
        sent,
        100_000,
        audit.DEFAULT_OPERATOR_ID,
    )
    (entry,) = AuditEntry.select().where(AuditEntry.action == "remind")
    assert (entry.entity, entry.entity_id) == ("customer", amina)
    assert audit.history("customer", amina)[0].after == {
        "overdue": 100_000,
        "reminded_at": "2026-11-21 10:30:15",
    }
    assert reminders.last_reminded(amina) == sent


def test_the_last_reminder_is_the_latest_sent(database: DukanDatabase) -> None:
    amina = owes_late()
    times = iter([datetime(2026, 11, 20, 18), datetime(2026, 11, 1, 9)])
    reminders = Reminders(today=lambda: TODAY, now=lambda: next(times))

    reminders.record_sent(amina, 100_000)
    reminders.record_sent(amina, 90_000)

    assert reminders.last_reminded(amina) == datetime(2026, 11, 20, 18)
    assert reminders.last_reminded(person("Bilal")) is None


def test_a_failed_audit_leaves_no_reminder_behind(
    reminders: Reminders, monkeypatch: pytest.MonkeyPatch
) -> None:
    amina = owes_late()

    def broken(**_row: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        reminders.record_sent(amina, 100_000)

    assert Reminder.select().count() == 0
    assert reminders.last_reminded(amina) is None


@pytest.mark.parametrize("amount", [0, -5])
def test_a_reminder_for_nothing_overdue_is_not_recorded(reminders: Reminders, amount: int) -> None:
    amina = owes_late()

    with pytest.raises(ServiceError, match="overdue"):
        reminders.record_sent(amina, amount)

    assert Reminder.select().count() == 0
