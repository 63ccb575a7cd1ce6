"""What the migrator leaves behind: nothing beside a refused file, nothing half-verified."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from app.db import sqlite_files
from app.db.migrator import MigrationFailed, MigrationRefused, Migrator
from app.db.sqlite_files import open_read_only


def _listing(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def _set_version(path: Path, version: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.close()


def test_a_refused_newer_file_leaves_its_folder_exactly_as_found(
    database_path: Path, migrator: Migrator
) -> None:
    _set_version(database_path, 99)  # a WAL-mode file, as every Dukan file is
    before = _listing(database_path.parent)
    with pytest.raises(MigrationRefused, match="newer Dukan"):
        migrator.migrate(database_path)
    with pytest.raises(MigrationRefused):
        migrator.dry_run(database_path)
    assert _listing(database_path.parent) == before  # no -wal, no -shm, no backups/


def test_a_refused_foreign_wal_file_leaves_its_folder_exactly_as_found(
    tmp_path: Path, migrator: Migrator
) -> None:
    foreign = tmp_path / "other" / "ledger.sqlite"
    foreign.parent.mkdir()
    conn = sqlite3.connect(foreign)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY)")
    conn.close()
    before = _listing(foreign.parent)
    with pytest.raises(MigrationRefused, match="not a Dukan database"):
        migrator.inspect(foreign)
    assert _listing(foreign.parent) == before


def test_a_failed_check_undoes_the_migration_and_fails_again_next_time(
    populated_copy: Callable[[int], Path], migrator: Migrator
) -> None:
    """An index nobody's migrations made: version 10 must not be recorded as reached."""
    path = populated_copy(9)
    conn = sqlite3.connect(path)
    conn.execute("CREATE INDEX idx_stray ON products(name)")
    conn.close()

    for _attempt in range(2):
        with pytest.raises(MigrationFailed, match="unexpected index:idx_stray") as failure:
            migrator.migrate(path)
        assert "010_create_open_debts_view_and_indexes.sql failed and was undone" in str(
            failure.value
        )
        with open_read_only(path) as check:
            assert check.execute("PRAGMA user_version").fetchone() == (9,)
            names = {row[0] for row in check.execute("SELECT name FROM sqlite_master")}
            assert "open_debts" not in names  # 010's view went with the rollback
            assert "idx_stray" in names


def test_a_read_only_folder_never_hides_commits_waiting_in_the_wal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a -shm, only an immutable read is possible; it would not see the -wal."""
    path = tmp_path / "shop.db"
    path.write_bytes(b"")
    wal = tmp_path / "shop.db-wal"
    real_connect = sqlite_files._connect

    def cannot_open_normally(target: Path, *, immutable: bool) -> sqlite3.Connection:
        if not immutable:
            raise sqlite3.OperationalError("unable to open database file")
        return real_connect(target, immutable=True)

    monkeypatch.setattr(sqlite_files, "_connect", cannot_open_normally)
    monkeypatch.setattr("app.db.sqlite_files.os.access", lambda _path, _mode: False)

    wal.write_bytes(b"committed frames")
    with (
        pytest.raises(sqlite3.OperationalError, match="copy the folder somewhere writable"),
        open_read_only(path, quiet=False),
    ):
        pass

    wal.write_bytes(b"")
    with open_read_only(path, quiet=False) as conn:  # an empty -wal holds nothing: fine
        assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)
