"""The catalogue typed into every field of File → Settings: stored exactly, or refused by that
field with nothing written."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QPlainTextEdit
from pytestqt.qtbot import QtBot

from app.db.database import DukanDatabase
from app.domain.customer_form import ValidationError
from app.domain.shop_settings import SettingsDraft, validate_settings
from app.services.shop_settings import ShopSettings
from app.ui.settings_dialog import SettingsDialog
from tests.reliability.bad_input_form_support import Tally, submitted, uncut
from tests.reliability.bad_input_support import (
    PromptsSeen,
    one_field,
    prompts_seen_fixture,  # noqa: F401 - a fixture
    shop_database_fixture,  # noqa: F401 - a fixture
)
from tests.reliability.bad_inputs import (
    AMOUNTS,
    NAMES,
    PATH_NAMES,
    QUANTITIES,
    Hostile,
)

BASE = SettingsDraft(shop_name="Base shop", currency_symbol="DA")
LINE_FIELDS: dict[str, tuple[Hostile, ...]] = {
    "shop_name": NAMES,
    "shop_phone": NAMES,
    "shop_tax_number": NAMES,
    "currency_symbol": NAMES,
    "payment_terms": QUANTITIES,
    "credit_limit": AMOUNTS,
    "backups_kept": QUANTITIES,
    "backup_folder": NAMES,
}
BLOCK_FIELDS = ("shop_address", "receipt_footer")


@pytest.fixture
def settings(shop_database: DukanDatabase) -> ShopSettings:
    return ShopSettings(fallback_region="DZ")


def save(dialog: SettingsDialog) -> bool:
    dialog.saved = None
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    return dialog.saved is not None


def checker_refuses(draft: SettingsDraft, field: str) -> bool:
    try:
        validate_settings(draft)
    except ValidationError as refused:
        return field in refused.errors
    return False


def folders(tmp_path: Path) -> tuple[Hostile, ...]:
    """Whole paths under a real folder, with every hostile name as the last part (and the
    names on their own, which are not whole paths)."""
    return tuple(
        Hostile(f"under-tmp:{name.label}", f"{tmp_path}/{name.text}")
        for name in (*NAMES, *PATH_NAMES)
    )


def test_every_settings_field_stores_the_value_exactly_or_says_why_by_it(
    qtbot: QtBot,
    shop_database: DukanDatabase,
    settings: ShopSettings,
    prompts_seen: PromptsSeen,
    tmp_path: Path,
) -> None:
    conn = shop_database.sqlite_connection()
    dialog = SettingsDialog(settings, default_backup_folder=tmp_path / "backups")
    qtbot.addWidget(dialog)
    tally = Tally()
    fed = {**LINE_FIELDS, "backup_folder": LINE_FIELDS["backup_folder"] + folders(tmp_path)}
    for field, hostiles in (*fed.items(), *((block, NAMES) for block in BLOCK_FIELDS)):
        for hostile in hostiles:
            what = f"settings {field} = {hostile.label}"
            dialog.set_draft(BASE)
            editor = dialog.edits.get(field) or dialog.findChild(QPlainTextEdit, field)
            if isinstance(editor, QPlainTextEdit):
                editor.setPlainText(hostile.text)
                held = editor.toPlainText()
            else:
                assert editor is not None, field
                editor.setText(hostile.text)
                held = editor.text()
            draft = dialog.draft()
            refusable = checker_refuses(draft, field)
            accepted = submitted(
                qtbot, conn, what, partial(save, dialog), partial(dialog.errors.message, field)
            )
            tally.add(what, accepted)
            if not accepted:
                # The service also refuses a folder it could not write in.
                assert refusable or field == "backup_folder", f"{what}: refused, yet valid"
                continue
            assert not refusable, f"{what}: saved, yet its checker refuses it"
            stored = ShopSettings(fallback_region="DZ").load()
            assert stored == dialog.saved == validate_settings(draft), what
            if held != uncut(hostile.text):
                whole = replace(draft, **one_field(field, uncut(hostile.text)))
                assert not checker_refuses(whole, field), f"{what}: cut to {len(held)} and saved"
                assert validate_settings(whole) == stored, f"{what}: cut to {len(held)} and saved"
    assert not prompts_seen.shown
    assert len(tally.accepted) > 80 and len(tally.refused) > 250, tally
    # Checking a folder never makes it: a cancelled dialog leaves no trace.
    assert {path.name for path in tmp_path.iterdir()} <= {"data", "shop"}


def test_a_folder_name_longer_than_the_disk_allows_is_refused_by_its_field(
    settings: ShopSettings, shop_database: DukanDatabase, tmp_path: Path
) -> None:
    # Python's Path.exists() raises for a part over 255 bytes instead of saying False; the
    # check used to let that escape the dialog. 100 Arabic letters are 200 bytes in UTF-8.
    conn = shop_database.sqlite_connection()
    for part in ("c" * 301, "ب" * 150):
        draft = replace(BASE, backup_folder=f"{tmp_path}/{part}/backups")
        before = conn.execute("SELECT count(*) FROM settings").fetchone()
        with pytest.raises(ValidationError) as refused:
            settings.save(draft)
        assert set(refused.value.errors) == {"backup_folder"}
        assert "cannot be used on this computer" in refused.value.errors["backup_folder"]
        assert conn.execute("SELECT count(*) FROM settings").fetchone() == before
