"""Consistent, verified copies of a live database through SQLite's backup API."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path

from app.db.checks import (
    TABLES_READ_AT_START,
    quick_check,
    summarise_problems,
    undecodable_text,
)
from app.db.sqlite_files import durable_replace, open_read_only
from app.db.storage_faults import SQLITE_FULL

log = logging.getLogger(__name__)

PARTIAL_SUFFIX = ".partial"
PAGES_PER_STEP = 2048
# (pages copied, pages in all): lets a caller show progress on big files.
BackupProgress = Callable[[int, int], None]


class BackupError(Exception):
    """The backup could not be written or did not verify; the source was not touched."""


def backup_dir_for(database_path: Path) -> Path:
    """Backups sit beside the database they copy, so `--db` files keep their own."""
    return database_path.resolve().parent / "backups"


def upgrade_backup_name(database_path: Path, version: int, now: datetime) -> str:
    """`dukan-v010-20261121-103000.db` for `dukan.db`: the database's name, then its version."""
    return f"{database_path.stem}-v{version:03d}-{now:%Y%m%d-%H%M%S}.db"


def manual_backup_name(database_path: Path, now: datetime) -> str:
    return f"{database_path.stem}-backup-{now:%Y%m%d-%H%M%S}.db"


def automatic_backup_name(database_path: Path, now: datetime) -> str:
    """`dukan-auto-20261121-103000.db`: taken on start or quit, pruned by rotation."""
    return f"{database_path.stem}-auto-{now:%Y%m%d-%H%M%S}.db"


def set_aside_name(database_path: Path, now: datetime) -> str:
    """The name a restore gives the file it replaced, in `replaced/`."""
    return f"{database_path.stem}-replaced-{now:%Y%m%d-%H%M%S}.db"


class BackupKind(Enum):
    AUTOMATIC = "automatic"
    MANUAL = "manual"
    UPGRADE = "before an upgrade"
    SET_ASIDE = "replaced by a restore"


# What follows the database's name in each kind's file name; `-2`, `-3` when a second repeats.
_KIND_PATTERNS = {
    BackupKind.AUTOMATIC: r"-auto-(?P<stamp>\d{8}-\d{6})(-\d+)?\.db",
    BackupKind.MANUAL: r"-backup-(?P<stamp>\d{8}-\d{6})(-\d+)?\.db",
    BackupKind.UPGRADE: r"-v(?P<version>\d{3})-(?P<stamp>\d{8}-\d{6})(-\d+)?\.db",
    BackupKind.SET_ASIDE: r"-replaced-(?P<stamp>\d{8}-\d{6})(-\d+)?\.db",
}


@dataclass(frozen=True, slots=True)
class BackupFile:
    """A file that Dukan's own naming says is a copy of one database."""

    path: Path
    kind: BackupKind
    taken_at: datetime  # from the name: the shop's local time when the copy was made


def parse_backup_name(database_path: Path, path: Path) -> BackupFile | None:
    """What `path`'s name says about it as a copy of `database_path`; None if it is not one."""
    stem = re.escape(database_path.stem)
    for kind, pattern in _KIND_PATTERNS.items():
        match = re.fullmatch(stem + pattern, path.name)
        if match is None:
            continue
        try:
            taken_at = datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S")
        except ValueError:  # digits that are no date, e.g. month 13
            return None
        return BackupFile(path, kind, taken_at)
    return None


def backup_files(database_path: Path, folders: Iterable[Path]) -> list[BackupFile]:
    """This database's backups of every kind in `folders`, newest first.

    A missing or unreadable folder has none. Only names, no file is opened: this is quick
    enough for the GUI thread however big the backups are.
    """
    found: dict[Path, BackupFile] = {}
    for folder in folders:
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for path in entries:
            parsed = parse_backup_name(database_path, path)
            if parsed is not None and path.is_file():
                found.setdefault(path.resolve(), parsed)
    return sorted(
        found.values(), key=lambda backup: (backup.taken_at, backup.path.name), reverse=True
    )


SQLITE_HEADER = b"SQLite format 3\x00"
HEADER_BYTES = 100


def looks_like_sqlite(path: Path) -> bool:
    """A cheap test that a file holds a whole database: its header, and a size that is the
    header's page count times its page size (a cut-off copy fails it), not a full check."""
    try:
        with path.open("rb") as file:
            header = file.read(HEADER_BYTES)
            size = os.fstat(file.fileno()).st_size
    except OSError:
        return False
    if len(header) < HEADER_BYTES or not header.startswith(SQLITE_HEADER):
        return False
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size  # 1 is how the header writes 64 KiB
    if page_size < 512 or page_size & (page_size - 1):
        return False
    page_count = int.from_bytes(header[28:32], "big")
    change_counter, valid_for = header[24:28], header[92:96]
    if page_count and change_counter == valid_for:
        return size == page_count * page_size
    # Written by an SQLite older than 3.7.0: the page count in the header cannot be trusted.
    return size > 0 and size % page_size == 0


# Where the header keeps `PRAGMA user_version`, the schema version Dukan's migrations set.
USER_VERSION_OFFSET = 60


