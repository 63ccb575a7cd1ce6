"""The audit log: who changed what and why, written in the transaction that made the change."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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
    AuditEntry.create(
        at=datetime.now().replace(microsecond=0),
        operator=operator_id,
        entity=entity,
        entity_id=entity_id,
        action=action,
        before_json=None if before is None else json.dumps(before, ensure_ascii=False),
        after_json=None if after is None else json.dumps(after, ensure_ascii=False),
        reason=reason or None,
    )


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
