"""Writes believable shop rows into a database at a given schema version, for upgrade tests."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.db.migrator import Migrator

# The newest version whose columns this module knows (docs/legacy-schema.md). Files asked for at
# a later version are populated at this one and then upgraded by the real migrations, which is
# exactly how a shop's file gets there.
KNOWN_VERSION = 10
HISTORY_TABLE = "schema_migrations"

# Version that introduced each table or column this module writes.
SALE_ITEMS_SINCE = 4
DEBTS_SINCE = 5
PAYMENTS_SINCE = 6
PAYER_SINCE = 7
DUE_DATE_SINCE = 8
SETTLE_TRIGGER_SINCE = 9


@dataclass(frozen=True, slots=True)
class Payment:
    amount: int
    paid_at: str
    method: str = "cash"
    note: str | None = None


@dataclass(frozen=True, slots=True)
class DebtSpec:
    created_at: str
    due_date: str | None = None
    note: str | None = None
    payments: tuple[Payment, ...] = ()


@dataclass(frozen=True, slots=True)
class SaleSpec:
    sold_at: str
    # (product id or None, description, quantity, unit price in minor units)
    items: tuple[tuple[int | None, str, int, int], ...]
    paid: int
    note: str | None = None
    payer_name: str | None = None
    payer_phone: str | None = None
    debt: DebtSpec | None = None

    @property
    def total(self) -> int:
        return sum(quantity * unit_price for _, _, quantity, unit_price in self.items)


SETTINGS: tuple[tuple[str, str], ...] = (
    ("shop_name", "Épicerie Amal"),
    ("currency", "DZD"),
    ("receipt_footer", "Merci; à bientôt -- شكرا"),
)

# (barcode, name, price, stock, is_active, created_at); ids are 1.. in this order.
PRODUCTS: tuple[tuple[str | None, str, int, int, int, str], ...] = (
    ("6130001000011", "Semoule 1kg", 12_000, 40, 1, "2023-01-05 09:00:00"),
    ("6130001000028", "Huile 1L", 35_000, 12, 1, "2023-01-05 09:01:10"),
    (None, "Pain", 1_500, 0, 1, "2023-01-05 09:02:00"),
    ("6130001000042", "Lait UHT", 9_000, 24, 1, "2023-01-06 10:15:00"),
    (None, "Сахар (kg)", 11_000, 5, 0, "2023-02-01 08:00:00"),
    ("6130001000066", "Thé vert 250g", 25_000, 7, 1, "2023-02-03 17:45:30"),
)

# Voided receipts carry no items and a zero total, so they are valid at every version,
# including 003 where sale_items does not exist yet.
VOIDED_SALES: tuple[SaleSpec, ...] = (
    SaleSpec("2023-03-01 08:30:00", (), 0, note="voided: wrong customer"),
    SaleSpec("2023-03-01 08:31:00", (), 0, note="price check; no sale"),
)

SALES: tuple[SaleSpec, ...] = (
    # Cash, no payer at all: the common case.
    SaleSpec("2023-03-02 09:10:00", ((1, "Semoule 1kg", 2, 12_000), (3, "Pain", 3, 1_500)), 28_500),
    # Credit, partly paid at the till, then two partial payments: stays open.
    SaleSpec(
        "2023-03-02 11:00:00",
        ((2, "Huile 1L", 2, 35_000),),
        20_000,
        note="pays on friday",
        payer_name="Alice smith",
        payer_phone="0555 123 456",
        debt=DebtSpec(
            "2023-03-02 11:00:00",
            due_date="2023-04-01",
            payments=(
                Payment(10_000, "2023-03-10 18:00:00"),
                Payment(15_000, "2023-03-17 18:05:00", "card", "half of the rest"),
            ),
        ),
    ),
    # Credit, nothing paid at the till, then paid in full at once.
    SaleSpec(
        "2023-03-03 12:00:00",
        ((4, "Lait UHT", 4, 9_000),),
        0,
        payer_name=" ALICE SMITH ",
        payer_phone="+213555123456",
        debt=DebtSpec("2023-03-03 12:00:00", payments=(Payment(36_000, "2023-03-20 09:00:00"),)),
    ),
    # Credit where the cashier skipped the payer; a line without a product; untouched debt.
    SaleSpec(
        "2023-03-04 16:20:00",
        ((6, "Thé vert 250g", 1, 25_000), (None, "Sachet", 1, 500)),
        5_500,
        debt=DebtSpec("2023-03-04 16:20:00", due_date="2023-03-31", note="regular; knows the boss"),
    ),
    # Cash, but a regular asked for a receipt with their name on it.
    SaleSpec(
        "2023-03-05 10:00:00", ((1, "Semoule 1kg", 1, 12_000),), 12_000, payer_name="Karim B."
    ),
    # Credit paid off in two payments; a non-Latin name and another phone format.
    SaleSpec(
        "2023-03-06 19:45:00",
        ((2, "Huile 1L", 1, 35_000), (3, "Pain", 2, 1_500)),
        8_000,
        payer_name="Хасан",
        payer_phone="0555-123-456",
        debt=DebtSpec(
            "2023-03-06 19:45:00",
            due_date="2023-04-30",
            payments=(
                Payment(10_000, "2023-03-15 12:00:00"),
                Payment(20_000, "2023-04-02 12:30:00", "cash", "settled"),
            ),
        ),
    ),
)


def _user_version(conn: sqlite3.Connection) -> int:
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    return version


def populate(path: Path, version: int) -> None:
    """Insert the rows above that fit a file at `version`, using only columns it has."""
    if not 0 <= version <= KNOWN_VERSION:
        raise ValueError(f"populate knows versions 0..{KNOWN_VERSION}, not {version}")
    if version == 0:
        return
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        found = _user_version(conn)
        if found != version:
            raise ValueError(f"{path} is at version {found}, not {version}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("BEGIN IMMEDIATE")
        _insert_all(conn, version)
        conn.execute("COMMIT")
    finally:
        conn.close()


def _insert_all(conn: sqlite3.Connection, version: int) -> None:
    conn.executemany("INSERT INTO settings (key, value) VALUES (?, ?)", SETTINGS)
    if version < 2:
        return
    conn.executemany(
        "INSERT INTO products (barcode, name, price, stock, is_active, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        PRODUCTS,
    )
    if version < 3:
        return
    sales = VOIDED_SALES + (SALES if version >= SALE_ITEMS_SINCE else ())
    for sale in sales:
        _insert_sale(conn, version, sale)


def _insert_sale(conn: sqlite3.Connection, version: int, sale: SaleSpec) -> None:
    columns = ["sold_at", "total", "paid", "note"]
    values: list[Any] = [sale.sold_at, sale.total, sale.paid, sale.note]
    if version >= PAYER_SINCE:
        columns += ["payer_name", "payer_phone"]
        values += [sale.payer_name, sale.payer_phone]
    sale_id = _insert(conn, "sales", columns, values)
    for product_id, description, quantity, unit_price in sale.items:
        _insert(
            conn,
            "sale_items",
            ["sale_id", "product_id", "description", "quantity", "unit_price"],
            [sale_id, product_id, description, quantity, unit_price],
        )
    if sale.debt is None or version < DEBTS_SINCE:
        return
    debt = sale.debt
    columns = ["sale_id", "amount", "note", "created_at"]
    values = [sale_id, sale.total - sale.paid, debt.note, debt.created_at]
    if version >= DUE_DATE_SINCE:
        columns.append("due_date")
        values.append(debt.due_date)
    debt_id = _insert(conn, "debts", columns, values)
    if version < PAYMENTS_SINCE:
        return
    for payment in debt.payments:
        _insert(
            conn,
            "payment_history",
            ["debt_id", "amount", "paid_at", "method", "note"],
            [debt_id, payment.amount, payment.paid_at, payment.method, payment.note],
        )
    if version < SETTLE_TRIGGER_SINCE and sum(p.amount for p in debt.payments) >= values[1]:
        # Before 009 the till itself marked a debt paid; from 009 on the trigger does.
        conn.execute("UPDATE debts SET status = 'paid' WHERE id = ?", (debt_id,))


def _insert(conn: sqlite3.Connection, table: str, columns: list[str], values: list[Any]) -> int:
    marks = ", ".join("?" for _ in columns)
    cursor = conn.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", values)
    row_id = cursor.lastrowid
    assert row_id is not None
    return row_id


def build_at(migrator: Migrator, path: Path, version: int, *, populated: bool = True) -> Path:
    """A file at `version` built by the real migrator (0: an empty file), with rows if asked."""
    path.parent.mkdir(parents=True, exist_ok=True)
    known = min(version, KNOWN_VERSION)
    if known == 0:
        path.write_bytes(b"")
    else:
        migrator.migrate(path, target=known)
    if populated:
        populate(path, known)
    if version > known:
        migrator.migrate(path, target=version)
    return path


@dataclass(frozen=True, slots=True)
class TableRows:
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)

    def only(self, columns: tuple[str, ...]) -> TableRows:
        positions = [self.columns.index(column) for column in columns]
        return TableRows(columns, [tuple(row[i] for i in positions) for row in self.rows])


Snapshot = dict[str, TableRows]


def snapshot(conn: sqlite3.Connection) -> Snapshot:
    """Every row of every user table (`sqlite_*` left out), in rowid order."""
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        )
    ]
    result: Snapshot = {}
    for name in names:
        cursor = conn.execute(f'SELECT * FROM "{name}" ORDER BY {row_order(conn, name)}')
        columns = tuple(description[0] for description in cursor.description)
        result[name] = TableRows(columns, [tuple(row) for row in cursor.fetchall()])
    return result


def row_order(conn: sqlite3.Connection, table: str) -> str:
    """`rowid`, or for a WITHOUT ROWID table (which has none) every column, in order."""
    has_rowid = conn.execute(
        "SELECT sql NOT LIKE '%WITHOUT ROWID' FROM sqlite_master WHERE name = ?", (table,)
    ).fetchone()[0]
    if has_rowid:
        return "rowid"
    count = len(conn.execute(f'SELECT * FROM "{table}" LIMIT 0').description)
    return ", ".join(str(position) for position in range(1, count + 1))


def snapshot_of(path: Path) -> Snapshot:
    conn = sqlite3.connect(path)
    try:
        return snapshot(conn)
    finally:
        conn.close()


# Columns that upgrades fill in on rows that were already there: 013 gives each credit sale
# the customer made from its payer.
FILLED_BY_UPGRADES: dict[str, tuple[str, ...]] = {"sales": ("customer_id",)}
# Columns upgrades move elsewhere: 017 carries customers.address into billing_address.
MOVED_BY_UPGRADES: dict[str, tuple[str, ...]] = {"customers": ("address",)}


def restricted_to(snap: Snapshot, before: Snapshot) -> Snapshot:
    """`snap` cut down to the rows, tables and columns `before` had, less those upgrades fill.

    Compare `restricted_to(after, before) == restricted_to(before, before)`: every old row is
    still there with the same values. Rows are matched by their first column (the key), so
    rows an upgrade adds (customers made by 013) are left out.
    """
    result: Snapshot = {}
    for name, table in before.items():
        if name not in snap:
            continue
        skipped = FILLED_BY_UPGRADES.get(name, ()) + MOVED_BY_UPGRADES.get(name, ())
        columns = tuple(c for c in table.columns if c not in skipped)
        keys = {row[0] for row in table.rows}
        kept = TableRows(snap[name].columns, [row for row in snap[name].rows if row[0] in keys])
        result[name] = kept.only(columns)
    return result


def without_timings(snap: Snapshot) -> Snapshot:
    """History rows minus when and how long: those differ between two runs of one migration."""
    if HISTORY_TABLE not in snap:
        return snap
    kept = tuple(c for c in snap[HISTORY_TABLE].columns if c not in {"applied_at", "duration_ms"})
    return {**snap, HISTORY_TABLE: snap[HISTORY_TABLE].only(kept)}


def total_rows(snap: Snapshot) -> int:
    return sum(len(table.rows) for name, table in snap.items() if name != HISTORY_TABLE)
