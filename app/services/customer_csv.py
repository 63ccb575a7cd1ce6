"""Customers to and from CSV files: export for spreadsheets, import checked row by row first."""

from __future__ import annotations

import csv
import os
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TextIO

from peewee import JOIN, fn

from app.db.database import database_proxy
from app.db.tables import Customer, CustomerBalance
from app.domain.customer_form import (
    ADDRESS_PARTS,
    DEFAULT_PAYMENT_TERMS,
    Address,
    CustomerDraft,
    ValidationError,
)
from app.domain.money import CurrencyFormat, Money
from app.services.customer_changes import CustomerChanges
from app.services.customer_directory import CustomerDirectory
from app.services.debtors import placeholder_id
from app.services.errors import ServiceError

_BILLING = tuple(f"billing_{part}" for part in ADDRESS_PARTS)
_SHIPPING = tuple(f"shipping_{part}" for part in ADDRESS_PARTS)
COLUMNS: Final = (
    "number",
    "name",
    "contact_name",
    "phone",
    "email",
    *_BILLING,
    *_SHIPPING,
    "payment_terms",
    "credit_limit",
    "tax_number",
    "note",
    "balance",
)
# Exported so the spreadsheet shows what each customer owes; a balance comes from debts and
# payments, never from a file, so import reads past it.
READ_ONLY_COLUMNS: Final = frozenset({"balance"})
MAX_ROWS: Final = 100_000
MAX_FIELD: Final = 10_000
# One record may span several lines (a note with newlines). Past this many characters it is an
# unclosed quote swallowing the rest of the file, refused before it is held in memory.
_MAX_RECORD: Final = (MAX_FIELD + 3) * len(COLUMNS)
# Excel writes `;` (or a tab for "Unicode text") instead of `,` where the decimal mark is a
# comma, as in much of the Arab world and Europe; the header line says which one a file uses.
_DELIMITERS: Final = (",", ";", "\t")
_NOT_UTF8: Final = (
    "{name} is not UTF-8 text. In Excel choose “CSV UTF-8 (Comma delimited)” when saving, "
    "then import that file."
)


@dataclass(frozen=True, slots=True)
class ImportRow:
    line: int  # physical line in the file; the header is line 1
    draft: CustomerDraft


@dataclass(frozen=True, slots=True)
class BadRow:
    line: int
    reason: str  # "column: message." per problem, e.g. "phone: Already the phone of C-00012 Ali."


@dataclass(frozen=True, slots=True)
class ImportPreview:
    good: list[ImportRow]
    bad: list[BadRow]
    source: str = ""  # the file's name, for the audit rows of the customers it creates


class CustomerCsv:
    def __init__(self, changes: CustomerChanges, directory: CustomerDirectory) -> None:
        self._changes = changes
        # Export streams its own query instead of directory pages: those rows carry no
        # addresses, notes or terms, and fetching each customer again would cost queries per row.
        self._directory = directory

    def export(self, path: Path, *, include_archived: bool = False) -> int:
        """Write every customer (archived ones too when asked), ordered by number, to `path`;
        returns the rows written. The file appears whole or not at all."""
        # Same folder, so os.replace is a rename on one file system and never a half copy.
        temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
        money_format = self._money_format()
        written = 0
        try:
            # Mode "x": never write over a file someone else made; the BOM lets Excel see UTF-8.
            with temp.open("x", encoding="utf-8-sig", newline="") as stream:
                writer = csv.writer(stream)
                writer.writerow(COLUMNS)
                for row in _exported(include_archived):
                    writer.writerow(_export_cells(row, money_format))
                    written += 1
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temp, path)
        except OSError as error:
            raise ServiceError(
                f"The customers could not be exported to {path}: {error.strerror or error}."
            ) from error
        finally:
            temp.unlink(missing_ok=True)
        return written

    def preview(self, path: Path) -> ImportPreview:
        """Every row of the file checked as if it were saved now, nothing written: rows that
        would import, and rows that would not with the reason, by line."""
        good: list[ImportRow] = []
        bad: list[BadRow] = []
        # Normalised phone / folded number -> (line, name) of the good row that has it.
        phones: dict[str, tuple[int, str]] = {}
        numbers: dict[str, tuple[int, str]] = {}
        # A first pass only reads: a file too big or not CSV is refused at once, not after
        # minutes of checking rows, and without holding the rows in memory meanwhile.
        for _ in _records(path):
            pass
        for record in _records(path):
            draft = _draft(record.values)
            try:
                fields = self._changes.validate(draft)
            except ValidationError as error:
                bad.append(BadRow(record.line, _reason({**error.errors, **record.stray})))
                continue
            problems: dict[str, str] = {}
            number_key = None if fields.number is None else fields.number.casefold()
            if fields.phone is not None and fields.phone in phones:
                line, name = phones[fields.phone]
                problems["phone"] = f"Same phone as line {line} ({name})."
            if number_key is not None and number_key in numbers:
                line, name = numbers[number_key]
                problems["number"] = f"Same number as line {line} ({name})."
            problems.update(record.stray)
            if problems:
                bad.append(BadRow(record.line, _reason(problems)))
                continue
            if fields.phone is not None:
                phones[fields.phone] = (record.line, fields.name)
            if number_key is not None:
                numbers[number_key] = (record.line, fields.name)
            good.append(ImportRow(record.line, draft))
        return ImportPreview(good, bad, path.name)

    def import_rows(self, preview: ImportPreview) -> list[int]:
        """Create a customer per good row, all in one transaction: if any row no longer saves
        (another till took its phone since the preview), nothing is written."""
        created: list[int] = []
        with database_proxy.atomic():
            for row in preview.good:
                try:
                    reason = f"imported from {preview.source}, line {row.line}"
                    created.append(self._changes.create(row.draft, reason=reason))
                except ValidationError as error:
                    raise ServiceError(
                        f"Line {row.line}: {_reason(error.errors)} Nothing was imported; "
                        "check the file again."
                    ) from error
        return created

    def _money_format(self) -> CurrencyFormat:
        # The credit limit is written the way CustomerChanges will parse it back.
        return self._changes.money_format


