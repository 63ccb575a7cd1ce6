"""The assignment queue: debts the upgrade could not give to a customer, and giving them one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from peewee import JOIN, fn

from app.db.database import database_proxy
from app.db.tables import Debt, Payment, PaymentReversal, Sale
from app.services import audit
from app.services.debtors import placeholder_id, require_debtor
from app.services.errors import ServiceError

# A screenful; an old shop can have thousands of unrecorded payers.
PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class UnassignedDebt:
    debt_id: int
    sale_id: int | None
    sold_at: datetime | None
    payer_name: str | None  # exactly as the cashier typed them, to help find the customer
    payer_phone: str | None
    amount_minor: int
    outstanding_minor: int
    due_date: date | None


@dataclass(frozen=True, slots=True)
class Assignment:
    customer_id: int
    debt_ids: tuple[int, ...]
    sale_id: int | None
    payments_moved: int


class LegacyQueue:
    def __init__(self, operator_id: int = audit.DEFAULT_OPERATOR_ID) -> None:
        self._operator_id = operator_id

    def waiting_count(self) -> int:
        """How many debts the placeholder holds (open and settled)."""
        holder = placeholder_id()
        return 0 if holder is None else Debt.select().where(Debt.customer == holder).count()

    def unassigned(self, *, offset: int = 0, limit: int = PAGE_SIZE) -> list[UnassignedDebt]:
        """A page of the placeholder's debts: open ones first, then settled; oldest sale first."""
        holder = placeholder_id()
        if holder is None:
            return []
        # Only payments that still count: a reversed one gave its amount back (migration 029).
        counted = (Payment.debt == Debt.id) & Payment.id.not_in(
            PaymentReversal.select(PaymentReversal.payment_id)
        )
        paid = fn.COALESCE(Payment.select(fn.SUM(Payment.amount)).where(counted), 0)
        outstanding = (Debt.amount - paid).alias("outstanding")
        rows = (
            Debt.select(
                Debt.id,
                Debt.sale,
                Sale.sold_at,
                Sale.payer_name,
                Sale.payer_phone,
                Debt.amount,
                outstanding,
                Debt.due_date,
            )
            .join(Sale, JOIN.LEFT_OUTER, on=Debt.sale == Sale.id)
            .where(Debt.customer == holder)
            .order_by(Debt.status == "paid", Sale.sold_at, Debt.id)
            .offset(offset)
            .limit(limit)
            .tuples()
        )
        # .tuples() yields plain tuples in the order selected; the stubs type rows as models.
        return [UnassignedDebt(*cast(tuple[Any, ...], row)) for row in rows]

    def assign(self, debt_id: int, customer_id: int) -> Assignment:
        """Give a waiting debt to a real customer, with its sale and payments, in one transaction.

        A sale's debts move together (a sale belongs to one customer), and each payment keeps
        carrying its debt's customer.
        """
        with database_proxy.atomic():
            holder = placeholder_id()
            found = Debt.select(Debt.customer, Debt.sale).where(Debt.id == debt_id).tuples().first()
            if found is None:
                raise ServiceError(f"There is no debt number {debt_id}.")
            owner, sale_id = found
            if holder is None or owner != holder:
                raise ServiceError(f"Debt {debt_id} already belongs to a customer.")
            customer = require_debtor(customer_id)
            moving = Debt.customer == holder
            moving &= (Debt.sale == sale_id) if sale_id is not None else (Debt.id == debt_id)
            debt_ids = tuple(row.id for row in Debt.select(Debt.id).where(moving).order_by(Debt.id))
            Debt.update(customer=customer.id).where(Debt.id.in_(debt_ids)).execute()
            payments_moved = (
                Payment.update(customer=customer.id).where(Payment.debt.in_(debt_ids)).execute()
            )
            if sale_id is not None:
                Sale.update(customer=customer.id).where(Sale.id == sale_id).execute()
            for moved in debt_ids:
                audit.record(
                    operator_id=self._operator_id,
                    entity="debt",
                    entity_id=moved,
                    action="assign",
                    before={"customer_id": holder},
                    after={"customer_id": customer.id, "sale_id": sale_id},
                    reason=f"legacy debt given to {customer.customer_number} {customer.name}",
                )
        return Assignment(customer.id, debt_ids, sale_id, payments_moved)
