"""Who may owe the shop: the rule every service that creates or moves a debt goes through."""

from __future__ import annotations

from app.db.tables import Customer, LegacyPlaceholder
from app.services.errors import ServiceError

PLACEHOLDER_NAME = "Unassigned (legacy)"


def placeholder_id() -> int | None:
    """The customer holding debts the upgrade could not place, if the upgrade needed one."""
    found = (
        LegacyPlaceholder.select(LegacyPlaceholder.customer)
        .where(LegacyPlaceholder.id == 1)
        .scalar()
    )
    return None if found is None else int(found)


def require_debtor(customer_id: int) -> Customer:
    """The customer a debt may be given to; ServiceError naming why when there is none."""
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None:
        raise ServiceError(f"There is no customer number {customer_id}.")
    if customer_id == placeholder_id():
        raise ServiceError(
            f"“{PLACEHOLDER_NAME}” only holds old debts whose payer was not recorded; "
            "choose a real customer."
        )
    if customer.is_deleted:
        raise ServiceError(
            f"{customer.name} is archived; restore the customer before adding debts."
        )
    return customer
