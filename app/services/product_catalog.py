"""The product catalogue: scanner lookups, search as you type, and audited adds and edits."""

from __future__ import annotations

import re
import sqlite3
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import accumulate
from typing import Any, cast

from peewee import IntegrityError, Select

from app.db.database import database_proxy
from app.db.query_rows import tuples
from app.db.tables import Product, StockMove
from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.domain.names import name_key
from app.domain.product_form import (
    ProductDraft,
    ProductFields,
    ValidationError,
    tidy_barcode,
    validate_product,
)
from app.services import audit
from app.services.errors import ServiceError

SEARCH_LIMIT = 20
COUNT_MOVE = "count"  # a stock figure the operator set (stock_moves.kind)


@dataclass(frozen=True, slots=True)
class ProductRecord:
    id: int
    barcode: str | None
    name: str
    price_minor: int
    stock: int
    active: bool

    @property
    def fields(self) -> ProductFields:
        """What the edit form starts from."""
        return ProductFields(self.barcode, self.name, self.price_minor, self.stock, self.active)


_COLUMNS = (
    Product.id,
    Product.barcode,
    Product.name,
    Product.price,
    Product.stock,
    Product.is_active,
)


def _first(query: Select) -> tuple[Any, ...] | None:
    return cast(tuple[Any, ...] | None, query.tuples().first())


def _record(row: tuple[Any, ...]) -> ProductRecord:
    product_id, barcode, name, price, stock, active = row
    return ProductRecord(int(product_id), barcode, name, int(price), int(stock), bool(active))


# ----- the search index ---------------------------------------------------------------------

# Inside a word: `Coca-Cola` is also found as `cola`, `1.5L` as `5l` (as customers' names are).
_WORD_PARTS = re.compile(r"[\W_]+")
# Past this many products changed at once (an import), reading them all again is quicker.
_PATCH_LIMIT = 2000
_CHUNK = 500  # ids per `IN (…)`: well under SQLite's limit on bound parameters
_KEY_COLUMNS = (Product.id, Product.name, Product.barcode, Product.is_active)


@dataclass(frozen=True, slots=True)
class _Entry:
    order: tuple[str, int]  # (folded name, id): the index's order
    words: str  # " word part … ": a typed word matches where " " + word is found
    barcode: str  # folded, "" when none
    active: bool


def _entry(product_id: int, name: str, barcode: str | None, active: Any) -> _Entry:
    key = name_key(name) or ""
    words = [word for word in key.split(" ") if word]
    parts = [part for word in words for part in _WORD_PARTS.split(word) if part]
    text = " " + " ".join(dict.fromkeys(words + parts)) + " "
    return _Entry((key, product_id), text, (barcode or "").casefold(), bool(active))


def _scan(blob: str, needle: str, starts: list[int]) -> Iterator[int]:
    """Positions (in `starts`) of the entries whose text in `blob` holds `needle`, in order."""
    last = -1
    found = blob.find(needle)
    while found != -1:
        index = bisect_right(starts, found) - 1
        if index != last:
            yield index
            last = index
        found = blob.find(needle, found + 1)


class _SearchIndex:
    """Every product's folded name words and barcode, in name order, held in memory.

    SQLite's lower() and LIKE fold ASCII only (`ХЛЕБ` ≠ `хлеб`), and a Python function called
    per row from SQL takes about 100 ms over 20,000 products. Here each name's words are
    folded once (Python's casefold, every script) and joined into one string, which
    `str.find` scans in C. Only keys are held: the rows shown are read fresh, so a stock
    changed by a sale is never stale.

    One index serves every ProductCatalog. Products a catalogue wrote are read again before
    the next search (after a rollback too, so the index never keeps what was undone); a
    commit by another connection (another till) changes SQLite's `data_version`, and the
    whole index is read again, as it is on a new connection (a restored backup).
    """

    def __init__(self) -> None:
        self._stamp: tuple[object, int] | None = None
        self._touched: set[int] = set()
        self.entries: dict[int, _Entry] = {}
        self._ordered: list[_Entry] = []
        self.ids: list[int] = []  # in name order
        self.rank: dict[int, int] = {}  # product id -> place in name order
        self.exact: dict[str, int] = {}  # folded barcode -> product id
        self._words = ""
        self._word_starts: list[int] = []
        self._barcodes = ""
        self._barcode_starts: list[int] = []

    def touched(self, product_id: int) -> None:
        self._touched.add(product_id)

    def fresh(self) -> _SearchIndex:
        connection: sqlite3.Connection = database_proxy.connection()
        stamp = (connection, int(database_proxy.pragma("data_version")))
        if stamp != self._stamp or len(self._touched) > _PATCH_LIMIT:
            rows = tuples(Product.select(*_KEY_COLUMNS))
            self.entries = {row[0]: _entry(*row) for row in rows}
            self._ordered = sorted(self.entries.values(), key=_order)
            self._stamp = stamp
            self._touched.clear()
            self._lay_out()
        elif self._touched:
            self._patch(sorted(self._touched))
            if not database_proxy.in_transaction():
                # Inside a transaction they are read again later: it may still roll back.
                self._touched.clear()
            self._lay_out()
        return self

    def _patch(self, ids: list[int]) -> None:
        """Read these products again and put each in its place (a rename moves it)."""
        for product_id in ids:
            old = self.entries.pop(product_id, None)
            if old is not None:
                del self._ordered[bisect_left(self._ordered, old.order, key=_order)]
        for chunk in range(0, len(ids), _CHUNK):
            query = Product.select(*_KEY_COLUMNS).where(Product.id.in_(ids[chunk : chunk + _CHUNK]))
            for row in tuples(query):
                entry = self.entries[row[0]] = _entry(*row)
                insort(self._ordered, entry, key=_order)

    def _lay_out(self) -> None:
        ordered = self._ordered
        self.ids = [entry.order[1] for entry in ordered]
        self.rank = dict(zip(self.ids, range(len(self.ids)), strict=True))
        self.exact = {entry.barcode: entry.order[1] for entry in ordered if entry.barcode}
        words = [entry.words for entry in ordered]
        self._words, self._word_starts = "".join(words), _starts(words, 0)
        # Each barcode after a newline, so "\n" + prefix matches at the start of one only.
        barcodes = [entry.barcode for entry in ordered]
        self._barcodes, self._barcode_starts = "\n" + "\n".join(barcodes), _starts(barcodes, 1)

    def with_words(self, needle: str) -> Iterator[int]:
        """Ids, in name order, of the products with a name word starting with `needle`."""
        for index in _scan(self._words, " " + needle, self._word_starts):
            yield self.ids[index]

    def with_barcode(self, prefix: str) -> Iterator[int]:
        """Ids, in name order, of the products whose folded barcode starts with `prefix`."""
        for index in _scan(self._barcodes, "\n" + prefix, self._barcode_starts):
            yield self.ids[index]


