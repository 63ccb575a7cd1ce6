"""How long money has been overdue, in the four buckets a shopkeeper reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

# Days overdue: 0–30 (not yet due, undated, or up to 30 days late), 31–60, 61–90, 91 and more.
BUCKETS = ("0–30", "31–60", "61–90", "90+")


# The last day of each bucket but the open-ended last one.
_BUCKET_ENDS = (30, 60, 90)


def days_overdue(due_date: date | None, today: date) -> int:
    """Whole days past the due date; 0 when not yet due, due today, or never given one."""
    if due_date is None:
        return 0
    return max(0, (today - due_date).days)


def bucket_index(days: int) -> int:
    """0 for 0–30 days overdue, 1 for 31–60, 2 for 61–90, 3 for 91 and more."""
    for index, last_day in enumerate(_BUCKET_ENDS):
        if days <= last_day:
            return index
    return len(_BUCKET_ENDS)


@dataclass(frozen=True, slots=True)
class Ageing:
    buckets_minor: tuple[int, int, int, int]
    overdue_minor: int  # past due; not the same as the last three buckets (0–30 mixes)

    @property
    def total_minor(self) -> int:
        return sum(self.buckets_minor)


def age(debts: Iterable[tuple[date | None, int]], today: date) -> Ageing:
    """Outstanding amounts, given with their due dates, put in their buckets."""
    buckets = [0, 0, 0, 0]
    overdue = 0
    for due_date, outstanding_minor in debts:
        days = days_overdue(due_date, today)
        buckets[bucket_index(days)] += outstanding_minor
        if days > 0:
            overdue += outstanding_minor
    return Ageing((buckets[0], buckets[1], buckets[2], buckets[3]), overdue)


def age_class_edges(today: date) -> tuple[date, date, date, date]:
    """The due dates that split money by age: a due date before the first is overdue, before
    the second 31 days or more, and so on. The count of edges a due date falls before is its
    age class (0 when not overdue or undated): what a reader grouping many debts in SQL sums
    by, so only a few sums reach Python instead of every debt."""
    return (
        today,
        today - timedelta(days=_BUCKET_ENDS[0]),
        today - timedelta(days=_BUCKET_ENDS[1]),
        today - timedelta(days=_BUCKET_ENDS[2]),
    )


def age_classified(sums: Iterable[tuple[int, int]]) -> Ageing:
    """The ageing of outstanding amounts summed by age class (see age_class_edges)."""
    buckets = [0, 0, 0, 0]
    overdue = 0
    for age_class, outstanding_minor in sums:
        # Class 1 (overdue by up to 30 days) shares the first bucket with money not yet due.
        buckets[max(0, age_class - 1)] += outstanding_minor
        if age_class > 0:
            overdue += outstanding_minor
    return Ageing((buckets[0], buckets[1], buckets[2], buckets[3]), overdue)
