"""Products to and from CSV files: export for spreadsheets, import checked row by row first."""

from __future__ import annotations

import csv
import os
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Final, TextIO

from app.db.database import database_proxy
from app.domain.money import Money
from app.domain.names import name_key
from app.domain.product_form import ProductDraft, ValidationError, draft_of, tidy_barcode
from app.services.errors import ServiceError
from app.services.product_catalog import ProductCatalog, ProductRecord

COLUMNS: Final = ("barcode", "name", "price", "stock", "active")
MAX_ROWS: Final = 100_000
# No product value comes near this (a name has at most 200 characters); past it, a line is an
# unclosed quote swallowing the rest of the file, refused before it is held in memory.
MAX_LINE: Final = 10_000
YES: Final = "yes"
NO: Final = "no"
_ACTIVE_WORDS: Final = {
    YES: True,
    "y": True,
    "true": True,
    "1": True,
    "active": True,
    NO: False,
    "n": False,
    "false": False,
    "0": False,
    "inactive": False,
}
# Excel writes `;` (or a tab) instead of `,` where the decimal mark is a comma; the header line
# says which one a file uses.
_DELIMITERS: Final = (",", ";", "\t")


@dataclass(frozen=True, slots=True)
class ImportRow:
    line: int  # physical line in the file; the header is line 1
    draft: ProductDraft  # blank cells already filled from the product it updates
    product_id: int | None  # the product this row updates; None: a new product
    changes: tuple[str, ...]  # the fields it changes on that product ("price", "stock", …)
    stock_shown: int | None  # that product's stock when the file was checked


@dataclass(frozen=True, slots=True)
class BadRow:
    line: int
    reason: str  # "column: message." per problem


@dataclass(frozen=True, slots=True)
class ImportPreview:
    good: list[ImportRow]
    bad: list[BadRow]
    source: str = ""  # the file's name, for the audit rows

    @property
    def new(self) -> int:
        return sum(row.product_id is None for row in self.good)

    @property
    def changed(self) -> int:
        return sum(row.product_id is not None and bool(row.changes) for row in self.good)

    @property
    def unchanged(self) -> int:
        return sum(row.product_id is not None and not row.changes for row in self.good)

    @property
    def stock_counts(self) -> int:
        """Existing products whose stock the file sets to another figure."""
        return sum("stock" in row.changes for row in self.good)


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    created: list[int]
    updated: list[int]


class ProductCsv:
    def __init__(self, catalog: ProductCatalog) -> None:
        self._catalog = catalog

    def export(self, path: Path, *, include_inactive: bool = True) -> int:
        """Write the products by name to `path`; returns the rows written. The file appears
        whole or not at all."""
        money_format = self._catalog.money_format
        # Same folder, so os.replace is a rename on one file system and never a half copy.
        temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        products = self._catalog.all(include_inactive=include_inactive)
        try:
            # Mode "x": never write over a file someone else made; the BOM lets Excel see UTF-8.
            with temp.open("x", encoding="utf-8-sig", newline="") as stream:
                writer = csv.writer(stream)
                writer.writerow(COLUMNS)
                for product in products:
                    writer.writerow(
                        [
                            product.barcode or "",
                            product.name,
                            Money(product.price_minor).format(money_format, with_symbol=False),
                            str(product.stock),
                            YES if product.active else NO,
                        ]
                    )
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temp, path)
        except OSError as error:
            raise ServiceError(
                f"The products could not be exported to {path}: {error.strerror or error}."
            ) from error
        finally:
            temp.unlink(missing_ok=True)
        return len(products)

    def preview(self, path: Path) -> ImportPreview:
        """Every row of the file checked as if it were saved now, nothing written.

        A row updates the product with its barcode (a row without one, the only product
        without a barcode of that name) and creates a product otherwise. On a product it
        updates, a blank or missing cell keeps what is stored: a file of barcodes and prices
        changes prices only.
        """
        existing = self._catalog.all(include_inactive=True)
        by_barcode = {p.barcode: p for p in existing if p.barcode is not None}
        nameless: dict[str, list[ProductRecord]] = {}
        for record in existing:
            if record.barcode is None:
                nameless.setdefault(name_key(record.name) or "", []).append(record)
        good: list[ImportRow] = []
        bad: list[BadRow] = []
        seen: dict[object, int] = {}  # barcode or product id -> the line that has it
        for line, values in _records(path):
            barcode = tidy_barcode(values.get("barcode", ""))
            product: ProductRecord | None = None
            if barcode is not None:
                product = by_barcode.get(barcode)
            else:
                alike = nameless.get(name_key(values.get("name", "")) or "", [])
                if len(alike) > 1:
                    bad.append(BadRow(line, _ambiguous(alike[0].name, len(alike))))
                    continue
                product = alike[0] if alike else None
            key: object = product.id if product is not None else barcode
            if key is not None and key in seen:
                bad.append(BadRow(line, f"barcode: The same product as line {seen[key]}."))
                continue
            draft, problems = _draft(values, product, self._catalog)
            try:
                stored = self._catalog.validate(
                    draft, product_id=None if product is None else product.id
                )
            except ValidationError as error:
                problems = {**error.errors, **problems}
            if problems:
                bad.append(BadRow(line, _reason(problems)))
                continue
            if key is not None:
                seen[key] = line
            changes: tuple[str, ...] = ()
            if product is not None:
                before = product.fields
                changes = tuple(
                    f.name.removesuffix("_minor")
                    for f in fields(stored)
                    if getattr(stored, f.name) != getattr(before, f.name)
                )
            good.append(
                ImportRow(
                    line,
                    draft,
                    None if product is None else product.id,
                    changes,
                    None if product is None else product.stock,
                )
            )
        return ImportPreview(good, bad, path.name)

    def import_rows(self, preview: ImportPreview) -> ImportOutcome:
        """Create or update a product per good row, all in one transaction: if any row no
        longer saves (another till took its barcode since the preview), nothing is written."""
        created: list[int] = []
        updated: list[int] = []
        with database_proxy.atomic():
            for row in preview.good:
                reason = f"imported from {preview.source}, line {row.line}"
                try:
                    if row.product_id is None:
                        created.append(self._catalog.create(row.draft, reason=reason))
                    elif self._catalog.update(
                        row.product_id, row.draft, stock_shown=row.stock_shown, reason=reason
                    ):
                        updated.append(row.product_id)
                except ValidationError as error:
                    raise ServiceError(
                        f"Line {row.line}: {_reason(error.errors)} Nothing was imported; "
                        "check the file again."
                    ) from error
                except ServiceError as error:
                    raise ServiceError(
                        f"Line {row.line}: {error} Nothing was imported; check the file again."
                    ) from error
        return ImportOutcome(created, updated)


