"""Audit rows appended in one fixed statement per row count."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from app.db.database import database_proxy
from app.db.fields import TIMESTAMP_FORMAT

AuditValues = tuple[int, str | None, str | None]  # entity id, before JSON, after JSON
# Rows per INSERT: 8 × 500 values stay far below SQLite's 32,766 bound variables.
BATCH_ROWS = 500


def insert_audit_rows(
    *,
    at: datetime,
    operator_id: int,
    entity: str,
    action: str,
    reason: str | None,
    rows: list[AuditValues],
) -> None:
    """One audit_log row per (entity id, before, after), up to BATCH_ROWS an INSERT. Plain
    text rather than peewee's insert_many, which took as long to build for ten rows as SQLite
    took to run it."""
    stamp = at.strftime(TIMESTAMP_FORMAT)
    for start in range(0, len(rows), BATCH_ROWS):
        batch = rows[start : start + BATCH_ROWS]
        values = [
            value
            for entity_id, before, after in batch
            for value in (stamp, operator_id, entity, entity_id, action, before, after, reason)
        ]
        database_proxy.execute_sql(_insert(len(batch)), values)


@lru_cache(maxsize=32)
def _insert(rows: int) -> str:
    return (
        "INSERT INTO audit_log (at, operator_id, entity, entity_id, action, before_json, "
        "after_json, reason) VALUES " + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?)"] * rows)
    )
