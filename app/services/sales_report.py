"""Sales by customer for a period: count, totals, average, credit and returns; CSV export."""

from __future__ import annotations

import csv
import os
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

from peewee import JOIN, fn

from app.db.query_rows import tuples
from app.db.tables import Customer, CustomerSearchKey, Debt, Sale, SaleReversal
from app.domain.customer_search import name_keys, query_prefixes
from app.domain.money import DEFAULT_FORMAT, CurrencyFormat, Money
from app.services.customer_directory import CustomerDirectory, key_starts_with
from app.services.errors import ServiceError
from app.services.sales_history import customer_label, day_bounds

ANONYMOUS = "Walk-in (anonymous)"
TOTAL = "Total"
CSV_COLUMNS: Final = (
    "customer",
    "sales",
    "total",
    "average",
    "paid",
    "on_credit",
    "reversed",
    "net",
)


@dataclass(frozen=True, slots=True)
class CustomerSalesRow:
    customer_id: int | None  # None: the walk-in sales taken together (and the totals line)
    customer: str
    sales: int
    total_minor: int  # as rung up, before any return
    average_minor: int  # total_minor / sales, rounded half up to a whole minor unit
    paid_minor: int  # paid at the till
    on_credit_minor: int  # left on the customer's account by these sales
    reversed_minor: int  # value of the lines that came back (voids and refunds)
    net_minor: int  # total_minor - reversed_minor


def _sold_to_found(search: str) -> Any:
    """Sales to the customers `search` finds, as the directory's search finds them: by the
    stored search keys (any script, folded) or a customer's exact number (a merged one's
    survivor); and the walk-in sales when the typed words begin the walk-in row's name."""
    prefixes = query_prefixes(search)
    found: Any = Sale.customer.in_([])
    if prefixes:
        condition = key_starts_with(prefixes[0])
        for prefix in prefixes[1:]:
            condition |= key_starts_with(prefix)
        found = Sale.customer.in_(
            CustomerSearchKey.select(CustomerSearchKey.customer).where(condition)
        )
    resolved = CustomerDirectory().resolve_number(search)
    if resolved is not None:
        found |= Sale.customer == resolved
    if any(key.startswith(prefix) for key in name_keys(ANONYMOUS) for prefix in prefixes):
        found |= Sale.customer.is_null()
    return found


def average(total_minor: int, count: int) -> int:
    """`total_minor / count` to the nearest minor unit, halves up; 0 for no sales.
    Integer arithmetic only: no float ever touches an amount."""
    if count <= 0:
        return 0
    return (2 * total_minor + count) // (2 * count)


def totals(rows: Iterable[CustomerSalesRow]) -> CustomerSalesRow:
    """The footer line: every row added up, the average over all their sales."""
    listed = list(rows)
    count = sum(row.sales for row in listed)
    total = sum(row.total_minor for row in listed)
    reversed_ = sum(row.reversed_minor for row in listed)
    return CustomerSalesRow(
        customer_id=None,
        customer=TOTAL,
        sales=count,
        total_minor=total,
        average_minor=average(total, count),
        paid_minor=sum(row.paid_minor for row in listed),
        on_credit_minor=sum(row.on_credit_minor for row in listed),
        reversed_minor=reversed_,
        net_minor=total - reversed_,
    )


class SalesReport:
    def __init__(self, money_format: CurrencyFormat = DEFAULT_FORMAT) -> None:
        self._money_format = money_format

    def rows(self, start: date, end: date, search: str = "") -> list[CustomerSalesRow]:
        """One row per customer who bought in the days `start`..`end` (both included), and one
        for the walk-in sales; largest total first. A `search` keeps the customers the
        directory finds for it (name, a word of it, phone digits or number, as typed), and
        the walk-in row only when it is what was typed ("walk", "anonymous").

        One statement: a GROUP BY over sales.customer_id for the period (seed 000's pattern;
        idx_sales_customer_sold covers its columns), each sale's debt and returns looked up
        by their sale_id indexes (most sales have neither), then the customers' names."""
        low, high = day_bounds(start, end)
        in_report = (Sale.sold_at >= low) & (Sale.sold_at < high)
        if search.strip():
            in_report &= _sold_to_found(search)
        sale_debt = Debt.select(fn.COALESCE(fn.SUM(Debt.amount), 0)).where(Debt.sale == Sale.id)
        sale_returns = SaleReversal.select(fn.COALESCE(fn.SUM(SaleReversal.amount), 0)).where(
            SaleReversal.sale == Sale.id
        )
        grouped = (
            Sale.select(
                Sale.customer.alias("customer_id"),
                fn.COUNT(Sale.id).alias("sales"),
                fn.SUM(Sale.total).alias("total"),
                fn.SUM(Sale.paid).alias("paid"),
                fn.SUM(sale_debt).alias("on_credit"),
                fn.SUM(sale_returns).alias("returned"),
            )
            .where(in_report)
            .group_by(Sale.customer)
            .alias("per_customer")
        )
        # Names are joined to the grouped rows, one lookup per customer rather than per sale.
        named = (
            Customer.select(
                grouped.c.customer_id,
                Customer.name,
                Customer.customer_number,
                grouped.c.sales,
                grouped.c.total,
                grouped.c.paid,
                grouped.c.on_credit,
                grouped.c.returned,
            )
            .from_(grouped)
            .join(Customer, JOIN.LEFT_OUTER, on=grouped.c.customer_id == Customer.id)
        )
        rows = [
            CustomerSalesRow(
                customer_id=customer_id,
                customer=ANONYMOUS if customer_id is None else customer_label(name, number),
                sales=int(count),
                total_minor=int(total),
                average_minor=average(int(total), int(count)),
                paid_minor=int(paid),
                on_credit_minor=int(on_credit or 0),
                reversed_minor=int(returned or 0),
                net_minor=int(total) - int(returned or 0),
            )
            for customer_id, name, number, count, total, paid, on_credit, returned in tuples(named)
        ]
        rows.sort(key=lambda row: (-row.total_minor, row.customer.casefold(), row.customer_id or 0))
        return rows

    def totals(self, rows: Iterable[CustomerSalesRow]) -> CustomerSalesRow:
        return totals(rows)

    def export_csv(self, rows: Sequence[CustomerSalesRow], path: Path) -> int:
        """Write `rows` and a totals line to `path` as UTF-8 CSV with a BOM (so Excel reads
        every script); returns the customer rows written. The file appears whole or not at all."""
        # Same folder, so os.replace is a rename on one file system and never a half copy.
        temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        try:
            with temp.open("x", encoding="utf-8-sig", newline="") as stream:
                writer = csv.writer(stream)
                writer.writerow(CSV_COLUMNS)
                for row in rows:
                    writer.writerow(self._cells(row))
                writer.writerow(self._cells(totals(rows)))
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temp, path)
        except OSError as error:
            raise ServiceError(
                f"The report could not be saved to {path}: {error.strerror or error}."
            ) from error
        finally:
            temp.unlink(missing_ok=True)
        return len(rows)

    def _cells(self, row: CustomerSalesRow) -> list[str]:
        def money(minor: int) -> str:
            return Money(minor).format(self._money_format, with_symbol=False)

        return [
            row.customer,
            str(row.sales),
            money(row.total_minor),
            money(row.average_minor),
            money(row.paid_minor),
            money(row.on_credit_minor),
            money(row.reversed_minor),
            money(row.net_minor),
        ]
