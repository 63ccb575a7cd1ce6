"""Tests for the migrator: new files, upgrades, refusals, backups, failures, progress, rebuilds."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

import app.db.migrator as migrator_module
from app.db.checks import all_violations
from app.db.database import APPLICATION_ID, configure_connection, open_database
from app.db.fingerprint import schema_fingerprint
from app.db.migration_files import load_migrations, read_migration, strip_comments
from app.db.migrator import (
    AFTER_COMMIT,
    HISTORY_TABLE,
    MigrationFailed,
    MigrationRefused,
    Migrator,
    Progress,
)
from app.paths import migrations_dir
from tests.db.bundles import add_migration, copy_bundle, relock
from tests.db.conftest import PopulatedCopy
from tests.db.populate import (
    Snapshot,
    restricted_to,
    snapshot,
    snapshot_of,
    total_rows,
)

LATEST = len(load_migrations(migrations_dir()))
BACKUP_NAME = re.compile(r"^dukan-v(\d{3})-\d{8}-\d{6}\.db$")
FIXED_NOW = datetime(2024, 3, 5, 14, 7, 9)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def header(path: Path) -> tuple[int, int]:
    """(user_version, application_id) read without writing a byte."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        return version, application_id
    finally:
        conn.close()


def history(path: Path) -> list[tuple[int, str, str, str, int]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            f"SELECT version, name, checksum, app_version, duration_ms FROM {HISTORY_TABLE} "
            "ORDER BY version"
        ).fetchall()
        return [tuple(row) for row in rows]
    finally:
        conn.close()


