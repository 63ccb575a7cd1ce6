"""Debts written in by hand: customer first, each field checked, nothing written on a refusal."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from app.db.database import DukanDatabase
from app.db.tables import AuditEntry, Customer, CustomerBalance, Debt, LegacyPlaceholder
from app.domain.money import CurrencyFormat
from app.services.manual_debts import (
    MAX_MANUAL_DEBT_MINOR,
    ManualDebtError,
    ManualDebtRequest,
    ManualDebts,
)
from tests.services.till import NOW, customer, violations

TODAY = NOW.date()
CLOCK = datetime(2026, 11, 21, 16, 45, 12, 500_000)


@pytest.fixture
def debts(database: DukanDatabase) -> ManualDebts:
    return ManualDebts(today=lambda: TODAY, now=lambda: CLOCK)


@pytest.fixture
def amina(database: DukanDatabase) -> int:
    return customer("Amina", payment_terms="14")


def request(
    customer_id: int | None,
    amount: int = 125_000,
    dated: date = date(2026, 3, 1),
    due_date: date | None = None,
    note: str | None = "Opening balance from the red book",
) -> ManualDebtRequest:
    return ManualDebtRequest(customer_id, amount, dated, due_date, note)


def rows() -> tuple[int, int]:
    return Debt.select().count(), AuditEntry.select().count()


def test_a_manual_debt_is_written_with_its_audit_row(
    database: DukanDatabase, debts: ManualDebts, amina: int
) -> None:
    debt_id = debts.create(request(amina, due_date=date(2026, 6, 30), note="  carried   over "))
    debt = Debt.get_by_id(debt_id)
    assert (debt.sale_id, debt.customer_id, debt.amount, debt.status) == (
        None,
        amina,
        125_000,
        "open",
    )
    assert (debt.created_at, debt.due_date, debt.note) == (
        datetime(2026, 3, 1), date(2026, 6, 30), "carried over",
    )  # fmt: skip
    assert CustomerBalance.get_by_id(amina).outstanding == 125_000
    assert CustomerBalance.get_by_id(amina).oldest_due == date(2026, 6, 30)
    entry = AuditEntry.get((AuditEntry.entity == "debt") & (AuditEntry.entity_id == debt_id))
    assert (entry.action, entry.operator.id, entry.before_json) == ("insert", 1, None)
    assert json.loads(entry.after_json or "null") == {
        "sale_id": None,
        "customer_id": amina,
        "amount": 125_000,
        "dated": "2026-03-01",
        "due_date": "2026-06-30",
        "note": "carried over",
    }
    assert violations(database) == []


def test_the_due_date_defaults_to_the_customers_payment_terms(
    debts: ManualDebts, amina: int
) -> None:
    debt = Debt.get_by_id(debts.create(request(amina, dated=date(2026, 3, 1), note=None)))
    assert debt.due_date == date(2026, 3, 15)
    assert debt.note is None


def test_a_debt_dated_today_keeps_the_time_it_was_written(debts: ManualDebts, amina: int) -> None:
    debt = Debt.get_by_id(debts.create(request(amina, dated=TODAY)))
    assert debt.created_at == CLOCK.replace(microsecond=0)
    assert debt.due_date == TODAY + timedelta(days=14)


def test_an_overdue_opening_balance_is_overdue_at_once(debts: ManualDebts, amina: int) -> None:
    debts.create(request(amina, dated=date(2025, 1, 10), due_date=date(2025, 2, 10)))
    assert CustomerBalance.get_by_id(amina).oldest_due == date(2025, 2, 10)


def test_a_debt_cannot_be_started_without_a_customer(debts: ManualDebts) -> None:
    before = rows()
    with pytest.raises(ManualDebtError) as refused:
        debts.create(request(None))
    assert refused.value.field == "customer"
    assert str(refused.value) == "Choose the customer first: a debt cannot be started without one."
    assert rows() == before


def test_the_customer_must_be_one_who_may_owe(
    database: DukanDatabase, debts: ManualDebts, amina: int
) -> None:
    archived = customer("Karim")
    Customer.update(is_deleted=True).where(Customer.id == archived).execute()
    holder = customer("Unassigned (legacy)")
    LegacyPlaceholder.create(id=1, customer=holder)
    before = rows()
    for customer_id, message in (
        (999, "There is no customer number 999"),
        (archived, "Karim is archived"),
        (holder, "choose a real customer"),
    ):
        with pytest.raises(ManualDebtError, match=message) as refused:
            debts.create(request(customer_id))
        assert refused.value.field == "customer"
    assert rows() == before


def test_the_customer_is_checked_before_the_other_fields(debts: ManualDebts) -> None:
    with pytest.raises(ManualDebtError) as refused:
        debts.create(request(999, amount=0))
    assert refused.value.field == "customer"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount_minor": 0}, "amount", "Enter an amount above zero."),
        ({"amount_minor": -100}, "amount", "Enter an amount above zero."),
        ({"amount_minor": True}, "amount", "Enter an amount above zero."),
        (
            {"amount_minor": MAX_MANUAL_DEBT_MINOR + 1},
            "amount",
            "That is more than one debt can be: at most 10,000,000.00.",
        ),
        ({"dated": TODAY + timedelta(days=1)}, "dated", "A debt cannot be dated in the future."),
        (
            {"due_date": date(2026, 2, 28)},
            "due_date",
            "The due date cannot be before the debt's date.",
        ),
        (
            {"due_date": date(2026, 3, 1) + timedelta(days=3651)},
            "due_date",
            "The due date must be within ten years of the debt's date.",
        ),
        ({"note": "red\x00book"}, "note", "The note contains hidden control characters"),
        ({"note": "line one\nline two"}, "note", "The note contains hidden control characters"),
        ({"note": "x" * 501}, "note", "The note is too long: at most 500 characters."),
    ],
)
def test_a_wrong_field_is_named_and_nothing_is_written(
    debts: ManualDebts, amina: int, changes: dict[str, object], field: str, message: str
) -> None:
    before = rows()
    typed = request(amina)
    with pytest.raises(ManualDebtError) as refused:
        debts.create(replace(typed, **changes))  # type: ignore[arg-type]
    assert (refused.value.field, str(refused.value)[: len(message)]) == (field, message)
    assert rows() == before
    assert CustomerBalance.get_by_id(amina).outstanding == 0


def test_the_limits_themselves_are_accepted(debts: ManualDebts, amina: int) -> None:
    dated = date(2026, 3, 1)
    edge = request(amina, MAX_MANUAL_DEBT_MINOR, dated, dated + timedelta(days=3650), "x" * 500)
    same_day = request(amina, 1, TODAY, TODAY, None)
    assert debts.create(edge) != debts.create(same_day)


def test_the_largest_amount_is_told_in_the_shops_money(amina: int) -> None:
    shop_format = CurrencyFormat("DA", symbol_after=True, decimal_separator=",",
                                 thousands_separator=" ")  # fmt: skip
    debts = ManualDebts(today=lambda: TODAY, money_format=shop_format)
    with pytest.raises(ManualDebtError, match=r"at most 10 000 000,00 DA\.$"):
        debts.create(request(amina, amount=MAX_MANUAL_DEBT_MINOR + 1))
