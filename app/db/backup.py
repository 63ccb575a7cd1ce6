"""Consistent, verified copies of a live database through SQLite's backup API."""

from __future__ import annotations

import contextlib
import logging
import re
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from app.db.sqlite_files import durable_replace, open_read_only, quick_check

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
        copy = sqlite3.connect(partial, isolation_level=None)
        try:

            def report(_status: int, remaining: int, total: int) -> None:
                if progress is not None:
                    progress(total - remaining, total)

            source_conn.backup(copy, pages=PAGES_PER_STEP, progress=report)
            # The copy stands alone: no -wal beside it is needed to read it back.
            copy.execute("PRAGMA journal_mode = DELETE")
            problems = quick_check(copy)
        finally:
            copy.close()
        if problems:
            raise BackupError(f"the copy failed its check: {problems[0]}")
        durable_replace(partial, target)
    except (OSError, sqlite3.Error, BackupError) as error:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        if isinstance(error, BackupError):
            raise
        raise BackupError(f"could not write the backup {target}: {error}") from error


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
