"""A structural fingerprint of a database schema, to prove an upgraded file equals a fresh one."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

_WHITESPACE = re.compile(r"\s+")


def _normalised_sql(sql: str | None) -> str:
    return _WHITESPACE.sub(" ", sql or "").strip()


def _rows(conn: sqlite3.Connection, sql: str) -> tuple[tuple[Any, ...], ...]:
    return tuple(tuple(row) for row in conn.execute(sql).fetchall())


def schema_fingerprint(conn: sqlite3.Connection) -> dict[str, Any]:
    """Tables with their columns and keys, indexes, triggers and views; `sqlite_*` left out.

    Both sides are built by the same migration files, so their SQL text agrees once whitespace
    is folded; the per-column rows make a difference readable when it does not.
    """
    objects = conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' "
        "ESCAPE '\\' ORDER BY type, name"
    ).fetchall()
    fingerprint: dict[str, Any] = {}
    for kind, name, table, sql in objects:
        quoted = '"' + name.replace('"', '""') + '"'
        if kind == "table":
            fingerprint[f"table:{name}"] = {
                "columns": _rows(conn, f"PRAGMA table_xinfo({quoted})"),
                "foreign_keys": _rows(conn, f"PRAGMA foreign_key_list({quoted})"),
                "sql": _normalised_sql(sql),
            }
        elif kind == "index":
            fingerprint[f"index:{name}"] = {
                "table": table,
                "columns": _rows(conn, f"PRAGMA index_xinfo({quoted})"),
                "sql": _normalised_sql(sql),
            }
        else:
            fingerprint[f"{kind}:{name}"] = {"table": table, "sql": _normalised_sql(sql)}
    return fingerprint
