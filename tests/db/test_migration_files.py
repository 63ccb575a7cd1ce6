"""Tests for reading migration files: splitting, checksums, the lock file and the bundle guards."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from app.db.migration_files import (
    FORBIDDEN_FIRST_WORDS,
    LOCK_FILE_NAME,
    MigrationFileError,
    checksum_of,
    first_word,
    load_migrations,
    lock_text,
    read_lock,
    read_migration,
    scan_migrations,
    split_statements,
    strip_comments,
)
from app.db.migrator import MigrationRefused, Migrator
from app.paths import migrations_dir
from tests.db.bundles import copy_bundle

NAME_PATTERN = re.compile(r"^\d{3}_[a-z0-9]+(?:_[a-z0-9]+)*\.sql$")
REAL_FILES = sorted(migrations_dir().glob("*.sql"))


def run_all(statements: list[str]) -> sqlite3.Connection:
    """Execute split statements one by one, as the migrator does, on a scratch database."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    for statement in statements:
        conn.execute(statement)
    return conn


# ----- statement splitting -----------------------------------------------------------------


def test_plain_statements_are_split_at_semicolons() -> None:
    statements = split_statements("CREATE TABLE t (a TEXT);\nINSERT INTO t VALUES ('x');\n")
    assert statements == ["CREATE TABLE t (a TEXT);", "INSERT INTO t VALUES ('x');"]


def test_trigger_body_semicolons_stay_inside_one_statement() -> None:
    text = """CREATE TABLE t (a INTEGER, b INTEGER);
CREATE TRIGGER t_copy AFTER INSERT ON t
BEGIN
    UPDATE t SET b = CASE WHEN NEW.a > 0 THEN NEW.a ELSE 0 END WHERE rowid = NEW.rowid;
    UPDATE t SET b = b + 1 WHERE rowid = NEW.rowid;
END;
INSERT INTO t (a) VALUES (41);
"""
    statements = split_statements(text)
    assert len(statements) == 3
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")
    conn = run_all(statements)
    assert conn.execute("SELECT a, b FROM t").fetchall() == [(41, 42)]


def test_semicolons_in_comments_do_not_end_a_statement() -> None:
    text = """-- settings; don't split here
CREATE TABLE t (
    a TEXT, -- free text; may hold anything
    /* b; c */ b INTEGER
);
INSERT INTO t VALUES ('x', 1);
"""
    statements = split_statements(text)
    assert len(statements) == 2
    conn = run_all(statements)
    assert [row[1] for row in conn.execute("PRAGMA table_info(t)")] == ["a", "b"]


def test_semicolons_in_strings_do_not_end_a_statement() -> None:
    text = (
        "CREATE TABLE t (a TEXT);\n"
        "INSERT INTO t VALUES ('one; two'), ('it''s; -- not a comment');\n"
    )
    statements = split_statements(text)
    assert len(statements) == 2
    conn = run_all(statements)
    assert conn.execute("SELECT a FROM t ORDER BY rowid").fetchall() == [
        ("one; two",),
        ("it's; -- not a comment",),
    ]


@pytest.mark.parametrize(
    "tail",
    ["-- done; nothing else\n", "-- done", "/* end; really */\n", "\n\n   \n", ""],
    ids=["line-comment", "line-comment-no-newline", "block-comment", "blank-lines", "nothing"],
)
def test_a_trailing_comment_or_blank_is_not_a_statement(tail: str) -> None:
    assert split_statements("SELECT 1;\n" + tail) == ["SELECT 1;"]


def test_a_missing_final_semicolon_still_ends_the_last_statement() -> None:
    assert split_statements("SELECT 1;\nSELECT 2\n") == ["SELECT 1;", "SELECT 2\n;"]


def test_an_unfinished_statement_is_an_error() -> None:
    with pytest.raises(MigrationFileError, match="unfinished statement"):
        split_statements("SELECT 1;\nSELECT 'unclosed; string\n")


