"""The credit book's hot reads in fixed statements: a debtors page's ageing, a debtor, credit."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from app.db.database import database_proxy

# Each open debt less the payments that stand, summed by customer and age class: the number of
# the four edge dates (?2–?5, app.domain.ageing.age_class_edges) its due date falls before, so
# a page of 100 top debtors sends 300-odd sums to Python instead of its 2,800 debts. The ids
# arrive as one JSON array (the text never changes, so SQLite keeps it prepared) and stay the
# outer loop (CROSS JOIN). INDEXED BY: the planner prefers 031's idx_debts_customer_in_list_order
# for `customer_id = ? AND status = 'open'` (two equalities), which lacks the amount and so
# reads every debt's table row too: 10 ms against 4 ms through 015's covering partial index.
# `+d.due_date` drops the column's NUMERIC affinity (DATE), which would otherwise try to turn
# the edge text into a number at each of the 11,000 comparisons (5 ms against 2 ms, no
# payments read). An undated debt compares NULL: class 0.
_OPEN_BY_AGE_CLASS = """
SELECT d.customer_id,
       COALESCE(+d.due_date < ?2, 0) + COALESCE(+d.due_date < ?3, 0)
           + COALESCE(+d.due_date < ?4, 0) + COALESCE(+d.due_date < ?5, 0),
       SUM(d.amount - COALESCE((SELECT SUM(p.amount) FROM payment_history p
                                WHERE p.debt_id = d.id
                                  AND NOT EXISTS (SELECT 1 FROM payment_reversals r
                                                  WHERE r.payment_id = p.id)), 0))
FROM json_each(?1) AS wanted
CROSS JOIN debts d INDEXED BY idx_debts_open_by_customer
WHERE d.customer_id = wanted.value AND d.status = 'open'
GROUP BY 1, 2
"""

_LAST_REMINDED = """
SELECT r.customer_id, MAX(r.reminded_at)
FROM json_each(?1) AS wanted
CROSS JOIN reminders r
WHERE r.customer_id = wanted.value
GROUP BY r.customer_id
"""


def open_by_age_class(
    ids: list[int], edges: tuple[date, date, date, date]
) -> list[tuple[int, int, int]]:
    """(customer id, age class, outstanding) for the open debts of `ids`, one row a class."""
    rows: list[tuple[int, int, int]] = database_proxy.execute_sql(
        _OPEN_BY_AGE_CLASS, (json.dumps(ids), *(edge.isoformat() for edge in edges))
    ).fetchall()
    return rows


def last_reminded(ids: list[int]) -> dict[int, str]:
    """Customer id -> when the latest reminder of theirs was sent (stored text), if any."""
    rows: list[tuple[Any, ...]] = database_proxy.execute_sql(
        _LAST_REMINDED, (json.dumps(ids),)
    ).fetchall()
    return {int(customer_id): at for customer_id, at in rows}


# Who a debt may be given to, with the placeholder check in the same read (a second query for
# the placeholder's id, and a whole Customer model, cost more than the read itself).
_DEBTOR = """
SELECT c.name, c.customer_number, c.is_deleted, c.payment_terms, c.credit_limit,
       p.id IS NOT NULL
FROM customers c LEFT JOIN legacy_placeholder p ON p.customer_id = c.id
WHERE c.id = ?
"""

# What the credit panel and checkout's limit check need: owed now, and the part past due.
_CREDIT_STANDING = """
SELECT COALESCE((SELECT outstanding FROM customer_balances WHERE customer_id = ?1), 0),
       (SELECT COALESCE(SUM(o.outstanding), 0) FROM open_debts o
        WHERE o.customer_id = ?1 AND o.due_date < ?2)
"""


def debtor_row(customer_id: int) -> tuple[Any, ...] | None:
    """(name, number, archived, payment terms, credit limit, is the placeholder)."""
    found: tuple[Any, ...] | None = database_proxy.execute_sql(_DEBTOR, (customer_id,)).fetchone()
    return found


def credit_standing(customer_id: int, today: date) -> tuple[int, int]:
    """(owed, overdue) of the customer on `today`."""
    owed, overdue = database_proxy.execute_sql(
        _CREDIT_STANDING, (customer_id, today.isoformat())
    ).fetchone()
    return int(owed), int(overdue)