def execute(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()


def violations(path: Path, version: int) -> list[object]:
    conn = sqlite3.connect(path)
    try:
        return list(all_violations(conn, version))
    finally:
        conn.close()


def without_history(snap: Snapshot) -> Snapshot:
    return {name: table for name, table in snap.items() if name != HISTORY_TABLE}


def backups_of(path: Path) -> list[Path]:
    folder = path.parent / "backups"
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def fixed_migrator() -> Migrator:
    return Migrator(migrations_dir(), now=lambda: FIXED_NOW, app_version="9.9.9-test")


# ----- new files -----------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["missing", "empty"])
def test_a_new_file_is_created_at_the_latest_version(
    tmp_path: Path, fixed_migrator: Migrator, start: str
) -> None:
    path = tmp_path / "shop" / "dukan.db"
    if start == "empty":
        path.parent.mkdir()
        path.write_bytes(b"")
    state = fixed_migrator.inspect(path)
    assert (state.version, state.is_new) == (0, True)

    report = fixed_migrator.migrate(path)

    assert (report.from_version, report.to_version) == (0, LATEST)
    assert [step.version for step in report.applied] == list(range(1, LATEST + 1))
    assert report.backup_path is None
    assert header(path) == (LATEST, APPLICATION_ID)
    expected = [
        (m.version, m.name, m.checksum, "9.9.9-test") for m in load_migrations(migrations_dir())
    ]
    rows = history(path)
    assert [row[:4] for row in rows] == expected
    assert all(isinstance(row[4], int) and row[4] >= 0 for row in rows)
    conn = sqlite3.connect(path)
    applied_at = conn.execute(f"SELECT DISTINCT applied_at FROM {HISTORY_TABLE}").fetchall()
    conn.close()
    assert applied_at == [("2024-03-05 14:07:09",)]
    assert not (path.parent / "backups").exists()
    assert fixed_migrator.inspect(path).version == LATEST
    assert violations(path, LATEST) == []


def test_migrating_an_up_to_date_file_changes_nothing(
    database_path: Path, migrator: Migrator
) -> None:
    before = sha256(database_path)
    report = migrator.migrate(database_path)
    assert (report.from_version, report.to_version, report.applied) == (LATEST, LATEST, ())
    assert report.backup_path is None
    assert sha256(database_path) == before


# ----- upgrades of populated files -----------------------------------------------------------


@pytest.mark.parametrize("version", range(1, LATEST), ids=lambda v: f"from-v{v:03d}")
def test_upgrade_from_every_version_keeps_every_row_and_backs_up_first(
    populated_copy: PopulatedCopy, fixed_migrator: Migrator, version: int
) -> None:
    path = populated_copy(version)
    before = snapshot_of(path)
    history_before = history(path)

    report = fixed_migrator.migrate(path)

    assert (report.from_version, report.to_version) == (version, LATEST)
    assert [step.version for step in report.applied] == list(range(version + 1, LATEST + 1))
    assert header(path) == (LATEST, APPLICATION_ID)
    after = snapshot_of(path)
    old_data = without_history(before)
    assert restricted_to(after, old_data) == restricted_to(old_data, old_data)
    assert history(path)[:version] == history_before
    assert violations(path, LATEST) == []

    # The backup: named after the old version, beside the file, a standalone copy of the old data.
    backup = report.backup_path
    assert backup is not None
    assert backup == path.parent / "backups" / f"dukan-v{version:03d}-20240305-140709.db"
    assert BACKUP_NAME.match(backup.name)
    assert backups_of(path) == [backup]
    assert not backup.with_name(backup.name + "-wal").exists()
    conn = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
        assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        assert snapshot(conn) == before
    finally:
        conn.close()


def test_a_restored_backup_upgrades_again(
    populated_copy: PopulatedCopy, fixed_migrator: Migrator
) -> None:
    path = populated_copy(6)
    before = snapshot_of(path)
    first = fixed_migrator.migrate(path)
    assert first.backup_path is not None

    # Going back means restoring the backup: copy it over the file (and its WAL leftovers).
    for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(first.backup_path, path)
    assert header(path)[0] == 6
    assert snapshot_of(path) == before

    second = fixed_migrator.migrate(path)
    assert (second.from_version, second.to_version) == (6, LATEST)
    # The same second again: the second backup must not overwrite the first.
    assert second.backup_path == first.backup_path.with_name("dukan-v006-20240305-140709-2.db")
    assert first.backup_path.exists()
    old_data = without_history(before)
    assert restricted_to(snapshot_of(path), old_data) == restricted_to(old_data, old_data)
    assert violations(path, LATEST) == []


def test_only_the_newest_upgrade_backups_are_kept(
    populated_copy: PopulatedCopy, migrator: Migrator
) -> None:
    path = populated_copy(LATEST - 1)
    folder = path.parent / "backups"
    folder.mkdir()
    old = []
    for number in range(7):
        stale = folder / f"dukan-v001-2020010{number + 1}-000000.db"
        stale.write_bytes(b"old")
        os.utime(stale, (1_600_000_000 + number, 1_600_000_000 + number))
        old.append(stale)
    manual = folder / "dukan-backup-20200101-000000.db"
    manual.write_bytes(b"manual")

    report = migrator.migrate(path)

    assert report.backup_path is not None
    kept = sorted(p for p in folder.iterdir() if p.name.startswith("dukan-v"))
    assert kept == sorted([*old[-4:], report.backup_path])
    assert manual.exists()


def test_the_backup_just_written_survives_pruning_after_the_clock_went_back(
    populated_copy: PopulatedCopy, migrator: Migrator
) -> None:
    path = populated_copy(LATEST - 1)
    folder = path.parent / "backups"
    folder.mkdir()
    in_the_future = datetime(2099, 1, 1).timestamp()
    for number in range(5):
        later = folder / f"dukan-v001-2099010{number + 1}-000000.db"
        later.write_bytes(b"written before the clock was reset")
        os.utime(later, (in_the_future + number, in_the_future + number))

    report = migrator.migrate(path)

    assert report.backup_path is not None
    assert report.backup_path.exists()


@pytest.mark.parametrize("target", range(1, LATEST), ids=lambda v: f"to-v{v:03d}")
def test_a_target_version_stops_there(tmp_path: Path, migrator: Migrator, target: int) -> None:
    path = tmp_path / "dukan.db"
    report = migrator.migrate(path, target=target)
    assert report.to_version == target
    assert header(path) == (target, APPLICATION_ID)
    assert len(history(path)) == target
    conn = sqlite3.connect(path)
    try:
        assert schema_fingerprint(conn) == migrator.fresh_fingerprint(target)
    finally:
        conn.close()
    assert migrator.migrate(path).to_version == LATEST


def test_a_target_below_the_current_version_is_refused(
    populated_copy: PopulatedCopy, migrator: Migrator
) -> None:
    path = populated_copy(5)
    before = sha256(path)
    with pytest.raises(MigrationRefused, match="already at version 5, above 3"):
        migrator.migrate(path, target=3)
    with pytest.raises(MigrationRefused):
        migrator.dry_run(path, target=3)
    assert sha256(path) == before
    assert not (path.parent / "backups").exists()


@pytest.mark.parametrize("target", [0, LATEST + 1])
def test_a_target_outside_the_bundle_is_an_error(
    tmp_path: Path, migrator: Migrator, target: int
) -> None:
    path = tmp_path / "dukan.db"
    with pytest.raises(ValueError, match="between 1 and"):
        migrator.migrate(path, target=target)
    assert not path.exists()


# ----- refusals that leave the file byte-identical -------------------------------------------


def _from_the_future(path: Path) -> str:
    future = LATEST + 1
    execute(
        path,
        f"INSERT INTO {HISTORY_TABLE} VALUES ({future}, 'create_customers', '{'0' * 64}', "
        "'2030-01-01 00:00:00', '9.0.0', 5)",
        f"PRAGMA user_version = {future}",
    )
    return f"version {future}.*versions up to {LATEST}"


def _future_header_only(path: Path) -> str:
    execute(path, f"PRAGMA user_version = {LATEST + 1}")
    return f"version {LATEST + 1}"


def _foreign_tables(path: Path) -> str:
    path.unlink()
    execute(
        path,
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)",
        "INSERT INTO notes VALUES (1, 'hi')",
    )
    return "not a Dukan database"


