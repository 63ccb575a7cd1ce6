"""Taking a payment from a customer across their open debts, its receipt, and its reversal."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from peewee import JOIN, fn

from app.db.database import database_proxy
from app.db.payment_rows import insert_payments, insert_receipt, open_debt_rows, payer_row
from app.db.query_rows import tuples
from app.db.tables import (
    AuditEntry,
    Customer,
    Debt,
    Payment,
    PaymentReceipt,
    PaymentReversal,
    SaleReversal,
)
from app.domain.allocation import Allocation, Overpayment, OwedDebt, allocate, payment_order
from app.domain.money import DEFAULT_FORMAT, CurrencyFormat, Money
from app.domain.names import tidy_name
from app.domain.notes import NoteError, tidy_note
from app.domain.reasons import ReasonError, tidy_reason
from app.services import audit
from app.services.crash_points import crash_point
from app.services.debtors import PLACEHOLDER_NAME
from app.services.errors import ServiceError

PAYMENT_METHODS = ("cash", "card", "transfer")


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    customer_id: int
    amount_minor: int
    method: str  # one of PAYMENT_METHODS
    ticked_debt_ids: tuple[int, ...] = ()  # empty: oldest due first over every open debt
    note: str | None = None


@dataclass(frozen=True, slots=True)
class PreviewLine:
    """One open debt of the customer, touched by the payment or not."""

    debt_id: int
    sale_id: int | None  # None: a manual debt
    created_at: datetime
    due_date: date | None
    outstanding_minor: int
    applied_minor: int  # 0 when the payment does not reach it

    @property
    def remaining_minor(self) -> int:
        return self.outstanding_minor - self.applied_minor


@dataclass(frozen=True, slots=True)
class PaymentPreview:
    customer_id: int
    amount_minor: int
    lines: tuple[PreviewLine, ...]  # every open debt of the customer, in payment order
    balance_before_minor: int
    balance_after_minor: int


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    debt_id: int
    sale_id: int | None
    due_date: date | None
    applied_minor: int
    remaining_minor: int


@dataclass(frozen=True, slots=True)
class PaymentReceiptData:
    receipt_id: int
    number: str  # "P-000001"
    received_at: datetime
    customer_id: int
    customer_name: str
    customer_number: str | None
    method: str
    amount_minor: int
    previous_balance_minor: int  # the customer's balance just before this payment
    new_balance_minor: int
    lines: tuple[ReceiptLine, ...]
    reversed: bool  # True once the receipt's payments were reversed


def receipt_number(receipt_id: int) -> str:
    return f"P-{receipt_id:06d}"


@dataclass(frozen=True, slots=True)
class _Payer:
    customer_id: int
    name: str
    number: str | None
    balance_minor: int  # customer_balances.outstanding, as the triggers keep it


@dataclass(frozen=True, slots=True)
class _OpenRow:
    owed: OwedDebt
    sale_id: int | None


@dataclass(frozen=True, slots=True)
class _PaidLine:
    """One payment_history row of a receipt, with its debt and whether it still counts."""

    payment_id: int
    receipt_id: int
    debt_id: int
    sale_id: int | None
    due_date: date | None
    amount_minor: int
    paid_at: datetime
    debt_amount_minor: int
    reversed: bool


@dataclass(frozen=True, slots=True)
class _Snapshot:
    """What the receipt printed for one debt, as recorded in its audit row."""

    remaining_minor: int
    balance_before_minor: int


class Payments:
    def __init__(
        self,
        operator_id: int = audit.DEFAULT_OPERATOR_ID,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
        now: Callable[[], datetime] = datetime.now,
    ) -> None:
        self._operator_id = operator_id
        self._money_format = money_format
        self._now = now

    def open_debts(self, customer_id: int) -> list[OwedDebt]:
        """The customer's open debts in the order a payment settles them."""
        return [row.owed for row in _open_rows(customer_id)]

    def preview(
        self, customer_id: int, amount_minor: int, ticked_debt_ids: Sequence[int] = ()
    ) -> PaymentPreview:
        """What taking the payment would do, every open debt listed; nothing is written."""
        payer = _payer(customer_id)
        rows = _open_rows(customer_id)
        allocation = self._allocation(payer, rows, amount_minor, ticked_debt_ids)
        applied = {line.debt_id: line.applied_minor for line in allocation.lines}
        lines = tuple(
            PreviewLine(
                debt_id=row.owed.debt_id,
                sale_id=row.sale_id,
                created_at=row.owed.created_at,
                due_date=row.owed.due_date,
                outstanding_minor=row.owed.outstanding_minor,
                applied_minor=applied.get(row.owed.debt_id, 0),
            )
            for row in rows
        )
        return PaymentPreview(
            customer_id=customer_id,
            amount_minor=amount_minor,
            lines=lines,
            balance_before_minor=payer.balance_minor,
            balance_after_minor=payer.balance_minor - amount_minor,
        )

    def take(self, request: PaymentRequest) -> PaymentReceiptData:
        """Record the payment in one transaction: its receipt, one payment_history row per
        debt it reaches (the settlement trigger marks those paid off), one audit row each."""
        if request.method not in PAYMENT_METHODS:
            raise ServiceError("Choose how the customer paid: cash, card or transfer.")
        note = _note(request.note)
        with database_proxy.atomic():
            # Read again inside the write transaction (BEGIN IMMEDIATE): the preview the
            # operator saw may be stale if another till took a payment meanwhile.
            payer = _payer(request.customer_id)
            rows = _open_rows(request.customer_id)
            allocation = self._allocation(
                payer, rows, request.amount_minor, request.ticked_debt_ids
            )
            now = self._now().replace(microsecond=0)
            receipt_id = insert_receipt(
                customer_id=payer.customer_id,
                amount_minor=allocation.amount_minor,
                method=request.method,
                received_at=now,
                operator_id=self._operator_id,
                note=note,
            )
            crash_point("payment.after_receipt")
            number = receipt_number(receipt_id)
            insert_payments(
                customer_id=payer.customer_id,
                paid_at=now,
                method=request.method,
                note=note,
                receipt_id=receipt_id,
                applied=[(line.debt_id, line.applied_minor) for line in allocation.lines],
            )
            crash_point("payment.after_lines")
            new_balance = payer.balance_minor - allocation.amount_minor
            # The balances the receipt prints are kept in the audit rows, so a reprint next
            # year says what this one did, whatever was sold, moved or reversed since.
            audit.record_many(
                operator_id=self._operator_id,
                entity="debt",
                action="payment",
                changes=[
                    (
                        line.debt_id,
                        {
                            "outstanding": line.outstanding_before_minor,
                            "customer_balance": payer.balance_minor,
                        },
                        {
                            "receipt": number,
                            "amount": line.applied_minor,
                            "method": request.method,
                            "outstanding": line.outstanding_after_minor,
                            "customer_balance": new_balance,
                        },
                    )
                    for line in allocation.lines
                ],
            )
            crash_point("payment.before_commit")
        crash_point("payment.after_commit")
        sales = {row.owed.debt_id: row.sale_id for row in rows}
        dues = {row.owed.debt_id: row.owed.due_date for row in rows}
        return PaymentReceiptData(
            receipt_id=receipt_id,
            number=number,
            received_at=now,
            customer_id=payer.customer_id,
            customer_name=payer.name,
            customer_number=payer.number,
            method=request.method,
            amount_minor=allocation.amount_minor,
            previous_balance_minor=payer.balance_minor,
            new_balance_minor=new_balance,
            lines=tuple(
                ReceiptLine(
                    line.debt_id,
                    sales[line.debt_id],
                    dues[line.debt_id],
                    line.applied_minor,
                    line.outstanding_after_minor,
                )
                for line in allocation.lines
            ),
            reversed=False,
        )

    def receipt(self, receipt_id: int) -> PaymentReceiptData:
        """A receipt as it was printed, for a reprint; `reversed` says if it still counts."""
        found = _receipts_data(PaymentReceipt.id == receipt_id, limit=1)
        if not found:
            raise ServiceError(f"There is no payment receipt {receipt_number(receipt_id)}.")
        return found[0]

    def reverse_receipt(self, receipt_id: int, reason: str) -> PaymentReceiptData:
        """Take a mistyped payment back: every payment of the receipt stops counting, so its
        debts reopen and the balance goes back up (triggers of migration 029)."""
        why = _reversal_reason(reason)
        number = receipt_number(receipt_id)
        with database_proxy.atomic():
            if not PaymentReceipt.select().where(PaymentReceipt.id == receipt_id).exists():
                raise ServiceError(f"There is no payment receipt {number}.")
            paid = _paid_lines(Payment.receipt_id == receipt_id)
            if any(line.reversed for line in paid):
                raise ServiceError(f"Receipt {number} was already reversed.")
            _refuse_if_refunded_since(paid, f"Receipt {number}")
            self._reverse(paid, why, number)
            return self.receipt(receipt_id)

    def reverse_payment(self, payment_id: int, reason: str) -> None:
        """Take back one payment the old till recorded (it has no receipt)."""
        why = _reversal_reason(reason)
        with database_proxy.atomic():
            row = tuples(
                Payment.select(Payment.method, Payment.reversal_id, Payment.receipt_id, Debt.sale)
                .join(Debt, on=(Payment.debt == Debt.id))
                .where(Payment.id == payment_id)
            )
            if not row:
                raise ServiceError(f"There is no payment number {payment_id}.")
            method, sale_reversal_id, receipt_id, sale_id = row[0]
            if sale_reversal_id is not None or method == "return":
                on_sale = "" if sale_id is None else f" on sale {sale_id}"
                raise ServiceError(
                    f"Payment {payment_id} is goods returned{on_sale}, not money received; "
                    "it cannot be reversed."
                )
            if receipt_id is not None:
                number = receipt_number(receipt_id)
                raise ServiceError(
                    f"Payment {payment_id} is part of receipt {number}; "
                    f"reverse the whole receipt {number}."
                )
            paid = _paid_lines(Payment.id == payment_id)
            if paid[0].reversed:
                raise ServiceError(f"Payment {payment_id} was already reversed.")
            _refuse_if_refunded_since(paid, f"Payment {payment_id}")
            self._reverse(paid, why, None)

    def recent_receipts(
        self, customer_id: int | None, limit: int = 100
    ) -> list[PaymentReceiptData]:
        """The latest receipts, newest first: one customer's, or everyone's when None."""
        where = None if customer_id is None else PaymentReceipt.customer == customer_id
        return _receipts_data(where, limit=limit)

    def _reverse(self, paid: list[_PaidLine], reason: str, number: str | None) -> None:
        now = self._now().replace(microsecond=0)
        PaymentReversal.insert_many(
            [
                {
                    PaymentReversal.payment: line.payment_id,
                    PaymentReversal.reversed_at: now,
                    PaymentReversal.operator: self._operator_id,
                    PaymentReversal.reason: reason,
                }
                for line in paid
            ]
        ).execute()
        audit.record_many(
            operator_id=self._operator_id,
            entity="debt",
            action="payment_reversal",
            changes=[
                (
                    line.debt_id,
                    {"payment_id": line.payment_id, "receipt": number, "amount": line.amount_minor},
                    None,
                )
                for line in paid
            ],
            reason=reason,
        )

    def _allocation(
        self, payer: _Payer, rows: list[_OpenRow], amount_minor: int, ticked: Sequence[int]
    ) -> Allocation:
        """The allocation, or a ServiceError worded for the operator with the exact amounts."""
        if isinstance(amount_minor, bool) or not isinstance(amount_minor, int) or amount_minor <= 0:
            raise ServiceError("Enter an amount above zero.")
        owed = {row.owed.debt_id for row in rows}
        for debt_id in ticked:
            if debt_id not in owed:
                raise ServiceError(
                    f"Debt {debt_id} is not an open debt of {payer.name}; "
                    "it may have been paid meanwhile."
                )
        try:
            return allocate(amount_minor, [row.owed for row in rows], ticked or None)
        except Overpayment as too_much:
            if not rows:
                raise ServiceError(
                    f"{payer.name} owes nothing: there is no open debt to pay."
                ) from None
            outstanding = self._money(too_much.outstanding_minor)
            if ticked:
                raise ServiceError(
                    f"The ticked debts have only {outstanding} outstanding; take at most that."
                ) from None
            raise ServiceError(f"Only {outstanding} is outstanding; take at most that.") from None

    def _money(self, minor: int) -> str:
        return Money(minor).format(self._money_format)


