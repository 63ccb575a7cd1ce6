"""Puts a backup in the database's place, keeping the replaced file aside, never deleted."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from app.db.backup import (
    BackupError,
    set_aside_name,
    unused_path,
    write_backup,
)
from app.db.database import APPLICATION_ID
from app.db.migrator import MigrationRefused, MigrationReport, Migrator, ProgressCallback
from app.db.sqlite_files import durable_replace, is_damaged_file_error, open_read_only

log = logging.getLogger(__name__)

STAGING_SUFFIX = ".restoring"
# While a database is in use it is three files; the WAL may hold its latest commits.
COMPANION_SUFFIXES = ("-wal", "-shm")


class RestoreError(Exception):
    """The backup could not be put in place; the current database is where it was."""


@dataclass(frozen=True, slots=True)
class RestoreReport:
    restored_from: Path
    database: Path
    set_aside: Path | None  # where the replaced file went; None if there was none


def set_aside_folder(database: Path) -> Path:
    return database.resolve().parent / "replaced"


def restore_backup(backup: Path, database: Path, now: datetime) -> RestoreReport:
    """Stage a verified copy of `backup`, move the current file aside, rename the copy in.

    The caller has checked the backup and closed its own connections. The two renames are
    the only moment without a file at `database`, so a crash can never leave the shop with
    an empty new database where its books were.
    """
    staging = database.with_name(database.name + STAGING_SUFFIX)
    try:
        staging.unlink(missing_ok=True)
        write_backup(backup, staging)
    except (BackupError, OSError) as error:
        raise RestoreError(f"could not copy {backup}: {error}") from error
    set_aside = None
    try:
        set_aside = _move_aside(database, now) if database.exists() else None
        durable_replace(staging, database)
    except (RestoreError, OSError) as error:
        if set_aside is not None and not database.exists():
            os.replace(set_aside, database)  # put the shop's books back where they were
        with contextlib.suppress(OSError):
            staging.unlink(missing_ok=True)
        raise RestoreError(str(error)) from error
    log.info("restored %s from %s; the replaced file is %s", database, backup, set_aside)
    return RestoreReport(backup, database, set_aside)


def _move_aside(database: Path, now: datetime) -> Path:
    """Fold the WAL into the file, then move that one file to `replaced/`."""
    if any(_companion(database, suffix).exists() for suffix in COMPANION_SUFFIXES):
        try:
            conn = sqlite3.connect(database, isolation_level=None)
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()  # the last connection to close removes -wal and -shm
        except sqlite3.Error as error:
            raise RestoreError(f"could not finish writing {database}: {error}") from error
    if any(_companion(database, suffix).exists() for suffix in COMPANION_SUFFIXES):
        raise RestoreError(f"{database} is still open in another program; close it first")
    folder = set_aside_folder(database)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = unused_path(folder, set_aside_name(database, now))
        os.replace(database, target)
    except OSError as error:
        raise RestoreError(f"could not move {database} aside: {error}") from error
    return target


def _companion(database: Path, suffix: str) -> Path:
    return database.with_name(database.name + suffix)


@dataclass(frozen=True, slots=True)
class BackupDescription:
    path: Path
    version: int
    size_bytes: int
    modified: datetime
    sales: int
    customers: int


def describe_backup(
    migrator: Migrator, backup: Path, *, check_integrity: bool = True
) -> BackupDescription:
    """What a backup holds, for the operator to confirm; refuses what cannot be restored.

    Reads the file read-only (no -wal or -shm is left beside it) and counts through indexes.
    `check_integrity` False, for a list of many backups, skips the migrator's whole-file check
    (about a second per 200 MB) and looks only at the header, version and counts; the backup
    chosen is checked in full before anything is replaced.
    """
    version = None
    if check_integrity:
        state = migrator.inspect(backup)
        if state.is_new:
            raise MigrationRefused(f"{backup} is empty: it holds no books to restore.")
        version = state.version
    try:
        with open_read_only(backup) as conn:
            if version is None:
                version = _glance(conn, backup, migrator.latest_version)
            tables = _tables(conn)
            sales = _count(conn, tables, "sales")
            customers = _count(conn, tables, "customers")
        stat = backup.stat()
    except sqlite3.Error as error:
        if is_damaged_file_error(error):
            raise MigrationRefused(
                f"{backup} is not a Dukan database, or it is damaged ({error})."
            ) from error
        raise MigrationRefused(f"{backup} cannot be read ({error}).") from error
    except OSError as error:
        raise MigrationRefused(f"{backup} cannot be read ({error.strerror}).") from error
    return BackupDescription(
        backup, version, stat.st_size, datetime.fromtimestamp(stat.st_mtime), sales, customers
    )


def _glance(conn: sqlite3.Connection, backup: Path, latest_version: int) -> int:
    """The version a file's header gives, refusing what is plainly no backup to restore."""
    if not _tables(conn):
        raise MigrationRefused(f"{backup} is empty: it holds no books to restore.")
    if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        raise MigrationRefused(f"{backup} is not a Dukan database (it belongs to another program).")
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > latest_version:
        raise MigrationRefused(
            f"{backup} was upgraded by a newer Dukan (database version {version}); this Dukan "
            f"knows versions up to {latest_version}."
        )
    return version


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _count(conn: sqlite3.Connection, tables: set[str], table: str) -> int:
    # Table names come from the fixed list above, never from the file.
    return (
        int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]) if table in tables else 0
    )


