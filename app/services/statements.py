"""A customer's statement: opening balance, debts, payments and reversals, running balance."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from peewee import fn

from app.db.database import database_proxy
from app.db.tables import Customer, Debt, Payment, PaymentReversal
from app.domain.customer_form import ADDRESS_PARTS, Address
from app.domain.statement import (
    KIND_ORDER,
    Entry,
    EntryKind,
    StatementLine,
    entry,
    run_balance,
)
from app.services.errors import ServiceError
from app.services.payments import receipt_number

__all__ = ["EntryKind", "Statement", "StatementLine", "Statements"]

RETURN_METHOD = "return"  # payment_history rows a void or refund wrote (migration 026)
# A debt's and a plain payment's place in the statement order, looked up once: the debts and
# payments of a long statement are built as Entry tuples directly (entry() looks the kind up
# in KIND_ORDER, an enum hash in Python, for each of thousands of rows).
_DEBT_ORDER = KIND_ORDER[EntryKind.DEBT]
_PAYMENT_ORDER = KIND_ORDER[EntryKind.PAYMENT]


@dataclass(frozen=True, slots=True)
class Statement:
    customer_id: int
    customer_number: str
    customer_name: str
    customer_phone: str | None
    customer_address: str | None  # billing address, one line per part
    start: date
    end: date
    opening_minor: int
    lines: tuple[StatementLine, ...]
    closing_minor: int
    total_debits_minor: int
    total_credits_minor: int


class Statements:
    """Reads one customer's books for a date range: four queries, each on a customer index."""

    def statement(self, customer_id: int, start: date, end: date) -> Statement:
        if start > end:
            raise ServiceError("The statement cannot start after it ends; check the dates.")
        since = datetime.combine(start, time.min)
        # Up to the end of the last day; the day after date.max does not exist.
        until = None if end == date.max else datetime.combine(end + timedelta(days=1), time.min)
        header = _header_and_opening(customer_id, since)
        if header is None:
            raise ServiceError(f"There is no customer with id {customer_id}.")
        number, name, phone, billing, owed, paid, reversed_ = header
        opening = int(owed) - int(paid) + int(reversed_)
        entries = [
            *_debts(customer_id, since, until),
            *_payments(customer_id, since, until),
            *_reversals(customer_id, since, until),
        ]
        run = run_balance(opening, entries)
        return Statement(
            customer_id=customer_id,
            customer_number=number or "",
            customer_name=name,
            customer_phone=phone,
            customer_address=_address_lines(billing),
            start=start,
            end=end,
            opening_minor=opening,
            lines=run.lines,
            closing_minor=run.closing_minor,
            total_debits_minor=run.total_debits_minor,
            total_credits_minor=run.total_credits_minor,
        )


def _header_and_opening(customer_id: int, since: datetime) -> tuple[Any, ...] | None:
    """The customer's header fields and what they owed, paid and had reversed before `since`:
    one statement, its three sums on idx_debts_customer_created and
    idx_payment_history_customer_paid. A payment reversed later still counted until then."""
    owed = Debt.select(fn.COALESCE(fn.SUM(Debt.amount), 0)).where(
        (Debt.customer == customer_id) & (Debt.created_at < since)
    )
    paid = Payment.select(fn.COALESCE(fn.SUM(Payment.amount), 0)).where(
        (Payment.customer == customer_id) & (Payment.paid_at < since)
    )
    reversed_ = (
        Payment.select(fn.COALESCE(fn.SUM(Payment.amount), 0))
        .join(PaymentReversal, on=PaymentReversal.payment == Payment.id)
        .where((Payment.customer == customer_id) & (PaymentReversal.reversed_at < since))
    )
    query = Customer.select(
        Customer.customer_number,
        Customer.name,
        Customer.phone,
        Customer.billing_address,
        owed.alias("owed"),
        paid.alias("paid"),
        reversed_.alias("reversed"),
    ).where(Customer.id == customer_id)
    found: tuple[Any, ...] | None = database_proxy.execute(query).fetchone()
    return found


def _in_range(column: Any, since: datetime, until: datetime | None) -> Any:
    within = column >= since
    return within if until is None else within & (column < until)


def _debts(customer_id: int, since: datetime, until: datetime | None) -> Iterator[Entry]:
    query = Debt.select(Debt.id, Debt.created_at, Debt.sale, Debt.amount, Debt.note).where(
        (Debt.customer == customer_id) & _in_range(Debt.created_at, since, until)
    )
    debt, when = EntryKind.DEBT, datetime.fromisoformat
    for debt_id, created_at, sale_id, amount, note in _raw(query):
        if sale_id is not None:
            description, reference = f"Sale {sale_id}", f"S-{sale_id}"
        else:
            description = f"Manual: {note}" if note else "Opening balance carried over"
            reference = f"D-{debt_id}"
        at = when(created_at[:19])
        yield Entry(at, _DEBT_ORDER, debt_id, debt, description, reference, amount, 0)


