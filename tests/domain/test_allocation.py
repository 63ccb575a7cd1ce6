"""Which debts a payment settles: oldest due first or the ticked ones, never more than owed."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.allocation import (
    Allocation,
    Applied,
    Overpayment,
    OwedDebt,
    allocate,
    payment_order,
)

DAY = date(2026, 1, 1)
AT = datetime(2025, 12, 1, 9, 0)


def debt(debt_id: int, outstanding: int, due: int | None, created: int = 0) -> OwedDebt:
    """A debt due `due` days after DAY (None: undated), created `created` hours after AT."""
    due_date = None if due is None else DAY + timedelta(days=due)
    return OwedDebt(debt_id, outstanding, due_date, AT + timedelta(hours=created))


# Three debts owed by one customer, deliberately listed out of payment order.
BOOK = (
    debt(3, 700, due=20),
    debt(1, 500, due=5),
    debt(2, 300, due=10),
)


def applied(allocation: Allocation) -> list[tuple[int, int]]:
    return [(line.debt_id, line.applied_minor) for line in allocation.lines]


@pytest.mark.parametrize(
    ("amount", "ticked", "expected"),
    [
        pytest.param(500, None, [(1, 500)], id="exactly the oldest debt"),
        pytest.param(200, None, [(1, 200)], id="part of the oldest debt"),
        pytest.param(800, None, [(1, 500), (2, 300)], id="two debts exactly"),
        pytest.param(1_000, None, [(1, 500), (2, 300), (3, 200)], id="across all, last partly"),
        pytest.param(1_500, None, [(1, 500), (2, 300), (3, 700)], id="everything owed"),
        pytest.param(700, {3}, [(3, 700)], id="one ticked debt, not the oldest"),
        pytest.param(900, {3, 2}, [(2, 300), (3, 600)], id="ticked debts in payment order"),
        pytest.param(100, {3, 2}, [(2, 100)], id="ticked, only the first reached"),
        pytest.param(500, set(), [(1, 500)], id="nothing ticked means every debt"),
    ],
)
def test_the_payment_goes_oldest_due_first(
    amount: int, ticked: set[int] | None, expected: list[tuple[int, int]]
) -> None:
    allocation = allocate(amount, BOOK, ticked)
    assert applied(allocation) == expected
    assert allocation.amount_minor == amount
    assert allocation.balance_before_minor == 1_500
    assert allocation.balance_after_minor == 1_500 - amount


def test_each_line_says_what_the_debt_owed_before_and_after() -> None:
    allocation = allocate(1_000, BOOK)
    assert allocation.lines == (Applied(1, 500, 500), Applied(2, 300, 300), Applied(3, 700, 200))
    assert [line.outstanding_after_minor for line in allocation.lines] == [0, 0, 500]


@pytest.mark.parametrize(
    ("debts", "expected_ids"),
    [
        pytest.param(
            [debt(1, 10, due=5, created=3), debt(2, 10, due=5, created=1)],
            [2, 1],
            id="same due date: the older debt first",
        ),
        pytest.param(
            [debt(9, 10, due=5, created=1), debt(4, 10, due=5, created=1)],
            [4, 9],
            id="same due date and age: the lower number first",
        ),
        pytest.param(
            [debt(1, 10, due=None, created=-99), debt(2, 10, due=900)],
            [2, 1],
            id="undated last even when older",
        ),
        pytest.param(
            [debt(5, 10, due=None, created=2), debt(6, 10, due=None, created=1)],
            [6, 5],
            id="undated among themselves by age",
        ),
        pytest.param(
            [debt(1, 10, due=3), debt(2, 10, due=-40), debt(3, 10, due=None)],
            [2, 1, 3],
            id="overdue before due before undated",
        ),
    ],
)
def test_payment_order(debts: list[OwedDebt], expected_ids: list[int]) -> None:
    assert [owed.debt_id for owed in payment_order(debts)] == expected_ids
    assert [line.debt_id for line in allocate(20, debts).lines] == expected_ids[:2]


def test_a_tie_on_the_due_date_pays_the_older_debt() -> None:
    older, newer = debt(8, 400, due=0, created=1), debt(7, 400, due=0, created=5)
    assert applied(allocate(500, [newer, older])) == [(8, 400), (7, 100)]


def test_undated_debts_are_paid_after_the_dated_ones() -> None:
    legacy, dated = debt(1, 400, due=None, created=-500), debt(2, 400, due=60)
    assert applied(allocate(500, [legacy, dated])) == [(2, 400), (1, 100)]


@pytest.mark.parametrize(
    ("amount", "ticked", "outstanding"),
    [
        pytest.param(1_501, None, 1_500, id="one more than everything"),
        pytest.param(701, {3}, 700, id="more than the ticked debt"),
        pytest.param(1_001, {1, 2}, 800, id="more than the ticked debts"),
    ],
)
def test_overpayment_is_refused_naming_what_is_outstanding(
    amount: int, ticked: set[int] | None, outstanding: int
) -> None:
    with pytest.raises(Overpayment) as refused:
        allocate(amount, BOOK, ticked)
    assert refused.value.outstanding_minor == outstanding


def test_nothing_owed_refuses_any_payment() -> None:
    with pytest.raises(Overpayment) as refused:
        allocate(1, [])
    assert refused.value.outstanding_minor == 0


@pytest.mark.parametrize("amount", [0, -1, -500])
def test_an_amount_not_above_zero_is_refused(amount: int) -> None:
    with pytest.raises(ValueError, match="more than nothing"):
        allocate(amount, BOOK)


def test_an_amount_that_is_not_whole_minor_units_is_refused() -> None:
    with pytest.raises(TypeError):
        allocate(True, BOOK)
    with pytest.raises(TypeError):
        allocate(12.5, BOOK)  # type: ignore[arg-type]


def test_a_ticked_debt_that_is_not_owed_is_refused() -> None:
    with pytest.raises(ValueError, match="debt 42 is not one of the debts owed") as refused:
        allocate(100, BOOK, {1, 42})
    assert not isinstance(refused.value, Overpayment)


# ----- properties -------------------------------------------------------------------------------

owed_debts = st.lists(
    st.builds(
        OwedDebt,
        debt_id=st.integers(1, 10_000),
        outstanding_minor=st.integers(1, 1_000_000),
        due_date=st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2030, 12, 31))),
        created_at=st.datetimes(datetime(2019, 1, 1), datetime(2030, 12, 31)),
    ),
    max_size=25,
    unique_by=lambda owed: owed.debt_id,
)


@st.composite
def payments(draw: st.DrawFn) -> tuple[list[OwedDebt], set[int] | None, int]:
    """Some open debts, perhaps some of them ticked, and an amount they can take."""
    debts = draw(owed_debts.filter(bool))
    ticked = None
    if draw(st.booleans()):
        ticked = set(draw(st.sets(st.sampled_from([owed.debt_id for owed in debts]), min_size=1)))
    considered = [owed for owed in debts if ticked is None or owed.debt_id in ticked]
    amount = draw(st.integers(1, sum(owed.outstanding_minor for owed in considered)))
    return debts, ticked, amount


@given(payments())
def test_an_allocation_pays_exactly_the_amount_within_each_debt(
    case: tuple[list[OwedDebt], set[int] | None, int],
) -> None:
    debts, ticked, amount = case
    allocation = allocate(amount, debts, ticked)
    owed = {owed.debt_id: owed.outstanding_minor for owed in debts}
    assert sum(line.applied_minor for line in allocation.lines) == amount
    for line in allocation.lines:
        assert 0 < line.applied_minor <= owed[line.debt_id] == line.outstanding_before_minor
        assert ticked is None or line.debt_id in ticked
    assert allocation.balance_before_minor == sum(owed.values())
    assert allocation.balance_after_minor == allocation.balance_before_minor - amount
    left = dict(owed)
    for line in allocation.lines:
        left[line.debt_id] -= line.applied_minor
    assert sum(left.values()) == allocation.balance_after_minor


@given(payments())
def test_an_allocation_only_reaches_a_debt_once_every_earlier_one_is_paid(
    case: tuple[list[OwedDebt], set[int] | None, int],
) -> None:
    debts, ticked, amount = case
    allocation = allocate(amount, debts, ticked)
    considered = [owed for owed in payment_order(debts) if ticked is None or owed.debt_id in ticked]
    touched = [line.debt_id for line in allocation.lines]
    # The debts touched are a prefix of the considered ones, in payment order...
    assert touched == [owed.debt_id for owed in considered[: len(touched)]]
    # ...and every one of them but the last is paid off.
    assert all(line.outstanding_after_minor == 0 for line in allocation.lines[:-1])


@given(owed_debts, st.integers(1, 100))
def test_more_than_is_owed_is_always_refused(debts: list[OwedDebt], extra: int) -> None:
    outstanding = sum(owed.outstanding_minor for owed in debts)
    with pytest.raises(Overpayment) as refused:
        allocate(outstanding + extra, debts)
    assert refused.value.outstanding_minor == outstanding


@given(owed_debts)
def test_payment_order_is_a_sorted_permutation(debts: list[OwedDebt]) -> None:
    ordered = payment_order(debts)
    assert sorted(owed.debt_id for owed in ordered) == sorted(owed.debt_id for owed in debts)
    dated = [owed for owed in ordered if owed.due_date is not None]
    assert ordered[: len(dated)] == dated  # every undated debt after every dated one
    for earlier, later in pairwise(ordered):
        if earlier.due_date is not None and later.due_date is not None:
            assert (earlier.due_date, earlier.created_at) <= (later.due_date, later.created_at)
