"""Progress reaches the operator at least every second, even inside one long statement."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

from app.db.migrator import Migrator, Progress
from tests.db.bundles import add_migration, copy_bundle

# One statement that keeps SQLite busy for a second or more on this machine's class.
SLOW_MIGRATION = (
    "CREATE TABLE busy_work AS\n"
    "WITH RECURSIVE counter(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM counter "
    "WHERE n < 4000000)\n"
    "SELECT n, n * n AS square FROM counter;\n"
)


def test_a_long_statement_still_reports_progress_every_second(tmp_path: Path) -> None:
    bundle = copy_bundle(tmp_path / "bundle", upto=10)
    add_migration(bundle, "011_busy_work.sql", SLOW_MIGRATION)
    migrator = Migrator(bundle)
    database = tmp_path / "shop.db"
    migrator.migrate(database, target=10)

    seen: list[tuple[float, Progress]] = []
    started = time.monotonic()
    migrator.migrate(database, progress=lambda step: seen.append((time.monotonic(), step)))
    finished = time.monotonic()

    heartbeats = [p for _, p in seen if p.message.startswith("Applying 011_busy_work.sql (")]
    assert heartbeats, [p.message for _, p in seen]
    assert all(p.step == 2 and p.total == 3 for p in heartbeats)  # backup, 011, check
    moments = [started] + [at for at, _ in seen] + [finished]
    longest_silence = max(later - earlier for earlier, later in itertools.pairwise(moments))
    assert longest_silence <= 1.0, f"no progress for {longest_silence:.2f} s"
