"""How a sale is paid: cash handed over, change given back, and what goes on account."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.money import DEFAULT_FORMAT, CurrencyFormat, Money


class SettlementError(ValueError):
    """The payment does not settle the sale; str(error) tells the cashier what to do."""


@dataclass(frozen=True, slots=True)
class Settlement:
    total_minor: int
    tendered_minor: int  # cash handed over
    paid_minor: int  # cash kept for this sale
    change_minor: int
    on_account_minor: int  # the rest, owed by the customer as a debt of this sale


def settle(
    total_minor: int,
    tendered_minor: int | None,
    *,
    on_account: bool,
    money_format: CurrencyFormat = DEFAULT_FORMAT,
) -> Settlement:
    """Cash first, the rest on account only when asked for. No amount typed means the exact
    total in cash, or nothing in cash when the whole sale goes on account."""
    if tendered_minor is None:
        tendered_minor = 0 if on_account else total_minor
    if tendered_minor < 0:
        raise SettlementError("Cash handed over cannot be negative.")
    paid = min(tendered_minor, total_minor)
    rest = total_minor - paid
    if rest and not on_account:
        raise SettlementError(
            f"The cash is {Money(rest).format(money_format)} short of the total: take more, "
            "or put the rest on account (F9)."
        )
    return Settlement(total_minor, tendered_minor, paid, tendered_minor - paid, rest)
