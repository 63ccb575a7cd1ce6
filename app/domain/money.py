"""Money as integer minor units, with strict ASCII-only parsing and locale-style formatting."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

# A quadrillion minor units is far beyond any shop's takings; anything larger is a typo or an
# attack, and capping it keeps every parsed amount comfortably inside SQLite's 64-bit integers.
MAX_MINOR: Final = 10**15
MAX_DECIMALS: Final = 4

# Parsing uses an explicit ASCII regex because int()/float()/Decimal() also accept Arabic-Indic
# and full-width digits, underscores, exponents, "nan" and "inf" -- none of which is an amount.
_MINUS: Final = "-"
# Only the plain space is trimmed: tabs, newlines and other invisible characters are rejected
# so that what the shop owner sees is exactly what gets stored.
_SPACE: Final = " "
# Cc = control (NUL, tab, newline...), Cf = invisible formatting marks, Cs = lone surrogates.
_HIDDEN_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs"})


class MoneyParseError(ValueError):
    """An amount the shop owner typed could not be read; str(error) is shown to them as is."""


@dataclass(frozen=True, slots=True)
class CurrencyFormat:
    """How a shop writes amounts: symbol and its side, decimal places and separators.

    Formatting puts the symbol directly before the number ("$12.50") or one space after it
    ("12,50 DA"); a minus sign always comes first ("-$12.50", "-12,50 DA").
    """

    symbol: str = ""
    symbol_after: bool = False
    decimals: int = 2
    decimal_separator: str = "."
    thousands_separator: str = ","

    def __post_init__(self) -> None:
        if not isinstance(self.symbol, str):
            raise TypeError("symbol must be a str")
        if not isinstance(self.symbol_after, bool):
            raise TypeError("symbol_after must be a bool")
        if isinstance(self.decimals, bool) or not isinstance(self.decimals, int):
            raise TypeError("decimals must be an int")
        if not 0 <= self.decimals <= MAX_DECIMALS:
            raise ValueError(f"decimals must be between 0 and {MAX_DECIMALS}")
        _check_separator("decimal_separator", self.decimal_separator)
        _check_separator("thousands_separator", self.thousands_separator)
        if self.decimal_separator.isspace():
            # A space is read as padding around the amount, never as a decimal point.
            raise ValueError("decimal_separator cannot be a space")
        if self.decimal_separator == self.thousands_separator:
            raise ValueError("decimal_separator and thousands_separator must differ")
        self._check_symbol()

    @property
    def minor_per_unit(self) -> int:
        """How many minor units make one whole unit: 100 for cents, 1000 for fils, 1 for yen."""
        scale: int = 10**self.decimals  # int ** int is typed Any because exponents may be < 0
        return scale

    def _check_symbol(self) -> None:
        # The parser peels the symbol off either end of the text, so a symbol made of digits,
        # minus signs or separators would change which number is read.
        if self.symbol != self.symbol.strip():
            raise ValueError("symbol cannot start or end with whitespace")
        forbidden = {_MINUS, self.decimal_separator, self.thousands_separator}
        for char in self.symbol:
            if char.isdigit() or char in forbidden or _is_hidden(char):
                raise ValueError(f"symbol cannot contain {char!r}")


def _check_separator(name: str, separator: object) -> None:
    if not isinstance(separator, str):
        raise TypeError(f"{name} must be a str")
    if len(separator) != 1:
        raise ValueError(f"{name} must be exactly one character")
    if separator.isdigit() or separator == _MINUS or _is_hidden(separator):
        raise ValueError(f"{name} cannot be {separator!r}")


def _is_hidden(char: str) -> bool:
    return unicodedata.category(char) in _HIDDEN_CATEGORIES


DEFAULT_FORMAT: Final = CurrencyFormat()


@dataclass(frozen=True, slots=True, order=True)
class Money:
    """An amount in integer minor units (cents, fils, santims); never a float or a Decimal."""

    minor: int

    def __post_init__(self) -> None:
        # bool is an int subclass, and True silently becoming one cent is exactly the bug to stop.
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise TypeError(f"Money needs integer minor units, got {type(self.minor).__name__}")

    @classmethod
    def zero(cls) -> Money:
        """Return the amount nothing."""
        return cls(0)

    def __add__(self, other: Money) -> Money:
        if not _is_money(other):
            return NotImplemented
        return Money(self.minor + other.minor)

    def __sub__(self, other: Money) -> Money:
        if not _is_money(other):
            return NotImplemented
        return Money(self.minor - other.minor)

    def __neg__(self) -> Money:
        return Money(-self.minor)

    def __mul__(self, quantity: int) -> Money:
        # Only whole quantities: a float price multiplier would reintroduce rounding.
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            return NotImplemented
        return Money(self.minor * quantity)

    __rmul__ = __mul__

    def is_zero(self) -> bool:
        """Return True when the amount is exactly nothing."""
        return self.minor == 0

    def is_negative(self) -> bool:
        """Return True when the amount is below zero (a refund, a debt paid back, a discount)."""
        return self.minor < 0

    @classmethod
    def parse(
        cls,
        text: str,
        fmt: CurrencyFormat = DEFAULT_FORMAT,
        *,
        allow_negative: bool = False,
        allow_zero: bool = True,
    ) -> Money:
        """Read an amount typed by a person, or raise MoneyParseError saying what to fix.

        Accepted: surrounding spaces, a leading "-" when allow_negative, the format's symbol
        before or after the number (with optional spaces), ASCII digits optionally grouped in
        threes with the thousands separator, and up to `fmt.decimals` decimal digits after the
        decimal separator. "12." means 12.00 (when the currency has decimals); ".5" and "+5"
        are rejected. Raises TypeError when text is not a str.
        """
        if not isinstance(text, str):
            raise TypeError(f"amount text must be a str, got {type(text).__name__}")
        stripped = text.strip(_SPACE)
        if not stripped:
            raise MoneyParseError("Enter an amount")
        if any(_is_hidden(char) for char in stripped):
            raise MoneyParseError("The amount contains hidden characters; type it again")
        is_negative = stripped.startswith(_MINUS)
        body = _remove_symbol(stripped.removeprefix(_MINUS), fmt.symbol)
        if not body:
            raise MoneyParseError("Enter an amount")
        minor = _read_number(body, fmt)
        if is_negative and not allow_negative:
            raise MoneyParseError("Amount cannot be negative")
        if minor > MAX_MINOR:
            raise MoneyParseError("Amount is too large")
        if minor == 0 and not allow_zero:
            raise MoneyParseError("Amount cannot be zero")
        return cls(-minor if is_negative else minor)

    def format(self, fmt: CurrencyFormat = DEFAULT_FORMAT, *, with_symbol: bool = True) -> str:
        """Write the amount the way the shop reads it, e.g. "-$1,234.50" or "1 234,50 DA"."""
        units, fraction = divmod(abs(self.minor), fmt.minor_per_unit)
        number = f"{units:,}".replace(",", fmt.thousands_separator)
        if fmt.decimals:
            number += fmt.decimal_separator + str(fraction).zfill(fmt.decimals)
        if with_symbol and fmt.symbol:
            number = f"{number}{_SPACE}{fmt.symbol}" if fmt.symbol_after else fmt.symbol + number
        return _MINUS + number if self.minor < 0 else number


def _is_money(value: object) -> bool:
    # A plain bool check instead of an inline isinstance: the operators are typed to take Money,
    # and this keeps the runtime guard for untyped callers without mypy calling it unreachable.
    return isinstance(value, Money)


def _remove_symbol(text: str, symbol: str) -> str:
    """Drop the currency symbol from either end, and the spaces that separated it."""
    if not symbol:
        return text
    if text.startswith(symbol):
        return text.removeprefix(symbol).lstrip(_SPACE)
    if text.endswith(symbol):
        return text.removesuffix(symbol).rstrip(_SPACE)
    return text


def _read_number(body: str, fmt: CurrencyFormat) -> int:
    """Turn "1,234.5" into minor units (123450 with two decimals); the sign is handled outside."""
    strict, loose = _number_patterns(fmt.decimal_separator, fmt.thousands_separator)
    match = strict.fullmatch(body)
    if match is None:
        if loose.fullmatch(body):
            # Only digits and separators, so the digits are fine and the grouping is not.
            raise MoneyParseError(f"Check the thousands separators, like {_example(1234, fmt)}")
        raise MoneyParseError(f"Use digits only, like {_example(12, fmt)}")
    fraction: str | None = match["fraction"]
    if fraction is not None and fmt.decimals == 0:
        raise MoneyParseError(f"Use whole amounts only, like {_example(12, fmt)}")
    fraction = fraction or ""
    if len(fraction) > fmt.decimals:
        places = "place" if fmt.decimals == 1 else "places"
        raise MoneyParseError(f"At most {fmt.decimals} decimal {places}")
    # Leading zeros are dropped and the digits counted before calling int(): a 10,000-digit
    # string would otherwise trip Python's int-from-str length limit with a plain ValueError.
    grouped_whole: str = match["whole"]
    whole = grouped_whole.replace(fmt.thousands_separator, "").lstrip("0") or "0"
    if len(whole) > len(str(MAX_MINOR)):
        raise MoneyParseError("Amount is too large")
    return int(whole) * fmt.minor_per_unit + int(fraction.ljust(fmt.decimals, "0") or "0")


@lru_cache(maxsize=32)
def _number_patterns(
    decimal_separator: str, thousands_separator: str
) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Build the exact number grammar and a looser one used only to explain grouping mistakes."""
    decimal = re.escape(decimal_separator)
    thousands = re.escape(thousands_separator)
    # [0-9] rather than \d: \d matches every script's digits, which is what we must refuse.
    strict = re.compile(
        rf"(?P<whole>[0-9]{{1,3}}(?:{thousands}[0-9]{{3}})+|[0-9]+)"
        rf"(?:{decimal}(?P<fraction>[0-9]*))?"
    )
    loose = re.compile(rf"[0-9][0-9{thousands}]*(?:{decimal}[0-9]*)?")
    return strict, loose


def _example(units: int, fmt: CurrencyFormat) -> str:
    """Show a sample amount such as 12.50 or 1,234.50 written in this shop's format."""
    half = fmt.minor_per_unit // 2
    return Money(units * fmt.minor_per_unit + half).format(fmt, with_symbol=False)
