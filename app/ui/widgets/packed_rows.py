"""Frozen dataclass rows kept as packed columns and rebuilt when read, for tables of 100k rows."""

from __future__ import annotations

import dataclasses
import types
import typing
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from itertools import accumulate
from operator import attrgetter
from typing import Any, Generic, TypeVar

Row = TypeVar("Row")

# A row read again within this many reads is not rebuilt: one paint asks for each visible
# cell several times (text, alignment, colour, font, tooltip...), so a few hundred recent
# rows cover a screen while costing nothing next to the table.
RECENTLY_READ = 512

_EPOCH = datetime(1, 1, 1)
_MICROSECOND = timedelta(microseconds=1)
_NONE = type(None)


class _Column:
    """One field of every row. This base keeps the values as Python objects in a list, which
    any value fits; the packed kinds below fall back to it for good when a value does not
    fit them (a bool where an int was declared, an int beyond 64 bits, an aware datetime)."""

    def __init__(self) -> None:
        self._objects: list[Any] | None = None

    def extend(self, values: Sequence[Any]) -> None:
        if self._objects is None and self._store(values):
            return
        if self._objects is None:
            self._objects = [self._load(row) for row in range(self._stored())]
        self._objects.extend(values)

    def get(self, row: int) -> Any:
        return self._load(row) if self._objects is None else self._objects[row]

    def find(self, value: Any) -> int | None:
        if self._objects is None:
            return self._find_stored(value)
        return next((row for row, held in enumerate(self._objects) if held == value), None)

    # What a packed kind provides: store values, all or none (False: some do not fit), load
    # one back, how many are stored, and a search of them.

    def _store(self, values: Sequence[Any]) -> bool:
        return False

    def _load(self, row: int) -> Any:
        raise IndexError(row)

    def _stored(self) -> int:
        return 0

    def _find_stored(self, value: Any) -> int | None:
        return next((row for row in range(self._stored()) if self._load(row) == value), None)


class _NumberColumn(_Column):
    """Values of exactly type `kind` as machine numbers, `missing` standing for None: 8 bytes
    a row instead of a 32-byte int (or 48-byte datetime) object and its pointer."""

    def __init__(
        self,
        typecode: str,
        kind: type[Any],
        to_number: Callable[[Any], int],
        from_number: Callable[[int], Any],
        missing: int,
    ) -> None:
        super().__init__()
        self._numbers: array[int] = array(typecode)
        self._kind, self._missing = kind, missing
        self._to_number, self._from_number = to_number, from_number

    def _numbers_of(self, values: Sequence[Any]) -> array[int] | None:
        """`values` as numbers, or None when one of them does not fit."""
        kinds = set(map(type, values))
        kinds.discard(_NONE)
        # Exactly the kind: a bool or an IntEnum would come back as a plain number.
        if not kinds <= {self._kind}:
            return None
        nones = values.count(None)
        present = [value for value in values if value is not None] if nones else values
        try:
            converted = list(map(self._to_number, present))
        except TypeError:  # an aware datetime
            return None
        if self._missing in converted:
            return None  # a real value that reads as the mark for None
        if nones:
            numbers = iter(converted)
            converted = [self._missing if value is None else next(numbers) for value in values]
        try:
            return array(self._numbers.typecode, converted)
        except OverflowError:  # beyond 64 bits
            return None

    def _store(self, values: Sequence[Any]) -> bool:
        numbers = self._numbers_of(values)
        if numbers is None:
            return False
        self._numbers += numbers
        return True

    def _load(self, row: int) -> Any:
        number = self._numbers[row]
        return None if number == self._missing else self._from_number(number)

    def _stored(self) -> int:
        return len(self._numbers)

    def _find_stored(self, value: Any) -> int | None:
        wanted = self._numbers_of([value])
        if wanted is None:  # equal to a stored number only by Python's rules (True == 1)
            return super()._find_stored(value)
        try:
            # A scan in C: finding the row to select again after reloading 100k rows.
            return self._numbers.index(wanted[0])
        except ValueError:
            return None


class _TextColumn(_Column):
    """Strings as UTF-8 in one buffer with their end offsets: a 15-letter name costs about
    25 bytes instead of a 64-byte str object and its pointer."""

    def __init__(self) -> None:
        super().__init__()
        self._text = bytearray()
        self._ends: array[int] = array("q")
        self._missing = bytearray()  # 1 where the row's value is None

    def _store(self, values: Sequence[Any]) -> bool:
        kinds = set(map(type, values))
        kinds.discard(_NONE)
        if not kinds <= {str}:
            return False  # a str subclass (an enum) would come back as a plain str
        # surrogatepass: a lone surrogate read from a damaged file comes back as it was.
        encoded = [
            b"" if text is None else text.encode("utf-8", "surrogatepass") for text in values
        ]
        self._ends.extend(accumulate(map(len, encoded), initial=len(self._text)))
        del self._ends[-len(encoded) - 1]  # the initial: where these rows' text starts
        self._text += b"".join(encoded)
        self._missing += bytes(text is None for text in values)
        return True

    def _load(self, row: int) -> Any:
        if self._missing[row]:
            return None
        start = self._ends[row - 1] if row else 0
        return self._text[start : self._ends[row]].decode("utf-8", "surrogatepass")

    def _stored(self) -> int:
        return len(self._ends)


