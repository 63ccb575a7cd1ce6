"""Deterministic Python functions that migrations may call as SQL (see migrations/README.md)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any


def dukan_casefold(text: Any) -> Any:
    """Unicode case folding: SQLite's `lower()` folds ASCII only, so `ХАСАН` ≠ `хасан` there."""
    return text.strip().casefold() if isinstance(text, str) else text


# name -> (function, number of arguments). Never change what a released name returns: a
# migration that ran with it must give the same result when a fresh file is built.
MIGRATION_FUNCTIONS: dict[str, tuple[Callable[..., Any], int]] = {
    "dukan_casefold": (dukan_casefold, 1),
}


def register_migration_functions(conn: sqlite3.Connection) -> None:
    for name, (function, arity) in MIGRATION_FUNCTIONS.items():
        conn.create_function(name, arity, function, deterministic=True)
