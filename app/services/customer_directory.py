"""Finding customers: search as you type, the paged directory, one customer's profile."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from peewee import SQL

from app.db.customer_rows import directory_rows
from app.db.database import database_proxy
from app.db.query_rows import tuples
from app.db.tables import (
    Customer,
    CustomerBalance,
    CustomerSearchKey,
    OpenDebt,
    Operator,
    Payment,
    Sale,
)
from app.domain.customer_form import Address, CustomerFields
from app.domain.customer_search import name_keys, query_prefixes
from app.domain.names import most_alike, name_key
from app.services import audit
from app.services.debtors import placeholder_id
from app.services.errors import ServiceError

SEARCH_LIMIT = 50
PAGE_SIZE = 100
# Customers sharing a word start with a new name are the ones scored for "similar name".
SIMILAR_PREFIX = 3
SIMILAR_CANDIDATES = 5000
SIMILAR_SCORE = 80
# Past the highest code point: `key < prefix + END` keeps exactly the keys starting with prefix.
_AFTER_EVERY_KEY = "\U0010ffff"
_MERGE_HOPS = 20


class CustomerSort(StrEnum):
    NUMBER = "number"
    NAME = "name"
    BALANCE = "balance"  # largest first


@dataclass(frozen=True, slots=True)
class CustomerRow:
    id: int
    number: str
    name: str
    phone: str | None
    balance_minor: int
    overdue_minor: int
    last_activity: datetime | None
    is_archived: bool


@dataclass(frozen=True, slots=True)
class PageCursor:
    """Where the next page starts: the last row's sort value and id (keyset paging, so a page
    deep in 100k customers costs what the first one does)."""

    sort: CustomerSort
    value: str | int
    customer_id: int


@dataclass(frozen=True, slots=True)
class CustomerPage:
    rows: list[CustomerRow]
    next: PageCursor | None  # None: nothing after these rows


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    """Everything the profile shows about one customer."""

    id: int
    number: str
    fields: CustomerFields
    is_archived: bool
    is_placeholder: bool
    merged_into_id: int | None
    merged_into_number: str | None
    created_at: datetime | None
    updated_at: datetime | None
    created_by: str | None  # operator's name; None for customers the upgrade made
    updated_by: str | None
    balance_minor: int
    overdue_minor: int

    @property
    def credit_headroom_minor(self) -> int | None:
        """What may still be sold on credit; None when there is no limit."""
        limit = self.fields.credit_limit_minor
        return None if limit is None else limit - self.balance_minor


@dataclass(frozen=True, slots=True)
class SimilarCustomer:
    id: int
    number: str
    name: str
    score: float  # 0-100: how alike the folded names are (app/domain/names.py)


@dataclass(frozen=True, slots=True)
class DebtLine:
    debt_id: int
    sale_id: int | None
    created_at: datetime | None
    due_date: date | None
    amount_minor: int
    outstanding_minor: int


@dataclass(frozen=True, slots=True)
class SaleLine:
    sale_id: int
    sold_at: datetime | None
    total_minor: int
    paid_minor: int


@dataclass(frozen=True, slots=True)
class PaymentLine:
    payment_id: int
    debt_id: int
    paid_at: datetime | None
    amount_minor: int
    method: str


def stored_fields(customer: Customer) -> CustomerFields:
    return CustomerFields(
        name=customer.name,
        number=customer.customer_number,
        contact_name=customer.contact_name,
        phone=customer.phone,
        email=customer.email,
        billing=Address.from_json(customer.billing_address),
        shipping=Address.from_json(customer.shipping_address),
        payment_terms=customer.payment_terms,
        credit_limit_minor=customer.credit_limit,
        tax_number=customer.tax_number,
        note=customer.note,
    )


def key_starts_with(prefix: str) -> Any:
    """Search keys beginning with `prefix`, as a range an index can walk."""
    return (CustomerSearchKey.key >= prefix) & (CustomerSearchKey.key < prefix + _AFTER_EVERY_KEY)


class CustomerDirectory:
    def __init__(self, today: Callable[[], date] = date.today) -> None:
        self._today = today

    # ----- search and directory ----------------------------------------------------------

    def search(
        self, typed: str, *, limit: int = SEARCH_LIMIT, include_archived: bool = False
    ) -> list[CustomerRow]:
        """Up to `limit` customers whose name, a word of it, phone digits or number start with
        what was typed, case-insensitively in every script; an exact number of a merged
        customer finds the one it was merged into, first."""
        found: dict[int, None] = {}
        resolved = self.resolve_number(typed)
        if resolved is not None and (include_archived or not _is_archived(resolved)):
            found[resolved] = None
        for prefix in query_prefixes(typed):
            for customer_id in self._ids_by_prefix(prefix, limit, include_archived):
                found.setdefault(customer_id)
        return self._rows(list(found)[:limit])

    def _ids_by_prefix(self, prefix: str, limit: int, include_archived: bool) -> list[int]:
        """Distinct customers in key order. One customer may match by several keys, so rows
        are read in batches until `limit` distinct ones are found or the range ends."""
        matching = key_starts_with(prefix)
        if not include_archived:
            matching &= ~Customer.is_deleted
        found: dict[int, None] = {}
        batch, offset = limit * 2, 0
        while len(found) < limit:
            rows = (
                CustomerSearchKey.select(CustomerSearchKey.customer)
                .join(Customer)
                .where(matching)
                .order_by(CustomerSearchKey.key)
                .limit(batch)
                .offset(offset)
            )
            ids = [row[0] for row in _keys(rows)]
            for customer_id in ids:
                found.setdefault(customer_id)
            if len(ids) < batch:
                break
            offset += batch
        return list(found)[:limit]

    def page(
        self,
        *,
        sort: CustomerSort = CustomerSort.NAME,
        after: PageCursor | None = None,
        limit: int = PAGE_SIZE,
        include_archived: bool = False,
    ) -> CustomerPage:
        """One page of the directory in `sort` order, starting after `after`."""
        if after is not None and after.sort is not sort:
            raise ValueError("a cursor continues the order it was made in")
        number = Customer.customer_number.collate("NOCASE")
        balance = CustomerBalance.outstanding
        query = Customer.select(Customer.id, Customer.name_key, Customer.customer_number, balance)
        query = query.join(CustomerBalance, on=CustomerBalance.customer == Customer.id)
        if not include_archived:
            query = query.where(~Customer.is_deleted)
        if sort is CustomerSort.NAME:
            query = query.order_by(Customer.name_key, Customer.id)
            if after is not None:
                keys = _continued(
                    query,
                    (Customer.name_key == after.value) & (Customer.id > after.customer_id),
                    Customer.name_key > after.value,
                    limit + 1,
                )
        elif sort is CustomerSort.NUMBER:
            query = query.order_by(number)
            if after is not None:
                query = query.where(number > after.value)
        else:
            owner = CustomerBalance.customer
            query = query.order_by(balance.desc(), owner.desc())
            if after is not None:
                keys = _continued(
                    query,
                    (balance == after.value) & (owner < after.customer_id),
                    balance < after.value,
                    limit + 1,
                )
        if after is None or sort is CustomerSort.NUMBER:
            keys = _keys(query.limit(limit + 1))
        more = len(keys) > limit
        keys = keys[:limit]
        rows = self._rows([row[0] for row in keys])
        if not more or not keys:
            return CustomerPage(rows, None)
        last_id, last_name_key, last_number, last_balance = keys[-1]
        value = {
            CustomerSort.NAME: last_name_key,
            CustomerSort.NUMBER: last_number,
            CustomerSort.BALANCE: last_balance,
        }[sort]
        return CustomerPage(rows, PageCursor(sort, value, last_id))

    def count(self, *, include_archived: bool = False) -> int:
        query = Customer.select()
        if not include_archived:
            query = query.where(~Customer.is_deleted)
        return int(query.count())

    def _rows(self, ids: list[int]) -> list[CustomerRow]:
        """Directory rows for `ids`, in that order, each with balance, overdue, last activity."""
        if not ids:
            return []
        return [
            CustomerRow(
                id=row[0],
                number=row[1] or "",
                name=row[2],
                phone=row[3],
                balance_minor=int(row[4]),
                overdue_minor=int(row[5]),
                last_activity=_timestamp(row[6]),
                is_archived=bool(row[7]),
            )
            for row in directory_rows(ids, self._today().isoformat())
        ]

    # ----- one customer ------------------------------------------------------------------

    def resolve_number(self, typed: str) -> int | None:
        """The customer a number belongs to; a merged customer's number gives the survivor."""
        number = typed.strip()
        if not number:
            return None
        found = (
            Customer.select(Customer.id, Customer.merged_into)
            .where(Customer.customer_number.collate("NOCASE") == number)
            .tuples()
            .first()
        )
        if found is None:
            return None
        customer_id, merged_into = found
        for _hop in range(_MERGE_HOPS):
            if merged_into is None:
                return int(customer_id)
            customer_id = merged_into
            merged_into = (
                Customer.select(Customer.merged_into).where(Customer.id == customer_id).scalar()
            )
        return int(customer_id)

    def get(self, customer_id: int) -> CustomerRecord:
        customer = Customer.get_or_none(Customer.id == customer_id)
        if customer is None:
            raise ServiceError(f"There is no customer with id {customer_id}.")
        merged_into = customer.merged_into
        row = self._rows([customer_id])[0]
        return CustomerRecord(
            id=customer.id,
            number=customer.customer_number or "",
            fields=stored_fields(customer),
            is_archived=customer.is_deleted,
            is_placeholder=customer.id == placeholder_id(),
            merged_into_id=None if merged_into is None else merged_into.id,
            merged_into_number=None if merged_into is None else merged_into.customer_number,
            created_at=customer.created_at,
            updated_at=customer.updated_at,
            created_by=_operator_name(customer.created_by_id),
            updated_by=_operator_name(customer.updated_by_id),
            balance_minor=row.balance_minor,
            overdue_minor=row.overdue_minor,
        )

    def open_debts(self, customer_id: int) -> list[DebtLine]:
        """Open debts, the one due first on top (undated last), as payments are applied."""
        rows = (
            OpenDebt.select(
                OpenDebt.debt_id,
                OpenDebt.sale_id,
                OpenDebt.created_at,
                OpenDebt.due_date,
                OpenDebt.amount,
                OpenDebt.outstanding,
            )
            .where(OpenDebt.customer_id == customer_id)
            .order_by(SQL("due_date IS NULL"), OpenDebt.due_date, OpenDebt.created_at)
        )
        return [
            DebtLine(r.debt_id, r.sale_id, r.created_at, r.due_date, r.amount, r.outstanding)
            for r in rows
        ]

    def sales(self, customer_id: int, *, limit: int = PAGE_SIZE) -> list[SaleLine]:
        """The customer's latest sales, newest first."""
        rows = (
            Sale.select(Sale.id, Sale.sold_at, Sale.total, Sale.paid)
            .where(Sale.customer == customer_id)
            .order_by(Sale.sold_at.desc(), Sale.id.desc())
            .limit(limit)
        )
        return [SaleLine(r.id, r.sold_at, r.total, r.paid) for r in rows]

    def payments(self, customer_id: int, *, limit: int = PAGE_SIZE) -> list[PaymentLine]:
        """The customer's latest payments, newest first."""
        rows = (
            Payment.select(
                Payment.id, Payment.debt, Payment.paid_at, Payment.amount, Payment.method
            )
            .where(Payment.customer == customer_id)
            .order_by(Payment.paid_at.desc(), Payment.id.desc())
            .limit(limit)
        )
        return [PaymentLine(r.id, r.debt_id, r.paid_at, r.amount, r.method) for r in rows]

    def history(self, customer_id: int) -> list[audit.AuditLine]:
        return audit.history("customer", customer_id)

    def similar_names(
        self, typed_name: str, *, exclude_id: int | None = None, limit: int = 5
    ) -> list[SimilarCustomer]:
        """Customers whose name looks like `typed_name` (a warning on create, never a refusal:
        two people may share a name)."""
        wanted = name_key(typed_name)
        if wanted is None:
            return []
        candidates = self._sharing_a_word_start(name_keys(typed_name))
        candidates.pop(exclude_id, None)  # type: ignore[arg-type]
        if not candidates:
            return []
        keys = {customer_id: key for customer_id, (key, _n, _name) in candidates.items()}
        return [
            SimilarCustomer(
                customer_id, candidates[customer_id][1], candidates[customer_id][2], score
            )
            for customer_id, score in most_alike(wanted, keys, cutoff=SIMILAR_SCORE, limit=limit)
        ]

    def _sharing_a_word_start(self, keys: Iterable[str]) -> dict[int, tuple[str, str, str]]:
        starts = {key[:SIMILAR_PREFIX] for key in keys if len(key) >= SIMILAR_PREFIX}
        if not starts:
            return {}
        matching = None
        for start in starts:
            condition = key_starts_with(start)
            matching = condition if matching is None else matching | condition
        rows = (
            Customer.select(Customer.id, Customer.name_key, Customer.customer_number, Customer.name)
            .where(
                ~Customer.is_deleted
                & Customer.id.in_(
                    CustomerSearchKey.select(CustomerSearchKey.customer).where(matching)
                )
            )
            .limit(SIMILAR_CANDIDATES)
        )
        return {row[0]: (row[1], row[2] or "", row[3]) for row in tuples(rows)}


