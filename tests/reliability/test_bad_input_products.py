"""The catalogue typed into the product form and the products search: stored exactly, or refused
by its field with nothing written."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit
from pytestqt.qtbot import QtBot

from app.db.database import DukanDatabase
from app.domain.product_form import ProductDraft, ValidationError, tidy_barcode, validate_product
from app.services.product_catalog import ProductCatalog
from app.services.product_csv import ProductCsv
from app.ui.app_events import AppEvents
from app.ui.sales.product_edit_dialog import ProductEditDialog
from app.ui.sales.products_dialog import ProductsDialog
from tests.reliability.bad_input_form_support import Tally, submitted, uncut, unwritten
from tests.reliability.bad_input_support import (
    PromptsSeen,
    one_field,
    prompts_seen_fixture,  # noqa: F401 - a fixture
    shop_database_fixture,  # noqa: F401 - a fixture
)
from tests.reliability.bad_inputs import AMOUNTS, NAMES, NUMBERS, QUANTITIES, Hostile

BASE = ProductDraft(name="Base product", price="1.00", stock="0")
ON_THE_SHELF = ProductDraft(barcode="6130001000066", name="Thé vert", price="250.00", stock="7")
FIELDS: dict[str, tuple[Hostile, ...]] = {
    "barcode": NUMBERS + NAMES,
    "name": NAMES,
    "price": AMOUNTS,
    "stock": QUANTITIES,
}


@pytest.fixture
def catalog(shop_database: DukanDatabase) -> ProductCatalog:
    return ProductCatalog()


def edit_of(dialog: ProductEditDialog, field: str) -> QLineEdit:
    edit = dialog.findChild(QLineEdit, field)
    assert isinstance(edit, QLineEdit)
    return edit


def save(qtbot: QtBot, dialog: ProductEditDialog) -> bool:
    dialog.saved_id = None
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    return dialog.saved_id is not None


def checker_refuses(draft: ProductDraft, field: str, catalog: ProductCatalog) -> bool:
    """Whether the field's own checker refuses the draft there (or the barcode is taken)."""
    try:
        validate_product(draft)
    except ValidationError as refused:
        return field in refused.errors
    barcode = tidy_barcode(draft.barcode)
    taken = barcode is not None and any(p.barcode == barcode for p in catalog.all())
    return field == "barcode" and taken


def test_every_product_field_stores_the_value_exactly_or_says_why_by_it(
    qtbot: QtBot,
    shop_database: DukanDatabase,
    catalog: ProductCatalog,
    prompts_seen: PromptsSeen,
) -> None:
    conn = shop_database.sqlite_connection()
    catalog.create(ON_THE_SHELF)
    dialog = ProductEditDialog(catalog)
    qtbot.addWidget(dialog)
    tally = Tally()
    for field, hostiles in FIELDS.items():
        for hostile in hostiles:
            what = f"product {field} = {hostile.label}"
            # Each accepted barcode is taken from then on: start from none.
            dialog.set_draft(BASE)
            edit = edit_of(dialog, field)
            edit.setText(hostile.text)
            held = edit.text()
            draft = dialog.draft()
            refusable = checker_refuses(draft, field, catalog)
            accepted = submitted(
                qtbot,
                conn,
                what,
                partial(save, qtbot, dialog),
                partial(dialog.errors.message, field),
            )
            tally.add(what, accepted)
            if not accepted:
                assert refusable, f"{what}: refused, yet its checker takes it"
                continue
            assert not refusable, f"{what}: saved, yet its checker refuses it"
            assert dialog.saved_id is not None
            assert catalog.get(dialog.saved_id).fields == validate_product(draft), what
            if held != uncut(hostile.text):
                whole = replace(draft, **one_field(field, uncut(hostile.text)))
                assert not checker_refuses(whole, field, catalog) and validate_product(
                    whole
                ) == validate_product(draft), f"{what}: cut to {len(held)} and saved"
    assert not prompts_seen.shown
    assert len(tally.accepted) > 60 and len(tally.refused) > 200, tally


def test_editing_a_product_with_bad_input_leaves_it_as_stored(
    qtbot: QtBot, shop_database: DukanDatabase, catalog: ProductCatalog
) -> None:
    conn = shop_database.sqlite_connection()
    product_id = catalog.create(ON_THE_SHELF)
    other = catalog.create(replace(ON_THE_SHELF, barcode="6130001000028", name="Huile"))
    before = catalog.get(product_id)
    dialog = ProductEditDialog(catalog, product_id=product_id, draft=ON_THE_SHELF)
    qtbot.addWidget(dialog)
    refused = {
        "barcode": [NUMBERS[3], Hostile("other-product", catalog.get(other).barcode or "")],
        "name": [NAMES[0], NAMES[3], NAMES[5], Hostile("long", "x" * 10_000)],
        "price": [a for a in AMOUNTS if a.label in {"nan", "minus-one", "exponent-overflow"}],
        "stock": [q for q in QUANTITIES if q.label in {"ten-thousand-digits", "three-decimals"}],
    }
    for field, hostiles in refused.items():
        for hostile in hostiles:
            what = f"edit {field} = {hostile.label}"
            dialog.set_draft(ON_THE_SHELF)
            edit_of(dialog, field).setText(hostile.text)
            assert not submitted(
                qtbot,
                conn,
                what,
                partial(save, qtbot, dialog),
                partial(dialog.errors.message, field),
            ), f"{what}: saved"
    assert catalog.get(product_id) == before


def test_any_catalogue_text_in_the_products_search_neither_raises_nor_writes(
    qtbot: QtBot,
    shop_database: DukanDatabase,
    catalog: ProductCatalog,
    prompts_seen: PromptsSeen,
    tmp_path: Path,
) -> None:
    conn = shop_database.sqlite_connection()
    for draft in (ON_THE_SHELF, replace(BASE, name="محمد بن علي"), replace(BASE, name="ХАСАН")):
        catalog.create(draft)
    dialog = ProductsDialog(catalog, ProductCsv(catalog), AppEvents(), folder=tmp_path)
    qtbot.addWidget(dialog)
    found = 0
    for hostile in NAMES + NUMBERS:
        what = f"products search = {hostile.label}"

        def search(typed: str = hostile.text) -> None:
            dialog.search_edit.setText(typed)
            qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Return)

        unwritten(qtbot, conn, what, search)
        assert dialog.found_label.text().strip(), what
        found += dialog.model.rowCount() > 0
    # The names typed in the shop's own scripts found their products.
    assert found >= 3
    assert not prompts_seen.shown
