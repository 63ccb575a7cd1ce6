"""Damage planted the way a hand edit does it: the guards dropped, the rows changed, the guards
put back, so that only the planted damage is left for `check` to find."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

from app.db.checks import GUARDS


@contextlib.contextmanager
def guards_dropped(conn: sqlite3.Connection, *also: str) -> Iterator[sqlite3.Connection]:
    """Inside, money rows can be changed and removed as another program could once it has
    dropped the guards (and the triggers named in `also`); afterwards the triggers are back,
    exactly as the migrations made them."""
    names = sorted({guard.trigger for guard in GUARDS} | set(also))
    marks = ", ".join("?" for _ in names)
    saved = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})"
        " ORDER BY name",
        names,
    ).fetchall()
    for name, _sql in saved:
        conn.execute(f'DROP TRIGGER "{name}"')
    try:
        yield conn
    finally:
        for _name, sql in saved:
            conn.execute(sql)


def hand_edit(conn: sqlite3.Connection, sql: str, *values: object) -> int:
    """One UPDATE or DELETE past the guards; how many rows it changed."""
    with guards_dropped(conn):
        return conn.execute(sql, values).rowcount
