"""The legacy queue: the banner counting old debts, and giving them to customers."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel
from pytestqt.qtbot import QtBot

from app.db.database import DukanDatabase
from app.domain.customer_form import CustomerDraft
from app.services.customer_changes import CustomerChanges
from app.services.customer_directory import CustomerDirectory
from app.services.debtors import placeholder_id
from app.services.legacy_queue import LegacyQueue
from app.ui.app_events import AppEvents
from app.ui.debts.debtor_table_model import Column as DebtorColumn
from app.ui.debts.debts_tab import DebtsTab
from app.ui.debts.legacy_queue_view import LegacyQueueDialog
from app.ui.debts.unassigned_model import NOT_TYPED, Column
from tests.ui.conftest import PromptRecorder
from tests.ui.debt_data import TODAY, add_legacy_debts, services_on


@pytest.fixture
def legacy(database: DukanDatabase, database_path: Path) -> list[int]:
    return add_legacy_debts(
        database_path,
        [("Ahmed", None, 4_000), (None, "0555 44 33 22", 2_500), ("  ", "", 1_000)],
    )


@pytest.fixture
def events() -> AppEvents:
    return AppEvents()


@pytest.fixture
def customers(database: DukanDatabase) -> tuple[CustomerDirectory, CustomerChanges]:
    return CustomerDirectory(today=lambda: TODAY), CustomerChanges(fallback_region="DZ")


@pytest.fixture
def dialog(
    qtbot: QtBot,
    legacy: list[int],
    customers: tuple[CustomerDirectory, CustomerChanges],
    events: AppEvents,
) -> LegacyQueueDialog:
    widget = LegacyQueueDialog(LegacyQueue(), customers, events)
    qtbot.addWidget(widget)
    return widget


def _select(dialog: LegacyQueueDialog, *debt_ids: int) -> None:
    dialog.table.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for debt_id in debt_ids:
        row = dialog.model.row_of(debt_id)
        assert row is not None
        dialog.table.selectionModel().select(dialog.model.index(row, 0), flags)


def test_the_queue_shows_what_the_cashier_typed(
    dialog: LegacyQueueDialog, legacy: list[int]
) -> None:
    model = dialog.model
    assert dialog.count_label.text() == "3 old debts need a customer"
    rows = [[model.index(row, column).data() for column in Column] for row in range(3)]
    assert [row[Column.NAME] for row in rows] == ["Ahmed", NOT_TYPED, NOT_TYPED]
    assert [row[Column.PHONE] for row in rows] == [NOT_TYPED, "0555 44 33 22", NOT_TYPED]
    assert [row[Column.SOLD] for row in rows] == [
        "2024-01-01 10:00",
        "2024-01-02 10:00",
        "2024-01-03 10:00",
    ]
    assert [row[Column.AMOUNT] for row in rows] == ["40.00", "25.00", "10.00"]
    assert [row[Column.OUTSTANDING] for row in rows] == ["40.00", "25.00", "10.00"]
    assert not dialog.assign_button.isEnabled()


def test_assigning_several_debts_to_a_new_customer(
    dialog: LegacyQueueDialog,
    legacy: list[int],
    customers: tuple[CustomerDirectory, CustomerChanges],
    events: AppEvents,
    qtbot: QtBot,
) -> None:
    directory, changes = customers
    # As "New customer…" in the picker would have made them.
    ahmed = changes.create(CustomerDraft(name="Ahmed Kaci", phone="0555 44 33 22"))
    _select(dialog, legacy[0], legacy[1])
    assert not dialog.assign_button.isEnabled(), "no customer chosen yet"
    dialog.picker.choose(ahmed)
    assert dialog.assign_button.isEnabled()

    with qtbot.waitSignal(events.customer_saved) as saved:
        dialog.assign_button.click()

    assert saved.args == [ahmed]
    assert sorted(dialog.assigned) == sorted(legacy[:2])
    assert directory.get(ahmed).balance_minor == 6_500
    assert [dialog.model.row_at(row).debt_id for row in range(dialog.model.rowCount())] == [
        legacy[2]
    ]
    assert dialog.count_label.text() == "1 old debt needs a customer"


def test_debts_of_one_sale_move_together_without_a_complaint(
    qtbot: QtBot,
    database_path: Path,
    customers: tuple[CustomerDirectory, CustomerChanges],
    events: AppEvents,
    recorded_prompts: PromptRecorder,
) -> None:
    first, second, other = add_legacy_debts(
        database_path, [("Ahmed", None, (4_000, 500)), (None, None, 1_000)]
    )
    dialog = LegacyQueueDialog(LegacyQueue(), customers, events)
    qtbot.addWidget(dialog)
    karim = customers[1].create(CustomerDraft(name="Karim"))
    _select(dialog, first, second, other)
    dialog.picker.choose(karim)

    moved = dialog.assign_selected()

    assert sorted(moved) == [first, second, other]
    assert recorded_prompts.shown == []
    assert customers[0].get(karim).balance_minor == 4_000 + 500 + 1_000
    assert dialog.model.rowCount() == 0
    assert dialog.count_label.text() == "Every old debt now belongs to a customer."


def test_a_refused_assignment_is_a_message(
    dialog: LegacyQueueDialog, legacy: list[int], recorded_prompts: PromptRecorder
) -> None:
    holder = placeholder_id()
    assert holder is not None
    _select(dialog, legacy[0])
    dialog.picker.choose(holder)
    assert dialog.assign_selected() == []
    assert recorded_prompts.titles() == ["Some debts were not assigned"]
    assert "choose a real customer" in recorded_prompts.texts()
    assert dialog.model.rowCount() == 3


def test_the_banner_opens_the_queue_and_goes_when_it_is_empty(
    qtbot: QtBot,
    legacy: list[int],
    customers: tuple[CustomerDirectory, CustomerChanges],
    events: AppEvents,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tab = DebtsTab(services_on(), customers, events, today=lambda: TODAY)
    qtbot.addWidget(tab)
    tab.show()
    qtbot.waitExposed(tab)
    assert tab.banner.isVisible()
    assert tab.banner.label.text() == "3 old debts need a customer"
    # The placeholder is no debtor: its debts wait in the queue, not in the list.
    assert tab.debtors.model.rowCount() == 0

    samir = customers[1].create(CustomerDraft(name="Samir"))

    def assign_all(dialog: LegacyQueueDialog) -> int:
        dialog.table.selectAll()
        dialog.picker.choose(samir)
        dialog.assign_button.click()
        return dialog.result()

    monkeypatch.setattr(LegacyQueueDialog, "exec", assign_all)
    tab.banner.assign_button.click()

    assert not tab.banner.isVisible()
    assert tab.debtors.model.rowCount() == 1
    assert tab.debtors.model.index(0, DebtorColumn.OUTSTANDING).data() == "75.00"
