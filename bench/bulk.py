"""Fills a generated shop file fast on plain sqlite3: staged copies, triggers set aside."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def filling_connection(path: Path) -> sqlite3.Connection:
    """A connection for writing a generated file: a big cache, temporary tables in memory and
    no fsync per write (a file that dies half-built is simply built again)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA cache_size = -262144")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA synchronous = OFF")
    return conn


def staged_copy(conn: sqlite3.Connection, table: str, columns: str, rows: Iterable[Any]) -> None:
    """Stage `rows` in a temporary table with executemany, then copy them with one INSERT ...
    SELECT: the triggers still run for every row (balance rows, balances, debt status), but
    inside one statement, which here is five times faster than one statement per row."""
    marks = ", ".join("?" * (columns.count(",") + 1))
    conn.execute(f"CREATE TEMP TABLE staged_{table} ({columns})")
    conn.executemany(f"INSERT INTO staged_{table} VALUES ({marks})", rows)
    conn.execute(
        f"INSERT INTO {table} ({columns}) SELECT {columns} FROM staged_{table} ORDER BY rowid"
    )
    conn.execute(f"DROP TABLE staged_{table}")


@contextmanager
def triggers_set_aside(conn: sqlite3.Connection, *names: str) -> Iterator[None]:
    """Drop the named triggers for the block and create them again, as they were, after it.

    Inside one transaction, for rows whose derived rows the caller then fills in set-based
    SQL (one statement for a million rows instead of a trigger program per row); `check`
    proves afterwards that the two agree."""
    found = dict(
        conn.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            f"AND name IN ({', '.join('?' * len(names))})",
            names,
        ).fetchall()
    )
    missing = set(names) - set(found)
    if missing:
        raise LookupError(f"no such trigger: {', '.join(sorted(missing))}")
    for name in names:
        conn.execute(f"DROP TRIGGER {name}")
    try:
        yield
    finally:
        for name in names:
            conn.execute(found[name])
