"""The directory's rows for a list of customer ids, in one statement whose text never changes."""

from __future__ import annotations

import json
from typing import Any

from app.db.database import database_proxy

# The ids arrive as one JSON array, so the text is the same for every page and SQLite reuses
# its prepared statement; json_each's `key` keeps the order the caller asked for. Overdue
# reads the open debts past due through the partial index of 015; last activity is the
# latest sale, payment or debt (a manual debt has no sale). SQLite's two-argument MAX() is
# NULL when any argument is, so '' stands for "never".
_ROWS = """
SELECT c.id, c.customer_number, c.name, c.phone, b.outstanding,
       (SELECT COALESCE(SUM(o.outstanding), 0) FROM open_debts o
        WHERE o.customer_id = c.id AND o.due_date < ?2),
       NULLIF(MAX(COALESCE((SELECT MAX(s.sold_at) FROM sales s WHERE s.customer_id = c.id), ''),
                  COALESCE((SELECT MAX(p.paid_at) FROM payment_history p
                            WHERE p.customer_id = c.id), ''),
                  COALESCE((SELECT MAX(d.created_at) FROM debts d
                            WHERE d.customer_id = c.id), '')), ''),
       c.is_deleted
FROM json_each(?1) AS wanted
JOIN customers c ON c.id = wanted.value
JOIN customer_balances b ON b.customer_id = c.id
ORDER BY wanted.key
"""


def directory_rows(ids: list[int], today_iso: str) -> list[tuple[Any, ...]]:
    """(id, number, name, phone, balance, overdue, last activity text, archived) per id."""
    rows: list[tuple[Any, ...]] = database_proxy.execute_sql(
        _ROWS, (json.dumps(ids), today_iso)
    ).fetchall()
    return rows
