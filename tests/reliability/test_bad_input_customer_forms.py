"""The catalogue typed into the customer and merge forms: stored exactly, or refused by field."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit
from pytestqt.qtbot import QtBot

from app.db.database import DukanDatabase
from app.db.tables import AuditEntry
from app.domain.customer_form import (
    ADDRESS_PARTS,
    CustomerDraft,
    CustomerFields,
    ValidationError,
    validate_customer,
)
from app.domain.reasons import tidy_reason
from app.services.customer_changes import CustomerChanges
from app.services.customer_directory import CustomerDirectory
from app.ui.customers.customer_dialog import CustomerDialog
from app.ui.customers.merge_dialog import MergeDialog
from tests.reliability.bad_input_support import (
    PromptsSeen,
    as_qt_holds,
    nothing_raised,
    one_field,
    prompts_seen_fixture,  # noqa: F401 - a fixture
    refused_and_unwritten,
    shop_database_fixture,  # noqa: F401 - a fixture
)
from tests.reliability.bad_inputs import (
    AMOUNTS,
    NAMES,
    NUMBERS,
    PHONE_STORED_AS_TYPED,
    PHONES,
    QUANTITIES,
    Hostile,
)

REGION = "DZ"
ALREADY_USED = ("already-used-other-format", "already-used-00-form", "already-used-dashes",
                "arabic-indic-phone", "full-width-phone")  # fmt: skip
# Each field of the form and the part of the catalogue it is fed.
LINE_FIELDS: dict[str, tuple[Hostile, ...]] = {
    "name": NAMES,
    "number": NUMBERS,
    "contact_name": NAMES,
    "phone": PHONES,
    "email": NAMES,
    "payment_terms": QUANTITIES,
    "credit_limit": AMOUNTS,
    "tax_number": NAMES,
    **{f"{side}.{part}": NAMES for side in ("billing", "shipping") for part in ADDRESS_PARTS},
}


@pytest.fixture
def changes(shop_database: DukanDatabase) -> CustomerChanges:
    return CustomerChanges(fallback_region=REGION)


@pytest.fixture
def phone_holder(changes: CustomerChanges) -> int:
    """A customer whose phone was typed with spaces; other typings of it belong to her."""
    return changes.create(CustomerDraft(name="Amina Benali", phone=PHONE_STORED_AS_TYPED))


def stored_as_validated(stored: CustomerFields, draft: CustomerDraft) -> None:
    """What the database gives back is what the checker made of the typed text."""
    expected = validate_customer(draft, region=REGION)
    if expected.number is None:
        stored = replace(stored, number=None)  # given from the counter on saving
    assert stored == expected


def dialog_draft_with(draft: CustomerDraft, field: str, typed: str) -> CustomerDraft:
    if "." in field:
        side, part = field.split(".")
        address = replace(getattr(draft, side), **one_field(part, typed))
        return replace(draft, **one_field(side, address))
    return replace(draft, **one_field(field, typed))


def cut_means_the_same(whole: CustomerDraft, cut: CustomerDraft) -> bool:
    try:
        return validate_customer(whole, region=REGION) == validate_customer(cut, region=REGION)
    except ValidationError:
        return False


def submit(qtbot: QtBot, dialog: CustomerDialog, what: str) -> bool:
    dialog.saved_id = None
    with nothing_raised(qtbot, what):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    return dialog.saved_id is not None


@pytest.mark.usefixtures("phone_holder")
def test_every_customer_field_stores_the_value_exactly_or_says_why_by_it(
    qtbot: QtBot,
    shop_database: DukanDatabase,
    changes: CustomerChanges,
    prompts_seen: PromptsSeen,
) -> None:
    directory = CustomerDirectory()
    conn = shop_database.sqlite_connection()
    # One dialog for the whole catalogue: after a save it is simply filled and saved again.
    dialog = CustomerDialog(changes, directory)
    qtbot.addWidget(dialog)
    outcomes: dict[str, list[str]] = {"accepted": [], "refused": []}
    for field, hostiles in LINE_FIELDS.items():
        for hostile in hostiles:
            what = f"{field} = {hostile.label}"
            dialog.set_draft(CustomerDraft(name="Base Customer"))
            edit: QLineEdit = dialog.edits[field]
            edit.setText(hostile.text)
            held = edit.text()
            draft = dialog.draft()
            accepted = refused_and_unwritten(
                conn,
                partial(submit, qtbot, dialog, what),
                partial(dialog.errors.message, field),
                what,
            )
            outcomes["accepted" if accepted else "refused"].append(what)
            if not accepted:
                continue
            assert dialog.saved_id is not None
            stored_as_validated(directory.get(dialog.saved_id).fields, draft)
            if held != as_qt_holds(hostile.text):
                # The field cut the paste: fine only when the whole text means the same.
                whole = dialog_draft_with(draft, field, as_qt_holds(hostile.text))
                assert cut_means_the_same(whole, draft), f"{what}: cut to {len(held)} and saved"
            if field == "phone":
                assert hostile.label not in ALREADY_USED, f"{what}: a second customer has it"
    assert not prompts_seen.shown
    # The catalogue really tries both ways in every field that may be left out.
    assert len(outcomes["accepted"]) > 100 and len(outcomes["refused"]) > 300


def test_a_note_keeps_its_lines_or_is_refused_by_its_field(
    qtbot: QtBot, shop_database: DukanDatabase, changes: CustomerChanges
) -> None:
    directory = CustomerDirectory()
    conn = shop_database.sqlite_connection()
    dialog = CustomerDialog(changes, directory)
    qtbot.addWidget(dialog)
    for hostile in NAMES:
        what = f"note = {hostile.label}"
        dialog.set_draft(CustomerDraft(name="Base Customer"))
        dialog.note_edit.setPlainText(hostile.text)
        draft = dialog.draft()
        if refused_and_unwritten(
            conn,
            partial(submit, qtbot, dialog, what),
            partial(dialog.errors.message, "note"),
            what,
        ):
            assert dialog.saved_id is not None
            stored_as_validated(directory.get(dialog.saved_id).fields, draft)


def test_editing_a_customer_with_bad_input_leaves_the_stored_one_alone(
    qtbot: QtBot, shop_database: DukanDatabase, changes: CustomerChanges, phone_holder: int
) -> None:
    directory = CustomerDirectory()
    conn = shop_database.sqlite_connection()
    other = changes.create(CustomerDraft(name="Karim", phone="0661 22 33 44"))
    before = directory.get(other).fields
    dialog = CustomerDialog(changes, directory, customer_id=other)
    qtbot.addWidget(dialog)
    refused = [PHONES[0], *(p for p in PHONES if p.label in ALREADY_USED)]
    for field, hostile in [
        ("name", NAMES[0]),
        ("name", NAMES[3]),
        *(("phone", p) for p in refused),
    ]:
        what = f"edit {field} = {hostile.label}"
        dialog.set_draft(CustomerDraft(name="Karim", phone="0661 22 33 44"))
        dialog.edits[field].setText(hostile.text)
        if hostile.text == "":  # an emptied phone is a real edit: Karim keeps no phone
            continue
        assert not refused_and_unwritten(
            conn,
            partial(submit, qtbot, dialog, what),
            partial(dialog.errors.message, field),
            what,
        )
    assert directory.get(other).fields == before


def test_a_merge_reason_is_kept_tidy_or_refused_by_its_field(
    qtbot: QtBot,
    shop_database: DukanDatabase,
    changes: CustomerChanges,
    prompts_seen: PromptsSeen,
) -> None:
    directory = CustomerDirectory()
    conn = shop_database.sqlite_connection()
    merged = 0
    for hostile in NAMES:
        what = f"merge reason = {hostile.label}"
        first = changes.create(CustomerDraft(name="Twin"))
        second = changes.create(CustomerDraft(name="Twin"))
        dialog = MergeDialog(directory, changes, first, second)
        qtbot.addWidget(dialog)
        dialog.reason_edit.setText(hostile.text)
        held = dialog.reason_edit.text()

        def merge(dialog: MergeDialog = dialog, what: str = what) -> bool:
            with nothing_raised(qtbot, what):
                dialog.merge_button.click()
            return dialog.outcome is not None

        def message(dialog: MergeDialog = dialog) -> str:
            return dialog.reason_error.text() if not dialog.reason_error.isHidden() else ""

        if not refused_and_unwritten(conn, merge, message, what):
            continue
        merged += 1
        assert held == as_qt_holds(hostile.text), f"{what}: cut to {len(held)} and merged"
        entry = (
            AuditEntry.select()
            .where((AuditEntry.action == "merge") & (AuditEntry.entity_id == dialog.merged.id))  # type: ignore[union-attr]
            .get()
        )
        assert entry.reason == tidy_reason(held)
    assert merged > 5
    assert not prompts_seen.shown
