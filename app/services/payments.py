"""Taking a payment from a customer across their open debts, its receipt, and its reversal."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from app.domain.allocation import OwedDebt
from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.services import audit

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
        raise NotImplementedError  # Helper A

    def preview(
        self, customer_id: int, amount_minor: int, ticked_debt_ids: Sequence[int] = ()
    ) -> PaymentPreview:
        raise NotImplementedError  # Helper A

    def take(self, request: PaymentRequest) -> PaymentReceiptData:
        raise NotImplementedError  # Helper A

    def receipt(self, receipt_id: int) -> PaymentReceiptData:
        raise NotImplementedError  # Helper A

    def reverse_receipt(self, receipt_id: int, reason: str) -> PaymentReceiptData:
        raise NotImplementedError  # Helper A

    def reverse_payment(self, payment_id: int, reason: str) -> None:
        raise NotImplementedError  # Helper A

    def recent_receipts(
        self, customer_id: int | None, limit: int = 100
    ) -> list[PaymentReceiptData]:
        raise NotImplementedError  # Helper A
