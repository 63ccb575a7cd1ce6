"""Helpers for the bad-input tests: the documented normalisations and a digest of the books."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.db.database import DukanDatabase, open_database
from app.domain.money import MAX_MINOR
from app.ui import prompts

# The default money format, read by a grammar written out here rather than taken from money.py:
# optional minus, ASCII digits (grouped by "," in threes, or not at all), up to two decimals.
_AMOUNT = re.compile(
    r"(?P<minus>-?)(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<cents>[0-9]{0,2}))?"
)
# What Qt's line and text edits drop when Python hands them a str: lone surrogates cannot be
# UTF-16 and the byte-order mark is read as one; everything else reaches the field as given.
_QT_DROPS = re.compile("[\ud800-\udfff\ufeff]")


def documented_tidy(typed: str) -> str:
    """Names and one-line texts are stored NFC, trimmed, with runs of whitespace made one space."""
    return " ".join(unicodedata.normalize("NFC", typed).split())


def has_hidden(typed: str, allowed: str = "") -> bool:
    """Control characters and lone surrogates, which every text field refuses."""
    return any(unicodedata.category(ch) in {"Cc", "Cs"} and ch not in allowed for ch in typed)


def expected_minor(
    typed: str, *, allow_negative: bool = False, allow_zero: bool = True
) -> int | None:
    """What the default format must read from `typed`, or None when it must be refused."""
    match = _AMOUNT.fullmatch(typed.strip(" "))
    if match is None:
        return None
    digits = match["whole"].replace(",", "").lstrip("0") or "0"
    if len(digits) > len(str(MAX_MINOR)):
        return None
    minor = int(digits) * 100 + int((match["cents"] or "").ljust(2, "0"))
    if match["minus"] and not allow_negative:
        return None
    if minor > MAX_MINOR or (minor == 0 and not allow_zero):
        return None
    return -minor if match["minus"] else minor


def expected_text(typed: str, limit: int) -> str | None:
    """A one-line field's stored text; None when it must be refused or is blank."""
    if has_hidden(typed):
        return None
    tidy = documented_tidy(typed)
    return tidy if 0 < len(tidy) <= limit else None


def as_qt_holds(pasted: str) -> str:
    """The text a Qt field holds once `pasted` is put in it, were nothing cut off."""
    return _QT_DROPS.sub("", pasted)


def one_field(field: str, value: object) -> dict[str, Any]:
    """`dataclasses.replace` keyword arguments for one field named at run time."""
    return {field: value}


def book_digest(conn: sqlite3.Connection) -> str:
    """A hash of every row of every table: equal before and after means nothing was written."""
    digest = hashlib.sha256()
    tables = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    ).fetchall()
    for (table,) in tables:
        digest.update(table.encode())
        quoted = '"' + table.replace('"', '""') + '"'
        for row in conn.execute(f"SELECT * FROM {quoted}"):
            digest.update(repr(tuple(row)).encode("utf-8", "backslashreplace"))
    return digest.hexdigest()


@contextmanager
def nothing_raised(qtbot: QtBot, what: str) -> Iterator[None]:
    """Fail naming `what` when a slot raised while the body ran (pytest-qt would only say so
    at the end of the test, without the value that did it)."""
    with qtbot.captureExceptions() as raised:
        yield
    assert not raised, f"{what}: {raised[0][1]!r}"


def refused_and_unwritten(
    conn: sqlite3.Connection, submit: Callable[[], bool], message: Callable[[], str], what: str
) -> bool:
    """Submit; True when accepted. When refused, a message must stand by the field and the
    books must be exactly as before."""
    before = book_digest(conn)
    if submit():
        return True
    assert message().strip(), f"{what}: refused without a message by the field"
    assert book_digest(conn) == before, f"{what}: refused, yet something was written"
    return False


@dataclass
class PromptsSeen:
    """Stands in for `app.ui.prompts`: what the operator was shown, and what they type when
    asked for a line of text."""

    shown: list[tuple[str, str, str]] = field(default_factory=list)
    typed: str | None = None


# Registered under names of their own, so that a test module imports the function and takes
# the fixture as a parameter without shadowing the import.
@pytest.fixture(name="shop_database")
def shop_database_fixture(database_path: Path) -> Iterator[DukanDatabase]:
    """The shared proxy pointed at the test's migrated file, closed after the test."""
    db = open_database(database_path)
    yield db
    db.close()


@pytest.fixture(name="prompts_seen")
def prompts_seen_fixture(monkeypatch: pytest.MonkeyPatch) -> PromptsSeen:
    seen = PromptsSeen()

    def show(kind: str) -> Callable[..., None]:
        def record(_parent: object, title: str, text: str, _details: str = "") -> None:
            seen.shown.append((kind, title, text))

        return record

    def confirm(_parent: object, title: str, text: str, _action: str) -> bool:
        seen.shown.append(("confirm", title, text))
        return True

    def ask_text(_parent: object, title: str, label: str, _action: str) -> str | None:
        seen.shown.append(("ask", title, label))
        # What QInputDialog hands back, as prompts.ask_text does.
        return None if seen.typed is None else as_qt_holds(seen.typed).strip()

    monkeypatch.setattr(prompts, "show_error", show("error"))
    monkeypatch.setattr(prompts, "show_info", show("info"))
    monkeypatch.setattr(prompts, "confirm", confirm)
    monkeypatch.setattr(prompts, "ask_text", ask_text)
    return seen
