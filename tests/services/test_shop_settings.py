"""Settings stored in the shop's file: round trip, defaults, refusals that write nothing."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from app.db.database import DukanDatabase
from app.domain.customer_form import ValidationError
from app.domain.money import CurrencyFormat
from app.domain.shop_settings import DEFAULT_SETTINGS, SettingsDraft
from app.services.customer_changes import CustomerChanges
from app.services.errors import ServiceError
from app.services.receipts import ReceiptService
from app.services.shop_settings import ShopSettings

DRAFT = SettingsDraft(
    shop_name="Épicerie Amina",
    shop_address="12 rue Didouche\nAlger",
    shop_phone="021 23 45 67",
    receipt_footer="Merci !",
    currency_symbol="DA",
    symbol_after=True,
    decimals="2",
    number_style="1 234,50",
    phone_region="DZ",
    payment_terms="15",
    credit_limit="5 000,00",
    backups_kept="10",
)


@pytest.fixture
def settings(database: DukanDatabase) -> ShopSettings:
    return ShopSettings()


def stored(db: DukanDatabase) -> dict[str, str]:
    rows = db.sqlite_connection().execute("SELECT key, value FROM settings").fetchall()
    return dict(rows)


def test_a_new_file_reads_the_defaults(settings: ShopSettings) -> None:
    assert settings.load() == DEFAULT_SETTINGS


def test_saved_settings_load_back_exactly(settings: ShopSettings, tmp_path: Path) -> None:
    draft = replace(DRAFT, backup_folder=str(tmp_path / "elsewhere"))
    saved = settings.save(draft)
    assert settings.load() == saved
    assert settings.draft() == draft
    assert saved.money_format == CurrencyFormat("DA", True, 2, ",", " ")
    assert saved.credit_limit_minor == 500_000
    # Nothing is made on disk by the settings: the first backup creates the folder.
    assert not (tmp_path / "elsewhere").exists()


def test_other_services_read_what_was_saved(settings: ShopSettings) -> None:
    settings.save(DRAFT)
    header = ReceiptService().shop_header()
    assert (header.name, header.address, header.footer) == (
        "Épicerie Amina",
        "12 rue Didouche\nAlger",
        "Merci !",
    )
    assert CustomerChanges(fallback_region="FR").phone_region() == "DZ"


def test_blank_fields_remove_their_rows(settings: ShopSettings, database: DukanDatabase) -> None:
    settings.save(DRAFT)
    settings.save(replace(DRAFT, shop_phone="", credit_limit="", phone_region=""))
    rows = stored(database)
    assert "shop_phone" not in rows
    assert "default_credit_limit" not in rows
    assert "phone_region" not in rows
    assert settings.load().credit_limit_minor is None


def test_a_refused_draft_writes_nothing(settings: ShopSettings, database: DukanDatabase) -> None:
    settings.save(DRAFT)
    before = stored(database)
    with pytest.raises(ValidationError) as raised:
        settings.save(replace(DRAFT, shop_name="", backups_kept="0"))
    assert set(raised.value.errors) == {"shop_name", "backups_kept"}
    assert stored(database) == before


def test_decimals_cannot_change_once_amounts_are_recorded(
    settings: ShopSettings, database: DukanDatabase
) -> None:
    settings.save(replace(DRAFT, decimals="3"))  # nothing recorded yet: allowed
    assert settings.load().money_format.decimals == 3
    database.sqlite_connection().execute(
        "INSERT INTO products (name, price, created_at) VALUES ('Tea', 1250, '2026-01-01 09:00:00')"
    )
    with pytest.raises(ValidationError) as raised:
        settings.save(replace(DRAFT, decimals="0"))
    assert "3 decimal places" in raised.value.errors["decimals"]
    assert settings.load().money_format.decimals == 3
    # Everything else may still change.
    euros = settings.save(replace(DRAFT, decimals="3", currency_symbol="€"))
    assert euros.money_format.symbol == "€"


def test_a_customers_credit_limit_also_fixes_the_decimals(
    settings: ShopSettings, database: DukanDatabase
) -> None:
    database.sqlite_connection().execute(
        "INSERT INTO customers (name, credit_limit) VALUES ('Amina', 10000)"
    )
    with pytest.raises(ValidationError) as raised:
        settings.save(replace(DRAFT, decimals="0", credit_limit=""))
    assert "limit" in raised.value.errors["decimals"]
    assert stored(database) == {}


def test_the_phone_region_is_fixed_once_a_customer_has_a_phone(database: DukanDatabase) -> None:
    settings = ShopSettings(fallback_region="DZ")
    # Naming the region the computer already reads phones in changes nothing: allowed.
    database.sqlite_connection().execute(
        "INSERT INTO customers (name, phone) VALUES ('Amina', '+213555123456')"
    )
    assert settings.save(replace(DRAFT, phone_region="DZ")).phone_region == "DZ"
    with pytest.raises(ValidationError) as raised:
        settings.save(replace(DRAFT, phone_region="FR"))
    assert raised.value.errors["phone_region"] == (
        "1 customers' phones are stored as read in DZ; the region can change only while no "
        "customer has a phone."
    )
    assert settings.load().phone_region == "DZ"


def test_the_phone_region_may_change_while_no_customer_has_a_phone(
    database: DukanDatabase,
) -> None:
    database.sqlite_connection().execute("INSERT INTO customers (name) VALUES ('Amina')")
    settings = ShopSettings(fallback_region="DZ")
    assert settings.save(replace(DRAFT, phone_region="FR")).phone_region == "FR"


def test_a_database_that_refuses_the_write_is_a_clear_error(
    settings: ShopSettings, database: DukanDatabase
) -> None:
    conn = database.sqlite_connection()
    conn.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON settings "
        "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
    )
    with pytest.raises(ServiceError, match=r"could not be saved.*Nothing was changed"):
        settings.save(DRAFT)
    settings.mark_offered()  # only logged: the dialog is offered again next time
    assert settings.is_first_run()
    assert stored(database) == {}


def test_a_backup_folder_that_cannot_exist_is_refused(
    settings: ShopSettings, tmp_path: Path, database: DukanDatabase
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(ValidationError) as raised:
        settings.save(replace(DRAFT, backup_folder=str(blocker / "backups")))
    assert "cannot be created" in raised.value.errors["backup_folder"]
    assert stored(database) == {}


def test_a_name_with_hidden_characters_is_not_shown(
    settings: ShopSettings, database: DukanDatabase
) -> None:
    database.sqlite_connection().execute(
        "INSERT INTO settings (key, value) VALUES ('shop_name', 'Kiosk\x1b'), ('backups_kept', '3')"
    )
    assert (settings.load().shop_name, settings.load().backups_kept) == (None, 3)


def test_values_written_by_hand_fall_back_to_defaults(
    settings: ShopSettings, database: DukanDatabase
) -> None:
    conn = database.sqlite_connection()
    conn.executemany(
        "INSERT INTO settings (key, value) VALUES (?, ?)",
        [
            ("shop_name", "Kiosk"),
            ("currency_decimals", "nine"),
            ("backups_kept", "-4"),
            ("default_payment_terms", "21"),
            ("default_credit_limit", "12x"),
        ],
    )
    values = settings.load()
    assert values.shop_name == "Kiosk"
    assert values.money_format.decimals == 2
    assert values.backups_kept == DEFAULT_SETTINGS.backups_kept
    assert values.payment_terms == 21
    assert values.credit_limit_minor is None


def test_first_run_is_offered_once(settings: ShopSettings) -> None:
    assert settings.is_first_run()
    settings.mark_offered()
    assert not settings.is_first_run()


def test_a_shop_with_data_is_not_a_first_run(
    settings: ShopSettings, database: DukanDatabase
) -> None:
    database.sqlite_connection().execute("INSERT INTO customers (name) VALUES ('Amina')")
    assert not settings.is_first_run()


def test_saving_is_one_immediate_transaction(
    settings: ShopSettings, database_path: Path, database: DukanDatabase
) -> None:
    database.sqlite_connection().execute("PRAGMA busy_timeout = 50")  # fail fast, not in 10 s
    other = sqlite3.connect(database_path, timeout=0.1)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(Exception, match="locked"):
            settings.save(DRAFT)
    finally:
        other.rollback()
        other.close()
    assert stored(database) == {}


def test_new_customers_start_from_the_shop_defaults(settings: ShopSettings) -> None:
    changes = CustomerChanges()
    assert (changes.new_draft().payment_terms, changes.new_draft().credit_limit) == ("30", "")
    settings.save(DRAFT)
    draft = changes.new_draft(phone="0555 12 34 56")
    assert (draft.phone, draft.name, draft.payment_terms, draft.credit_limit) == (
        "0555 12 34 56",
        "",
        "15",
        "5 000,00",
    )
