"""SQLite's storage failures (disk full, read-only, I/O error, damage) in the shop's words."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

from peewee import OperationalError, PeeweeException

from app.db.sqlite_files import SQLITE_CORRUPT, SQLITE_NOTADB
from app.domain.errors import ServiceError

# Primary result codes (the low byte of `sqlite_errorcode`) that say the storage failed,
# not the statement: the same action may work once the disk, the file or the other
# program is sorted out.
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
# An extended code: the file was deleted or renamed while open, so writes would be lost.
SQLITE_READONLY_DBMOVED = SQLITE_READONLY | (4 << 8)

NOTHING_CHANGED = "Nothing was saved from the last action."


class StorageFault(ServiceError, OperationalError):
    """The database file could not be read or written; the message says what to do.

    A ServiceError, so every form and button already shows it next to what the operator did;
    still a peewee OperationalError, so code that catches peewee's errors keeps catching it.
    """

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def _message(code: int, path: str) -> str | None:  # noqa: PLR0911 - one return per fault
    primary = code & 0xFF
    if primary == SQLITE_FULL:
        return (
            f"The disk is full: Dukan cannot save to {path}. {NOTHING_CHANGED} "
            "Free some space on the disk, then try again."
        )
    if code == SQLITE_READONLY_DBMOVED:
        return (
            f"The shop's database {path} was moved or deleted while Dukan had it open, so "
            f"nothing more can be saved to it. {NOTHING_CHANGED} Put the file back, or "
            "close Dukan and restore a backup."
        )
    if primary == SQLITE_READONLY:
        return (
            f"The shop's database {path} is read-only: Dukan cannot save to it. "
            f"{NOTHING_CHANGED} Make the file and its folder writable, then try again."
        )
    if primary in (SQLITE_IOERR, SQLITE_CANTOPEN):
        return (
            f"The disk holding {path} could not be read or written (was it unplugged, or the "
            f"folder moved?). {NOTHING_CHANGED} Check the disk, then try again."
        )
    if primary in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return (
            f"The shop's database {path} is damaged. {NOTHING_CHANGED} Close Dukan and "
            "restore a backup (File → Restore from backup…)."
        )
    if primary in (SQLITE_BUSY, SQLITE_LOCKED):
        return (
            f"Another program has locked the shop's database {path}. {NOTHING_CHANGED} "
            "Try again in a moment."
        )
    return None


def moved_file_fault(path: str) -> StorageFault:
    """The fault for a database file deleted, renamed or replaced while it was open."""
    return StorageFault(str(_message(SQLITE_READONLY_DBMOVED, path)), SQLITE_READONLY_DBMOVED)


def _sqlite_errors(error: BaseException) -> Iterator[sqlite3.Error]:
    """The SQLite errors behind a peewee one: peewee raises its own type while handling it."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sqlite3.Error):
            yield current
        current = current.__cause__ or current.__context__


def storage_fault(error: BaseException, path: str) -> StorageFault | None:
    """The fault an error means for the operator, or None when it is not a storage failure."""
    for cause in _sqlite_errors(error):
        code = getattr(cause, "sqlite_errorcode", None)
        message = None if code is None else _message(code, path)
        if code is not None and message is not None:
            return StorageFault(message, code)
    return None


@contextlib.contextmanager
def storage_faults_named(path: str) -> Iterator[None]:
    """Turn a storage failure inside the block into a StorageFault; other errors pass."""
    try:
        yield
    except StorageFault:
        raise
    except (PeeweeException, sqlite3.Error) as error:
        fault = storage_fault(error, path)
        if fault is None:
            raise
        raise fault from error
