"""Service fixtures: the shared proxy pointed at a private migrated database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.db.database import DukanDatabase, open_database


@pytest.fixture
def database(database_path: Path) -> Iterator[DukanDatabase]:
    db = open_database(database_path)
    yield db
    db.close()