def _payer(customer_id: int) -> _Payer:
    """The customer a payment may be taken from, with their balance, in one query."""
    found = payer_row(customer_id)
    if not found:
        raise ServiceError(f"There is no customer number {customer_id}.")
    name, number, merged_into, balance, placeholder = found
    if placeholder is not None:
        raise ServiceError(
            f"“{PLACEHOLDER_NAME}” holds old debts whose payer was not recorded: assign these "
            "debts to a customer first, then take the payment from that customer."
        )
    if merged_into is not None:
        raise ServiceError(f"{name} was merged into another customer; take the payment there.")
    # An archived customer is not refused: money coming in for what they still owe is always
    # welcome (only new debts need a customer in good standing, see debtors.require_debtor).
    return _Payer(customer_id, str(name), number or None, int(balance or 0))


def _open_rows(customer_id: int) -> list[_OpenRow]:
    """The customer's open debts in payment order; the view counts only payments that stand.
    Times parsed with fromisoformat: peewee's fields run strptime on each."""
    rows = {
        debt_id: _OpenRow(OwedDebt(debt_id, int(outstanding), _day(due), _moment(made)), sale_id)
        for debt_id, sale_id, outstanding, due, made in open_debt_rows(customer_id)
    }
    return [rows[owed.debt_id] for owed in payment_order(row.owed for row in rows.values())]


