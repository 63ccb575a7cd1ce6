"""The shop's settings as typed into the Settings dialog, checked field by field."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import PurePath

from app.domain.customer_form import (
    DEFAULT_PAYMENT_TERMS,
    MAX_TAX_NUMBER,
    FieldChecker,
    ValidationError,
    check_credit_limit,
    check_payment_terms,
)
from app.domain.money import CurrencyFormat, Money
from app.domain.names import tidy_name
from app.domain.phone import supported_regions

MAX_SHOP_NAME = 100
MAX_SHOP_PHONE = 40
# A receipt roll is 32-48 characters wide: a few lines of address or footer, not a letter.
MAX_BLOCK = 300
MAX_BLOCK_LINES = 5
MAX_SYMBOL = 8
MAX_DECIMALS = 3  # the dinars of Bahrain, Kuwait, Tunisia: no currency in use has more
MAX_BACKUP_PATH = 1000
DEFAULT_BACKUPS_KEPT = 7
MAX_BACKUPS_KEPT = 365

# How numbers are written: (decimal separator, thousands separator), by the look of 1234.5.
NUMBER_STYLES: dict[str, tuple[str, str]] = {
    "1,234.50": (".", ","),
    "1.234,50": (",", "."),
    "1 234,50": (",", " "),
    "1'234.50": (".", "'"),
}
DEFAULT_NUMBER_STYLE = "1,234.50"

_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs"})
_COUNT = re.compile(r"[0-9]{1,4}")


@dataclass(frozen=True, slots=True)
class SettingsDraft:
    """Exactly what the form holds; text fields as typed, choices as their stored codes."""

    shop_name: str = ""
    shop_address: str = ""
    shop_phone: str = ""
    shop_tax_number: str = ""
    receipt_footer: str = ""
    currency_symbol: str = ""
    symbol_after: bool = False
    decimals: str = "2"
    number_style: str = DEFAULT_NUMBER_STYLE
    phone_region: str = ""  # ISO 3166 alpha-2, blank: phones are compared by their digits
    payment_terms: str = str(DEFAULT_PAYMENT_TERMS)
    credit_limit: str = ""  # blank: new customers have no limit; 0: no credit
    backup_folder: str = ""  # blank: `backups/` beside the database
    backups_kept: str = str(DEFAULT_BACKUPS_KEPT)


@dataclass(frozen=True, slots=True)
class ShopSettingsValues:
    """A draft that passed every check, in the form it is stored and used."""

    shop_name: str | None
    shop_address: str | None
    shop_phone: str | None
    shop_tax_number: str | None
    receipt_footer: str | None
    money_format: CurrencyFormat
    phone_region: str | None
    payment_terms: int
    credit_limit_minor: int | None
    backup_folder: str | None
    backups_kept: int

    @property
    def number_style(self) -> str:
        separators = (self.money_format.decimal_separator, self.money_format.thousands_separator)
        styles = (style for style, pair in NUMBER_STYLES.items() if pair == separators)
        return next(styles, DEFAULT_NUMBER_STYLE)


DEFAULT_SETTINGS = ShopSettingsValues(
    shop_name=None,
    shop_address=None,
    shop_phone=None,
    shop_tax_number=None,
    receipt_footer=None,
    money_format=CurrencyFormat(),
    phone_region=None,
    payment_terms=DEFAULT_PAYMENT_TERMS,
    credit_limit_minor=None,
    backup_folder=None,
    backups_kept=DEFAULT_BACKUPS_KEPT,
)


def known_regions() -> list[str]:
    """The regions whose phone numbers can be read, as ISO codes in alphabetical order."""
    return sorted(supported_regions())


def validate_settings(draft: SettingsDraft) -> ShopSettingsValues:
    """The storable settings, or ValidationError naming every field that needs fixing."""
    checker = _SettingsChecker()
    name = checker.text(
        "shop_name",
        draft.shop_name,
        limit=MAX_SHOP_NAME,
        required=True,
        missing="Required: it heads every receipt.",
    )
    address = checker.block("shop_address", draft.shop_address)
    phone = checker.text("shop_phone", draft.shop_phone, limit=MAX_SHOP_PHONE)
    tax_number = checker.text("shop_tax_number", draft.shop_tax_number, limit=MAX_TAX_NUMBER)
    footer = checker.block("receipt_footer", draft.receipt_footer)
    money_format = checker.money_format(draft)
    region = checker.region(draft.phone_region)
    terms = check_payment_terms(checker, draft.payment_terms)
    # Without a readable money format the limit cannot be read; that field says why.
    limit = (
        None
        if money_format is None
        else check_credit_limit(checker, draft.credit_limit, money_format)
    )
    folder = checker.folder(draft.backup_folder)
    kept = checker.backups_kept(draft.backups_kept)
    if checker.errors or money_format is None or terms is None or kept is None:
        raise ValidationError(checker.errors)
    return ShopSettingsValues(
        shop_name=name,
        shop_address=address,
        shop_phone=phone,
        shop_tax_number=tax_number,
        receipt_footer=footer,
        money_format=money_format,
        phone_region=region,
        payment_terms=terms,
        credit_limit_minor=limit,
        backup_folder=folder,
        backups_kept=kept,
    )


def draft_of(values: ShopSettingsValues) -> SettingsDraft:
    """The form's text for stored settings, so editing starts from what is saved."""
    money_format = values.money_format
    limit = values.credit_limit_minor
    return SettingsDraft(
        shop_name=values.shop_name or "",
        shop_address=values.shop_address or "",
        shop_phone=values.shop_phone or "",
        shop_tax_number=values.shop_tax_number or "",
        receipt_footer=values.receipt_footer or "",
        currency_symbol=money_format.symbol,
        symbol_after=money_format.symbol_after,
        decimals=str(money_format.decimals),
        number_style=values.number_style,
        phone_region=values.phone_region or "",
        payment_terms=str(values.payment_terms),
        credit_limit="" if limit is None else Money(limit).format(money_format, with_symbol=False),
        backup_folder=values.backup_folder or "",
        backups_kept=str(values.backups_kept),
    )


