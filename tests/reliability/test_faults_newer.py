"""A database from a newer Dukan, everywhere it can come in: every command, the window's start
(first run included) and File → Restore's Browse…: a clear message, the file byte-identical."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app import paths
from app.db.migrator import Migrator
from app.main import StartedWindow, start_window
from app.services.maintenance import BackupEntry
from app.startup import CANNOT_OPEN, EXIT_STARTUP_FAILED
from app.ui.restore_dialog import RestoreDialog
from tests.reliability.faults_support import (
    REPO_ROOT,
    TIMEOUT_SECONDS,
    open_window,
)
from tests.reliability.test_faults_files import HOOKED_WINDOW
from tests.test_cli import (
    all_rows,
    assert_no_traceback,
    make_newer,
    output_of,
    run_cli,
    sha256_of,
)
from tests.ui import conftest as ui_fixtures
from tests.ui.conftest import PromptRecorder

recorded_prompts = ui_fixtures.recorded_prompts
started = ui_fixtures.started

EXIT_REFUSED = 3


def said_newer(text: str, latest: int) -> bool:
    return (
        f"newer Dukan (database version {latest + 1})" in text
        and f"versions up to {latest}" in text
    )


def files_beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


@pytest.fixture
def newer(database_path: Path, migrator: Migrator) -> Path:
    """The test's shop file as a newer Dukan would leave it: one migration ahead."""
    make_newer(database_path, migrator.latest_version)
    return database_path


@pytest.mark.parametrize(
    "args",
    [
        ("migrate",),
        ("migrate", "--dry-run"),
        ("migrate", "--to", "1"),
        ("status",),
        ("check",),
    ],
    ids=" ".join,
)
def test_every_command_refuses_a_newer_file_and_leaves_it_byte_identical(
    newer: Path, data_dir: Path, migrator: Migrator, args: tuple[str, ...]
) -> None:
    before, beside = sha256_of(newer), files_beside(newer)

    result = run_cli(data_dir, *args, "--db", newer)

    assert result.returncode == EXIT_REFUSED, output_of(result)
    assert_no_traceback(result)
    assert "Refused:" in result.stderr
    assert said_newer(result.stderr, migrator.latest_version), output_of(result)
    assert "Nothing was changed" in result.stderr
    assert "Applying" not in result.stdout
    assert sha256_of(newer) == before
    # No -wal, -shm, lock, backup or dry-run folder left beside it.
    assert files_beside(newer) == beside


def test_backup_copies_a_newer_file_and_says_only_a_newer_dukan_can_use_it(
    newer: Path, data_dir: Path, migrator: Migrator, tmp_path: Path
) -> None:
    before = sha256_of(newer)
    copy = tmp_path / "elsewhere" / "copy.db"

    result = run_cli(data_dir, "backup", "--db", newer, "--out", copy)

    # README: backup exits 0 or 1; a copy of what a newer Dukan wrote is still a good copy.
    assert result.returncode == 0, output_of(result)
    assert_no_traceback(result)
    assert said_newer(result.stdout, migrator.latest_version), output_of(result)
    assert "only the newer Dukan can open or restore this backup" in result.stdout
    assert sha256_of(newer) == before
    assert all_rows(copy) == all_rows(newer)


def test_restore_of_a_newer_backup_is_refused_and_the_shop_stays_as_it_was(
    database_path: Path, data_dir: Path, migrator: Migrator, tmp_path: Path
) -> None:
    backup = tmp_path / "usb" / "newer.db"
    backup.parent.mkdir()
    shutil.copyfile(database_path, backup)
    make_newer(backup, migrator.latest_version)
    shop_before, backup_before = sha256_of(database_path), sha256_of(backup)
    beside = files_beside(database_path)

    result = run_cli(data_dir, "restore", "--db", database_path, "--backup", backup)

    assert result.returncode == EXIT_REFUSED, output_of(result)
    assert_no_traceback(result)
    assert "Refused:" in result.stderr
    assert said_newer(result.stderr, migrator.latest_version), output_of(result)
    assert sha256_of(database_path) == shop_before
    assert sha256_of(backup) == backup_before
    # No replaced/ folder, no .restoring copy, no lock left behind.
    assert files_beside(database_path) == beside
    assert files_beside(backup) == ["newer.db"]


