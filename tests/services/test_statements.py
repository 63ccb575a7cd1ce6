"""A customer's statement: opening balance, debts, payments, returns and reversals in order."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.db.database import DukanDatabase
from app.db.tables import CustomerBalance, Debt, Payment, SaleReversal
from app.domain.customer_form import Address, CustomerDraft
from app.services.audit import DEFAULT_OPERATOR_ID
from app.services.customer_changes import CustomerChanges
from app.services.errors import ServiceError
from app.services.statements import EntryKind, Statement, Statements
from tests.services.book_rows import debt, pay, receipt, reverse, sale_of

NOW = datetime(2026, 11, 21, 10, 30)
FAR_FUTURE = date(2100, 1, 1)  # any end on or after today: the statement reaches the balance


@pytest.fixture
def statements(database: DukanDatabase) -> Statements:
    return Statements()


@pytest.fixture
def history(statements: Statements) -> dict[str, int]:
    """Amina's books: three things before October, seven in it, one after."""
    changes = CustomerChanges(fallback_region="DZ", now=lambda: NOW)
    amina = changes.create(
        CustomerDraft(
            name="Amina Haddad",
            phone="0555 12 34 56",
            billing=Address(street="12 Rue Didouche", city="Alger", country="Algérie"),
        )
    )
    rows = {"amina": amina}
    # Before the range: owes 10,000, pays 1,000 (old till, no receipt) and 3,000 (receipt 1).
    rows["first"] = debt(amina, 10_000, due=date(2026, 10, 1), created=datetime(2026, 9, 1, 10))
    rows["old_payment"] = pay(rows["first"], 1_000, at=datetime(2026, 9, 5, 12))
    receipt(amina, [(rows["first"], 3_000)], at=datetime(2026, 9, 10, 9))
    # October.
    rows["manual"] = debt(
        amina, 4_000, due=date(2026, 11, 1), created=datetime(2026, 10, 1), sale=False,
        note="Paper book",
    )  # fmt: skip
    rows["second"] = debt(amina, 2_500, due=date(2026, 11, 4), created=datetime(2026, 10, 5, 11))
    rows["card_receipt"], card_payments = receipt(
        amina,
        [(rows["first"], 2_000), (rows["manual"], 1_500)],
        at=datetime(2026, 10, 5, 11),
        method="card",
    )
    for payment in card_payments:
        reverse(payment, at=datetime(2026, 10, 10, 16), reason="Card declined")
    reverse(rows["old_payment"], at=datetime(2026, 10, 12, 8, 15), reason="Counted twice")
    voided = SaleReversal.create(
        sale=sale_of(rows["second"]),
        kind="refund",
        amount=800,
        debt_reduced=800,
        cash_out=0,
        reversed_at=datetime(2026, 10, 20, 15),
        operator=DEFAULT_OPERATOR_ID,
        reason="Spoiled milk",
    )
    Payment.create(
        debt=rows["second"],
        customer=amina,
        amount=800,
        paid_at=datetime(2026, 10, 20, 15),
        method="return",
        reversal_id=voided.id,
    )
    pay(rows["first"], 500, at=datetime(2026, 10, 31, 23, 59, 59), method="transfer")
    # After the range.
    debt(amina, 700, due=None, created=datetime(2026, 11, 1))
    return rows


def october(statements: Statements, amina: int) -> Statement:
    return statements.statement(amina, date(2026, 10, 1), date(2026, 10, 31))


def test_the_month_opens_with_what_was_owed_and_runs_line_by_line(
    history: dict[str, int], statements: Statements
) -> None:
    sale = sale_of(history["second"])

    got = october(statements, history["amina"])

    assert got.opening_minor == 10_000 - 1_000 - 3_000
    assert [
        (line.at, line.kind, line.description, line.reference, line.debit_minor,
         line.credit_minor, line.balance_minor)
        for line in got.lines
    ] == [
        (datetime(2026, 10, 1), EntryKind.DEBT, "Manual: Paper book", f"D-{history['manual']}",
         4_000, 0, 10_000),
        (datetime(2026, 10, 5, 11), EntryKind.DEBT, f"Sale {sale}", f"S-{sale}",
         2_500, 0, 12_500),
        (datetime(2026, 10, 5, 11), EntryKind.PAYMENT, "Payment P-000002 (card)", "P-000002",
         0, 3_500, 9_000),
        (datetime(2026, 10, 10, 16), EntryKind.REVERSAL,
         "Payment P-000002 reversed: Card declined", "P-000002", 3_500, 0, 12_500),
        (datetime(2026, 10, 12, 8, 15), EntryKind.REVERSAL,
         "Payment (cash) of 2026-09-05 reversed: Counted twice", "", 1_000, 0, 13_500),
        (datetime(2026, 10, 20, 15), EntryKind.RETURN, f"Goods returned, sale {sale}",
         f"S-{sale}", 0, 800, 12_700),
        (datetime(2026, 10, 31, 23, 59, 59), EntryKind.PAYMENT, "Payment (transfer)", "",
         0, 500, 12_200),
    ]  # fmt: skip
    assert got.closing_minor == 12_200
    assert (got.total_debits_minor, got.total_credits_minor) == (11_000, 4_800)
    assert got.closing_minor == got.opening_minor + got.total_debits_minor - got.total_credits_minor


