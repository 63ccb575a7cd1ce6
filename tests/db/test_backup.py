"""Tests for backups: consistent copies of a live WAL database, safe names and pruning."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from app.db import backup as backup_module
from app.db.backup import (
    PARTIAL_SUFFIX,
    BackupError,
    BackupKind,
    automatic_backup_name,
    backup_files,
    looks_like_sqlite,
    manual_backup_name,
    parse_backup_name,
    prune_upgrade_backups,
    set_aside_name,
    unused_path,
    upgrade_backup_name,
    write_backup,
)


def read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def settings_keys(conn: sqlite3.Connection) -> list[str]:
    return [row[0] for row in conn.execute("SELECT key FROM settings ORDER BY key")]


@pytest.fixture
def busy_writer(database_path: Path) -> Iterator[sqlite3.Connection]:
    """A till mid-sale: commits only in the WAL, and an open write transaction on top."""
    writer = sqlite3.connect(database_path, isolation_level=None)
    assert writer.execute("PRAGMA journal_mode = WAL").fetchone() == ("wal",)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("INSERT INTO settings (key, value) VALUES ('committed_1', 'a')")
    writer.execute("INSERT INTO settings (key, value) VALUES ('committed_2', 'b')")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO settings (key, value) VALUES ('uncommitted', 'c')")
    try:
        yield writer
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_backup_of_a_live_wal_database_has_exactly_the_committed_rows(
    database_path: Path, busy_writer: sqlite3.Connection, tmp_path: Path
) -> None:
    wal = database_path.with_name(database_path.name + "-wal")
    assert wal.stat().st_size > 0
    # A plain copy of the main file alone misses the commits still in the WAL.
    plain = tmp_path / "plain-copy.db"
    shutil.copyfile(database_path, plain)
    conn = read_only(plain)
    try:
        assert settings_keys(conn) == []
    finally:
        conn.close()

    reported: list[tuple[int, int]] = []
    target = tmp_path / "backups" / "copy.db"
    assert write_backup(database_path, target, lambda done, total: reported.append((done, total)))

    # It stands alone: nothing beside it, rollback journal mode, and the committed rows only.
    assert sorted(p.name for p in target.parent.iterdir()) == ["copy.db"]
    conn = read_only(target)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        assert settings_keys(conn) == ["committed_1", "committed_2"]
    finally:
        conn.close()
    assert reported and reported[-1][0] == reported[-1][1] > 0
    # The writer was not disturbed and can still commit.
    busy_writer.execute("COMMIT")
    busy_writer.execute("BEGIN")
    assert settings_keys(busy_writer) == ["committed_1", "committed_2", "uncommitted"]


def test_an_existing_target_is_never_overwritten(database_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "taken.db"
    target.write_bytes(b"an older backup")
    with pytest.raises(BackupError, match="already exists"):
        write_backup(database_path, target)
    assert target.read_bytes() == b"an older backup"


def test_a_target_folder_that_is_a_file_fails_cleanly(database_path: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "backups"
    blocker.write_text("not a folder")
    target = blocker / "copy.db"
    with pytest.raises(BackupError, match="could not write the backup"):
        write_backup(database_path, target)
    assert blocker.read_text() == "not a folder"
    assert not list(tmp_path.rglob(f"*{PARTIAL_SUFFIX}"))


def test_a_source_that_is_not_a_database_leaves_no_partial_copy(tmp_path: Path) -> None:
    source = tmp_path / "junk.db"
    source.write_bytes(b"definitely not SQLite " * 512)
    target = tmp_path / "backups" / "copy.db"
    with pytest.raises(BackupError):
        write_backup(source, target)
    assert not target.exists()
    assert not target.with_name(target.name + PARTIAL_SUFFIX).exists()


def test_a_stale_partial_copy_is_replaced(database_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    partial = target.with_name(target.name + PARTIAL_SUFFIX)
    partial.write_bytes(b"left over from a power cut")
    write_backup(database_path, target)
    assert not partial.exists()
    conn = read_only(target)
    try:
        assert conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    finally:
        conn.close()


def test_unused_path_counts_up_when_a_name_is_taken(tmp_path: Path) -> None:
    name = "dukan-v009-20240305-140709.db"
    assert unused_path(tmp_path, name) == tmp_path / name
    (tmp_path / name).write_bytes(b"")
    assert unused_path(tmp_path, name) == tmp_path / "dukan-v009-20240305-140709-2.db"
    (tmp_path / "dukan-v009-20240305-140709-2.db").write_bytes(b"")
    assert unused_path(tmp_path, name) == tmp_path / "dukan-v009-20240305-140709-3.db"


def test_backup_names_carry_version_and_second() -> None:
    moment = datetime(2024, 3, 5, 4, 7, 9)
    assert upgrade_backup_name(Path("dukan.db"), 7, moment) == "dukan-v007-20240305-040709.db"
    assert manual_backup_name(Path("dukan.db"), moment) == "dukan-backup-20240305-040709.db"
    assert upgrade_backup_name(Path("/x/demo.db"), 10, moment) == "demo-v010-20240305-040709.db"


def _backup_file(folder: Path, name: str, hours_ago: float) -> Path:
    path = folder / name
    path.write_bytes(b"backup")
    stamp = 1_700_000_000 - hours_ago * 3_600
    os.utime(path, (stamp, stamp))
    return path


def test_pruning_keeps_the_newest_by_modification_time(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    # Names deliberately disagree with age: only the modification time may decide.
    ages = {
        "dukan-v003-20240101-000000.db": 5,
        "dukan-v001-20240601-000000.db": 1,
        "dukan-v009-20230101-000000.db": 4,
        "dukan-v002-20240301-000000.db": 2,
        "dukan-v005-20240201-000000-2.db": 3,
    }
    for name, age in ages.items():
        _backup_file(folder, name, age)
    just_written = _backup_file(folder, "dukan-v010-20240701-000000.db", 0)
    manual = folder / "dukan-backup-20200101-000000.db"
    manual.write_bytes(b"manual")
    other = folder / "notes.txt"
    other.write_text("keep me")

    removed = prune_upgrade_backups(tmp_path / "dukan.db", 3, newest=just_written)

    assert sorted(p.name for p in removed) == [
        "dukan-v003-20240101-000000.db",
        "dukan-v005-20240201-000000-2.db",
        "dukan-v009-20230101-000000.db",
    ]
    assert sorted(p.name for p in folder.iterdir()) == [
        "dukan-backup-20200101-000000.db",
        "dukan-v001-20240601-000000.db",
        "dukan-v002-20240301-000000.db",
        "dukan-v010-20240701-000000.db",
        "notes.txt",
    ]
    assert manual.read_bytes() == b"manual"


def test_pruning_never_removes_the_backup_just_written(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    """After the clock went back, the newest backup has the oldest timestamp of all."""
    for number in range(6):
        _backup_file(folder, f"dukan-v00{number + 1}-20990101-00000{number}.db", -1_000 - number)
    just_written = _backup_file(folder, "dukan-v007-20000101-000000.db", 200_000)

    removed = prune_upgrade_backups(tmp_path / "dukan.db", 2, newest=just_written)

    assert just_written.exists()
    assert just_written not in removed
    assert sorted(p.name for p in folder.iterdir()) == [
        "dukan-v006-20990101-000005.db",
        "dukan-v007-20000101-000000.db",
    ]


def test_pruning_with_few_backups_removes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    paths = [
        _backup_file(folder, f"dukan-v00{number + 1}-20240101-00000{number}.db", 3 - number)
        for number in range(3)
    ]
    assert prune_upgrade_backups(tmp_path / "dukan.db", 5, newest=paths[-1]) == []
    assert sorted(folder.iterdir()) == paths


def test_pruning_leaves_other_databases_backups_alone(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    demo = [_backup_file(folder, f"demo-v00{n}-20240101-00000{n}.db", 10 + n) for n in range(1, 4)]
    similar = _backup_file(folder, "dukan-v2-v001-20240101-000000.db", 50)
    just_written = _backup_file(folder, "dukan-v010-20240701-000000.db", 0)
    older = _backup_file(folder, "dukan-v009-20240601-000000.db", 5)

    removed = prune_upgrade_backups(tmp_path / "dukan.db", 1, newest=just_written)

    assert removed == [older]
    assert all(path.exists() for path in [*demo, similar, just_written])


def test_a_full_disk_fails_cleanly(
    database_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(partial: Path) -> sqlite3.Connection:
        copy = sqlite3.connect(partial, isolation_level=None)
        copy.execute("PRAGMA max_page_count = 3")
        return copy

    monkeypatch.setattr(backup_module, "_open_copy", full_disk)
    target = tmp_path / "backups" / "copy.db"
    with pytest.raises(BackupError, match=r"could not write the backup .*disk is full"):
        write_backup(database_path, target)
    assert list(target.parent.iterdir()) == []


def test_backup_names_are_read_back_by_kind(tmp_path: Path) -> None:
    database = tmp_path / "dukan.db"
    moment = datetime(2026, 11, 21, 10, 30, 5)
    named = {
        automatic_backup_name(database, moment): BackupKind.AUTOMATIC,
        manual_backup_name(database, moment): BackupKind.MANUAL,
        upgrade_backup_name(database, 28, moment): BackupKind.UPGRADE,
        set_aside_name(database, moment): BackupKind.SET_ASIDE,
        "dukan-auto-20261121-103005-2.db": BackupKind.AUTOMATIC,
    }
    for name, kind in named.items():
        parsed = parse_backup_name(database, tmp_path / name)
        assert parsed is not None and (parsed.kind, parsed.taken_at) == (kind, moment), name
    for stranger in [
        "demo-auto-20261121-103005.db",
        "dukan-auto-20261321-103005.db",  # month 13
        "dukan-auto-20261121-103005.db.partial",
        "dukan-v2-v001-20240101-000000.db",
        "dukan.db",
    ]:
        assert parse_backup_name(database, tmp_path / stranger) is None, stranger


def test_backup_files_lists_both_folders_newest_first_once_each(tmp_path: Path) -> None:
    database = tmp_path / "shop" / "dukan.db"
    chosen, default = tmp_path / "usb", tmp_path / "shop" / "backups"
    chosen.mkdir()
    default.mkdir(parents=True)
    old = default / "dukan-v010-20240101-000000.db"
    new = chosen / "dukan-auto-20250101-000000.db"
    for path in (old, new, chosen / "notes.txt", chosen / "demo-auto-20260101-000000.db"):
        path.write_bytes(b"")
    (chosen / "dukan-auto-20990101-000000.db").mkdir()  # a folder with a backup's name
    found = backup_files(database, [chosen, default, chosen, tmp_path / "missing"])
    assert [backup.path for backup in found] == [new, old]


def test_looks_like_sqlite_reads_the_header(database_path: Path, tmp_path: Path) -> None:
    assert looks_like_sqlite(database_path)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"SQLite format 2")
    assert not looks_like_sqlite(junk)
    assert not looks_like_sqlite(tmp_path / "missing.db")


def test_looks_like_sqlite_wants_as_many_pages_as_the_header_says(
    database_path: Path, tmp_path: Path
) -> None:
    whole = database_path.read_bytes()
    page_size = int.from_bytes(whole[16:18], "big")
    cut = tmp_path / "cut.db"
    cut.write_bytes(whole[:-page_size])  # a copy that stopped one page short
    assert not looks_like_sqlite(cut)
    padded = tmp_path / "padded.db"
    padded.write_bytes(whole + b"\x00" * page_size)
    assert not looks_like_sqlite(padded)
    header_only = tmp_path / "header.db"
    header_only.write_bytes(whole[:100])
    assert not looks_like_sqlite(header_only)
    copied = tmp_path / "copied.db"
    copied.write_bytes(whole)
    assert looks_like_sqlite(copied)
