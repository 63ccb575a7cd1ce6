"""A customer's credit at the till: the limit, what they owe, and this sale's part of it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CreditPosition:
    limit_minor: int | None  # None: no limit; 0: no credit at all
    owed_minor: int  # before this sale
    overdue_minor: int
    this_sale_minor: int  # what this sale would add

    @property
    def after_minor(self) -> int:
        return self.owed_minor + self.this_sale_minor

    @property
    def exceeds_limit(self) -> bool:
        """Whether this sale's debt takes the customer beyond their limit. A sale that adds
        nothing never does, even for a customer already over it."""
        if self.limit_minor is None or self.this_sale_minor <= 0:
            return False
        return self.after_minor > self.limit_minor

    @property
    def headroom_minor(self) -> int | None:
        """How much more may go on account; None without a limit, never below zero."""
        if self.limit_minor is None:
            return None
        return max(0, self.limit_minor - self.owed_minor)
