"""Keystroke in the Customers tab's search field to the results painted, in the window.

.venv/bin/python bench/window_keystroke.py --db FILE [--rounds 5]

Opens the real window on FILE (a copy is safer: the start may back it up), and for each typing
below presses its keys one by one into the Customers tab's search field. A keystroke's time
runs from the key press to the table repainted with its results (the search's zero-delay timer
fired and the viewport painted, synchronously): what a cashier waits for. Prints median and
slowest per typing against the one-frame aim (16 ms, product.md §7).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtTest import QTest  # after the platform is chosen, above
from PySide6.QtWidgets import QLineEdit, QTableView, QTabWidget

from app.main import _show_window
from app.startup import OpenedShop, open_shop

CUSTOMERS_TAB = 1

TYPINGS = ("Mohamed Benali", "0555 12", "C-50001")
FRAME_MS = 16.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    shop = open_shop(args.db)
    if not isinstance(shop, OpenedShop):
        return 1
    started = _show_window(shop, "Dukan", automatic_backups=False)
    window = started.window
    application = shop.application
    tabs = window.findChild(QTabWidget)
    if tabs is None:
        raise SystemExit("no tabs in the window")
    tabs.setCurrentIndex(CUSTOMERS_TAB)
    page = tabs.currentWidget()
    application.processEvents()
    field = page.findChild(QLineEdit)
    table = page.findChild(QTableView)
    if field is None or table is None:
        raise SystemExit("no search field or table on the Customers tab")
    for typed in TYPINGS:
        times: list[float] = []
        for _ in range(args.rounds):
            field.clear()
            application.processEvents()
            for key in typed:
                began = time.perf_counter()
                QTest.keyClicks(field, key)
                application.processEvents()  # the zero-delay timer: the search itself
                table.viewport().repaint()
                times.append((time.perf_counter() - began) * 1000)
        median, slowest = statistics.median(times), max(times)
        verdict = "ok" if median <= FRAME_MS else "over"
        print(
            f"{typed!r:17} per keystroke: median {median:6.2f} ms, slowest {slowest:6.2f} ms "
            f"({len(times)} keys, {table.model().rowCount()} rows shown after the last) · "
            f"aim ≤ {FRAME_MS:.0f} ms {verdict}"
        )
    started.window.close()
    shop.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
