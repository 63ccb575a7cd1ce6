"""Headline numbers for the tabs: today's sales and the open credit book."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from peewee import fn

from app.db.fields import TIMESTAMP_FORMAT
from app.db.tables import Customer, LegacyPlaceholder, OpenDebt, Operator, Sale
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
        count, outstanding = OpenDebt.select(
            fn.COUNT(OpenDebt.debt_id), fn.COALESCE(fn.SUM(OpenDebt.outstanding), 0)
        ).scalar(as_tuple=True)
        overdue_count, overdue = (
            OpenDebt.select(
                fn.COUNT(OpenDebt.debt_id), fn.COALESCE(fn.SUM(OpenDebt.outstanding), 0)
            )
            .where(OpenDebt.due_date < today.isoformat())
            .scalar(as_tuple=True)
        )
        return DebtSummary(int(count), int(outstanding), int(overdue_count), int(overdue))

    def customers(self) -> CustomerSummary:
        placeholder = LegacyPlaceholder.select(LegacyPlaceholder.customer)
        count = (
            Customer.select().where(~Customer.is_deleted & Customer.id.not_in(placeholder)).count()
        )
        owing = (
            OpenDebt.select(fn.COUNT(fn.DISTINCT(OpenDebt.customer_id)))
            .where(OpenDebt.customer_id.not_in(placeholder))
            .scalar()
        )
        waiting_count, waiting = (
            OpenDebt.select(
                fn.COUNT(OpenDebt.debt_id), fn.COALESCE(fn.SUM(OpenDebt.outstanding), 0)
            )
            .where(OpenDebt.customer_id.in_(placeholder))
            .scalar(as_tuple=True)
        )
        return CustomerSummary(int(count), int(owing), int(waiting_count), int(waiting))