def _is_archived(customer_id: int) -> bool:
    return bool(Customer.select(Customer.is_deleted).where(Customer.id == customer_id).scalar())


def _continued(query: Any, rest_of_tie: Any, beyond: Any, wanted: int) -> list[tuple[Any, ...]]:
    """The rows after a cursor: first those sharing its sort value, then those past it.

    One row-value comparison `(value, id) > (?, ?)` would do, but SQLite 3.40 then seeks the
    index on the value alone and steps through every row sharing it (three customers in four
    owe nothing, so a deep page by balance walked tens of thousands of entries).
    """
    keys = _keys(query.where(rest_of_tie).limit(wanted))
    if len(keys) < wanted:
        keys += _keys(query.where(beyond).limit(wanted - len(keys)))
    return keys


def _keys(query: Any) -> list[tuple[Any, ...]]:
    """A page's or a search's keys (ids, sort values: text and integers) as SQLite gives
    them, without peewee's row wrapper and per-cell conversion (a third of a page's time)."""
    rows: list[tuple[Any, ...]] = database_proxy.execute(query).fetchall()
    return rows


def _timestamp(stored: str | None) -> datetime | None:
    # fromisoformat is thirty times faster than strptime, and a page parses a hundred.
    return None if stored is None else datetime.fromisoformat(stored[:19])


def _operator_name(operator_id: int | None) -> str | None:
    if operator_id is None:
        return None
    name = Operator.select(Operator.name).where(Operator.id == operator_id).scalar()
    return None if name is None else str(name)
