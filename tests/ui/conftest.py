"""UI fixtures: message boxes answered by a recorder, and the open database closed after."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from app.ui import prompts


@dataclass
class PromptRecorder:
    """Stands in for `app.ui.prompts`: records what the operator would have been shown."""

    shown: list[tuple[str, str, str]] = field(default_factory=list)

    def titles(self) -> list[str]:
        return [title for _kind, title, _text in self.shown]

    def texts(self) -> str:
        return "\n".join(text for _kind, _title, text in self.shown)


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
    yield recorder
