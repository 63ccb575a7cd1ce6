"""The Debts tab through its widgets: headline, views, buttons, reminder, refresh on events."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from app.db.database import DukanDatabase
from app.services.customer_changes import CustomerChanges
from app.services.customer_directory import CustomerDirectory
from app.services.debt_book import DebtStatus
from app.services.errors import ServiceError
from app.ui.app_events import AppEvents
from app.ui.debts import (
    debts_tab,
    manual_debt_dialog,
    payment_dialog,
    reverse_payment_dialog,
    statement_dialog,
)
from app.ui.debts.debt_list_model import Column as DebtColumn
from app.ui.debts.debtor_table_model import Column
from app.ui.debts.debts_tab import DebtsTab
from app.ui.debts.reminder_dialog import ReminderDialog
from tests.ui.conftest import PromptRecorder
from tests.ui.customer_data import add_credit_sale
from tests.ui.debt_data import NOW, TODAY, SmallShop, services_on, small_shop


@pytest.fixture
def shop(database: DukanDatabase, database_path: Path) -> SmallShop:
    return small_shop(database_path)


@pytest.fixture
def events() -> AppEvents:
    return AppEvents()


@pytest.fixture
def tab(qtbot: QtBot, shop: SmallShop, events: AppEvents) -> DebtsTab:
    widget = DebtsTab(
        services_on(),
        (CustomerDirectory(today=lambda: TODAY), CustomerChanges()),
        events,
        today=lambda: TODAY,
    )
    qtbot.addWidget(widget)
    widget.resize(1200, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[tuple[Any, ...]]]:
    """Helper D's dialogs replaced by recorders of what the tab asked them for."""
    recorded: dict[str, list[tuple[Any, ...]]] = {
        "take_payment": [],
        "add_manual_debt": [],
        "show_statement": [],
        "reverse_payment": [],
    }

    def recorder(name: str, answer: object) -> Callable[..., object]:
        def call(*args: Any) -> object:
            recorded[name].append(args)
            return answer

        return call

    monkeypatch.setattr(payment_dialog, "take_payment", recorder("take_payment", 7))
    monkeypatch.setattr(manual_debt_dialog, "add_manual_debt", recorder("add_manual_debt", 9))
    monkeypatch.setattr(statement_dialog, "show_statement", recorder("show_statement", None))
    monkeypatch.setattr(
        reverse_payment_dialog, "reverse_payment", recorder("reverse_payment", True)
    )
    return recorded


def _first_names(tab: DebtsTab) -> list[str]:
    model = tab.debtors.model
    return [model.index(row, Column.NAME).data().split()[0] for row in range(model.rowCount())]


def test_the_headline_counts_open_outstanding_and_overdue(tab: DebtsTab) -> None:
    assert tab.panel.value(debts_tab.OPEN) == "5"
    assert tab.panel.value(debts_tab.OUTSTANDING) == "445.00"
    assert tab.panel.value(debts_tab.OVERDUE) == "3 (325.00)"
    assert not tab.banner.isVisible(), "no old debts wait for a customer"
    assert _first_names(tab) == ["Bilal", "Amina", "Dina", "Chloé"]


def test_buttons_follow_the_selected_debtor(tab: DebtsTab, shop: SmallShop) -> None:
    assert tab.payment_button.isEnabled() and tab.add_debt_button.isEnabled()
    assert tab.statement_button.isEnabled()
    assert not tab.reverse_button.isEnabled()
    assert not tab.reminder_button.isEnabled()
    assert not tab.show_debts_button.isEnabled()

    tab.debtors.select_customer(shop["Bilal"])
    assert tab.reverse_button.isEnabled() and tab.reminder_button.isEnabled()
    assert tab.show_debts_button.isEnabled()
    # Chloé's debt has no due date: she is never overdue, so there is nothing to remind.
    tab.debtors.select_customer(shop["Chloé"])
    assert tab.reverse_button.isEnabled()
    assert not tab.reminder_button.isEnabled()
    assert "not overdue" in tab.reminder_button.toolTip()