@dataclass(frozen=True, slots=True)
class ChangesSince:
    """What the current file holds that a backup does not: lost if the backup is restored."""

    sales: int
    payments: int  # one per payment taken (a receipt), or per row for payments before receipts
    customers: int | None  # None: the backup predates customers, so they cannot be compared


# For each table: the columns that identify a row beyond its id (all there since the table
# was made). Equal at the backup's newest id in both files means the current file grew from
# the backup, so higher ids are rows recorded after it.
_LINEAGE = {
    "sales": ("sold_at", "total", "paid", "note"),
    "payment_history": ("paid_at", "amount", "debt_id", "note"),
    "customers": ("created_at",),
}


def changes_since(backup: Path, database: Path) -> ChangesSince | None:
    """Count what was recorded in `database` after `backup` was taken, by id; cheap on big files.

    None when the two files went separate ways (the backup's newest sale, payment or customer
    is not the same row in the current file, say after an older backup was restored and sold
    on), so that counting by id would mislead.
    """
    try:
        with open_read_only(backup) as old, open_read_only(database, quiet=False) as current:
            old_tables, current_tables = _tables(old), _tables(current)
            newest: dict[str, int] = {}
            for table, columns in _LINEAGE.items():
                newest[table] = 0
                if table not in old_tables or table not in current_tables:
                    continue
                last = _newest_row(old, table, columns)
                if last is not None:
                    if _row(current, table, columns, last[0]) != last:
                        return None
                    newest[table] = int(last[0])
            customers = (
                _count_after(current, current_tables, "customers", newest["customers"])
                if "customers" in old_tables
                else None
            )
            return ChangesSince(
                sales=_count_after(current, current_tables, "sales", newest["sales"]),
                payments=_payments_after(current, current_tables, newest["payment_history"]),
                customers=customers,
            )
    except sqlite3.Error:
        log.warning("could not compare %s with %s", backup, database, exc_info=True)
        return None


def _newest_row(
    conn: sqlite3.Connection, table: str, columns: tuple[str, ...]
) -> tuple[Any, ...] | None:
    row = conn.execute(
        f"SELECT id, {', '.join(columns)} FROM {table} ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return tuple(row) if row is not None else None


def _row(
    conn: sqlite3.Connection, table: str, columns: tuple[str, ...], row_id: object
) -> tuple[Any, ...] | None:
    row = conn.execute(
        f"SELECT id, {', '.join(columns)} FROM {table} WHERE id = ?", (row_id,)
    ).fetchone()
    return tuple(row) if row is not None else None


def _count_after(conn: sqlite3.Connection, tables: set[str], table: str, after_id: int) -> int:
    if table not in tables:
        return 0
    return int(
        conn.execute(f"SELECT count(*) FROM {table} WHERE id > ?", (after_id,)).fetchone()[0]
    )


def _payments_after(conn: sqlite3.Connection, tables: set[str], after_id: int) -> int:
    if "payment_history" not in tables:
        return 0
    columns = {row[1] for row in conn.execute("PRAGMA table_info(payment_history)")}
    # A payment over several debts is one receipt and several rows; a return is no payment.
    taken = "coalesce('r' || receipt_id, 'p' || id)" if "receipt_id" in columns else "id"
    return int(
        conn.execute(
            f"SELECT count(DISTINCT {taken}) FROM payment_history "
            "WHERE id > ? AND method <> 'return'",
            (after_id,),
        ).fetchone()[0]
    )


def restore_and_upgrade(
    migrator: Migrator,
    backup: Path,
    database: Path,
    *,
    now: datetime,
    progress: ProgressCallback | None = None,
) -> tuple[RestoreReport, MigrationReport]:
    """Check the backup, put it in place, and bring it up to this version of Dukan."""
    describe_backup(migrator, backup)
    restored = restore_backup(backup, database, now)
    return restored, migrator.migrate(database, progress=progress)