def _foreign_application_id(path: Path) -> str:
    path.unlink()
    execute(path, "CREATE TABLE photos (id INTEGER)", "PRAGMA application_id = 1196444487")
    return "not a Dukan database"


def _foreign_application_id_on_dukan_tables(path: Path) -> str:
    execute(path, "PRAGMA application_id = 1")
    return "not a Dukan database"


def _random_bytes(path: Path) -> str:
    path.write_bytes(bytes((n * 7919 + 13) % 251 for n in range(16_384)))
    return "not a Dukan database, or it is damaged"


def _checksum_differs(path: Path) -> str:
    execute(path, f"UPDATE {HISTORY_TABLE} SET checksum = '{'f' * 64}' WHERE version = 3")
    return "003_create_sales.sql"


def _name_differs(path: Path) -> str:
    execute(path, f"UPDATE {HISTORY_TABLE} SET name = 'make_products' WHERE version = 2")
    return "002_create_products.sql"


def _history_row_missing(path: Path) -> str:
    execute(
        path,
        f"DELETE FROM {HISTORY_TABLE} WHERE version = (SELECT MAX(version) FROM {HISTORY_TABLE})",
    )
    return "inconsistent"


def _history_gap(path: Path) -> str:
    execute(path, f"DELETE FROM {HISTORY_TABLE} WHERE version = 4")
    return "inconsistent"


def _header_behind_history(path: Path) -> str:
    execute(path, "PRAGMA user_version = 3")
    return "inconsistent: its header says version 3"


def _no_history(path: Path) -> str:
    execute(path, f"DROP TABLE {HISTORY_TABLE}")
    return "no migration history"


def _page_number(path: Path, name: str) -> int:
    conn = sqlite3.connect(path)
    try:
        root: int = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)
        ).fetchone()[0]
        page_size: int = conn.execute("PRAGMA page_size").fetchone()[0]
        assert page_size == 4096
        return root
    finally:
        conn.close()


def _flip_page_header(path: Path) -> str:
    offset = (_page_number(path, "payment_history") - 1) * 4096
    data = bytearray(path.read_bytes())
    for i in range(offset, offset + 64):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    return "damaged"


def _index_cell_count(path: Path) -> str:
    offset = (_page_number(path, "idx_debts_status") - 1) * 4096
    data = bytearray(path.read_bytes())
    data[offset + 4] += 3  # low byte of the page's cell count: cells that are not there
    path.write_bytes(bytes(data))
    return "failed its integrity check"


def _truncated(path: Path) -> str:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return "damaged"


