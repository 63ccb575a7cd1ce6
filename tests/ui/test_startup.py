"""Start-up: upgrade before the window, one instance per database, clear failure dialogs."""

from __future__ import annotations

import hashlib
import logging
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from app import __version__, paths
from app.db.migrator import Migrator
from app.main import StartedWindow, start_window
from app.paths import lock_path_for
from app.startup import EXIT_STARTUP_FAILED
from app.ui import prompts
from app.ui.crash_handler import install_exception_hook
from app.ui.instance_lock import InstanceLock
from app.ui.main_window import MainWindow
from tests.db.bundles import bundle_failing_at_010
from tests.lock_holder import lock_held_by_another_process
from tests.ui.conftest import PromptRecorder


def _visible_main_windows() -> list[MainWindow]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
    ]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def test_starts_on_a_new_data_folder_with_three_tabs(
    qtbot: QtBot, data_dir: Path, started: list[StartedWindow], recorded_prompts: PromptRecorder
) -> None:
    result = start_window(None)
    assert isinstance(result, StartedWindow)
    started.append(result)
    window = result.window
    assert window.isVisible()
    assert window.windowTitle() == "Dukan"
    tab_names = [window.tabs.tabText(i).replace("&", "") for i in range(window.tabs.count())]
    assert tab_names == ["Sales", "Customers", "Debts"]
    database = data_dir / paths.DATABASE_FILE_NAME
    assert _user_version(database) == Migrator(paths.migrations_dir()).latest_version
    assert str(database) in window.database_label.text()
    assert recorded_prompts.shown == []


def test_a_second_instance_is_refused_without_writing(
    qtbot: QtBot,
    database_path: Path,
    started: list[StartedWindow],
    recorded_prompts: PromptRecorder,
) -> None:
    before = _sha256(database_path)
    with lock_held_by_another_process(lock_path_for(database_path)):
        result = start_window(database_path)
    assert result == EXIT_STARTUP_FAILED
    assert recorded_prompts.titles() == ["Dukan is already open"]
    assert "already open" in recorded_prompts.texts()
    assert _visible_main_windows() == []
    assert _sha256(database_path) == before


