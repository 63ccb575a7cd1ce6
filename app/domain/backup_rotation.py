"""Which automatic backups to keep: the newest of recent days, weeks and months (pure)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from datetime import datetime

# Fixed on purpose: the shop chooses how many daily backups to keep; four weeks and twelve
# months behind them cover "what did the books say last month / last year" at small cost
# (with one backup a day and 7 dailies, about 21 files in all).
WEEKS_KEPT = 4
MONTHS_KEPT = 12


def backups_to_keep(taken_at: Iterable[datetime], keep_daily: int) -> set[datetime]:
    """The moments, among `taken_at`, whose backups stay; every other one may be deleted.

    Three rules, each applied to all the backups on its own, and a backup stays if any rule
    keeps it (so the periods overlap: today's newest backup is also this week's and this
    month's):

    - **daily**: the newest backup of each of the `keep_daily` most recent calendar days
      that have a backup;
    - **weekly**: the newest of each of the `WEEKS_KEPT` (4) most recent ISO weeks (Monday
      to Sunday) that have a backup;
    - **monthly**: the newest of each of the `MONTHS_KEPT` (12) most recent calendar months
      that have a backup;

    and the newest backup of all stays whatever `keep_daily` is, even 0.

    Periods are counted among those that have a backup, not back from today, so a shop closed
    for a season comes back to the backups it had, not to an emptied folder. Because each
    period's newest backup stays until the period falls out of its rule, pruning after every
    backup day by day keeps exactly what pruning once at the end would.

    Two backups taken in the same second are the same moment here; the caller keeps or
    deletes them together.
    """
    moments = sorted(set(taken_at), reverse=True)
    if not moments:
        return set()
    kept = {moments[0]}
    kept |= _newest_per_period(moments, keep_daily, lambda moment: moment.date())
    kept |= _newest_per_period(moments, WEEKS_KEPT, lambda moment: moment.isocalendar()[:2])
    kept |= _newest_per_period(moments, MONTHS_KEPT, lambda moment: (moment.year, moment.month))
    return kept


def _newest_per_period(
    newest_first: list[datetime], periods: int, period_of: Callable[[datetime], Hashable]
) -> set[datetime]:
    """The first (newest) moment of each of the `periods` most recent periods."""
    kept: dict[Hashable, datetime] = {}
    for moment in newest_first:
        if len(kept) >= periods:
            break
        kept.setdefault(period_of(moment), moment)
    return set(kept.values())
