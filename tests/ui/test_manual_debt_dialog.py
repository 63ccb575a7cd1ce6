"""Writing in a debt by hand through the dialog: the customer first, then the debt's fields."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from app.db.database import DukanDatabase
from app.domain.customer_form import CustomerDraft
from app.services.customer_changes import CustomerChanges
from app.services.customer_directory import CustomerDirectory
from app.services.debtors import placeholder_id
from app.services.manual_debts import ManualDebts
from app.ui.app_events import AppEvents
from app.ui.dates import to_qdate
from app.ui.debts.debt_services import DebtServices
from app.ui.debts.manual_debt_dialog import ManualDebtDialog, add_manual_debt
from tests.ui.debt_data import add_legacy_debts

TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 10, 30)


@pytest.fixture
def changes(database: DukanDatabase) -> CustomerChanges:
    return CustomerChanges(fallback_region="DZ", now=lambda: NOW)


@pytest.fixture
def customers(changes: CustomerChanges) -> tuple[CustomerDirectory, CustomerChanges]:
    return CustomerDirectory(), changes


@pytest.fixture
def services(database: DukanDatabase) -> DebtServices:
    return DebtServices(manual_debts=ManualDebts(today=lambda: TODAY, now=lambda: NOW))


@pytest.fixture
def samir(changes: CustomerChanges) -> int:
    return changes.create(CustomerDraft(name="Samir Haddad", payment_terms="45"))


@pytest.fixture
def dialog(
    qtbot: QtBot,
    services: DebtServices,
    customers: tuple[CustomerDirectory, CustomerChanges],
) -> ManualDebtDialog:
    shown = ManualDebtDialog(services, customers, AppEvents(), today=lambda: TODAY)
    qtbot.addWidget(shown)
    return shown


def debts(path: Path) -> list[tuple[object, ...]]:
    """Every debt in the file: sale, customer, amount, created, due, note."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT sale_id, customer_id, amount, created_at, due_date, note FROM debts ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def test_no_debt_can_be_started_without_a_customer(
    dialog: ManualDebtDialog, database_path: Path
) -> None:
    assert dialog.picker.walk_in_button.isHidden()
    assert [field.isEnabled() for field in dialog.debt_fields()] == [False] * 4

    dialog.confirm_button.click()

    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.errors.message("customer") == (
        "Choose the customer first: a debt cannot be started without one."
    )
    assert dialog.debt_id is None
    assert debts(database_path) == []


def test_a_manual_debt_for_the_customer_picked(
    qtbot: QtBot,
    services: DebtServices,
    customers: tuple[CustomerDirectory, CustomerChanges],
    *,
    samir: int,
    database_path: Path,
) -> None:
    events = AppEvents()
    dialog = ManualDebtDialog(services, customers, events, today=lambda: TODAY)
    qtbot.addWidget(dialog)

    qtbot.keyClicks(dialog.picker.search_edit, "Samir")
    qtbot.keyClick(dialog.picker.search_edit, Qt.Key.Key_Return)

    assert dialog.picker.customer_id == samir
    assert [field.isEnabled() for field in dialog.debt_fields()] == [True] * 4
    assert dialog.balance_label.text() == "Owes 0.00 now"
    # Due after the customer's 45 days, moving with the date the debt arose.
    assert dialog.due_edit.date() == to_qdate(date(2027, 1, 5))
    assert dialog.terms_label.text() == "the customer's terms: 45 days"
    assert dialog.dated_edit.maximumDate() == to_qdate(TODAY)  # never in the future
    dialog.dated_edit.setDate(to_qdate(date(2026, 1, 10)))
    assert dialog.due_edit.date() == to_qdate(date(2026, 2, 24))
    assert dialog.due_edit.minimumDate() == to_qdate(date(2026, 1, 10))
    qtbot.keyClicks(dialog.amount_edit, "1,250.50")
    qtbot.keyClicks(dialog.note_edit, "  Carried over from the paper book,   page 12 ")

    with qtbot.waitSignal(events.debt_created) as created:
        dialog.confirm_button.click()

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert created.args == [dialog.debt_id]
    note = "Carried over from the paper book, page 12"
    assert debts(database_path) == [
        (None, samir, 125_050, "2026-01-10 00:00:00", "2026-02-24", note)
    ]
    assert customers[0].get(samir).balance_minor == 125_050