def test_the_real_files_split_into_the_expected_statement_counts() -> None:
    counts = {m.file_name: len(m.statements) for m in scan_migrations(migrations_dir())}
    assert counts["007_add_payer_fields_to_sales.sql"] == 2
    assert counts["009_create_debt_settlement_trigger.sql"] == 1
    assert counts["010_create_open_debts_view_and_indexes.sql"] == 6


@pytest.mark.parametrize(
    ("statement", "word"),
    [
        ("-- a comment\nbegin immediate;", "BEGIN"),
        ("/* x */ Pragma foreign_keys = OFF;", "PRAGMA"),
        ("CREATE TABLE t (a);", "CREATE"),
        ("COMMIT;", "COMMIT"),
        ("-- only a comment", ""),
    ],
)
def test_first_word_ignores_comments_and_case(statement: str, word: str) -> None:
    assert first_word(statement) == word


def test_strip_comments_removes_line_and_block_comments() -> None:
    assert strip_comments("-- a\nSELECT /* b */ 1 -- c\n") == "SELECT   1"


# ----- checksums -----------------------------------------------------------------------------


SAMPLE = "-- sample\nCREATE TABLE t (a TEXT);\n"


def test_checksum_is_sha256_of_the_lf_utf8_text() -> None:
    assert checksum_of(SAMPLE.encode()) == hashlib.sha256(SAMPLE.encode()).hexdigest()


def test_checksum_ignores_a_byte_order_mark() -> None:
    assert checksum_of(b"\xef\xbb\xbf" + SAMPLE.encode()) == checksum_of(SAMPLE.encode())


def test_checksum_treats_crlf_as_lf() -> None:
    assert checksum_of(SAMPLE.replace("\n", "\r\n").encode()) == checksum_of(SAMPLE.encode())


@pytest.mark.parametrize(
    "changed",
    [
        SAMPLE.replace("a TEXT", "b TEXT"),
        SAMPLE.replace("sample", "Sample"),
        SAMPLE + " ",
        SAMPLE.rstrip("\n"),
    ],
    ids=["column", "comment-case", "trailing-space", "final-newline"],
)
def test_any_changed_character_changes_the_checksum(changed: str) -> None:
    assert checksum_of(changed.encode()) != checksum_of(SAMPLE.encode())


def test_a_crlf_copy_of_a_real_file_keeps_its_checksum(tmp_path: Path) -> None:
    original = REAL_FILES[-1]
    copy = tmp_path / original.name
    copy.write_bytes(b"\xef\xbb\xbf" + original.read_bytes().replace(b"\n", b"\r\n"))
    read_back = read_migration(copy)
    assert read_back.checksum == read_migration(original).checksum
    assert read_back.statements == read_migration(original).statements


# ----- the real bundle -----------------------------------------------------------------------


def test_the_real_folder_holds_only_well_named_migrations_and_the_lock() -> None:
    assert REAL_FILES, "no migrations found"
    for path in migrations_dir().iterdir():
        if path.name == LOCK_FILE_NAME or path.suffix == ".md":
            continue
        assert NAME_PATTERN.match(path.name), f"{path.name} is not named NNN_snake_name.sql"


def test_the_real_migrations_are_numbered_contiguously_from_001() -> None:
    numbers = [int(path.name[:3]) for path in REAL_FILES]
    assert numbers == list(range(1, len(numbers) + 1))


@pytest.mark.parametrize("path", REAL_FILES, ids=[path.name for path in REAL_FILES])
def test_real_files_never_manage_transactions_or_pragmas(path: Path) -> None:
    text = path.read_bytes().decode("utf-8-sig")
    statements = split_statements(text)
    assert statements, f"{path.name} has no statements"
    forbidden = re.compile(
        r"^\s*(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA|VACUUM|ATTACH|DETACH|REINDEX)\b",
        re.IGNORECASE,
    )
    for statement in statements:
        # An independent reading of the rule: comments out, then the statement's first keyword.
        bare = re.sub(r"--[^\n]*|/\*.*?\*/", " ", statement, flags=re.DOTALL)
        assert not forbidden.match(bare), f"{path.name}: {statement[:60]!r}"
        assert first_word(statement) not in FORBIDDEN_FIRST_WORDS


