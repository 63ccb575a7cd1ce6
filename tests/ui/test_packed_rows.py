"""PackedRows gives back exactly the rows it was given, finds them by a field, and is small."""

from __future__ import annotations

import enum
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.ageing import Ageing
from app.services.customer_directory import CustomerRow
from app.services.debt_book import DebtListRow
from app.ui.widgets.packed_rows import RECENTLY_READ, PackedRows


class Kind(enum.IntEnum):
    ONE = 1


@dataclass(frozen=True, slots=True)
class Sample:
    """A field of every kind PackedRows packs, and some it keeps as objects."""

    number: int
    maybe_number: int | None
    text: str
    maybe_text: str | None
    flag: bool
    day: date
    maybe_day: date | None
    moment: datetime
    maybe_moment: datetime | None
    ageing: Ageing
    pair: tuple[int, str]
    anything: object


ints = st.integers(min_value=-(2**70), max_value=2**70) | st.sampled_from([-(2**63), 2**63 - 1, 0])
texts = st.text()  # any code point, lone surrogates included
moments = st.datetimes() | st.datetimes(timezones=st.just(UTC))
# Values of another type than declared: each must come back as it went in, type and all.
strays = st.sampled_from([True, False, Kind.ONE, None, 1.5, datetime(2026, 1, 2, 3, 4), "x"])
ageings = st.builds(Ageing, st.tuples(ints, ints, ints, ints), ints) | st.none()
samples = st.builds(
    Sample,
    number=ints | strays,
    maybe_number=ints | st.none() | strays,
    text=texts | strays,
    maybe_text=texts | st.none(),
    flag=st.booleans() | strays,
    day=st.dates() | strays,
    maybe_day=st.dates() | st.none() | strays,
    moment=moments | strays,
    maybe_moment=moments | st.none(),
    ageing=ageings,
    pair=st.tuples(ints, texts) | st.tuples(ints) | strays,
    anything=ints | texts | strays,
)


def same(first: Sample, second: Sample) -> bool:
    """Equal field by field and of the same types, down into tuples (True == 1, but True
    must stay True)."""
    return all(
        _typed(getattr(first, name)) == _typed(getattr(second, name)) for name in Sample.__slots__
    )


def _typed(value: object) -> object:
    if isinstance(value, tuple):
        return type(value), tuple(_typed(part) for part in value)
    return type(value), value


@given(st.lists(st.lists(samples, max_size=8), max_size=5))
def test_every_row_comes_back_as_it_was_stored_page_after_page(pages: list[list[Sample]]) -> None:
    packed = PackedRows(Sample)
    for page in pages:
        packed.extend(page)
    stored = [row for page in pages for row in page]
    assert len(packed) == len(stored)
    packed._recent.clear()  # built again from the columns, not handed back from the cache
    for position, row in enumerate(stored):
        assert same(packed[position], row), (position, packed[position], row)
    if stored:
        assert same(packed[-1], stored[-1])
    with pytest.raises(IndexError):
        packed[len(stored)]


@given(st.lists(samples, min_size=1, max_size=12), st.data())
def test_a_row_is_found_by_any_field_at_its_first_position(
    rows: list[Sample], data: st.DataObject
) -> None:
    packed = PackedRows(Sample, rows)
    name = data.draw(st.sampled_from(["number", "maybe_number", "text", "day", "moment", "flag"]))
    wanted = getattr(data.draw(st.sampled_from(rows)), name)
    expected = next(position for position, row in enumerate(rows) if getattr(row, name) == wanted)
    assert packed.index_of(name, wanted) == expected


def debt(debt_id: int) -> DebtListRow:
    return DebtListRow(
        debt_id=debt_id,
        customer_id=debt_id // 2,
        customer_number=f"C-{debt_id // 2:05d}",
        customer_name=f"Customer named {debt_id // 2}",
        sale_id=None if debt_id % 3 == 0 else debt_id,
        created_at=datetime(2026, 1, 1, 9, 30) + timedelta(minutes=debt_id),
        amount_minor=10_000 + debt_id,
        paid_minor=2_500,
        outstanding_minor=7_500 + debt_id,
        due_date=None if debt_id % 5 == 0 else date(2026, 2, 1) + timedelta(days=debt_id % 90),
        days_overdue=debt_id % 40,
        status="open",
    )


def test_the_debt_list_after_a_thousand_reads_and_a_replace_reads_true() -> None:
    packed = PackedRows(DebtListRow, [debt(i) for i in range(1, 3 * RECENTLY_READ)])
    for position in range(len(packed)):  # more reads than the cache keeps
        assert packed[position] == debt(position + 1)
    assert packed[0] == debt(1)
    assert packed.index_of("debt_id", 700) == 699
    assert packed.index_of("debt_id", 10**9) is None
    assert packed.index_of("sale_id", None) == 2  # debt 3 is the first manual one
    packed.replace([debt(5), debt(4)])
    assert list(packed) == [debt(5), debt(4)]
    assert packed.index_of("debt_id", 700) is None


def test_twenty_thousand_debts_cost_a_fraction_of_their_dataclasses() -> None:
    rows = [debt(i) for i in range(1, 20_001)]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        as_objects = [debt(i) for i in range(1, 20_001)]
        objects_bytes = tracemalloc.get_traced_memory()[0] - before
        del as_objects
        before = tracemalloc.get_traced_memory()[0]
        packed = PackedRows(DebtListRow, rows)
        packed_bytes = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(packed) == len(rows)
    # About 590 bytes a debt as objects; packed, its numbers take 8 bytes each and its text
    # its UTF-8 length and an 8-byte end.
    assert packed_bytes < objects_bytes / 3, (packed_bytes, objects_bytes)
    assert packed_bytes / len(rows) < 160


def test_only_a_dataclass_built_from_its_fields_in_order_is_packed() -> None:
    @dataclass(frozen=True, kw_only=True)
    class Named:
        value: int

    with pytest.raises(TypeError):
        PackedRows(Named)
    with pytest.raises(TypeError):
        PackedRows(tuple)
    packed = PackedRows(CustomerRow)
    assert len(packed) == 0
    assert packed.index_of("id", 1) is None