class _PartsColumn(_Column):
    """A field that is itself a frozen dataclass (a debtor's ageing) or a fixed-length tuple,
    packed part by part."""

    def __init__(
        self,
        parts: list[_Column],
        split: Callable[[Any], tuple[Any, ...] | None],
        build: Callable[..., Any],
    ) -> None:
        super().__init__()
        self._parts, self._split, self._build = parts, split, build
        self._count = 0

    def _store(self, values: Sequence[Any]) -> bool:
        split = [self._split(value) for value in values]
        if any(parts is None or len(parts) != len(self._parts) for parts in split):
            return False
        for index, part in enumerate(self._parts):
            part.extend([parts[index] for parts in split if parts is not None])
        self._count += len(split)
        return True

    def _load(self, row: int) -> Any:
        return self._build(*(part.get(row) for part in self._parts))

    def _stored(self) -> int:
        return self._count


def _moment_number(moment: datetime) -> int:
    # An aware datetime raises TypeError here, and is kept as an object.
    return (moment - _EPOCH) // _MICROSECOND


def _moment_of(number: int) -> datetime:
    return _EPOCH + number * _MICROSECOND


def _dataclass_parts(row_type: type[Any]) -> Callable[[Any], tuple[Any, ...] | None]:
    names = [field.name for field in dataclasses.fields(row_type)]

    def split(value: Any) -> tuple[Any, ...] | None:
        if type(value) is not row_type:
            return None
        return tuple(getattr(value, name) for name in names)

    return split


def _tuple_parts(value: Any) -> tuple[Any, ...] | None:
    return value if type(value) is tuple else None


# The packed column for each plain field type, made afresh for every store.
_PLAIN_COLUMNS: dict[Any, Callable[[], _Column]] = {
    bool: lambda: _NumberColumn("b", bool, int, bool, -1),
    # No id or amount is the smallest 64-bit number (amounts stop at 10**15).
    int: lambda: _NumberColumn("q", int, int, int, -(2**63)),
    str: _TextColumn,
    # Microseconds since 0001-01-01: never negative.
    datetime: lambda: _NumberColumn("q", datetime, _moment_number, _moment_of, -1),
    # date.toordinal() starts at 1.
    date: lambda: _NumberColumn("i", date, date.toordinal, date.fromordinal, 0),
}


def _column_for(hint: Any) -> _Column:
    """The most compact column for a field declared as `hint`; a list for anything else."""
    optional = False
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        others = [argument for argument in typing.get_args(hint) if argument is not _NONE]
        hint, optional = (others[0] if len(others) == 1 else Any), True
    if hint in _PLAIN_COLUMNS:
        return _PLAIN_COLUMNS[hint]()
    arguments = typing.get_args(hint)
    if optional:
        column = _Column()  # a nested row or tuple that may be missing: rare, kept whole
    elif dataclasses.is_dataclass(hint) and isinstance(hint, type):
        column = _PartsColumn(_columns_for(hint), _dataclass_parts(hint), hint)
    elif typing.get_origin(hint) is tuple and arguments and Ellipsis not in arguments:
        parts = [_column_for(argument) for argument in arguments]
        column = _PartsColumn(parts, _tuple_parts, lambda *values: values)
    else:
        column = _Column()
    return column


def _columns_for(row_type: type[Any]) -> list[_Column]:
    try:
        hints = typing.get_type_hints(row_type)
    except (NameError, TypeError):
        hints = {}  # a hint naming something imported only for type checking: keep objects
    return [_column_for(hints.get(field.name)) for field in dataclasses.fields(row_type)]


class PackedRows(Generic[Row]):
    """A list-like store of `row_type` rows (a dataclass built from its fields in order):
    ints, dates and times as machine numbers, text as UTF-8. Reading a row builds it again
    (the last few hundred read are kept), so a model over 100k rows holds megabytes rather
    than a hundred of them in Python objects."""

    def __init__(self, row_type: type[Row], rows: Iterable[Row] = ()) -> None:
        if not (dataclasses.is_dataclass(row_type) and isinstance(row_type, type)):
            raise TypeError(f"{row_type!r} is not a dataclass")
        fields = dataclasses.fields(row_type)
        if any(not field.init or field.kw_only for field in fields):
            raise TypeError(f"{row_type.__name__} is not built from its fields in order")
        self._row_type = row_type
        self._names = [field.name for field in fields]
        self._columns = _columns_for(row_type)
        self._count = 0
        self._recent: dict[int, Row] = {}
        self.extend(rows)

    def extend(self, rows: Iterable[Row]) -> None:
        rows = list(rows)
        # Every field of every row read before any is stored: a bad row leaves nothing stored.
        values = [list(map(attrgetter(name), rows)) for name in self._names]
        for column, held in zip(self._columns, values, strict=True):
            column.extend(held)
        self._count += len(rows)

    def replace(self, rows: Iterable[Row]) -> None:
        """Hold `rows` instead of what was held."""
        self._columns = _columns_for(self._row_type)
        self._count = 0
        self._recent.clear()
        self.extend(rows)

    def index_of(self, field: str, value: object) -> int | None:
        """The position of the first row whose `field` equals `value`, or None."""
        return self._columns[self._names.index(field)].find(value)

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, row: int) -> Row:
        if not -self._count <= row < self._count:
            raise IndexError(row)
        row %= self._count
        found = self._recent.get(row)
        if found is None:
            found = self._row_type(*(column.get(row) for column in self._columns))
            if len(self._recent) >= RECENTLY_READ:
                del self._recent[next(iter(self._recent))]  # the earliest read of those kept
            self._recent[row] = found
        return found

    def __iter__(self) -> Iterator[Row]:
        return (self[row] for row in range(self._count))
