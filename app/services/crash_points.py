"""Named places inside the writes where a test can have the process killed outright."""

from __future__ import annotations

import itertools
import os
import signal

# `DUKAN_CRASH_AT=checkout.after_lines` kills the process the first time that point is reached;
# `checkout.after_lines:2` the second time (a later sale of the same run).
CRASH_AT_VARIABLE = "DUKAN_CRASH_AT"

# Every point the services pass, in the order a write reaches them: a test runs each one.
CRASH_POINTS = (
    "checkout.after_header",  # the sale's own row is written
    "checkout.after_lines",  # its lines (one statement) and their stock moves
    "checkout.after_debt",  # the debt of the rest, before its audit row
    "checkout.before_commit",  # everything written, the transaction still open
    "checkout.after_commit",  # committed; the till has not been told yet
    "payment.after_receipt",  # the payment receipt's row
    "payment.after_lines",  # one payment_history row per debt it reaches (one statement)
    "payment.before_commit",
    "payment.after_commit",
    "reversal.after_header",  # the sale_reversals row
    "reversal.after_line",  # each reversed line, one row at a time
    "reversal.after_debt",  # the returns taken off the sale's debts
    "reversal.before_commit",
    "reversal.after_commit",
)

# The exit status a process killed without SIGKILL (Windows) reports, as a shell shows SIGKILL.
KILLED_STATUS = 137


def _chosen(value: str) -> tuple[str, int] | None:
    """The point named by the variable and how many times to pass it first; a typo is an error,
    so a test can never pass because the process it meant to kill was not killed."""
    if not value:
        return None
    name, _, times = value.partition(":")
    if name not in CRASH_POINTS:
        raise ValueError(f"{CRASH_AT_VARIABLE}={value!r} names no crash point")
    if times and not (times.isascii() and times.isdigit() and int(times) >= 1):
        raise ValueError(f"{CRASH_AT_VARIABLE}={value!r}: the count after ':' is 1 or more")
    return name, int(times or 1)


# Read once: a till with no variable set pays a string comparison per point, nothing else.
_CHOSEN = _chosen(os.environ.get(CRASH_AT_VARIABLE, ""))
_passes = itertools.count(1)  # times the chosen point was reached


def crash_point(name: str) -> None:
    """Kill this process here, with no cleanup at all, when the test chose this point."""
    if _CHOSEN is None or name != _CHOSEN[0]:
        return
    if next(_passes) == _CHOSEN[1]:
        _kill_self()


def _kill_self() -> None:
    # SIGKILL runs no handler, flushes nothing and rolls nothing back: a power cut, as far as
    # the process can tell. os._exit comes close where there is no SIGKILL.
    kill = getattr(signal, "SIGKILL", None)
    if kill is not None:
        os.kill(os.getpid(), kill)
    os._exit(KILLED_STATUS)
