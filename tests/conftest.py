"""Shared fixtures: offscreen Qt, a private data folder, databases built by the real migrator."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# Qt aborts without a display; this must be set before anything imports PySide6.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.db.migrator import Migrator
from app.paths import DATA_DIR_VARIABLE, migrations_dir


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data folder, so nothing touches the real shop's files."""
    folder = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_VARIABLE, str(folder))
    return folder


@pytest.fixture(scope="session")
def migrator() -> Migrator:
    return Migrator(migrations_dir())


@pytest.fixture(scope="session")
def latest_template(tmp_path_factory: pytest.TempPathFactory, migrator: Migrator) -> Path:
    """One database migrated to the latest version; tests copy it instead of migrating again."""
    path = tmp_path_factory.mktemp("template") / "latest.db"
    migrator.migrate(path)
    return path


@pytest.fixture
def database_path(tmp_path: Path, latest_template: Path) -> Iterator[Path]:
    """A private copy of a freshly migrated database (closed, no WAL beside it)."""
    path = tmp_path / "shop" / "dukan.db"
    path.parent.mkdir()
    shutil.copyfile(latest_template, path)
    yield path