def test_the_header_names_the_customer_with_number_phone_and_billing_address(
    history: dict[str, int], statements: Statements
) -> None:
    got = october(statements, history["amina"])

    assert (got.customer_id, got.customer_number, got.customer_name, got.customer_phone) == (
        history["amina"],
        "C-00001",
        "Amina Haddad",
        "+213555123456",
    )
    assert got.customer_address == "12 Rue Didouche\nAlger\nAlgérie"
    assert (got.start, got.end) == (date(2026, 10, 1), date(2026, 10, 31))


def test_a_range_starting_mid_history_opens_where_the_earlier_one_closed(
    history: dict[str, int], statements: Statements
) -> None:
    amina = history["amina"]
    before = statements.statement(amina, date(2026, 1, 1), date(2026, 10, 9))
    after = statements.statement(amina, date(2026, 10, 10), FAR_FUTURE)

    assert before.opening_minor == 0
    assert before.closing_minor == 6_000 + 4_000 + 2_500 - 3_500
    assert after.opening_minor == before.closing_minor
    assert [line.kind for line in after.lines] == [
        EntryKind.REVERSAL,
        EntryKind.REVERSAL,
        EntryKind.RETURN,
        EntryKind.PAYMENT,
        EntryKind.DEBT,
    ]
    assert len(before.lines) + len(after.lines) == 3 + 3 + 5


def test_a_statement_up_to_today_closes_at_the_customers_balance(
    history: dict[str, int], statements: Statements
) -> None:
    amina = history["amina"]
    balance = CustomerBalance.get_by_id(amina).outstanding

    got = statements.statement(amina, date(2026, 10, 15), FAR_FUTURE)
    whole = statements.statement(amina, date(2000, 1, 1), date.max)

    assert balance == 10_000 + 4_000 + 2_500 + 700 - 3_000 - 800 - 500
    assert got.closing_minor == balance
    assert whole.opening_minor == 0
    assert whole.closing_minor == balance
    assert whole.total_debits_minor - whole.total_credits_minor == balance


def test_a_range_with_nothing_in_it_has_no_lines_and_closes_at_the_opening(
    history: dict[str, int], statements: Statements
) -> None:
    got = statements.statement(history["amina"], date(2026, 10, 21), date(2026, 10, 30))

    assert got.lines == ()
    assert got.opening_minor == got.closing_minor == 12_700
    assert (got.total_debits_minor, got.total_credits_minor) == (0, 0)


def test_one_day_holds_everything_from_midnight_to_its_last_second(
    history: dict[str, int], statements: Statements
) -> None:
    first = statements.statement(history["amina"], date(2026, 10, 1), date(2026, 10, 1))
    last = statements.statement(history["amina"], date(2026, 10, 31), date(2026, 10, 31))

    assert [line.description for line in first.lines] == ["Manual: Paper book"]
    assert [line.description for line in last.lines] == ["Payment (transfer)"]
    assert last.opening_minor == 12_700


def test_a_manual_debt_without_a_note_is_an_opening_balance_carried_over(
    history: dict[str, int], statements: Statements
) -> None:
    bare = debt(history["amina"], 300, due=None, created=datetime(2026, 10, 25, 9), sale=False)
    assert Debt.get_by_id(bare).note is None

    got = october(statements, history["amina"])

    assert [line.description for line in got.lines if line.reference == f"D-{bare}"] == [
        "Opening balance carried over"
    ]


def test_a_customer_without_number_phone_or_address(statements: Statements) -> None:
    changes = CustomerChanges(now=lambda: NOW)
    plain = changes.create(CustomerDraft(name="Bilal"))

    got = statements.statement(plain, date(2026, 1, 1), date(2026, 12, 31))

    assert (got.customer_phone, got.customer_address, got.lines) == (None, None, ())
    assert got.opening_minor == got.closing_minor == 0


def test_dates_the_wrong_way_round_or_an_unknown_customer_are_refused(
    history: dict[str, int], statements: Statements
) -> None:
    with pytest.raises(ServiceError, match="start after it ends"):
        statements.statement(history["amina"], date(2026, 10, 2), date(2026, 10, 1))
    with pytest.raises(ServiceError, match="no customer"):
        statements.statement(9_999, date(2026, 10, 1), date(2026, 10, 31))
