"""Fixtures for the storage tests: populated files at any schema version, built once and copied."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.db.migrator import Migrator
from tests.db.populate import build_at

PopulatedTemplate = Callable[[int], Path]
PopulatedCopy = Callable[[int], Path]


@pytest.fixture(scope="session")
def populated_template(
    tmp_path_factory: pytest.TempPathFactory, migrator: Migrator
) -> PopulatedTemplate:
    """A populated file at a version, built by the real migrator once per session (read only)."""
    built: dict[int, Path] = {}

    def template(version: int) -> Path:
        if version not in built:
            folder = tmp_path_factory.mktemp(f"populated-v{version:03d}")
            path = build_at(migrator, folder / "dukan.db", version)
            # Copies must not miss rows still in a WAL: closing the last connection folds it in.
            assert not path.with_name(path.name + "-wal").exists()
            built[version] = path
        return built[version]

    return template


@pytest.fixture
def populated_copy(tmp_path: Path, populated_template: PopulatedTemplate) -> PopulatedCopy:
    """A private copy of the populated file at a version, as `shop/dukan.db`."""

    def copy(version: int) -> Path:
        path = tmp_path / "shop" / "dukan.db"
        path.parent.mkdir(exist_ok=True)
        shutil.copyfile(populated_template(version), path)
        return path

    return copy


@pytest.fixture
def conn(database_path: Path) -> Iterator[sqlite3.Connection]:
    """A plain connection to a freshly migrated file, in autocommit, foreign keys on."""
    connection = sqlite3.connect(database_path, isolation_level=None)
    connection.execute("PRAGMA foreign_keys = ON")
    try:
        yield connection
    finally:
        connection.close()


def insert(conn: sqlite3.Connection, sql: str, *values: object) -> int:
    """Run one INSERT; the new row's id."""
    row_id = conn.execute(sql, values).lastrowid
    assert row_id is not None
    return row_id
