"""Rotation of automatic backups: the promised days, weeks and months, and never the newest."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from app.domain.backup_rotation import backups_to_keep

START = datetime(2025, 10, 1, 18, 0)


def _days(first: datetime, count: int) -> list[datetime]:
    return [first + timedelta(days=number) for number in range(count)]


# One backup a day at 18:00 from 1 October 2025 to 4 November 2026 (a Wednesday), 7 dailies.
PROMISED_AFTER_400_DAYS = [
    # the newest of each of the 12 newest months (November 2026's is today's)
    date(2025, 12, 31),
    date(2026, 1, 31),
    date(2026, 2, 28),
    date(2026, 3, 31),
    date(2026, 4, 30),
    date(2026, 5, 31),
    date(2026, 6, 30),
    date(2026, 7, 31),
    date(2026, 8, 31),
    date(2026, 9, 30),
    # the Sundays ending the 3 ISO weeks before this one (this week's is today's)
    date(2026, 10, 18),
    date(2026, 10, 25),
    # the 7 newest days (1 November is also the Sunday of last week, 31 October the month's)
    date(2026, 10, 29),
    date(2026, 10, 30),
    date(2026, 10, 31),
    date(2026, 11, 1),
    date(2026, 11, 2),
    date(2026, 11, 3),
    date(2026, 11, 4),
]


def test_400_days_of_daily_backups_pruned_each_day_keep_the_promised_set() -> None:
    folder: set[datetime] = set()
    for moment in _days(START, 400):
        folder.add(moment)
        folder = backups_to_keep(folder, 7)
        assert moment in folder  # the one just taken always stays
    assert sorted(kept.date() for kept in folder) == PROMISED_AFTER_400_DAYS


def test_pruning_once_at_the_end_keeps_the_same_set() -> None:
    kept = backups_to_keep(_days(START, 400), 7)
    assert sorted(moment.date() for moment in kept) == PROMISED_AFTER_400_DAYS


def test_the_newest_of_each_day_stays_and_earlier_ones_that_day_go() -> None:
    morning, evening = datetime(2026, 3, 2, 8, 0), datetime(2026, 3, 2, 21, 30)
    yesterday = datetime(2026, 3, 1, 23, 59)
    assert backups_to_keep([morning, evening, yesterday], 7) == {evening, yesterday}


def test_days_without_a_backup_do_not_use_up_the_daily_count() -> None:
    """A shop closed for a season still has its last seven working days' backups."""
    before_closing = _days(datetime(2026, 1, 1, 18, 0), 10)
    after_reopening = datetime(2026, 6, 1, 9, 0)
    kept = backups_to_keep([*before_closing, after_reopening], 7)
    assert {m for m in kept if m.month == 1} >= set(before_closing[-6:])
    assert after_reopening in kept


@pytest.mark.parametrize("keep_daily", [0, -3])
def test_the_newest_backup_stays_whatever_the_count(keep_daily: int) -> None:
    moments = _days(START, 3)
    assert moments[-1] in backups_to_keep(moments, keep_daily)


def test_weeks_are_iso_weeks_and_months_calendar_months() -> None:
    # Sunday 4 January 2026 closes ISO week 2026-W01; Monday 5 January opens W02.
    sunday, monday = datetime(2026, 1, 4, 12, 0), datetime(2026, 1, 5, 12, 0)
    december = datetime(2025, 12, 29, 12, 0)  # also in ISO week 2026-W01, but in December
    kept = backups_to_keep([december, sunday, monday], 1)
    # daily: Monday; weekly: Monday (W02) and Sunday (W01, newer than 29 December);
    # monthly: Monday (January) and 29 December (December).
    assert kept == {monday, sunday, december}


def test_nothing_to_keep_from_nothing() -> None:
    assert backups_to_keep([], 7) == set()
