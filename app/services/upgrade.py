"""Bringing the shop's database up to date at start-up, with the outcome in plain words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.db.migrator import MigrationError, MigrationFailed, MigrationRefused, Migrator, Progress

# (step, steps in all, message)
UpgradeProgress = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class UpgradeOutcome:
    succeeded: bool
    from_version: int
    to_version: int
    backup_path: Path | None
    # When it did not succeed: what went wrong, and whether the file was left untouched.
    problem: str = ""
    refused: bool = False


class DatabaseUpgrade:
    """Runs the migrator on one file; safe to run in a worker thread (own connections)."""

    def __init__(self, migrator: Migrator, database_path: Path) -> None:
        self._migrator = migrator
        self.database_path = database_path

    def run(self, progress: UpgradeProgress | None = None) -> UpgradeOutcome:
        def forward(step: Progress) -> None:
            if progress is not None:
                progress(step.step, step.total, step.message)

        try:
            report = self._migrator.migrate(self.database_path, progress=forward)
        except MigrationRefused as refusal:
            return UpgradeOutcome(False, 0, 0, None, str(refusal), refused=True)
        except MigrationFailed as failure:
            return UpgradeOutcome(False, 0, 0, failure.backup_path, str(failure))
        except MigrationError as error:
            return UpgradeOutcome(False, 0, 0, None, str(error))
        return UpgradeOutcome(True, report.from_version, report.to_version, report.backup_path)
