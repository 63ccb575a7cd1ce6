"""Tests for Money: strict parsing of typed amounts, formatting, arithmetic and round trips."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.money import MAX_MINOR, CurrencyFormat, Money, MoneyParseError

DEFAULT = CurrencyFormat()
DOLLAR = CurrencyFormat(symbol="$")
ALGERIAN = CurrencyFormat(
    symbol="DA", symbol_after=True, decimal_separator=",", thousands_separator=" "
)
EURO_DE = CurrencyFormat(
    symbol="€", symbol_after=True, decimal_separator=",", thousands_separator="."
)
FRENCH_NBSP = CurrencyFormat(
    symbol="€", symbol_after=True, decimal_separator=",", thousands_separator="\u00a0"
)
YEN = CurrencyFormat(symbol="¥", decimals=0)
DINAR_KW = CurrencyFormat(symbol="KD", decimals=3)
ONE_DECIMAL = CurrencyFormat(decimals=1)
FOUR_DECIMALS = CurrencyFormat(decimals=4)
ARABIC_SEPARATORS = CurrencyFormat(
    symbol="ر.س", symbol_after=True, decimal_separator="٫", thousands_separator="٬"
)

ALL_FORMATS = [
    DEFAULT,
    DOLLAR,
    ALGERIAN,
    EURO_DE,
    FRENCH_NBSP,
    YEN,
    DINAR_KW,
    ONE_DECIMAL,
    FOUR_DECIMALS,
    ARABIC_SEPARATORS,
]


# --- parsing: accepted input -------------------------------------------------------------------

GOOD_DEFAULT = [
    ("0", 0),
    ("5", 500),
    ("12.5", 1250),
    ("12.50", 1250),
    ("12.05", 1205),
    ("0.05", 5),
    ("0.5", 50),
    # Chosen behaviour: a trailing decimal point with no digits means a whole amount.
    ("12.", 1200),
    ("  12.50  ", 1250),
    ("007", 700),
    ("1234.50", 123450),
    ("1,234.50", 123450),
    ("1,234", 123400),
    ("999,999", 99999900),
    ("1,234,567.89", 123456789),
    ("1000000", 100000000),
    # The cap itself is allowed, one minor unit more is not (see BAD_DEFAULT).
    ("10000000000000", MAX_MINOR),
    ("9,999,999,999,999.99", MAX_MINOR - 1),
    # Leading zeros do not count towards the size limit.
    ("0" * 10_000 + "1", 100),
]


@pytest.mark.parametrize(("text", "expected_minor"), GOOD_DEFAULT)
def test_parse_accepts_plain_amounts(text: str, expected_minor: int) -> None:
    assert Money.parse(text) == Money(expected_minor)


GOOD_WITH_FORMAT = [
    (DOLLAR, "$12.50", 1250),
    (DOLLAR, "$ 12.50", 1250),
    (DOLLAR, "12.50$", 1250),
    (DOLLAR, "12.50 $", 1250),
    (DOLLAR, "  $1,234.50 ", 123450),
    (DOLLAR, "12.50", 1250),
    (ALGERIAN, "1 234,50 DA", 123450),
    (ALGERIAN, "1234,5 DA", 123450),
    (ALGERIAN, "DA 12", 1200),
    (ALGERIAN, "12DA", 1200),
    (EURO_DE, "1.234,50 €", 123450),
    (EURO_DE, "1.234.567,89", 123456789),
    (EURO_DE, "12,", 1200),
    (EURO_DE, "12,5", 1250),
    (FRENCH_NBSP, "1\u00a0234,50 €", 123450),
    (YEN, "1,234", 1234),
    (YEN, "¥1,234", 1234),
    (YEN, "0", 0),
    (YEN, "1000000000000000", MAX_MINOR),
    (DINAR_KW, "1.5", 1500),
    (DINAR_KW, "1.234", 1234),
    (DINAR_KW, "KD1,000.001", 1000001),
    (ONE_DECIMAL, "12.5", 125),
    (FOUR_DECIMALS, "0.0005", 5),
    (FOUR_DECIMALS, "1.5", 15000),
    (ARABIC_SEPARATORS, "1٬234٫50 ر.س", 123450),
]


@pytest.mark.parametrize(("fmt", "text", "expected_minor"), GOOD_WITH_FORMAT)
def test_parse_accepts_amounts_in_each_format(
    fmt: CurrencyFormat, text: str, expected_minor: int
) -> None:
    assert Money.parse(text, fmt) == Money(expected_minor)


@pytest.mark.parametrize(
    ("fmt", "text", "expected_minor"),
    [
        (DEFAULT, "-12.50", -1250),
        (DEFAULT, "-0.01", -1),
        (DEFAULT, " -1,234.50 ", -123450),
        (DOLLAR, "-$1,234.50", -123450),
        (DOLLAR, "-$ 12", -1200),
        (DOLLAR, "-12 $", -1200),
        (ALGERIAN, "-1 234,50 DA", -123450),
        (YEN, "-¥5", -5),
        # "-0" is allowed where negatives are, and is simply zero.
        (DEFAULT, "-0", 0),
        (DEFAULT, "-10000000000000", -MAX_MINOR),
    ],
)
def test_parse_accepts_negative_amounts_when_allowed(
    fmt: CurrencyFormat, text: str, expected_minor: int
) -> None:
    assert Money.parse(text, fmt, allow_negative=True) == Money(expected_minor)


def test_parse_accepts_positive_amount_when_zero_is_refused() -> None:
    assert Money.parse("0.01", allow_zero=False) == Money(1)


# --- parsing: rejected input -------------------------------------------------------------------

BAD_DEFAULT = [
    pytest.param("", id="empty"),
    pytest.param(" ", id="one-space"),
    pytest.param("     ", id="blank"),
    pytest.param("nan", id="nan"),
    pytest.param("NaN", id="NaN"),
    pytest.param("inf", id="inf"),
    pytest.param("-inf", id="minus-inf"),
    pytest.param("Infinity", id="Infinity"),
    pytest.param("1e5", id="exponent"),
    pytest.param("1E5", id="exponent-upper"),
    pytest.param("1e999999", id="huge-exponent"),
    pytest.param("1_000", id="underscore"),
    pytest.param("0x10", id="hex"),
    pytest.param("+5", id="plus-sign"),
    pytest.param("١٢٣", id="arabic-indic-digits"),
    pytest.param("۱۲۳", id="persian-digits"),
    pytest.param("１２３", id="full-width-digits"),
    pytest.param("१२३", id="devanagari-digits"),
    pytest.param("1٢3", id="mixed-script-digits"),
    pytest.param("²", id="superscript-two"),
    pytest.param("1.234", id="three-decimals"),
    pytest.param("1.0000000", id="many-decimals"),
    pytest.param("-5", id="negative"),
    pytest.param("-0", id="negative-zero"),
    pytest.param("\x00", id="nul"),
    pytest.param("12\x00", id="trailing-nul"),
    pytest.param("12\n", id="newline"),
    pytest.param("\t12", id="tab"),
    pytest.param("1\u200b2", id="zero-width-space"),
    pytest.param("\u200f12", id="right-to-left-mark"),
    pytest.param("\ud800", id="lone-surrogate"),
    pytest.param("12\udfff", id="trailing-lone-surrogate"),
    pytest.param("1" + "0" * 9_999, id="10000-digits"),
    pytest.param("9" * 10_000, id="10000-nines"),
    pytest.param("1." + "0" * 10_000, id="10000-decimals"),
    pytest.param("10000000000000.01", id="just-above-cap"),
    pytest.param("10000000000001", id="above-cap-whole"),
    pytest.param("1.2.3", id="two-points"),
    pytest.param("--1", id="double-minus"),
    pytest.param("1-", id="trailing-minus"),
    pytest.param("-", id="minus-only"),
    pytest.param("- 5", id="minus-space"),
    pytest.param("12,34", id="comma-as-decimal"),
    pytest.param("1,23.50", id="short-group"),
    pytest.param("1,2345", id="long-group"),
    pytest.param("1234,567", id="long-first-group"),
    pytest.param(",123", id="leading-separator"),
    pytest.param("1,234,", id="trailing-separator"),
    pytest.param("1,,234", id="double-separator"),
    pytest.param("1,234.5,0", id="separator-in-decimals"),
    pytest.param(".5", id="no-whole-part"),
    pytest.param(".", id="point-only"),
    pytest.param("12 34", id="inner-space"),
    pytest.param("1 000", id="space-grouping-in-default-format"),
    pytest.param("$12", id="symbol-not-in-format"),
    pytest.param("twelve", id="words"),
    pytest.param("12abc", id="trailing-letters"),
    pytest.param("(12)", id="accounting-negative"),
]


@pytest.mark.parametrize("text", BAD_DEFAULT)
def test_parse_rejects_bad_text(text: str) -> None:
    with pytest.raises(MoneyParseError):
        Money.parse(text)


BAD_WITH_FORMAT = [
    pytest.param(YEN, "12.5", id="yen-decimals"),
    pytest.param(YEN, "12.", id="yen-trailing-point"),
    pytest.param(YEN, "12.00", id="yen-zero-decimals"),
    pytest.param(YEN, "1000000000000001", id="yen-above-cap"),
    pytest.param(DINAR_KW, "1.2345", id="dinar-four-decimals"),
    pytest.param(ONE_DECIMAL, "1.25", id="one-decimal-two-given"),
    pytest.param(EURO_DE, "12.34", id="de-point-as-decimal"),
    pytest.param(EURO_DE, "12,345", id="de-three-decimals"),
    pytest.param(EURO_DE, "1,234.50", id="de-english-style"),
    pytest.param(DOLLAR, "$$12", id="symbol-twice"),
    pytest.param(DOLLAR, "$12$", id="symbol-both-sides"),
    pytest.param(DOLLAR, "$-12", id="minus-after-symbol"),
    pytest.param(DOLLAR, "$", id="symbol-only"),
    pytest.param(DOLLAR, "€12", id="other-currency"),
    pytest.param(ALGERIAN, "1 23,50 DA", id="dz-short-group"),
    pytest.param(ALGERIAN, "DA", id="dz-symbol-only"),
    pytest.param(FRENCH_NBSP, "1 234,50", id="space-instead-of-nbsp"),
]


@pytest.mark.parametrize(("fmt", "text"), BAD_WITH_FORMAT)
def test_parse_rejects_bad_text_for_format(fmt: CurrencyFormat, text: str) -> None:
    with pytest.raises(MoneyParseError):
        Money.parse(text, fmt, allow_negative=True)


@pytest.mark.parametrize("text", ["0", "0.00", "000", "-0"])
def test_parse_rejects_zero_when_refused(text: str) -> None:
    with pytest.raises(MoneyParseError, match=r"^Amount cannot be zero$"):
        Money.parse(text, allow_negative=True, allow_zero=False)


@pytest.mark.parametrize(
    ("fmt", "text", "message"),
    [
        (DEFAULT, "", "Enter an amount"),
        (DEFAULT, "abc", "Use digits only, like 12.50"),
        (DEFAULT, "١٢٣", "Use digits only, like 12.50"),
        (EURO_DE, "abc", "Use digits only, like 12,50"),
        (DEFAULT, "1.234", "At most 2 decimal places"),
        (ONE_DECIMAL, "1.25", "At most 1 decimal place"),
        (YEN, "12.5", "Use whole amounts only, like 12"),
        (DEFAULT, "-5", "Amount cannot be negative"),
        (DEFAULT, "9" * 10_000, "Amount is too large"),
        (DEFAULT, "10000000000000.01", "Amount is too large"),
        (DEFAULT, "1,23.50", "Check the thousands separators, like 1,234.50"),
        (EURO_DE, "1.23,50", "Check the thousands separators, like 1.234,50"),
        (DEFAULT, "12\x00", "The amount contains hidden characters; type it again"),
    ],
)
def test_parse_error_tells_the_shop_owner_what_to_fix(
    fmt: CurrencyFormat, text: str, message: str
) -> None:
    with pytest.raises(MoneyParseError) as caught:
        Money.parse(text, fmt)
    assert str(caught.value) == message


def test_parse_error_is_a_value_error() -> None:
    assert issubclass(MoneyParseError, ValueError)


@pytest.mark.parametrize("value", [None, 12, 12.5, b"12", Decimal("12"), ["12"]])
def test_parse_refuses_non_text(value: Any) -> None:
    with pytest.raises(TypeError):
        Money.parse(value)


# --- formatting --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minor", "fmt", "expected"),
    [
        (0, DEFAULT, "0.00"),
        (5, DEFAULT, "0.05"),
        (50, DEFAULT, "0.50"),
        (100, DEFAULT, "1.00"),
        (999, DEFAULT, "9.99"),
        (100000, DEFAULT, "1,000.00"),
        (123450, DEFAULT, "1,234.50"),
        (-123450, DEFAULT, "-1,234.50"),
        (MAX_MINOR, DEFAULT, "10,000,000,000,000.00"),
        (123456789, DOLLAR, "$1,234,567.89"),
        (-123450, DOLLAR, "-$1,234.50"),
        (-1, DOLLAR, "-$0.01"),
        (123450, ALGERIAN, "1 234,50 DA"),
        (-123450, ALGERIAN, "-1 234,50 DA"),
        (123450, EURO_DE, "1.234,50 €"),
        (123450, FRENCH_NBSP, "1\u00a0234,50 €"),
        (1234, YEN, "¥1,234"),
        (-1234, YEN, "-¥1,234"),
        (0, YEN, "¥0"),
        (1000001, DINAR_KW, "KD1,000.001"),
        (125, ONE_DECIMAL, "12.5"),
        (5, FOUR_DECIMALS, "0.0005"),
        (123450, ARABIC_SEPARATORS, "1٬234٫50 ر.س"),
    ],
)
def test_format(minor: int, fmt: CurrencyFormat, expected: str) -> None:
    assert Money(minor).format(fmt) == expected


@pytest.mark.parametrize(
    ("minor", "fmt", "expected"),
    [
        (-123450, DOLLAR, "-1,234.50"),
        (123450, ALGERIAN, "1 234,50"),
        (1234, YEN, "1,234"),
    ],
)
def test_format_without_symbol(minor: int, fmt: CurrencyFormat, expected: str) -> None:
    assert Money(minor).format(fmt, with_symbol=False) == expected


def test_format_defaults_to_two_decimals_without_symbol() -> None:
    assert Money(123450).format() == "1,234.50"


# --- currency format validation ----------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"decimals": -1},
        {"decimals": 5},
        {"decimal_separator": ""},
        {"decimal_separator": ".."},
        {"decimal_separator": " "},
        {"decimal_separator": "5"},
        {"decimal_separator": "-"},
        {"thousands_separator": "٣"},
        {"thousands_separator": "\x00"},
        {"thousands_separator": ""},
        {"decimal_separator": ",", "thousands_separator": ","},
        {"symbol": " $"},
        {"symbol": "$ "},
        {"symbol": "US1"},
        {"symbol": "-"},
        {"symbol": "Rs."},
        {"symbol": "a,b"},
        {"symbol": "$\u200b"},
    ],
)
def test_currency_format_rejects_bad_values(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        CurrencyFormat(**options)


@pytest.mark.parametrize(
    "options",
    [
        {"decimals": True},
        {"decimals": 2.0},
        {"symbol": None},
        {"symbol_after": "yes"},
        {"decimal_separator": 46},
    ],
)
def test_currency_format_rejects_wrong_types(options: dict[str, Any]) -> None:
    with pytest.raises(TypeError):
        CurrencyFormat(**options)


def test_currency_format_accepts_edge_values() -> None:
    zero = CurrencyFormat(decimals=0)
    four = CurrencyFormat(decimals=4, thousands_separator=" ")
    assert (zero.decimals, zero.minor_per_unit) == (0, 1)
    assert (four.decimals, four.minor_per_unit) == (4, 10_000)


def test_currency_format_is_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT.decimals = 3  # type: ignore[misc]


# --- the Money value and its arithmetic --------------------------------------------------------


@pytest.mark.parametrize("value", [True, False, 1.0, 0.5, "1", Decimal("1"), None])
def test_money_requires_integer_minor_units(value: Any) -> None:
    with pytest.raises(TypeError):
        Money(value)


def test_money_is_immutable() -> None:
    money = Money(5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        money.minor = 6  # type: ignore[misc]


def test_zero() -> None:
    assert Money.zero() == Money(0)
    assert Money.zero().is_zero()
    assert not Money(1).is_zero()
    assert not Money(-1).is_zero()


def test_is_negative() -> None:
    assert Money(-1).is_negative()
    assert not Money(0).is_negative()
    assert not Money(1).is_negative()


def test_add_subtract_negate() -> None:
    assert Money(150) + Money(275) == Money(425)
    assert Money(150) - Money(275) == Money(-125)
    assert -Money(150) == Money(-150)
    assert -Money(0) == Money(0)


def test_multiply_by_whole_quantity() -> None:
    assert Money(250) * 3 == Money(750)
    assert 3 * Money(250) == Money(750)
    assert Money(250) * 0 == Money(0)
    assert Money(250) * -2 == Money(-500)


@pytest.mark.parametrize("quantity", [1.5, 2.0, True, Decimal("2"), "2", Money(2)])
def test_multiply_refuses_non_integer_quantity(quantity: Any) -> None:
    with pytest.raises(TypeError):
        Money(250) * quantity
    with pytest.raises(TypeError):
        quantity * Money(250)


@pytest.mark.parametrize("other", [1, 1.0, Decimal("1"), None])
def test_add_and_subtract_refuse_non_money(other: Any) -> None:
    money: Any = Money(100)
    with pytest.raises(TypeError):
        money + other
    with pytest.raises(TypeError):
        money - other
    with pytest.raises(TypeError):
        other + money


def test_ordering_and_equality() -> None:
    assert Money(1) < Money(2) <= Money(2) < Money(10)
    assert Money(-5) < Money.zero()
    assert sorted([Money(3), Money(-1), Money(2)]) == [Money(-1), Money(2), Money(3)]
    plain_one: object = 1
    assert Money(1) != plain_one
    assert len({Money(1), Money(1), Money(2)}) == 2


def test_ordering_refuses_plain_numbers() -> None:
    money: Any = Money(1)
    with pytest.raises(TypeError):
        money < 2  # noqa: B015 -- the comparison itself is what must fail


# --- properties --------------------------------------------------------------------------------

formats = st.sampled_from(ALL_FORMATS)
in_range_minor = st.integers(min_value=-MAX_MINOR, max_value=MAX_MINOR)


@given(minor=in_range_minor, fmt=formats, with_symbol=st.booleans())
def test_round_trip_format_then_parse(minor: int, fmt: CurrencyFormat, with_symbol: bool) -> None:
    money = Money(minor)
    assert (
        Money.parse(money.format(fmt, with_symbol=with_symbol), fmt, allow_negative=True) == money
    )


@given(text=st.text(), fmt=formats, allow_negative=st.booleans(), allow_zero=st.booleans())
def test_parse_only_ever_raises_money_parse_error(
    text: str, fmt: CurrencyFormat, allow_negative: bool, allow_zero: bool
) -> None:
    try:
        money = Money.parse(text, fmt, allow_negative=allow_negative, allow_zero=allow_zero)
    except MoneyParseError as error:
        assert str(error)
    else:
        assert -MAX_MINOR <= money.minor <= MAX_MINOR
        assert allow_negative or not money.is_negative()
        assert allow_zero or not money.is_zero()


# Text built from the characters the grammar cares about, so many samples actually parse.
amount_like_text = st.text(alphabet="0123456789,.-  $€DA\u00a0٫٬١e", max_size=30)


@given(text=amount_like_text, fmt=formats)
def test_anything_parsed_formats_back_to_the_same_amount(text: str, fmt: CurrencyFormat) -> None:
    try:
        money = Money.parse(text, fmt, allow_negative=True)
    except MoneyParseError:
        return
    assert abs(money.minor) <= MAX_MINOR
    assert Money.parse(money.format(fmt), fmt, allow_negative=True) == money


non_ascii_digit = st.characters(categories=["Nd"]).filter(lambda char: not "0" <= char <= "9")


@given(digits=st.text(alphabet=non_ascii_digit, min_size=1), fmt=formats)
def test_non_ascii_digits_are_never_amounts(digits: str, fmt: CurrencyFormat) -> None:
    with pytest.raises(MoneyParseError):
        Money.parse(digits, fmt, allow_negative=True)


@given(a=st.integers(), b=st.integers(), quantity=st.integers(min_value=-1000, max_value=1000))
def test_arithmetic_matches_integer_arithmetic(a: int, b: int, quantity: int) -> None:
    assert (Money(a) + Money(b)).minor == a + b
    assert (Money(a) - Money(b)) + Money(b) == Money(a)
    assert (Money(a) * quantity).minor == a * quantity
