"""A product as typed into the form, checked field by field into what may be stored."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from app.domain.customer_form import MAX_NAME, ValidationError
from app.domain.money import DEFAULT_FORMAT, CurrencyFormat, Money, MoneyParseError
from app.domain.names import tidy_name

MAX_BARCODE = 64
MAX_STOCK = 1_000_000  # a count larger than this is a typo (or a barcode typed in the wrong box)
# What a scanner types: printable ASCII, no spaces. EAN/UPC are digits, Code 128 and QR labels
# also carry letters and symbols.
_BARCODE = re.compile(r"[!-~]+")
# An explicit ASCII pattern: int() would also take `١٢`, `1_000`, `+5` and ` 5 `.
_WHOLE_NUMBER = re.compile(r"-?[0-9]+")
# The customer form's rule for names: Cc (NUL, escape, newlines) and Cs (a lone surrogate
# from a clipboard, which SQLite cannot store) are refused; Cf stays (Persian's ZWNJ).
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs"})

__all__ = [
    "MAX_BARCODE",
    "MAX_NAME",
    "MAX_STOCK",
    "ProductDraft",
    "ProductFields",
    "ValidationError",
    "draft_of",
    "tidy_barcode",
    "validate_product",
]


@dataclass(frozen=True, slots=True)
class ProductDraft:
    """Exactly what was typed; every field but `active` is text, as the form holds it."""

    barcode: str = ""  # blank: no barcode (sold by search or from a shelf list)
    name: str = ""
    price: str = ""
    stock: str = "0"
    active: bool = True


@dataclass(frozen=True, slots=True)
class ProductFields:
    """A draft that passed every check, in the form it is stored."""

    barcode: str | None
    name: str
    price_minor: int
    stock: int
    active: bool


def tidy_barcode(typed: str) -> str | None:
    """The barcode as stored and looked up: surrounding whitespace gone; None when blank.
    Scanners often end with Enter or Tab, and a pasted code carries spaces."""
    return typed.strip() or None


def validate_product(
    draft: ProductDraft, money_format: CurrencyFormat = DEFAULT_FORMAT
) -> ProductFields:
    """The storable product, or ValidationError naming every field that needs fixing."""
    errors: dict[str, str] = {}
    barcode = _barcode(errors, draft.barcode)
    name = _name(errors, draft.name)
    price = _price(errors, draft.price, money_format)
    stock = _stock(errors, draft.stock)
    if errors or name is None or price is None or stock is None:
        raise ValidationError(errors)
    return ProductFields(
        barcode=barcode, name=name, price_minor=price, stock=stock, active=bool(draft.active)
    )


def _barcode(errors: dict[str, str], typed: str) -> str | None:
    barcode = tidy_barcode(typed)
    if barcode is None:
        return None
    if not _BARCODE.fullmatch(barcode):
        errors["barcode"] = (
            "Use letters, digits and symbols on the keyboard only, without spaces; "
            "or leave it empty."
        )
        return None
    if len(barcode) > MAX_BARCODE:
        errors["barcode"] = f"Too long: at most {MAX_BARCODE} characters (this has {len(barcode)})."
        return None
    return barcode


def _name(errors: dict[str, str], typed: str) -> str | None:
    if any(unicodedata.category(ch) in _FORBIDDEN_CATEGORIES for ch in typed):
        errors["name"] = "Contains hidden control characters; type it again."
        return None
    name = tidy_name(typed)
    if name is None:
        errors["name"] = "Required."
        return None
    if len(name) > MAX_NAME:
        errors["name"] = f"Too long: at most {MAX_NAME} characters (this has {len(name)})."
        return None
    return name


def _price(errors: dict[str, str], typed: str, money_format: CurrencyFormat) -> int | None:
    try:
        # Zero is a price: free items (a bag, a sample) are sold too.
        return Money.parse(typed, money_format).minor
    except MoneyParseError as error:
        errors["price"] = f"{error}."
        return None


def _stock(errors: dict[str, str], typed: str) -> int | None:
    text = typed.strip()
    if not _WHOLE_NUMBER.fullmatch(text):
        errors["stock"] = "Enter a whole number, e.g. 12 (or -3 when more was sold than counted)."
        return None
    # Leading zeros dropped before int(): a 10,000-digit string would trip Python's int limit.
    digits = text.removeprefix("-").lstrip("0") or "0"
    if len(digits) > len(str(MAX_STOCK)) or int(digits) > MAX_STOCK:
        errors["stock"] = f"At most {MAX_STOCK:,} either way."
        return None
    return -int(digits) if text.startswith("-") else int(digits)


def draft_of(stored: ProductFields, money_format: CurrencyFormat = DEFAULT_FORMAT) -> ProductDraft:
    """The form's text for a stored product, so editing starts from what is saved."""
    return ProductDraft(
        barcode=stored.barcode or "",
        name=stored.name,
        price=Money(stored.price_minor).format(money_format, with_symbol=False),
        stock=str(stored.stock),
        active=stored.active,
    )
