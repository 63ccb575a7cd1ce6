"""The SQLite connection: pragmas set and read back, the Peewee proxy and the base table class."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peewee import DatabaseProxy, Model, SqliteDatabase

from app.db.sqlite_files import open_read_only
from app.db.storage_faults import moved_file_fault, storage_faults_named

# Marks a file as Dukan's in the SQLite header ("DKN1"), so a foreign database is never upgraded.
APPLICATION_ID = 0x444B4E31
# Long enough for a backup or a report in another connection to finish before a write gives up.
BUSY_TIMEOUT_MS = 10_000
SYNCHRONOUS_FULL = 2


class DatabaseSetupError(Exception):
    """The file opened, but SQLite would not run it the way the books need."""


@dataclass(frozen=True, slots=True)
class PragmaState:
    journal_mode: str
    synchronous: int
    foreign_keys: bool
    busy_timeout_ms: int
    application_id: int


def read_pragmas(conn: sqlite3.Connection) -> PragmaState:
    def value(name: str) -> Any:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]

    return PragmaState(
        journal_mode=str(value("journal_mode")).lower(),
        synchronous=int(value("synchronous")),
        foreign_keys=bool(value("foreign_keys")),
        busy_timeout_ms=int(value("busy_timeout")),
        application_id=int(value("application_id")),
    )


def configure_connection(conn: sqlite3.Connection) -> PragmaState:
    """Set the pragmas every Dukan connection needs, then prove they took effect.

    A pragma SQLite cannot honour (WAL on a read-only folder, say) is silently ignored; reading
    each one back turns that into an error before any sale is written under weaker guarantees.
    """
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    state = read_pragmas(conn)
    problems = []
    if state.journal_mode != "wal":
        problems.append(f"journal_mode is {state.journal_mode}, not wal")
    if state.synchronous != SYNCHRONOUS_FULL:
        problems.append(f"synchronous is {state.synchronous}, not FULL")
    if not state.foreign_keys:
        problems.append("foreign keys are off")
    if state.busy_timeout_ms < BUSY_TIMEOUT_MS:
        problems.append(f"busy_timeout is {state.busy_timeout_ms} ms")
    if problems:
        raise DatabaseSetupError("SQLite refused the safe settings: " + "; ".join(problems))
    return state


class DukanDatabase(SqliteDatabase):
    """Peewee's SQLite database with Dukan's pragmas checked on every new connection."""

    _opened: tuple[int, int] | None = None  # the file the connection opened (device, inode)

    def _add_conn_hooks(self, conn: sqlite3.Connection) -> None:
        super()._add_conn_hooks(conn)  # type: ignore[misc]
        configure_connection(conn)

    # Every way peewee reaches SQLite names a storage failure in the shop's words
    # (StorageFault), so a full disk under a sale is a message at the till, not a crash.
    def connect(self, reuse_if_open: bool = False) -> bool:
        with storage_faults_named(self.database):
            opened = bool(super().connect(reuse_if_open))
        if opened:
            self._opened = _identity(Path(self.database))
        return opened

    def execute_sql(self, sql: str, params: Any = None) -> Any:
        with storage_faults_named(self.database):
            return super().execute_sql(sql, params)  # type: ignore[no-untyped-call]

    def begin(self, lock_type: str | None = None) -> None:
        self._require_same_file()
        with storage_faults_named(self.database):
            super().begin(lock_type)

    def _require_same_file(self) -> None:
        """Refuse to write when the path no longer names the file this connection opened.

        With the file (or its folder) deleted or replaced, SQLite goes on committing to the
        open file that no name leads to any more, and every sale is lost when it closes.
        """
        try:
            found = _identity(Path(self.database))
        except OSError:
            found = None
        if found != self._opened:
            raise moved_file_fault(self.database)

    def commit(self) -> None:
        with storage_faults_named(self.database):
            super().commit()

    def rollback(self) -> None:
        if not self.is_closed() and not self.sqlite_connection().in_transaction:
            # SQLite already rolled back by itself (it may after a full disk or an I/O error);
            # a ROLLBACK now would fail and hide that error behind "no transaction is active".
            return
        with storage_faults_named(self.database):
            super().rollback()

    def sqlite_connection(self) -> sqlite3.Connection:
        """This thread's DB-API connection, typed (peewee's own accessor is not)."""
        connection: sqlite3.Connection = self.connection()  # type: ignore[no-untyped-call]
        return connection


def _identity(path: Path) -> tuple[int, int]:
    """Which file a path names: its device and inode."""
    found = path.stat()
    return found.st_dev, found.st_ino


database_proxy = DatabaseProxy()


class BaseTable(Model):
    """Every Peewee table class inherits the shared proxy, so services never pick a database."""

    class Meta:
        database = database_proxy
        legacy_table_names = False


def open_database(path: Path) -> DukanDatabase:
    """Open a migrated Dukan file for the services; every `atomic()` is `BEGIN IMMEDIATE`.

    The migrator is what creates and marks files; this refuses anything it did not mark.
    """
    # IMMEDIATE takes the write lock at BEGIN: a deferred transaction that reads and then writes
    # fails with "database is locked" under a second writer despite busy_timeout.
    # Look before touching: switching to WAL rewrites the header of whatever file this is.
    try:
        with open_read_only(path) as probe:
            application_id = probe.execute("PRAGMA application_id").fetchone()[0]
    except sqlite3.Error as error:
        raise DatabaseSetupError(f"{path} cannot be read as a database: {error}") from error
    if application_id != APPLICATION_ID:
        raise DatabaseSetupError(f"{path} is not a Dukan database")
    if not os.access(path, os.W_OK):
        # SQLite would open it read-only without a word, and the first sale would fail.
        raise DatabaseSetupError(
            f"{path} is read-only (make it writable for this user, or copy it somewhere "
            "writable and open the copy)"
        )
    db = DukanDatabase(str(path), lock_type="IMMEDIATE", timeout=BUSY_TIMEOUT_MS / 1000)
    db.connect()
    database_proxy.initialize(db)
    return db


def sqlite_library_version() -> str:
    return sqlite3.sqlite_version


def schema_version() -> int:
    """The `user_version` of the database the proxy points at: the last migration applied."""
    return int(database_proxy.execute_sql("PRAGMA user_version").fetchone()[0])


def close_connection() -> None:
    """Close this thread's connection, if open; peewee reopens it on the next query."""
    if not database_proxy.is_closed():
        database_proxy.close()
