"""Credit-book rows written straight through the tables, for tests of what reads them."""

from __future__ import annotations

from datetime import date, datetime

from app.db.tables import (
    Customer,
    Debt,
    LegacyPlaceholder,
    Payment,
    PaymentReceipt,
    PaymentReversal,
    Sale,
)
from app.services.audit import DEFAULT_OPERATOR_ID


def debt(
    customer_id: int,
    amount: int,
    *,
    due: date | None,
    created: datetime,
    sale: bool = True,
    note: str | None = None,
) -> int:
    """A debt of `customer_id`, with a sale of the same amount put wholly on account unless
    `sale` is False (a manual debt)."""
    sale_id = None
    if sale:
        sale_id = Sale.create(sold_at=created, total=amount, paid=0, customer=customer_id).id
    made = Debt.create(
        sale=sale_id,
        amount=amount,
        note=note,
        created_at=created,
        due_date=due,
        customer=customer_id,
    )
    return int(made.id)


def sale_of(debt_id: int) -> int:
    sale_id = Debt.get_by_id(debt_id).sale_id
    assert sale_id is not None
    return sale_id


def pay(debt_id: int, amount: int, *, at: datetime, method: str = "cash") -> int:
    """A payment_history row as the old till wrote it: no receipt."""
    owner = Debt.get_by_id(debt_id).customer_id
    made = Payment.create(debt=debt_id, customer=owner, amount=amount, paid_at=at, method=method)
    return int(made.id)


def receipt(
    customer_id: int, parts: list[tuple[int, int]], *, at: datetime, method: str = "cash"
) -> tuple[int, list[int]]:
    """A receipt over (debt id, amount) parts: the receipt id and its payment ids."""
    made = PaymentReceipt.create(
        customer=customer_id,
        amount=sum(amount for _debt, amount in parts),
        method=method,
        received_at=at,
        operator=DEFAULT_OPERATOR_ID,
    )
    payments = [
        Payment.create(
            debt=debt_id,
            customer=customer_id,
            amount=amount,
            paid_at=at,
            method=method,
            receipt_id=made.id,
        ).id
        for debt_id, amount in parts
    ]
    return int(made.id), [int(payment) for payment in payments]


def reverse(payment_id: int, *, at: datetime, reason: str = "Mistyped amount") -> int:
    made = PaymentReversal.create(
        payment=payment_id, reversed_at=at, operator=DEFAULT_OPERATOR_ID, reason=reason
    )
    return int(made.id)


def make_placeholder(name: str = "Unassigned (legacy)") -> int:
    """The legacy placeholder, owing 7,000 on one overdue debt given before it became the
    placeholder (the schema refuses new debts to it afterwards)."""
    when = datetime(2024, 1, 1, 9)
    holder = int(Customer.create(name=name, created_at=when, updated_at=when).id)
    debt(holder, 7_000, due=date(2024, 2, 1), created=datetime(2024, 1, 1, 9), sale=False)
    LegacyPlaceholder.create(id=1, customer=holder)
    return holder
