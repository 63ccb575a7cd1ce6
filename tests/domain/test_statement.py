"""A statement's order (time, then debts, payments, returns, reversals) and running balance."""

from __future__ import annotations

from datetime import datetime

from app.domain.statement import Entry, EntryKind, RunningBalance, StatementLine, entry, run_balance

NOON = datetime(2026, 10, 5, 12, 0)
LATER = datetime(2026, 10, 5, 12, 0, 1)


def made(kind: EntryKind, debit: int, credit: int, row_id: int, at: datetime = NOON) -> Entry:
    return entry(at, kind, f"{kind.value} {row_id}", "", row_id=row_id, debit=debit, credit=credit)


def test_lines_in_time_order_each_with_the_balance_after_it() -> None:
    entries = [
        made(EntryKind.PAYMENT, 0, 300, 9, LATER),
        made(EntryKind.DEBT, 1_000, 0, 4, datetime(2026, 10, 1, 8)),
        made(EntryKind.REVERSAL, 300, 0, 2, datetime(2026, 10, 7, 9)),
    ]

    run = run_balance(500, entries)

    assert [(line.description, line.balance_minor) for line in run.lines] == [
        ("debt 4", 1_500),
        ("payment 9", 1_200),
        ("reversal 2", 1_500),
    ]
    assert (run.closing_minor, run.total_debits_minor, run.total_credits_minor) == (
        1_500,
        1_300,
        300,
    )


def test_within_one_second_debts_then_payments_returns_reversals_then_row_id() -> None:
    entries = [
        made(EntryKind.REVERSAL, 50, 0, 1),
        made(EntryKind.RETURN, 0, 20, 2),
        made(EntryKind.PAYMENT, 0, 50, 8),
        made(EntryKind.PAYMENT, 0, 30, 3),
        made(EntryKind.DEBT, 100, 0, 7),
        made(EntryKind.DEBT, 200, 0, 5),
    ]

    run = run_balance(0, entries)

    assert [line.description for line in run.lines] == [
        "debt 5",
        "debt 7",
        "payment 3",
        "payment 8",
        "return 2",
        "reversal 1",
    ]
    assert [line.balance_minor for line in run.lines] == [200, 300, 270, 220, 200, 250]


def test_the_line_carries_what_the_entry_said() -> None:
    payment = entry(
        NOON, EntryKind.PAYMENT, "Payment P-000004 (cash)", "P-000004", row_id=11, credit=1_250
    )

    (line,) = run_balance(2_000, [payment]).lines

    assert line == StatementLine(
        NOON, EntryKind.PAYMENT, "Payment P-000004 (cash)", "P-000004", 0, 1_250, 750
    )


def test_nothing_in_the_range_closes_at_the_opening_balance() -> None:
    assert run_balance(-300, []) == RunningBalance((), -300, 0, 0)
