"""The start-up upgrade reports its outcome in words, whatever the migrator decided."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.db.migrator import Migrator
from app.services.upgrade import DatabaseUpgrade


def test_a_new_file_is_created_at_the_latest_version(tmp_path: Path, migrator: Migrator) -> None:
    steps: list[tuple[int, int, str]] = []
    outcome = DatabaseUpgrade(migrator, tmp_path / "new.db").run(lambda *step: steps.append(step))
    assert outcome.succeeded
    assert (outcome.from_version, outcome.to_version) == (0, migrator.latest_version)
    assert outcome.backup_path is None
    assert list(dict.fromkeys(s[0] for s in steps)) == list(range(1, migrator.latest_version + 2))
    assert all(total == migrator.latest_version + 1 for _, total, _ in steps)


def test_an_older_file_is_backed_up_then_upgraded(tmp_path: Path, migrator: Migrator) -> None:
    database = tmp_path / "old.db"
    migrator.migrate(database, target=7)
    outcome = DatabaseUpgrade(migrator, database).run()
    assert outcome.succeeded and outcome.from_version == 7
    assert outcome.backup_path is not None and outcome.backup_path.exists()
    assert outcome.backup_path.name.startswith("old-v007-")


def test_a_refusal_is_reported_not_raised(tmp_path: Path, migrator: Migrator) -> None:
    database = tmp_path / "foreign.db"
    conn = sqlite3.connect(database)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    conn.close()
    outcome = DatabaseUpgrade(migrator, database).run()
    assert not outcome.succeeded
    assert outcome.refused
    assert "not a Dukan database" in outcome.problem
