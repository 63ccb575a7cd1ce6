"""The demo's file: made afresh in its own folder, moved into place whole, never the shop's."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from app import paths
from app.db.checks import all_violations
from app.db.migrator import Migrator
from app.db.sqlite_files import open_read_only
from app.demo import TEMPORARY_SUFFIX, DemoError, recreate_demo_database
from app.services import demo_shop

NOW = datetime(2026, 3, 18, 16, 45, 10)


def _customers(path: Path) -> list[str]:
    with open_read_only(path) as conn:
        return [row[0] for row in conn.execute("SELECT name FROM customers ORDER BY id")]


def test_the_demo_file_is_written_in_its_own_folder_and_checks_clean(
    data_dir: Path, migrator: Migrator
) -> None:
    path = paths.demo_database_path()
    assert path.parent == data_dir / "demo"

    summary = recreate_demo_database(path, now=NOW)

    assert summary.sales > 0
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no -wal, no .new
    with open_read_only(path) as conn:
        assert all_violations(conn, migrator.latest_version) == []
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    assert version == migrator.latest_version
    assert not paths.default_database_path().exists()


def test_each_start_replaces_the_old_demo_and_what_its_wal_held(data_dir: Path) -> None:
    path = paths.demo_database_path()
    recreate_demo_database(path, now=NOW)
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO customers (name) VALUES ('Kept by nobody')")
    conn.commit()
    conn.close()
    # A window killed while the demo was open leaves its WAL behind; it belongs to the old file.
    stale_wal = path.with_name(path.name + "-wal")
    stale_wal.write_bytes(b"not this file's")

    recreate_demo_database(path, now=NOW)

    assert "Kept by nobody" not in _customers(path)
    assert len(_customers(path)) == len(demo_shop._PEOPLE)
    assert not stale_wal.exists()


def test_a_failed_fill_leaves_the_old_demo_and_no_temporary_file(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = paths.demo_database_path()
    recreate_demo_database(path, now=NOW)
    before = path.read_bytes()

    def broken(_self: object, *, now: datetime, seed: int) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(demo_shop.DemoShop, "fill", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        recreate_demo_database(path, now=NOW)

    assert path.read_bytes() == before
    assert not path.with_name(path.name + TEMPORARY_SUFFIX).exists()


def test_never_writes_over_the_shops_database(data_dir: Path) -> None:
    shop = paths.default_database_path()
    with pytest.raises(DemoError, match="shop's own database"):
        recreate_demo_database(shop, now=NOW)
    assert not shop.exists()
