"""Helpers for tests of the till: products with stock, customers, and a checkout at a fixed time."""

from __future__ import annotations

from datetime import datetime

from app.db.checks import all_violations
from app.db.database import DukanDatabase, schema_version
from app.db.tables import Product, StockMove
from app.domain.basket import BasketLine
from app.domain.customer_form import CustomerDraft
from app.services.checkout import Checkout, CheckoutOutcome, CheckoutRequest
from app.services.customer_changes import CustomerChanges

NOW = datetime(2026, 11, 21, 10, 30)


def product(name: str, price: int, stock: int = 0, barcode: str | None = None) -> int:
    """A catalogue product whose stock was counted, as the Products dialog records it."""
    created = Product.create(name=name, price=price, barcode=barcode, created_at=NOW)
    if stock:
        StockMove.create(product=created.id, quantity=stock, kind="count", moved_at=NOW)
    return int(created.id)


def customer(name: str, *, credit_limit: str = "", payment_terms: str = "30") -> int:
    draft = CustomerDraft(name=name, credit_limit=credit_limit, payment_terms=payment_terms)
    return CustomerChanges(now=lambda: NOW).create(draft)


def line(product_id: int | None, description: str, quantity: int, price: int) -> BasketLine:
    return BasketLine(product_id, description, quantity, price)


def sell(
    lines: list[BasketLine],
    *,
    key: str,
    customer_id: int | None = None,
    tendered: int | None = None,
    on_account: bool = False,
    override_reason: str | None = None,
) -> CheckoutOutcome:
    request = CheckoutRequest(
        key=key,
        lines=lines,
        customer_id=customer_id,
        tendered_minor=tendered,
        on_account=on_account,
        override_reason=override_reason,
    )
    return Checkout(now=lambda: NOW).complete(request)


def violations(db: DukanDatabase) -> list[str]:
    conn = db.sqlite_connection()
    return [f"{v.check}: {v.detail}" for v in all_violations(conn, schema_version())]


def stock_of(product_id: int) -> int:
    return int(Product.get_by_id(product_id).stock)
