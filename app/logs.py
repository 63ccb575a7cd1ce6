"""The rotating log file, set up so that a missing console or a read-only folder never crashes."""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_LOG_BYTES = 1_000_000
KEPT_LOG_FILES = 5


def configure_logging(log_file: Path, *, echo_to_stderr: bool) -> Path | None:
    """Log to `log_file` (rotating); returns it, or None when it could not be opened."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    for handler in list(root.handlers):
        if getattr(handler, "_dukan", False):
            root.removeHandler(handler)
            handler.close()
    opened: Path | None = None
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        file_handler = RotatingFileHandler(
            log_file,
            maxBytes=MAX_LOG_BYTES,
            backupCount=KEPT_LOG_FILES,
            encoding="utf-8",
            # A file name with bytes that are not UTF-8 (read as surrogates) is logged escaped;
            # strict, logging printed its own traceback instead of the line.
            errors="backslashreplace",
        )
    except OSError:
        file_handler = None
    if file_handler is not None:
        file_handler.setFormatter(logging.Formatter(LOG_FORMAT))
        _add(root, file_handler)
        opened = log_file
    else:
        # With no handler at all, logging's last resort would print records to stderr.
        _add(root, logging.NullHandler())
    # A windowed build on Windows has sys.stderr = None; writing to it would raise.
    if echo_to_stderr and sys.stderr is not None:
        console = logging.StreamHandler(sys.stderr)
        console.setLevel(logging.WARNING)
        console.setFormatter(logging.Formatter(LOG_FORMAT))
        _add(root, console)
    return opened


def _add(root: logging.Logger, handler: logging.Handler) -> None:
    handler._dukan = True  # type: ignore[attr-defined]
    root.addHandler(handler)
