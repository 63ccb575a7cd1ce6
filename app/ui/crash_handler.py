"""Unexpected errors are logged and shown in a dialog; the program keeps running."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from types import TracebackType

from app.ui import prompts

log = logging.getLogger(__name__)


def install_exception_hook(log_file: Path | None) -> None:
    where = f"Details are in {log_file}." if log_file else "Details could not be logged."

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        log.critical("unexpected error", exc_info=(kind, error, trace))
        if issubclass(kind, KeyboardInterrupt):
            return
        prompts.show_error(
            None,
            "Something went wrong",
            f"Something went wrong; nothing was saved from the last action.\n\n{where}",
            details=f"{kind.__name__}: {error}",
        )

    sys.excepthook = hook
