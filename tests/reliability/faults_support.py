"""Fault injection for the reliability tests: full disks and the window over a file."""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.db.database import DukanDatabase
from app.main import build_services
from app.services.maintenance import MaintenanceService
from app.shop_migrator import shop_migrator
from app.ui.app_events import AppEvents
from app.ui.main_window import MainWindow

REPO_ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_SECONDS = 60
# SQLite's own ceiling for `max_page_count`: "no limit" for a test that freed the disk.
NO_PAGE_LIMIT = 4_294_967_294


def open_window(
    database_path: Path, data_dir: Path, *, backup_folder: Path | None = None
) -> MainWindow:
    """The real window with the services the composition root builds, no automatic backups
    (a start backup in a worker thread would race the faults a test injects); "Backup now"
    writes to `backup_folder` when given."""
    services = build_services(database_path, automatic_backups=False)
    if backup_folder is not None:
        maintenance = MaintenanceService(database_path, shop_migrator(), backup_folder)
        services = dataclasses.replace(services, maintenance=maintenance)
    window = MainWindow(services, AppEvents(), data_dir, data_dir / "logs" / "dukan.log")
    window.show()
    return window


# ----- full disks ------------------------------------------------------------------------------


class PageLimit:
    """A full disk as SQLite sees it: the services' connection may not grow the file.

    Rows go into free room in pages already there, so an action shown failing must write more
    than a page (4 KiB) into some table.
    """

    name = "page limit"

    def __init__(self, db: DukanDatabase) -> None:
        self._conn = db.sqlite_connection()

    def fill(self) -> None:
        pages = self._conn.execute("PRAGMA page_count").fetchone()[0]
        assert self._conn.execute(f"PRAGMA max_page_count = {pages}").fetchone()[0] == pages

    def free(self) -> None:
        self._conn.execute(f"PRAGMA max_page_count = {NO_PAGE_LIMIT}")


def can_mount_tmpfs() -> str | None:
    """None when this process may mount a tmpfs, else why not (the test then skips)."""
    if os.geteuid() != 0:
        return "mounting a tiny filesystem needs root"
    probe = Path(tempfile.mkdtemp(prefix="dukan-mount-probe-"))
    try:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)],
            capture_output=True,
            text=True,
            check=False,
        )
        if mounted.returncode != 0:
            return f"mount -t tmpfs is not permitted here: {mounted.stderr.strip()}"
        subprocess.run(["umount", str(probe)], check=True)
        return None
    except OSError as error:
        return f"mount could not run: {error}"
    finally:
        probe.rmdir()


@contextlib.contextmanager
def tiny_filesystem(size: str = "16m") -> Iterator[Path]:
    """A real filesystem of `size` mounted for the test, unmounted after (or a skip)."""
    reason = can_mount_tmpfs()
    if reason is not None:
        pytest.skip(reason)
    mount_point = Path(tempfile.mkdtemp(prefix="dukan-tiny-fs-"))
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(mount_point)],
        check=True,
    )
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)
        mount_point.rmdir()


class FilledFilesystem:
    """A full disk for real: a ballast file takes every free byte of a tiny filesystem."""

    name = "tiny filesystem"

    def __init__(self, mount_point: Path) -> None:
        self._ballast = mount_point / "ballast"

    def fill(self) -> None:
        chunk = 1 << 16
        with self._ballast.open("ab", buffering=0) as ballast:
            # Smaller and smaller writes, down to one byte, so not even a page is left.
            while chunk:
                try:
                    ballast.write(b"\0" * chunk)
                except OSError as error:
                    assert error.errno == errno.ENOSPC, error
                    chunk //= 2
        probe = self._ballast.with_name("probe")
        with pytest.raises(OSError, match="No space left"), probe.open("wb") as file:
            file.write(b"\0" * 4096)
            file.flush()
            os.fsync(file.fileno())

    def free(self) -> None:
        self._ballast.unlink()
        self._ballast.with_name("probe").unlink(missing_ok=True)
