"""Low-level file facts about SQLite databases: read-only opening and durable renames."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

# Primary result codes that mean "this is not (or no longer) a sound SQLite file".
SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26


def is_undecodable_text_error(error: sqlite3.Error) -> bool:
    """Python's own error for a row whose text is not UTF-8: bytes flipped inside a value,
    damage that SQLite's checks of pages and records do not see."""
    return isinstance(error, sqlite3.OperationalError) and str(error).startswith(
        "Could not decode to UTF-8"
    )


def read_only_uri(path: Path, *, immutable: bool = False) -> str:
    return f"{path.resolve().as_uri()}?{'immutable=1' if immutable else 'mode=ro'}"


def is_damaged_file_error(error: sqlite3.Error) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB)


def _connect(path: Path, *, immutable: bool) -> sqlite3.Connection:
    return sqlite3.connect(read_only_uri(path, immutable=immutable), uri=True, isolation_level=None)


def _sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _connect_read_only(path: Path, *, quiet: bool) -> sqlite3.Connection:
    wal, journal = _sidecar(path, "-wal"), _sidecar(path, "-journal")
    if quiet and not wal.exists() and not journal.exists():
        # No -wal and no -journal: nobody has the file open and every commit is in it. Read as
        # immutable, SQLite creates no -wal/-shm beside it, so a refused file stays as found.
        return _connect(path, immutable=True)
    conn: sqlite3.Connection | None = None
    try:
        conn = _connect(path, immutable=False)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as error:
        if conn is not None:
            conn.close()
        if is_damaged_file_error(error) or os.access(path.resolve().parent, os.W_OK):
            raise
        # A WAL file in a folder we may not write cannot get its -shm index, even to read.
        # Reading it as immutable is right only if no commit waits in its -wal.
        if wal.exists() and wal.stat().st_size > 0:
            raise sqlite3.OperationalError(
                f"{path.name} has changes in {wal.name} that cannot be read in a read-only "
                "folder; copy the folder somewhere writable and use the copy"
            ) from error
        return _connect(path, immutable=True)
    return conn


@contextlib.contextmanager
def open_read_only(path: Path, *, quiet: bool = True) -> Iterator[sqlite3.Connection]:
    """A connection that cannot change the file, for inspecting before deciding.

    `quiet` also avoids creating `-wal`/`-shm` files when nobody has the file open; a
    long read that must see a writer starting meanwhile (a backup) passes False.
    """
    conn = _connect_read_only(path, quiet=quiet)
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
