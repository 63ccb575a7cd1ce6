"""Reliability fixtures: the shop the kill tests start from, and the opt-in for the long runs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.reliability.kill_support import run_writer

# The long kill run takes minutes: it runs when this is set to 1 (`.ci/run` sets it).
FULL_RUN_VARIABLE = "DUKAN_RELIABILITY_FULL"


def full_run_wanted() -> bool:
    return os.environ.get(FULL_RUN_VARIABLE) == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if full_run_wanted():
        return
    skip = pytest.mark.skip(reason=f"the full reliability run needs {FULL_RUN_VARIABLE}=1")
    for item in items:
        if item.get_closest_marker("reliability_full") is not None:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def prepared_books(tmp_path_factory: pytest.TempPathFactory, latest_template: Path) -> Path:
    """A migrated file with the kill writer's shop in it (products, customers, two credit
    sales), written by the writer itself; tests copy it."""
    path = tmp_path_factory.mktemp("kill-template") / "shop.db"
    shutil.copyfile(latest_template, path)
    result = run_writer(path, "setup")
    assert result.returncode == 0, result.stderr
    # The writer closed the last connection: the WAL is checkpointed into the file and gone,
    # so copying the file alone copies everything.
    assert not Path(f"{path}-wal").exists()
    return path


@pytest.fixture
def books(tmp_path: Path, prepared_books: Path) -> Path:
    """A private copy of the prepared shop."""
    path = tmp_path / "books" / "shop.db"
    path.parent.mkdir()
    shutil.copyfile(prepared_books, path)
    return path
