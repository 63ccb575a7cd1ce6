"""People's names as typed: one tidy form to show and one key to compare in every script."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from rapidfuzz import fuzz, process


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


def _likeness(first: str, second: str, **options: Any) -> float:
    """Word order aside (`Ali Mohamed`, `Mohamed Ali`) or spacing aside (`Benali`, `Ben Ali`)."""
    return max(
        fuzz.token_sort_ratio(first, second, **options),
        fuzz.ratio(first.replace(" ", ""), second.replace(" ", ""), **options),
    )


def most_alike(
    wanted_key: str, keys_by_id: Mapping[int, str], *, cutoff: float, limit: int
) -> list[tuple[int, float]]:
    """Ids whose name key looks like `wanted_key`, best first, with a 0-100 score."""
    best = process.extract(
        wanted_key, keys_by_id, scorer=_likeness, score_cutoff=cutoff, limit=limit
    )
    return [(key_id, score) for _key, score, key_id in best]
