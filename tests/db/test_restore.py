"""Restoring a backup: the replaced file kept whole, the backup checked, never an empty gap."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from app.db.backup import write_backup
from app.db.migrator import MigrationRefused, Migrator
from app.db.restore import (
    ChangesSince,
    RestoreError,
    changes_since,
    describe_backup,
    restore_and_upgrade,
    restore_backup,
)
from app.db.sqlite_files import open_read_only
from tests.conftest import add_debt, add_payment

MOMENT = datetime(2026, 11, 21, 10, 30, 0)


def _notes(path: Path) -> list[str]:
    with open_read_only(path) as conn:
        return [row[0] for row in conn.execute("SELECT note FROM sales ORDER BY id")]


def _sell(path: Path, note: str) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("INSERT INTO sales (total, paid, note) VALUES (0, 0, ?)", (note,))
    conn.close()


def _sell_and_die(path: Path, note: str) -> None:
    """Commit a sale and get killed before the commit leaves the -wal, as a crashed till would."""
    script = (
        "import os, sqlite3, sys\n"
        "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "conn.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "conn.execute('INSERT INTO sales (total, paid, note) VALUES (0, 0, ?)', (sys.argv[2],))\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(path), note], check=True, timeout=60)


def test_the_replaced_file_keeps_commits_that_were_only_in_its_wal(
    database_path: Path, tmp_path: Path
) -> None:
    _sell(database_path, "in the backup")
    backup = write_backup(database_path, tmp_path / "backup.db")
    _sell_and_die(database_path, "after the backup")
    wal = database_path.with_name("dukan.db-wal")
    assert wal.stat().st_size > 0  # the premise: that sale lives only in the -wal

    report = restore_backup(backup, database_path, MOMENT)

    assert report.set_aside is not None
    assert report.set_aside.name == "dukan-replaced-20261121-103000.db"
    assert sorted(p.name for p in report.set_aside.parent.iterdir()) == [report.set_aside.name]
    assert not wal.exists()
    assert _notes(report.set_aside) == ["in the backup", "after the backup"]
    assert _notes(database_path) == ["in the backup"]
    assert not (database_path.parent / "dukan.db.restoring").exists()


def test_a_database_still_open_elsewhere_is_not_moved(database_path: Path, tmp_path: Path) -> None:
    backup = write_backup(database_path, tmp_path / "backup.db")
    _sell(database_path, "today")
    other = sqlite3.connect(database_path)  # another program holding the file open
    other.execute("SELECT count(*) FROM sales").fetchone()
    try:
        with pytest.raises(RestoreError, match="still open in another program"):
            restore_backup(backup, database_path, MOMENT)
    finally:
        other.close()
    assert _notes(database_path) == ["today"]
    assert not (database_path.parent / "dukan.db.restoring").exists()
    assert not (database_path.parent / "replaced").exists() or not any(
        (database_path.parent / "replaced").iterdir()
    )


def test_a_backup_that_cannot_be_read_leaves_the_database_in_place(
    database_path: Path, tmp_path: Path
) -> None:
    _sell(database_path, "today")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not sqlite" * 500)
    with pytest.raises(RestoreError, match="could not copy"):
        restore_backup(junk, database_path, MOMENT)
    assert _notes(database_path) == ["today"]
    assert not (database_path.parent / "replaced").exists()


def test_an_older_backup_is_upgraded_after_it_is_put_in_place(
    populated_copy: Callable[[int], Path], tmp_path: Path, migrator: Migrator
) -> None:
    old = populated_copy(6)
    backup = write_backup(old, tmp_path / "v6-backup.db")
    database = tmp_path / "current" / "dukan.db"
    migrator.migrate(database)

    restored, upgrade = restore_and_upgrade(migrator, backup, database, now=MOMENT)

    assert (upgrade.from_version, upgrade.to_version) == (6, migrator.latest_version)
    assert restored.set_aside is not None and restored.set_aside.exists()
    with open_read_only(database) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (migrator.latest_version,)


def test_describe_counts_what_the_backup_holds(
    database_path: Path, tmp_path: Path, migrator: Migrator
) -> None:
    for note in ("one", "two", "three"):
        _sell(database_path, note)
    backup = write_backup(database_path, tmp_path / "backup.db")
    found = describe_backup(migrator, backup)
    assert (found.version, found.sales, found.size_bytes) == (
        migrator.latest_version,
        3,
        backup.stat().st_size,
    )


@pytest.mark.parametrize("kind", ["empty", "newer"])
def test_backups_that_cannot_be_restored_are_refused(
    kind: str, database_path: Path, tmp_path: Path, migrator: Migrator
) -> None:
    backup = tmp_path / "backup.db"
    if kind == "empty":
        backup.write_bytes(b"")
    else:
        write_backup(database_path, backup)
        conn = sqlite3.connect(backup)
        conn.execute("PRAGMA user_version = 42")
        conn.close()
    _sell(database_path, "today")
    with pytest.raises(MigrationRefused):
        restore_and_upgrade(migrator, backup, database_path, now=MOMENT)
    assert _notes(database_path) == ["today"]


def _add_customer(path: Path, name: str) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("INSERT INTO customers (name) VALUES (?)", (name,))
    conn.close()


def test_describe_counts_customers_and_reads_without_leaving_files(
    database_path: Path, tmp_path: Path, migrator: Migrator
) -> None:
    _add_customer(database_path, "Amina")
    _add_customer(database_path, "Ваня")
    _sell(database_path, "one")
    folder = tmp_path / "kept"
    backup = write_backup(database_path, folder / "backup.db")
    found = describe_backup(migrator, backup)
    assert (found.sales, found.customers) == (1, 2)
    assert sorted(p.name for p in folder.iterdir()) == ["backup.db"]


def test_changes_since_counts_what_a_restore_would_lose(
    database_path: Path, tmp_path: Path
) -> None:
    _add_customer(database_path, "Amina")
    _sell(database_path, "in the backup")
    backup = write_backup(database_path, tmp_path / "backup.db")
    assert changes_since(backup, database_path) == ChangesSince(0, 0, 0)
    for note in ("later 1", "later 2"):
        _sell(database_path, note)
    _add_customer(database_path, "Samir")
    conn = sqlite3.connect(database_path)
    with conn:
        debt = add_debt(conn, None, 500, customer="Nadia")
        add_payment(conn, debt, 200)
        add_payment(conn, debt, 100)
    conn.close()

    assert changes_since(backup, database_path) == ChangesSince(sales=2, payments=2, customers=2)


def test_changes_since_cannot_count_files_that_went_separate_ways(
    database_path: Path, tmp_path: Path
) -> None:
    _sell(database_path, "first")
    older = write_backup(database_path, tmp_path / "older.db")
    _sell(database_path, "second")
    newer = write_backup(database_path, tmp_path / "newer.db")
    restore_backup(older, database_path, MOMENT)
    _sell(database_path, "another second")  # the same id as "second" in the newer backup
    assert changes_since(newer, database_path) is None
    # Against the older backup the current file still just grew.
    assert changes_since(older, database_path) == ChangesSince(1, 0, 0)


def test_changes_since_an_older_version_counts_sales_not_customers(
    populated_copy: Callable[[int], Path], tmp_path: Path, migrator: Migrator
) -> None:
    """A backup from before customers: the upgrade made customers the backup never had."""
    current = populated_copy(10)
    backup = write_backup(current, tmp_path / "v10.db")
    migrator.migrate(current)
    _sell(current, "after the upgrade")
    assert changes_since(backup, current) == ChangesSince(1, 0, None)


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("empty", "is empty"),
        ("foreign", "belongs to another program"),
        ("newer", "upgraded by a newer Dukan (database version 42)"),
        ("junk", "is not a Dukan database, or it is damaged"),
    ],
)
def test_a_quick_look_refuses_what_cannot_be_restored(
    kind: str, message: str, database_path: Path, tmp_path: Path, migrator: Migrator
) -> None:
    backup = tmp_path / "backup.db"
    if kind == "empty":
        backup.write_bytes(b"")
    elif kind == "junk":
        backup.write_bytes(b"not sqlite at all" * 300)
    else:
        conn = sqlite3.connect(backup)
        conn.execute("CREATE TABLE notes (text)")
        if kind == "newer":
            conn.close()
            backup.unlink()
            write_backup(database_path, backup)
            conn = sqlite3.connect(backup)
            conn.execute("PRAGMA user_version = 42")
        conn.close()
    with pytest.raises(MigrationRefused, match=re.escape(message)):
        describe_backup(migrator, backup, check_integrity=False)


def test_a_quick_look_reads_what_the_full_check_reads(
    database_path: Path, tmp_path: Path, migrator: Migrator
) -> None:
    _add_customer(database_path, "Amina")
    _sell(database_path, "one")
    backup = write_backup(database_path, tmp_path / "backup.db")
    quick = describe_backup(migrator, backup, check_integrity=False)
    assert quick == describe_backup(migrator, backup)
    assert (quick.version, quick.sales, quick.customers) == (migrator.latest_version, 1, 1)
