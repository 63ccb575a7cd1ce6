"""The catalogue fed to every parser and form checker in app/domain: exact result or message."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.basket import MAX_DESCRIPTION, BasketError, tidy_description
from app.domain.customer_form import (
    ADDRESS_PARTS,
    MAX_EMAIL,
    MAX_LINE,
    MAX_NAME,
    MAX_TAX_NUMBER,
    Address,
    CustomerDraft,
    ValidationError,
    validate_customer,
)
from app.domain.money import MAX_MINOR, Money, MoneyParseError
from app.domain.notes import MAX_NOTE, NoteError, tidy_note
from app.domain.phone import normalize_phone
from app.domain.product_form import MAX_STOCK, ProductDraft, validate_product
from app.domain.reasons import MAX_REASON, ReasonError, tidy_reason
from app.domain.shop_settings import (
    MAX_SHOP_NAME,
    MAX_SHOP_PHONE,
    SettingsDraft,
    validate_settings,
)
from tests.reliability.bad_input_support import (
    documented_tidy,
    expected_minor,
    expected_text,
    has_hidden,
    one_field,
)
from tests.reliability.bad_inputs import (
    AMOUNTS,
    NAMES,
    NUMBERS,
    PHONE_SAME_OTHER_FORMAT,
    PHONE_STORED_AS_TYPED,
    PHONES,
    QUANTITIES,
    Hostile,
    labels,
)

REGION = "DZ"
# Every character Python can hold, lone surrogates included (Hypothesis leaves Cs out unless
# told), and the ones a clipboard or a CSV carries most often, so they turn up in 30 examples.
ANY_CHARACTER = st.characters(exclude_categories=())
TRICKY = st.sampled_from(["\x00", "\ud800", "\u202e", "\u200b", "\ufeff", "\n", "\t", " ", "9"])
HOSTILE_TEXT = st.text(st.one_of(ANY_CHARACTER, TRICKY), max_size=300)
FEW = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ----- money --------------------------------------------------------------------------------


@pytest.mark.parametrize("allow_negative", [False, True])
@pytest.mark.parametrize("hostile", AMOUNTS, ids=labels(AMOUNTS))
def test_an_amount_is_read_exactly_or_refused_with_a_sentence(
    hostile: Hostile, allow_negative: bool
) -> None:
    expected = expected_minor(hostile.text, allow_negative=allow_negative, allow_zero=False)
    try:
        parsed = Money.parse(hostile.text, allow_negative=allow_negative, allow_zero=False)
    except MoneyParseError as refusal:
        assert expected is None, f"{hostile.label} refused: {refusal}"
        assert str(refusal) and "Traceback" not in str(refusal)
        return
    assert parsed.minor == expected
    assert Money.parse(parsed.format(), allow_negative=True) == parsed


@FEW
@given(typed=HOSTILE_TEXT, allow_negative=st.booleans(), allow_zero=st.booleans())
def test_any_text_as_an_amount_is_read_exactly_or_refused(
    typed: str, allow_negative: bool, allow_zero: bool
) -> None:
    expected = expected_minor(typed, allow_negative=allow_negative, allow_zero=allow_zero)
    try:
        parsed = Money.parse(typed, allow_negative=allow_negative, allow_zero=allow_zero)
    except MoneyParseError:
        assert expected is None
        return
    assert parsed.minor == expected


# ----- customers ----------------------------------------------------------------------------

CUSTOMER_LINES = {
    "name": MAX_NAME,
    "contact_name": MAX_NAME,
    "tax_number": MAX_TAX_NUMBER,
    **{f"{side}.{part}": MAX_LINE for side in ("billing", "shipping") for part in ADDRESS_PARTS},
}
BASE_CUSTOMER = CustomerDraft(name="Base Customer")


def is_blank(typed: str) -> bool:
    """Only spaces: an optional field is left empty, not refused."""
    return not has_hidden(typed) and not documented_tidy(typed)


def customer_with(field: str, typed: str) -> CustomerDraft:
    if "." in field:
        side, part = field.split(".")
        address = replace(getattr(BASE_CUSTOMER, side), **one_field(part, typed))
        return replace(BASE_CUSTOMER, **one_field(side, address))
    return replace(BASE_CUSTOMER, **one_field(field, typed))


def stored_customer_field(draft: CustomerDraft, field: str) -> object:
    """The field as validated (raising ValidationError), with blank text read as None."""
    stored = validate_customer(draft, region=REGION)
    if "." in field:
        side, part = field.split(".")
        address: Address = getattr(stored, side)
        return getattr(address, part) or None
    return getattr(stored, field)


def refused_only_at(draft: CustomerDraft | ProductDraft | SettingsDraft, field: str) -> str:
    """The message the field gets; fails unless the draft is refused for that field alone."""
    with pytest.raises(ValidationError) as refused:
        if isinstance(draft, CustomerDraft):
            validate_customer(draft, region=REGION)
        elif isinstance(draft, ProductDraft):
            validate_product(draft)
        else:
            validate_settings(draft)
    assert set(refused.value.errors) == {field}
    message = refused.value.errors[field]
    assert message.strip()
    return message


@pytest.mark.parametrize("field", list(CUSTOMER_LINES))
@pytest.mark.parametrize("hostile", NAMES, ids=labels(NAMES))
def test_a_customer_text_field_keeps_the_tidy_text_or_says_why(
    field: str, hostile: Hostile
) -> None:
    draft = customer_with(field, hostile.text)
    expected = expected_text(hostile.text, CUSTOMER_LINES[field])
    blank_is_fine = field != "name" and is_blank(hostile.text)
    if expected is None and not blank_is_fine:
        refused_only_at(draft, field)
        return
    assert stored_customer_field(draft, field) == expected


@pytest.mark.parametrize("hostile", NAMES, ids=labels(NAMES))
def test_a_customer_note_keeps_its_lines_or_says_why(hostile: Hostile) -> None:
    draft = replace(BASE_CUSTOMER, note=hostile.text)
    if has_hidden(hostile.text, allowed="\n\t") or len(hostile.text.strip()) > 2000:
        refused_only_at(draft, "note")
        return
    assert stored_customer_field(draft, "note") == (hostile.text.strip() or None)


@pytest.mark.parametrize("hostile", PHONES, ids=labels(PHONES))
def test_a_customer_phone_is_stored_normalised_or_refused(hostile: Hostile) -> None:
    draft = replace(BASE_CUSTOMER, phone=hostile.text)
    usable = not has_hidden(hostile.text) and documented_tidy(hostile.text)
    stored = normalize_phone(documented_tidy(hostile.text), REGION) if usable else None
    if not usable and documented_tidy(hostile.text) == "" and not has_hidden(hostile.text):
        assert stored_customer_field(draft, "phone") is None
        return
    if stored is None or len(stored) > 20:
        refused_only_at(draft, "phone")
        return
    assert stored_customer_field(draft, "phone") == stored
    assert re.fullmatch(r"\+?[0-9]{6,19}", stored)


def test_one_phone_typed_in_every_format_is_one_stored_form() -> None:
    typings = [PHONE_STORED_AS_TYPED, PHONE_SAME_OTHER_FORMAT, "00213 555 12 34 56",
               "0555-12-34-56", "٠٥٥٥١٢٣٤٥٦", "０５５５１２３４５６"]  # fmt: skip
    stored = {normalize_phone(typed, REGION) for typed in typings}
    assert stored == {PHONE_SAME_OTHER_FORMAT}


@pytest.mark.parametrize("hostile", NAMES, ids=labels(NAMES))
def test_a_customer_email_is_kept_or_refused(hostile: Hostile) -> None:
    typed = hostile.text
    draft = replace(BASE_CUSTOMER, email=typed)
    tidy = documented_tidy(typed)
    looks_like_email = re.fullmatch(r"[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+", tidy)
    if not has_hidden(typed) and not tidy:
        assert stored_customer_field(draft, "email") is None
    elif has_hidden(typed) or len(tidy) > MAX_EMAIL or not looks_like_email:
        refused_only_at(draft, "email")
    else:
        assert stored_customer_field(draft, "email") == tidy


@pytest.mark.parametrize("hostile", NUMBERS, ids=labels(NUMBERS))
def test_a_customer_number_is_kept_or_refused(hostile: Hostile) -> None:
    draft = replace(BASE_CUSTOMER, number=hostile.text)
    tidy = documented_tidy(hostile.text)
    if not has_hidden(hostile.text) and not tidy:
        assert stored_customer_field(draft, "number") is None
    elif has_hidden(hostile.text) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9\-_/.]{0,19}", tidy):
        refused_only_at(draft, "number")
    else:
        assert stored_customer_field(draft, "number") == tidy


@pytest.mark.parametrize("hostile", QUANTITIES, ids=labels(QUANTITIES))
def test_payment_terms_are_whole_days_or_refused(hostile: Hostile) -> None:
    draft = replace(BASE_CUSTOMER, payment_terms=hostile.text)
    days = hostile.text.strip()
    if re.fullmatch(r"[0-9]{1,5}", days) and int(days) <= 3650:
        assert stored_customer_field(draft, "payment_terms") == int(days)
    else:
        refused_only_at(draft, "payment_terms")


@pytest.mark.parametrize("hostile", AMOUNTS, ids=labels(AMOUNTS))
def test_a_credit_limit_is_an_exact_amount_none_or_refused(hostile: Hostile) -> None:
    draft = replace(BASE_CUSTOMER, credit_limit=hostile.text)
    if not hostile.text.strip():
        assert stored_customer_field(draft, "credit_limit_minor") is None
        return
    expected = expected_minor(hostile.text)
    if expected is None:
        message = refused_only_at(draft, "credit_limit")
        assert "leave it empty for no limit" in message
    else:
        assert stored_customer_field(draft, "credit_limit_minor") == expected


CUSTOMER_DRAFT_FIELDS = ("name", "number", "contact_name", "phone", "email", "payment_terms",
                         "credit_limit", "tax_number", "note")  # fmt: skip


@FEW
@given(field=st.sampled_from(CUSTOMER_DRAFT_FIELDS), typed=HOSTILE_TEXT)
def test_any_text_in_any_customer_field_is_stored_clean_or_refused_there(
    field: str, typed: str
) -> None:
    draft = replace(BASE_CUSTOMER, **one_field(field, typed))
    try:
        stored = validate_customer(draft, region=REGION)
    except ValidationError as refused:
        assert set(refused.errors) == {field}
        return
    for value in (stored.name, stored.contact_name, stored.tax_number, stored.email, stored.number):
        assert value is None or (not has_hidden(value) and value == documented_tidy(value))
    assert stored.note is None or not has_hidden(stored.note, allowed="\n\t")
    assert stored.phone is None or re.fullmatch(r"\+?[0-9]{6,19}", stored.phone)


# ----- products -----------------------------------------------------------------------------

BASE_PRODUCT = ProductDraft(name="Base product", price="1.00", stock="0")


@pytest.mark.parametrize("hostile", NAMES, ids=labels(NAMES))
def test_a_product_name_is_kept_tidy_or_refused(hostile: Hostile) -> None:
    draft = replace(BASE_PRODUCT, name=hostile.text)
    expected = expected_text(hostile.text, MAX_NAME)
    if expected is None:
        refused_only_at(draft, "name")
    else:
        assert validate_product(draft).name == expected


@pytest.mark.parametrize("hostile", NUMBERS + NAMES, ids=labels(NUMBERS + NAMES))
def test_a_barcode_is_printable_ascii_or_refused(hostile: Hostile) -> None:
    draft = replace(BASE_PRODUCT, barcode=hostile.text)
    code = hostile.text.strip()
    if not code:
        assert validate_product(draft).barcode is None
    elif re.fullmatch(r"[!-~]{1,64}", code):
        assert validate_product(draft).barcode == code
    else:
        refused_only_at(draft, "barcode")


@pytest.mark.parametrize("hostile", AMOUNTS, ids=labels(AMOUNTS))
def test_a_price_is_an_exact_amount_or_refused(hostile: Hostile) -> None:
    draft = replace(BASE_PRODUCT, price=hostile.text)
    expected = expected_minor(hostile.text)
    if expected is None:
        refused_only_at(draft, "price")
    else:
        assert validate_product(draft).price_minor == expected


@pytest.mark.parametrize("hostile", QUANTITIES, ids=labels(QUANTITIES))
def test_stock_is_a_whole_count_or_refused(hostile: Hostile) -> None:
    draft = replace(BASE_PRODUCT, stock=hostile.text)
    whole = re.fullmatch(r"(-?)0*([0-9]{1,7})", hostile.text.strip())
    if whole and int(whole[2]) <= MAX_STOCK:
        assert validate_product(draft).stock == int(whole[1] + whole[2])
    else:
        refused_only_at(draft, "stock")


@FEW
@given(field=st.sampled_from(["barcode", "name", "price", "stock"]), typed=HOSTILE_TEXT)
def test_any_text_in_any_product_field_is_stored_clean_or_refused_there(
    field: str, typed: str
) -> None:
    try:
        stored = validate_product(replace(BASE_PRODUCT, **one_field(field, typed)))
    except ValidationError as refused:
        assert set(refused.errors) == {field}
        return
    assert not has_hidden(stored.name) and stored.name == documented_tidy(stored.name)
    assert stored.barcode is None or re.fullmatch(r"[!-~]{1,64}", stored.barcode)
    assert 0 <= stored.price_minor <= MAX_MINOR
    assert abs(stored.stock) <= MAX_STOCK


# ----- settings -----------------------------------------------------------------------------

BASE_SETTINGS = SettingsDraft(shop_name="Base shop")
SETTINGS_LINES = {"shop_name": MAX_SHOP_NAME, "shop_phone": MAX_SHOP_PHONE,
                  "shop_tax_number": MAX_TAX_NUMBER}  # fmt: skip
SETTINGS_FIELDS = ("shop_name", "shop_address", "shop_phone", "shop_tax_number", "receipt_footer",
                   "currency_symbol", "decimals", "phone_region", "payment_terms", "credit_limit",
                   "backup_folder", "backups_kept")  # fmt: skip


@pytest.mark.parametrize("field", list(SETTINGS_LINES))
@pytest.mark.parametrize("hostile", NAMES, ids=labels(NAMES))
def test_a_settings_line_is_kept_tidy_or_refused(field: str, hostile: Hostile) -> None:
    draft = replace(BASE_SETTINGS, **one_field(field, hostile.text))
    expected = expected_text(hostile.text, SETTINGS_LINES[field])
    blank_is_fine = field != "shop_name" and is_blank(hostile.text)
    if expected is None and not blank_is_fine:
        refused_only_at(draft, field)
    else:
        assert getattr(validate_settings(draft), field) == expected


@pytest.mark.parametrize("field", SETTINGS_FIELDS)
@pytest.mark.parametrize("hostile", NUMBERS + NAMES, ids=labels(NUMBERS + NAMES))
def test_every_settings_field_keeps_clean_text_or_refuses_it_there(
    field: str, hostile: Hostile
) -> None:
    draft = replace(BASE_SETTINGS, **one_field(field, hostile.text))
    try:
        stored = validate_settings(draft)
    except ValidationError as refused:
        assert set(refused.errors) == {field}, refused.errors
        assert all(message.strip() for message in refused.errors.values())
        return
    assert_clean_settings(stored)


def assert_clean_settings(stored: object) -> None:
    for name in ("shop_name", "shop_phone", "shop_tax_number", "phone_region", "backup_folder"):
        value = getattr(stored, name)
        assert value is None or not has_hidden(value), name
    for name in ("shop_address", "receipt_footer"):
        value = getattr(stored, name)
        assert value is None or (not has_hidden(value, allowed="\n") and len(value) <= 300), name
    symbol = stored.money_format.symbol  # type: ignore[attr-defined]
    assert not has_hidden(symbol) and len(symbol) <= 8


@FEW
@given(field=st.sampled_from(SETTINGS_FIELDS), typed=HOSTILE_TEXT)
def test_any_text_in_any_settings_field_is_stored_clean_or_refused_there(
    field: str, typed: str
) -> None:
    try:
        stored = validate_settings(replace(BASE_SETTINGS, **one_field(field, typed)))
    except ValidationError as refused:
        assert set(refused.errors) == {field}
        return
    assert_clean_settings(stored)


# ----- one-line texts: notes, reasons, free-line descriptions -------------------------------


@pytest.mark.parametrize("hostile", NAMES, ids=labels(NAMES))
def test_a_note_a_reason_and_a_description_are_tidy_or_refused(hostile: Hostile) -> None:
    expected_note = expected_text(hostile.text, MAX_NOTE)
    blank = not has_hidden(hostile.text) and not documented_tidy(hostile.text)
    if expected_note is None and not blank:
        with pytest.raises(NoteError):
            tidy_note(hostile.text)
    else:
        assert tidy_note(hostile.text) == expected_note
    for tidy, limit, error in (
        (tidy_reason, MAX_REASON, ReasonError),
        (tidy_description, MAX_DESCRIPTION, BasketError),
    ):
        expected = expected_text(hostile.text, limit)
        if expected is None:
            with pytest.raises(error):
                tidy(hostile.text)
        else:
            assert tidy(hostile.text) == expected


@FEW
@given(typed=HOSTILE_TEXT)
def test_any_text_as_a_note_reason_or_description_is_tidy_or_refused(typed: str) -> None:
    for tidy, limit, error in (
        (tidy_note, MAX_NOTE, NoteError),
        (tidy_reason, MAX_REASON, ReasonError),
        (tidy_description, MAX_DESCRIPTION, BasketError),
    ):
        expected = expected_text(typed, limit)
        try:
            kept = tidy(typed)
        except error:
            assert expected is None
            continue
        assert kept == expected or (kept is None and not documented_tidy(typed))
