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
    until_version: int | None = None  # the version that replaced the rule, if one did


def _money_is_integer(
    table: str,
    since_version: int,
    columns: tuple[str, ...],
    *,
    optional: bool = False,
    key: str = "id",
) -> LedgerRule:
    """`optional`: the columns may be NULL (no amount given), never a REAL or a text."""
    allowed = "('integer', 'null')" if optional else "('integer')"
    typed = " OR ".join(f"typeof({column}) NOT IN {allowed}" for column in columns)
    shown = " || ', ' || ".join(f"'{column}=' || quote({column})" for column in columns)
    return LedgerRule(
        f"money in {table} is stored as integers",
        since_version,
        f"SELECT '{table} row ' || {key} || ': ' || {shown} FROM {table} WHERE {typed} "
        f"ORDER BY {key}",
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


# From this version a reversed payment no longer counts (migration 029), so the rules on what
# is paid read only the payments that still count.
REVERSALS_COUNTED = 29

# The payments that still count: every payment_history row not reversed.
_COUNTED_PAYMENTS = """(SELECT p.debt_id, p.customer_id, p.amount, p.reversal_id
     FROM payment_history p
     WHERE NOT EXISTS (SELECT 1 FROM payment_reversals r WHERE r.payment_id = p.id))"""


def _payment_rules(payments: str, *, since: int, until: int | None) -> tuple[LedgerRule, ...]:
    """What the payments on a debt may add up to, and the status that follows from it."""
    paid = f"(SELECT debt_id, SUM(amount) AS sum FROM {payments} GROUP BY debt_id)"
    return (
        LedgerRule(
            "payments on a debt do not exceed its amount",
            since,
            f"""SELECT 'debt ' || d.id || ': paid ' || p.sum || ' on a debt of ' || d.amount
               FROM debts d
               JOIN {paid} p ON p.debt_id = d.id
               WHERE p.sum > d.amount
               ORDER BY d.id""",
            until,
        ),
        LedgerRule(
            "a debt is 'paid' exactly when fully paid",
            since,
            f"""SELECT 'debt ' || d.id || ': status ' || d.status
                      || ' with ' || COALESCE(p.sum, 0) || ' of ' || d.amount || ' paid'
               FROM debts d
               LEFT JOIN {paid} p ON p.debt_id = d.id
               WHERE (d.status = 'paid') <> (COALESCE(p.sum, 0) >= d.amount)
               ORDER BY d.id""",
            until,
        ),
    )


def _balance_rule(payments: str, *, since: int, until: int | None) -> LedgerRule:
    """The maintained balance (migration 023) against the rows it sums."""
    return LedgerRule(
        "a customer's balance is their debts less their payments",
        since,
        f"""SELECT 'customer ' || c.id || ': balance ' || COALESCE(b.outstanding, 'missing')
                  || ' but debts less payments come to '
                  || (COALESCE(d.sum, 0) - COALESCE(p.sum, 0))
           FROM customers c
           LEFT JOIN customer_balances b ON b.customer_id = c.id
           LEFT JOIN (SELECT customer_id, SUM(amount) AS sum FROM debts GROUP BY customer_id) d
             ON d.customer_id = c.id
           LEFT JOIN (SELECT customer_id, SUM(amount) AS sum
                      FROM {payments} GROUP BY customer_id) p
             ON p.customer_id = c.id
           WHERE b.outstanding IS NOT (COALESCE(d.sum, 0) - COALESCE(p.sum, 0))
           ORDER BY c.id""",
        until,
    )


def _cash_back_rule(payments: str, *, since: int, until: int | None) -> LedgerRule:
    """A void or refund hands back at most what the sale took: at the till and on its debts."""
    return LedgerRule(
        "cash paid back on a sale is not more than was paid for it",
        since,
        f"""SELECT 'sale ' || s.id || ': ' || r.cash_out || ' paid back of '
                  || (s.paid + COALESCE(p.sum, 0)) || ' paid'
           FROM sales s
           JOIN (SELECT sale_id, SUM(cash_out) AS cash_out FROM sale_reversals
                 GROUP BY sale_id) r ON r.sale_id = s.id
           LEFT JOIN (SELECT d.sale_id, SUM(ph.amount) AS sum
                      FROM {payments} ph JOIN debts d ON d.id = ph.debt_id
                      WHERE ph.reversal_id IS NULL GROUP BY d.sale_id) p ON p.sale_id = s.id
           WHERE r.cash_out > s.paid + COALESCE(p.sum, 0)
           ORDER BY s.id""",
        until,
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
    *_payment_rules("payment_history", since=6, until=REVERSALS_COUNTED),
    *_payment_rules(_COUNTED_PAYMENTS, since=REVERSALS_COUNTED, until=None),
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
    _balance_rule("payment_history", since=23, until=REVERSALS_COUNTED),
    _balance_rule(_COUNTED_PAYMENTS, since=REVERSALS_COUNTED, until=None),
    LedgerRule(
        "a sale's total is what was paid at the till plus its debt",
        25,
        """SELECT 'sale ' || s.id || ': total ' || s.total || ' but paid ' || s.paid
                  || ' and owed ' || COALESCE(d.sum, 0)
           FROM sales s
           LEFT JOIN (SELECT sale_id, SUM(amount) AS sum FROM debts
                      WHERE sale_id IS NOT NULL GROUP BY sale_id) d ON d.sale_id = s.id
           -- Sales from before debts existed (or from other tills) may have been paid
           -- later off the books; a sale with a debt or rung up by Dukan never is.
           WHERE (d.sum IS NOT NULL OR s.checkout_key IS NOT NULL)
             AND s.paid + COALESCE(d.sum, 0) <> s.total
           ORDER BY s.id""",
    ),
    LedgerRule(
        "a reversal's amount is the value of the lines that came back",
        26,
        """SELECT 'reversal ' || r.id || ': amount ' || r.amount || ' but its lines come to '
                  || COALESCE(l.priced, 0) || ' (recorded as ' || COALESCE(l.recorded, 0) || ')'
           FROM sale_reversals r
           LEFT JOIN (SELECT ri.reversal_id, SUM(ri.amount) AS recorded,
                             SUM(ri.quantity * si.unit_price) AS priced
                      FROM sale_reversal_items ri JOIN sale_items si ON si.id = ri.sale_item_id
                      GROUP BY ri.reversal_id) l ON l.reversal_id = r.id
           WHERE r.amount <> COALESCE(l.priced, 0) OR r.amount <> COALESCE(l.recorded, 0)
           ORDER BY r.id""",
    ),
    LedgerRule(
        "no sale line comes back more often than it was sold",
        26,
        """SELECT 'sale line ' || si.id || ': ' || r.sum || ' returned of ' || si.quantity
                  || ' sold'
           FROM sale_items si
           JOIN (SELECT sale_item_id, SUM(quantity) AS sum FROM sale_reversal_items
                 GROUP BY sale_item_id) r ON r.sale_item_id = si.id
           WHERE r.sum > si.quantity
           ORDER BY si.id""",
    ),
    LedgerRule(
        "a reversal takes off its sale's debt what it says",
        26,
        """SELECT 'reversal ' || r.id || ': ' || r.debt_reduced || ' off the debt but '
                  || COALESCE(p.sum, 0) || ' recorded on debts of sale ' || r.sale_id
           FROM sale_reversals r
           LEFT JOIN (SELECT ph.reversal_id, SUM(ph.amount) AS sum
                      FROM payment_history ph JOIN debts d ON d.id = ph.debt_id
                      JOIN sale_reversals own ON own.id = ph.reversal_id
                      WHERE d.sale_id = own.sale_id
                      GROUP BY ph.reversal_id) p ON p.reversal_id = r.id
           WHERE r.debt_reduced <> COALESCE(p.sum, 0)
              OR EXISTS (SELECT 1 FROM payment_history ph JOIN debts d ON d.id = ph.debt_id
                         WHERE ph.reversal_id = r.id AND d.sale_id IS NOT r.sale_id)
           ORDER BY r.id""",
    ),
    _cash_back_rule("payment_history", since=26, until=REVERSALS_COUNTED),
    _cash_back_rule(_COUNTED_PAYMENTS, since=REVERSALS_COUNTED, until=None),
    LedgerRule(
        "a product's stock is the sum of its stock moves",
        27,
        """SELECT 'product ' || pr.id || ': stock ' || pr.stock || ' but its moves add up to '
                  || COALESCE(m.sum, 0)
           FROM products pr
           LEFT JOIN (SELECT product_id, SUM(quantity) AS sum FROM stock_moves
                      GROUP BY product_id) m ON m.product_id = pr.id
           WHERE pr.stock <> COALESCE(m.sum, 0)
           ORDER BY pr.id""",
    ),
    LedgerRule(
        "every sale line and returned line since the stock ledger began moved the stock",
        27,
        """SELECT 'sale line ' || si.id || ': ' || si.quantity || ' of product '
                  || si.product_id || ' sold but the stock moved by '
                  || COALESCE(-m.quantity, 'nothing')
           FROM sale_items si
           LEFT JOIN stock_moves m ON m.sale_item_id = si.id
           WHERE si.product_id IS NOT NULL
             AND si.id >= (SELECT first_sale_item_id FROM stock_ledger_start)
             AND (m.id IS NULL OR m.quantity <> -si.quantity OR m.product_id <> si.product_id)
           UNION ALL
           SELECT 'returned line ' || ri.id || ': ' || ri.quantity || ' of product '
                  || si.product_id || ' came back but the stock moved by '
                  || COALESCE(m.quantity, 'nothing')
           FROM sale_reversal_items ri
           JOIN sale_items si ON si.id = ri.sale_item_id
           LEFT JOIN stock_moves m ON m.reversal_item_id = ri.id
           WHERE si.product_id IS NOT NULL
             AND (m.id IS NULL OR m.quantity <> ri.quantity OR m.product_id <> si.product_id)
           ORDER BY 1""",
    ),
    _money_is_integer("products", 2, ("price",)),
    _money_is_integer("sales", 3, ("total", "paid")),
    _money_is_integer("sale_items", 4, ("unit_price", "quantity")),
    _money_is_integer("debts", 5, ("amount",)),
    _money_is_integer("payment_history", 6, ("amount",)),
    _money_is_integer("sale_reversals", 26, ("amount", "debt_reduced", "cash_out")),
    _money_is_integer("sale_reversal_items", 26, ("amount", "quantity")),
    LedgerRule(
        "a customer's oldest due date is the earliest due date of their open debts",
        REVERSALS_COUNTED,
        """SELECT 'customer ' || b.customer_id || ': oldest due '
                  || COALESCE(b.oldest_due, 'none') || ' but their open debts say '
                  || COALESCE(d.due, 'none')
           FROM customer_balances b
           LEFT JOIN (SELECT customer_id, MIN(due_date) AS due FROM debts
                      WHERE status = 'open' GROUP BY customer_id) d
             ON d.customer_id = b.customer_id
           WHERE b.oldest_due IS NOT d.due
           ORDER BY b.customer_id""",
    ),
    LedgerRule(
        "a payment receipt's amount is the sum of its payments, all from its customer",
        REVERSALS_COUNTED,
        """SELECT 'receipt ' || r.id || ': amount ' || r.amount || ' but its payments come to '
                  || COALESCE(SUM(p.amount), 0)
                  || CASE WHEN SUM(p.id IS NOT NULL AND p.customer_id IS NOT r.customer_id) > 0
                          THEN ' and some are from another customer' ELSE '' END
           FROM payment_receipts r
           LEFT JOIN payment_history p ON p.receipt_id = r.id
           GROUP BY r.id
           HAVING COALESCE(SUM(p.amount), 0) <> r.amount
               OR SUM(p.id IS NOT NULL AND p.customer_id IS NOT r.customer_id) > 0
           ORDER BY r.id""",
    ),
    _money_is_integer("payment_receipts", REVERSALS_COUNTED, ("amount",)),
    _money_is_integer("customer_balances", 23, ("outstanding",), key="customer_id"),
    _money_is_integer("sales", 25, ("tendered",), optional=True),
    _money_is_integer("reminders", REVERSALS_COUNTED, ("overdue_amount",)),
    LedgerRule(
        "no debt is left with a merged customer",
        19,
        # A merge moves every debt to the survivor in its transaction (product.md §3).
        """SELECT 'debt ' || d.id || ': owed by customer ' || c.id
                  || ', who was merged into customer ' || c.merged_into_id
           FROM debts d
           JOIN customers c ON c.id = d.customer_id
           WHERE c.merged_into_id IS NOT NULL
           ORDER BY d.id""",
    ),
    LedgerRule(
        "nothing is reversed on a sale after its void",
        26,
        # A void takes back everything left of its sale, so it is the sale's last reversal.
        """SELECT 'sale ' || v.sale_id || ': ' || later.kind || ' ' || later.id
                  || ' after void ' || v.id
           FROM sale_reversals v
           JOIN sale_reversals later ON later.sale_id = v.sale_id AND later.id > v.id
           WHERE v.kind = 'void'
           ORDER BY v.sale_id, later.id""",
    ),
    LedgerRule(
        "a payment is reversed at most once, and only money received",
        REVERSALS_COUNTED,
        """SELECT 'payment ' || p.id || ': reversed ' || COUNT(*) || ' time(s)'
                  || CASE WHEN p.reversal_id IS NOT NULL
                          THEN ', but it is goods returned by reversal ' || p.reversal_id
                          ELSE '' END
           FROM payment_reversals r
           JOIN payment_history p ON p.id = r.payment_id
           GROUP BY p.id
           HAVING COUNT(*) > 1 OR p.reversal_id IS NOT NULL
           ORDER BY p.id""",
    ),
)


@dataclass(frozen=True, slots=True)
class Guard:
    """A trigger that refuses a change the books forbid, and the version that made it."""

    trigger: str
    table: str
    since_version: int


def _append_only(table: str, since_version: int) -> tuple[Guard, ...]:
    return (
        Guard(f"trg_{table}_no_update", table, since_version),
        Guard(f"trg_{table}_no_delete", table, since_version),
    )


# A file whose guards were dropped still passes every ledger rule until someone edits a money
# row by hand; `check` and the start-up name the missing ones before that can happen unseen.
GUARDS: tuple[Guard, ...] = (
    *_append_only("audit_log", 21),
    *_append_only("sale_reversals", 26),
    *_append_only("sale_reversal_items", 26),
    Guard("trg_sale_reversal_items_within_sale", "sale_reversal_items", 26),
    *_append_only("stock_moves", 27),
    *_append_only("payment_receipts", REVERSALS_COUNTED),
    *_append_only("payment_reversals", REVERSALS_COUNTED),
    Guard("trg_payment_reversals_money_only", "payment_reversals", REVERSALS_COUNTED),
    *_append_only("sales", 30),
    *_append_only("sale_items", 30),
    *_append_only("debts", 30),
    Guard("trg_debts_status_follows_payments", "debts", 30),
    *_append_only("payment_history", 30),
)
GUARDS_IN_PLACE = "the guards on money rows are in place"


def _listed(conn: sqlite3.Connection, name: str, sql: str) -> list[Violation]:
    return [Violation(name, str(row[0])) for row in conn.execute(sql).fetchall()]


def summarise_problems(problems: list[str]) -> str:
    """The first of `quick_check`'s problems and how many more: one of its rows can itself be
    many lines (a damaged tree), too long for a sentence in a dialog."""
    lines = [
        line.strip()
        for problem in problems
        for line in problem.splitlines()
        # A heading SQLite puts above a tree's list, not a problem of its own.
        if line.strip() and not line.strip().startswith("*** in database")
    ]
    if not lines:
        return "no detail given"
    more = f" (and {len(lines) - 1} more)" if len(lines) > 1 else ""
    return lines[0] + more


# Small tables every start reads: text damaged there stops the file opening at all.
TABLES_READ_AT_START = ("schema_migrations", "settings")


def undecodable_text(conn: sqlite3.Connection, tables: tuple[str, ...] | None = None) -> list[str]:
    """Each column holding text that is not UTF-8 (bytes flipped inside a row, which neither
    `quick_check` nor `integrity_check` looks at), as "table.column row N (and K more)".

    Reading such a value raises "Could not decode to UTF-8" wherever it is shown, so it is
    damage. Only values with a byte above 127 are decoded in Python: SQLite's GLOB finds
    them, and the rest (ASCII) is valid UTF-8 by construction. Every table by default (about
    a second per 300,000 rows of non-ASCII text, 50 MB); `tables` limits it to those.
    """
    found = []
    found_tables = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name"
    ).fetchall()
    for table, sql in found_tables:
        if tables is not None and table not in tables:
            continue
        quoted_table = _quoted(str(table))
        info = conn.execute(f"PRAGMA table_info({quoted_table})").fetchall()
        # (cid, name, type, notnull, default, pk): a WITHOUT ROWID table is found by its key.
        key = "rowid"
        if "WITHOUT ROWID" in str(sql).upper():
            key = " || ',' || ".join(
                _quoted(str(row[1])) for row in sorted(info, key=lambda row: row[5]) if row[5]
            )
        for column in (str(row[1]) for row in info):
            quoted = _quoted(column)
            non_ascii = (
                f" FROM {quoted_table} WHERE typeof({quoted}) = 'text'"
                f" AND {quoted} GLOB '*[^' || char(1) || '-' || char(127) || ']*'"
            )
            # One decode of the whole column first (fast, in C); row by row only if it fails.
            (whole,) = conn.execute(
                f"SELECT CAST(group_concat({quoted}, char(10)) AS BLOB){non_ascii}"
            ).fetchone()
            if whole is None or _decodes(whole):
                continue
            bad = [
                row_key
                for row_key, raw in conn.execute(
                    f"SELECT {key}, CAST({quoted} AS BLOB){non_ascii} ORDER BY {key}"
                )
                if not _decodes(raw)
            ]
            if bad:
                more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
                found.append(f"{table}.{column} row {bad[0]!s}{more}")
    return found


