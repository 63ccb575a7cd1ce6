"""The books' invariants in one place: integrity, references and the ledger rules."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Violation:
    check: str
    detail: str


@dataclass(frozen=True, slots=True)
class LedgerRule:
    """A rule whose SQL returns one row per violation, a sentence naming the row, in id order
    (never the order an index happens to give: `check` prints the same list every time)."""

    name: str
    since_version: int  # the first schema version that has every table the rule reads
    sql: str


def _money_is_integer(table: str, since_version: int, columns: tuple[str, ...]) -> LedgerRule:
    typed = " OR ".join(f"typeof({column}) <> 'integer'" for column in columns)
    shown = " || ', ' || ".join(f"'{column}=' || quote({column})" for column in columns)
    return LedgerRule(
        f"money in {table} is stored as integers",
        since_version,
        f"SELECT '{table} row ' || id || ': ' || {shown} FROM {table} WHERE {typed} ORDER BY id",
    )


# How a row of each table is linked to its debt, and what the row is called in a message.
_DEBT_LINKS = {
    "sales": ("x.id = d.sale_id", "sale"),
    "payment_history": ("d.id = x.debt_id", "payment"),
}


def _names_the_debts_customer(name: str, table: str, since_version: int) -> LedgerRule:
    """A sale or payment tied to a debt names the debt's customer (a copy kept for reports)."""
    link, noun = _DEBT_LINKS[table]
    return LedgerRule(
        name,
        since_version,
        f"""SELECT '{noun} ' || x.id || ': customer ' || COALESCE(x.customer_id, 'none')
                  || ' but its debt ' || d.id || ' is owed by customer ' || d.customer_id
           FROM {table} x
           JOIN debts d ON {link}
           WHERE x.customer_id IS NOT d.customer_id
           ORDER BY x.id, d.id""",
    )


LEDGER_RULES: tuple[LedgerRule, ...] = (
    LedgerRule(
        "sale total equals the sum of its items",
        4,
        """SELECT 'sale ' || s.id || ': total ' || s.total
                  || ' but items add up to ' || COALESCE(i.sum, 0)
           FROM sales s
           LEFT JOIN (SELECT sale_id, SUM(quantity * unit_price) AS sum
                      FROM sale_items GROUP BY sale_id) i ON i.sale_id = s.id
           WHERE s.total <> COALESCE(i.sum, 0)
           ORDER BY s.id""",
    ),
    LedgerRule(
        "sale paid is not more than its total",
        3,
        "SELECT 'sale ' || id || ': paid ' || paid || ' of a total of ' || total "
        "FROM sales WHERE paid > total ORDER BY id",
    ),
    LedgerRule(
        "payments on a debt do not exceed its amount",
        6,
        """SELECT 'debt ' || d.id || ': paid ' || p.sum || ' on a debt of ' || d.amount
           FROM debts d
           JOIN (SELECT debt_id, SUM(amount) AS sum FROM payment_history GROUP BY debt_id) p
             ON p.debt_id = d.id
           WHERE p.sum > d.amount
           ORDER BY d.id""",
    ),
    LedgerRule(
        "a debt is 'paid' exactly when fully paid",
        6,
        """SELECT 'debt ' || d.id || ': status ' || d.status
                  || ' with ' || COALESCE(p.sum, 0) || ' of ' || d.amount || ' paid'
           FROM debts d
           LEFT JOIN (SELECT debt_id, SUM(amount) AS sum FROM payment_history GROUP BY debt_id) p
             ON p.debt_id = d.id
           WHERE (d.status = 'paid') <> (COALESCE(p.sum, 0) >= d.amount)
           ORDER BY d.id""",
    ),
    LedgerRule(
        "every debt has a customer",
        13,
        """SELECT 'debt ' || d.id || ': '
                  || COALESCE('customer ' || d.customer_id || ' does not exist', 'no customer')
           FROM debts d
           WHERE d.customer_id IS NULL
              OR NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = d.customer_id)
           ORDER BY d.id""",
    ),
    _names_the_debts_customer("a sale with a debt belongs to the debt's customer", "sales", 13),
    _names_the_debts_customer("a payment carries its debt's customer", "payment_history", 14),
    LedgerRule(
        "a customer's balance is their debts less their payments",
        23,
        """SELECT 'customer ' || c.id || ': balance ' || COALESCE(b.outstanding, 'missing')
                  || ' but debts less payments come to '
                  || (COALESCE(d.sum, 0) - COALESCE(p.sum, 0))
           FROM customers c
           LEFT JOIN customer_balances b ON b.customer_id = c.id
           LEFT JOIN (SELECT customer_id, SUM(amount) AS sum FROM debts GROUP BY customer_id) d
             ON d.customer_id = c.id
           LEFT JOIN (SELECT customer_id, SUM(amount) AS sum
                      FROM payment_history GROUP BY customer_id) p
             ON p.customer_id = c.id
           WHERE b.outstanding IS NOT (COALESCE(d.sum, 0) - COALESCE(p.sum, 0))
           ORDER BY c.id""",
    ),
    _money_is_integer("products", 2, ("price",)),
    _money_is_integer("sales", 3, ("total", "paid")),
    _money_is_integer("sale_items", 4, ("unit_price", "quantity")),
    _money_is_integer("debts", 5, ("amount",)),
    _money_is_integer("payment_history", 6, ("amount",)),
)


def _listed(conn: sqlite3.Connection, name: str, sql: str) -> list[Violation]:
    return [Violation(name, str(row[0])) for row in conn.execute(sql).fetchall()]


def integrity_violations(conn: sqlite3.Connection) -> list[Violation]:
    rows = [str(row[0]) for row in conn.execute("PRAGMA integrity_check").fetchall()]
    if rows == ["ok"]:
        return []
    return [Violation("file integrity", row) for row in rows]


def reference_violations(conn: sqlite3.Connection) -> list[Violation]:
    return _listed(
        conn,
        "references between rows",
        # Columns of PRAGMA foreign_key_check: table, rowid, parent table, key index.
        "SELECT 'row ' || COALESCE(fk.rowid, '?') || ' of ' || fk.\"table\""
        " || ' points to a missing ' || fk.parent FROM pragma_foreign_key_check() AS fk",
    )


def ledger_violations(conn: sqlite3.Connection, version: int) -> list[Violation]:
    found: list[Violation] = []
    for rule in LEDGER_RULES:
        if version >= rule.since_version:
            found += _listed(conn, rule.name, rule.sql)
    return found


def all_violations(conn: sqlite3.Connection, version: int) -> list[Violation]:
    """Everything `python -m app check` reports; the ledger only once the file is sound."""
    try:
        problems = integrity_violations(conn)
        if problems:
            return problems
        return reference_violations(conn) + ledger_violations(conn, version)
    except sqlite3.DatabaseError as error:
        # Some damage makes SQLite stop reading rather than list what it found.
        return [Violation("file integrity", str(error))]
