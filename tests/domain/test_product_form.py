"""Checking a typed product: what is stored, and a message per field for what is not."""

from __future__ import annotations

import pytest

from app.domain.money import CurrencyFormat
from app.domain.product_form import (
    MAX_STOCK,
    ProductDraft,
    ProductFields,
    ValidationError,
    draft_of,
    validate_product,
)

GOOD = ProductDraft(barcode="5901234123457", name="Coca-Cola 1.5L", price="1.50", stock="12")


def errors_of(draft: ProductDraft) -> dict[str, str]:
    with pytest.raises(ValidationError) as refused:
        validate_product(draft)
    return refused.value.errors


def test_a_typed_product_is_tidied_into_what_is_stored() -> None:
    draft = ProductDraft(
        barcode="  5901234123457\t", name="  Coca-Cola   1.5L ", price=" 1,234.5 ", stock=" -3 "
    )
    assert validate_product(draft) == ProductFields(
        barcode="5901234123457",
        name="Coca-Cola 1.5L",
        price_minor=123450,
        stock=-3,
        active=True,
    )


def test_blank_barcode_means_none_and_zero_price_is_a_free_item() -> None:
    fields = validate_product(ProductDraft(barcode="   ", name="Bag", price="0", active=False))
    assert (fields.barcode, fields.price_minor, fields.stock, fields.active) == (None, 0, 0, False)


@pytest.mark.parametrize(
    "name", ["Хлеб белый", "خبز عربي", "面包", "O'Brien's 🍞", "نان\u200cها"], ids=repr
)
def test_names_in_any_script_are_kept(name: str) -> None:
    assert validate_product(ProductDraft(name=name, price="1")).name == name


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("-1", "Amount cannot be negative."),
        ("nan", "Use digits only, like 12.50."),
        ("inf", "Use digits only, like 12.50."),
        ("1e999", "Use digits only, like 12.50."),
        ("١٢٣", "Use digits only, like 12.50."),  # Arabic-Indic digits
        ("１２", "Use digits only, like 12.50."),  # full-width digits
        ("1_000", "Use digits only, like 12.50."),
        ("1.234", "At most 2 decimal places."),
        ("", "Enter an amount."),
        ("9" * 10_000, "Amount is too large."),
        ("1\x00", "The amount contains hidden characters; type it again."),
    ],
    ids=repr,
)
def test_bad_prices_are_refused_with_a_reason(price: str, message: str) -> None:
    assert errors_of(ProductDraft(name="Tea", price=price)) == {"price": message}


def test_price_follows_the_shops_currency_format() -> None:
    dinar = CurrencyFormat(
        symbol="DA", symbol_after=True, decimal_separator=",", thousands_separator=" "
    )
    fields = validate_product(ProductDraft(name="Tea", price="1 234,50 DA"), dinar)
    assert fields.price_minor == 123450
    assert draft_of(fields, dinar).price == "1 234,50"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Required."),
        ("   ", "Required."),
        ("Tea\x00", "Contains hidden control characters; type it again."),
        ("Tea\nCake", "Contains hidden control characters; type it again."),
        ("Tea\ud800", "Contains hidden control characters; type it again."),  # lone surrogate
        ("x" * 10_000, "Too long: at most 200 characters (this has 10000)."),
    ],
    ids=lambda value: repr(value)[:20],
)
def test_bad_names_are_refused_with_a_reason(name: str, message: str) -> None:
    assert errors_of(ProductDraft(name=name, price="1")) == {"name": message}


@pytest.mark.parametrize(
    "barcode", ["590 123", "5901\x00", "٥٩٠١٢٣", "code-é", "x" * 65], ids=lambda v: repr(v)[:20]
)
def test_bad_barcodes_are_refused(barcode: str) -> None:
    assert list(errors_of(ProductDraft(barcode=barcode, name="Tea", price="1"))) == ["barcode"]


def test_barcodes_of_printable_ascii_are_kept() -> None:
    barcode = "ABC-123/x.y_%+$" + "9" * 49
    assert validate_product(ProductDraft(barcode=barcode, name="Tea", price="1")).barcode == barcode


@pytest.mark.parametrize(
    ("stock", "expected"), [("0", 0), ("007", 7), ("-12", -12), (str(MAX_STOCK), MAX_STOCK)]
)
def test_stock_is_a_whole_number_either_way(stock: str, expected: int) -> None:
    assert validate_product(ProductDraft(name="Tea", price="1", stock=stock)).stock == expected


@pytest.mark.parametrize(
    "stock", ["", "1.5", "+3", "١٢", "1_000", "1e3", "nan", "--1", "1 000", "9" * 10_000]
)
def test_bad_stock_is_refused(stock: str) -> None:
    assert list(errors_of(ProductDraft(name="Tea", price="1", stock=stock))) == ["stock"]


@pytest.mark.parametrize("stock", [str(MAX_STOCK + 1), str(-MAX_STOCK - 1)])
def test_absurd_stock_is_refused(stock: str) -> None:
    assert errors_of(ProductDraft(name="Tea", price="1", stock=stock)) == {
        "stock": "At most 1,000,000 either way."
    }


def test_every_mistake_is_reported_at_once() -> None:
    draft = ProductDraft(barcode="a b", name="", price="-1", stock="x")
    assert sorted(errors_of(draft)) == ["barcode", "name", "price", "stock"]


def test_a_stored_product_gives_back_the_form_it_came_from() -> None:
    fields = validate_product(GOOD)
    assert draft_of(fields) == ProductDraft(
        barcode="5901234123457", name="Coca-Cola 1.5L", price="1.50", stock="12", active=True
    )
    assert validate_product(draft_of(fields)) == fields
