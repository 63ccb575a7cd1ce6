"""A process killed at each named point inside checkout, payment and refund leaves whole books."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from app.db.database import open_database
from app.paths import bundle_root
from app.services import crash_points
from app.services.crash_points import CRASH_POINTS
from app.services.sales_history import SalesHistory
from tests.reliability.kill_support import (
    KILLED,
    Rows,
    acks_in,
    file_problems,
    run_writer,
    table_rows,
    without_moments,
    writer_environment,
)

# The write of `kill_writer one` that passes each service's points.
OPERATION_OF = {"checkout": "checkout", "payment": "payment", "reversal": "refund"}
# The refund brings back two lines: the point after each of them.
KILL_AT = [*CRASH_POINTS, "reversal.after_line:2"]


def _operation(point: str) -> str:
    return OPERATION_OF[point.split(".", maxsplit=1)[0]]


def _committed(point: str) -> bool:
    return point.split(":", maxsplit=1)[0].endswith(".after_commit")


@pytest.fixture(scope="session")
def completed_rows(
    tmp_path_factory: pytest.TempPathFactory, prepared_books: Path
) -> Callable[[str], Rows]:
    """The file's rows once an operation ran to its end with no crash point, per operation."""
    done: dict[str, Rows] = {}

    def rows_after(operation: str) -> Rows:
        if operation not in done:
            path = tmp_path_factory.mktemp(f"completed-{operation}") / "shop.db"
            shutil.copyfile(prepared_books, path)
            result = run_writer(path, "one", operation)
            assert result.returncode == 0, result.stderr
            assert len(acks_in(result.stdout.splitlines(keepends=True))) == 1, result.stdout
            done[operation] = without_moments(table_rows(path))
        return done[operation]

    return rows_after


@pytest.mark.parametrize("point", KILL_AT)
def test_a_kill_at_the_point_leaves_the_write_all_there_or_not_at_all(
    point: str, books: Path, completed_rows: Callable[[str], Rows]
) -> None:
    before = table_rows(books)

    result = run_writer(books, "one", _operation(point), crash_at=point)

    assert result.returncode == KILLED, result.stderr
    assert "ack" not in result.stdout  # it died before it could say the write was done
    assert file_problems(books, []) == []
    after = table_rows(books)
    if _committed(point):
        # Every row the write makes is there, exactly as when it runs to its end.
        assert after != before
        assert without_moments(after) == completed_rows(_operation(point))
    else:
        # Not one row of it: the file is what it was, row for row (SQLite's counters too).
        assert after == before


def test_every_point_is_reached_by_its_write() -> None:
    """A point the services never pass would make its test above pass without a kill."""
    sources = {
        name: (bundle_root() / "app" / "services" / f"{name}.py").read_text(encoding="utf-8")
        for name in ("checkout", "payments", "sale_reversals")
    }
    for point in CRASH_POINTS:
        assert sum(f'crash_point("{point}")' in text for text in sources.values()) == 1, point


def test_a_point_name_that_does_not_exist_is_refused() -> None:
    with pytest.raises(ValueError, match="names no crash point"):
        crash_points._chosen("checkout.after_lunch")
    with pytest.raises(ValueError, match="1 or more"):
        crash_points._chosen("checkout.after_lines:0")
    assert crash_points._chosen("") is None
    assert crash_points._chosen("payment.after_receipt:3") == ("payment.after_receipt", 3)


def test_the_till_killed_after_commit_has_recorded_the_sale_it_never_showed(books: Path) -> None:
    """ "After commit, before the UI update": the operator saw no receipt and the basket still
    full, yet the sale is in the books, whole, and the next start lists it with today's."""
    sales_before = len(table_rows(books)["sales"])

    result = subprocess.run(
        [sys.executable, "-m", "tests.reliability.kill_till", str(books)],
        cwd=bundle_root(),
        env=writer_environment(books, "checkout.after_commit"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == KILLED, result.stderr
    assert "shown" not in result.stdout
    assert file_problems(books, []) == []
    sales = table_rows(books)["sales"]
    assert len(sales) == sales_before + 1
    newest = max(int(str(row[0])) for row in sales)
    database = open_database(books)
    try:
        today = date.today()
        listed = SalesHistory().page(today, today)
        detail = SalesHistory().detail(listed[0].id)
    finally:
        database.close()
    assert listed[0].id == newest
    assert [(line.description, line.quantity) for line in detail.lines] == [
        ("Tea 250g", 2),
        ("Oil 1L", 1),
        ("Carrier bag", 1),
    ]
    assert detail.row.total_minor == 2 * 25_000 + 35_000 + 300
