"""The Settings form's rules: every field checked, round trips, and the locale prefill."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.domain.customer_form import ValidationError
from app.domain.money import CurrencyFormat, Money
from app.domain.shop_settings import (
    DEFAULT_SETTINGS,
    MAX_BLOCK,
    SettingsDraft,
    currency_decimals,
    draft_of,
    prefilled_draft,
    validate_settings,
)

GOOD = SettingsDraft(
    shop_name="  Épicerie   Amina ",
    shop_address="12 rue Didouche\r\nAlger  ",
    shop_phone="021 23 45 67",
    shop_tax_number="NIF 0012",
    receipt_footer="Merci !\n\n",
    currency_symbol="DA",
    symbol_after=True,
    decimals="2",
    number_style="1 234,50",
    phone_region="dz",
    payment_terms="15",
    credit_limit="5 000,00",
    backup_folder="/srv/backups",
    backups_kept="10",
)


def test_a_good_draft_is_tidied_into_what_is_stored() -> None:
    values = validate_settings(GOOD)
    assert values.shop_name == "Épicerie Amina"
    assert values.shop_address == "12 rue Didouche\nAlger"
    assert values.receipt_footer == "Merci !"
    assert values.money_format == CurrencyFormat(
        symbol="DA", symbol_after=True, decimals=2, decimal_separator=",", thousands_separator=" "
    )
    assert values.phone_region == "DZ"
    assert values.payment_terms == 15
    assert values.credit_limit_minor == 500_000
    assert values.backup_folder == "/srv/backups"
    assert values.backups_kept == 10
    assert Money(123_450).format(values.money_format) == "1 234,50 DA"


def test_stored_values_round_trip_through_the_form() -> None:
    values = validate_settings(GOOD)
    assert validate_settings(draft_of(values)) == values


def test_blank_optional_fields_mean_none() -> None:
    values = validate_settings(SettingsDraft(shop_name="Kiosk"))
    assert values == replace(DEFAULT_SETTINGS, shop_name="Kiosk")


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("shop_name", ""),
        ("shop_name", "   "),
        ("shop_name", "x" * 101),
        ("shop_name", "Shop\x00"),
        ("shop_name", "Shop\ud800"),
        ("shop_address", "a\x1bb"),
        ("shop_address", "x" * (MAX_BLOCK + 1)),
        ("shop_address", "1\n2\n3\n4\n5\n6"),
        ("receipt_footer", "bye\x07"),
        ("shop_phone", "0" * 41),
        ("currency_symbol", "US1"),
        ("currency_symbol", "-"),
        ("currency_symbol", "D,A"),
        ("currency_symbol", "x" * 9),
        ("decimals", "4"),
        ("decimals", "-1"),
        ("decimals", "٢"),
        ("number_style", "1_234.50"),
        ("phone_region", "XX"),
        ("phone_region", "Algeria"),
        ("payment_terms", "-1"),
        ("payment_terms", "3651"),
        ("payment_terms", "١٥"),
        ("payment_terms", "1e3"),
        ("credit_limit", "-5"),
        ("credit_limit", "nan"),
        ("credit_limit", "1e999"),
        ("credit_limit", "5.000.00"),
        ("backup_folder", "relative/folder"),
        ("backup_folder", "/tmp/a\x00b"),
        ("backups_kept", "0"),
        ("backups_kept", "366"),
        ("backups_kept", "ten"),
    ],
)
def test_each_bad_field_is_named(field: str, typed: str) -> None:
    with pytest.raises(ValidationError) as raised:
        validate_settings(replace(GOOD, **{field: typed}))  # type: ignore[arg-type]
    assert list(raised.value.errors) == [field]
    assert raised.value.errors[field]


def test_every_problem_is_reported_at_once() -> None:
    bad = replace(GOOD, shop_name="", payment_terms="x", backups_kept="0", phone_region="QQ")
    with pytest.raises(ValidationError) as raised:
        validate_settings(bad)
    expected = {"shop_name", "payment_terms", "backups_kept", "phone_region"}
    assert set(raised.value.errors) == expected


def test_the_credit_limit_is_read_in_the_chosen_number_style() -> None:
    dotted = replace(GOOD, number_style="1,234.50", credit_limit="5,000.00")
    assert validate_settings(dotted).credit_limit_minor == 500_000
    whole = replace(GOOD, decimals="0", credit_limit="5 000")
    assert validate_settings(whole).credit_limit_minor == 5_000


@pytest.mark.parametrize(("code", "decimals"), [("JPY", 0), ("kwd", 3), ("EUR", 2), ("DZD", 2)])
def test_currency_decimals_follow_iso_4217(code: str, decimals: int) -> None:
    assert currency_decimals(code) == decimals


def test_prefill_from_an_algerian_french_locale() -> None:
    draft = prefilled_draft(
        region="DZ",
        currency_code="DZD",
        currency_symbol="DA",
        symbol_after=True,
        decimal_separator=",",
        thousands_separator="\u202f",
    )
    assert (draft.phone_region, draft.currency_symbol, draft.symbol_after) == ("DZ", "DA", True)
    assert (draft.decimals, draft.number_style) == ("2", "1 234,50")
    assert draft.shop_name == ""  # the shopkeeper names the shop


def test_prefill_replaces_a_symbol_that_could_not_be_parsed() -> None:
    draft = prefilled_draft(
        region="DZ",
        currency_code="DZD",
        currency_symbol="د.ج.\u200f",
        symbol_after=True,
        decimal_separator=".",
        thousands_separator=",",
    )
    assert draft.currency_symbol == "DZD"
    assert validate_settings(replace(draft, shop_name="Dukan")).money_format.symbol == "DZD"


def test_prefill_without_a_region_leaves_phones_unnormalised() -> None:
    draft = prefilled_draft(
        region=None,
        currency_code="JPY",
        currency_symbol="¥",
        symbol_after=False,
        decimal_separator=".",
        thousands_separator=",",
    )
    assert (draft.phone_region, draft.decimals, draft.currency_symbol) == ("", "0", "¥")
