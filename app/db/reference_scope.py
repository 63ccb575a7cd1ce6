"""Which tables a migration could have left with broken references, so only those are checked."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

# What `PRAGMA foreign_key_check` answers: (child table, rowid, parent table, foreign key id).
Violation = tuple[str, int | None, str, int]

_ROWID_NAMES = frozenset({"rowid", "oid", "_rowid_"})


@dataclass
class _Writes:
    """Tables and columns the statements prepared since `start` may write (main schema only)."""

    inserted: set[str] = field(default_factory=set)
    deleted: set[str] = field(default_factory=set)
    dropped: set[str] = field(default_factory=set)
    altered: set[str] = field(default_factory=set)
    renamed_away: set[str] = field(default_factory=set)  # a table renamed from this name
    last_altered: str | None = None
    updated: dict[str, set[str]] = field(default_factory=dict)


class ReferenceScope:
    """Records, through SQLite's authorizer, what a migration's statements write.

    `PRAGMA foreign_key_check` over a whole shop reads every row of every table with a foreign
    key (2.5 million sale lines on a big shop: seconds per migration, most of an upgrade).
    A reference from a child row to its parent can only break when that child row is written
    (inserted, its key columns updated, its table rebuilt) or when the parent row goes away
    (deleted, its key updated or replaced, its table dropped or rebuilt). The file is proved
    free of broken references before the first migration (the preflight's full check), so
    checking after each migration only the tables these writes reach keeps the whole file
    free of them, by induction.

    The authorizer is asked when a statement is prepared, for the statement itself and for
    every trigger it would fire, so writes done by triggers are seen too. It sees every
    statement the connection prepares; `start` forgets what came before.
    """

    def __init__(self) -> None:
        self._writes = _Writes()
        self._tables_before: dict[str, str] = {}

    def attach(self, conn: sqlite3.Connection) -> None:
        conn.set_authorizer(self._authorize)

    def start(self, conn: sqlite3.Connection) -> None:
        """Forget earlier writes and remember each table's definition as it is now."""
        self._writes = _Writes()
        self._tables_before = _table_definitions(conn)

    def violations(self, conn: sqlite3.Connection) -> list[Violation]:
        """The broken references in the tables that the writes since `start` could reach."""
        found: list[Violation] = []
        for table in sorted(self.tables_to_check(conn)):
            found += conn.execute(
                'SELECT "table", rowid, parent, fkid FROM pragma_foreign_key_check(?)', (table,)
            ).fetchall()
        return found

    def tables_to_check(self, conn: sqlite3.Connection) -> set[str]:
        tables_now = _table_definitions(conn)
        writes = self._writes
        before = self._tables_before
        redefined = {name for name, sql in tables_now.items() if before.get(name) != sql}
        # New under this name (created, or renamed to it) or dropped (and perhaps made again):
        # every row in it is new. A table only ALTERed keeps its rows and their keys; a renamed
        # column that children reference is renamed in their definitions too.
        rows_replaced = {name for name in tables_now if name not in before} | writes.dropped
        rows_replaced |= redefined - writes.altered
        # A name a table was renamed away from, in use again: another table holds it now.
        rows_replaced |= writes.renamed_away & tables_now.keys()
        references = {table: _references(conn, table) for table in tables_now}
        children = {
            table
            for table, keys in references.items()
            if keys
            and (
                table in redefined | rows_replaced | writes.inserted
                or _updated(writes, table) & {c for key in keys for c in key.child_columns}
            )
        }
        # An INSERT may replace (delete) a row that holds a key; an UPDATE may change a key,
        # or replace a row through a unique column. Either way a child may lose its parent.
        lost_parents = rows_replaced | writes.deleted | writes.inserted
        for parent, columns in writes.updated.items():
            if columns & _key_columns(conn, parent, references):
                lost_parents.add(parent)
        for table, keys in references.items():
            if any(key.parent in lost_parents for key in keys):
                children.add(table)
        return children

    def _authorize(
        self, action: int, arg1: str | None, arg2: str | None, database: str | None, _: object
    ) -> int:
        writes = self._writes
        if action == sqlite3.SQLITE_ALTER_TABLE:
            # (database, table): a rename or a column change.
            database, arg1 = arg1, arg2
        elif (
            # ALTER TABLE … RENAME TO rewrites the name in the schema; no other ALTER does.
            action == sqlite3.SQLITE_UPDATE
            and arg1 == "sqlite_master"
            and arg2 == "name"
            and writes.last_altered is not None
        ):
            writes.renamed_away.add(writes.last_altered)
        if database != "main" or not arg1 or arg1.lower().startswith("sqlite_"):
            return sqlite3.SQLITE_OK
        table = arg1.lower()
        if action == sqlite3.SQLITE_INSERT:
            writes.inserted.add(table)
        elif action == sqlite3.SQLITE_DELETE:
            writes.deleted.add(table)
        elif action == sqlite3.SQLITE_UPDATE:
            writes.updated.setdefault(table, set()).add((arg2 or "").lower())
        elif action == sqlite3.SQLITE_DROP_TABLE:
            writes.dropped.add(table)
        elif action == sqlite3.SQLITE_ALTER_TABLE:
            writes.altered.add(table)
            writes.last_altered = table
        return sqlite3.SQLITE_OK


@dataclass(frozen=True, slots=True)
class _Reference:
    parent: str
    child_columns: frozenset[str]
    parent_columns: frozenset[str]  # empty: the parent's primary key


def _updated(writes: _Writes, table: str) -> set[str]:
    return writes.updated.get(table, set())


def _table_definitions(conn: sqlite3.Connection) -> dict[str, str]:
    return {
        name.lower(): sql
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }


def _references(conn: sqlite3.Connection, table: str) -> list[_Reference]:
    by_key: dict[int, tuple[str, set[str], set[str]]] = {}
    for key_id, parent, child_column, parent_column in conn.execute(
        'SELECT id, "table", "from", "to" FROM pragma_foreign_key_list(?)', (table,)
    ):
        entry = by_key.setdefault(key_id, (parent.lower(), set(), set()))
        entry[1].add(child_column.lower())
        if parent_column is not None:
            entry[2].add(parent_column.lower())
    return [
        _Reference(parent, frozenset(children), frozenset(parents))
        for parent, children, parents in by_key.values()
    ]


def _key_columns(
    conn: sqlite3.Connection, parent: str, references: dict[str, list[_Reference]]
) -> set[str]:
    """Columns of `parent` whose update can take a key from its children: the columns they
    reference, its primary key and rowid, and every column of a unique index (REPLACE)."""
    columns = set(_ROWID_NAMES)
    for keys in references.values():
        for key in keys:
            if key.parent == parent:
                columns |= key.parent_columns
    columns |= {
        name.lower()
        for (name,) in conn.execute("SELECT name FROM pragma_table_info(?) WHERE pk > 0", (parent,))
    }
    for (index,) in conn.execute('SELECT name FROM pragma_index_list(?) WHERE "unique"', (parent,)):
        columns |= {
            (name or "").lower()
            for (name,) in conn.execute("SELECT name FROM pragma_index_info(?)", (index,))
        }
    return columns
