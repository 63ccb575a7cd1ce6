"""The restore dialog lists real backup files, marks unreadable ones, and returns the choice."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.db.database import DukanDatabase
from app.db.migrator import Migrator
from app.services.auto_backup import AutoBackups
from app.services.maintenance import BackupEntry, MaintenanceService
from app.ui import prompts
from app.ui.restore_dialog import RestoreDialog, format_size

MOMENT = datetime(2026, 11, 21, 10, 32, 5)


def _sell(path: Path, count: int) -> None:
    conn = sqlite3.connect(path)
    with conn:
        for _ in range(count):
            conn.execute("INSERT INTO sales (total, paid) VALUES (100, 100)")
        conn.execute("INSERT INTO customers (name) VALUES ('Amina')")
    conn.close()


@pytest.fixture
def listed(
    database: DukanDatabase, database_path: Path, migrator: Migrator, tmp_path: Path
) -> tuple[MaintenanceService, list[BackupEntry]]:
    """A manual, an automatic, an older pre-upgrade and a damaged backup, listed for real."""
    maintenance = MaintenanceService(database_path, migrator)
    _sell(database_path, 2)
    maintenance.backup_now()
    _sell(database_path, 1)
    AutoBackups(database_path, now=lambda: MOMENT).run()
    old = tmp_path / "old" / "dukan.db"
    migrator.migrate(old, target=20)
    _sell(old, 4)
    folder = maintenance.backup_folder
    old.rename(folder / "dukan-v020-20250101-080000.db")
    (folder / "dukan-auto-20240101-000000.db").write_bytes(b"PK\x03\x04 a zip, not a database")
    (folder / "demo-auto-20261121-103205.db").write_bytes(b"another database's")
    return maintenance, maintenance.list_backups()


def test_every_backup_is_listed_newest_first_with_what_it_holds(
    qtbot: QtBot, listed: tuple[MaintenanceService, list[BackupEntry]], migrator: Migrator
) -> None:
    maintenance, entries = listed
    dialog = RestoreDialog(entries, maintenance.backup_folders, migrator.latest_version)
    qtbot.addWidget(dialog)

    table = dialog.table
    assert table.rowCount() == 4
    rows = [[dialog.cell(row, column) for column in range(table.columnCount())] for row in range(4)]
    latest = str(migrator.latest_version)
    (damaged,) = [row for row in rows if row[2] == "unreadable"]
    readable = {row[1]: row for row in rows if row is not damaged}
    manual, automatic = readable["manual"], readable["automatic"]
    upgrade = readable["before an upgrade"]
    assert automatic[:3] == ["21 Nov 2026 10:32", "automatic", latest]
    assert automatic[4:] == ["3", "2", "dukan-auto-20261121-103205.db"]
    assert manual[1:3] == ["manual", latest] and manual[4:6] == ["2", "1"]
    assert upgrade[:3] == ["01 Jan 2025 08:00", "before an upgrade", "20 (upgraded on restore)"]
    assert upgrade[4:6] == ["4", "1"]
    assert damaged[1:3] == ["automatic", "unreadable"] and damaged[4:6] == ["", ""]
    # Newest first: the dates in the first column only go back in time.
    taken = [entry.taken_at for entry in entries if entry.taken_at is not None]
    assert len(taken) == 4
    assert taken == sorted(taken, reverse=True)
    assert "demo" not in "".join(row[6] for row in rows)


def test_the_chosen_row_is_returned_and_unreadable_ones_cannot_be_restored(
    qtbot: QtBot, listed: tuple[MaintenanceService, list[BackupEntry]], migrator: Migrator
) -> None:
    maintenance, entries = listed
    dialog = RestoreDialog(entries, maintenance.backup_folders, migrator.latest_version)
    qtbot.addWidget(dialog)
    damaged = next(row for row, entry in enumerate(entries) if entry.version is None)
    assert entries[0].version is not None
    assert dialog.selected_entry() == entries[0]  # the newest readable one, ready to restore
    assert dialog.restore_button.isEnabled()

    dialog.table.selectRow(damaged)
    assert not dialog.restore_button.isEnabled()
    assert dialog.detail_label.text().startswith("This file cannot be restored: ")
    assert "not a Dukan database" in dialog.detail_label.text()

    upgrade = next(row for row, e in enumerate(entries) if e.kind == "before an upgrade")
    dialog.table.selectRow(upgrade)
    assert dialog.restore_button.isEnabled()
    with qtbot.waitSignal(dialog.accepted):
        dialog.restore_button.click()
    assert dialog.chosen == entries[upgrade].path


def test_browse_returns_a_file_from_elsewhere(
    qtbot: QtBot, tmp_path: Path, migrator: Migrator, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "usb" / "shop-copy.db"
    asked_in: list[Path] = []

    def choose(_parent: object, folder: Path) -> Path:
        asked_in.append(folder)
        return elsewhere

    monkeypatch.setattr(prompts, "choose_backup", choose)
    folder = tmp_path / "backups"
    dialog = RestoreDialog([], [folder], migrator.latest_version)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0
    assert not dialog.restore_button.isEnabled()
    assert "No backups of this shop's books were found" in dialog.intro_label.text()
    with qtbot.waitSignal(dialog.accepted):
        dialog.browse_button.click()
    assert (dialog.chosen, asked_in) == (elsewhere, [folder])


def test_ask_returns_the_choice_or_none_when_cancelled(
    qtbot: QtBot, listed: tuple[MaintenanceService, list[BackupEntry]], migrator: Migrator
) -> None:
    maintenance, entries = listed

    def answer(accept: bool) -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, RestoreDialog)
        if accept:
            dialog.restore_button.click()
        else:
            dialog.reject()

    QTimer.singleShot(0, lambda: answer(True))
    chosen = RestoreDialog.ask(None, entries, maintenance.backup_folders, migrator.latest_version)
    assert chosen == entries[0].path
    QTimer.singleShot(0, lambda: answer(False))
    assert RestoreDialog.ask(None, entries, maintenance.backup_folders, 29) is None


def test_a_file_that_is_no_backup_is_described_not_raised(
    listed: tuple[MaintenanceService, list[BackupEntry]], tmp_path: Path
) -> None:
    maintenance, _entries = listed
    photo = tmp_path / "holiday.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not a database" * 40)
    entry = maintenance.describe_entry(photo)
    assert (entry.kind, entry.version) == ("chosen file", None)
    assert "not a Dukan database" in str(entry.problem)
    missing = maintenance.describe_entry(tmp_path / "gone.db")
    assert missing.version is None and missing.problem
    assert missing.taken_at is None  # neither a name Dukan gave, nor a file to look at


def test_a_file_that_could_not_be_looked_at_was_taken_at_an_unknown_time(
    qtbot: QtBot, listed: tuple[MaintenanceService, list[BackupEntry]], tmp_path: Path
) -> None:
    maintenance, _entries = listed
    gone = maintenance.describe_entry(tmp_path / "gone.db")
    dialog = RestoreDialog([gone], maintenance.backup_folders, 29)
    qtbot.addWidget(dialog)
    assert dialog.cell(0, 0) == "unknown"  # not "01 Jan 0001"
    assert dialog.cell(0, 2) == "unreadable"


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (0, "0 KB"),
        (812 * 1024, "812 KB"),
        (int(217.4 * 1024**2), "217.4 MB"),
        (3 * 1024**3, "3.00 GB"),
    ],
)
def test_sizes_are_written_for_people(size: int, text: str) -> None:
    assert format_size(size) == text