def _payments(customer_id: int, since: datetime, until: datetime | None) -> Iterator[Entry]:
    """Payments taken, a receipt's rows as one line; goods returned, a void's rows as one."""
    query = (
        Payment.select(
            Payment.id,
            Payment.paid_at,
            Payment.amount,
            Payment.method,
            Payment.receipt_id,
            Payment.reversal_id,
            Debt.sale,
        )
        .join(Debt, on=Payment.debt == Debt.id)
        .where((Payment.customer == customer_id) & _in_range(Payment.paid_at, since, until))
    )
    # [time, amount, first row, what the line names], per receipt and per void or refund.
    receipts: dict[int, list[Any]] = {}
    returns: dict[int, list[Any]] = {}
    for payment_id, paid_at, amount, method, receipt_id, reversal_id, sale_id in _raw(query):
        if reversal_id is not None or method == RETURN_METHOD:
            key = reversal_id if reversal_id is not None else -payment_id
            _add(returns, key, [paid_at, amount, payment_id, sale_id])
        elif receipt_id is not None:
            _add(receipts, receipt_id, [paid_at, amount, payment_id, method])
        else:
            yield entry(
                _when(paid_at),
                EntryKind.PAYMENT,
                f"Payment ({method})",
                "",
                row_id=payment_id,
                credit=amount,
            )
    payment, when = EntryKind.PAYMENT, datetime.fromisoformat
    for receipt_id, (stored_at, amount, first_id, method) in receipts.items():
        number = receipt_number(receipt_id)
        description = f"Payment {number} ({method})"
        at = when(stored_at[:19])
        yield Entry(at, _PAYMENT_ORDER, first_id, payment, description, number, 0, amount)
    for at, amount, first_id, sale_id in returns.values():
        description = "Goods returned" if sale_id is None else f"Goods returned, sale {sale_id}"
        reference = "" if sale_id is None else f"S-{sale_id}"
        yield entry(
            _when(at), EntryKind.RETURN, description, reference, row_id=first_id, credit=amount
        )


def _reversals(customer_id: int, since: datetime, until: datetime | None) -> Iterator[Entry]:
    """Payments that no longer count, as debits: a receipt reversed at once is one line."""
    query = (
        PaymentReversal.select(
            PaymentReversal.id,
            PaymentReversal.reversed_at,
            PaymentReversal.reason,
            Payment.amount,
            Payment.receipt_id,
            Payment.method,
            Payment.paid_at,
        )
        .join(Payment, on=PaymentReversal.payment == Payment.id)
        .where(
            (Payment.customer == customer_id) & _in_range(PaymentReversal.reversed_at, since, until)
        )
    )
    receipts: dict[tuple[int, str, str], list[Any]] = {}
    for reversal_id, reversed_at, reason, amount, receipt_id, method, paid_at in _raw(query):
        if receipt_id is not None:
            key = (receipt_id, reversed_at, reason)
            _add(receipts, key, [reversed_at, amount, reversal_id, reason])
            continue
        description = f"Payment ({method}) of {paid_at[:10]} reversed: {reason}"
        at = _when(reversed_at)
        yield entry(at, EntryKind.REVERSAL, description, "", row_id=reversal_id, debit=amount)
    for (receipt_id, _at, _reason), (at, amount, first_id, reason) in receipts.items():
        number = receipt_number(receipt_id)
        description = f"Payment {number} reversed: {reason}"
        yield entry(
            _when(at), EntryKind.REVERSAL, description, number, row_id=first_id, debit=amount
        )


def _add(groups: dict[Any, list[Any]], key: Any, row: list[Any]) -> None:
    """Rows shown as one line (a receipt, a void, a receipt's reversal): the first row's
    time and what it names, the amounts summed, the lowest row id."""
    group = groups.get(key)
    if group is None:
        groups[key] = row
    else:
        group[1] += row[1]
        group[2] = min(group[2], row[2])


def _raw(query: Any) -> list[tuple[Any, ...]]:
    """The query's rows as SQLite gives them: a statement of thousands of lines would spend
    more in peewee's per-cell conversion (strptime per timestamp) than in SQLite."""
    rows: list[tuple[Any, ...]] = database_proxy.execute(query).fetchall()
    return rows


def _when(stored: str) -> datetime:
    return datetime.fromisoformat(stored[:19])


def _address_lines(stored: str | None) -> str | None:
    address = Address.from_json(stored)
    parts = [value for part in ADDRESS_PARTS if (value := getattr(address, part))]
    return "\n".join(parts) or None
