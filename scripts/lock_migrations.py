"""Adds new migrations to `migrations/migrations.lock`; refuses to change a released entry."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.db.migration_files import (
    LOCK_FILE_NAME,
    MigrationFileError,
    lock_text,
    read_lock,
    scan_migrations,
)
from app.paths import migrations_dir


def main() -> int:
    directory = migrations_dir()
    migrations = scan_migrations(directory)
    locked = read_lock(directory) if (directory / LOCK_FILE_NAME).exists() else {}
    for migration in migrations:
        released = locked.get(migration.version)
        if released is not None and released != (migration.checksum, migration.file_name):
            raise MigrationFileError(
                f"{migration.file_name} differs from its released entry; write a new migration"
            )
    (directory / LOCK_FILE_NAME).write_text(lock_text(migrations), "utf-8")
    sys.stdout.write(f"{LOCK_FILE_NAME}: {len(migrations)} migrations\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
