"""Phone numbers as typed at a till, reduced to one stored form so a number is one customer."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set as AbstractSet

# phonenumbers is imported where a number or a region is read, not here: loading its rules
# takes a good part of the window's start, which reads no number (only a region, when the
# shop's settings or the locale name one).

# What cashiers put between digits: spaces of any kind, dashes, dots, slashes and brackets.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015.,/()\[\]]+")
_DIALLABLE = re.compile(r"\+?[0-9]+")
# Fewer digits than this is a skipped field ("0", "-", "00"), not a number anyone can call.
MIN_DIGITS = 6
_LOCALE_REGION = re.compile(r"^[A-Za-z]{2,3}[_-]([A-Za-z]{2})\b")


def _ascii_digits(text: str) -> str:
    """`٠٥٥٥` and `０５５５` are digits too; Python's `str.isdigit` agrees, so map them to ASCII."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def normalize_phone(typed: str | None, region: str | None = None) -> str | None:
    """The stored form of a typed phone number, or None when nothing usable was typed.

    With the shop's region (ISO 3166 alpha-2, e.g. "DZ") a valid national number such as
    `0555 123 456` becomes E.164 (`+213555123456`), as do `+213…` and `00213…` forms. A number
    the library does not know as valid keeps its digits (and a leading `+`), so two typings of
    it still agree once separators are gone.
    """
    compact = compact_phone(typed)
    return None if compact is None else stored_phone(compact, region)


def compact_phone(typed: str | None) -> str | None:
    """A typed phone's digits (and a leading `+`) without separators, or None when too few
    to be a number: typings that agree here have the same stored form."""
    if typed is None:
        return None
    compact = _SEPARATORS.sub("", _ascii_digits(unicodedata.normalize("NFKC", typed)))
    if not _DIALLABLE.fullmatch(compact) or len(compact.lstrip("+")) < MIN_DIGITS:
        return None
    return compact


def stored_phone(compact: str, region: str | None) -> str:
    """The stored form of a `compact_phone` result (see `normalize_phone`)."""
    known_region = region.upper() if region else None
    if not compact.startswith("+") and known_region is None:
        return compact
    import phonenumbers  # noqa: PLC0415 - see the top of this module

    try:
        number = phonenumbers.parse(compact, known_region)
    except phonenumbers.NumberParseException:
        return compact
    # Valid, not merely the right length: read in the wrong region, `0555 123 456` would
    # otherwise become a number that exists nowhere (`+10555123456`).
    if not phonenumbers.is_valid_number(number):
        return compact
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def region_from_locale(locale_name: str | None) -> str | None:
    """`fr_DZ.UTF-8` → `DZ`; None for `C`, `POSIX` or names without a territory."""
    if not locale_name:
        return None
    match = _LOCALE_REGION.match(locale_name)
    if match is None:
        return None
    region = match[1].upper()
    return region if region in supported_regions() else None


def supported_regions() -> AbstractSet[str]:
    """The regions (ISO 3166 alpha-2) whose phone numbers can be read."""
    import phonenumbers  # noqa: PLC0415 - see the top of this module

    return phonenumbers.SUPPORTED_REGIONS


def readable_phone(stored: str | None) -> str:
    """A stored phone as people read it: `+213555123456` → `+213 555 12 34 56`."""
    if not stored or not stored.startswith("+"):
        return stored or ""
    import phonenumbers  # noqa: PLC0415 - see the top of this module

    try:
        number = phonenumbers.parse(stored, None)
    except phonenumbers.NumberParseException:
        return stored
    if not phonenumbers.is_valid_number(number):
        return stored
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
