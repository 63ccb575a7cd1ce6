"""A customer as typed into the form, checked field by field into what may be stored."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, fields

from app.domain.money import DEFAULT_FORMAT, CurrencyFormat, Money, MoneyParseError
from app.domain.names import tidy_name
from app.domain.phone import normalize_phone

ADDRESS_PARTS = ("street", "city", "province", "postal_code", "country")
DEFAULT_PAYMENT_TERMS = 30
MAX_PAYMENT_TERMS = 3650  # ten years: anything longer is a typo
MAX_NAME = 200
MAX_LINE = 200
MAX_NOTE = 2000
MAX_NUMBER = 20
MAX_TAX_NUMBER = 50
MAX_EMAIL = 254
# Cc: NUL, escape, newlines where they make no sense; Cs: a lone surrogate from a clipboard,
# which SQLite cannot store. Cf is allowed: Persian names need the zero-width non-joiner.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs"})
_NOTE_WHITESPACE = frozenset("\n\t")
_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_/.]*")
_DAYS = re.compile(r"[0-9]{1,5}")
# Deliberately loose: one @, something on both sides, a dot in the domain. Mail servers, not
# regular expressions, decide what exists; this catches a phone typed into the email field.
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+")


class ValidationError(Exception):
    """Messages by field name (`name`, `billing.city`, …), each shown next to its field."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {message}" for field, message in self.errors.items()))


@dataclass(frozen=True, slots=True)
class Address:
    street: str = ""
    city: str = ""
    province: str = ""
    postal_code: str = ""
    country: str = ""

    def is_empty(self) -> bool:
        return not any(getattr(self, part) for part in ADDRESS_PARTS)

    def to_json(self) -> str | None:
        """The stored form: every part present, blank ones as null; no address at all is NULL."""
        if self.is_empty():
            return None
        return json.dumps(
            {part: getattr(self, part) or None for part in ADDRESS_PARTS}, ensure_ascii=False
        )

    @classmethod
    def from_json(cls, stored: str | None) -> Address:
        if not stored:
            return cls()
        parts = json.loads(stored)
        return cls(**{part: str(parts.get(part) or "") for part in ADDRESS_PARTS})

    def one_line(self) -> str:
        return ", ".join(value for part in ADDRESS_PARTS if (value := getattr(self, part)))


@dataclass(frozen=True, slots=True)
class CustomerDraft:
    """Exactly what was typed; every field is text, as the form holds it."""

    name: str = ""
    number: str = ""  # blank: the next number is given when the customer is saved
    contact_name: str = ""
    phone: str = ""
    email: str = ""
    billing: Address = Address()
    shipping: Address = Address()
    payment_terms: str = str(DEFAULT_PAYMENT_TERMS)
    credit_limit: str = ""  # blank: no limit; 0: no credit
    tax_number: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class CustomerFields:
    """A draft that passed every check, in the form it is stored."""

    name: str
    number: str | None
    contact_name: str | None
    phone: str | None
    email: str | None
    billing: Address
    shipping: Address
    payment_terms: int
    credit_limit_minor: int | None
    tax_number: str | None
    note: str | None