# ----- reading the file --------------------------------------------------------------------


class _TooLong(Exception):
    """A line ran past MAX_LINE characters."""


def _lines(stream: TextIO) -> Iterator[str]:
    while line := stream.readline(MAX_LINE + 1):
        if len(line) > MAX_LINE:
            raise _TooLong
        yield line


def _records(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, values by column) for each non-blank data row; ServiceError for a file that
    cannot be read as a whole (not UTF-8, not CSV, unknown columns, too big)."""
    try:
        stream = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise ServiceError(f"{path.name} cannot be read: {error.strerror or error}.") from error
    with stream:
        end = 0  # the last line of the record read before this one
        try:
            header = stream.readline(MAX_LINE + 1)
            delimiter = max(_DELIMITERS, key=header.count) if header.strip() else ","
            reader = csv.reader(_lines(stream), delimiter=delimiter, strict=True)
            columns = _columns(next(csv.reader([header], delimiter=delimiter), []), path)
            end, rows = 1, 0
            for cells in reader:
                line, end = end + 1, reader.line_num + 1
                if not any(cell.strip() for cell in cells):
                    continue
                rows += 1
                if rows > MAX_ROWS:
                    raise ServiceError(
                        f"{path.name} has more than {MAX_ROWS:,} products; split it into "
                        "smaller files and import them one after another."
                    )
                if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
                    raise ServiceError(
                        f"Line {line} of {path.name} has more values than line 1 has columns."
                    )
                yield line, dict(zip(columns, cells, strict=False))
        except UnicodeDecodeError as error:
            raise ServiceError(
                f"{path.name} is not UTF-8 text. In Excel choose “CSV UTF-8 (Comma delimited)” "
                "when saving, then import that file."
            ) from error
        except (_TooLong, csv.Error) as error:
            raise ServiceError(
                f"Line {end + 1} of {path.name} cannot be read as CSV: a value too long, or a "
                'quote (") that is never closed. Check that line, or save the file again from '
                "the spreadsheet."
            ) from error
        except OSError as error:
            raise ServiceError(f"{path.name} cannot be read: {error.strerror or error}.") from error


def _columns(header: list[str], path: Path) -> list[str]:
    names = [cell.strip().casefold() for cell in header]
    if not any(names):
        raise ServiceError(
            f"Line 1 of {path.name} must name the columns, e.g. {','.join(COLUMNS)}."
        )
    unknown = [cell.strip() for cell in header if cell.strip().casefold() not in (*COLUMNS, "")]
    if unknown:
        raise ServiceError(
            f"{path.name} has columns Dukan does not know: {', '.join(unknown)}. "
            f"The columns it reads are: {', '.join(COLUMNS)}."
        )
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        raise ServiceError(f"{path.name} names the column {', '.join(repeated)} more than once.")
    if "barcode" not in names and "name" not in names:
        raise ServiceError(
            f"{path.name} has neither a barcode nor a name column, so no row says which "
            "product it is."
        )
    return names


def _draft(
    values: Mapping[str, str], product: ProductRecord | None, catalog: ProductCatalog
) -> tuple[ProductDraft, dict[str, str]]:
    """The row as a form would hold it, and a message when `active` is neither yes nor no.
    Blank cells keep what `product` has, or a new product's defaults (no stock, active)."""
    stored = ProductDraft() if product is None else draft_of(product.fields, catalog.money_format)

    def cell(column: str, otherwise: str) -> str:
        typed = values.get(column, "")
        return typed if typed.strip() else otherwise

    problems: dict[str, str] = {}
    active_text = values.get("active", "").strip().casefold()
    active = _ACTIVE_WORDS.get(active_text, stored.active)
    if active_text and active_text not in _ACTIVE_WORDS:
        problems["active"] = "Write yes or no (empty: as it is, or yes for a new product)."
    draft = ProductDraft(
        barcode=cell("barcode", stored.barcode),
        name=cell("name", stored.name),
        price=cell("price", stored.price),
        stock=cell("stock", stored.stock),
        active=active,
    )
    return draft, problems


def _ambiguous(name: str, count: int) -> str:
    return (
        f"name: {count} products without a barcode are called {name}, so this row could be "
        "any of them; give them barcodes, or give this row one."
    )


def _reason(problems: Mapping[str, str]) -> str:
    return " ".join(
        f"{field}: {message}{'' if message.endswith('.') else '.'}"
        for field, message in problems.items()
    )
