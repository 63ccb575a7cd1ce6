"""Phones and names as typed at the till, reduced to what identifies a customer."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.names import name_key, tidy_name
from app.domain.phone import normalize_phone, readable_phone, region_from_locale
from app.shop_migrator import system_phone_region


@pytest.mark.parametrize(
    ("typed", "region", "stored"),
    [
        ("0555 123 456", "DZ", "+213555123456"),
        ("0555-123-456", "DZ", "+213555123456"),
        ("(0555) 12.34.56", "dz", "+213555123456"),
        ("+213 555 123 456", "DZ", "+213555123456"),
        ("00213555123456", "DZ", "+213555123456"),
        ("٠٥٥٥١٢٣٤٥٦", "DZ", "+213555123456"),  # Arabic-Indic digits
        ("０５５５１２３４５６", "DZ", "+213555123456"),  # full-width digits
        ("+213555123456", None, "+213555123456"),  # international needs no region
        ("+86 138 0013 8000", "DZ", "+8613800138000"),  # a foreign number stays foreign
        ("0555 123 456", None, "0555123456"),  # no region: the digits
        ("0555123", "DZ", "0555123"),  # too short for DZ: kept as digits, still one key
        ("0555 123 456", "US", "0555123456"),  # the wrong region invents no number
        ("  ", "DZ", None),
        ("", None, None),
        ("-", "DZ", None),
        ("0", "DZ", None),
        ("12345", None, None),  # fewer than six digits
        ("n/a", "DZ", None),
        ("call 0555123456", "DZ", None),  # words: not a number anyone typed as one
        (None, "DZ", None),
    ],
)
def test_normalize_phone(typed: str | None, region: str | None, stored: str | None) -> None:
    assert normalize_phone(typed, region) == stored


@given(st.text(alphabet="0123456789", min_size=6, max_size=12), st.sampled_from(["DZ", "FR", None]))
def test_separators_never_make_two_numbers(digits: str, region: str | None) -> None:
    spaced = " ".join(digits[i : i + 2] for i in range(0, len(digits), 2))
    dashed = "-".join(digits[i : i + 3] for i in range(0, len(digits), 3))
    assert normalize_phone(spaced, region) == normalize_phone(dashed, region)
    assert normalize_phone(digits, region) == normalize_phone(
        f"({digits[:3]}) {digits[3:]}", region
    )


@pytest.mark.parametrize(
    ("locale_name", "region"),
    [
        ("fr_DZ.UTF-8", "DZ"),
        ("ar_DZ", "DZ"),
        ("en_US.UTF-8", "US"),
        ("de-AT", "AT"),
        ("C", None),
        ("POSIX", None),
        ("C.UTF-8", None),
        ("en", None),
        ("English_United States", None),  # Windows names the language, not the territory
        ("xx_ZZ", None),  # not a region phonenumbers knows
        (None, None),
        ("", None),
    ],
)
def test_region_from_locale(locale_name: str | None, region: str | None) -> None:
    assert region_from_locale(locale_name) == region


def test_the_system_region_follows_the_locale_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LC_ALL", "LC_CTYPE", "LANG"):
        monkeypatch.delenv(name, raising=False)
    assert system_phone_region() is None
    monkeypatch.setenv("LANG", "C.UTF-8")  # Python's locale module would call this en_US
    assert system_phone_region() is None
    monkeypatch.setenv("LANG", "ar_DZ.UTF-8")
    assert system_phone_region() == "DZ"
    monkeypatch.setenv("LC_ALL", "fr_FR.UTF-8")
    assert system_phone_region() == "FR"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Alice smith", " ALICE  SMITH "),
        ("ХАСАН", "хасан"),
        ("STRASSE", "straße"),
        ("ΣΟΦΙΑ", "σοφια"),
        ("Ｋａｒｉｍ", "karim"),
        ("O'Brien", "o'brien"),
        ("محمد\tالأمين", "محمد الأمين"),
        ("Zoë", "Zoe\u0308"),  # one ë precomposed, one combining
    ],
)
def test_two_typings_of_one_name_share_a_key(a: str, b: str) -> None:
    assert name_key(a) == name_key(b) is not None


@pytest.mark.parametrize(("a", "b"), [("Alice", "Alicia"), ("Ahmed", "Ahmad"), ("李", "王")])
def test_different_names_keep_different_keys(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


@pytest.mark.parametrize(
    ("typed", "tidy"),
    [
        ("  Alice   Smith ", "Alice Smith"),
        ("\tХасан\n", "Хасан"),
        ("   ", None),
        ("", None),
        (None, None),
        ("Zoe\u0308 🛒", "Zoë 🛒"),
    ],
)
def test_tidy_name(typed: str | None, tidy: str | None) -> None:
    assert tidy_name(typed) == tidy


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+213555123456", "+213 555 12 34 56"),
        ("+33612345678", "+33 6 12 34 56 78"),
        ("0555123", "0555123"),  # digits the library did not know: as stored
        ("+999123456", "+999123456"),
        (None, ""),
    ],
)
def test_readable_phone(stored: str | None, shown: str) -> None:
    assert readable_phone(stored) == shown
