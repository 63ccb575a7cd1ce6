"""UI fixtures: message boxes answered by a recorder, started windows closed after."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from app.services.maintenance import BackupEntry
from app.services.shop_settings import ShopSettings
from app.ui import prompts
from app.ui.restore_dialog import RestoreDialog
from app.ui.settings_dialog import SettingsDialog

if TYPE_CHECKING:
    from app.main import StartedWindow


@dataclass
class PromptRecorder:
    """Stands in for `app.ui.prompts`: records what the operator would have been shown."""

    shown: list[tuple[str, str, str]] = field(default_factory=list)
    # What the operator answers when asked.
    confirm_answer: bool = True
    chosen_backup: Path | None = None
    # What the restore dialog was given to list, one list per time it opened.
    listed_backups: list[list[BackupEntry]] = field(default_factory=list)

    def titles(self) -> list[str]:
        return [title for _kind, title, _text in self.shown]

    def texts(self) -> str:
        return "\n".join(text for _kind, _title, text in self.shown)


@pytest.fixture
def started() -> Iterator[list[StartedWindow]]:
    """Closes whatever window a test managed to start."""
    windows: list[StartedWindow] = []
    yield windows
    for window in windows:
        window.close()


@pytest.fixture(autouse=True)
def first_run_answers(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The first-run Settings dialog is modal and waits for a person: windows started by
    tests on a new file see it cancelled. Returns the databases it was offered for."""
    offered: list[Path] = []

    def cancelled(settings: ShopSettings, *, default_backup_folder: Path, **_: object) -> None:
        offered.append(default_backup_folder.parent)
        settings.mark_offered()

    monkeypatch.setattr(SettingsDialog, "ask_first_run", cancelled)
    return offered


@pytest.fixture
def recorded_prompts(monkeypatch: pytest.MonkeyPatch) -> Iterator[PromptRecorder]:
    recorder = PromptRecorder()

    def record(kind: str) -> Callable[..., None]:
        def show(_parent: object, title: str, text: str, details: str = "") -> None:
            recorder.shown.append((kind, title, f"{text}\n{details}".strip()))

        return show

    monkeypatch.setattr(prompts, "show_error", record("error"))
    monkeypatch.setattr(prompts, "show_info", record("info"))
    monkeypatch.setattr(prompts, "show_about", record("about"))

    def confirm(_parent: object, title: str, text: str, _action: str) -> bool:
        recorder.shown.append(("confirm", title, text))
        return recorder.confirm_answer

    monkeypatch.setattr(prompts, "confirm", confirm)
    monkeypatch.setattr(prompts, "choose_backup", lambda _parent, _folder: recorder.chosen_backup)

    def choose_from_list(_parent: object, listed: list[BackupEntry], *_rest: object) -> Path | None:
        recorder.listed_backups.append(list(listed))
        return recorder.chosen_backup

    monkeypatch.setattr(RestoreDialog, "ask", staticmethod(choose_from_list))
    yield recorder
