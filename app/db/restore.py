"""Puts a backup in the database's place, keeping the replaced file aside, never deleted."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.db.backup import BackupError, unused_path, write_backup
from app.db.migrator import MigrationRefused, MigrationReport, Migrator, ProgressCallback
from app.db.sqlite_files import durable_replace, open_read_only

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
        target = unused_path(folder, f"{database.stem}-replaced-{now:%Y%m%d-%H%M%S}.db")
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


def describe_backup(migrator: Migrator, backup: Path) -> BackupDescription:
    """What a backup holds, for the operator to confirm; refuses what cannot be restored."""
    state = migrator.inspect(backup)
    if state.is_new:
        raise MigrationRefused(f"{backup} is empty: it holds no books to restore.")
    with open_read_only(backup) as conn:
        has_sales = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sales'"
        ).fetchone()[0]
        sales = conn.execute("SELECT count(*) FROM sales").fetchone()[0] if has_sales else 0
    stat = backup.stat()
    return BackupDescription(
        backup, state.version, stat.st_size, datetime.fromtimestamp(stat.st_mtime), int(sales)
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
