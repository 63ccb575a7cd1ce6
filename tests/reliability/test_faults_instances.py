"""A second instance racing the first: windows, `migrate` and `restore` started at one moment.

Each racer is a real process (`race_child.py`) that imports everything, then waits for one
signal file, so their starts fall within milliseconds of each other; a winner holds what it
won until every other racer has ended. Exactly one wins; every other says the database is
already open and exits non-zero; the file is migrated once, backed up at most once, clean.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.db.checks import all_violations
from app.db.migrator import Migrator
from app.db.sqlite_files import open_read_only
from app.lock_file import lock_owner, take_lock
from app.paths import DATA_DIR_VARIABLE, lock_path_for
from app.startup import EXIT_STARTUP_FAILED
from tests.reliability.faults_support import REPO_ROOT, TIMEOUT_SECONDS
from tests.test_cli import all_rows

ROUNDS = 3
EXIT_REFUSED = 3
ALREADY_OPEN_DIALOG = "dialog: Dukan is already open: Dukan is already open on"
POLL_SECONDS = 0.02


@dataclass(frozen=True)
class Racer:
    role: str  # "window" or "command"
    args: tuple[str, ...]


@dataclass(frozen=True)
class Finished:
    racer: Racer
    won: bool
    returncode: int
    stdout: str
    stderr: str

    def said(self) -> str:
        return f"{self.racer}: exit {self.returncode}\n{self.stdout}\n{self.stderr}"


def window(database: Path) -> Racer:
    return Racer("window", ("--db", str(database)))


def command(*args: str | Path) -> Racer:
    return Racer("command", tuple(map(str, args)))


def race(racers: list[Racer], folder: Path, data_dir: Path) -> list[Finished]:
    """Start every racer, let them go at once, release the winner when the rest are done."""
    folder.mkdir()
    env = {
        **os.environ,
        DATA_DIR_VARIABLE: str(data_dir),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    processes = []
    for number, racer in enumerate(racers):
        out = (folder / f"out-{number}").open("w")
        err = (folder / f"err-{number}").open("w")
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.reliability.race_child",
                    racer.role,
                    str(folder),
                    *racer.args,
                ],
                cwd=REPO_ROOT,
                env=env,
                stdout=out,
                stderr=err,
            )
        )
        out.close()
        err.close()
    try:
        _wait_until(
            lambda: (
                len(list(folder.glob("ready-*"))) == len(racers)
                or any(p.poll() is not None for p in processes)
            ),
            "every racer ready",
        )
        (folder / "go").touch()

        def settled() -> bool:
            winners = {int(f.name.removeprefix("won-")) for f in folder.glob("won-*")}
            return all(p.pid in winners or p.poll() is not None for p in processes)

        _wait_until(settled, "every racer won or ended")
        (folder / "release").touch()
        codes = [p.wait(timeout=TIMEOUT_SECONDS) for p in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    winners = {int(f.name.removeprefix("won-")) for f in folder.glob("won-*")}
    return [
        Finished(
            racer,
            process.pid in winners,
            code,
            (folder / f"out-{number}").read_text(),
            (folder / f"err-{number}").read_text(),
        )
        for number, (racer, process, code) in enumerate(zip(racers, processes, codes, strict=True))
    ]


def _wait_until(condition: object, what: str) -> None:
    assert callable(condition)
    deadline = time.monotonic() + TIMEOUT_SECONDS * 2
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(POLL_SECONDS)


def assert_one_winner_and_the_rest_refused(finished: list[Finished]) -> Finished:
    report = "\n---\n".join(f.said() for f in finished)
    winners = [f for f in finished if f.won]
    assert len(winners) == 1, report
    (winner,) = winners
    assert winner.returncode == 0, report
    for loser in finished:
        if loser is winner:
            continue
        if loser.racer.role == "window":
            assert loser.returncode == EXIT_STARTUP_FAILED, report
            assert ALREADY_OPEN_DIALOG in loser.stdout, report
            # One dialog, the refusal: no failed upgrade, no crash report.
            assert loser.stdout.count("dialog:") == 1, report
        else:
            assert loser.returncode == EXIT_REFUSED, report
            assert "Refused: Dukan is open on" in loser.stderr, report
            assert "Failed" not in loser.stderr, report
        assert "Traceback" not in loser.stdout + loser.stderr, report
    return winner


def assert_migrated_once_and_clean(database: Path, latest: int) -> None:
    with open_read_only(database) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == latest
        versions = [row[0] for row in conn.execute("SELECT version FROM schema_migrations")]
        assert sorted(versions) == list(range(1, latest + 1))
        assert all_violations(conn, latest) == []
    assert not lock_path_for(database).exists()


def backups_of(database: Path) -> list[str]:
    folder = database.parent / "backups"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture(scope="module")
def v4_template(tmp_path_factory: pytest.TempPathFactory, migrator: Migrator) -> Path:
    path = tmp_path_factory.mktemp("v4") / "dukan.db"
    migrator.migrate(path, target=4)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("INSERT INTO products (name, price) VALUES ('Pain', 2500)")
    conn.close()
    return path


# ----- the same new or old file, several starts at once ---------------------------------------

NEW_FILE_RACES = {
    "three windows": lambda db: [window(db), window(db), window(db)],
    "a window and two migrates": lambda db: [
        window(db),
        command("migrate", "--db", db),
        command("migrate", "--db", db),
    ],
}


@pytest.mark.parametrize("kind", list(NEW_FILE_RACES))
def test_racing_starts_on_a_new_file_make_it_once(
    tmp_path: Path, data_dir: Path, migrator: Migrator, kind: str
) -> None:
    for round_number in range(ROUNDS):
        database = tmp_path / f"shop-{round_number}" / "dukan.db"

        finished = race(NEW_FILE_RACES[kind](database), tmp_path / f"race-{round_number}", data_dir)

        assert_one_winner_and_the_rest_refused(finished)
        assert_migrated_once_and_clean(database, migrator.latest_version)
        assert backups_of(database) == []  # a new file has nothing to back up


OLD_FILE_RACES = {
    "three windows": lambda db: [window(db), window(db), window(db)],
    "a window and a migrate": lambda db: [window(db), command("migrate", "--db", db)],
    "two migrates": lambda db: [command("migrate", "--db", db), command("migrate", "--db", db)],
}


@pytest.mark.parametrize("kind", list(OLD_FILE_RACES))
def test_racing_starts_on_an_old_file_upgrade_it_once_with_one_backup(
    tmp_path: Path, data_dir: Path, migrator: Migrator, v4_template: Path, kind: str
) -> None:
    for round_number in range(ROUNDS):
        database = tmp_path / f"shop-{round_number}" / "dukan.db"
        database.parent.mkdir()
        shutil.copyfile(v4_template, database)

        finished = race(OLD_FILE_RACES[kind](database), tmp_path / f"race-{round_number}", data_dir)

        assert_one_winner_and_the_rest_refused(finished)
        assert_migrated_once_and_clean(database, migrator.latest_version)
        (backup,) = backups_of(database)
        assert backup.startswith("dukan-v004-")
        with open_read_only(database) as conn:
            assert conn.execute("SELECT name, price FROM products").fetchall() == [("Pain", 2500)]


# ----- a restore racing a window on the shop's file --------------------------------------------


def _shop_and_backup(folder: Path, latest_template: Path) -> tuple[Path, Path]:
    """The shop's file (Settings already offered) and an older backup holding less."""
    database = folder / "dukan.db"
    folder.mkdir()
    shutil.copyfile(latest_template, database)
    conn = sqlite3.connect(database)
    with conn:
        conn.execute("INSERT INTO settings (key, value) VALUES ('settings_offered', '1')")
        conn.execute("INSERT INTO customers (name) VALUES ('Amina')")
    conn.close()
    backup = folder.parent / f"{folder.name}-kept" / "backup.db"
    backup.parent.mkdir()
    shutil.copyfile(database, backup)
    conn = sqlite3.connect(database)
    with conn:
        conn.execute("INSERT INTO customers (name) VALUES ('Bilal')")
    conn.close()
    return database, backup


