"""People's names as typed: one tidy form to show and one key to compare in every script."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any


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


def most_alike(
    wanted_key: str, keys_by_id: Mapping[int, str], *, cutoff: float, limit: int
) -> list[tuple[int, float]]:
    """Ids whose name key looks like `wanted_key`, best first, with a 0-100 score."""
    # Imported on the first fuzzy match, not with the module: rapidfuzz's extensions take a
    # good part of the window's start, which compares no names.
    from rapidfuzz import fuzz, process  # noqa: PLC0415

    def likeness(first: str, second: str, **options: Any) -> float:
        """Word order aside (`Ali Mohamed`, `Mohamed Ali`), or spacing (`Benali`, `Ben Ali`)."""
        return max(
            fuzz.token_sort_ratio(first, second, **options),
            fuzz.ratio(first.replace(" ", ""), second.replace(" ", ""), **options),
        )

    best = process.extract(
        wanted_key, keys_by_id, scorer=likeness, score_cutoff=cutoff, limit=limit
    )
    return [(key_id, score) for _key, score, key_id in best]