def test_take_payment_is_for_the_selected_customer_or_asks(
    tab: DebtsTab, shop: SmallShop, calls: dict[str, list[tuple[Any, ...]]], events: AppEvents
) -> None:
    tab.payment_button.click()
    tab.debtors.select_customer(shop["Amina"])
    tab.payment_button.click()
    # Enter or a double-click on a row takes that customer's payment too.
    tab.debtors.table.activated.emit(tab.debtors.table.currentIndex())
    assert [call[-1] for call in calls["take_payment"]] == [None, shop["Amina"], shop["Amina"]]
    parent, services, customers, given_events, _customer = calls["take_payment"][0]
    assert parent is tab and services is tab._services and given_events is events
    assert isinstance(customers[0], CustomerDirectory)


def test_the_other_buttons_open_helper_dialogs_for_the_selected_customer(
    tab: DebtsTab, shop: SmallShop, calls: dict[str, list[tuple[Any, ...]]]
) -> None:
    tab.add_debt_button.click()
    tab.statement_button.click()
    tab.debtors.select_customer(shop["Dina"])
    tab.add_debt_button.click()
    tab.statement_button.click()
    tab.reverse_button.click()
    assert [call[-1] for call in calls["add_manual_debt"]] == [None, shop["Dina"]]
    # The statement is dated as the tab sees the day.
    assert [call[-2:] for call in calls["show_statement"]] == [
        (None, TODAY),
        (shop["Dina"], TODAY),
    ]
    assert [call[-1] for call in calls["reverse_payment"]] == [shop["Dina"]]


def test_a_refused_payment_is_a_message_not_a_crash(
    tab: DebtsTab, monkeypatch: pytest.MonkeyPatch, recorded_prompts: PromptRecorder
) -> None:
    def refuse(*_args: object) -> int | None:
        raise ServiceError("Assign these debts to a customer first.")

    monkeypatch.setattr(payment_dialog, "take_payment", refuse)
    tab.payment_button.click()
    assert recorded_prompts.shown == [
        ("error", "The payment was not taken", "Assign these debts to a customer first.")
    ]


def test_the_reminder_is_copied_and_its_date_kept(
    tab: DebtsTab, shop: SmallShop, monkeypatch: pytest.MonkeyPatch, events: AppEvents, qtbot: QtBot
) -> None:
    shown: list[str] = []

    def copy_it(dialog: ReminderDialog) -> int:
        shown.append(dialog.text_edit.toPlainText())
        dialog.copy_button.click()
        return dialog.result()

    monkeypatch.setattr(ReminderDialog, "exec", copy_it)
    QApplication.clipboard().clear()
    tab.debtors.select_customer(shop["Bilal"])
    with qtbot.waitSignal(events.reminder_sent) as sent:
        tab.reminder_button.click()

    assert sent.args == [shop["Bilal"]]
    assert len(shown) == 1 and "Bilal Haddad" in shown[0] and "200.00" in shown[0]
    assert QApplication.clipboard().text() == shown[0]
    assert tab._services.reminders.last_reminded(shop["Bilal"]) == NOW
    row = tab.debtors.model.row_of(shop["Bilal"])
    assert row is not None
    assert tab.debtors.model.index(row, Column.LAST_REMINDER).data() == "2026-11-21"
    # Asked again, the dialog says when the last one went.
    monkeypatch.setattr(
        ReminderDialog, "exec", lambda dialog: shown.append(dialog.summary_label.text())
    )
    tab.reminder_button.click()
    assert "The last reminder was copied 2026-11-21 10:30." in shown[-1]


