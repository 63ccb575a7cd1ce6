"""Facts about the open database and "Backup now"."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from app.db.database import DukanDatabase
from app.db.migrator import Migrator
from app.db.tables import Sale
from app.services.errors import ServiceError
from app.services.maintenance import MaintenanceService
from app.services.setting_keys import SHOP_ID


def test_schema_version_and_backup_folder(
    database: DukanDatabase, database_path: Path, migrator: Migrator
) -> None:
    service = MaintenanceService(database_path, migrator)
    assert service.schema_version() == migrator.latest_version
    assert service.backup_folder == database_path.parent / "backups"
    assert service.default_backup_folder == database_path.parent / "backups"


def test_a_chosen_backup_folder_comes_first_and_the_default_stays_listed(
    database: DukanDatabase, database_path: Path, migrator: Migrator, tmp_path: Path
) -> None:
    chosen = tmp_path / "usb"
    service = MaintenanceService(database_path, migrator, chosen)
    default = database_path.parent / "backups"
    assert (service.backup_folder, service.default_backup_folder) == (chosen, default)
    assert service.backup_folders == [chosen, default]
    assert service.last_backup() is None
    written = service.backup_now()
    assert written.parent == chosen
    assert service.last_backup() is not None
    assert service.sqlite_version() == sqlite3.sqlite_version


def test_backup_now_copies_committed_rows_and_reports_progress(
    database: DukanDatabase, database_path: Path, migrator: Migrator
) -> None:
    with database.atomic():
        Sale.create(sold_at="2026-03-14 10:00:00", total=0, paid=0, note="Ваня's receipt")
    progress: list[tuple[int, int]] = []
    written = MaintenanceService(database_path, migrator).backup_now(
        lambda *step: progress.append(step)
    )
    assert written.parent == database_path.parent / "backups"
    assert written.name.startswith("dukan-backup-")
    assert progress and progress[-1][0] == progress[-1][1] > 0
    conn = sqlite3.connect(f"{written.as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("SELECT note FROM sales").fetchall() == [("Ваня's receipt",)]
        assert conn.execute("PRAGMA user_version").fetchone() == (migrator.latest_version,)
    finally:
        conn.close()


def test_two_backups_in_one_second_get_two_files(
    database: DukanDatabase, database_path: Path, migrator: Migrator
) -> None:
    service = MaintenanceService(database_path, migrator)
    first, second = service.backup_now(), service.backup_now()
    assert first != second
    assert first.exists() and second.exists()


def test_a_failed_backup_raises_a_service_error(
    database: DukanDatabase, database_path: Path, migrator: Migrator
) -> None:
    (database_path.parent / "backups").write_text("a file where the folder should be")
    with pytest.raises(ServiceError, match="The backup failed"):
        MaintenanceService(database_path, migrator).backup_now()


def test_the_restore_list_leaves_out_another_shops_books_in_a_shared_folder(
    database: DukanDatabase, database_path: Path, migrator: Migrator, tmp_path: Path
) -> None:
    shared = tmp_path / "usb"
    service = MaintenanceService(database_path, migrator, shared)
    ours = service.backup_now()
    # Another shop's `dukan.db`, backed up to the same stick under the same kind of name.
    theirs = shared / "dukan-auto-20991231-235959.db"
    theirs.write_bytes(ours.read_bytes())
    conn = sqlite3.connect(theirs)
    with conn:
        conn.execute("UPDATE settings SET value = ? WHERE key = ?", ("e" * 32, SHOP_ID))
    conn.close()
    before_ids = shared / "dukan-backup-20000101-000000.db"  # a backup from before shop ids
    before_ids.write_bytes(ours.read_bytes())
    conn = sqlite3.connect(before_ids)
    with conn:
        conn.execute("DELETE FROM settings WHERE key = ?", (SHOP_ID,))
    conn.close()

    listed = [entry.path for entry in service.list_backups()]

    assert listed == [ours, before_ids]
    assert service.last_backup() != datetime(2099, 12, 31, 23, 59, 59)
