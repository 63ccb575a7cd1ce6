"""Measures resident memory once every tab is visited and each table scrolled to its end.

    .venv/bin/python bench/window_memory.py --db FILE [--runs 3]

Each run is a fresh process (the `CHILD` below) that starts the real window on FILE, as
bench/window_start.py does (no automatic backups), then visits every tab, and every tab
inside a tab, and for each table on it fetches rows until its model has no more and scrolls
to the last one, letting the event loop paint after each page. It reports its resident set
(VmRSS) and peak (VmHWM) from /proc, in MiB, and the rows each table holds at the end. The
parent prints the median of the runs; `measure()` gives them to bench/run.py.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    # Run as `python bench/window_memory.py`: the repository root makes `bench` a package.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.window_start import STARTED_WINDOW, mark_settings_offered, printed_by

CHILD = (
    STARTED_WINDOW
    + r"""
import json

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QApplication, QStackedWidget, QTableView, QTabWidget

window = started.window


def kb(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise LookupError(field)


def bring_forward(widget):
    # Make every tab that holds `widget` the current one, outermost last.
    child, parent = widget, widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QStackedWidget) and isinstance(parent.parentWidget(), QTabWidget):
            parent.parentWidget().setCurrentWidget(child)
        child, parent = parent, parent.parentWidget()


rows = {}
tabs = window.tabs
for index in range(tabs.count()):
    tabs.setCurrentIndex(index)
    QApplication.processEvents()
    tab = tabs.widget(index)
    for inner in tab.findChildren(QTabWidget):
        for page in range(inner.count()):
            inner.setCurrentIndex(page)
            QApplication.processEvents()
    for number, view in enumerate(tab.findChildren(QTableView)):
        bring_forward(view)
        QApplication.processEvents()
        model = view.model()
        if model is None:
            continue
        while model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
            view.scrollToBottom()
            QApplication.processEvents()
        view.scrollToBottom()
        QApplication.processEvents()
        name = view.objectName() or type(model).__name__
        rows[f"{tabs.tabText(index).replace('&', '')}: {name} #{number}"] = model.rowCount()
print(json.dumps({"rss_kib": kb("VmRSS"), "peak_kib": kb("VmHWM"), "rows": rows}))
started.close()
"""
)


@dataclass(frozen=True, slots=True)
class MemoryRun:
    rss_mib: float
    peak_mib: float
    rows: dict[str, int]


def measure_once(database: Path, env: dict[str, str]) -> MemoryRun:
    found = json.loads(printed_by(CHILD, database, env).strip().splitlines()[-1])
    return MemoryRun(found["rss_kib"] / 1024, found["peak_kib"] / 1024, found["rows"])


def measure(database: Path, runs: int) -> list[MemoryRun]:
    """`runs` fresh windows on `database`, each with its own empty data folder."""
    mark_settings_offered(database)
    measured = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="dukan-memory-") as scratch:
            env = {**os.environ, "DUKAN_DATA_DIR": scratch}
            env.setdefault("QT_QPA_PLATFORM", "offscreen")
            measured.append(measure_once(database, env))
    return measured


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True, help="the shop file to open")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = measure(args.db, args.runs)
    print(
        f"resident memory after every tab and table (median of {args.runs}): "
        f"{statistics.median(r.rss_mib for r in runs):.0f} MiB, peak "
        f"{statistics.median(r.peak_mib for r in runs):.0f} MiB"
    )
    for table, count in runs[-1].rows.items():
        print(f"  {table}: {count:,} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