class _SettingsChecker(FieldChecker):
    """The customer form's checks, and those only settings have."""

    def _hidden(self, field: str, typed: str, allowed: frozenset[str] = frozenset()) -> bool:
        if any(
            unicodedata.category(ch) in _FORBIDDEN_CATEGORIES and ch not in allowed for ch in typed
        ):
            self.errors[field] = "Contains hidden control characters; type it again."
            return True
        return False

    def block(self, field: str, typed: str) -> str | None:
        """A few lines of text for the receipt; each line tidied, blank lines at the ends gone."""
        if self._hidden(field, typed.replace("\r\n", "\n"), frozenset("\n")):
            return None
        lines = [tidy_name(line) or "" for line in typed.replace("\r\n", "\n").split("\n")]
        text = "\n".join(lines).strip("\n")
        if not text:
            return None
        if len(text) > MAX_BLOCK:
            self.errors[field] = f"Too long: at most {MAX_BLOCK} characters (this has {len(text)})."
            return None
        if text.count("\n") >= MAX_BLOCK_LINES:
            self.errors[field] = f"At most {MAX_BLOCK_LINES} lines: a receipt has little room."
            return None
        return text

    def money_format(self, draft: SettingsDraft) -> CurrencyFormat | None:
        separators = NUMBER_STYLES.get(draft.number_style)
        if separators is None:
            self.errors["number_style"] = "Choose how numbers are written."
        decimals = draft.decimals.strip()
        if not re.fullmatch(r"[0-9]", decimals) or int(decimals) > MAX_DECIMALS:
            self.errors["decimals"] = f"Choose 0 to {MAX_DECIMALS} decimal places."
            return None
        symbol = draft.currency_symbol.strip()
        if self._hidden("currency_symbol", symbol):
            return None
        if len(symbol) > MAX_SYMBOL:
            self.errors["currency_symbol"] = f"At most {MAX_SYMBOL} characters, e.g. DA or $."
            return None
        if separators is None:
            return None
        decimal_separator, thousands_separator = separators
        try:
            return CurrencyFormat(
                symbol=symbol,
                symbol_after=bool(draft.symbol_after),
                decimals=int(decimals),
                decimal_separator=decimal_separator,
                thousands_separator=thousands_separator,
            )
        except ValueError:
            # Digits, a minus or a separator in the symbol would change which amount is read.
            self.errors["currency_symbol"] = (
                f"Cannot contain digits, '-', '{decimal_separator}' or '{thousands_separator}'."
            )
            return None

    def region(self, typed: str) -> str | None:
        code = typed.strip().upper()
        if not code:
            return None
        if code not in supported_regions():
            self.errors["phone_region"] = "Choose a country from the list, or none."
            return None
        return code

    def folder(self, typed: str) -> str | None:
        text = typed.strip()
        if not text:
            return None
        if self._hidden("backup_folder", text):
            return None
        if len(text) > MAX_BACKUP_PATH:
            self.errors["backup_folder"] = "Too long for a folder name."
            return None
        if not PurePath(text).is_absolute():
            self.errors["backup_folder"] = (
                "Choose a whole folder path (Browse…), or leave it empty."
            )
            return None
        return text

    def backups_kept(self, typed: str) -> int | None:
        text = typed.strip()
        if not _COUNT.fullmatch(text) or not 1 <= int(text) <= MAX_BACKUPS_KEPT:
            self.errors["backups_kept"] = f"Keep from 1 to {MAX_BACKUPS_KEPT} daily backups."
            return None
        return int(text)


# ISO 4217 currencies whose minor unit is not the hundredth; every other one has 2 decimals.
_CURRENCY_DECIMALS = {
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(
        (
            "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF",
            "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF",
        ),
        0,
    ),
}  # fmt: skip


def currency_decimals(iso_code: str) -> int:
    """Decimal places of a currency by its ISO 4217 code (JPY 0, KWD 3, EUR 2)."""
    return _CURRENCY_DECIMALS.get(iso_code.strip().upper(), 2)


def prefilled_draft(
    *,
    region: str | None,
    currency_code: str,
    currency_symbol: str,
    symbol_after: bool,
    decimal_separator: str,
    thousands_separator: str,
) -> SettingsDraft:
    """A first-run form filled from what the system's locale says about the shop's country."""
    separators = (decimal_separator, thousands_separator)
    # Locales that group with a no-break space (French, Russian) write "1 234,50".
    fallback = "1 234,50" if decimal_separator == "," else DEFAULT_NUMBER_STYLE
    style = next((s for s, pair in NUMBER_STYLES.items() if pair == separators), fallback)
    code = (region or "").upper()
    draft = SettingsDraft(
        currency_symbol=currency_symbol.strip(),
        symbol_after=symbol_after,
        decimals=str(min(currency_decimals(currency_code), MAX_DECIMALS)),
        number_style=style,
        phone_region=code if code in supported_regions() else "",
    )
    try:
        # A placeholder name, so that only the locale's own choices are checked.
        validate_settings(replace(draft, shop_name="-"))
    except ValidationError:
        # e.g. "د.ج." holds the decimal point: the ISO code reads well and always parses.
        iso = currency_code.strip().upper()
        return replace(draft, currency_symbol=iso if iso.isascii() and iso.isalpha() else "")
    return draft
