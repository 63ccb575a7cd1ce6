"""Voids and refunds: reversing rows for the lines that came back, the debt reduced first."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from peewee import fn

from app.db.database import database_proxy
from app.db.query_rows import tuples
from app.db.tables import (
    Debt,
    OpenDebt,
    Payment,
    Sale,
    SaleItem,
    SaleReversal,
    SaleReversalItem,
)
from app.domain.money import DEFAULT_FORMAT, CurrencyFormat, Money
from app.domain.reasons import ReasonError, tidy_reason
from app.services import audit
from app.services.crash_points import crash_point
from app.services.errors import ServiceError
from app.services.sales_history import still_owed


@dataclass(frozen=True, slots=True)
class ReversalOutcome:
    reversal_id: int
    sale_id: int
    kind: str  # void, refund
    amount_minor: int  # value of the lines that came back
    debt_reduced_minor: int  # taken off the sale's debt
    cash_out_minor: int  # to hand back over the counter


class SaleReversals:
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

    def void(self, sale_id: int, reason: str) -> ReversalOutcome:
        """Reverse every line of the sale that has not come back yet."""
        reason = _reason(reason)
        with database_proxy.atomic():
            left = _quantities_left(_sale(sale_id))
            if not any(left.values()):
                raise ServiceError(f"Sale {sale_id} has already been voided or fully refunded.")
            outcome = self._reverse(
                sale_id, "void", {item: qty for item, qty in left.items() if qty}, reason
            )
        crash_point("reversal.after_commit")
        return outcome

    def refund(self, sale_id: int, quantities: Mapping[int, int], reason: str) -> ReversalOutcome:
        """Reverse some lines: `quantities` maps a sale line's id to how many came back."""
        reason = _reason(reason)
        wanted = {item: qty for item, qty in quantities.items() if qty}
        if not wanted:
            raise ServiceError("Choose at least one line and how many came back.")
        with database_proxy.atomic():
            left = _quantities_left(_sale(sale_id))
            for item_id, quantity in wanted.items():
                if item_id not in left:
                    raise ServiceError(f"Line {item_id} is not a line of sale {sale_id}.")
                if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
                    raise ServiceError("How many came back is a whole number.")
                if quantity > left[item_id]:
                    raise ServiceError(
                        f"Only {left[item_id]} of line {item_id} can still come back."
                    )
            outcome = self._reverse(sale_id, "refund", wanted, reason)
        crash_point("reversal.after_commit")
        return outcome

    def _reverse(
        self, sale_id: int, kind: str, quantities: dict[int, int], reason: str
    ) -> ReversalOutcome:
        prices = {
            item_id: price
            for item_id, price in tuples(
                SaleItem.select(SaleItem.id, SaleItem.unit_price).where(
                    SaleItem.id.in_(list(quantities))
                )
            )
        }
        amounts = {item: quantities[item] * prices[item] for item in quantities}
        amount = sum(amounts.values())
        reductions = _debt_reductions(sale_id, amount)
        debt_reduced = sum(part for _, _, part in reductions)
        cash_left = _cash_taken(sale_id)
        if amount - debt_reduced > cash_left:
            # Goods worth more than is owed and was paid: a sale settled outside Dukan (an old
            # till). Paying that out would hand back money the books never took in.
            paid, asked = (
                Money(minor).format(self._money_format)
                for minor in (cash_left, amount - debt_reduced)
            )
            raise ServiceError(
                f"Only {paid} was paid for sale {sale_id} and nothing more is owed on it, "
                f"so {asked} cannot be paid back from the till."
            )
        now = self._now().replace(microsecond=0)
        reversal = SaleReversal.create(
            sale=sale_id,
            kind=kind,
            amount=amount,
            debt_reduced=debt_reduced,
            cash_out=amount - debt_reduced,
            reversed_at=now,
            operator=self._operator_id,
            reason=reason,
        )
        crash_point("reversal.after_header")
        # One row per line; the database moves the stock back (trigger of migration 027).
        for item_id, quantity in quantities.items():
            SaleReversalItem.create(
                reversal=reversal.id, sale_item=item_id, quantity=quantity, amount=amounts[item_id]
            )
            crash_point("reversal.after_line")
        for debt_id, customer_id, part in reductions:
            Payment.create(
                debt=debt_id,
                customer=customer_id,
                amount=part,
                paid_at=now,
                method="return",
                note=f"{kind} of sale {sale_id}",
                reversal_id=reversal.id,
            )
        crash_point("reversal.after_debt")
        outcome = ReversalOutcome(
            reversal.id, sale_id, kind, amount, debt_reduced, amount - debt_reduced
        )
        audit.record(
            operator_id=self._operator_id,
            entity="sale",
            entity_id=sale_id,
            action=kind,
            before=None,
            after={
                "reversal_id": reversal.id,
                "amount": amount,
                "debt_reduced": debt_reduced,
                "cash_out": outcome.cash_out_minor,
                "lines": {str(item): qty for item, qty in quantities.items()},
            },
            reason=reason,
        )
        crash_point("reversal.before_commit")
        return outcome