def test_a_lock_left_by_a_killed_process_is_recovered(
    qtbot: QtBot,
    database_path: Path,
    started: list[StartedWindow],
    recorded_prompts: PromptRecorder,
) -> None:
    holder = (
        "import os, signal, sys\n"
        "from PySide6.QtCore import QLockFile\n"
        "lock = QLockFile(sys.argv[1])\n"
        "assert lock.tryLock(0)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    lock_file = lock_path_for(database_path)
    process = subprocess.run(
        [sys.executable, "-c", holder, str(lock_file)], check=False, timeout=60
    )
    assert process.returncode == -signal.SIGKILL
    assert lock_file.exists()
    result = start_window(database_path)
    assert isinstance(result, StartedWindow)
    started.append(result)
    assert result.window.isVisible()


def test_a_failing_migration_shows_the_error_and_not_the_window(
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    started: list[StartedWindow],
    recorded_prompts: PromptRecorder,
) -> None:
    database = tmp_path / "shop.db"
    Migrator(paths.migrations_dir()).migrate(database, target=9)
    broken = bundle_failing_at_010(tmp_path / "broken-migrations")
    monkeypatch.setattr(paths, "migrations_dir", lambda: broken)

    result = start_window(database)

    assert result == EXIT_STARTUP_FAILED
    assert _visible_main_windows() == []
    assert recorded_prompts.titles() == ["Dukan cannot open the database"]
    message = recorded_prompts.texts()
    assert "010_create_open_debts_view_and_indexes.sql" in message
    assert "no_such_table" in message
    assert "shop-v009-" in message  # the backup path
    assert "dukan.log" in message
    assert _user_version(database) == 9
    # The lock was released: the next start may retry.
    assert InstanceLock(lock_path_for(database)).acquire()


def test_a_newer_database_is_refused_and_left_byte_identical(
    qtbot: QtBot,
    database_path: Path,
    migrator: Migrator,
    started: list[StartedWindow],
    recorded_prompts: PromptRecorder,
) -> None:
    conn = sqlite3.connect(database_path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = _sha256(database_path)

    result = start_window(database_path)

    assert result == EXIT_STARTUP_FAILED
    assert _visible_main_windows() == []
    assert "newer Dukan (database version 99)" in recorded_prompts.texts()
    assert f"versions up to {migrator.latest_version}" in recorded_prompts.texts()
    assert _sha256(database_path) == before


def test_random_bytes_are_refused_with_a_message(
    qtbot: QtBot, tmp_path: Path, started: list[StartedWindow], recorded_prompts: PromptRecorder
) -> None:
    database = tmp_path / "noise.db"
    database.write_bytes(os.urandom(8192))
    before = _sha256(database)

    assert start_window(database) == EXIT_STARTUP_FAILED
    assert "not a Dukan database" in recorded_prompts.texts()
    assert _sha256(database) == before


def test_the_exception_hook_logs_and_shows_a_dialog(
    qtbot: QtBot,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    recorded_prompts: PromptRecorder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    log_file = data_dir / "logs" / "dukan.log"
    install_exception_hook(log_file, data_dir / "shop.db")
    try:
        raise RuntimeError("boom in a slot")
    except RuntimeError as error:
        with caplog.at_level(logging.CRITICAL):
            sys.excepthook(type(error), error, error.__traceback__)
    assert recorded_prompts.titles() == ["Something went wrong"]
    assert "nothing was saved from the last action" in recorded_prompts.texts()
    assert str(log_file) in recorded_prompts.texts()
    assert "boom in a slot" in caplog.text
    record = caplog.records[-1]
    assert f"Dukan {__version__}" in record.getMessage()
    assert f"SQLite {sqlite3.sqlite_version}" in record.getMessage()
    assert str(data_dir / "shop.db") in record.getMessage()
    assert "Traceback" in caplog.text


def test_an_error_while_the_dialog_is_up_is_logged_without_a_second_dialog(
    qtbot: QtBot, data_dir: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_exception_hook(None)
    dialogs: list[str] = []

    def show_error(_parent: object, title: str, _text: str, details: str = "") -> None:
        dialogs.append(details)
        if len(dialogs) == 1:  # e.g. a timer failing again while the first dialog is open
            error = ValueError("again")
            sys.excepthook(ValueError, error, None)

    monkeypatch.setattr(prompts, "show_error", show_error)
    with caplog.at_level(logging.CRITICAL):
        sys.excepthook(RuntimeError, RuntimeError("first"), None)
        sys.excepthook(RuntimeError, RuntimeError("later"), None)
    assert dialogs == ["RuntimeError: first", "RuntimeError: later"]
    assert [r.exc_info[1].args[0] for r in caplog.records if r.exc_info and r.exc_info[1]] == [
        "first",
        "again",
        "later",
    ]


@pytest.mark.qt_no_exception_capture
def test_a_failing_slot_shows_one_dialog_and_the_window_keeps_working(
    qtbot: QtBot,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    recorded_prompts: PromptRecorder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_exception_hook(data_dir / "logs" / "dukan.log", data_dir / "shop.db")
    button = QPushButton("Boom")
    qtbot.addWidget(button)
    clicks: list[int] = []

    def fail_once() -> None:
        clicks.append(1)
        if len(clicks) == 1:
            raise ZeroDivisionError("division by zero in a slot")

    button.clicked.connect(fail_once)
    with caplog.at_level(logging.CRITICAL):
        button.click()
    assert recorded_prompts.titles() == ["Something went wrong"]
    assert "ZeroDivisionError: division by zero in a slot" in recorded_prompts.texts()
    assert "Traceback" in caplog.text
    button.click()  # the program carries on
    assert len(clicks) == 2
    assert recorded_prompts.titles() == ["Something went wrong"]