def test_a_due_date_the_operator_chose_is_kept(
    dialog: ManualDebtDialog, samir: int, database_path: Path
) -> None:
    dialog.picker.choose(samir)
    dialog.due_edit.setDate(to_qdate(date(2027, 3, 1)))
    dialog.dated_edit.setDate(to_qdate(date(2026, 11, 1)))  # no longer moves the chosen day
    dialog.amount_edit.setText("80")

    dialog.confirm_button.click()

    assert dialog.result() == QDialog.DialogCode.Accepted
    [(_sale, _customer, amount, _created, due, note)] = debts(database_path)
    assert (amount, due, note) == (8_000, "2027-03-01", None)


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ("", "amount", "Enter an amount."),
        ("12.345", "amount", "At most 2 decimal places."),
        ("0", "amount", "Amount cannot be zero."),
        ("10,000,000,000", "amount", "That is more than one debt can be"),
    ],
)
def test_a_wrong_amount_is_explained_next_to_it_and_nothing_is_written(
    dialog: ManualDebtDialog,
    samir: int,
    database_path: Path,
    *,
    typed: str,
    field: str,
    message: str,
) -> None:
    dialog.picker.choose(samir)
    dialog.amount_edit.setText(typed)

    dialog.confirm_button.click()

    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.errors.message(field).startswith(message)
    assert debts(database_path) == []


def test_the_services_refusal_goes_next_to_the_field_it_names(
    dialog: ManualDebtDialog, samir: int, database_path: Path
) -> None:
    dialog.picker.choose(samir)
    dialog.amount_edit.setText("10")
    dialog.note_edit.setText("Page\x0012")  # a NUL pasted from somewhere

    dialog.confirm_button.click()

    assert dialog.errors.message("note") == (
        "The note contains hidden control characters; type it again."
    )
    assert dialog.errors.message("amount") == ""
    assert debts(database_path) == []


def test_the_legacy_placeholder_cannot_be_given_a_debt(
    dialog: ManualDebtDialog, database_path: Path
) -> None:
    add_legacy_debts(database_path, [("Hassan", None, 3_000)])
    holder = placeholder_id()
    assert holder is not None

    dialog.picker.choose(holder)

    assert "choose a real customer" in dialog.errors.message("customer")
    assert [field.isEnabled() for field in dialog.debt_fields()] == [False] * 4
    dialog.confirm_button.click()
    assert len(debts(database_path)) == 1  # the legacy debt alone


def test_an_archived_customer_is_refused(
    dialog: ManualDebtDialog, changes: CustomerChanges, samir: int
) -> None:
    changes.archive(samir, "Moved away")

    dialog.picker.choose(samir)

    assert dialog.errors.message("customer") == (
        "Samir Haddad is archived; restore the customer first."
    )
    assert not dialog.amount_edit.isEnabled()


def test_add_manual_debt_returns_the_new_debt_or_none(
    database: DukanDatabase,
    customers: tuple[CustomerDirectory, CustomerChanges],
    samir: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The dialog opened this way dates the debt today, so the service must share the real
    # clock: with the fixture's fixed day, the test failed once that day was in the past.
    services = DebtServices()

    def fill(self: ManualDebtDialog) -> int:
        assert self.picker.customer_id == samir  # preset by the caller
        self.amount_edit.setText("15")
        self.confirm_button.click()
        return self.result()

    monkeypatch.setattr(ManualDebtDialog, "exec", fill)
    debt_id = add_manual_debt(None, services, customers, AppEvents(), samir)
    assert debt_id is not None
    assert [line.debt_id for line in customers[0].open_debts(samir)] == [debt_id]

    monkeypatch.setattr(ManualDebtDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    assert add_manual_debt(None, services, customers, AppEvents(), samir) is None
