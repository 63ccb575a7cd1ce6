"""The audit log: who changed what and why, written in the transaction that made the change."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.db.audit_rows import insert_audit_rows
from app.db.tables import AuditEntry, Operator

# The operator every change is recorded under until the shop sets up logins (migration 020).
DEFAULT_OPERATOR_ID = 1


@dataclass(frozen=True, slots=True)
class AuditLine:
    at: datetime
    operator: str
    action: str  # insert, update, archive, restore, merge, delete, assign
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None

    def changed(self) -> list[str]:
        """The fields whose value differs between before and after, in stored order."""
        before, after = self.before or {}, self.after or {}
        return [key for key in {**before, **after} if before.get(key) != after.get(key)]


def record(
    *,
    operator_id: int,
    entity: str,
    entity_id: int,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str | None = None,
) -> None:
    """Append one audit row. Call inside the write transaction of the change it describes."""
    record_many(
        operator_id=operator_id,
        entity=entity,
        action=action,
        changes=[(entity_id, before, after)],
        reason=reason,
    )


def record_many(
    *,
    operator_id: int,
    entity: str,
    action: str,
    changes: list[tuple[int, dict[str, Any] | None, dict[str, Any] | None]],
    reason: str | None = None,
) -> None:
    """Append one audit row per (entity id, before, after) in one INSERT: a payment across ten
    debts written row by row spent as long on its audit as on the rest of the payment."""
    insert_audit_rows(
        at=datetime.now().replace(microsecond=0),
        operator_id=operator_id,
        entity=entity,
        action=action,
        reason=reason or None,
        rows=[(entity_id, _json(before), _json(after)) for entity_id, before, after in changes],
    )


def _json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def history(entity: str, entity_id: int) -> list[AuditLine]:
    """Every audit row of one record, newest first."""
    rows = (
        AuditEntry.select(AuditEntry, Operator.name)
        .join(Operator)
        .where((AuditEntry.entity == entity) & (AuditEntry.entity_id == entity_id))
        .order_by(AuditEntry.id.desc())
    )
    return [
        AuditLine(
            at=row.at,
            operator=row.operator.name,
            action=row.action,
            before=None if row.before_json is None else json.loads(row.before_json),
            after=None if row.after_json is None else json.loads(row.after_json),
            reason=row.reason,
        )
        for row in rows
    ]
