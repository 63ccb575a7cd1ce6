"""A short note kept with a debt or a payment: one tidy line, checked like a name."""

from __future__ import annotations

import unicodedata

from app.domain.names import tidy_name

MAX_NOTE = 500
# Control characters (NUL, tabs, newlines) and lone surrogates, as for reasons; format marks
# stay allowed, since emoji and right-to-left text need the joiners and direction marks.
_HIDDEN = frozenset({"Cc", "Cs"})


class NoteError(ValueError):
    """The note cannot be kept; str(error) says why in the operator's words."""


def tidy_note(typed: str | None) -> str | None:
    """The note as it will be stored; None when nothing but spaces was typed."""
    text = typed or ""
    if any(unicodedata.category(char) in _HIDDEN for char in text):
        raise NoteError("The note contains hidden control characters; type it again.")
    tidy = tidy_name(text)
    if tidy is not None and len(tidy) > MAX_NOTE:
        raise NoteError(f"The note is too long: at most {MAX_NOTE} characters.")
    return tidy
