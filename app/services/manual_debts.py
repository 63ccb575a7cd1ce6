"""Debts written in by hand: opening balances carried over from a paper book."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from app.services import audit
from app.services.errors import ServiceError


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
    ) -> None:
        self._operator_id = operator_id
        self._today = today
        self._now = now

    def create(self, request: ManualDebtRequest) -> int:
        raise NotImplementedError  # Helper A