# ----- the window ------------------------------------------------------------------------------


@pytest.mark.parametrize("given", ["--db", "the data folder's shop, first run"])
def test_the_window_refuses_a_newer_file_at_start_before_the_first_run_settings(
    qtbot: QtBot,
    data_dir: Path,
    tmp_path: Path,
    latest_template: Path,
    *,
    migrator: Migrator,
    started: list[StartedWindow],
    recorded_prompts: PromptRecorder,
    given: str,
) -> None:
    # Neither file has ever had its Settings offered: a first start, were it this Dukan's.
    shop = tmp_path / "shop" / "dukan.db" if given == "--db" else paths.default_database_path()
    shop.parent.mkdir(parents=True)
    shutil.copyfile(latest_template, shop)
    make_newer(shop, migrator.latest_version)
    before, beside = sha256_of(shop), files_beside(shop)

    result = start_window(shop if given == "--db" else None)

    if isinstance(result, StartedWindow):
        started.append(result)
    assert result == EXIT_STARTUP_FAILED
    assert recorded_prompts.titles() == [CANNOT_OPEN]  # and no Settings dialog
    assert said_newer(recorded_prompts.texts(), migrator.latest_version)
    assert "Nothing was changed" in recorded_prompts.texts()
    assert sha256_of(shop) == before
    # (The data folder's shop has the program's log folder beside it.)
    assert [name for name in files_beside(shop) if name != "logs"] == beside


def test_the_started_program_refuses_a_newer_file_with_a_dialog_and_exit_1(
    newer: Path, data_dir: Path
) -> None:
    before, beside = sha256_of(newer), files_beside(newer)

    window = subprocess.run(
        [sys.executable, "-c", HOOKED_WINDOW, "--db", str(newer)],
        cwd=REPO_ROOT,
        env={
            **os.environ,
            paths.DATA_DIR_VARIABLE: str(data_dir),
            "QT_QPA_PLATFORM": "offscreen",
            "DUKAN_QUIT_WHEN_SHOWN": "1",
            "DUKAN_SMOKE_TIMEOUT": "60",
        },
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS * 2,
        check=False,
    )

    assert window.returncode == EXIT_STARTUP_FAILED, window.stderr
    assert f"cancelled the dialog {CANNOT_OPEN!r}" in window.stderr
    assert "newer Dukan" in window.stderr  # the refusal, as logged
    assert sha256_of(newer) == before
    assert files_beside(newer) == beside


def test_restore_from_a_newer_backup_chosen_with_browse_is_refused_in_the_window(
    qtbot: QtBot,
    database: object,
    database_path: Path,
    data_dir: Path,
    tmp_path: Path,
    *,
    migrator: Migrator,
    recorded_prompts: PromptRecorder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backup = tmp_path / "usb" / "from-the-new-till.db"
    backup.parent.mkdir()
    shutil.copyfile(database_path, backup)
    make_newer(backup, migrator.latest_version)
    recorded_prompts.chosen_backup = backup  # what the file chooser behind Browse… returns
    browsed: list[Path | None] = []

    def browse(
        parent: QWidget, listed: list[BackupEntry], folders: list[Path], version: int
    ) -> Path | None:
        # The real dialog, its Browse… button pressed, instead of a modal exec().
        dialog = RestoreDialog(listed, folders, version, parent)
        qtbot.addWidget(dialog)
        with qtbot.waitSignal(dialog.accepted):
            dialog.browse_button.click()
        browsed.append(dialog.chosen)
        return dialog.chosen

    monkeypatch.setattr(RestoreDialog, "ask", staticmethod(browse))
    window = open_window(database_path, data_dir)
    qtbot.addWidget(window)
    rows_before, backup_before = all_rows(database_path), sha256_of(backup)

    window.restore_action.trigger()

    assert browsed == [backup]
    assert recorded_prompts.titles() == ["This backup cannot be restored"]
    assert said_newer(recorded_prompts.texts(), migrator.latest_version)
    assert all_rows(database_path) == rows_before
    assert sha256_of(backup) == backup_before
    assert not (database_path.parent / "replaced").exists()
    assert files_beside(backup) == ["from-the-new-till.db"]