# Reading the clock: SQLite's 'now' and the CURRENT_* keywords.
_CLOCK = re.compile(r"'now'|\bCURRENT_(?:TIMESTAMP|DATE|TIME)\b", re.IGNORECASE)


@pytest.mark.parametrize("path", REAL_FILES, ids=[path.name for path in REAL_FILES])
def test_rows_a_migration_writes_never_depend_on_the_clock(path: Path) -> None:
    """An upgrade killed after its commit and run again from the backup must write the same
    rows (the crash test compares them), so data statements never read the time of day.
    Column defaults and trigger bodies may: they run when the shop writes, not at upgrade."""
    for statement in split_statements(path.read_bytes().decode("utf-8-sig")):
        bare = strip_comments(statement)
        if first_word(bare) in {"INSERT", "UPDATE", "REPLACE", "WITH"}:
            assert not _CLOCK.search(bare), f"{path.name}: {bare.strip()[:80]!r}"


def test_the_lock_file_is_exactly_what_the_released_files_produce() -> None:
    """The guard against editing a released migration: regenerate the lock and compare."""
    folder = migrations_dir()
    committed = (folder / LOCK_FILE_NAME).read_text("utf-8")
    assert committed == lock_text(scan_migrations(folder))


def test_the_real_bundle_loads_and_matches_the_lock() -> None:
    migrations = load_migrations(migrations_dir())
    locked = read_lock(migrations_dir())
    assert [m.version for m in migrations] == sorted(locked)
    assert {m.version: (m.checksum, m.file_name) for m in migrations} == locked
    assert Migrator(migrations_dir()).latest_version == len(migrations)


# ----- damaged copies of the bundle ----------------------------------------------------------


def _latest() -> int:
    return len(REAL_FILES)


def _edit(folder: Path) -> str:
    path = folder / "003_create_sales.sql"
    path.write_text(path.read_text("utf-8").replace("note TEXT", "note  TEXT"), "utf-8")
    return "003_create_sales.sql"


def _gap(folder: Path) -> str:
    (folder / "004_create_sale_items.sql").unlink()
    return "004"


def _missing_last(folder: Path) -> str:
    last = sorted(folder.glob("*.sql"))[-1]
    last.unlink()
    return f"{_latest():03d}"


def _duplicate(folder: Path) -> str:
    (folder / "003_create_sales_again.sql").write_text("SELECT 1;\n", "utf-8")
    return "003_create_sales_again.sql"


def _bad_name(name: str) -> Callable[[Path], str]:
    def mutate(folder: Path) -> str:
        (folder / name).write_text("CREATE TABLE customers (id INTEGER);\n", "utf-8")
        return name

    return mutate


def _forbidden(sql: str) -> Callable[[Path], str]:
    def mutate(folder: Path) -> str:
        name = f"{_latest() + 1:03d}_create_customers.sql"
        (folder / name).write_text(f"{sql}\nCREATE TABLE customers (id INTEGER);\n", "utf-8")
        return name

    return mutate


def _unlocked(folder: Path) -> str:
    name = f"{_latest() + 1:03d}_create_customers.sql"
    (folder / name).write_text("CREATE TABLE customers (id INTEGER);\n", "utf-8")
    return name


def _no_lock(folder: Path) -> str:
    (folder / LOCK_FILE_NAME).unlink()
    return LOCK_FILE_NAME


def _not_utf8(folder: Path) -> str:
    name = f"{_latest() + 1:03d}_create_customers.sql"
    (folder / name).write_bytes("-- café\nSELECT 1;\n".encode("latin-1"))
    return name


