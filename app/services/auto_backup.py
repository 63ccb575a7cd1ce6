"""Automatic backups on start (once a day) and on quit, pruned by the rotation rule."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.db.backup import (
    BackupError,
    BackupFile,
    BackupKind,
    BackupProgress,
    automatic_backup_name,
    backup_dir_for,
    backup_files,
    looks_like_sqlite,
    unused_path,
    write_backup,
)
from app.domain.backup_rotation import backups_to_keep
from app.domain.shop_settings import DEFAULT_BACKUPS_KEPT
from app.services.errors import ServiceError
from app.services.shop_identity import Owner, backup_owner, identify_shop, stored_shop_id

log = logging.getLogger(__name__)

# Kinds that are copies of the books as they were; a set-aside file is the books a restore
# replaced, not a backup anyone took.
BACKUP_KINDS = (BackupKind.AUTOMATIC, BackupKind.MANUAL, BackupKind.UPGRADE)


@dataclass(frozen=True, slots=True)
class StartBackup:
    """What the start of the window did about backups."""

    written: Path | None  # None: none was due (one was taken today), or it failed
    failure: str | None  # why it failed, as the operator is told
    last_backup: datetime | None  # the newest of this shop's backups of every kind, afterwards


def backup_folders(database_path: Path, folder: Path | None) -> list[Path]:
    """The chosen folder, then the default one beside the database (upgrade backups go there)."""
    default = backup_dir_for(database_path)
    chosen = folder.expanduser().resolve() if folder is not None else default
    return [chosen] if chosen == default else [chosen, default]


def last_backup_time(database_path: Path, folders: Iterable[Path]) -> datetime | None:
    """When the newest backup of this shop, of any kind, in `folders` was taken; None when
    there is none. Opens files newest first until one is this shop's (usually the first)."""
    this_shop = stored_shop_id(database_path)
    for backup in backup_files(database_path, folders):
        if backup.kind in BACKUP_KINDS and backup_owner(backup.path, this_shop) is Owner.THIS_SHOP:
            return backup.taken_at
    return None


class AutoBackups:
    """Backups the window takes by itself; `run` is safe in a worker thread (own connection)."""

    def __init__(
        self,
        database_path: Path,
        folder: Path | None = None,
        keep_daily: int = DEFAULT_BACKUPS_KEPT,
        now: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.database_path = database_path
        self.folders = backup_folders(database_path, folder)
        self.keep_daily = keep_daily
        self._now = now

    @property
    def folder(self) -> Path:
        """Where automatic backups are written."""
        return self.folders[0]

    def automatic_backups(self) -> list[BackupFile]:
        """This shop's automatic backups that look whole, newest first."""
        return list(self._own_automatic_backups())

    def _own_automatic_backups(self) -> Iterator[BackupFile]:
        """Named as this database's, whole to look at, and holding this shop's books: two
        shops (or tills) whose files are both `dukan.db` may share one backup folder."""
        this_shop = stored_shop_id(self.database_path)
        for backup in backup_files(self.database_path, [self.folder]):
            if (
                backup.kind is BackupKind.AUTOMATIC
                and looks_like_sqlite(backup.path)
                and backup_owner(backup.path, this_shop) is Owner.THIS_SHOP
            ):
                yield backup

    def due_on_start(self) -> bool:
        """Whether the start of the window should back up: not if one was taken today.

        Reads names, then opens the newest files until one is this shop's.
        """
        newest = next(self._own_automatic_backups(), None)
        return newest is None or newest.taken_at.date() != self._now().date()

    def last_backup(self) -> datetime | None:
        """The newest backup of every kind (automatic, manual, before an upgrade)."""
        return last_backup_time(self.database_path, self.folders)

    def back_up_on_start(self) -> StartBackup:
        """Back up if none was taken today, and say when the last backup was; for a worker.

        Everything here reads the backup folder, and a folder on an unplugged USB stick or an
        unreachable share can take long to answer: the window must not wait on it.
        """
        written, failure = None, None
        if self.due_on_start():
            try:
                written = self.run()
            except ServiceError as error:  # `run` logged it
                failure = str(error)
        return StartBackup(written, failure, self.last_backup())

    def run(self, progress: BackupProgress | None = None) -> Path:
        """Write a verified automatic backup, then prune older automatic ones.

        On failure nothing is pruned and no partial file is left; ServiceError says why.
        """
        target = unused_path(self.folder, automatic_backup_name(self.database_path, self._now()))
        identify_shop()  # before the copy, so the copy carries the id
        try:
            written = write_backup(self.database_path, target, progress)
        except BackupError as error:
            log.error("automatic backup failed: %s", error)
            raise ServiceError(
                f"The automatic backup failed: {error}. Older backups were kept."
            ) from error
        try:
            self.rotate(newest=written)
        except OSError:
            # The new backup is written and sound; too many old ones is no reason to fail.
            log.warning("could not prune old automatic backups in %s", self.folder, exc_info=True)
        return written

    def rotate(self, newest: Path) -> list[Path]:
        """Delete the automatic backups the rotation rule does not keep; returns what went.

        `newest` (the one just written) stays even if the clock went back and its name looks
        older than the rest. Manual and pre-upgrade backups, other databases' and other shops'
        files and files that do not look like a database are never touched.
        """
        backups = self.automatic_backups()
        kept = backups_to_keep((backup.taken_at for backup in backups), self.keep_daily)
        doomed = [
            backup.path
            for backup in backups
            if backup.taken_at not in kept and backup.path.resolve() != newest.resolve()
        ]
        for path in doomed:
            path.unlink()
            log.info("old automatic backup removed: %s", path)
        return doomed
