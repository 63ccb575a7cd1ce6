"""Tests that a process killed after any statement of any migration leaves a whole version."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.db.checks import all_violations
from app.db.fingerprint import schema_fingerprint
from app.db.migration_files import load_migrations
from app.db.migrator import AFTER_COMMIT, Migrator
from app.paths import bundle_root, migrations_dir
from tests.db.conftest import PopulatedTemplate
from tests.db.populate import Snapshot, snapshot, snapshot_of, without_timings

KILLED = 137
# The child process: the real migrator, killed without cleanup once it reaches (M, K).
CHILD = """
import os, sys
from pathlib import Path
from app.db.migrator import Migrator
from app.paths import migrations_dir

M, K = int(sys.argv[1]), int(sys.argv[2])
Migrator(
    migrations_dir(),
    on_statement=lambda v, k: os._exit(137) if (v, k) == (M, K) else None,
).migrate(Path(sys.argv[3]))
sys.exit(3)
"""

MIGRATIONS = load_migrations(migrations_dir())
LATEST = len(MIGRATIONS)
CRASH_POINTS = [
    (m.version, k) for m in MIGRATIONS for k in [*range(1, len(m.statements) + 2), AFTER_COMMIT]
]


def _crash_id(point: tuple[int, int]) -> str:
    version, statement = point
    return f"m{version:03d}-" + ("after-commit" if statement == AFTER_COMMIT else f"k{statement}")


def kill_during_migration(path: Path, version: int, statement: int) -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(version), str(statement), str(path)],
        cwd=bundle_root(),
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == KILLED, result.stderr


def read_only(path: Path) -> sqlite3.Connection:
    """Reading after the kill must not checkpoint the WAL: the next start finds it as it was."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def user_version(path: Path) -> int:
    conn = read_only(path)
    try:
        version: int = conn.execute("PRAGMA user_version").fetchone()[0]
        return version
    finally:
        conn.close()


def fingerprint(path: Path) -> dict[str, object]:
    conn = read_only(path)
    try:
        return schema_fingerprint(conn)
    finally:
        conn.close()


def rows(path: Path) -> Snapshot:
    conn = read_only(path)
    try:
        return snapshot(conn)
    finally:
        conn.close()


@pytest.mark.parametrize("point", CRASH_POINTS, ids=[_crash_id(p) for p in CRASH_POINTS])
def test_a_kill_leaves_the_old_or_the_new_version_and_the_next_start_finishes(
    point: tuple[int, int],
    tmp_path: Path,
    migrator: Migrator,
    populated_template: PopulatedTemplate,
) -> None:
    version, statement = point
    committed = statement == AFTER_COMMIT
    expected = version if committed else version - 1
    template = populated_template(version - 1)
    path = tmp_path / "shop" / "dukan.db"
    path.parent.mkdir()
    shutil.copyfile(template, path)

    kill_during_migration(path, version, statement)
    wal = path.with_name(path.name + "-wal")
    if committed:
        # The commit lives only in the WAL the kill left behind, until someone checkpoints it.
        assert wal.stat().st_size > 0

    # Exactly one whole version: its header, its history, its schema.
    assert user_version(path) == expected
    state = migrator.inspect(path)
    assert state.version == expected
    if expected == 0:
        assert state.is_new
        assert fingerprint(path) == {}
    else:
        assert fingerprint(path) == migrator.fresh_fingerprint(expected)

    # The rows: untouched by a rolled-back migration, or exactly what an uninterrupted one makes.
    if committed:
        reference = tmp_path / "reference" / "dukan.db"
        reference.parent.mkdir()
        shutil.copyfile(template, reference)
        migrator.migrate(reference, target=version)
        assert without_timings(rows(path)) == without_timings(snapshot_of(reference))
    else:
        assert rows(path) == snapshot_of(template)
    crashed = rows(path)

    # The next start finishes the job.
    report = migrator.migrate(path)
    assert (report.from_version, report.to_version) == (expected, LATEST)
    if committed and expected < LATEST:
        # The backup before the retry holds what the WAL held, not just the main file.
        assert report.backup_path is not None
        assert snapshot_of(report.backup_path) == crashed
    conn = sqlite3.connect(path)
    try:
        assert all_violations(conn, LATEST) == []
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    finally:
        conn.close()
