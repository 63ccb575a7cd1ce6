"""The credit book read for the Debts tab: debtors with ageing, and debts by due date."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from app.domain.ageing import Ageing


class DebtorSort(Enum):
    OUTSTANDING = "outstanding"  # largest first
    OLDEST_DUE = "oldest_due"  # earliest first, undated last


class DebtorFilter(Enum):
    OWING = "owing"
    OVERDUE = "overdue"


class DebtStatus(Enum):
    OPEN = "open"
    OVERDUE = "overdue"
    PAID = "paid"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class DebtorRow:
    customer_id: int
    number: str
    name: str
    phone: str | None
    outstanding_minor: int
    oldest_due: date | None
    overdue_minor: int
    ageing: Ageing
    last_reminded_at: datetime | None


@dataclass(frozen=True, slots=True)
class DebtorTotals:
    debtors: int
    outstanding_minor: int
    overdue_minor: int
    ageing: Ageing


@dataclass(frozen=True, slots=True)
class DebtorPage:
    rows: tuple[DebtorRow, ...]
    next_cursor: object | None  # opaque keyset cursor for the next page; None: no more


@dataclass(frozen=True, slots=True)
class DebtListRow:
    debt_id: int
    customer_id: int
    customer_number: str
    customer_name: str
    sale_id: int | None  # None: a manual debt
    created_at: datetime
    amount_minor: int
    paid_minor: int
    outstanding_minor: int
    due_date: date | None
    days_overdue: int
    status: str  # open, paid


class DebtBook:
    def __init__(self, today: Callable[[], date] = date.today) -> None:
        self._today = today

    def debtors(
        self,
        *,
        sort: DebtorSort = DebtorSort.OLDEST_DUE,
        filter: DebtorFilter = DebtorFilter.OWING,
        search: str = "",
        cursor: object | None = None,
        limit: int = 100,
    ) -> DebtorPage:
        raise NotImplementedError  # Helper B

    def totals(
        self, *, filter: DebtorFilter = DebtorFilter.OWING, search: str = ""
    ) -> DebtorTotals:
        raise NotImplementedError  # Helper B

    def debts(
        self,
        *,
        customer_id: int | None = None,
        status: DebtStatus = DebtStatus.OPEN,
        offset: int = 0,
        limit: int = 200,
    ) -> list[DebtListRow]:
        raise NotImplementedError  # Helper B

    def count_debts(
        self, *, customer_id: int | None = None, status: DebtStatus = DebtStatus.OPEN
    ) -> int:
        raise NotImplementedError  # Helper B