def test_a_restore_racing_a_window_either_runs_alone_or_is_refused(
    tmp_path: Path, data_dir: Path, migrator: Migrator, latest_template: Path
) -> None:
    for round_number in range(ROUNDS):
        database, backup = _shop_and_backup(tmp_path / f"shop-{round_number}", latest_template)
        shop_rows, backup_rows = all_rows(database), all_rows(backup)

        finished = race(
            [window(database), command("restore", "--db", database, "--backup", backup)],
            tmp_path / f"race-{round_number}",
            data_dir,
        )

        winner = assert_one_winner_and_the_rest_refused(finished)
        assert_migrated_once_and_clean(database, migrator.latest_version)
        replaced = database.parent / "replaced"
        if winner.racer.role == "window":
            assert all_rows(database) == shop_rows
            assert not replaced.exists()
        else:
            assert all_rows(database) == backup_rows
            # The shop's file as it was, set aside whole, with Bilal in it.
            (set_aside,) = replaced.iterdir()
            assert all_rows(set_aside) == shop_rows


# ----- the command's lock is the window's: each refuses the other -----------------------------

HOLD_WITH_TAKE_LOCK = (
    "import sys\n"
    "from pathlib import Path\n"
    "from app.lock_file import take_lock\n"
    "held = take_lock(Path(sys.argv[1]))\n"
    "print('locked' if held else 'busy', flush=True)\n"
    "sys.stdin.read()\n"
    "held.release()\n"
)


