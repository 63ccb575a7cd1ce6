"""The demo shop's file: written afresh under a temporary name for each start, then moved in.

The demo is not a place to keep work: every `--demo` start replaces the file with a new shop
whose dates are relative to today, so the ageing of its debts stays believable. It lives in its
own folder (`paths.demo_database_path()`), and nothing here opens the shop's own database.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from pathlib import Path

from app import paths
from app.db.database import open_database
from app.db.sqlite_files import durable_replace
from app.services.demo_shop import DEFAULT_SEED, DemoShop, DemoSummary
from app.shop_migrator import shop_migrator

log = logging.getLogger(__name__)

DEMO_TITLE = "Dukan \u2014 demo shop with sample data (not your shop's books)"
TEMPORARY_SUFFIX = ".new"
_SIDECARS = ("-wal", "-shm", "-journal")


class DemoError(Exception):
    """The demo file could not be written; the message says why."""


def recreate_demo_database(
    path: Path, *, seed: int = DEFAULT_SEED, now: datetime | None = None
) -> DemoSummary:
    """Write a new demo shop at `path`, replacing the old one.

    The caller holds the window's lock on `path` (`open_shop(..., prepare=...)`), so no window
    has the old file open while it is replaced.
    """
    if path.resolve() == paths.default_database_path().resolve():
        raise DemoError(f"{path} is the shop's own database; the demo never writes there.")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + TEMPORARY_SUFFIX)
    _remove(temporary)  # left by a start that was killed half-way
    started = time.perf_counter()
    try:
        summary = _write(temporary, seed, now or datetime.now())
        # A WAL beside the old file belongs to the old file: gone before the new one arrives.
        _remove(path, with_file=False)
        durable_replace(temporary, path)
    except BaseException:
        _remove(temporary)
        raise
    log.info("demo shop written to %s in %.2f s: %s", path, time.perf_counter() - started, summary)
    return summary


def _write(temporary: Path, seed: int, now: datetime) -> DemoSummary:
    shop_migrator().migrate(temporary)
    database = open_database(temporary)
    try:
        summary = DemoShop().fill(now=now, seed=seed)
    finally:
        database.close()  # the last connection to close folds the WAL into the file
    leftovers = [name for name in _sidecar_paths(temporary) if name.exists()]
    if leftovers:
        raise DemoError(f"{leftovers[0]} is still there after closing the demo file.")
    return summary


def _sidecar_paths(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in _SIDECARS]


def _remove(path: Path, *, with_file: bool = True) -> None:
    for sidecar in _sidecar_paths(path):
        sidecar.unlink(missing_ok=True)
    if with_file:
        path.unlink(missing_ok=True)
