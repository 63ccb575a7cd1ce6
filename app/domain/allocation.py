"""Which of a customer's open debts a payment settles: oldest due first, or the ones ticked."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class OwedDebt:
    debt_id: int
    outstanding_minor: int
    due_date: date | None  # None: a legacy debt with no agreed date, paid off last
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Applied:
    debt_id: int
    outstanding_before_minor: int
    applied_minor: int

    @property
    def outstanding_after_minor(self) -> int:
        return self.outstanding_before_minor - self.applied_minor


@dataclass(frozen=True, slots=True)
class Allocation:
    amount_minor: int
    lines: tuple[Applied, ...]  # only the debts the payment touches, in payment order
    balance_before_minor: int  # every open debt passed in, ticked or not

    @property
    def balance_after_minor(self) -> int:
        return self.balance_before_minor - self.amount_minor


class Overpayment(ValueError):
    """More than the debts considered add up to; the caller words it in the shop's money."""

    def __init__(self, outstanding_minor: int) -> None:
        super().__init__(f"the payment is more than the {outstanding_minor} outstanding")
        self.outstanding_minor = outstanding_minor


def payment_order(debts: Iterable[OwedDebt]) -> list[OwedDebt]:
    raise NotImplementedError  # Helper A


def allocate(
    amount_minor: int, debts: Sequence[OwedDebt], ticked: Collection[int] | None = None
) -> Allocation:
    raise NotImplementedError  # Helper A
