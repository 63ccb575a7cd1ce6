"""Composition root: reads the command line, then runs a subcommand or builds the window."""

from __future__ import annotations

import logging
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app import __version__, cli, paths
from app.logs import configure_logging

if TYPE_CHECKING:
    from peewee import PeeweeException
    from PySide6.QtWidgets import QApplication

    from app.db.database import DukanDatabase
    from app.ui.instance_lock import InstanceLock
    from app.ui.main_window import MainWindow

log = logging.getLogger(__name__)

EXIT_STARTUP_FAILED = 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = cli.build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.command is not None:
        return cli.run(parser, args)
    # Qt is imported only for the window, so the subcommands run on machines with no display.
    return run_window(args.db)


@dataclass
class StartedWindow:
    """Everything the running window owns, released in reverse order by `close()`."""

    application: QApplication
    window: MainWindow
    database: DukanDatabase
    lock: InstanceLock

    def close(self) -> None:
        self.window.close()
        self.database.close()
        self.lock.release()


def run_window(database: Path | None) -> int:
    started = start_window(database)
    if not isinstance(started, StartedWindow):
        return started
    try:
        return started.application.exec()
    finally:
        started.close()


def start_window(database: Path | None) -> StartedWindow | int:
    """Lock, upgrade, open and show; an exit code instead when the window must not open."""
    from peewee import PeeweeException
    from PySide6.QtWidgets import QApplication

    from app.db.database import DatabaseSetupError, open_database
    from app.db.migrator import Migrator
    from app.services.maintenance import MaintenanceService
    from app.services.summary import SummaryService
    from app.services.upgrade import DatabaseUpgrade
    from app.ui import prompts
    from app.ui.app_events import AppEvents
    from app.ui.background import run_with_progress
    from app.ui.crash_handler import install_exception_hook
    from app.ui.instance_lock import InstanceLock
    from app.ui.main_window import MainWindow, Services

    log_file = configure_logging(paths.log_file(), echo_to_stderr=True)
    application = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(application, QApplication)
    application.setApplicationName("Dukan")
    application.setApplicationVersion(__version__)
    install_exception_hook(log_file)
    database_path = (database or paths.default_database_path()).resolve()
    log.info("starting Dukan %s on %s", __version__, database_path)
    log_hint = f"Details are in {log_file}." if log_file else ""

    try:
        database_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        prompts.show_error(
            None, "Dukan cannot start", f"The folder {database_path.parent} cannot be "
            f"created: {error.strerror}. Nothing was changed."
        )
        return EXIT_STARTUP_FAILED
    lock = InstanceLock(database_path)
    if not lock.acquire():
        if lock.held_by_another:
            prompts.show_error(
                None, "Dukan is already open",
                f"Dukan is already open on {database_path}. Switch to that window; this copy "
                "will close without changing anything.",
            )
        else:
            prompts.show_error(
                None, "Dukan cannot start",
                f"Dukan cannot write in {database_path.parent} (is the folder read-only?). "
                "Nothing was changed.",
            )
        return EXIT_STARTUP_FAILED

    upgrade = DatabaseUpgrade(Migrator(paths.migrations_dir()), database_path)
    outcome = run_with_progress(None, "Preparing the shop's database…", upgrade.run)
    if not outcome.succeeded:
        lock.release()
        backup = f"\n\nThe backup taken before the upgrade: {outcome.backup_path}" if (
            outcome.backup_path) else ""
        prompts.show_error(
            None,
            "Dukan cannot open the database",
            f"{outcome.problem}{backup}\n\n{log_hint}",
        )
        return EXIT_STARTUP_FAILED

    try:
        db = open_database(database_path)
    except (DatabaseSetupError, PeeweeException, sqlite3.Error, OSError) as error:
        lock.release()
        log.exception("could not open %s", database_path)
        prompts.show_error(
            None, "Dukan cannot open the database",
            f"{database_path} could not be opened for writing: {error}. Nothing was changed."
            f"\n\n{log_hint}",
        )
        return EXIT_STARTUP_FAILED

    events = AppEvents()
    services = Services(
        maintenance=MaintenanceService(database_path),
        summary=SummaryService(),
    )
    window = MainWindow(services, events, paths.data_dir(), log_file)
    window.show()
    return StartedWindow(application, window, db, lock)
