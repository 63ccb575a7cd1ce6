"""The shop's settings: read with safe defaults, checked and saved in one transaction."""

from __future__ import annotations

import logging
import os
from dataclasses import replace
from pathlib import Path

from peewee import PeeweeException

from app.db.database import database_proxy
from app.db.query_rows import tuples
from app.db.tables import Customer, Debt, Payment, Product, Sale, Setting
from app.domain.customer_form import ValidationError
from app.domain.money import Money
from app.domain.shop_settings import (
    DEFAULT_SETTINGS,
    SettingsDraft,
    ShopSettingsValues,
    draft_of,
    validate_settings,
)
from app.services.errors import ServiceError
from app.services.setting_keys import (
    BACKUP_FOLDER,
    BACKUPS_KEPT,
    CURRENCY_DECIMALS,
    CURRENCY_SYMBOL,
    CURRENCY_SYMBOL_AFTER,
    DEFAULT_CREDIT_LIMIT,
    DEFAULT_PAYMENT_TERMS,
    NUMBER_STYLE,
    PHONE_REGION,
    RECEIPT_FOOTER,
    SETTINGS_OFFERED,
    SHOP_ADDRESS,
    SHOP_NAME,
    SHOP_PHONE,
    SHOP_TAX_NUMBER,
)

log = logging.getLogger(__name__)

UNNAMED = "\u2014"  # stands in for a missing shop name while the other fields are read

# Each field of the draft, by the key it is stored under.
_TEXT_KEYS = {
    "shop_name": SHOP_NAME,
    "shop_address": SHOP_ADDRESS,
    "shop_phone": SHOP_PHONE,
    "shop_tax_number": SHOP_TAX_NUMBER,
    "receipt_footer": RECEIPT_FOOTER,
    "currency_symbol": CURRENCY_SYMBOL,
    "decimals": CURRENCY_DECIMALS,
    "number_style": NUMBER_STYLE,
    "phone_region": PHONE_REGION,
    "payment_terms": DEFAULT_PAYMENT_TERMS,
    "backup_folder": BACKUP_FOLDER,
    "backups_kept": BACKUPS_KEPT,
}
_ALL_KEYS = (*_TEXT_KEYS.values(), CURRENCY_SYMBOL_AFTER, DEFAULT_CREDIT_LIMIT)