def test_a_reminder_cancelled_is_not_recorded(
    tab: DebtsTab, shop: SmallShop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ReminderDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    tab.debtors.select_customer(shop["Amina"])
    tab.reminder_button.click()
    assert tab._services.reminders.last_reminded(shop["Amina"]) is None


def test_a_customer_not_overdue_gets_a_message_not_a_reminder(
    tab: DebtsTab, shop: SmallShop, recorded_prompts: PromptRecorder
) -> None:
    ReminderDialog.ask(tab._services.reminders, tab._events, shop["Chloé"], parent=tab)
    assert recorded_prompts.titles() == ["No reminder to send"]
    assert "overdue" in recorded_prompts.texts()


def test_the_tab_reads_the_books_again_on_app_events(
    tab: DebtsTab, shop: SmallShop, database_path: Path, events: AppEvents
) -> None:
    add_credit_sale(
        database_path, shop["Farid"], 12_345, sold_at="2026-11-20 09:00:00", due="2026-11-01"
    )
    events.sale_recorded.emit(99)
    assert tab.panel.value(debts_tab.OUTSTANDING) == "568.45"
    assert _first_names(tab) == ["Bilal", "Amina", "Farid", "Dina", "Chloé"]

    # Hidden behind another tab, the lists wait until they are seen; the headline does not.
    tab.hide()
    add_credit_sale(database_path, shop["Emre"], 1_000, sold_at="2026-11-20 10:00:00", due=None)
    events.debt_created.emit(1)
    assert tab.panel.value(debts_tab.OPEN) == "7"
    assert "Emre" not in _first_names(tab)
    tab.show()
    assert _first_names(tab)[-1] == "Emre"

    # The other facts the tab listens to, whatever they carry.
    add_credit_sale(database_path, shop["Emre"], 500, sold_at="2026-11-20 11:00:00", due=None)
    events.customers_merged.emit(shop["Emre"], shop["Farid"])
    assert tab.panel.value(debts_tab.OPEN) == "8"
    add_credit_sale(database_path, shop["Emre"], 500, sold_at="2026-11-20 12:00:00", due=None)
    events.payment_reversed.emit(shop["Emre"])
    assert tab.panel.value(debts_tab.OPEN) == "9"
    row = tab.debtors.model.row_of(shop["Emre"])
    assert row is not None
    assert tab.debtors.model.index(row, Column.OUTSTANDING).data() == "20.00"


def test_the_debts_view_lists_debts_by_status_and_customer(
    tab: DebtsTab, shop: SmallShop, calls: dict[str, list[tuple[Any, ...]]]
) -> None:
    tab.debtors.select_customer(shop["Amina"])
    tab.show_debts_button.click()
    assert tab.views.currentWidget() is tab.debts
    model = tab.debts.model
    rows = [[model.index(row, column).data() for column in DebtColumn] for row in range(2)]
    assert rows == [
        ["C-00001  Amina Benali", rows[0][1], "2026-09-01", "50.00", "0.00", "50.00",
         "2026-10-01", "51"],
        ["C-00001  Amina Benali", rows[1][1], "2026-10-31", "100.00", "0.00", "100.00",
         "2026-11-30", ""],
    ]  # fmt: skip
    assert model.rowCount() == 2 and tab.debts.found_label.text() == "2 debts"
    assert "Amina Benali" in tab.debts.customer_filter.chosen_label.text()

    tab.debts.customer_filter.all_button.click()
    assert model.rowCount() == 5
    tab.debts.set_status(DebtStatus.OVERDUE)
    assert [model.index(row, DebtColumn.DUE_DATE).data() for row in range(3)] == [
        "2026-08-01",
        "2026-10-01",
        "2026-11-11",
    ]
    assert model.rowCount() == 3
    tab.debts.set_status(DebtStatus.PAID)
    assert model.rowCount() == 1
    assert model.index(0, DebtColumn.CUSTOMER).data() == "C-00005  Emre Yılmaz"
    assert model.index(0, DebtColumn.OUTSTANDING).data() == "0.00"
    tab.debts.set_status(DebtStatus.ALL)
    assert model.rowCount() == 6

    # A debt picked in this view is its customer's for every button.
    tab.debts.select_debt(model.row_at(0).debt_id)
    tab.payment_button.click()
    assert calls["take_payment"][-1][-1] == model.row_at(0).customer_id
    assert not tab.show_debts_button.isVisible()


def test_the_debts_view_finds_a_customer_as_typed(
    tab: DebtsTab, shop: SmallShop, qtbot: QtBot
) -> None:
    tab.views.setCurrentWidget(tab.debts)
    picker = tab.debts.customer_filter
    qtbot.keyClicks(picker.search_edit, "Dina")
    qtbot.keyClick(picker.search_edit, Qt.Key.Key_Return)
    assert picker.customer_id == shop["Dina"]
    assert tab.debts.model.rowCount() == 1
    assert tab.debts.model.row_at(0).outstanding_minor == 7_500