def _paid_lines(where: Any) -> list[_PaidLine]:
    query = (
        Payment.select(
            Payment.id,
            Payment.receipt_id,
            Payment.debt,
            Debt.sale,
            Debt.due_date,
            Payment.amount,
            Payment.paid_at,
            Debt.amount,
            PaymentReversal.id,
        )
        .join(Debt, on=(Payment.debt == Debt.id))
        .switch(Payment)
        .join(PaymentReversal, JOIN.LEFT_OUTER, on=(PaymentReversal.payment == Payment.id))
        .where(where)
        .order_by(Payment.id)
    )
    return [
        _PaidLine(pid, receipt, debt, sale, due, amount, paid_at, owed, reversal is not None)
        for pid, receipt, debt, sale, due, amount, paid_at, owed, reversal in tuples(query)
    ]


def _refuse_if_refunded_since(paid: list[_PaidLine], what: str) -> None:
    """A void or refund after the payment counted it as money taken, and may have handed it
    back over the counter; reversing it now would charge the customer for that cash again."""
    sale_ids = {line.sale_id for line in paid if line.sale_id is not None}
    if not sale_ids:
        return
    later = (
        SaleReversal.select(SaleReversal.sale)
        .where(
            SaleReversal.sale.in_(sorted(sale_ids))
            & (SaleReversal.cash_out > 0)
            & (SaleReversal.reversed_at >= min(line.paid_at for line in paid))
        )
        .order_by(SaleReversal.id)
        .scalar()
    )
    if later is not None:
        raise ServiceError(
            f"{what} cannot be reversed: sale {later} was refunded after it, and the money "
            "paid back then counted this payment."
        )