REFUSALS: dict[str, Callable[[Path], str]] = {
    "newer-file": _from_the_future,
    "newer-header-only": _future_header_only,
    "foreign-tables": _foreign_tables,
    "foreign-application-id": _foreign_application_id,
    "dukan-tables-other-application-id": _foreign_application_id_on_dukan_tables,
    "random-bytes": _random_bytes,
    "checksum-differs": _checksum_differs,
    "name-differs": _name_differs,
    "history-row-missing": _history_row_missing,
    "history-gap": _history_gap,
    "header-behind-history": _header_behind_history,
    "no-history": _no_history,
    "corrupt-page-header": _flip_page_header,
    "corrupt-index-page": _index_cell_count,
    "truncated": _truncated,
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_refused_files_stay_byte_identical(
    populated_copy: PopulatedCopy, migrator: Migrator, case: str
) -> None:
    path = populated_copy(LATEST)
    message = REFUSALS[case](path)
    before = sha256(path)
    size = path.stat().st_size

    for attempt in (migrator.inspect, migrator.migrate, migrator.dry_run):
        with pytest.raises(MigrationRefused, match=message) as caught:
            attempt(path)
        assert str(path) in str(caught.value)

    assert sha256(path) == before
    assert path.stat().st_size == size
    assert not (path.parent / "backups").exists()


def test_a_folder_in_place_of_the_file_is_refused(tmp_path: Path, migrator: Migrator) -> None:
    path = tmp_path / "dukan.db"
    path.mkdir()
    (path / "something").write_text("x")
    with pytest.raises(MigrationRefused, match="folder"):
        migrator.migrate(path)


# ----- dry run and preflight -----------------------------------------------------------------


def test_dry_run_reports_the_steps_and_leaves_the_file_alone(
    populated_copy: PopulatedCopy, migrator: Migrator
) -> None:
    path = populated_copy(5)
    before = sha256(path)
    seen: list[Progress] = []

    report = migrator.dry_run(path, progress=seen.append)

    assert report.dry_run
    assert (report.from_version, report.to_version) == (5, LATEST)
    assert [step.file_name for step in report.applied] == [
        m.file_name for m in load_migrations(migrations_dir())[5:]
    ]
    assert report.backup_path is None
    assert sha256(path) == before
    assert header(path)[0] == 5
    assert not (path.parent / "backups").exists()
    assert [p.message for p in seen[-2:]] == [
        "Checking the upgraded database",
        "Writing the upgraded database to disk",
    ]


def test_dry_run_on_a_new_file_creates_nothing(tmp_path: Path, migrator: Migrator) -> None:
    path = tmp_path / "dukan.db"
    report = migrator.dry_run(path)
    assert (report.from_version, report.to_version) == (0, LATEST)
    assert not path.exists()


def test_too_little_free_space_refuses_the_upgrade(
    populated_copy: PopulatedCopy, tmp_path: Path
) -> None:
    path = populated_copy(5)
    before = sha256(path)
    asked: list[Path] = []

    def no_space(folder: Path) -> int:
        asked.append(folder)
        return 0

    starved = Migrator(migrations_dir(), free_bytes=no_space)
    with pytest.raises(MigrationRefused, match="Not enough free disk space"):
        starved.migrate(path)
    assert asked == [path.resolve().parent]
    assert sha256(path) == before
    assert not (path.parent / "backups").exists()
    # A new file has nothing to protect, so no preflight stands in its way.
    fresh = tmp_path / "fresh.db"
    assert starved.migrate(fresh).to_version == LATEST


def test_free_space_must_cover_a_backup_and_a_rebuild(populated_copy: PopulatedCopy) -> None:
    path = populated_copy(5)
    needed = 2 * path.stat().st_size + 16 * 1024 * 1024
    with pytest.raises(MigrationRefused):
        Migrator(migrations_dir(), free_bytes=lambda folder: needed - 1).migrate(path)
    report = Migrator(migrations_dir(), free_bytes=lambda folder: needed).migrate(path)
    assert report.to_version == LATEST


# ----- a migration that fails ----------------------------------------------------------------


@pytest.fixture
def failing_bundle(tmp_path: Path) -> Path:
    """Migrations 001-010 where 010 ends with a statement that fails when it runs."""
    folder = copy_bundle(tmp_path / "bad-migrations", upto=10)
    path = folder / "010_create_open_debts_view_and_indexes.sql"
    path.write_text(
        path.read_text("utf-8") + "INSERT INTO no_such_table (id) VALUES (1);\n", "utf-8"
    )
    relock(folder)
    return folder


def test_a_failing_migration_is_rolled_back_and_a_rerun_completes(
    populated_copy: PopulatedCopy, failing_bundle: Path
) -> None:
    path = populated_copy(6)
    before = snapshot_of(path)

    with pytest.raises(MigrationFailed) as caught:
        Migrator(failing_bundle).migrate(path)

    message = str(caught.value)
    assert "010_create_open_debts_view_and_indexes.sql" in message
    assert "no such table: no_such_table" in message
    assert "Statement: INSERT INTO no_such_table" in message
    assert "still at version 9" in message
    backup = caught.value.backup_path
    assert backup is not None and backup.exists()
    assert backup.parent == path.parent / "backups"
    assert header(backup)[0] == 6
    # 007-009 committed; everything 010 did before the failing statement was undone.
    assert header(path)[0] == 9
    assert [row[0] for row in history(path)] == list(range(1, 10))
    conn = sqlite3.connect(path)
    try:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        assert "open_debts" not in names
        assert "idx_sales_sold_at" not in names
        assert conn.execute("SELECT COUNT(*) FROM sales").fetchone()[0] == len(before["sales"].rows)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()
    old_data = without_history(before)
    assert restricted_to(snapshot_of(path), old_data) == restricted_to(old_data, old_data)

    report = Migrator(migrations_dir()).migrate(path)
    assert (report.from_version, report.to_version) == (9, LATEST)
    assert restricted_to(snapshot_of(path), old_data) == restricted_to(old_data, old_data)
    assert violations(path, LATEST) == []


# ----- progress ------------------------------------------------------------------------------


def test_progress_counts_every_step_in_order(
    populated_copy: PopulatedCopy, migrator: Migrator
) -> None:
    path = populated_copy(7)
    seen: list[Progress] = []
    migrator.migrate(path, progress=seen.append)

    total = (LATEST - 7) + 2  # backup, each migration, writing to disk
    assert {p.total for p in seen} == {total}
    steps = [p.step for p in seen]
    assert steps == sorted(steps)
    assert list(dict.fromkeys(steps)) == list(range(1, total + 1))
    # The whole-file check before the backup is news in the first step too.
    assert [p.message for p in seen[:2]] == [
        "Checking the database before the upgrade",
        "Backing up the database before the upgrade",
    ]
    firsts = {p.step: p.message for p in reversed(seen)}
    files = [m.file_name for m in load_migrations(migrations_dir())[7:]]
    assert [firsts[step] for step in range(2, total)] == [f"Applying {f}" for f in files]
    assert seen[-2].message == "Checking the upgraded database"
    assert seen[-2].step == total - 1  # checked inside the last migration, before it commits
    assert seen[-1].message == "Writing the upgraded database to disk"


def test_progress_on_a_new_file_has_no_backup_step(tmp_path: Path, migrator: Migrator) -> None:
    seen: list[Progress] = []
    migrator.migrate(tmp_path / "dukan.db", progress=seen.append)
    assert list(dict.fromkeys(p.step for p in seen)) == list(range(1, LATEST + 2))
    assert all(p.total == LATEST + 1 for p in seen)
    assert "Backing up" not in " ".join(p.message for p in seen)
    assert [p.message for p in seen[-2:]] == [
        "Checking the upgraded database",
        "Writing the upgraded database to disk",
    ]


# ----- table rebuilds ------------------------------------------------------------------------


def _released_statement(file_name: str, starts_with: str) -> str:
    """A statement from a released migration, so a rebuild recreates exactly what exists."""
    statements = read_migration(migrations_dir() / file_name).statements
    return next(s for s in statements if strip_comments(s).startswith(starts_with))


TRIGGER_SQL = _released_statement(
    "009_create_debt_settlement_trigger.sql", "CREATE TRIGGER trg_payment_history_settle"
)
VIEW_SQL = _released_statement(
    "010_create_open_debts_view_and_indexes.sql", "CREATE VIEW open_debts"
)

NEW_DEBTS_SQL = """CREATE TABLE new_debts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sale_id INTEGER NOT NULL REFERENCES sales(id) ON DELETE RESTRICT,
    amount INTEGER NOT NULL CHECK (amount > 0),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid')),
    note TEXT,
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    due_date DATE CHECK (due_date IS NULL
        OR due_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
);
INSERT INTO new_debts (id, sale_id, amount, status, note, created_at, due_date)
SELECT id, sale_id, amount, status, note, created_at, due_date FROM debts;
DROP TABLE debts;
ALTER TABLE new_debts RENAME TO debts;
CREATE INDEX idx_debts_sale_id ON debts(sale_id);
CREATE INDEX idx_debts_status ON debts(status);"""

# The 12-step rebuild: the trigger and the view name `debts` in their bodies, and SQLite
# refuses to rename a table while any trigger or view refers to a table that does not exist,
# so both are dropped first and recreated after.
REBUILD_SQL = f"""-- Rebuild debts to check the shape of due dates (test only).
DROP VIEW open_debts;
DROP TRIGGER trg_payment_history_settle;
{NEW_DEBTS_SQL}
{TRIGGER_SQL}
{VIEW_SQL}
"""


@pytest.fixture
def spy_connection(monkeypatch: pytest.MonkeyPatch) -> list[sqlite3.Connection]:
    """The connections the migrator upgrades through, to read pragmas from its hook."""
    opened: list[sqlite3.Connection] = []
    configure = configure_connection

    def recording(conn: sqlite3.Connection) -> object:
        opened.append(conn)
        return configure(conn)

    monkeypatch.setattr(migrator_module, "configure_connection", recording)
    return opened


def test_a_debts_rebuild_keeps_every_payment_with_foreign_keys_off_then_on(
    tmp_path: Path, populated_copy: PopulatedCopy, spy_connection: list[sqlite3.Connection]
) -> None:
    folder = copy_bundle(tmp_path / "migrations", upto=10)
    add_migration(folder, "011_rebuild_debts.sql", REBUILD_SQL)
    path = populated_copy(10)
    before = snapshot_of(path)
    assert len(before["payment_history"].rows) >= 4  # the cascade would have had prey
    foreign_keys: dict[tuple[int, int], int] = {}

    def hook(version: int, statement: int) -> None:
        foreign_keys[version, statement] = (
            spy_connection[-1].execute("PRAGMA foreign_keys").fetchone()[0]
        )

    report = Migrator(folder, on_statement=hook).migrate(path)

    assert (report.from_version, report.to_version) == (10, 11)
    after = snapshot_of(path)
    assert after["payment_history"] == before["payment_history"]
    assert after["debts"] == before["debts"]
    assert without_history(after) == without_history(before)
    assert violations(path, 11) == []
    # Off for every statement of the rebuild, back on once it committed.
    statements = len(load_migrations(folder)[10].statements)
    assert {foreign_keys[11, k] for k in range(1, statements + 2)} == {0}
    assert foreign_keys[11, AFTER_COMMIT] == 1
    db = open_database(path)
    try:
        assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute_sql("SELECT COUNT(*) FROM open_debts").fetchone()[0] == 2
    finally:
        db.close()
    # The trigger still settles debts after the rebuild.
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        debt_id, outstanding = conn.execute(
            "SELECT debt_id, outstanding FROM open_debts ORDER BY debt_id LIMIT 1"
        ).fetchone()
        conn.execute(
            "INSERT INTO payment_history (debt_id, amount) VALUES (?, ?)", (debt_id, outstanding)
        )
        status = conn.execute("SELECT status FROM debts WHERE id = ?", (debt_id,)).fetchone()[0]
        assert status == "paid"
    finally:
        conn.close()


def test_the_same_rebuild_with_foreign_keys_on_would_lose_the_payments(
    populated_copy: PopulatedCopy,
) -> None:
    """Why the migrator switches foreign keys off: proof that this data would show the loss."""
    path = populated_copy(10)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("BEGIN")
        conn.execute("DROP VIEW open_debts")
        conn.execute("DROP TRIGGER trg_payment_history_settle")
        for statement in NEW_DEBTS_SQL.split(";\n"):
            conn.execute(statement)
        assert conn.execute("SELECT COUNT(*) FROM payment_history").fetchone()[0] == 0
        conn.execute("ROLLBACK")
    finally:
        conn.close()


def test_a_rebuild_that_forgets_the_trigger_fails_and_keeps_everything(
    tmp_path: Path, populated_copy: PopulatedCopy
) -> None:
    folder = copy_bundle(tmp_path / "migrations", upto=10)
    add_migration(folder, "011_rebuild_debts.sql", "DROP VIEW open_debts;\n" + NEW_DEBTS_SQL + "\n")
    path = populated_copy(10)
    before = snapshot_of(path)

    with pytest.raises(
        MigrationFailed, match=r"011_rebuild_debts\.sql.*trg_payment_history_settle"
    ):
        Migrator(folder).migrate(path)

    assert header(path)[0] == 10
    assert snapshot_of(path) == before
    conn = sqlite3.connect(path)
    try:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    finally:
        conn.close()
    assert {"open_debts", "debts", "trg_payment_history_settle"} <= names
    assert "new_debts" not in names


def test_a_migration_leaving_a_dangling_reference_is_rolled_back(
    tmp_path: Path, populated_copy: PopulatedCopy
) -> None:
    folder = copy_bundle(tmp_path / "migrations", upto=10)
    add_migration(
        folder,
        "011_add_orphan_payment.sql",
        "INSERT INTO payment_history (debt_id, amount, note) VALUES (9999, 100, 'orphan');\n",
    )
    path = populated_copy(10)
    before = snapshot_of(path)

    with pytest.raises(MigrationFailed, match=r"011_add_orphan_payment\.sql.*broken references"):
        Migrator(folder).migrate(path)

    assert header(path)[0] == 10
    assert snapshot_of(path) == before
    assert total_rows(before) > 0
