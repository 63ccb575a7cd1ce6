"""Why an operator reversed a sale or overrode a limit: one short line, checked like a name."""

from __future__ import annotations

import unicodedata

from app.domain.names import tidy_name

MAX_REASON = 300
_HIDDEN = frozenset({"Cc", "Cs"})


class ReasonError(ValueError):
    """The reason cannot be recorded; str(error) says why in the operator's words."""


def tidy_reason(typed: str | None) -> str:
    """The reason as it will be stored in the audit log; ReasonError when there is none."""
    text = typed or ""
    if any(unicodedata.category(char) in _HIDDEN for char in text):
        raise ReasonError("The reason contains hidden control characters; type it again.")
    tidy = tidy_name(text)
    if tidy is None:
        raise ReasonError("Say why, in a few words: the reason is kept with the record.")
    if len(tidy) > MAX_REASON:
        raise ReasonError(f"The reason is too long: at most {MAX_REASON} characters.")
    return tidy
