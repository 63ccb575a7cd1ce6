"""Driving one form field with the catalogue: submit, then an exact read-back or a refusal."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtWidgets import QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from app.domain.reasons import ReasonError, tidy_reason
from tests.reliability.bad_input_support import (
    book_digest,
    nothing_raised,
    refused_and_unwritten,
)


@dataclass
class Tally:
    """What a field did with the catalogue, so a test can show both ways were tried."""

    accepted: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def add(self, what: str, accepted: bool) -> None:
        (self.accepted if accepted else self.refused).append(what)


def submitted(
    qtbot: QtBot,
    conn: sqlite3.Connection,
    what: str,
    submit: Callable[[], bool],
    message: Callable[[], str],
) -> bool:
    """Submit with no slot raising; True when accepted. When refused, `message` (what stands
    by the field) is not blank and nothing was written."""

    def run() -> bool:
        with nothing_raised(qtbot, what):
            return submit()

    return refused_and_unwritten(conn, run, message, what)


def uncut(typed: str) -> str:
    """What a line edit with Qt's own ceiling holds once `typed` is put in it: lone surrogates
    go, and a byte-order mark at the start (one inside stays)."""
    edit = QLineEdit()
    edit.setText(typed)
    return edit.text()


def reason_to_store(what: str, accepted: bool, held: str, typed: str, done: str) -> str | None:
    """The reason a reason field's form must have stored, or None when its checker refuses
    what the field `held` (the form must then have refused it too). A reason that was taken
    must be what was `typed`, uncut; `done` names the action in the failure."""
    try:
        expected = tidy_reason(held)
    except ReasonError:
        assert not accepted, f"{what}: {done}, yet its checker refuses the reason"
        return None
    assert accepted, what
    assert held == uncut(typed), f"{what}: cut to {len(held)} and {done}"
    return expected


def shown_text(label: QLabel) -> str:
    """A message label's text as the operator sees it: nothing while it is hidden."""
    return label.text() if not label.isHidden() else ""


def unwritten(
    qtbot: QtBot, conn: sqlite3.Connection, what: str, action: Callable[[], object]
) -> None:
    """Run `action` (typing a search, pressing Enter): it must neither raise nor write."""
    before = book_digest(conn)
    with nothing_raised(qtbot, what):
        action()
    assert book_digest(conn) == before, f"{what}: something was written"
