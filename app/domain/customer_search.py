"""What a customer can be found by while typing: stored search keys and the query's prefixes."""

from __future__ import annotations

import re

from app.domain.names import name_key

# Inside a word: `O'Brien` is also found as `brien`, `Jean-Luc` as `luc`.
_WORD_PARTS = re.compile(r"[\W_]+")
_PHONE_TYPING = re.compile(r"\+?[\d\s\-.()/]+")
_NOT_DIGIT = re.compile(r"\D+")
# Fewer digits than this matches too many phones to be a phone search ("5", "55").
MIN_PHONE_DIGITS = 3


def name_keys(name: str) -> list[str]:
    """The whole name folded, each word, and each part of a word split at punctuation."""
    whole = name_key(name)
    if whole is None:
        return []
    keys = [whole, *whole.split(" ")]
    keys += [part for word in whole.split(" ") for part in _WORD_PARTS.split(word)]
    return keys


def phone_keys(stored_phone: str) -> list[str]:
    """Digits a cashier might start typing: `+213 555…` as `213555…`, `0555…` and `555…`."""
    digits = _NOT_DIGIT.sub("", stored_phone)
    keys = [digits]
    if stored_phone.startswith("+"):
        # Imported here, not at the top: phonenumbers takes a good part of the window's start,
        # which stores no phone (migrations import this module for their SQL functions).
        import phonenumbers  # noqa: PLC0415

        try:
            number = phonenumbers.parse(stored_phone, None)
        except phonenumbers.NumberParseException:
            return keys
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        keys += [_NOT_DIGIT.sub("", national), str(number.national_number)]
    return keys


def search_keys(name: str | None, phone: str | None, number: str | None) -> list[str]:
    """Every key a customer is stored under, distinct, in a stable order."""
    keys = name_keys(name) if name else []
    if phone:
        keys += phone_keys(phone)
    if number:
        keys.append(number.casefold())
    return list(dict.fromkeys(key for key in keys if key))


def query_prefixes(typed: str) -> list[str]:
    """The prefixes a typed query is looked up by: as a name or number, and as phone digits."""
    folded = name_key(typed)
    if folded is None:
        return []
    prefixes = [folded]
    if _PHONE_TYPING.fullmatch(folded):
        digits = _NOT_DIGIT.sub("", folded)
        if len(digits) >= MIN_PHONE_DIGITS and digits != folded:
            prefixes.append(digits)
        # `00` is how `+` is dialled from most countries: `00213 555` is `+213 555`.
        if digits.startswith("00") and len(digits) > MIN_PHONE_DIGITS:
            prefixes.append(digits[2:])
    return prefixes
