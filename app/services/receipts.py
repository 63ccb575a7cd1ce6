"""What a sale's receipt says: shop, lines, money taken, the customer's balance, reversals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from peewee import fn

from app.db.query_rows import tuples
from app.db.tables import (
    Customer,
    Debt,
    Payment,
    PaymentReversal,
    Sale,
    SaleItem,
    SaleReversal,
    Setting,
)
from app.services.errors import ServiceError
from app.services.setting_keys import (
    RECEIPT_FOOTER,
    SHOP_ADDRESS,
    SHOP_NAME,
    SHOP_PHONE,
    SHOP_TAX_NUMBER,
)

DEFAULT_SHOP_NAME = "Dukan"
_HEADER_KEYS = (SHOP_NAME, SHOP_ADDRESS, SHOP_PHONE, SHOP_TAX_NUMBER, RECEIPT_FOOTER)


@dataclass(frozen=True, slots=True)
class ShopHeader:
    name: str
    address: str | None  # None: not set, the line is left off
    phone: str | None
    tax_number: str | None
    footer: str | None


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    description: str
    quantity: int
    unit_price_minor: int
    amount_minor: int


@dataclass(frozen=True, slots=True)
class CustomerLines:
    """The customer's balance around this sale, as it stood when the sale was made."""

    name: str
    number: str | None  # legacy customers may have none
    previous_balance_minor: int
    this_sale_debt_minor: int
    new_balance_minor: int
    due_date: date | None  # of this sale's debt; None when nothing was put on account


@dataclass(frozen=True, slots=True)
class ReversalLine:
    kind: str  # void, refund
    reversed_at: datetime
    amount_minor: int  # value of the lines that came back
    cash_out_minor: int  # handed back over the counter; the rest came off the debt
    reason: str


@dataclass(frozen=True, slots=True)
class Receipt:
    shop: ShopHeader
    sale_id: int
    sold_at: datetime
    lines: tuple[ReceiptLine, ...]
    total_minor: int
    paid_minor: int
    tendered_minor: int | None  # cash handed over; None when the till did not record it
    change_minor: int
    customer: CustomerLines | None  # None for a walk-in sale
    reversals: tuple[ReversalLine, ...]


class ReceiptService:
    """Reads one sale for its receipt; a handful of queries, each on an index."""

    def shop_header(self) -> ShopHeader:
        rows = Setting.select(Setting.key, Setting.value).where(Setting.key.in_(_HEADER_KEYS))
        stored = {key: _tidy(value) for key, value in tuples(rows)}
        return ShopHeader(
            name=stored.get(SHOP_NAME) or DEFAULT_SHOP_NAME,
            address=stored.get(SHOP_ADDRESS),
            phone=stored.get(SHOP_PHONE),
            tax_number=stored.get(SHOP_TAX_NUMBER),
            footer=stored.get(RECEIPT_FOOTER),
        )

    def receipt(self, sale_id: int) -> Receipt:
        sale = Sale.get_or_none(Sale.id == sale_id)
        if sale is None:
            raise ServiceError(f"There is no sale {sale_id}.")
        items = (
            SaleItem.select(SaleItem.description, SaleItem.quantity, SaleItem.unit_price)
            .where(SaleItem.sale == sale_id)
            .order_by(SaleItem.id)
        )
        lines = tuple(
            ReceiptLine(description, quantity, unit_price, quantity * unit_price)
            for description, quantity, unit_price in tuples(items)
        )
        tendered: int | None = sale.tendered
        change = 0 if tendered is None else tendered - sale.paid
        return Receipt(
            shop=self.shop_header(),
            sale_id=sale.id,
            sold_at=sale.sold_at,
            lines=lines,
            total_minor=sale.total,
            paid_minor=sale.paid,
            tendered_minor=tendered,
            change_minor=change,
            customer=_customer_lines(sale),
            reversals=_reversals(sale_id),
        )