def _quoted(name: str) -> str:
    """An identifier from the file's own schema, quoted for SQL whatever it holds."""
    return '"' + name.replace('"', '""') + '"'


def _decodes(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def quick_check(conn: sqlite3.Connection) -> list[str]:
    """Problems `PRAGMA quick_check` reports; empty when the file is sound.

    The cheap check of pages and records (no index against its table) that start-up, the
    migrator and every backup run; `integrity_check` below is the whole one.
    """
    rows = [str(row[0]) for row in conn.execute("PRAGMA quick_check").fetchall()]
    return [] if rows == ["ok"] else rows


def guard_violations(conn: sqlite3.Connection, version: int) -> list[Violation]:
    """The guards a file at `version` must have, each missing or disarmed one named.

    One read of the schema table, cheap enough for every start.
    """
    present = {
        (str(name), str(table)): str(sql or "")
        for name, table, sql in conn.execute(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"
        )
    }
    found = []
    for guard in GUARDS:
        if version < guard.since_version:
            continue
        sql = present.get((guard.trigger, guard.table))
        if sql is None:
            found.append(Violation(GUARDS_IN_PLACE, f"{guard.trigger} on {guard.table} is missing"))
        elif "RAISE(ABORT" not in sql.upper().replace(" ", ""):
            # Same name, but its body was replaced by one that lets every change through.
            found.append(
                Violation(GUARDS_IN_PLACE, f"{guard.trigger} on {guard.table} refuses nothing")
            )
    return found


def integrity_violations(conn: sqlite3.Connection) -> list[Violation]:
    rows = [str(row[0]) for row in conn.execute("PRAGMA integrity_check").fetchall()]
    if rows != ["ok"]:
        return [Violation("file integrity", row) for row in rows]
    return [
        Violation("file integrity", f"text that is not UTF-8 (damaged bytes) in {where}")
        for where in undecodable_text(conn)
    ]


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
        replaced = rule.until_version is not None and version >= rule.until_version
        if version >= rule.since_version and not replaced:
            found += _listed(conn, rule.name, rule.sql)
    return found


def all_violations(conn: sqlite3.Connection, version: int) -> list[Violation]:
    """Everything `python -m app check` reports; the ledger only once the file is sound."""
    try:
        problems = integrity_violations(conn)
        if problems:
            return problems
        return (
            reference_violations(conn)
            + guard_violations(conn, version)
            + ledger_violations(conn, version)
        )
    except sqlite3.DatabaseError as error:
        # Some damage makes SQLite stop reading rather than list what it found.
        return [Violation("file integrity", str(error))]