def test_a_window_is_refused_while_a_command_holds_the_lock(tmp_path: Path) -> None:
    from PySide6.QtCore import QLockFile  # noqa: PLC0415 - Qt only for this test

    lock_path = tmp_path / "dukan.db.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_WITH_TAKE_LOCK, str(lock_path)],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline().strip() == "locked"
        qt_lock = QLockFile(str(lock_path))
        qt_lock.setStaleLockTime(0)  # as the window's InstanceLock
        assert not qt_lock.tryLock(0)
        assert qt_lock.error() == QLockFile.LockError.LockFailedError
        assert take_lock(lock_path) is None
    finally:
        holder.stdin.close()
        holder.wait(timeout=TIMEOUT_SECONDS)
        holder.stdout.close()
    # The holder released it on the way out: Qt gets it now.
    assert not lock_path.exists()
    assert qt_lock.tryLock(0)
    qt_lock.unlock()


def test_a_lock_left_by_a_killed_window_is_taken_by_a_command(tmp_path: Path) -> None:
    lock_path = tmp_path / "dukan.db.lock"
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, signal, sys\n"
            "from PySide6.QtCore import QLockFile\n"
            "lock = QLockFile(sys.argv[1])\n"
            "assert lock.tryLock(0)\n"
            "os.kill(os.getpid(), signal.SIGKILL)\n",
            str(lock_path),
        ],
        check=False,
        timeout=TIMEOUT_SECONDS,
    )
    assert killed.returncode == -signal.SIGKILL
    assert lock_path.exists()

    held = take_lock(lock_path)

    assert held is not None
    assert lock_owner(lock_path) == os.getpid()
    held.release()
    assert not lock_path.exists()


def test_a_lock_file_being_filled_in_is_not_taken_for_stale(tmp_path: Path) -> None:
    # Qt creates the file, then writes its pid: a command must not remove it in between.
    lock_path = tmp_path / "dukan.db.lock"
    lock_path.touch()
    assert take_lock(lock_path) is None
    assert lock_path.exists()