def _customer_lines(sale: Sale) -> CustomerLines | None:
    """The balance lines as of the sale, so a reprint next month says what the first print did.

    This sale's debt is the amount of the debt(s) whose sale is this one (0 when it was paid in
    full). The previous balance is the customer's other debts created at or before the sale's
    time, less the customer's payments made at or before it, payments on this sale's own debt
    left out (they settle this sale, not what came before), and payments reversed by then left
    out too. New = previous + this sale's debt.
    Later payments, voids and refunds do not change these lines; reversals are listed apart.
    Timestamps are compared as stored (seconds), so something recorded in the very second of
    the sale counts as before it.
    """
    own_debt_ids, own_debt, due_date, debtor_id = _own_debt(sale.id)
    customer_id = sale.customer_id if sale.customer_id is not None else debtor_id
    if customer_id is None:
        return None
    found = (
        Customer.select(Customer.name, Customer.customer_number)
        .where(Customer.id == customer_id)
        .tuples()
        .first()
    )
    if found is None:
        return None
    name, number = found
    # Both sums run on idx_debts_customer_created and idx_payment_history_customer_paid.
    other_debts = Debt.customer == customer_id
    other_debts &= Debt.created_at <= sale.sold_at
    other_debts &= Debt.sale.is_null() | (Debt.sale != sale.id)
    owed_before = Debt.select(fn.COALESCE(fn.SUM(Debt.amount), 0)).where(other_debts).scalar()
    paid_before = Payment.customer == customer_id
    paid_before &= Payment.paid_at <= sale.sold_at
    if own_debt_ids:
        paid_before &= Payment.debt.not_in(own_debt_ids)
    # A payment reversed by the time of the sale no longer counted then; one reversed later
    # still did, and the receipt keeps saying what it said on the day.
    # Correlated, so it seeks the reversal's unique payment_id index instead of scanning them.
    reversed_by_then = PaymentReversal.select(PaymentReversal.id).where(
        (PaymentReversal.payment == Payment.id) & (PaymentReversal.reversed_at <= sale.sold_at)
    )
    paid_before &= ~fn.EXISTS(reversed_by_then)
    paid = Payment.select(fn.COALESCE(fn.SUM(Payment.amount), 0)).where(paid_before).scalar()
    previous = int(owed_before) - int(paid)
    return CustomerLines(
        name=str(name),
        number=number or None,
        previous_balance_minor=previous,
        this_sale_debt_minor=own_debt,
        new_balance_minor=previous + own_debt,
        due_date=due_date,
    )


def _own_debt(sale_id: int) -> tuple[list[int], int, date | None, int | None]:
    """The sale's debt: ids, amount, due date and debtor (a legacy sale may have several)."""
    rows = (
        Debt.select(Debt.id, Debt.amount, Debt.due_date, Debt.customer)
        .where(Debt.sale == sale_id)
        .order_by(Debt.id)
    )
    ids: list[int] = []
    amount = 0
    due_dates: list[date] = []
    debtor_id: int | None = None
    for debt_id, debt_amount, due_date, customer_id in tuples(rows):
        ids.append(debt_id)
        amount += debt_amount
        if due_date is not None:
            due_dates.append(due_date)
        debtor_id = customer_id
    return ids, amount, min(due_dates, default=None), debtor_id


def _reversals(sale_id: int) -> tuple[ReversalLine, ...]:
    rows = (
        SaleReversal.select(
            SaleReversal.kind,
            SaleReversal.reversed_at,
            SaleReversal.amount,
            SaleReversal.cash_out,
            SaleReversal.reason,
        )
        .where(SaleReversal.sale == sale_id)
        .order_by(SaleReversal.reversed_at, SaleReversal.id)
    )
    return tuple(ReversalLine(*row) for row in tuples(rows))


def _tidy(value: object) -> str | None:
    """A setting as shown: trimmed, and None when blank."""
    text = "" if value is None else str(value).strip()
    return text or None
