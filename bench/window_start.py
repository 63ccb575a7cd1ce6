"""Times `start to main window shown`: spawns fresh processes and reports the median."""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# How every child script begins: the real window started on the file named by argv[1], its
# result in `started`. With no automatic backups on start or quit (as
# scripts/frozen_smoke_hook.py does in the build): a figure is the window's, not the copy of
# the books the first run takes and every quit ends with.
STARTED_WINDOW = """
import sys
from pathlib import Path
import app.main
from app.main import StartedWindow, start_window
build_services = app.main.build_services
app.main.build_services = lambda path, **_: build_services(path, automatic_backups=False)
started = start_window(Path(sys.argv[1]))
assert isinstance(started, StartedWindow), started
"""

# Run in the child: start the window, paint it once, quit.
CHILD = (
    STARTED_WINDOW
    + """
from PySide6.QtCore import QTimer
started.window.repaint()
QTimer.singleShot(0, started.shop.application.quit)
started.shop.application.exec()
started.close()
"""
)


def prepare(database: Path, env: dict[str, str]) -> None:
    """Migrate a new file and mark the first-run Settings dialog as offered: it waits for
    the shopkeeper, and the figure is the start of the window, not of a dialog."""
    if database.exists():
        return
    subprocess.run(
        [sys.executable, "-m", "app", "migrate", "--db", str(database)],
        check=True,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    mark_settings_offered(database)


def mark_settings_offered(database: Path) -> None:
    """As if the shopkeeper had seen the first run's Settings dialog: no window waits on it."""
    conn = sqlite3.connect(database)
    with conn:
        conn.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES ('settings_offered', '1')"
        )
    conn.close()


def printed_by(
    script: str, database: Path, env: dict[str, str], *, timeout: float | None = None
) -> str:
    """What a child `script` prints, run in a fresh interpreter from the repository with
    `database` as its argv[1]; a run that fails raises (CalledProcessError, its stderr kept)."""
    done = subprocess.run(
        [sys.executable, "-c", script, str(database)],
        check=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return done.stdout


def time_once(database: Path, env: dict[str, str]) -> float:
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", CHILD, str(database)], check=True, env=env, cwd=ROOT)
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, help="database to open (default: a new empty one)")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dukan-start-") as scratch:
        env = {**os.environ, "DUKAN_DATA_DIR": scratch}
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        database = args.db or Path(scratch) / "dukan.db"
        prepare(database, env)
        time_once(database, env)  # warm-up: creates the file and fills the OS cache
        times = [time_once(database, env) for _ in range(args.runs)]
    print(
        f"start to window shown ({env['QT_QPA_PLATFORM']}, {args.runs} runs): "
        f"median {statistics.median(times):.3f} s, min {min(times):.3f} s, max {max(times):.3f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
