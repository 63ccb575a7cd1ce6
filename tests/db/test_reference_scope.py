"""The migrator's scoped reference check finds every reference a migration breaks, as the full
`foreign_key_check` would, while reading only the tables the migration's writes reach."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from app.db.reference_scope import ReferenceScope

SCHEMA = """
CREATE TABLE parents (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE);
CREATE TABLE children (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parents (id));
CREATE TABLE cousins (id INTEGER PRIMARY KEY, parent_code TEXT REFERENCES parents (code));
CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
CREATE TABLE tags (id INTEGER PRIMARY KEY, note_id INTEGER REFERENCES notes (id));
INSERT INTO parents VALUES (1, 'a'), (2, 'b'), (3, 'c');
INSERT INTO children VALUES (10, 1), (20, 2), (30, 3);
INSERT INTO cousins VALUES (100, 'a'), (200, 'b');
INSERT INTO notes VALUES (1, 'first');
INSERT INTO tags VALUES (1, 1);
"""

# Each migration below breaks at least one reference, in a way a migration could.
BREAKING = {
    "an orphan child inserted": ["INSERT INTO children VALUES (40, 9)"],
    "a parent deleted": ["DELETE FROM parents WHERE id = 2"],
    "a child's key moved": ["UPDATE children SET parent_id = 7 WHERE id = 10"],
    "a parent's key moved": ["UPDATE parents SET id = 8 WHERE id = 3"],
    "a referenced unique column changed": ["UPDATE parents SET code = 'z' WHERE id = 1"],
    "a parent replaced through its unique column": [
        "INSERT OR REPLACE INTO parents VALUES (4, 'b')"
    ],
    "an update replacing a parent through its unique column": [
        "UPDATE OR REPLACE parents SET code = 'a' WHERE id = 3"
    ],
    "the parents rebuilt without a row": [
        "CREATE TABLE parents_new (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE)",
        "INSERT INTO parents_new SELECT * FROM parents WHERE id <> 1",
        "DROP TABLE parents",
        "ALTER TABLE parents_new RENAME TO parents",
    ],
    "the children rebuilt with an orphan": [
        "CREATE TABLE children_new (id INTEGER PRIMARY KEY,"
        " parent_id INTEGER REFERENCES parents (id))",
        "INSERT INTO children_new SELECT id, parent_id + 1 FROM children",
        "DROP TABLE children",
        "ALTER TABLE children_new RENAME TO children",
    ],
    "a trigger on another table deleting a parent": [
        "CREATE TRIGGER notes_prune AFTER INSERT ON notes BEGIN"
        " DELETE FROM parents WHERE id = 1; END",
        "INSERT INTO notes VALUES (2, 'second')",
    ],
    "the parent table dropped": ["DROP TABLE parents"],
    "the parent table renamed away and made again empty": [
        "PRAGMA legacy_alter_table = ON",
        "ALTER TABLE parents RENAME TO old_parents",
        "PRAGMA legacy_alter_table = OFF",
        "CREATE TABLE parents (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE)",
    ],
    "a column referencing another table added": [
        "ALTER TABLE notes ADD COLUMN parent_id INTEGER REFERENCES parents (id) DEFAULT 99",
    ],
}

SOUND = {
    "a child added with its parent": [
        "INSERT INTO parents VALUES (5, 'e')",
        "INSERT INTO children VALUES (50, 5)",
    ],
    "the parents rebuilt whole": [
        "CREATE TABLE parents_new (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE)",
        "INSERT INTO parents_new SELECT * FROM parents",
        "DROP TABLE parents",
        "ALTER TABLE parents_new RENAME TO parents",
    ],
    "a delete that matches nothing": ["DELETE FROM parents WHERE id = 3 AND 0 = 1"],
    "a note's text changed": ["UPDATE notes SET body = 'changed'"],
    "an index made": ["CREATE INDEX idx_children_parent ON children (parent_id)"],
}


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    # As the migrator opens it: no statement cache (see `ReferenceScope`), foreign keys off.
    connection = sqlite3.connect(":memory:", isolation_level=None, cached_statements=0)
    connection.executescript(SCHEMA)
    assert connection.execute("PRAGMA foreign_keys").fetchone() == (0,)
    yield connection
    connection.close()


def migrate(conn: sqlite3.Connection, statements: list[str]) -> ReferenceScope:
    scope = ReferenceScope()
    scope.attach(conn)
    scope.start(conn)
    for statement in statements:
        conn.execute(statement)
    return scope


def full_check(conn: sqlite3.Connection) -> list[tuple[str, int | None, str, int]]:
    return sorted(conn.execute("PRAGMA foreign_key_check").fetchall())


@pytest.mark.parametrize("statements", BREAKING.values(), ids=BREAKING.keys())
def test_a_broken_reference_is_found_as_the_full_check_finds_it(
    conn: sqlite3.Connection, statements: list[str]
) -> None:
    scope = migrate(conn, statements)
    everything = full_check(conn)
    assert everything, "the migration should have broken a reference"
    assert sorted(scope.violations(conn)) == everything


@pytest.mark.parametrize("statements", SOUND.values(), ids=SOUND.keys())
def test_a_sound_migration_finds_nothing(conn: sqlite3.Connection, statements: list[str]) -> None:
    scope = migrate(conn, statements)
    assert full_check(conn) == []
    assert scope.violations(conn) == []


def test_tables_no_write_reaches_are_not_read(conn: sqlite3.Connection) -> None:
    scope = migrate(conn, ["INSERT INTO children VALUES (40, 1)"])
    assert scope.tables_to_check(conn) == {"children"}
    scope.start(conn)
    conn.execute("DELETE FROM parents WHERE id = 3 AND 0 = 1")
    # A delete from the parents may orphan any table that references them, and only those.
    assert scope.tables_to_check(conn) == {"children", "cousins"}
    scope.start(conn)
    conn.execute("UPDATE notes SET body = 'changed'")
    assert scope.tables_to_check(conn) == set()


def test_start_forgets_the_earlier_migration(conn: sqlite3.Connection) -> None:
    scope = migrate(conn, ["DELETE FROM parents WHERE id = 3 AND 0 = 1"])
    scope.start(conn)
    conn.execute("UPDATE notes SET body = 'again'")
    assert scope.tables_to_check(conn) == set()


def test_a_statement_met_again_in_a_later_migration_is_seen_again(
    conn: sqlite3.Connection,
) -> None:
    # Why the migrator's connection keeps no statement cache: a cached statement is not
    # prepared again, so the authorizer would not be asked and its writes would go unseen.
    delete = "DELETE FROM parents WHERE id = ?"
    scope = migrate(conn, [])
    conn.execute(delete, (99,))
    scope.start(conn)
    conn.execute(delete, (1,))
    assert scope.violations(conn) == full_check(conn) != []


def test_writes_to_attached_or_temporary_tables_do_not_count(conn: sqlite3.Connection) -> None:
    scope = migrate(
        conn,
        [
            "CREATE TEMP TABLE staged (id INTEGER PRIMARY KEY)",
            "INSERT INTO staged VALUES (1)",
            "DELETE FROM staged",
        ],
    )
    assert scope.tables_to_check(conn) == set()