def _starts(texts: list[str], separator: int) -> list[int]:
    """Where each text starts in their join, each after `separator` characters."""
    return list(accumulate((separator + len(text) for text in texts), initial=0))[:-1]


def _order(entry: _Entry) -> tuple[str, int]:
    return entry.order


_INDEX = _SearchIndex()


# ----- the catalogue -----------------------------------------------------------------------


class ProductCatalog:
    def __init__(
        self,
        *,
        operator_id: int = audit.DEFAULT_OPERATOR_ID,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
        now: Callable[[], datetime] = datetime.now,
    ) -> None:
        self._operator_id = operator_id
        self._money_format = money_format
        self._now = now

    @property
    def money_format(self) -> CurrencyFormat:
        """How prices are read from text (and so how an export must write them)."""
        return self._money_format

    # ----- reading -----------------------------------------------------------------------

    def by_barcode(self, code: str) -> ProductRecord | None:
        """The active product with exactly this barcode (scanned or typed), else None."""
        barcode = tidy_barcode(code)
        if barcode is None:
            return None
        row = _first(
            Product.select(*_COLUMNS).where((Product.barcode == barcode) & (Product.is_active != 0))
        )
        return None if row is None else _record(row)

    def search(
        self, text: str, *, limit: int = SEARCH_LIMIT, include_inactive: bool = False
    ) -> list[ProductRecord]:
        """Products whose barcode starts with `text` (the exact code first), then those with
        a word of the name starting with each word typed (any order, any script, any case),
        by name. Blank text gives the first products by name."""
        if limit <= 0:
            return []
        index = _INDEX.fresh()

        def wanted(product_id: int) -> bool:
            return include_inactive or index.entries[product_id].active

        found: dict[int, None] = {}  # insertion-ordered, without repeats
        code = (tidy_barcode(text) or "").casefold()
        if code:
            exact = index.exact.get(code)
            if exact is not None and wanted(exact):
                found[exact] = None
            for product_id in index.with_barcode(code):
                if len(found) >= limit:
                    break
                if wanted(product_id):
                    found.setdefault(product_id)
        words = sorted({word for word in (name_key(text) or "").split(" ") if word}, key=len)
        if words:
            # The longest word is looked for; the others are checked on what it finds.
            *others, longest = words
            named = index.with_words(longest)
            checks = [" " + word for word in others]
        else:
            named, checks = iter(index.ids), []
        for product_id in named:
            if len(found) >= limit:
                break
            entry = index.entries[product_id]
            if wanted(product_id) and all(check in entry.words for check in checks):
                found.setdefault(product_id)
        return self._records(found)

    def get(self, product_id: int) -> ProductRecord:
        row = _first(Product.select(*_COLUMNS).where(Product.id == product_id))
        if row is None:
            raise ServiceError(f"There is no product with id {product_id}.")
        return _record(row)

    def all(self, include_inactive: bool = True) -> list[ProductRecord]:
        """Every product by name (inactive ones too unless told otherwise)."""
        query = Product.select(*_COLUMNS)
        if not include_inactive:
            query = query.where(Product.is_active != 0)
        records = [_record(row) for row in tuples(query)]
        rank = _INDEX.fresh().rank
        records.sort(key=lambda record: (rank.get(record.id, len(rank)), record.id))
        return records

    # ----- writing -----------------------------------------------------------------------

    def validate(self, draft: ProductDraft, *, product_id: int | None = None) -> ProductFields:
        """The draft as it would be stored, or ValidationError per field; `product_id` is the
        product being edited, whose own barcode is no conflict."""
        fields: ProductFields | None = None
        try:
            fields = validate_product(draft, self._money_format)
            errors: dict[str, str] = {}
            barcode = fields.barcode
        except ValidationError as error:
            # A barcode another product has is reported together with the other mistakes.
            errors = dict(error.errors)
            barcode = None if "barcode" in errors else tidy_barcode(draft.barcode)
        if barcode is not None:
            holder = _first(
                Product.select(Product.name, Product.is_active).where(
                    (Product.barcode == barcode) & (Product.id != (product_id or 0))
                )
            )
            if holder is not None:
                name, active = holder
                errors["barcode"] = f"Already the barcode of {name}" + (
                    "." if active else " (inactive)."
                )
        if errors or fields is None:
            raise ValidationError(errors)
        return fields

    def create(self, draft: ProductDraft, *, reason: str = "") -> int:
        """A new product; the stock typed is recorded as a count. `reason` goes to the audit
        row (e.g. the file an import came from)."""
        with database_proxy.atomic():
            fields = self.validate(draft)
            now = self._now().replace(microsecond=0)
            try:
                # Stock starts at 0 and the count below moves it: stock is only ever a sum.
                product = Product.create(
                    barcode=fields.barcode,
                    name=fields.name,
                    price=fields.price_minor,
                    stock=0,
                    is_active=int(fields.active),
                    created_at=now,
                )
            except IntegrityError as error:
                raise _conflict(error) from error
            product_id = int(product.id)
            if fields.stock:
                _count(product_id, fields.stock, 0, now)
            self._audit(product_id, "insert", None, fields, reason)
            _INDEX.touched(product_id)
        return product_id

    def update(
        self,
        product_id: int,
        draft: ProductDraft,
        *,
        stock_shown: int | None = None,
        reason: str = "",
    ) -> bool:
        """Save an edit; False (and nothing written) when nothing changed. A different stock is
        recorded as a count (a 'count' stock move of the difference).

        `stock_shown` is the stock the form showed when it opened: when the draft still says
        that, the operator did not count, and a sale made meanwhile is not undone.
        """
        with database_proxy.atomic():
            row = _first(Product.select(*_COLUMNS).where(Product.id == product_id))
            if row is None:
                raise ServiceError(f"There is no product with id {product_id}.")
            before = _record(row).fields
            fields = self.validate(draft, product_id=product_id)
            if stock_shown is not None and fields.stock == stock_shown:
                fields = ProductFields(
                    fields.barcode, fields.name, fields.price_minor, before.stock, fields.active
                )
            if fields == before:
                return False
            now = self._now().replace(microsecond=0)
            try:
                # Never the stock column: the count below moves it through the ledger.
                Product.update(
                    barcode=fields.barcode,
                    name=fields.name,
                    price=fields.price_minor,
                    is_active=int(fields.active),
                ).where(Product.id == product_id).execute()
            except IntegrityError as error:
                raise _conflict(error) from error
            if fields.stock != before.stock:
                _count(product_id, fields.stock, before.stock, now)
            self._audit(product_id, "update", before, fields, reason)
            _INDEX.touched(product_id)
        return True

    # ----- helpers -----------------------------------------------------------------------

    def _records(self, ids: Iterable[int]) -> list[ProductRecord]:
        wanted = list(ids)
        if not wanted:
            return []
        rows = tuples(Product.select(*_COLUMNS).where(Product.id.in_(wanted)))
        found = {record.id: record for record in map(_record, rows)}
        # A product gone since the index was read (a restore) is simply left out.
        return [found[product_id] for product_id in wanted if product_id in found]

    def _audit(
        self,
        product_id: int,
        action: str,
        before: ProductFields | None,
        after: ProductFields,
        reason: str,
    ) -> None:
        audit.record(
            operator_id=self._operator_id,
            entity="product",
            entity_id=product_id,
            action=action,
            before=None if before is None else _snapshot(before),
            after=_snapshot(after),
            reason=reason,
        )


def _count(product_id: int, counted: int, was: int, now: datetime) -> None:
    StockMove.create(
        product=product_id,
        quantity=counted - was,
        kind=COUNT_MOVE,
        moved_at=now,
        note=f"counted {counted}, was {was}",
    )


def _snapshot(fields: ProductFields) -> dict[str, Any]:
    """What the audit log keeps of a product: every field a person can see or change."""
    return {
        "barcode": fields.barcode,
        "name": fields.name,
        "price": fields.price_minor,
        "stock": fields.stock,
        "active": fields.active,
    }


def _conflict(error: IntegrityError) -> ValidationError:
    """A barcode another till saved between our check and our write."""
    if "barcode" in str(error):
        return ValidationError({"barcode": "Another product was just saved with this barcode."})
    return ValidationError({"name": f"The product could not be saved: {error}"})