def _reason(typed: str) -> str:
    try:
        return tidy_reason(typed)
    except ReasonError as error:
        raise ServiceError(str(error)) from None


def _sale(sale_id: int) -> Sale:
    sale = Sale.get_or_none(Sale.id == sale_id)
    if sale is None:
        raise ServiceError(f"There is no sale {sale_id}.")
    return sale


def _quantities_left(sale: Sale) -> dict[int, int]:
    """Each line of the sale and how many of it have not come back yet."""
    returned = SaleReversalItem.select(fn.COALESCE(fn.SUM(SaleReversalItem.quantity), 0)).where(
        SaleReversalItem.sale_item == SaleItem.id
    )
    rows = (
        SaleItem.select(SaleItem.id, (SaleItem.quantity - returned).alias("left"))
        .where(SaleItem.sale == sale.id)
        .order_by(SaleItem.id)
    )
    return {item_id: int(left) for item_id, left in tuples(rows)}


def _cash_taken(sale_id: int) -> int:
    """Cash the books took in for the sale and have not paid back yet.

    What has come off the sale's debts is their amount less what `open_debts` says is still
    owed (the view counts only payments that stand: a reversed payment, a bounced cheque, gave
    its amount back, migration 029). That is cash paid on them plus goods returned against
    them, and every earlier void or refund took its whole value off the debts or out of the
    till; so what is left is the cash paid at the till, plus what came off the debts, less the
    value of the lines already back."""
    sale = Sale.get_by_id(sale_id)
    owed = Debt.select(fn.COALESCE(fn.SUM(Debt.amount), 0)).where(Debt.sale == sale_id).scalar()
    returned = (
        SaleReversal.select(fn.COALESCE(fn.SUM(SaleReversal.amount), 0))
        .where(SaleReversal.sale == sale_id)
        .scalar()
    )
    return int(sale.paid) + int(owed) - still_owed(sale_id) - int(returned)


def _debt_reductions(sale_id: int, amount: int) -> list[tuple[int, int, int]]:
    """(debt, customer, part) taking `amount` off the sale's open debts, oldest first: goods
    that come back first cancel what is still owed (payments that stand only, as `open_debts`
    counts them); only the rest is cash to hand back."""
    debts = (
        OpenDebt.select(OpenDebt.debt_id, OpenDebt.customer_id, OpenDebt.outstanding)
        .where(OpenDebt.sale_id == sale_id)
        .order_by(OpenDebt.due_date, OpenDebt.debt_id)
    )
    reductions: list[tuple[int, int, int]] = []
    left = amount
    for debt_id, customer_id, outstanding in tuples(debts):
        part = min(left, int(outstanding))
        if part > 0:
            reductions.append((debt_id, customer_id, part))
            left -= part
    return reductions
