"""A ready-to-send reminder for a customer who is overdue, and when one was last sent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from peewee import fn

from app.db.database import database_proxy
from app.db.tables import Customer, CustomerBalance, OpenDebt, Reminder
from app.domain.money import DEFAULT_FORMAT, CurrencyFormat, Money
from app.services import audit
from app.services.debtors import PLACEHOLDER_NAME, placeholder_id
from app.services.errors import ServiceError
from app.services.receipts import ReceiptService


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
        """The text to hand a customer whose debts are past due: who, how much is overdue and
        since when, what is owed in all, and which shop is asking."""
        customer = _reminded(customer_id)
        today = self._today()
        overdue = int(
            OpenDebt.select(fn.COALESCE(fn.SUM(OpenDebt.outstanding), 0))
            .where((OpenDebt.customer_id == customer_id) & (OpenDebt.due_date < today))
            .scalar()
        )
        balance = CustomerBalance.get_or_none(CustomerBalance.customer == customer_id)
        if overdue <= 0 or balance is None or balance.oldest_due is None:
            raise ServiceError(f"Nothing {customer.name} owes is overdue.")
        # The earliest due date among open debts; with anything overdue it is in the past.
        oldest_due: date = balance.oldest_due
        shop = ReceiptService().shop_header().name
        overdue_text = self._money(overdue)
        text = (
            f"Hello {customer.name}, this is {shop}. "
            f"{overdue_text} of your account is overdue, the oldest since "
            f"{oldest_due.isoformat()}; your balance with us is {self._money(balance.outstanding)}"
            f" in all. Please come and settle the overdue amount at your earliest convenience. "
            f"Thank you!"
        )
        return ReminderText(customer_id, text, overdue, oldest_due)

    def record_sent(self, customer_id: int, overdue_minor: int) -> datetime:
        """Remember that a reminder for `overdue_minor` went to the customer; returns when."""
        customer = _reminded(customer_id)
        if isinstance(overdue_minor, bool) or not isinstance(overdue_minor, int):
            raise TypeError("the overdue amount is integer minor units")
        if overdue_minor <= 0:
            raise ServiceError(f"Nothing {customer.name} owes is overdue; no reminder was sent.")
        now = self._now().replace(microsecond=0)
        with database_proxy.atomic():
            Reminder.create(
                customer=customer_id,
                reminded_at=now,
                overdue_amount=overdue_minor,
                operator=self._operator_id,
            )
            audit.record(
                operator_id=self._operator_id,
                entity="customer",
                entity_id=customer_id,
                action="remind",
                before=None,
                after={"overdue": overdue_minor, "reminded_at": now.isoformat(sep=" ")},
            )
        return now

    def last_reminded(self, customer_id: int) -> datetime | None:
        latest = (
            Reminder.select(fn.MAX(Reminder.reminded_at))
            .where(Reminder.customer == customer_id)
            .scalar()
        )
        return None if latest is None else datetime.fromisoformat(str(latest)[:19])

    def _money(self, minor: int) -> str:
        return Money(minor).format(self._money_format)


def _reminded(customer_id: int) -> Customer:
    """The customer a reminder may go to; ServiceError when there is no such person."""
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        raise ServiceError(f"There is no customer with id {customer_id}.")
    if customer_id == placeholder_id():
        raise ServiceError(
            f"“{PLACEHOLDER_NAME}” is not a person to remind; assign its debts to customers."
        )
    return customer
