"""One racer of the second-instance tests: a window or a command, started at a signal.

`python -m tests.reliability.race_child ROLE FOLDER ARGS…` imports everything first, says it
is ready (`FOLDER/ready-PID`), waits for `FOLDER/go`, then runs `python -m app ARGS…` in
this process. A winner — a window shown, or a `migrate`/`restore` done with the lock still
held — says so (`FOLDER/won-PID`) and keeps what it holds until `FOLDER/release` appears,
so every racer that started at the signal meets it holding, and exactly one can win.
The window takes no automatic backup, skips the first run's Settings, and prints each
error dialog as `dialog: TITLE: TEXT` on stdout, as the operator would read it.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer

import app.main
from app.db.migrator import MigrationReport, Migrator
from app.ui import prompts
from app.ui.settings_dialog import SettingsDialog

POLL_SECONDS = 0.005
WAIT_LIMIT_SECONDS = 120.0


def _wait_for(path: Path) -> None:
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    while not path.exists():
        if time.monotonic() > deadline:
            sys.exit(f"race child: {path} never appeared")
        time.sleep(POLL_SECONDS)


def _won(folder: Path) -> None:
    (folder / f"won-{os.getpid()}").touch()


def _print_dialog(_parent: object, title: str, text: str, details: str = "") -> None:
    # The test reads what the operator would: stdout is this racer's screen.
    sys.stdout.write(f"dialog: {title}: {text} {details}".rstrip() + "\n")
    sys.stdout.flush()


def _window(folder: Path, args: list[str]) -> int:
    prompts.show_error = _print_dialog  # type: ignore[assignment]
    SettingsDialog.ask_first_run = classmethod(  # type: ignore[method-assign,assignment]
        lambda _cls, *_args, **_kwargs: None
    )
    build_services = app.main.build_services
    app.main.build_services = lambda path, **_kwargs: build_services(path, automatic_backups=False)
    _wait_for(folder / "go")
    started = app.main.start_window(Path(args[args.index("--db") + 1]))
    if not isinstance(started, app.main.StartedWindow):
        return started
    _won(folder)
    application = started.shop.application
    timer = QTimer()
    timer.timeout.connect(lambda: (folder / "release").exists() and application.exit(0))
    timer.start(20)
    try:
        return application.exec()
    finally:
        started.close()


def _command(folder: Path, args: list[str]) -> int:
    migrate = Migrator.migrate

    def migrate_then_hold(self: Migrator, path: Path, **kwargs: object) -> MigrationReport:
        # `restore` ends with a migrate too; either way the command still holds the lock here.
        report = migrate(self, path, **kwargs)  # type: ignore[arg-type]
        _won(folder)
        _wait_for(folder / "release")
        return report

    Migrator.migrate = migrate_then_hold  # type: ignore[method-assign]
    _wait_for(folder / "go")
    return app.main.main(args)


def main(argv: list[str]) -> int:
    role, folder, args = argv[0], Path(argv[1]), argv[2:]
    (folder / f"ready-{os.getpid()}").touch()
    return _window(folder, args) if role == "window" else _command(folder, args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
