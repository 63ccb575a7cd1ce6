"""Unexpected errors are logged and shown in a dialog; the program keeps running."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from types import TracebackType

from app import __version__
from app.services.maintenance import MaintenanceService
from app.ui import prompts

log = logging.getLogger(__name__)


def install_exception_hook(log_file: Path | None, database_path: Path | None = None) -> None:
    """Route uncaught exceptions (PySide6 hands a failing slot's to `sys.excepthook`) to the
    log, with what a bug report needs, and to one dialog at a time."""
    where = f"Details are in {log_file}." if log_file else "Details could not be logged."
    showing = False

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        nonlocal showing
        log.critical(
            "unexpected error in Dukan %s (SQLite %s, Python %s) on %s",
            __version__,
            MaintenanceService.sqlite_version(),
            sys.version.split()[0],
            database_path or "no database yet",
            exc_info=(kind, error, trace),
        )
        if issubclass(kind, KeyboardInterrupt) or showing:
            # A fault that repeats (in a paint, a timer) must not stack dialogs on the till.
            return
        showing = True
        try:
            prompts.show_error(
                None,
                "Something went wrong",
                f"Something went wrong; nothing was saved from the last action.\n\n{where}",
                details=f"{kind.__name__}: {error}",
            )
        finally:
            showing = False

    sys.excepthook = hook
