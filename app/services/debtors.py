"""Who may owe the shop: the rule every service that creates or moves a debt goes through."""

from __future__ import annotations

from dataclasses import dataclass

from app.db.debtor_rows import debtor_row
from app.db.tables import LegacyPlaceholder
from app.services.errors import ServiceError

PLACEHOLDER_NAME = "Unassigned (legacy)"


@dataclass(frozen=True, slots=True)
class Debtor:
    """A customer a debt may be given to, with what a new debt needs of them."""

    id: int
    name: str
    customer_number: str | None
    payment_terms: int  # days
    credit_limit: int | None  # minor units; None: no limit, 0: no credit


def placeholder_id() -> int | None:
    """The customer holding debts the upgrade could not place, if the upgrade needed one."""
    found = (
        LegacyPlaceholder.select(LegacyPlaceholder.customer)
        .where(LegacyPlaceholder.id == 1)
        .scalar()
    )
    return None if found is None else int(found)


def require_debtor(customer_id: int) -> Debtor:
    """The customer a debt may be given to; ServiceError naming why when there is none."""
    found = debtor_row(customer_id)
    if found is None:
        raise ServiceError(f"There is no customer number {customer_id}.")
    name, number, archived, payment_terms, credit_limit, is_placeholder = found
    if is_placeholder:
        raise ServiceError(
            f"“{PLACEHOLDER_NAME}” only holds old debts whose payer was not recorded; "
            "choose a real customer."
        )
    if archived:
        raise ServiceError(f"{name} is archived; restore the customer before adding debts.")
    return Debtor(customer_id, str(name), number, int(payment_terms), credit_limit)
