"""Headline numbers for the tabs: today's sales and the open credit book."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from peewee import fn

from app.db.fields import TIMESTAMP_FORMAT
from app.db.summary_rows import customer_counts, open_book
from app.db.tables import Operator, Sale
from app.services.audit import DEFAULT_OPERATOR_ID


@dataclass(frozen=True, slots=True)
class SalesSummary:
    count: int
    total_minor: int
    paid_minor: int


@dataclass(frozen=True, slots=True)
class DebtSummary:
    open_count: int
    outstanding_minor: int
    overdue_count: int
    overdue_minor: int


@dataclass(frozen=True, slots=True)
class CustomerSummary:
    count: int  # real customers, archived ones and the legacy placeholder left out
    owing_count: int
    # Open debts from before customers existed whose payer was not recorded (the queue).
    waiting_count: int
    waiting_minor: int


class SummaryService:
    def operator_name(self, operator_id: int = DEFAULT_OPERATOR_ID) -> str:
        """Who the status bar says is at the till (until logins exist, the default operator)."""
        name = Operator.select(Operator.name).where(Operator.id == operator_id).scalar()
        return str(name) if name else "Owner"

    def sales_on(self, day: date) -> SalesSummary:
        start = datetime.combine(day, time.min).strftime(TIMESTAMP_FORMAT)
        end = datetime.combine(day + timedelta(days=1), time.min).strftime(TIMESTAMP_FORMAT)
        count, total, paid = (
            Sale.select(
                fn.COUNT(Sale.id),
                fn.COALESCE(fn.SUM(Sale.total), 0),
                fn.COALESCE(fn.SUM(Sale.paid), 0),
            )
            .where((Sale.sold_at >= start) & (Sale.sold_at < end))
            .scalar(as_tuple=True)
        )
        return SalesSummary(int(count), int(total), int(paid))

    def open_debts(self, today: date) -> DebtSummary:
        """The open credit book on `today`. Read after every sale and payment, so from the
        maintained balances and an index of the open debts by due date (app/db/summary_rows.py)
        instead of every open debt with its payments."""
        open_count, overdue_count, outstanding, overdue = open_book(today)
        return DebtSummary(
            open_count=open_count,
            outstanding_minor=outstanding,
            overdue_count=overdue_count,
            overdue_minor=overdue,
        )

    def customers(self) -> CustomerSummary:
        """Customers, debtors and the legacy queue, from counts and balances the database keeps
        (app/db/summary_rows.py), not a read of every customer and open debt."""
        count, owing, waiting_count, waiting = customer_counts()
        return CustomerSummary(
            count=count, owing_count=owing, waiting_count=waiting_count, waiting_minor=waiting
        )
