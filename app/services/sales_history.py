"""Past sales for the sales list: paged by date range, one sale's lines, payment and reversals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from peewee import JOIN, fn

from app.db.fields import TIMESTAMP_FORMAT
from app.db.query_rows import tuples
from app.db.tables import (
    Customer,
    Debt,
    OpenDebt,
    Operator,
    Sale,
    SaleItem,
    SaleReversal,
    SaleReversalItem,
)
from app.services.errors import ServiceError

PAGE_SIZE = 100
WALK_IN = "Walk-in"
VOIDED = "voided"
REFUNDED = "refunded"


@dataclass(frozen=True, slots=True)
class SaleRow:
    id: int
    sold_at: datetime
    customer_id: int | None
    customer: str  # "Walk-in", or the customer's name and number
    items: int  # lines on the sale
    total_minor: int
    paid_minor: int
    on_credit_minor: int  # the sale's debt as first recorded
    reversed_minor: int  # value of every line that came back
    state: str  # '' | 'refunded' (some lines came back) | 'voided' (every line did)

    @property
    def net_minor(self) -> int:
        return self.total_minor - self.reversed_minor


@dataclass(frozen=True, slots=True)
class SaleCursor:
    """Where the next (older) page starts: the last row's stored time and id. Keyset paging,
    so the thousandth page of a year costs what the first does."""

    sold_at: str  # as stored, so rows sharing a second are neither skipped nor repeated
    sale_id: int


@dataclass(frozen=True, slots=True)
class SalesPage:
    rows: list[SaleRow]
    next: SaleCursor | None  # None: nothing older in the range


@dataclass(frozen=True, slots=True)
class RangeTotals:
    """The sums under the sales list, over every sale in the range (not just loaded pages)."""

    count: int
    total_minor: int
    paid_minor: int
    on_credit_minor: int
    reversed_minor: int


@dataclass(frozen=True, slots=True)
class SaleLineDetail:
    sale_item_id: int
    description: str
    quantity: int
    unit_price_minor: int
    amount_minor: int  # quantity x unit price
    returned_quantity: int

    @property
    def left_quantity(self) -> int:
        """What may still come back."""
        return self.quantity - self.returned_quantity


@dataclass(frozen=True, slots=True)
class ReversalLine:
    kind: str  # 'void' | 'refund'
    reversed_at: datetime
    amount_minor: int
    debt_reduced_minor: int
    cash_out_minor: int
    operator: str
    reason: str


@dataclass(frozen=True, slots=True)
class SaleDetail:
    row: SaleRow
    lines: tuple[SaleLineDetail, ...]
    reversals: tuple[ReversalLine, ...]  # oldest first
    debt_outstanding_minor: int | None  # None: nothing of this sale went on credit
    note: str | None
    tendered_minor: int | None  # cash handed over, when the till recorded it
    sold_by: str | None  # operator's name; None for sales from before operators

    @property
    def left_minor(self) -> int:
        """The value of the lines that have not come back: what a void would reverse."""
        return sum(line.left_quantity * line.unit_price_minor for line in self.lines)

    @property
    def can_reverse(self) -> bool:
        return any(line.left_quantity > 0 for line in self.lines)

    def split(self, amount_minor: int) -> tuple[int, int]:
        """How returning goods worth `amount_minor` is settled (product.md §3 "Sales"): off what
        is still owed on this sale's debt first, and the rest paid out in cash.
        Returns (debt reduced, cash out)."""
        debt_reduced = min(amount_minor, self.debt_outstanding_minor or 0)
        return debt_reduced, amount_minor - debt_reduced


def day_bounds(start: date, end: date) -> tuple[str, str]:
    """Stored-time bounds of the days `start` to `end`, both included: [start 00:00, end+1 00:00).
    A half-open end also keeps a time stored with fractions of a second on the last day."""
    low = datetime.combine(start, time.min).strftime(TIMESTAMP_FORMAT)
    high = datetime.combine(end + timedelta(days=1), time.min).strftime(TIMESTAMP_FORMAT)
    return low, high


def customer_label(name: str | None, number: str | None) -> str:
    if name is None:
        return WALK_IN
    return f"{name} ({number})" if number else name


class SalesHistory:
    def page(
        self,
        start: date,
        end: date,
        *,
        before: SaleCursor | None = None,
        limit: int = PAGE_SIZE,
    ) -> list[SaleRow]:
        """Up to `limit` sales of the days `start`..`end`, newest first, older than `before`."""
        return self.page_with_cursor(start, end, before=before, limit=limit).rows

    def page_with_cursor(
        self,
        start: date,
        end: date,
        *,
        before: SaleCursor | None = None,
        limit: int = PAGE_SIZE,
    ) -> SalesPage:
        """`page`, with the cursor the following page starts from. Five statements whatever
        the page size: the sales, then their lines, returns, reversals and debts by id."""
        low, high = day_bounds(start, end)
        in_range = (Sale.sold_at >= low) & (Sale.sold_at < high)
        if before is not None:
            # `<=` on the time alone lets SQLite seek the sold_at index; the few rows sharing
            # the cursor's second are then filtered by id.
            in_range &= (Sale.sold_at <= before.sold_at) & (
                (Sale.sold_at < before.sold_at) | (Sale.id < before.sale_id)
            )
        found = tuples(_sales_query().where(in_range).limit(limit + 1))
        more = len(found) > limit
        found = found[:limit]
        rows = _rows(found)
        if not more or not found:
            return SalesPage(rows, None)
        return SalesPage(rows, SaleCursor(found[-1][1], found[-1][0]))

    def count(self, start: date, end: date) -> int:
        low, high = day_bounds(start, end)
        return int(Sale.select().where((Sale.sold_at >= low) & (Sale.sold_at < high)).count())

    def totals(self, start: date, end: date) -> RangeTotals:
        """Count and sums of the range, added up in SQL."""
        low, high = day_bounds(start, end)
        in_range = (Sale.sold_at >= low) & (Sale.sold_at < high)
        count, total, paid = (
            Sale.select(
                fn.COUNT(Sale.id),
                fn.COALESCE(fn.SUM(Sale.total), 0),
                fn.COALESCE(fn.SUM(Sale.paid), 0),
            )
            .where(in_range)
            .scalar(as_tuple=True)
        )
        on_credit = (
            Debt.select(fn.COALESCE(fn.SUM(Debt.amount), 0)).join(Sale).where(in_range).scalar()
        )
        reversed_ = (
            SaleReversal.select(fn.COALESCE(fn.SUM(SaleReversal.amount), 0))
            .join(Sale)
            .where(in_range)
            .scalar()
        )
        return RangeTotals(int(count), int(total), int(paid), int(on_credit), int(reversed_))

    def detail(self, sale_id: int) -> SaleDetail:
        """Everything the sale window shows; ServiceError when there is no such sale."""
        found = tuples(_sales_query().where(Sale.id == sale_id))
        if not found:
            raise ServiceError(f"There is no sale number {sale_id}.")
        row = _rows(found)[0]
        extra = (
            Sale.select(Sale.note, Sale.tendered, Operator.name)
            .join(Operator, JOIN.LEFT_OUTER, on=Sale.operator == Operator.id)
            .where(Sale.id == sale_id)
            .tuples()
            .get()
        )
        note, tendered, sold_by = cast(tuple[Any, ...], extra)
        return SaleDetail(
            row=row,
            lines=_lines(sale_id),
            reversals=_reversals(sale_id),
            debt_outstanding_minor=_debt_outstanding(sale_id),
            note=note,
            tendered_minor=tendered,
            sold_by=sold_by,
        )


def _sales_query() -> Any:
    # The stored text, not the parsed datetime, goes into the cursor.
    stored_time = fn.COALESCE(Sale.sold_at, "").coerce(False)
    return (
        Sale.select(
            Sale.id,
            stored_time,
            Sale.customer,
            Customer.name,
            Customer.customer_number,
            Sale.total,
            Sale.paid,
        )
        .join(Customer, JOIN.LEFT_OUTER, on=Sale.customer == Customer.id)
        .order_by(Sale.sold_at.desc(), Sale.id.desc())
    )


def _rows(found: list[tuple[Any, ...]]) -> list[SaleRow]:
    """Rows for the sales `found` by `_sales_query`, in that order, each with its line count,
    returns and debt, read for all of them at once."""
    if not found:
        return []
    ids = [sale[0] for sale in found]
    lines = _by_sale(
        SaleItem.select(SaleItem.sale, fn.COUNT(SaleItem.id), fn.SUM(SaleItem.quantity))
        .where(SaleItem.sale.in_(ids))
        .group_by(SaleItem.sale)
    )
    returned = _by_sale(
        SaleReversal.select(SaleReversal.sale, fn.SUM(SaleReversalItem.quantity))
        .join(SaleReversalItem)
        .where(SaleReversal.sale.in_(ids))
        .group_by(SaleReversal.sale)
    )
    reversed_ = _by_sale(
        SaleReversal.select(SaleReversal.sale, fn.SUM(SaleReversal.amount))
        .where(SaleReversal.sale.in_(ids))
        .group_by(SaleReversal.sale)
    )
    debts = _by_sale(
        Debt.select(Debt.sale, fn.SUM(Debt.amount)).where(Debt.sale.in_(ids)).group_by(Debt.sale)
    )
    rows = []
    for sale_id, stored_time, customer_id, name, number, total, paid in found:
        line_count, sold_quantity = lines.get(sale_id, (0, 0))
        returned_quantity = returned.get(sale_id, (0,))[0]
        reversed_minor = reversed_.get(sale_id, (0,))[0]
        rows.append(
            SaleRow(
                id=sale_id,
                sold_at=_timestamp(stored_time),
                customer_id=customer_id,
                customer=customer_label(name, number),
                items=int(line_count),
                total_minor=int(total),
                paid_minor=int(paid),
                on_credit_minor=int(debts.get(sale_id, (0,))[0]),
                reversed_minor=int(reversed_minor),
                state=_state(sale_id in reversed_, int(sold_quantity), int(returned_quantity)),
            )
        )
    return rows


def _state(any_reversal: bool, sold_quantity: int, returned_quantity: int) -> str:
    if not any_reversal:
        return ""
    # Each line comes back at most as often as it was sold (a trigger of migration 026), so
    # equal sums mean every line came back in full.
    return VOIDED if returned_quantity >= sold_quantity else REFUNDED


def _lines(sale_id: int) -> tuple[SaleLineDetail, ...]:
    items = tuples(
        SaleItem.select(SaleItem.id, SaleItem.description, SaleItem.quantity, SaleItem.unit_price)
        .where(SaleItem.sale == sale_id)
        .order_by(SaleItem.id)
    )
    returned = {
        item_id: int(quantity)
        for item_id, quantity in tuples(
            SaleReversalItem.select(SaleReversalItem.sale_item, fn.SUM(SaleReversalItem.quantity))
            .join(SaleReversal)
            .where(SaleReversal.sale == sale_id)
            .group_by(SaleReversalItem.sale_item)
        )
    }
    return tuple(
        SaleLineDetail(
            sale_item_id=item_id,
            description=description,
            quantity=int(quantity),
            unit_price_minor=int(price),
            amount_minor=int(quantity) * int(price),
            returned_quantity=returned.get(item_id, 0),
        )
        for item_id, description, quantity, price in items
    )


def _reversals(sale_id: int) -> tuple[ReversalLine, ...]:
    found = (
        SaleReversal.select(
            SaleReversal.kind,
            SaleReversal.reversed_at,
            SaleReversal.amount,
            SaleReversal.debt_reduced,
            SaleReversal.cash_out,
            Operator.name,
            SaleReversal.reason,
        )
        .join(Operator)
        .where(SaleReversal.sale == sale_id)
        .order_by(SaleReversal.reversed_at, SaleReversal.id)
    )
    return tuple(ReversalLine(*row) for row in tuples(found))


def _debt_outstanding(sale_id: int) -> int | None:
    """What is still owed on the sale's debt after payments and returns; None without one."""
    if not Debt.select().where(Debt.sale == sale_id).exists():
        return None
    return still_owed(sale_id)


def still_owed(sale_id: int) -> int:
    """What is still owed on the sale's debts, counting only payments that stand as the
    `open_debts` view does (a reversed payment gave its amount back, migration 029); 0 when
    they are settled (a settled debt is not in the view) or nothing went on credit."""
    return int(
        OpenDebt.select(fn.COALESCE(fn.SUM(OpenDebt.outstanding), 0))
        .where(OpenDebt.sale_id == sale_id)
        .scalar()
    )


def _by_sale(query: Any) -> dict[int, tuple[Any, ...]]:
    return {row[0]: tuple(row[1:]) for row in tuples(query)}


def _timestamp(stored: str) -> datetime:
    # fromisoformat is thirty times faster than strptime, and a page parses a hundred.
    return datetime.fromisoformat(stored[:19])
