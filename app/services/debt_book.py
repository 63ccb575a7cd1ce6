"""The credit book read for the Debts tab: debtors with ageing, and debts by due date."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from peewee import JOIN, fn

from app.db.database import database_proxy
from app.db.debtor_rows import last_reminded, open_by_age_class
from app.db.tables import (
    Customer,
    CustomerBalance,
    CustomerSearchKey,
    Debt,
    LegacyPlaceholder,
    OpenDebt,
)
from app.domain.ageing import Ageing, age, age_class_edges, age_classified, days_overdue
from app.domain.customer_search import query_prefixes
from app.services.customer_directory import CustomerDirectory, key_starts_with
from app.services.debtors import placeholder_id

PAGE_SIZE = 100
DEBTS_PAGE_SIZE = 200
# Search keys in a prefix's range past which a page is found by walking the debtors in order
# (see _found_by): about one customer in twenty matches, so a page comes within 2,000 debtors.
COMMON_SEARCH_KEYS = 5_000


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


@dataclass(frozen=True, slots=True)
class DebtCursor:
    """Where the next page of debts starts: the last row's due date (None once the listing
    has reached the undated debts), when it was made and its id, as stored."""

    customer_id: int | None
    status: DebtStatus
    due_date: str | None
    created_at: str
    debt_id: int


@dataclass(frozen=True, slots=True)
class DebtListPage:
    rows: list[DebtListRow]
    next: DebtCursor | None  # None: nothing after these rows


@dataclass(frozen=True, slots=True)
class _DebtorCursor:
    """Where the next page starts: the last row's sort value and customer (keyset paging, so
    page 300 costs what page 1 does). `dated` is False once an oldest-due listing has reached
    the debtors without a due date, who come last in customer order."""

    sort: DebtorSort
    filter: DebtorFilter
    search: str
    dated: bool
    value: Any  # outstanding (int) or oldest due (ISO text); None past the dated debtors
    customer_id: int


_NO_AGEING = Ageing((0, 0, 0, 0), 0)


class DebtBook:
    def __init__(self, today: Callable[[], date] = date.today) -> None:
        self._today = today

    # ----- debtors -----------------------------------------------------------------------

    def debtors(
        self,
        *,
        sort: DebtorSort = DebtorSort.OLDEST_DUE,
        filter: DebtorFilter = DebtorFilter.OWING,
        search: str = "",
        cursor: object | None = None,
        limit: int = PAGE_SIZE,
    ) -> DebtorPage:
        """One page of the customers who owe, in `sort` order, starting after `cursor`."""
        after = _checked_cursor(cursor, sort, filter, search)
        today = self._today()
        matching = _matching(filter, search, today, paging=True)
        balance, owner = CustomerBalance.outstanding, CustomerBalance.customer
        query = (
            CustomerBalance.select(
                owner,
                Customer.customer_number,
                Customer.name,
                Customer.phone,
                balance,
                CustomerBalance.oldest_due,
            )
            .join(Customer, on=Customer.id == owner)
            .where(matching)
        )
        wanted = limit + 1  # one more than shown says whether there is a next page
        if sort is DebtorSort.OUTSTANDING:
            keys = _largest_first(query, after, wanted)
        else:
            keys = _oldest_due_first(query, after, wanted, undated=filter is DebtorFilter.OWING)
        more = len(keys) > limit
        keys = keys[:limit]
        rows = self._rows(keys, today)
        if not more or not keys:
            return DebtorPage(rows, None)
        last = keys[-1]
        value = last[4] if sort is DebtorSort.OUTSTANDING else last[5]
        dated = sort is DebtorSort.OUTSTANDING or value is not None
        return DebtorPage(rows, _DebtorCursor(sort, filter, search, dated, value, last[0]))

    def _rows(self, keys: list[tuple[Any, ...]], today: date) -> tuple[DebtorRow, ...]:
        """Rows with ageing from the page's open debts and the last reminder: two statements
        for the whole page, whatever its length; SQLite sums the debts by age class."""
        if not keys:
            return ()
        ids = [key[0] for key in keys]
        by_class: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for customer_id, age_class, outstanding in open_by_age_class(ids, age_class_edges(today)):
            by_class[customer_id].append((age_class, outstanding))
        reminded = last_reminded(ids)
        rows = []
        for customer_id, number, name, phone, outstanding, oldest_due in keys:
            owed = by_class.get(customer_id)
            ageing = _NO_AGEING if owed is None else age_classified(owed)
            reminded_at = reminded.get(customer_id)
            rows.append(
                DebtorRow(
                    customer_id=customer_id,
                    number=number or "",
                    name=name,
                    phone=phone,
                    outstanding_minor=outstanding,
                    oldest_due=_day(oldest_due),
                    overdue_minor=ageing.overdue_minor,
                    ageing=ageing,
                    last_reminded_at=None if reminded_at is None else _moment(reminded_at),
                )
            )
        return tuple(rows)

    def totals(
        self, *, filter: DebtorFilter = DebtorFilter.OWING, search: str = ""
    ) -> DebtorTotals:
        """Debtors, outstanding, overdue and ageing over every debtor the filter and search
        match, not only the page shown. Reads every open debt of theirs, summed by due date
        in SQL so Python ages a few thousand dates, not every debt."""
        today = self._today()
        matching = _matching(filter, search, today)
        counted = CustomerBalance.select(
            fn.COUNT(CustomerBalance.customer),
            fn.COALESCE(fn.SUM(CustomerBalance.outstanding), 0),
        ).where(matching)
        debtors, outstanding = _raw(counted)[0]
        by_due_date = OpenDebt.select(OpenDebt.due_date, fn.SUM(OpenDebt.outstanding))
        if filter is DebtorFilter.OWING and not search.strip():
            # Whoever has an open debt owes (each debt's outstanding is above 0, which `check`
            # verifies), so every open debt but the placeholder's counts: no join needed.
            placeholder = placeholder_id()
            by_due_date = by_due_date.where(
                OpenDebt.customer_id != (-1 if placeholder is None else placeholder)
            )
        elif not search.strip():
            # The overdue are most debtors: joined, each debt finds its balance row by key
            # (80 ms on the 100,000-customer file) quicker than `customer_id IN (…)` (91 ms).
            by_due_date = by_due_date.join(
                CustomerBalance, on=CustomerBalance.customer == OpenDebt.customer_id
            ).where(matching)
        else:
            # A search is a few debtors: their list first, then only their debts.
            by_due_date = by_due_date.where(
                OpenDebt.customer_id.in_(
                    CustomerBalance.select(CustomerBalance.customer).where(matching)
                )
            )
        by_due_date = by_due_date.group_by(OpenDebt.due_date)
        ageing = age(((_day(due), int(owed)) for due, owed in _raw(by_due_date)), today)
        return DebtorTotals(int(debtors), int(outstanding), ageing.overdue_minor, ageing)

    # ----- debts ---------------------------------------------------------------------------

    def debts(
        self,
        *,
        customer_id: int | None = None,
        status: DebtStatus = DebtStatus.OPEN,
        offset: int = 0,
        limit: int = DEBTS_PAGE_SIZE,
    ) -> list[DebtListRow]:
        """Debts by due date, then when they were made (the undated last, oldest first), from
        `offset` on. Each step costs what the rows before `offset` cost to pass over: the
        Debts tab pages with `debts_page` instead."""
        today = self._today()
        matching = _debts_matching(customer_id, status, today)
        dated = _raw(_dated_in_order(matching).offset(offset).limit(limit))
        keys = dated
        if len(dated) < limit and status is not DebtStatus.OVERDUE:
            # Past the dated debts: how many of them there are says where the undated start.
            skipped = offset if dated else _count(_dated_in_order(matching))
            keys = dated + _raw(
                _undated_in_order(matching)
                .offset(max(0, offset - skipped))
                .limit(limit - len(dated))
            )
        return self._debt_rows([key[0] for key in keys], today)

    def debts_page(
        self,
        *,
        customer_id: int | None = None,
        status: DebtStatus = DebtStatus.OPEN,
        after: DebtCursor | None = None,
        limit: int = DEBTS_PAGE_SIZE,
    ) -> DebtListPage:
        """One page of `debts`, starting after `after` (keyset paging: a page deep in
        300,000 debts costs what the first one does, about 3 ms on the big shop)."""
        if after is not None and (after.customer_id, after.status) != (customer_id, status):
            raise ValueError("a cursor continues the listing it was made in")
        today = self._today()
        matching = _debts_matching(customer_id, status, today)
        wanted = limit + 1  # one more than shown says whether there is a next page
        keys: list[tuple[Any, ...]] = []
        due, made = Debt.due_date, Debt.created_at
        if after is None:
            keys = _raw(_dated_in_order(matching).limit(wanted))
        elif after.due_date is not None:
            keys = _continued_by_levels(
                _dated_in_order(matching),
                [(due, after.due_date), (made, after.created_at), (Debt.id, after.debt_id)],
                wanted,
            )
        if len(keys) < wanted and status is not DebtStatus.OVERDUE:  # the overdue have a date
            undated = _undated_in_order(matching)
            if after is None or after.due_date is not None:
                keys += _raw(undated.limit(wanted - len(keys)))
            else:
                keys += _continued_by_levels(
                    undated, [(made, after.created_at), (Debt.id, after.debt_id)], wanted
                )
        more = len(keys) > limit
        keys = keys[:limit]
        rows = self._debt_rows([key[0] for key in keys], today)
        if not more:
            return DebtListPage(rows, None)
        last_id, last_due, last_made = keys[-1]
        return DebtListPage(rows, DebtCursor(customer_id, status, last_due, last_made, last_id))

    def _debt_rows(self, ids: list[int], today: date) -> list[DebtListRow]:
        """The rows of `ids`, in that order. A second statement: in one, SQLite works out what
        was paid on every matching debt before sorting (70 ms for the first page of 41,000
        open debts, against 10 ms)."""
        if not ids:
            return []
        details = (
            Debt.select(
                Debt.id,
                Debt.customer,
                Customer.customer_number,
                Customer.name,
                Debt.sale,
                Debt.created_at,
                Debt.amount,
                OpenDebt.paid,  # NULL for a debt that is paid off
                Debt.due_date,
                Debt.status,
            )
            .join(Customer, on=Customer.id == Debt.customer)
            .join(OpenDebt, JOIN.LEFT_OUTER, on=OpenDebt.debt_id == Debt.id)
            .where(Debt.id.in_(ids))
        )
        found = {row[0]: row for row in _raw(details)}
        return [_debt_row(found[debt_id], today) for debt_id in ids]

    def count_debts(
        self, *, customer_id: int | None = None, status: DebtStatus = DebtStatus.OPEN
    ) -> int:
        today = self._today()
        return int(Debt.select().where(_debts_matching(customer_id, status, today)).count())


def _debt_row(row: tuple[Any, ...], today: date) -> DebtListRow:
    debt_id, owner, number, name, sale_id, created_at, amount, paid, due_text, status = row
    due_date = _day(due_text)
    is_open = status == "open" and paid is not None
    return DebtListRow(
        debt_id=debt_id,
        customer_id=owner,
        customer_number=number or "",
        customer_name=name,
        sale_id=sale_id,
        created_at=_moment(created_at),
        amount_minor=amount,
        paid_minor=paid if is_open else amount,
        outstanding_minor=amount - paid if is_open else 0,
        due_date=due_date,
        days_overdue=days_overdue(due_date, today) if is_open else 0,
        status=status,
    )


def _matching(filter: DebtorFilter, search: str, today: date, *, paging: bool = False) -> Any:
    """The customer_balances rows a filter and search select: owing, never the placeholder."""
    owner = CustomerBalance.customer
    # The placeholder left out inside the statement: asking for its id first cost a round
    # trip and a query built each page (0.5 ms of a 5 ms page).
    matching = (CustomerBalance.outstanding > 0) & owner.not_in(
        LegacyPlaceholder.select(LegacyPlaceholder.customer)
    )
    if filter is DebtorFilter.OVERDUE:
        matching &= CustomerBalance.oldest_due < today
    if search.strip():
        matching &= _found_by(search, paging=paging)
    return matching


def _found_by(search: str, *, paging: bool) -> Any:
    """What the customer directory finds for `search`: a name, a word of it, phone digits or
    a number starting with it, or a merged customer's exact number (its survivor).

    A page of a search that thousands of customers match (the first letter or two typed)
    walks the debtors in the page's order and tests each one's keys: it fills a page after a
    few hundred debtors (0.6 ms for "m"), where listing every match first took 13 ms. A rarer
    search lists its matches (0.1 ms), as walking all 23,000 debtors to find none takes 30 ms.
    """
    owner = CustomerBalance.customer
    prefixes = query_prefixes(search)
    found: Any = owner.in_([])
    if prefixes:
        condition = key_starts_with(prefixes[0])
        for prefix in prefixes[1:]:
            condition |= key_starts_with(prefix)
        keys = CustomerSearchKey.select(CustomerSearchKey.customer).where(condition)
        if paging and keys.limit(COMMON_SEARCH_KEYS).count() >= COMMON_SEARCH_KEYS:
            found = fn.EXISTS(keys.where(CustomerSearchKey.customer == owner))
        else:
            found = owner.in_(keys)
    resolved = CustomerDirectory().resolve_number(search)
    if resolved is not None:
        found |= owner == resolved
    return found


def _dated_in_order(matching: Any) -> Any:
    """Debt keys with a due date in list order, read from one of 031's indexes in that order
    (status, or customer and status, then due date and when made; the id is the row's)."""
    return (
        Debt.select(Debt.id, Debt.due_date, Debt.created_at)
        .where(matching & Debt.due_date.is_null(False))
        .order_by(Debt.due_date, Debt.created_at, Debt.id)
    )


def _undated_in_order(matching: Any) -> Any:
    """The undated debts' keys in the order they were made: after every dated one. Two
    statements, not `ORDER BY due_date IS NULL, ...`, which no plain index holds."""
    return (
        Debt.select(Debt.id, Debt.due_date, Debt.created_at)
        .where(matching & Debt.due_date.is_null())
        .order_by(Debt.created_at, Debt.id)
    )


def _continued_by_levels(
    query: Any, sort_values: list[tuple[Any, Any]], wanted: int
) -> list[tuple[Any, ...]]:
    """The rows after a cursor in a multi-column order: first those equal to it on every
    column but the last and past it on that, then on all but the last two, and so on; each
    one range of the index, as SQLite 3.40 seeks a row-value comparison by its first column
    only (see _continued)."""
    keys: list[tuple[Any, ...]] = []
    for level in range(len(sort_values) - 1, -1, -1):
        condition = sort_values[level][0] > sort_values[level][1]
        for column, value in sort_values[:level]:
            condition &= column == value
        keys += _raw(query.where(condition).limit(wanted - len(keys)))
        if len(keys) >= wanted:
            break
    return keys


def _count(query: Any) -> int:
    return int(query.order_by().count())


def _debts_matching(customer_id: int | None, status: DebtStatus, today: date) -> Any:
    """Debts of a status, of one customer or of everyone but the legacy placeholder (whose
    debts the assignment queue lists)."""
    if customer_id is not None:
        matching = Debt.customer == customer_id
    else:
        placeholder = placeholder_id()
        matching = Debt.customer != (-1 if placeholder is None else placeholder)
    if status is DebtStatus.OPEN:
        matching &= Debt.status == "open"
    elif status is DebtStatus.OVERDUE:
        matching &= (Debt.status == "open") & (Debt.due_date < today)
    elif status is DebtStatus.PAID:
        matching &= Debt.status == "paid"
    return matching


def _largest_first(query: Any, after: _DebtorCursor | None, wanted: int) -> list[tuple[Any, ...]]:
    """Keys by outstanding, largest first, on idx_customer_balances_outstanding read backwards."""
    balance, owner = CustomerBalance.outstanding, CustomerBalance.customer
    query = query.order_by(balance.desc(), owner.desc())
    if after is None:
        return _raw(query.limit(wanted))
    return _continued(
        query, (balance == after.value) & (owner < after.customer_id), balance < after.value, wanted
    )


def _oldest_due_first(
    query: Any, after: _DebtorCursor | None, wanted: int, *, undated: bool
) -> list[tuple[Any, ...]]:
    """Keys by oldest due date from the partial index of 029 (it holds only the dated), then,
    when `undated` are wanted and the dated run out, those without one in customer order."""
    due, owner = CustomerBalance.oldest_due, CustomerBalance.customer
    keys: list[tuple[Any, ...]] = []
    if after is None or after.dated:
        in_order = query.where(due.is_null(False)).order_by(due, owner)
        if after is None:
            keys = _raw(in_order.limit(wanted))
        else:
            keys = _continued(
                in_order,
                (due == after.value) & (owner > after.customer_id),
                due > after.value,
                wanted,
            )
    if len(keys) < wanted and undated:
        without = query.where(due.is_null()).order_by(owner)
        if after is not None and not after.dated:
            without = without.where(owner > after.customer_id)
        keys += _raw(without.limit(wanted - len(keys)))
    return keys


def _checked_cursor(
    cursor: object | None, sort: DebtorSort, filter: DebtorFilter, search: str
) -> _DebtorCursor | None:
    if cursor is None:
        return None
    if not isinstance(cursor, _DebtorCursor):
        raise TypeError("a debtors cursor comes from a DebtorPage")
    if (cursor.sort, cursor.filter, cursor.search) != (sort, filter, search):
        raise ValueError("a cursor continues the listing it was made in")
    return cursor


def _continued(query: Any, rest_of_tie: Any, beyond: Any, wanted: int) -> list[tuple[Any, ...]]:
    """The rows after a cursor: the rest of its tie, then those past it. Two range scans, as
    CustomerDirectory does: SQLite 3.40 seeks a row-value comparison by its first half only."""
    keys = _raw(query.where(rest_of_tie).limit(wanted))
    if len(keys) < wanted:
        keys += _raw(query.where(beyond).limit(wanted - len(keys)))
    return keys


def _raw(query: Any) -> list[tuple[Any, ...]]:
    """Rows as SQLite gives them; dates are parsed below with fromisoformat, far quicker than
    the strptime of peewee's fields."""
    rows: list[tuple[Any, ...]] = database_proxy.execute(query).fetchall()
    return rows


def _day(stored: str | None) -> date | None:
    return None if stored is None else date.fromisoformat(stored[:10])


def _moment(stored: str) -> datetime:
    return datetime.fromisoformat(stored[:19])
