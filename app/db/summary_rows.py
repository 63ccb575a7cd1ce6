"""The tabs' headline numbers in fixed statements: the open credit book and the customers."""

from __future__ import annotations

from datetime import date

from app.db.database import database_proxy

# INDEXED BY: without statistics the planner takes 031's idx_debts_status_in_list_order for
# `status = 'open' AND due_date < ?`, which lacks the amount and so visits every debt's row.
_OPEN = "FROM debts d INDEXED BY idx_debts_open_by_due_date"


def _standing(due: str) -> str:
    """What still stands of the open debts whose due date matches `due`: their amounts (032's
    index) less the payments on them that were not reversed (029's covering index). Per debt,
    because the maintained balances are per customer and a customer's debts fall on both
    sides of a day. Joined rather than a subquery per debt: 30% quicker on the big shop."""
    return f"""((SELECT COALESCE(SUM(d.amount), 0) {_OPEN} WHERE d.status = 'open' AND {due})
  - (SELECT COALESCE(SUM(p.amount), 0) {_OPEN}
     CROSS JOIN payment_history p ON p.debt_id = d.id
     WHERE d.status = 'open' AND {due}
       AND p.id NOT IN (SELECT payment_id FROM payment_reversals)))"""


def _counted(due: str) -> str:
    return f"(SELECT COUNT(*) {_OPEN} WHERE d.status = 'open' AND {due})"


_OVERDUE = "d.due_date < ?1"
_DUE_LATER = "d.due_date >= ?1"
_UNDATED = "d.due_date IS NULL"

# The open book on a day (?1) in one statement, so its numbers agree with each other while
# another till writes. The total comes from customer_balances (every open debt's outstanding
# is above 0 and a settled debt's is 0, which `check` verifies, so the positive balances are
# the open debts' outstanding). Only the overdue part needs the debts: they are counted on
# both sides of the day from 032's index (a count reads no payments), and the payments are
# looked up on the smaller side only, the other side being the total less it. That side is
# usually the debts not yet due, about a payment term of credit sales, while the overdue grow
# with the years (102,088 overdue against 22,000 on the big shop). A CASE evaluates only the
# branch it takes. An undated debt is never overdue: `due_date < ?1` is NULL for it.
_OPEN_BOOK = f"""
WITH sides AS (
    SELECT {_counted(_OVERDUE)} AS overdue,
           {_counted(_DUE_LATER)} + {_counted(_UNDATED)} AS not_due
)
SELECT overdue + not_due,
       overdue,
       (SELECT COALESCE(SUM(outstanding), 0) FROM customer_balances WHERE outstanding > 0),
       overdue <= not_due,
       CASE WHEN overdue <= not_due
            THEN {_standing(_OVERDUE)}
            ELSE {_standing(_DUE_LATER)} + {_standing(_UNDATED)}
       END
FROM sides
"""

# Customers, debtors and the legacy queue from counts SQLite keeps cheaply: a whole table's
# COUNT(*) walks its smallest index page by page without reading a row (SQLite's btree
# count), the archived are few (032's partial index), the debtors are the positive balances
# (an index range), and the queue's money is the placeholder's balance.
_CUSTOMERS = """
SELECT (SELECT COUNT(*) FROM customers)
         - (SELECT COUNT(*) FROM customers WHERE is_deleted = 1)
         - (SELECT COUNT(*) FROM customers
            WHERE id = (SELECT customer_id FROM legacy_placeholder) AND is_deleted = 0),
       (SELECT COUNT(*) FROM customer_balances WHERE outstanding > 0)
         - (SELECT COUNT(*) FROM customer_balances
            WHERE customer_id = (SELECT customer_id FROM legacy_placeholder)
              AND outstanding > 0),
       (SELECT COUNT(*) FROM debts
        WHERE customer_id = (SELECT customer_id FROM legacy_placeholder) AND status = 'open'),
       (SELECT COALESCE(SUM(outstanding), 0) FROM customer_balances
        WHERE customer_id = (SELECT customer_id FROM legacy_placeholder))
"""


def open_book(today: date) -> tuple[int, int, int, int]:
    """(open debts, overdue debts, outstanding, overdue outstanding) on `today`."""
    open_count, overdue_count, outstanding, overdue_side, side_minor = database_proxy.execute_sql(
        _OPEN_BOOK, (today.isoformat(),)
    ).fetchone()
    overdue_minor = side_minor if overdue_side else outstanding - side_minor
    return int(open_count), int(overdue_count), int(outstanding), int(overdue_minor)


def customer_counts() -> tuple[int, int, int, int]:
    """(customers, customers owing, debts waiting in the legacy queue, what they come to):
    archived customers and the legacy placeholder are no customers."""
    count, owing, waiting_count, waiting_minor = database_proxy.execute_sql(_CUSTOMERS).fetchone()
    return int(count), int(owing), int(waiting_count), int(waiting_minor)
