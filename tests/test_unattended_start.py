"""Unattended starts (bench/window_start.py, the build's smoke hook) take no backup, never hang."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bench import window_start

ROOT = Path(__file__).resolve().parent.parent
HOOK = ROOT / "scripts" / "frozen_smoke_hook.py"
# Dukan from source with the build's runtime hook run first, as PyInstaller runs it.
HOOKED_DUKAN = (
    "import runpy, sys; "
    f"runpy.run_path({str(HOOK)!r}); "
    "import app.main; "
    "sys.exit(app.main.main(sys.argv[1:]))"
)

pytestmark = pytest.mark.slow  # each starts a window in a process of its own


def _settings_offered(database: Path) -> None:
    """No first-run Settings dialog: the start is the window's, as the bench prepares it."""
    conn = sqlite3.connect(database)
    with conn:
        conn.execute("INSERT INTO settings (key, value) VALUES ('settings_offered', '1')")
    conn.close()


def _environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "DUKAN_DATA_DIR": str(data_dir), "QT_QPA_PLATFORM": "offscreen"}
    for name in ("DUKAN_QUIT_WHEN_SHOWN", "DUKAN_SMOKE_PDF", "DUKAN_SMOKE_TIMEOUT"):
        env.pop(name, None)
    return {**env, **extra}


def _backups_beside(database: Path) -> list[str]:
    folder = database.parent / "backups"
    return sorted(path.name for path in folder.iterdir()) if folder.is_dir() else []


def test_a_timed_start_from_source_takes_no_backup(database_path: Path, data_dir: Path) -> None:
    _settings_offered(database_path)
    window_start.time_once(database_path, _environment(data_dir))
    window_start.time_once(database_path, _environment(data_dir))
    assert _backups_beside(database_path) == []


def test_a_timed_start_through_the_smoke_hook_takes_no_backup(
    database_path: Path, data_dir: Path
) -> None:
    _settings_offered(database_path)
    env = _environment(data_dir, DUKAN_QUIT_WHEN_SHOWN="1", DUKAN_SMOKE_TIMEOUT="60")
    done = subprocess.run(
        [sys.executable, "-c", HOOKED_DUKAN, "--db", str(database_path)],
        check=False,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert done.returncode == 0, done.stderr
    assert _backups_beside(database_path) == []


def test_a_failed_backup_on_quit_has_its_message_box_cancelled_by_the_smoke_hook(
    database_path: Path, data_dir: Path, tmp_path: Path
) -> None:
    _settings_offered(database_path)
    # A file where the backup folder should be: the backups on start and on quit both fail.
    (database_path.parent / "backups").write_text("not a folder")
    # The receipt cannot be saved either, so the run ends by itself, with exit 1.
    blocked_pdf = tmp_path / "a-file" / "receipt.pdf"
    blocked_pdf.parent.write_text("not a folder")
    env = _environment(data_dir, DUKAN_SMOKE_PDF=str(blocked_pdf), DUKAN_SMOKE_TIMEOUT="60")
    done = subprocess.run(
        [sys.executable, "-c", HOOKED_DUKAN, "--db", str(database_path)],
        check=False,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=90,  # before the fix: the message box waited for no one, forever
    )
    assert done.returncode == 1, done.stderr
    assert "smoke: cancelled the dialog 'Backup before closing failed'" in done.stderr
    assert "smoke: sample receipt PDF not written" in done.stderr
