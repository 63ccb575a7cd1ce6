"""Low-level file facts about SQLite databases: read-only opening and durable renames."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path


def read_only_uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


@contextlib.contextmanager
def open_read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection that cannot write a byte of the file, for inspecting before deciding."""
    conn = sqlite3.connect(read_only_uri(path), uri=True, isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


def fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def durable_replace(source: Path, target: Path) -> None:
    """Rename so that after a power cut either the old name or the complete new file exists."""
    fsync_path(source)
    os.replace(source, target)
    # The rename lives in the folder's entry list; on POSIX that needs its own flush.
    if os.name == "posix":
        fsync_path(target.parent)


def quick_check(conn: sqlite3.Connection) -> list[str]:
    """Problems `PRAGMA quick_check` reports; empty when the file is sound."""
    rows = [str(row[0]) for row in conn.execute("PRAGMA quick_check").fetchall()]
    return [] if rows == ["ok"] else rows
