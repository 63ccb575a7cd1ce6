"""Copies of the migrations folder that tests may break, extend or cut short."""

from __future__ import annotations

import shutil
from pathlib import Path

from app.db.migration_files import FILE_NAME, LOCK_FILE_NAME, lock_text, scan_migrations
from app.paths import migrations_dir


def copy_bundle(target: Path, *, upto: int | None = None) -> Path:
    """The real migration files (only up to `upto` when given) with their real lock file.

    Cutting the bundle keeps tests that add a migration 011 independent of whatever 011 the
    project ships later.
    """
    source = migrations_dir()
    target.mkdir(parents=True)
    for path in sorted(source.iterdir()):
        match = FILE_NAME.match(path.name)
        if match is not None and (upto is None or int(match["version"]) <= upto):
            shutil.copyfile(path, target / path.name)
    if upto is None:
        # The uncut copy carries the committed lock file itself, not a regenerated one.
        shutil.copyfile(source / LOCK_FILE_NAME, target / LOCK_FILE_NAME)
    else:
        relock(target)
    return target


def relock(folder: Path) -> None:
    """What `scripts/lock_migrations.py` writes for this folder's files."""
    (folder / LOCK_FILE_NAME).write_text(lock_text(scan_migrations(folder)), "utf-8")


def add_migration(folder: Path, file_name: str, sql: str) -> Path:
    """Add a migration and lock it, as a developer releasing it would."""
    path = folder / file_name
    path.write_text(sql, "utf-8")
    relock(folder)
    return path


def bundle_failing_at_010(target: Path) -> Path:
    """The real migrations with 010 replaced by one whose second statement fails at run time."""
    folder = copy_bundle(target, upto=9)
    add_migration(
        folder,
        "010_create_open_debts_view_and_indexes.sql",
        "CREATE INDEX idx_sales_sold_at ON sales(sold_at);\n"
        "CREATE INDEX idx_missing ON no_such_table(id);\n",
    )
    return folder
