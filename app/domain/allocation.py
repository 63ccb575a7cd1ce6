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


def _order_key(debt: OwedDebt) -> tuple[bool, date, datetime, int]:
    # Undated debts sort after every dated one; date.min only fills the slot they never compare.
    return (debt.due_date is None, debt.due_date or date.min, debt.created_at, debt.debt_id)


def payment_order(debts: Iterable[OwedDebt]) -> list[OwedDebt]:
    """Earliest due date first, undated (legacy) debts last; on the same date the older debt,
    then the lower number, so the same debts always come out in the same order."""
    return sorted(debts, key=_order_key)


def allocate(
    amount_minor: int, debts: Sequence[OwedDebt], ticked: Collection[int] | None = None
) -> Allocation:
    """Spread a payment over the debts in payment order, each paid in full before the next.

    `ticked` limits it to those debts (still taken in payment order); None or empty means every
    debt. Raises ValueError for an amount that is not above zero or a ticked debt that is not
    among `debts`, and Overpayment when the debts considered owe less than the amount.
    """
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
        raise TypeError(f"a payment is integer minor units, got {type(amount_minor).__name__}")
    if amount_minor <= 0:
        raise ValueError("a payment must be more than nothing")
    ordered = payment_order(debts)
    considered = ordered
    if ticked:
        known = {debt.debt_id for debt in ordered}
        unknown = sorted(set(ticked) - known)
        if unknown:
            raise ValueError(f"debt {unknown[0]} is not one of the debts owed")
        considered = [debt for debt in ordered if debt.debt_id in ticked]
    # A debt cannot owe less than nothing; one that somehow does takes no part of a payment.
    payable = sum(max(debt.outstanding_minor, 0) for debt in considered)
    if amount_minor > payable:
        raise Overpayment(payable)
    lines: list[Applied] = []
    left = amount_minor
    for debt in considered:
        if left == 0:
            break
        part = min(left, debt.outstanding_minor)
        if part > 0:
            lines.append(Applied(debt.debt_id, debt.outstanding_minor, part))
            left -= part
    balance = sum(debt.outstanding_minor for debt in ordered)
    return Allocation(amount_minor, tuple(lines), balance)