class ShopSettings:
    def __init__(self, *, fallback_region: str | None = None) -> None:
        # The region phones are read in while the shop names none (the system's locale).
        self._fallback_region = fallback_region

    @property
    def fallback_region(self) -> str | None:
        return self._fallback_region

    def load(self) -> ShopSettingsValues:
        """What is stored, field by field; a missing or unreadable value takes its default,
        so a setting written by hand or by an older Dukan never stops the till."""
        draft = self._draft_from(self._stored())
        # A shop may have no name yet (receipts then say "Dukan"): check the rest without it.
        named = replace(draft, shop_name=draft.shop_name or UNNAMED)
        try:
            values = validate_settings(named)
        except ValidationError as error:
            log.warning("stored settings not readable, defaults used for: %s", error)
            defaults = draft_of(DEFAULT_SETTINGS)
            fixed = {name: getattr(defaults, name) for name in error.errors}
            if "shop_name" in fixed:
                fixed["shop_name"] = UNNAMED
            values = validate_settings(replace(named, **fixed))
        return values if values.shop_name != UNNAMED else replace(values, shop_name=None)

    def draft(self) -> SettingsDraft:
        """The form's text for what is stored now."""
        return draft_of(self.load())

    def validate(self, draft: SettingsDraft) -> ShopSettingsValues:
        """The settings as they would be stored, or ValidationError per field."""
        errors: dict[str, str] = {}
        values: ShopSettingsValues | None = None
        try:
            values = validate_settings(draft)
        except ValidationError as error:
            errors = dict(error.errors)
        current = self.load()
        decimals = current.money_format.decimals
        # Amounts are stored in minor units: 1250 is 12.50 with two decimals, 1,250 with none.
        if (
            "decimals" not in errors
            and draft.decimals.strip() != str(decimals)
            and _amounts_recorded()
        ):
            errors["decimals"] = (
                f"Amounts are already recorded with {decimals} decimal places; "
                "changing it would change every price, limit and debt."
            )
        if "phone_region" not in errors and values is not None:
            problem = self._region_change_problem(current.phone_region, values.phone_region)
            if problem:
                errors["phone_region"] = problem
        if "backup_folder" not in errors and values is not None and values.backup_folder:
            problem = _unwritable(Path(values.backup_folder))
            if problem:
                errors["backup_folder"] = problem
        if errors or values is None:
            raise ValidationError(errors)
        return values

    def _region_change_problem(self, before: str | None, after: str | None) -> str | None:
        """Phones are stored as read in the region (`0555 12 34 56` is `+213555123456` in DZ,
        `0555123456` with none): a new region would let the same phone make a second
        customer, so it may change only while no customer has a phone."""
        if (before or self._fallback_region) == (after or self._fallback_region):
            return None
        with_phones = Customer.select().where(Customer.phone.is_null(False)).count()
        if not with_phones:
            return None
        shown = before or self._fallback_region or "none"
        return (
            f"{with_phones} customers' phones are stored as read in {shown}; the region can "
            "change only while no customer has a phone."
        )

    def save(self, draft: SettingsDraft) -> ShopSettingsValues:
        """Check and store every setting in one transaction; blank ones are removed."""
        try:
            with database_proxy.atomic():
                # Checked inside the transaction: no sale can slip in between (decimals).
                values = self.validate(draft)
                self._write(values)
        except PeeweeException as error:
            log.exception("settings not saved")
            raise ServiceError(
                f"The settings could not be saved: {error}. Nothing was changed."
            ) from error
        return values

    @staticmethod
    def _write(values: ShopSettingsValues) -> None:
        stored_draft = draft_of(values)
        rows = {key: str(getattr(stored_draft, name)) for name, key in _TEXT_KEYS.items()}
        rows[CURRENCY_SYMBOL_AFTER] = "1" if values.money_format.symbol_after else "0"
        limit = values.credit_limit_minor
        rows[DEFAULT_CREDIT_LIMIT] = "" if limit is None else str(limit)
        rows[SETTINGS_OFFERED] = "1"
        blank = [key for key, value in rows.items() if not value]
        Setting.delete().where(Setting.key.in_(blank)).execute()
        kept = [{"key": key, "value": value} for key, value in rows.items() if value]
        Setting.insert_many(kept).on_conflict_replace().execute()
        log.info("settings saved: %s", {key: rows[key] for key in sorted(rows)})

    def is_first_run(self) -> bool:
        """True for a new, empty shop whose settings were never offered."""
        if Setting.select().where(Setting.key == SETTINGS_OFFERED).exists():
            return False
        return not (_amounts_recorded() or Customer.select().exists())

    def mark_offered(self) -> None:
        """Remember that the first-run Settings dialog was shown, even if it was cancelled."""
        try:
            with database_proxy.atomic():
                Setting.insert(key=SETTINGS_OFFERED, value="1").on_conflict_replace().execute()
        except PeeweeException as error:
            # Only means the dialog is offered again at the next start.
            log.warning("could not remember that settings were offered: %s", error)

    @staticmethod
    def _stored() -> dict[str, str]:
        rows = Setting.select(Setting.key, Setting.value).where(Setting.key.in_(_ALL_KEYS))
        return {str(key): str(value) for key, value in tuples(rows)}

    @staticmethod
    def _draft_from(stored: dict[str, str]) -> SettingsDraft:
        defaults = draft_of(DEFAULT_SETTINGS)
        fields = {
            name: stored.get(key, getattr(defaults, name)) for name, key in _TEXT_KEYS.items()
        }
        draft = SettingsDraft(**fields, symbol_after=stored.get(CURRENCY_SYMBOL_AFTER) == "1")
        limit = stored.get(DEFAULT_CREDIT_LIMIT, "")
        if limit.isascii() and limit.isdigit():
            try:
                money_format = validate_settings(replace(draft, shop_name=UNNAMED)).money_format
            except ValidationError:
                return draft
            return replace(
                draft, credit_limit=Money(int(limit)).format(money_format, with_symbol=False)
            )
        return draft


def _amounts_recorded() -> bool:
    """Whether any amount in minor units is stored: prices, sales, debts, payments, limits."""
    tables = (Product, Sale, Debt, Payment)
    if any(table.select().exists() for table in tables):
        return True
    return bool(Customer.select().where(Customer.credit_limit.is_null(False)).exists())


def _unwritable(folder: Path) -> str | None:
    """Why backups could not be written in `folder`, or None when they could. Nothing is
    created: the first backup makes the folder, and a cancelled dialog leaves no trace."""
    existing = folder
    try:
        while not existing.exists():
            if existing.parent == existing:
                return "This folder cannot be created: its drive is not there."
            existing = existing.parent
    except (OSError, ValueError) as error:
        # A part longer than the disk allows (255 bytes in UTF-8 on most) raises instead.
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        return f"This folder name cannot be used on this computer ({reason}); choose another."
    if not existing.is_dir():
        return f"This folder cannot be created: {existing} is a file."
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"Dukan cannot write in {existing}; choose another folder."
    return None
