"""People's names as typed: one tidy form to show and one key to compare in every script."""

from __future__ import annotations

import unicodedata


def tidy_name(typed: str | None) -> str | None:
    """Trimmed, with runs of whitespace made one space; None when nothing but spaces."""
    if typed is None:
        return None
    tidy = " ".join(unicodedata.normalize("NFC", typed).split())
    return tidy or None


def name_key(typed: str | None) -> str | None:
    """What two typings of one name share: `ХАСАН` and ` хасан `, `Alice  SMITH` and `alice smith`.

    NFKC makes compatibility forms (full-width letters, ligatures) equal, and `casefold` folds
    case in every script, which SQLite's `lower()` does for ASCII only.
    """
    tidy = tidy_name(typed)
    if tidy is None:
        return None
    return " ".join(unicodedata.normalize("NFKC", tidy).casefold().split())
