"""Completing a sale: its lines, the cash, the debt of the rest and the audit, all at once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from app.db.database import database_proxy
from app.db.debtor_rows import credit_standing, debtor_row
from app.db.sale_rows import (
    existing_products,
    insert_sale,
    insert_sale_debt,
    insert_sale_items,
    recorded_sale,
)
from app.db.tables import Customer
from app.domain.basket import MAX_LINES, BasketError, BasketLine, check_line
from app.domain.credit import CreditPosition
from app.domain.money import DEFAULT_FORMAT, MAX_MINOR, CurrencyFormat, Money
from app.domain.reasons import ReasonError, tidy_reason
from app.domain.settlement import SettlementError, settle
from app.services import audit
from app.services.crash_points import crash_point
from app.services.debtors import Debtor, require_debtor
from app.services.errors import ServiceError

# A due date further out than the longest payment terms a customer can have is a typo.
MAX_DUE_DAYS = 3650


@dataclass(frozen=True, slots=True)
class CheckoutRequest:
    key: str  # the basket's key: completing twice records one sale
    lines: Sequence[BasketLine]
    customer_id: int | None = None  # None: a walk-in buyer
    tendered_minor: int | None = None  # cash handed over; None means exactly the total
    on_account: bool = False  # put what the cash does not cover on the customer's account
    due_date: date | None = None  # None: today plus the customer's payment terms
    override_reason: str | None = None  # why the credit limit may be exceeded this time


@dataclass(frozen=True, slots=True)
class CheckoutOutcome:
    sale_id: int
    total_minor: int
    paid_minor: int
    tendered_minor: int
    change_minor: int
    debt_id: int | None
    debt_minor: int
    due_date: date | None
    replayed: bool  # the basket had already been completed: this is that sale


@dataclass(frozen=True, slots=True)
class _DebtTerms:
    customer_id: int
    amount_minor: int
    due_date: date
    position: CreditPosition
    override_reason: str | None  # set when the operator let the sale exceed the limit


class CreditLimitExceeded(ServiceError):
    """The sale would take the customer beyond their limit; an override with a reason may."""

    def __init__(self, message: str, position: CreditPosition) -> None:
        super().__init__(message)
        self.position = position


class Checkout:
    def __init__(
        self,
        *,
        operator_id: int = audit.DEFAULT_OPERATOR_ID,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
        now: Callable[[], datetime] = datetime.now,
    ) -> None:
        self._operator_id = operator_id
        self._money_format = money_format
        self._now = now

    def credit_position(self, customer_id: int, this_sale_minor: int = 0) -> CreditPosition:
        """What the credit panel shows: limit, owed now, overdue, and after this sale."""
        found = debtor_row(customer_id)
        if found is None:
            raise ServiceError(f"There is no customer number {customer_id}.")
        return self._position_of(customer_id, found[4], this_sale_minor)

    def _position_of(
        self, customer_id: int, credit_limit: int | None, this_sale_minor: int
    ) -> CreditPosition:
        owed, overdue = credit_standing(customer_id, self._now().date())
        return CreditPosition(credit_limit, owed, overdue, this_sale_minor)

    def due_date_for(self, customer_id: int) -> date:
        """Today plus the customer's payment terms: the due date a debt of today's sale gets."""
        terms = Customer.select(Customer.payment_terms).where(Customer.id == customer_id).scalar()
        return self._now().date() + timedelta(days=int(terms or 0))

    def complete(self, request: CheckoutRequest) -> CheckoutOutcome:
        """Record the sale in one transaction; the same basket key again returns that sale."""
        total = _checked_total(request.lines)
        with database_proxy.atomic():
            recorded = recorded_sale(request.key)
            if recorded is not None:
                sale_id, recorded_total, _paid, _tendered, recorded_customer = recorded[:5]
                if (recorded_total, recorded_customer) != (total, request.customer_id):
                    # The same key with another basket is a till that kept an old key: never
                    # hand back the old sale as if these goods had been recorded.
                    raise ServiceError(
                        f"This basket was already recorded as sale {sale_id}; "
                        "clear it (Esc) and ring the goods up again."
                    )
                return _replayed(recorded)
            try:
                money = settle(
                    total,
                    request.tendered_minor,
                    on_account=request.on_account,
                    money_format=self._money_format,
                )
            except SettlementError as error:
                raise ServiceError(str(error)) from None
            if request.customer_id is not None and money.on_account_minor == 0:
                _existing_customer(request.customer_id)
            debt_terms: _DebtTerms | None = None
            if money.on_account_minor:
                debt_terms = self._allow_debt(request, money.on_account_minor)
            _check_products(request.lines)
            now = self._now().replace(microsecond=0)
            sale_id = insert_sale(
                sold_at=now,
                total_minor=total,
                paid_minor=money.paid_minor,
                tendered_minor=money.tendered_minor,
                customer_id=request.customer_id,
                key=request.key,
                operator_id=self._operator_id,
            )
            crash_point("checkout.after_header")
            # Stock moves are written by the database for each line (migration 027).
            insert_sale_items(
                sale_id,
                [
                    (line.product_id, line.description, line.quantity, line.unit_price_minor)
                    for line in request.lines
                ],
            )
            crash_point("checkout.after_lines")
            debt_id = None if debt_terms is None else self._record_debt(sale_id, debt_terms, now)
            crash_point("checkout.before_commit")
        crash_point("checkout.after_commit")
        tendered = money.paid_minor if money.tendered_minor is None else money.tendered_minor
        return CheckoutOutcome(
            sale_id=sale_id,
            total_minor=total,
            paid_minor=money.paid_minor,
            tendered_minor=tendered,
            change_minor=tendered - money.paid_minor,
            debt_id=debt_id,
            debt_minor=0 if debt_terms is None else debt_terms.amount_minor,
            due_date=None if debt_terms is None else debt_terms.due_date,
            replayed=False,
        )

    def _allow_debt(self, request: CheckoutRequest, amount: int) -> _DebtTerms:
        """The debt this sale makes, once the customer may take it on."""
        if request.customer_id is None:
            raise ServiceError(
                f"A walk-in buyer pays in full: pick a customer (F4) to put "
                f"{self._money(amount)} on account."
            )
        customer = require_debtor(request.customer_id)
        today = self._now().date()
        due = request.due_date or today + timedelta(days=customer.payment_terms)
        if not today <= due <= today + timedelta(days=MAX_DUE_DAYS):
            raise ServiceError("The due date must be between today and ten years from now.")
        position = self._position_of(customer.id, customer.credit_limit, amount)
        override = None
        if position.exceeds_limit:
            if request.override_reason is None:
                raise CreditLimitExceeded(self._limit_message(customer, position), position)
            try:
                override = tidy_reason(request.override_reason)
            except ReasonError as error:
                raise ServiceError(str(error)) from None
        return _DebtTerms(customer.id, amount, due, position, override)

    def _record_debt(self, sale_id: int, terms: _DebtTerms, now: datetime) -> int:
        if terms.override_reason is not None:
            position = terms.position
            audit.record(
                operator_id=self._operator_id,
                entity="sale",
                entity_id=sale_id,
                action="credit_override",
                before={
                    "customer_id": terms.customer_id,
                    "credit_limit": position.limit_minor,
                    "owed": position.owed_minor,
                },
                after={"owed": position.after_minor, "this_sale": terms.amount_minor},
                reason=terms.override_reason,
            )
        customer_id, amount, due = terms.customer_id, terms.amount_minor, terms.due_date
        debt_id = insert_sale_debt(
            sale_id=sale_id,
            customer_id=customer_id,
            amount_minor=amount,
            created_at=now,
            due_date=due,
            note=f"Sale {sale_id}",
        )
        crash_point("checkout.after_debt")
        audit.record(
            operator_id=self._operator_id,
            entity="debt",
            entity_id=debt_id,
            action="insert",
            before=None,
            after={
                "sale_id": sale_id,
                "customer_id": customer_id,
                "amount": amount,
                "due_date": due.isoformat(),
            },
        )
        return debt_id

    def _limit_message(self, customer: Debtor, position: CreditPosition) -> str:
        limit = position.limit_minor or 0
        if limit == 0:
            return f"{customer.name} may not buy on credit (their credit limit is zero)."
        return (
            f"This sale would take {customer.name} to {self._money(position.after_minor)} owed, "
            f"beyond their limit of {self._money(limit)}."
        )

    def _money(self, minor: int) -> str:
        return Money(minor).format(self._money_format)


def _checked_total(lines: Sequence[BasketLine]) -> int:
    if not lines:
        raise ServiceError("The basket is empty: scan or add something first.")
    if len(lines) > MAX_LINES:
        raise ServiceError(f"A sale has at most {MAX_LINES:,} lines; split it into two sales.")
    try:
        for line in lines:
            check_line(line)
    except BasketError as error:
        raise ServiceError(str(error)) from None
    total = sum(line.amount_minor for line in lines)
    if total > MAX_MINOR:
        raise ServiceError("The sale is worth more than any sale can be.")
    return total


def _existing_customer(customer_id: int) -> None:
    """A customer a cash sale may name: one that exists and was not merged into another
    (a merged customer's sales would sit apart from the survivor's books)."""
    found = Customer.get_or_none(Customer.id == customer_id)
    if found is None:
        raise ServiceError(f"There is no customer number {customer_id}.")
    if found.merged_into_id is not None:
        survivor = Customer.get_by_id(found.merged_into_id)
        raise ServiceError(f"{found.name} was merged into {survivor.name}; choose {survivor.name}.")


def _check_products(lines: Sequence[BasketLine]) -> None:
    wanted = {line.product_id for line in lines if line.product_id is not None}
    if not wanted:
        return
    missing = wanted - existing_products(wanted)
    if missing:
        raise ServiceError(f"Product {min(missing)} is no longer in the catalogue.")


def _replayed(recorded: tuple[Any, ...]) -> CheckoutOutcome:
    """The outcome of a basket already recorded, from recorded_sale's row."""
    sale_id, total, paid, tendered, _customer, debt_id, debt_amount, due_text = recorded
    handed = paid if tendered is None else tendered
    return CheckoutOutcome(
        sale_id=sale_id,
        total_minor=total,
        paid_minor=paid,
        tendered_minor=handed,
        change_minor=handed - paid,
        debt_id=debt_id,
        debt_minor=0 if debt_id is None else debt_amount,
        due_date=None if due_text is None else date.fromisoformat(due_text[:10]),
        replayed=True,
    )
