"""Completing a sale: its lines, the cash, the debt of the rest and the audit, all at once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from peewee import fn

from app.db.database import database_proxy
from app.db.query_rows import tuples
from app.db.tables import Customer, CustomerBalance, Debt, OpenDebt, Product, Sale, SaleItem
from app.domain.basket import MAX_LINES, BasketError, BasketLine, check_line
from app.domain.credit import CreditPosition
from app.domain.money import DEFAULT_FORMAT, MAX_MINOR, CurrencyFormat, Money
from app.domain.reasons import ReasonError, tidy_reason
from app.domain.settlement import SettlementError, settle
from app.services import audit
from app.services.crash_points import crash_point
from app.services.debtors import require_debtor
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
        customer = Customer.get_or_none(Customer.id == customer_id)
        if customer is None:
            raise ServiceError(f"There is no customer number {customer_id}.")
        return self._position_of(customer, this_sale_minor)

    def _position_of(self, customer: Customer, this_sale_minor: int) -> CreditPosition:
        customer_id = customer.id
        owed = (
            CustomerBalance.select(CustomerBalance.outstanding)
            .where(CustomerBalance.customer == customer_id)
            .scalar()
        )
        overdue = (
            OpenDebt.select(fn.COALESCE(fn.SUM(OpenDebt.outstanding), 0))
            .where((OpenDebt.customer_id == customer_id) & (OpenDebt.due_date < self._now().date()))
            .scalar()
        )
        return CreditPosition(customer.credit_limit, int(owed or 0), int(overdue), this_sale_minor)

    def due_date_for(self, customer_id: int) -> date:
        """Today plus the customer's payment terms: the due date a debt of today's sale gets."""
        terms = Customer.select(Customer.payment_terms).where(Customer.id == customer_id).scalar()
        return self._now().date() + timedelta(days=int(terms or 0))

    def complete(self, request: CheckoutRequest) -> CheckoutOutcome:
        """Record the sale in one transaction; the same basket key again returns that sale."""
        total = _checked_total(request.lines)
        with database_proxy.atomic():
            recorded = Sale.get_or_none(Sale.checkout_key == request.key)
            if recorded is not None:
                if (recorded.total, recorded.customer_id) != (total, request.customer_id):
                    # The same key with another basket is a till that kept an old key: never
                    # hand back the old sale as if these goods had been recorded.
                    raise ServiceError(
                        f"This basket was already recorded as sale {recorded.id}; "
                        "clear it (Esc) and ring the goods up again."
                    )
                return _outcome_of(
                    recorded, Debt.get_or_none(Debt.sale == recorded.id), replayed=True
                )
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
            sale = Sale.create(
                sold_at=now,
                total=total,
                paid=money.paid_minor,
                tendered=money.tendered_minor,
                customer=request.customer_id,
                checkout_key=request.key,
                operator=self._operator_id,
            )
            crash_point("checkout.after_header")
            # Stock moves are written by the database for each line (migration 027).
            SaleItem.insert_many(
                [
                    (
                        sale.id,
                        line.product_id,
                        line.description,
                        line.quantity,
                        line.unit_price_minor,
                    )
                    for line in request.lines
                ],
                fields=[
                    SaleItem.sale,
                    SaleItem.product,
                    SaleItem.description,
                    SaleItem.quantity,
                    SaleItem.unit_price,
                ],
            ).execute()
            crash_point("checkout.after_lines")
            debt = None if debt_terms is None else self._record_debt(sale.id, debt_terms, now)
            crash_point("checkout.before_commit")
            outcome = _outcome_of(sale, debt, replayed=False)
        crash_point("checkout.after_commit")
        return outcome

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
        position = self._position_of(customer, amount)
        override = None
        if position.exceeds_limit:
            if request.override_reason is None:
                raise CreditLimitExceeded(self._limit_message(customer, position), position)
            try:
                override = tidy_reason(request.override_reason)
            except ReasonError as error:
                raise ServiceError(str(error)) from None
        return _DebtTerms(customer.id, amount, due, position, override)

    def _record_debt(self, sale_id: int, terms: _DebtTerms, now: datetime) -> Debt:
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
        debt = Debt.create(
            sale=sale_id,
            customer=customer_id,
            amount=amount,
            status="open",
            created_at=now,
            due_date=due,
            note=f"Sale {sale_id}",
        )
        crash_point("checkout.after_debt")
        audit.record(
            operator_id=self._operator_id,
            entity="debt",
            entity_id=debt.id,
            action="insert",
            before=None,
            after={
                "sale_id": sale_id,
                "customer_id": customer_id,
                "amount": amount,
                "due_date": due.isoformat(),
            },
        )
        return debt

    def _limit_message(self, customer: Customer, position: CreditPosition) -> str:
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
    found = {
        row[0] for row in tuples(Product.select(Product.id).where(Product.id.in_(list(wanted))))
    }
    missing = wanted - found
    if missing:
        raise ServiceError(f"Product {min(missing)} is no longer in the catalogue.")


def _outcome_of(sale: Sale, debt: Debt | None, *, replayed: bool) -> CheckoutOutcome:
    tendered = sale.paid if sale.tendered is None else sale.tendered
    return CheckoutOutcome(
        sale_id=sale.id,
        total_minor=sale.total,
        paid_minor=sale.paid,
        tendered_minor=tendered,
        change_minor=tendered - sale.paid,
        debt_id=None if debt is None else debt.id,
        debt_minor=0 if debt is None else debt.amount,
        due_date=None if debt is None else debt.due_date,
        replayed=replayed,
    )
