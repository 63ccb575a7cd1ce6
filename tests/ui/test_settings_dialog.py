"""File → Settings and the first-run dialog, driven through their widgets."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from app.db.database import DukanDatabase
from app.domain.money import CurrencyFormat
from app.main import build_services
from app.services.shop_settings import ShopSettings
from app.ui import settings_dialog
from app.ui.app_events import AppEvents
from app.ui.main_window import MainWindow
from app.ui.settings_dialog import TRY_DEMO, SettingsDialog, system_draft

# The real first-run dialog, before tests/ui/conftest.py stands in for it.
REAL_FIRST_RUN = SettingsDialog.__dict__["ask_first_run"]


@pytest.fixture
def dialog(qtbot: QtBot, database: DukanDatabase, tmp_path: Path) -> SettingsDialog:
    shown = SettingsDialog(ShopSettings(), default_backup_folder=tmp_path / "backups")
    qtbot.addWidget(shown)
    return shown


def stored(database_path: Path) -> dict[str, str]:
    conn = sqlite3.connect(database_path)
    try:
        return dict(conn.execute("SELECT key, value FROM settings").fetchall())
    finally:
        conn.close()


def fill(dialog: SettingsDialog, **texts: str) -> None:
    for field, text in texts.items():
        dialog.edits[field].setText(text)


def choose(combo: object, data: object) -> None:
    combo.setCurrentIndex(combo.findData(data))  # type: ignore[attr-defined]


def test_typed_settings_are_saved_and_shown_again(
    qtbot: QtBot, dialog: SettingsDialog, database_path: Path, tmp_path: Path
) -> None:
    fill(dialog, shop_name="Épicerie Amina", shop_phone="021 23 45 67", currency_symbol="DA")
    dialog.address_edit.setPlainText("12 rue Didouche\nAlger")
    choose(dialog.position_combo, True)
    choose(dialog.style_combo, "1 234,50")
    choose(dialog.region_combo, "DZ")
    fill(dialog, payment_terms="15", credit_limit="5 000", backups_kept="10")
    assert dialog.example_label.text() == "1 234,56 DA"
    dialog.buttons.accepted.emit()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.saved is not None
    assert dialog.saved.money_format == CurrencyFormat("DA", True, 2, ",", " ")
    rows = stored(database_path)
    assert rows["shop_name"] == "Épicerie Amina"
    assert rows["phone_region"] == "DZ"
    assert rows["default_credit_limit"] == "500000"

    again = SettingsDialog(ShopSettings(), default_backup_folder=tmp_path / "backups")
    qtbot.addWidget(again)
    # The limit comes back as the stored amount is written; everything else as typed.
    assert again.draft() == replace(dialog.draft(), credit_limit="5 000,00")
    assert again.address_edit.toPlainText() == "12 rue Didouche\nAlger"
    assert again.region_combo.currentData() == "DZ"


def test_mistakes_are_shown_by_their_fields_and_nothing_is_written(
    dialog: SettingsDialog, database_path: Path
) -> None:
    fill(dialog, shop_name="", payment_terms="٣٠", credit_limit="nan", backups_kept="0")
    dialog.buttons.accepted.emit()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.errors.message("shop_name") == "Required: it heads every receipt."
    assert "whole days" in dialog.errors.message("payment_terms")
    assert "no limit" in dialog.errors.message("credit_limit")
    assert "1 to 365" in dialog.errors.message("backups_kept")
    assert dialog.errors.message("currency_symbol") == ""
    assert stored(database_path) == {}
    fill(dialog, shop_name="Kiosk", payment_terms="30", credit_limit="", backups_kept="7")
    dialog.buttons.accepted.emit()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert stored(database_path)["shop_name"] == "Kiosk"


def test_a_write_the_database_refuses_is_said_in_the_dialog(
    dialog: SettingsDialog, database: DukanDatabase, database_path: Path
) -> None:
    database.sqlite_connection().execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON settings "
        "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
    )
    fill(dialog, shop_name="Kiosk")
    dialog.buttons.accepted.emit()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert not dialog.general_error.isHidden()
    assert "could not be saved: database or disk is full" in dialog.general_error.text()
    assert stored(database_path) == {}


def test_the_unset_region_names_the_computers_region(
    qtbot: QtBot, database: DukanDatabase, tmp_path: Path
) -> None:
    shown = SettingsDialog(ShopSettings(fallback_region="DZ"), default_backup_folder=tmp_path)
    qtbot.addWidget(shown)
    assert shown.region_combo.itemText(0) == "Not set: this computer's region (DZ)"
    assert shown.region_combo.currentData() == ""


def test_money_fields_are_locked_while_a_sale_is_open(
    qtbot: QtBot, database: DukanDatabase, tmp_path: Path
) -> None:
    locked = SettingsDialog(
        ShopSettings(), default_backup_folder=tmp_path, money_locked="Finish the sale first."
    )
    qtbot.addWidget(locked)
    assert not locked.edits["currency_symbol"].isEnabled()
    assert not locked.decimals_combo.isEnabled()
    assert locked.money_note.text() == "Finish the sale first."
    assert locked.edits["shop_name"].isEnabled()


def test_the_system_locale_fills_a_first_run() -> None:
    draft = system_draft(QLocale("fr_DZ"))
    assert (draft.phone_region, draft.currency_symbol, draft.symbol_after) == ("DZ", "DA", True)
    assert draft.number_style == "1 234,50"
    japan = system_draft(QLocale("ja_JP"))
    assert (japan.phone_region, japan.decimals) == ("JP", "0")


def test_first_run_offers_settings_once_and_prefills_them(
    qtbot: QtBot, database: DukanDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[SettingsDialog] = []

    def answer(shown: SettingsDialog) -> int:
        seen.append(shown)
        assert shown.demo_button is not None
        fill(shown, shop_name="Kiosk")
        shown.accept()
        return int(shown.result())

    monkeypatch.setattr(SettingsDialog, "exec", answer)
    monkeypatch.setattr(settings_dialog, "system_draft", lambda: system_draft(QLocale("fr_DZ")))
    settings = ShopSettings()
    assert settings.is_first_run()
    saved = REAL_FIRST_RUN.__get__(None, SettingsDialog)(settings, default_backup_folder=tmp_path)
    assert saved is not None and saved != TRY_DEMO
    assert seen[0].region_combo.currentData() == "DZ"
    assert seen[0].windowTitle() == "Welcome to Dukan"
    assert not settings.is_first_run()


def test_first_run_can_open_the_demo_instead(
    database: DukanDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def try_demo(shown: SettingsDialog) -> int:
        assert shown.demo_button is not None
        shown.demo_button.click()
        return int(shown.result())

    monkeypatch.setattr(SettingsDialog, "exec", try_demo)
    settings = ShopSettings()
    choice = REAL_FIRST_RUN.__get__(None, SettingsDialog)(settings, default_backup_folder=tmp_path)
    assert choice == TRY_DEMO
    # The shop's own first run is still to come.
    assert settings.is_first_run()


@pytest.fixture
def window(
    qtbot: QtBot, database: DukanDatabase, database_path: Path, data_dir: Path
) -> MainWindow:
    """The window as the composition root builds it, services anew after a save."""
    shown = MainWindow(
        build_services(database_path),
        AppEvents(),
        data_dir,
        None,
        services_for=lambda: build_services(database_path),
    )
    qtbot.addWidget(shown)
    return shown


def test_a_new_money_format_rebuilds_the_tabs(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_till = window.sales_tab.till
    assert window.sales_tab.till.total_label.text() == "0.00"

    def save_dinars(shown: SettingsDialog) -> int:
        fill(shown, shop_name="Kiosk", currency_symbol="DA")
        choose(shown.position_combo, True)
        choose(shown.style_combo, "1 234,50")
        shown.accept()
        return int(shown.result())

    monkeypatch.setattr(SettingsDialog, "exec", save_dinars)
    window.tabs.setCurrentIndex(2)
    with qtbot.waitSignal(window._events.settings_saved):
        window.settings_action.trigger()
    assert window.sales_tab.till is not old_till
    assert window.sales_tab.till.total_label.text() == "0,00 DA"
    assert window.tabs.currentIndex() == 2
    assert window.shop_label.text() == "Kiosk · Owner"


def test_a_new_backup_folder_is_used_at_once_and_the_till_is_kept(
    window: MainWindow, database_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    till = window.sales_tab.till
    elsewhere = data_dir.parent / "usb-stick" / "dukan"

    def save_folder(shown: SettingsDialog) -> int:
        assert shown.edits["currency_symbol"].isEnabled()
        fill(shown, shop_name="Kiosk", backup_folder=str(elsewhere))
        shown.accept()
        return int(shown.result())

    monkeypatch.setattr(SettingsDialog, "exec", save_folder)
    window.settings_action.trigger()
    assert window.sales_tab.till is till
    written = window._services.maintenance.backup_now()
    assert written.parent == elsewhere
    assert window._services.maintenance.default_backup_folder == database_path.parent / "backups"
