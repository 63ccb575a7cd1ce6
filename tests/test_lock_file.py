"""The command line reads the window's lock the way Qt does: a live owner holds it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from app.lock_file import lock_owner
from tests.lock_holder import lock_held_by_another_process


def test_no_file_means_no_owner(tmp_path: Path) -> None:
    assert lock_owner(tmp_path / "dukan.db.lock") is None


def test_a_live_holder_is_found(tmp_path: Path) -> None:
    lock = tmp_path / "dukan.db.lock"
    with lock_held_by_another_process(lock) as pid:
        assert lock_owner(lock) == pid


def test_a_killed_holder_leaves_a_stale_lock(tmp_path: Path) -> None:
    lock = tmp_path / "dukan.db.lock"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    lock.write_text(f"{dead.stdout.strip()}\nDukan\n{socket.gethostname()}\n", "utf-8")
    assert lock_owner(lock) is None


def test_this_process_holding_it_counts(tmp_path: Path) -> None:
    lock = tmp_path / "dukan.db.lock"
    lock.write_text(f"{os.getpid()}\nDukan\n{socket.gethostname()}\n", "utf-8")
    assert lock_owner(lock) == os.getpid()


def test_a_lock_from_another_machine_is_respected(tmp_path: Path) -> None:
    lock = tmp_path / "dukan.db.lock"
    lock.write_text("999999\nDukan\nthe-other-till\n", "utf-8")
    assert lock_owner(lock) == 999999


def test_garbage_is_not_a_lock(tmp_path: Path) -> None:
    lock = tmp_path / "dukan.db.lock"
    lock.write_bytes(b"\\xff\\x00not a pid")
    assert lock_owner(lock) is None