def header_version(path: Path) -> int | None:
    """The schema version a standalone database file's header gives, read from its bytes
    (no SQLite connection, nothing beside it); None without a whole SQLite header. A file
    with a `-wal` may have a newer header in it: for copies `write_backup` made."""
    try:
        with path.open("rb") as file:
            header = file.read(HEADER_BYTES)
    except OSError:
        return None
    if len(header) < HEADER_BYTES or not header.startswith(SQLITE_HEADER):
        return None
    return int.from_bytes(header[USER_VERSION_OFFSET : USER_VERSION_OFFSET + 4], "big")


def read_setting(path: Path, key: str) -> str | None:
    """One value of a database file's `settings` table, read read-only without leaving a
    `-wal` or `-shm` beside a closed file; None when it has no such row (or no such table).

    Cheap: one small table read through its primary key. BackupError when the file cannot be
    read as a database (damaged, half written, not a database at all).
    """
    try:
        with open_read_only(path) as conn:
            has_table = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'settings'"
            ).fetchone()
            if has_table is None:
                return None
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    except (sqlite3.Error, OSError) as error:
        raise BackupError(f"{path} cannot be read: {error}") from error
    return None if row is None else str(row[0])


def unused_path(folder: Path, name: str) -> Path:
    """`name` in `folder`, or `name-2`, `name-3`… when a backup already took that second."""
    candidate = folder / name
    stem, suffix = candidate.stem, candidate.suffix
    counter = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{counter}{suffix}"
        counter += 1
    return candidate


def write_backup(source: Path, target: Path, progress: BackupProgress | None = None) -> Path:
    """Copy `source` to `target` page by page, check the copy, then rename it into place.

    Never a plain file copy: a WAL database's latest commits may live only in its `-wal` file.
    """
    if target.exists():
        raise BackupError(f"{target} already exists")
    try:
        with open_read_only(source, quiet=False) as source_conn:
            # One read transaction for the whole copy: the copy is the snapshot it began on.
            # Without it every commit elsewhere (a sale at the till) restarts the copy from
            # page one, and a busy till could keep a big file's backup from ever finishing.
            source_conn.execute("BEGIN")
            source_conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            _copy(source_conn, target, progress)
    except sqlite3.Error as error:
        # Only errors from reading the source get here; the copy's own are wrapped below.
        raise BackupError(f"{source} is not a readable database: {error}") from error
    log.info("backup written: %s -> %s", source, target)
    return target


def _copy(source_conn: sqlite3.Connection, target: Path, progress: BackupProgress | None) -> None:
    partial = target.with_name(target.name + PARTIAL_SUFFIX)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        copy = _open_copy(partial)
        try:

            def report(_status: int, remaining: int, total: int) -> None:
                if progress is not None:
                    progress(total - remaining, total)

            source_conn.backup(copy, pages=PAGES_PER_STEP, progress=report)
            # The copy stands alone: no -wal beside it is needed to read it back.
            copy.execute("PRAGMA journal_mode = DELETE")
            # Text is checked only where a start reads it: a copy the program could not open
            # is no backup. All of it (`check`) would make every backup seconds longer.
            problems = quick_check(copy) or [
                f"text that is not UTF-8 (damaged bytes) in {where}"
                for where in undecodable_text(copy, TABLES_READ_AT_START)
            ]
        finally:
            copy.close()
        if problems:
            raise BackupError(
                f"the copy failed its check: {summarise_problems(problems)}. The database "
                "copied is damaged (`python -m app check` lists where); restore an earlier "
                "backup"
            )
        durable_replace(partial, target)
    except (OSError, sqlite3.Error, BackupError) as error:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        if isinstance(error, BackupError):
            raise
        if _disk_full(error):
            raise BackupError(
                f"could not write the backup {target}: the disk is full ({error}); free some "
                "space on it or choose another backup folder in Settings"
            ) from error
        raise BackupError(f"could not write the backup {target}: {error}") from error


def _disk_full(error: OSError | sqlite3.Error) -> bool:
    if isinstance(error, OSError):
        return error.errno == errno.ENOSPC
    return getattr(error, "sqlite_errorcode", 0) & 0xFF == SQLITE_FULL


def _open_copy(partial: Path) -> sqlite3.Connection:
    """The connection the copy is written through; tests replace it to fill the disk."""
    return sqlite3.connect(partial, isolation_level=None)


def prune_upgrade_backups(database_path: Path, keep: int, newest: Path) -> list[Path]:
    """Delete all but `keep` of this database's pre-upgrade backups; returns what went.

    Only names made by `upgrade_backup_name` for this database count, so other databases
    sharing the folder keep theirs. `newest` (the one just written) always survives, even if
    the clock went back and its timestamp looks older than the rest.
    """
    own = re.compile(re.escape(database_path.stem) + r"-v\d{3}-\d{8}-\d{6}(-\d+)?\.db")
    folder = backup_dir_for(database_path)
    others = sorted(
        (p for p in folder.iterdir() if own.fullmatch(p.name) and p != newest),
        key=lambda p: (p.stat().st_mtime, p.name),
    )
    doomed = others[: max(len(others) - (keep - 1), 0)] if keep > 0 else others
    for path in doomed:
        path.unlink()
        log.info("old upgrade backup removed: %s", path)
    return doomed
