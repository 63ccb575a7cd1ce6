"""Facts about the open database, and the "Backup now" and "Restore from backup" use cases."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.db.backup import (
    BackupError,
    BackupProgress,
    backup_files,
    manual_backup_name,
    parse_backup_name,
    unused_path,
    write_backup,
)
from app.db.database import close_connection, schema_version, sqlite_library_version
from app.db.migrator import MigrationError, Migrator, Progress
from app.db.restore import (
    ChangesSince,
    RestoreError,
    changes_since,
    describe_backup,
    restore_and_upgrade,
    set_aside_folder,
)
from app.services.auto_backup import backup_folders, last_backup_time
from app.services.errors import ServiceError
from app.services.shop_identity import Owner, backup_owner, identify_shop, stored_shop_id

# (step, steps in all, message)
StepProgress = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class BackupEntry:
    """One file the operator may restore, as the restore dialog lists it."""

    path: Path
    kind: str  # "automatic", "manual", "before an upgrade", "replaced by a restore"
    taken_at: datetime | None  # None: the file could not even be looked at, nor its name read
    size_bytes: int
    version: int | None  # None when the file cannot be restored, and then:
    problem: str | None  # why not
    sales: int
    customers: int


@dataclass(frozen=True, slots=True)
class RestoreOutcome:
    set_aside: Path | None
    from_version: int
    to_version: int


class MaintenanceService:
    def __init__(
        self, database_path: Path, migrator: Migrator, backup_folder: Path | None = None
    ) -> None:
        """`backup_folder` None: `backups/` beside the database."""
        self.database_path = database_path
        self._migrator = migrator
        self._folders = backup_folders(database_path, backup_folder)

    @property
    def backup_folder(self) -> Path:
        """Where "Backup now" writes (the shop's chosen folder, or the default one)."""
        return self._folders[0]

    @property
    def default_backup_folder(self) -> Path:
        """`backups/` beside the database: where upgrades write, and Settings' blank choice."""
        return self._folders[-1]

    @property
    def backup_folders(self) -> list[Path]:
        """Every folder holding this database's backups: the chosen one, then the default."""
        return list(self._folders)

    def last_backup(self) -> datetime | None:
        """When the newest backup of any kind was taken; None when there is none."""
        return last_backup_time(self.database_path, self._folders)

    def taken_at(self, backup: Path) -> datetime | None:
        """When `backup` was taken, as its name says; None for a name Dukan did not give."""
        named = parse_backup_name(self.database_path, backup)
        return named.taken_at if named is not None else None

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
        identify_shop()  # before the copy, so the copy carries the id
        try:
            return write_backup(self.database_path, target, progress)
        except BackupError as error:
            raise ServiceError(f"The backup failed: {error}. Older backups were kept.") from error

    def list_backups(self, progress: StepProgress | None = None) -> list[BackupEntry]:
        """This shop's backups in its folders and the files restores set aside, newest first,
        each read read-only; a file that cannot be restored is listed with the reason.

        Files of another shop (its id inside, the same file name) in a shared backup folder
        are left out: one click must not put another shop's books in place of these. Browse…
        still reaches them (books moving to a new computer). The set-aside folder sits
        beside the database, so all of it is this database's books, whatever their id.

        Safe in a worker thread: it opens each file through its own connection.
        """
        this_shop = stored_shop_id(self.database_path)
        found = [
            backup
            for backup in backup_files(self.database_path, self._folders)
            if backup_owner(backup.path, this_shop) is not Owner.ANOTHER_SHOP
        ]
        listed = {backup.path.resolve() for backup in found}
        found += [
            backup
            for backup in backup_files(self.database_path, [self.set_aside_folder])
            if backup.path.resolve() not in listed
        ]
        found.sort(key=lambda backup: (backup.taken_at, backup.path.name), reverse=True)
        entries = []
        for step, backup in enumerate(found):
            if progress is not None:
                progress(step, len(found), f"Reading {backup.path.name}…")
            entries.append(
                self.describe_entry(
                    backup.path, backup.kind.value, backup.taken_at, check_integrity=False
                )
            )
        return entries

    def describe_entry(
        self,
        path: Path,
        kind: str | None = None,
        taken_at: datetime | None = None,
        *,
        check_integrity: bool = True,
    ) -> BackupEntry:
        """One file as the restore dialog lists it, readable or not (never raises).

        Kind and time come from the file's name when Dukan named it for this database,
        otherwise "chosen file" and its modification time. `check_integrity` (a second per
        200 MB; safe in a worker thread) also runs the migrator's whole-file check.
        """
        named = parse_backup_name(self.database_path, path)
        kind = kind or (named.kind.value if named is not None else "chosen file")
        taken_at = taken_at or (named.taken_at if named is not None else None)
        try:
            size = path.stat().st_size
            modified = datetime.fromtimestamp(path.stat().st_mtime)
        except OSError as error:
            return BackupEntry(path, kind, taken_at, 0, None, str(error), 0, 0)
        try:
            found = describe_backup(self._migrator, path, check_integrity=check_integrity)
        except MigrationError as error:
            return BackupEntry(path, kind, taken_at or modified, size, None, str(error), 0, 0)
        return BackupEntry(
            path,
            kind,
            taken_at or modified,
            size,
            found.version,
            None,
            found.sales,
            found.customers,
        )

    def changes_since(self, backup: Path) -> ChangesSince | None:
        """What restoring `backup` would take out of the books, counted cheaply; None when
        the current file and the backup went separate ways and only the date can be said."""
        return changes_since(backup, self.database_path)

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