def _receipts_data(where: Any, *, limit: int) -> list[PaymentReceiptData]:
    """Receipts rebuilt from their rows in three queries, however many are asked for."""
    heads_query = (
        PaymentReceipt.select(
            PaymentReceipt.id,
            PaymentReceipt.received_at,
            PaymentReceipt.customer,
            Customer.name,
            Customer.customer_number,
            PaymentReceipt.method,
            PaymentReceipt.amount,
        )
        .join(Customer, on=(PaymentReceipt.customer == Customer.id))
        .order_by(PaymentReceipt.id.desc())
        .limit(limit)
    )
    if where is not None:
        heads_query = heads_query.where(where)
    heads = tuples(heads_query)
    if not heads:
        return []
    paid = _paid_lines(Payment.receipt_id.in_([head[0] for head in heads]))
    by_receipt: dict[int, list[_PaidLine]] = {}
    for line in paid:
        by_receipt.setdefault(line.receipt_id, []).append(line)
    snapshots = _snapshots({line.debt_id for line in paid})
    found = []
    for receipt_id, received_at, customer_id, name, number, method, amount in heads:
        lines = by_receipt.get(receipt_id, [])
        label = receipt_number(receipt_id)
        printed = [snapshots.get((label, line.debt_id)) for line in lines]
        if lines and all(snapshot is not None for snapshot in printed):
            previous = next(s.balance_before_minor for s in printed if s is not None)
            remaining = [s.remaining_minor for s in printed if s is not None]
        else:
            previous, remaining = _reckoned(customer_id, received_at, lines)
        found.append(
            PaymentReceiptData(
                receipt_id=receipt_id,
                number=label,
                received_at=received_at,
                customer_id=customer_id,
                customer_name=str(name),
                customer_number=number or None,
                method=method,
                amount_minor=amount,
                previous_balance_minor=previous,
                new_balance_minor=previous - amount,
                lines=tuple(
                    ReceiptLine(line.debt_id, line.sale_id, line.due_date, line.amount_minor, left)
                    for line, left in zip(lines, remaining, strict=True)
                ),
                reversed=any(line.reversed for line in lines),
            )
        )
    return found


