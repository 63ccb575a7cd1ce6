"""Before the window: lock the database, upgrade it behind a progress dialog, open it."""

from __future__ import annotations

import logging
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from peewee import PeeweeException
from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app import __version__, paths
from app.db.database import DatabaseSetupError, DukanDatabase, open_database
from app.logs import configure_logging
from app.services.upgrade import DatabaseUpgrade
from app.shop_migrator import shop_migrator
from app.ui import prompts
from app.ui.background import run_with_progress
from app.ui.crash_handler import install_exception_hook
from app.ui.instance_lock import InstanceLock

log = logging.getLogger(__name__)

EXIT_STARTUP_FAILED = 1
CANNOT_OPEN = "Dukan cannot open the database"


@dataclass
class OpenedShop:
    """A locked, upgraded and open database with the Qt application around it."""

    application: QApplication
    database_path: Path
    database: DukanDatabase
    lock: InstanceLock
    log_file: Path | None

    def close(self) -> None:
        self.database.close()
        self.lock.release()


def open_shop(
    database: Path | None,
    *,
    prepare: Callable[[Path], object] | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> OpenedShop | int:
    """Lock, upgrade and open; an exit code instead (after telling the operator) on failure.

    `prepare` runs on the file once the lock is held and before the upgrade: the demo writes
    its fresh file there, so a second demo window is refused before anything is replaced.
    `meanwhile` runs on the GUI thread while the worker checks and upgrades the file (the
    window loads its code there: the check reads the whole file, seconds on a big shop).
    """
    log_file = configure_logging(paths.log_file(), echo_to_stderr=True)
    application = _application()
    database_path = (database or paths.default_database_path()).resolve()
    install_exception_hook(log_file, database_path)
    log.info("starting Dukan %s on %s", __version__, database_path)
    log_hint = f"Details are in {log_file}." if log_file else ""

    lock = _lock(database_path)
    if lock is None:
        return EXIT_STARTUP_FAILED
    if prepare is not None and not _prepared(prepare, database_path, log_hint):
        lock.release()
        return EXIT_STARTUP_FAILED
    db = _upgrade_and_open(database_path, log_hint, meanwhile)
    if db is None:
        lock.release()
        return EXIT_STARTUP_FAILED
    return OpenedShop(application, database_path, db, lock, log_file)


def _application() -> QApplication:
    existing = QApplication.instance()
    application = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    application.setApplicationName("Dukan")
    application.setApplicationVersion(__version__)
    application.setWindowIcon(QIcon(str(paths.resources_dir() / "dukan.svg")))
    return application


def _lock(database_path: Path) -> InstanceLock | None:
    """The single-instance lock, or None after telling the operator why not."""
    try:
        database_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        prompts.show_error(
            None,
            "Dukan cannot start",
            f"The folder {database_path.parent} cannot be created: {error.strerror}. "
            "Nothing was changed.",
        )
        return None
    lock = InstanceLock(paths.lock_path_for(database_path))
    if lock.acquire():
        return lock
    if lock.held_by_another:
        prompts.show_error(
            None,
            "Dukan is already open",
            f"Dukan is already open on {database_path}, in another window or in a command "
            "(migrate or restore). Switch to that window, or let the command finish; this "
            "copy will close without changing anything.",
        )
    else:
        prompts.show_error(
            None,
            "Dukan cannot start",
            f"Dukan cannot write in {database_path.parent} (is the folder read-only?). "
            "Nothing was changed.",
        )
    return None


def _prepared(prepare: Callable[[Path], object], database_path: Path, log_hint: str) -> bool:
    try:
        prepare(database_path)
    except Exception as error:  # whatever went wrong, the window must not open on it
        log.exception("could not prepare %s", database_path)
        prompts.show_error(
            None, CANNOT_OPEN, f"{database_path} could not be made: {error}\n\n{log_hint}"
        )
        return False
    return True


def _upgrade_and_open(
    database_path: Path, log_hint: str, meanwhile: Callable[[], object] | None
) -> DukanDatabase | None:
    """Migrate in a worker thread behind a progress dialog, then open for the services."""
    upgrade = DatabaseUpgrade(shop_migrator(), database_path)
    if meanwhile is not None:
        # First thing in the progress dialog's event loop, with the worker already running
        # (SQLite lets go of the GIL while it reads). Should the worker end first, it runs
        # after; either way it must only prepare, never depend on the upgrade's outcome.
        QTimer.singleShot(0, meanwhile)
    outcome = run_with_progress(None, "Preparing the shop's database…", upgrade.run)
    if not outcome.succeeded:
        if outcome.refused:
            prompts.show_error(None, CANNOT_OPEN, f"{outcome.problem}\n\n{log_hint}")
            return None
        backup = (
            f"A backup taken before the upgrade is {outcome.backup_path}.\n\n"
            if (outcome.backup_path)
            else ""
        )
        prompts.show_error(
            None,
            CANNOT_OPEN,
            "Upgrading the shop's database failed, and the failed step was undone: the books "
            "are as they were. Dukan will try again at the next start.\n\n"
            f"{backup}{log_hint}",
            details=outcome.problem,
        )
        return None
    try:
        return open_database(database_path)
    except (DatabaseSetupError, PeeweeException, sqlite3.Error, OSError) as error:
        log.exception("could not open %s", database_path)
        prompts.show_error(
            None,
            CANNOT_OPEN,
            f"{database_path} could not be opened for writing: {error}. Nothing was changed."
            f"\n\n{log_hint}",
        )
        return None