# ----- export ------------------------------------------------------------------------------


def _exported(include_archived: bool) -> Iterator[tuple[Any, ...]]:
    """Customers in number order, streamed from one query: one statement reads one consistent
    snapshot, and no more than a row is held at a time."""
    query = (
        Customer.select(
            Customer.customer_number,
            Customer.name,
            Customer.contact_name,
            Customer.phone,
            Customer.email,
            Customer.billing_address,
            Customer.shipping_address,
            Customer.payment_terms,
            Customer.credit_limit,
            Customer.tax_number,
            Customer.note,
            fn.COALESCE(CustomerBalance.outstanding, 0),
        )
        .join(CustomerBalance, JOIN.LEFT_OUTER, on=CustomerBalance.customer == Customer.id)
        .order_by(Customer.customer_number.collate("NOCASE"), Customer.id)
    )
    if not include_archived:
        query = query.where(~Customer.is_deleted)
    # The legacy placeholder is bookkeeping, not a customer: imported elsewhere it would become
    # an ordinary customer called "Unassigned (legacy)" that new debts could be given to.
    holder = placeholder_id()
    if holder is not None:
        query = query.where(Customer.id != holder)
    rows: Iterator[tuple[Any, ...]] = query.tuples().iterator()
    return rows


def _export_cells(row: tuple[Any, ...], money_format: CurrencyFormat) -> list[str]:
    number, name, contact, phone, email, billing, shipping, terms, credit, tax, note, owed = row
    billing_address, shipping_address = Address.from_json(billing), Address.from_json(shipping)
    return [
        number or "",
        name,
        contact or "",
        phone or "",
        email or "",
        *(getattr(billing_address, part) for part in ADDRESS_PARTS),
        *(getattr(shipping_address, part) for part in ADDRESS_PARTS),
        str(terms),
        "" if credit is None else Money(credit).format(money_format, with_symbol=False),
        tax or "",
        note or "",
        Money(int(owed)).format(money_format, with_symbol=False),
    ]


# ----- import ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Record:
    line: int  # where the record starts
    values: dict[str, str]  # by column name
    stray: dict[str, str]  # "column N" -> message, for values under no named column


class _TooLong(Exception):
    """A record ran past _MAX_RECORD characters."""