def _comments_only(folder: Path) -> str:
    name = f"{_latest() + 1:03d}_nothing_yet.sql"
    (folder / name).write_text("-- to do; later\n", "utf-8")
    return name


DAMAGE: dict[str, Callable[[Path], str]] = {
    "edited": _edit,
    "gap": _gap,
    "missing-last": _missing_last,
    "duplicate-number": _duplicate,
    "two-digit-name": _bad_name("11_create_customers.sql"),
    "dash-name": _bad_name("011-create-customers.sql"),
    "capital-name": _bad_name("011_Create_customers.sql"),
    "begin": _forbidden("BEGIN;"),
    "begin-lowercase": _forbidden("begin immediate;"),
    "commit": _forbidden("COMMIT;"),
    "pragma": _forbidden("-- switch it off\nPRAGMA foreign_keys = OFF;"),
    "vacuum": _forbidden("VACUUM;"),
    "attach": _forbidden("ATTACH DATABASE 'other.db' AS other;"),
    "savepoint": _forbidden("SAVEPOINT one;"),
    "not-in-lock": _unlocked,
    "no-lock-file": _no_lock,
    "not-utf8": _not_utf8,
    "comments-only": _comments_only,
}


@pytest.fixture(params=sorted(DAMAGE), ids=sorted(DAMAGE))
def damaged(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    folder = copy_bundle(tmp_path / "migrations")
    load_migrations(folder)  # the intact copy loads: the damage below is what breaks it
    named = DAMAGE[request.param](folder)
    return folder, named


def test_a_damaged_bundle_fails_to_load_naming_the_file(damaged: tuple[Path, str]) -> None:
    folder, named = damaged
    with pytest.raises(MigrationFileError) as caught:
        load_migrations(folder)
    assert named in str(caught.value)


def test_a_damaged_bundle_is_refused_before_any_file_is_touched(
    damaged: tuple[Path, str], tmp_path: Path, latest_template: Path
) -> None:
    folder, named = damaged
    fresh = tmp_path / "fresh" / "dukan.db"
    existing = tmp_path / "existing" / "dukan.db"
    existing.parent.mkdir()
    existing.write_bytes(latest_template.read_bytes())
    before = existing.read_bytes()
    for call in (
        lambda: Migrator(folder).inspect(existing),
        lambda: Migrator(folder).migrate(existing),
        lambda: Migrator(folder).migrate(fresh),
        lambda: Migrator(folder).dry_run(existing),
    ):
        with pytest.raises(MigrationRefused) as caught:
            call()
        assert named in str(caught.value)
    assert not fresh.exists()
    assert not fresh.parent.exists()
    assert existing.read_bytes() == before
    assert not (existing.parent / "backups").exists()


def test_a_renamed_released_file_is_refused_for_files_it_upgraded(
    tmp_path: Path, latest_template: Path
) -> None:
    folder = copy_bundle(tmp_path / "migrations")
    (folder / "003_create_sales.sql").rename(folder / "003_make_sales.sql")
    existing = tmp_path / "dukan.db"
    existing.write_bytes(latest_template.read_bytes())
    with pytest.raises(MigrationRefused, match=r"003_make_sales\.sql"):
        Migrator(folder).inspect(existing)
    # The rename also shows up in the lock file regenerated for the folder.
    assert (folder / LOCK_FILE_NAME).read_text("utf-8") != lock_text(scan_migrations(folder))


def test_a_renamed_released_file_is_refused(tmp_path: Path) -> None:
    bundle = copy_bundle(tmp_path / "bundle")
    (bundle / "008_add_due_date_to_debts.sql").rename(bundle / "008_add_due_dates.sql")
    with pytest.raises(MigrationFileError, match="was released as 008_add_due_date_to_debts"):
        load_migrations(bundle)
