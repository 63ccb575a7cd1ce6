"""Facts about the open database and the "Backup now" use case."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from app.db.backup import (
    BackupError,
    backup_dir_for,
    manual_backup_name,
    unused_path,
    write_backup,
)
from app.db.database import schema_version, sqlite_library_version
from app.services.errors import ServiceError

# (pages copied, pages in all)
BackupProgress = Callable[[int, int], None]


class MaintenanceService:
    def __init__(self, database_path: Path) -> None:
        self.database_path = database_path

    @property
    def backup_folder(self) -> Path:
        return backup_dir_for(self.database_path)

    def schema_version(self) -> int:
        return schema_version()

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