class _Lines:
    """The file's physical lines for the csv reader, counted, with each record's size capped."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._first: str | None = None
        self._record_chars = 0
        self.count = 0  # lines handed to the reader so far

    def first_line(self) -> str:
        """Line 1, read ahead (and still handed to the reader) to see which delimiter it uses."""
        self._first = self._stream.readline(_MAX_RECORD + 1)
        return self._first

    def record_done(self) -> None:
        self._record_chars = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._first is not None:
            line, self._first = self._first, None
        else:
            line = self._stream.readline(_MAX_RECORD + 1)
        if not line:
            raise StopIteration
        self.count += 1
        self._record_chars += len(line)
        if self._record_chars > _MAX_RECORD:
            raise _TooLong
        return line


def _records(path: Path) -> Iterator[_Record]:
    """The file's non-blank data rows, by column; ServiceError for a file that cannot be read
    as a whole (not UTF-8, not CSV, unknown columns, too big)."""
    try:
        stream = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise ServiceError(f"{path.name} cannot be read: {error.strerror or error}.") from error
    with stream:
        lines = _Lines(stream)
        end = 0  # the last line of the record read before this one
        try:
            reader = csv.reader(lines, delimiter=_delimiter(lines.first_line()), strict=True)
            columns = _columns(next(reader, []), reader, path)
            end = lines.count
            lines.record_done()
            rows = 0
            for cells in reader:
                line, end = end + 1, lines.count
                lines.record_done()
                if not any(cell.strip() for cell in cells):
                    continue
                rows += 1
                if rows > MAX_ROWS:
                    raise ServiceError(
                        f"{path.name} has more than {MAX_ROWS:,} customers; split it into "
                        "smaller files and import them one after another."
                    )
                yield _record(line, cells, columns)
        except UnicodeDecodeError as error:
            raise ServiceError(_NOT_UTF8.format(name=path.name)) from error
        except _TooLong as error:
            raise ServiceError(_too_long(end + 1)) from error
        except csv.Error as error:
            # csv's own limit on one value (131,072 characters) can trip before _MAX_RECORD.
            if "field limit" in str(error):
                raise ServiceError(_too_long(end + 1)) from error
            raise ServiceError(
                f"Line {end + 1} of {path.name} cannot be read as CSV ({error}); check the "
                "quotes on that line, or save the file again from the spreadsheet."
            ) from error
        except OSError as error:
            raise ServiceError(f"{path.name} cannot be read: {error.strerror or error}.") from error


def _delimiter(header_line: str) -> str:
    # Column names hold none of the candidates, so the one the header uses most is the one.
    return max(_DELIMITERS, key=header_line.count) if header_line.strip() else ","


def _columns(header: list[str], reader: Iterator[list[str]], path: Path) -> list[str]:
    """The column name of each position ("" for a blank heading), checked."""
    names = [cell.strip().casefold() for cell in header]
    if not any(names):
        if not any(cell.strip() for cells in reader for cell in cells):
            raise ServiceError(f"{path.name} is empty.")
        raise ServiceError(
            f"Line 1 of {path.name} is blank; it must name the columns, e.g. number,name,phone."
        )
    unknown = [cell.strip() for cell in header if cell.strip().casefold() not in (*COLUMNS, "")]
    if unknown:
        raise ServiceError(
            f"{path.name} has columns Dukan does not know: {', '.join(map(_quoted, unknown))}. "
            f"The columns it reads are: {', '.join(COLUMNS)}."
        )
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        raise ServiceError(
            f"{path.name} names the column {', '.join(map(_quoted, repeated))} more than once."
        )
    if "name" not in names:
        raise ServiceError(
            f"{path.name} has no name column; line 1 must name the columns, e.g. number,name,phone."
        )
    return names


def _record(line: int, cells: list[str], columns: list[str]) -> _Record:
    too_long = next((cell for cell in cells if len(cell) > MAX_FIELD), None)
    if too_long is not None:
        raise ServiceError(
            f"Line {line} has a value {len(too_long):,} characters long; "
            f"a value may have at most {MAX_FIELD:,}."
        )
    values: dict[str, str] = {}
    stray: dict[str, str] = {}
    for position, cell in enumerate(cells):
        column = columns[position] if position < len(columns) else ""
        if column in READ_ONLY_COLUMNS:
            continue
        if column:
            values[column] = cell
        elif cell.strip():
            stray[f"column {position + 1}"] = (
                "A value under no column name; name the column on line 1 or remove the value."
            )
    return _Record(line, values, stray)


def _draft(values: Mapping[str, str]) -> CustomerDraft:
    def text(column: str) -> str:
        # A file that passed through a Windows editor may have CRLF inside a quoted note.
        return values.get(column, "").replace("\r\n", "\n").replace("\r", "\n")

    terms = text("payment_terms")
    return CustomerDraft(
        name=text("name"),
        number=text("number"),
        contact_name=text("contact_name"),
        phone=text("phone"),
        email=text("email"),
        billing=Address(**{part: text(f"billing_{part}") for part in ADDRESS_PARTS}),
        shipping=Address(**{part: text(f"shipping_{part}") for part in ADDRESS_PARTS}),
        payment_terms=terms if terms.strip() else str(DEFAULT_PAYMENT_TERMS),
        credit_limit=text("credit_limit"),
        tax_number=text("tax_number"),
        note=text("note"),
    )


def _reason(problems: Mapping[str, str]) -> str:
    """One `column: message.` per problem; form fields like `billing.city` become file columns."""
    return " ".join(
        f"{field.replace('.', '_')}: {message}{'' if message.endswith('.') else '.'}"
        for field, message in problems.items()
    )


def _too_long(line: int) -> str:
    return (
        f"From line {line} on, a value runs past {MAX_FIELD:,} characters: a value that long, "
        'or a quote (") that is never closed.'
    )


def _quoted(text: str) -> str:
    return f"“{text}”"
