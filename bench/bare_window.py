"""The baseline for bench/packaged_start.py: a bare PySide6 window, frozen like Dukan.

A QMainWindow with one label, nothing else. With `DUKAN_QUIT_WHEN_SHOWN` set it paints once
and quits, as the frozen Dukan does (scripts/frozen_smoke_hook.py), so both are timed alike.
Built by bench/bare_window.spec.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow


def main() -> int:
    application = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("Bare window")
    window.setCentralWidget(QLabel("A bare PySide6 window"))
    window.show()
    if os.environ.get("DUKAN_QUIT_WHEN_SHOWN"):
        window.repaint()
        QTimer.singleShot(0, application.quit)
    return application.exec()


if __name__ == "__main__":
    sys.exit(main())
