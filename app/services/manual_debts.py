"""Debts written in by hand: opening balances carried over from a paper book."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.db.database import database_proxy
from app.db.tables import Debt
from app.domain.money import DEFAULT_FORMAT, CurrencyFormat, Money
from app.domain.notes import NoteError, tidy_note
from app.services import audit
from app.services.checkout import MAX_DUE_DAYS
from app.services.debtors import require_debtor
from app.services.errors import ServiceError

# Ten million in a currency with cents: far beyond any one line of a paper book, so a bigger
# figure is a slip of the keyboard (an extra zero or two), not an opening balance.
MAX_MANUAL_DEBT_MINOR = 1_000_000_000


@dataclass(frozen=True, slots=True)
class ManualDebtRequest:
    customer_id: int | None  # None is refused: a debt cannot be started without a customer
    amount_minor: int
    dated: date  # when the debt arose; not in the future
    due_date: date | None  # None: dated + the customer's payment terms
    note: str | None


class ManualDebtError(ServiceError):
    """A refused field, named so the form can show the message next to it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field  # customer, amount, dated, due_date, note


class ManualDebts:
    def __init__(
        self,
        operator_id: int = audit.DEFAULT_OPERATOR_ID,
        today: Callable[[], date] = date.today,
        now: Callable[[], datetime] = datetime.now,
        *,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
    ) -> None:
        self._operator_id = operator_id
        self._today = today
        self._now = now
        self._money_format = money_format

    def create(self, request: ManualDebtRequest) -> int:
        """Write the debt and its audit row in one transaction; the new debt's id.

        The first field found wrong raises ManualDebtError naming it, and nothing is written.
        No credit limit applies: the money is already owed, written in from a paper book.
        """
        if request.customer_id is None:
            raise ManualDebtError(
                "customer", "Choose the customer first: a debt cannot be started without one."
            )
        with database_proxy.atomic():
            try:
                customer = require_debtor(request.customer_id)
            except ServiceError as error:
                raise ManualDebtError("customer", str(error)) from None
            note = self._checked(request)
            due_date = request.due_date or request.dated + timedelta(days=customer.payment_terms)
            created_at = self._created_at(request.dated)
            debt = Debt.create(
                sale=None,
                customer=customer.id,
                amount=request.amount_minor,
                status="open",
                created_at=created_at,
                due_date=due_date,
                note=note,
            )
            audit.record(
                operator_id=self._operator_id,
                entity="debt",
                entity_id=debt.id,
                action="insert",
                before=None,
                after={
                    "sale_id": None,
                    "customer_id": customer.id,
                    "amount": request.amount_minor,
                    "dated": request.dated.isoformat(),
                    "due_date": due_date.isoformat(),
                    "note": note,
                },
            )
        return int(debt.id)

    def _checked(self, request: ManualDebtRequest) -> str | None:
        """Every field but the customer, in the form's order; the note as it will be kept."""
        self._check_amount(request.amount_minor)
        if request.dated > self._today():
            raise ManualDebtError("dated", "A debt cannot be dated in the future.")
        if request.due_date is not None:
            _check_due_date(request.dated, request.due_date)
        try:
            return tidy_note(request.note)
        except NoteError as error:
            raise ManualDebtError("note", str(error)) from None

    def _check_amount(self, amount_minor: int) -> None:
        if isinstance(amount_minor, bool) or not isinstance(amount_minor, int) or amount_minor <= 0:
            raise ManualDebtError("amount", "Enter an amount above zero.")
        if amount_minor > MAX_MANUAL_DEBT_MINOR:
            largest = Money(MAX_MANUAL_DEBT_MINOR).format(self._money_format)
            raise ManualDebtError(
                "amount", f"That is more than one debt can be: at most {largest}."
            )

    def _created_at(self, dated: date) -> datetime:
        """Today's debt gets the time it was written in, so it sorts among today's sales and
        payments as it happened; an older one starts its day (00:00), before anything else that
        day, as an opening balance comes before what was written after it."""
        if dated == self._today():
            return self._now().replace(microsecond=0)
        return datetime.combine(dated, time())


def _check_due_date(dated: date, due_date: date) -> None:
    if due_date < dated:
        raise ManualDebtError("due_date", "The due date cannot be before the debt's date.")
    if due_date > dated + timedelta(days=MAX_DUE_DAYS):
        raise ManualDebtError(
            "due_date", "The due date must be within ten years of the debt's date."
        )
