"""Damage that `quick_check` cannot see still stops an upgrade and shows up in `check`."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from app.db.checks import all_violations, quick_check
from app.db.migrator import MigrationRefused, Migrator
from app.db.sqlite_files import open_read_only
from tests.db.bundles import copy_bundle


def _scramble_end_of_root_page(path: Path, table: str) -> None:
    """XOR the last bytes of a table's root page: rows still read, its index no longer agrees."""
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    end = root * page_size
    for offset in range(end - 40, end):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.fixture
def damaged(populated_copy: Callable[[int], Path]) -> Path:
    path = populated_copy(9)
    _scramble_end_of_root_page(path, "products")
    with open_read_only(path) as conn:
        assert quick_check(conn) == []  # the premise: the quick check misses it
    return path


def test_an_upgrade_refuses_a_file_only_the_full_check_finds_damaged(
    damaged: Path, tmp_path: Path
) -> None:
    before = hashlib.sha256(damaged.read_bytes()).hexdigest()
    with pytest.raises(MigrationRefused, match="failed its integrity check"):
        Migrator(copy_bundle(tmp_path / "bundle")).migrate(damaged)
    assert hashlib.sha256(damaged.read_bytes()).hexdigest() == before
    assert not (damaged.parent / "backups").exists()


def test_check_reports_the_damage_instead_of_raising(damaged: Path) -> None:
    with open_read_only(damaged) as conn:
        violations = all_violations(conn, 9)
    assert violations
    assert {v.check for v in violations} == {"file integrity"}