class FieldChecker:
    """Collects one message per field, so a form can show them all at once (the customer and
    settings forms share it)."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def text(
        self,
        field: str,
        typed: str,
        *,
        limit: int,
        required: bool = False,
        multiline: bool = False,
        missing: str = "Required.",
    ) -> str | None:
        allowed = _NOTE_WHITESPACE if multiline else frozenset()
        if any(
            unicodedata.category(ch) in _FORBIDDEN_CATEGORIES and ch not in allowed for ch in typed
        ):
            self.errors[field] = "Contains hidden control characters; type it again."
            return None
        tidy = typed.strip() if multiline else tidy_name(typed)
        if not tidy:
            if required:
                self.errors[field] = missing
            return None
        if len(tidy) > limit:
            self.errors[field] = f"Too long: at most {limit} characters (this has {len(tidy)})."
            return None
        return tidy

    def address(self, prefix: str, typed: Address) -> Address:
        parts = {
            part: self.text(f"{prefix}.{part}", getattr(typed, part), limit=MAX_LINE) or ""
            for part in ADDRESS_PARTS
        }
        return Address(**parts)


def validate_customer(
    draft: CustomerDraft, *, region: str | None, money_format: CurrencyFormat = DEFAULT_FORMAT
) -> CustomerFields:
    """The storable customer, or ValidationError naming every field that needs fixing.

    `region` is the shop's phone region, so `0555 123 456` is stored exactly as the upgrade
    stored the same number typed `0555-123-456` (app/domain/phone.py).
    """
    check = FieldChecker()
    name = check.text("name", draft.name, limit=MAX_NAME, required=True)
    number = _number(check, draft.number)
    contact_name = check.text("contact_name", draft.contact_name, limit=MAX_NAME)
    phone = _phone(check, draft.phone, region)
    email = _email(check, draft.email)
    billing = check.address("billing", draft.billing)
    shipping = check.address("shipping", draft.shipping)
    payment_terms = check_payment_terms(check, draft.payment_terms)
    credit_limit = check_credit_limit(check, draft.credit_limit, money_format)
    tax_number = check.text("tax_number", draft.tax_number, limit=MAX_TAX_NUMBER)
    note = check.text("note", draft.note, limit=MAX_NOTE, multiline=True)
    if check.errors or name is None or payment_terms is None:
        raise ValidationError(check.errors)
    return CustomerFields(
        name=name,
        number=number,
        contact_name=contact_name,
        phone=phone,
        email=email,
        billing=billing,
        shipping=shipping,
        payment_terms=payment_terms,
        credit_limit_minor=credit_limit,
        tax_number=tax_number,
        note=note,
    )


def _number(check: FieldChecker, typed: str) -> str | None:
    number = check.text("number", typed, limit=MAX_NUMBER)
    if number is not None and not _NUMBER.fullmatch(number):
        check.errors["number"] = "Use letters, digits and - _ / . only, e.g. C-00042."
        return None
    return number


def _phone(check: FieldChecker, typed: str, region: str | None) -> str | None:
    text = check.text("phone", typed, limit=MAX_LINE)
    if text is None:
        return None
    stored = normalize_phone(text, region)
    if stored is None or len(stored) > MAX_NUMBER:
        check.errors["phone"] = "Not a phone number: digits, spaces or dashes, e.g. 0555 123 456."
        return None
    return stored


def _email(check: FieldChecker, typed: str) -> str | None:
    email = check.text("email", typed, limit=MAX_EMAIL)
    if email is not None and not _EMAIL.fullmatch(email):
        check.errors["email"] = "Not an email address, e.g. name@example.com."
        return None
    return email


def check_payment_terms(check: FieldChecker, typed: str) -> int | None:
    text = typed.strip()
    # An explicit ASCII pattern: int() would also take `٣٠`, `3_0` and ` 30 `.
    if not _DAYS.fullmatch(text):
        check.errors["payment_terms"] = "Enter whole days, e.g. 30 (0 means pay at once)."
        return None
    days = int(text)
    if days > MAX_PAYMENT_TERMS:
        check.errors["payment_terms"] = f"At most {MAX_PAYMENT_TERMS} days."
        return None
    return days


def check_credit_limit(check: FieldChecker, typed: str, money_format: CurrencyFormat) -> int | None:
    if not typed.strip():
        return None
    try:
        return Money.parse(typed, money_format).minor
    except MoneyParseError as error:
        check.errors["credit_limit"] = f"{error}; leave it empty for no limit."
        return None


def draft_of(
    stored: CustomerFields, money_format: CurrencyFormat = DEFAULT_FORMAT
) -> CustomerDraft:
    """The form's text for a stored customer, so editing starts from what is saved."""
    credit = stored.credit_limit_minor
    return CustomerDraft(
        name=stored.name,
        number=stored.number or "",
        contact_name=stored.contact_name or "",
        phone=stored.phone or "",
        email=stored.email or "",
        billing=stored.billing,
        shipping=stored.shipping,
        payment_terms=str(stored.payment_terms),
        credit_limit=""
        if credit is None
        else Money(credit).format(money_format, with_symbol=False),
        tax_number=stored.tax_number or "",
        note=stored.note or "",
    )


def changed_fields(before: CustomerFields, after: CustomerFields) -> list[str]:
    """Names of the fields that differ, in form order; empty when an edit changed nothing."""
    return [
        f.name for f in fields(CustomerFields) if getattr(before, f.name) != getattr(after, f.name)
    ]
