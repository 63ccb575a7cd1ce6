"""Damaged, read-only and vanished database files: a clear message, the file as it was."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.main import StartedWindow, start_window
from app.paths import DATA_DIR_VARIABLE
from app.startup import CANNOT_OPEN, EXIT_STARTUP_FAILED
from tests.other_user import nobody, world_readable_base
from tests.reliability.faults_support import (
    REPO_ROOT,
    TIMEOUT_SECONDS,
    open_window,
)
from tests.test_cli import assert_no_traceback, output_of, run_cli, sha256_of
from tests.ui import conftest as ui_fixtures
from tests.ui.conftest import PromptRecorder

# The UI's fixtures, for tests outside tests/ui/.
recorded_prompts = ui_fixtures.recorded_prompts
started = ui_fixtures.started
first_run_answers = ui_fixtures.first_run_answers

HOOK = REPO_ROOT / "scripts" / "frozen_smoke_hook.py"
# The window as the smoke test runs it: it quits once shown, and every dialog is cancelled
# with its title said on stderr, so a run without anyone at the screen ends by itself.
HOOKED_WINDOW = (
    "import runpy, sys; "
    f"runpy.run_path({str(HOOK)!r}); "
    "import app.main; "
    "sys.exit(app.main.main(sys.argv[1:]))"
)


def _table_page(path: Path, table: str) -> tuple[int, int]:
    """Where a table's root page starts in the file, and the page size."""
    conn = sqlite3.connect(path)
    try:
        page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
        root = int(
            conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[
                0
            ]
        )
    finally:
        conn.close()
    return (root - 1) * page_size, page_size


def flip_cell_pointers(path: Path) -> None:
    """Flip bytes just after the page header of a table holding rows: its cells point nowhere."""
    start, _page_size = _table_page(path, "schema_migrations")
    data = bytearray(path.read_bytes())
    for offset in range(start + 8, start + 40):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def zero_header(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[:100] = bytes(100)
    path.write_bytes(bytes(data))


def truncate_half(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


DAMAGE: dict[str, Callable[[Path], None]] = {
    "flipped bytes in a table page": flip_cell_pointers,
    "zeroed header": zero_header,
    "truncated to half": truncate_half,
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_file_stops_the_window_with_a_message_and_stays_as_found(
    qtbot: QtBot,
    database_path: Path,
    started: list[StartedWindow],
    recorded_prompts: PromptRecorder,
    damage: str,
) -> None:
    DAMAGE[damage](database_path)
    before = sha256_of(database_path)

    result = start_window(database_path)

    if isinstance(result, StartedWindow):
        started.append(result)
    assert result == EXIT_STARTUP_FAILED
    assert recorded_prompts.titles() == [CANNOT_OPEN]
    assert "damaged" in recorded_prompts.texts()
    assert "restore a backup" in recorded_prompts.texts()
    assert "Nothing was changed" in recorded_prompts.texts()
    assert sha256_of(database_path) == before
    assert not (database_path.parent / "backups").exists()


@pytest.mark.parametrize(
    ("command", "exit_code", "said"),
    [("check", 3, "Refused:"), ("migrate", 3, "Refused:"), ("backup", 1, "Failed:")],
)
@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_file_is_refused_by_the_commands_and_stays_as_found(
    database_path: Path, data_dir: Path, damage: str, *, command: str, exit_code: int, said: str
) -> None:
    DAMAGE[damage](database_path)
    before = sha256_of(database_path)

    result = run_cli(data_dir, command, "--db", database_path)

    assert result.returncode == exit_code, output_of(result)
    assert_no_traceback(result)
    assert said in result.stderr
    assert sha256_of(database_path) == before
    # No backup of a damaged file passes as a verified one.
    backups = database_path.parent / "backups"
    assert not backups.exists() or list(backups.iterdir()) == []


# ----- read-only, as a user for whom it really is (root ignores chmod) ------------------------


def _shop_in(folder: Path, database_path: Path) -> Path:
    """A copy of the test's database, settings already offered (no first-run dialog)."""
    folder.mkdir()
    shop = folder / "dukan.db"
    shutil.copyfile(database_path, shop)
    conn = sqlite3.connect(shop)
    with conn:
        conn.execute("INSERT INTO settings (key, value) VALUES ('settings_offered', '1')")
    conn.close()
    return shop


@pytest.mark.parametrize("read_only", ["file", "folder"])
def test_a_read_only_shop_is_refused_at_start_and_left_byte_identical(
    database_path: Path, read_only: str
) -> None:
    user = nobody(probe="import app.cli, PySide6.QtWidgets")
    with world_readable_base("dukan-faults-") as base:
        data = base / "data"
        data.mkdir()
        os.chown(data, user.uid, user.gid)
        shop = _shop_in(base / "shop", database_path)
        shop.chmod(0o444)
        shop.parent.chmod(0o555 if read_only == "folder" else 0o777)
        before = sha256_of(shop)

        window = user.python(
            "-c",
            HOOKED_WINDOW,
            "--db",
            shop,
            env={
                "HOME": str(data),
                DATA_DIR_VARIABLE: str(data),
                "QT_QPA_PLATFORM": "offscreen",
                "DUKAN_QUIT_WHEN_SHOWN": "1",
                "DUKAN_SMOKE_TIMEOUT": "60",
            },
            timeout=TIMEOUT_SECONDS * 2,
        )

        # (stderr carries the log, trace included; the operator sees the dialog's sentence.)
        assert window.returncode == EXIT_STARTUP_FAILED, window.stderr
        expected = "Dukan cannot start" if read_only == "folder" else CANNOT_OPEN
        assert f"cancelled the dialog {expected!r}" in window.stderr
        if read_only == "file":
            assert "is read-only" in window.stderr  # the log line echoed on stderr
        assert sha256_of(shop) == before

        check = user.run(data, "check", "--db", shop)
        assert check.returncode == 0, output_of(check)
        assert "No problems found." in check.stdout
        backup = user.run(data, "backup", "--db", shop)
        if read_only == "folder":
            assert backup.returncode == 1, output_of(backup)
            assert "Failed:" in backup.stderr and "Permission denied" in backup.stderr
        else:
            assert backup.returncode == 0, output_of(backup)
        assert_no_traceback(backup)
        assert sha256_of(shop) == before


# ----- the file taken away under an open window -----------------------------------------------


def test_a_database_folder_removed_under_the_window_is_said_at_the_till(
    qtbot: QtBot,
    database: object,
    database_path: Path,
    data_dir: Path,
    recorded_prompts: PromptRecorder,
) -> None:
    window = open_window(database_path, data_dir)
    qtbot.addWidget(window)
    till = window.sales_tab.till
    till.model.add_free("Sac", 500)
    # The folder deleted while the window has the file open: SQLite would go on writing to
    # a file no name leads to, lost when it closes.
    shutil.rmtree(database_path.parent)

    assert till.complete() is None

    assert "was moved or deleted" in till.payment_message.text()
    assert "Something went wrong" not in recorded_prompts.titles()
    assert len(till.model.basket.lines) == 1