def _snapshots(debt_ids: Iterable[int]) -> dict[tuple[str, int], _Snapshot]:
    """(receipt number, debt) -> what the receipt printed, from the audit rows `take` wrote."""
    ids = sorted(debt_ids)
    if not ids:
        return {}
    rows = AuditEntry.select(
        AuditEntry.entity_id, AuditEntry.before_json, AuditEntry.after_json
    ).where(
        (AuditEntry.entity == "debt")
        & (AuditEntry.action == "payment")
        & AuditEntry.entity_id.in_(ids)
    )
    found: dict[tuple[str, int], _Snapshot] = {}
    for debt_id, before_json, after_json in tuples(rows):
        before, after = json.loads(before_json or "{}"), json.loads(after_json or "{}")
        try:
            snapshot = _Snapshot(int(after["outstanding"]), int(before["customer_balance"]))
            found[(str(after["receipt"]), debt_id)] = snapshot
        except (KeyError, TypeError, ValueError):
            continue  # not a row `take` wrote: the receipt is reckoned from the ledger instead
    return found


def _reckoned(
    customer_id: int, received_at: datetime, lines: list[_PaidLine]
) -> tuple[int, list[int]]:
    """The balances of a receipt with no record of what it printed (not written by `take`),
    reckoned from the ledger's timestamps as the sale receipt does: debts created at or before
    the receipt, less the payments before it (by id) that were not reversed by then."""
    first_payment = min((line.payment_id for line in lines), default=None)
    debts = Debt.select(fn.COALESCE(fn.SUM(Debt.amount), 0)).where(
        (Debt.customer == customer_id) & (Debt.created_at <= received_at)
    )
    reversed_by_then = PaymentReversal.select(PaymentReversal.payment).where(
        PaymentReversal.reversed_at <= received_at
    )
    earlier = (Payment.customer == customer_id) & Payment.id.not_in(reversed_by_then)
    if first_payment is not None:
        earlier &= Payment.id < first_payment
    else:
        earlier &= Payment.paid_at <= received_at
    paid = Payment.select(fn.COALESCE(fn.SUM(Payment.amount), 0)).where(earlier)
    previous = int(debts.scalar()) - int(paid.scalar())
    remaining = []
    for line in lines:
        on_debt = Payment.select(fn.COALESCE(fn.SUM(Payment.amount), 0)).where(
            (Payment.debt == line.debt_id)
            & (Payment.id <= line.payment_id)
            & Payment.id.not_in(reversed_by_then)
        )
        remaining.append(line.debt_amount_minor - int(on_debt.scalar()))
    return previous, remaining


def _day(stored: str | None) -> date | None:
    return None if stored is None else date.fromisoformat(stored[:10])


def _moment(stored: str) -> datetime:
    return datetime.fromisoformat(stored[:19])


def _note(typed: str | None) -> str | None:
    try:
        return tidy_note(typed)
    except NoteError as error:
        raise ServiceError(str(error)) from None


def _reversal_reason(typed: str) -> str:
    if tidy_name(typed) is None:
        raise ServiceError("Say why the payment is reversed.")
    try:
        return tidy_reason(typed)
    except ReasonError as error:
        raise ServiceError(str(error)) from None
