"""A ready-to-send reminder for a customer who is overdue, and when one was last sent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.services import audit


@dataclass(frozen=True, slots=True)
class ReminderText:
    customer_id: int
    text: str
    overdue_minor: int
    oldest_due: date


class Reminders:
    def __init__(
        self,
        operator_id: int = audit.DEFAULT_OPERATOR_ID,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
        today: Callable[[], date] = date.today,
        now: Callable[[], datetime] = datetime.now,
    ) -> None:
        self._operator_id = operator_id
        self._money_format = money_format
        self._today = today
        self._now = now

    def compose(self, customer_id: int) -> ReminderText:
        raise NotImplementedError  # Helper B

    def record_sent(self, customer_id: int, overdue_minor: int) -> datetime:
        raise NotImplementedError  # Helper B

    def last_reminded(self, customer_id: int) -> datetime | None:
        raise NotImplementedError  # Helper B
