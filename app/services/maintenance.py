"""Facts about the open database, and the "Backup now" and "Restore from backup" use cases."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.db.backup import (
    BackupError,
    backup_dir_for,
    manual_backup_name,
    unused_path,
    write_backup,
)
from app.db.database import close_connection, schema_version, sqlite_library_version
from app.db.migrator import MigrationError, Migrator, Progress
from app.db.restore import (
    BackupDescription,
    RestoreError,
    describe_backup,
    restore_and_upgrade,
    set_aside_folder,
)
from app.services.errors import ServiceError

# (pages copied, pages in all)
BackupProgress = Callable[[int, int], None]
# (step, steps in all, message)
StepProgress = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class RestoreOutcome:
    set_aside: Path | None
    from_version: int
    to_version: int


class MaintenanceService:
    def __init__(self, database_path: Path, migrator: Migrator) -> None:
        self.database_path = database_path
        self._migrator = migrator

    @property
    def backup_folder(self) -> Path:
        return backup_dir_for(self.database_path)

    @property
    def set_aside_folder(self) -> Path:
        return set_aside_folder(self.database_path)

    def schema_version(self) -> int:
        return schema_version()

    def is_current(self) -> bool:
        """Whether the open file is at this Dukan's version (false after a failed upgrade)."""
        return self.schema_version() == self._migrator.latest_version

    @staticmethod
    def sqlite_version() -> str:
        return sqlite_library_version()

    def backup_now(self, progress: BackupProgress | None = None) -> Path:
        """A verified copy in the backup folder; safe to call from a worker thread.

        It reads through its own connection, so the till can keep selling while it runs.
        """
        target = unused_path(
            self.backup_folder, manual_backup_name(self.database_path, datetime.now())
        )
        try:
            return write_backup(self.database_path, target, progress)
        except BackupError as error:
            raise ServiceError(f"The backup failed: {error}. Older backups were kept.") from error

    def describe_backup(self, backup: Path) -> BackupDescription:
        """What restoring `backup` would bring back; ServiceError if it cannot be restored."""
        try:
            return describe_backup(self._migrator, backup)
        except MigrationError as error:
            raise ServiceError(str(error)) from error

    def release_database(self) -> None:
        """Close the calling thread's connection; the next query opens the file anew.

        Call it on the GUI thread before `restore`: a connection left open on the file
        that is moved aside would keep writing there.
        """
        close_connection()

    def restore(self, backup: Path, progress: StepProgress | None = None) -> RestoreOutcome:
        """Put `backup` in the database's place and upgrade it; safe in a worker thread."""

        def forward(step: Progress) -> None:
            if progress is not None:
                progress(step.step, step.total, step.message)

        try:
            restored, upgrade = restore_and_upgrade(
                self._migrator, backup, self.database_path, now=datetime.now(), progress=forward
            )
        except RestoreError as error:
            raise ServiceError(f"The restore failed: {error}. Nothing was changed.") from error
        except MigrationError as error:
            raise ServiceError(str(error)) from error
        return RestoreOutcome(restored.set_aside, upgrade.from_version, upgrade.to_version)
