"""Ageing buckets at their boundary days, and the overdue amount beside them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.ageing import (
    BUCKETS,
    Ageing,
    age,
    age_class_edges,
    age_classified,
    bucket_index,
    days_overdue,
)

TODAY = date(2026, 11, 21)


@pytest.mark.parametrize(
    ("days_late", "bucket"),
    [
        (-5, "0–30"),
        (0, "0–30"),
        (1, "0–30"),
        (30, "0–30"),
        (31, "31–60"),
        (60, "31–60"),
        (61, "61–90"),
        (90, "61–90"),
        (91, "90+"),
        (3650, "90+"),
    ],
)
def test_a_debt_falls_in_the_bucket_of_its_days_overdue(days_late: int, bucket: str) -> None:
    due = TODAY - timedelta(days=days_late)
    assert BUCKETS[bucket_index(days_overdue(due, TODAY))] == bucket


def test_a_debt_due_today_or_later_or_undated_is_not_overdue() -> None:
    assert days_overdue(TODAY, TODAY) == 0
    assert days_overdue(TODAY + timedelta(days=3), TODAY) == 0
    assert days_overdue(None, TODAY) == 0
    assert days_overdue(TODAY - timedelta(days=1), TODAY) == 1


def test_ageing_adds_each_amount_to_its_bucket_and_counts_only_late_money_as_overdue() -> None:
    debts = [
        (TODAY + timedelta(days=10), 100),  # not yet due
        (None, 200),  # undated legacy debt
        (TODAY - timedelta(days=30), 300),
        (TODAY - timedelta(days=31), 400),
        (TODAY - timedelta(days=61), 500),
        (TODAY - timedelta(days=91), 600),
    ]
    assert age(debts, TODAY) == Ageing((600, 400, 500, 600), 1_800)
    assert age(debts, TODAY).total_minor == 2_100


def test_nothing_owed_ages_to_zero() -> None:
    assert age([], TODAY) == Ageing((0, 0, 0, 0), 0)


@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(-400, 400).map(lambda d: TODAY - timedelta(days=d))),
            st.integers(1, 10**9),
        ),
        max_size=30,
    )
)
def test_summing_by_age_class_ages_as_each_debt_does(
    debts: list[tuple[date | None, int]],
) -> None:
    edges = age_class_edges(TODAY)
    by_class: dict[int, int] = {}
    for due, owed in debts:
        # As SQL compares the stored ISO text: an undated debt is before no edge.
        age_class = 0 if due is None else sum(due.isoformat() < e.isoformat() for e in edges)
        by_class[age_class] = by_class.get(age_class, 0) + owed
    assert age_classified(by_class.items()) == age(debts, TODAY)


def test_the_age_class_edges_are_the_bucket_boundaries() -> None:
    edges = age_class_edges(TODAY)
    for days_late in range(-3, 200):
        due = TODAY - timedelta(days=days_late)
        age_class = sum(due < edge for edge in edges)
        days = days_overdue(due, TODAY)
        assert (age_class > 0) == (days > 0)
        assert max(0, age_class - 1) == bucket_index(days)
