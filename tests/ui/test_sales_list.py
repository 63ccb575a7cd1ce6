"""The sales list and one sale's window, driven through their widgets: range, pages, reversals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from app.db.database import DukanDatabase
from app.domain.money import CurrencyFormat
from app.services.sale_reversals import SaleReversals
from app.services.sales_history import SalesHistory
from app.ui import prompts
from app.ui.app_events import AppEvents
from app.ui.sales.refund_dialog import RefundDialog, RefundRequest
from app.ui.sales.sale_dialog import SaleDialog
from app.ui.sales.sales_list import NET, ON_CREDIT, RETURNED, SALES, TOTAL, SalesListView
from app.ui.sales.sales_table_model import (
    SALE_ID_ROLE,
    VOIDED_COLOUR,
    Column,
    SalesTableModel,
)
from tests.services.test_sales_history import sell_at
from tests.services.till import customer
from tests.ui.conftest import PromptRecorder

DAY = date(2026, 11, 21)  # a Saturday
NOW = datetime(2026, 11, 21, 18, 0)


@pytest.fixture
def events() -> AppEvents:
    return AppEvents()


@pytest.fixture
def receipts() -> list[int]:
    return []


@pytest.fixture
def history(database: DukanDatabase) -> SalesHistory:
    return SalesHistory()


@pytest.fixture
def reversals(database: DukanDatabase) -> SaleReversals:
    return SaleReversals(now=lambda: NOW)


@pytest.fixture
def view(
    qtbot: QtBot,
    history: SalesHistory,
    reversals: SaleReversals,
    events: AppEvents,
    receipts: list[int],
) -> SalesListView:
    widget = SalesListView(history, reversals, events, receipts.append, today=lambda: DAY)
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def reason(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Answers the "why?" of a void; records the question."""
    asked: list[str] = []

    def ask_text(_parent: object, _title: str, label: str, _action: str) -> str | None:
        asked.append(label)
        return "wrong customer"

    monkeypatch.setattr(prompts, "ask_text", ask_text)
    return asked


def texts(model: SalesTableModel, column: Column) -> list[str]:
    return [model.index(row, column).data() for row in range(model.rowCount())]


@pytest.fixture
def open_dialog(
    qtbot: QtBot,
    history: SalesHistory,
    reversals: SaleReversals,
    events: AppEvents,
    receipts: list[int],
) -> Callable[[int], SaleDialog]:
    """The window of one sale, as the list opens it (without waiting in exec)."""

    def make(sale_id: int) -> SaleDialog:
        dialog = SaleDialog(history.detail(sale_id), history, reversals, events, receipts.append)
        qtbot.addWidget(dialog)
        return dialog

    return make


# ----- the table model -------------------------------------------------------------------------


def test_the_model_pages_on_demand_and_shows_each_sale(
    qtbot: QtBot, qtmodeltester: Any, history: SalesHistory, reversals: SaleReversals
) -> None:
    amina = customer("Amina")
    ids = [sell_at(f"2026-11-21 09:0{n}:00", [("Bread", 1, 150)]) for n in range(6)]
    credit = sell_at(
        "2026-11-21 10:15:00",
        [("Rice", 1, 4_000), ("Oil", 2, 1_000)],
        customer_id=amina,
        paid=2_500,
    )
    reversals.void(ids[-1], "wrong basket")

    model = SalesTableModel(history, DAY, DAY, page_size=3)

    assert model.rowCount() == 3 and model.canFetchMore(model.index(-1, -1))
    model.fetchMore(model.index(-1, -1))
    model.fetchMore(model.index(-1, -1))
    assert model.rowCount() == 7 and not model.canFetchMore(model.index(-1, -1))
    qtmodeltester.check(model)  # (it would fetch every page itself)
    assert [model.index(row, 0).data(SALE_ID_ROLE) for row in range(7)] == [credit, *ids[::-1]]

    first = {column: model.index(0, column).data() for column in Column}
    assert first[Column.TIME] == "10:15"
    assert first[Column.NUMBER] == str(credit)
    assert first[Column.CUSTOMER].startswith("Amina (C-")
    assert (first[Column.ITEMS], first[Column.TOTAL], first[Column.PAID]) == ("2", "60.00", "25.00")
    assert (first[Column.ON_CREDIT], first[Column.RETURNED], first[Column.STATE]) == (
        "35.00",
        "",
        "",
    )
    voided = 1  # the newest bread sale
    assert model.index(voided, Column.CUSTOMER).data() == "Walk-in"
    assert model.index(voided, Column.STATE).data() == "Voided"
    assert model.index(voided, Column.RETURNED).data() == "1.50"
    assert model.index(voided, Column.ON_CREDIT).data() == ""
    assert model.index(voided, Column.TOTAL).data(Qt.ItemDataRole.ForegroundRole) == VOIDED_COLOUR
    assert model.index(voided, Column.TOTAL).data(Qt.ItemDataRole.FontRole).strikeOut()
    assert model.index(0, Column.TOTAL).data(Qt.ItemDataRole.FontRole) is None
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    assert model.index(0, Column.TOTAL).data(Qt.ItemDataRole.TextAlignmentRole) == right

    # Over more than one day, the time says which day too.
    days = SalesTableModel(history, date(2026, 11, 20), DAY, page_size=3)
    assert days.index(0, Column.TIME).data() == "2026-11-21 10:15"
    days.set_range(DAY, DAY)
    assert days.index(0, Column.TIME).data() == "10:15"


# ----- the list --------------------------------------------------------------------------------


def test_today_is_shown_by_default_with_the_range_totals_underneath(
    view: SalesListView, history: SalesHistory
) -> None:
    amina = customer("Amina")
    sell_at("2026-11-20 17:00:00", [("Yesterday", 1, 999)])
    sell_at("2026-11-21 09:00:00", [("Bread", 2, 150)])
    sell_at("2026-11-21 10:00:00", [("Rice", 1, 4_000)], customer_id=amina, paid=1_000)
    view.refresh()

    assert view.range == (DAY, DAY)
    assert (view.from_edit.date(), view.to_edit.date()) == (QDate(2026, 11, 21),) * 2
    assert view.model.rowCount() == 2
    assert view.totals.value(SALES) == "2"
    assert view.totals.value(TOTAL) == "43.00"
    assert view.totals.value(ON_CREDIT) == "30.00"
    assert view.totals.value(RETURNED) == "0.00"

    view.week_button.click()
    assert view.range == (date(2026, 11, 16), DAY)
    assert view.model.rowCount() == 3
    assert view.totals.value(SALES) == "3"
    view.month_button.click()
    assert view.range == (date(2026, 11, 1), DAY)
    view.today_button.click()
    assert view.model.rowCount() == 2


def test_the_footer_counts_the_whole_range_not_only_the_loaded_page(view: SalesListView) -> None:
    for minute in range(30):
        sell_at(f"2026-11-21 09:{minute:02d}:00", [("Bread", 1, 100)])
    view.model._page_size = 10  # a small page, so most rows are not loaded yet
    view.refresh()
    view.set_range(date(2026, 11, 1), DAY)
    assert view.model.rowCount() == 10
    assert (view.totals.value(SALES), view.totals.value(NET)) == ("30", "30.00")


def test_dates_typed_backwards_move_the_other_end(view: SalesListView) -> None:
    view.from_edit.setDate(QDate(2026, 11, 25))
    assert view.range == (date(2026, 11, 25), date(2026, 11, 25))
    view.to_edit.setDate(QDate(2026, 11, 10))
    assert view.range == (date(2026, 11, 10), date(2026, 11, 10))
    assert view.from_edit.date() == QDate(2026, 11, 10)


def test_a_new_sale_appears_at_once_when_shown_and_on_showing_when_hidden(
    qtbot: QtBot, view: SalesListView, events: AppEvents
) -> None:
    view.show()
    qtbot.waitExposed(view)
    sale = sell_at("2026-11-21 09:00:00", [("Bread", 1, 150)])
    events.sale_recorded.emit(sale)
    assert view.model.rowCount() == 1

    view.hide()
    later = sell_at("2026-11-21 09:30:00", [("Milk", 1, 200)])
    events.sale_recorded.emit(later)
    assert view.model.rowCount() == 1  # read when next looked at, not behind the till
    view.show()
    assert view.model.rowCount() == 2
    assert view.totals.value(TOTAL) == "3.50"


def test_the_list_follows_the_calendar_past_midnight(
    qtbot: QtBot,
    history: SalesHistory,
    reversals: SaleReversals,
    events: AppEvents,
) -> None:
    today = [DAY]
    view = SalesListView(history, reversals, events, lambda _sale: None, today=lambda: today[0])
    qtbot.addWidget(view)
    sell_at("2026-11-22 00:05:00", [("Night bread", 1, 150)])
    today[0] = date(2026, 11, 22)
    view.refresh()
    assert view.range == (today[0], today[0])
    assert view.model.rowCount() == 1


def test_enter_on_a_sale_opens_it(
    qtbot: QtBot, view: SalesListView, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = sell_at("2026-11-21 09:00:00", [("Bread", 1, 150)])
    second = sell_at("2026-11-21 10:00:00", [("Milk", 1, 200)])
    view.refresh()
    opened: list[SaleDialog] = []

    def exec_(dialog: SaleDialog) -> int:
        opened.append(dialog)
        return int(QDialog.DialogCode.Rejected)

    monkeypatch.setattr(SaleDialog, "exec", exec_)
    assert not view.open_button.isEnabled()
    assert view.select_sale(first)
    assert view.open_button.isEnabled()
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    view.select_sale(second)
    view.open_button.click()

    assert [dialog.detail.row.id for dialog in opened] == [first, second]
    assert opened[0].windowTitle() == f"Sale {first}"


def test_reprint_from_the_list_hands_the_sale_to_the_receipt(
    view: SalesListView, receipts: list[int]
) -> None:
    sale = sell_at("2026-11-21 09:00:00", [("Bread", 1, 150)])
    view.refresh()
    view.select_sale(sale)
    view.reprint_button.click()
    assert receipts == [sale]


def test_a_sale_that_is_gone_is_a_message(
    view: SalesListView, recorded_prompts: PromptRecorder
) -> None:
    view.open_sale(404)
    assert recorded_prompts.titles() == ["Sale not found"]


# ----- one sale --------------------------------------------------------------------------------


def test_the_sale_window_shows_lines_payment_and_debt(
    open_dialog: Callable[[int], SaleDialog], receipts: list[int]
) -> None:
    amina = customer("Amina")
    sale = sell_at(
        "2026-11-21 09:00:00",
        [("Rice 5kg", 1, 4_000), ("Oil 1l", 2, 1_000)],
        customer_id=amina,
        paid=2_500,
    )
    dialog = open_dialog(sale)

    assert dialog.title.text() == f"Sale {sale}"
    assert "Amina (C-" in dialog.subtitle.text() and "sold by Owner" in dialog.subtitle.text()
    assert (dialog.value("Total"), dialog.value("Paid"), dialog.value("Change")) == (
        "60.00",
        "25.00",
        "0.00",
    )
    assert (dialog.value("On credit"), dialog.value("Still owed"), dialog.value("Returned")) == (
        "35.00",
        "35.00",
        "—",
    )
    assert [dialog.lines.text(row, 0) for row in range(2)] == ["Rice 5kg", "Oil 1l"]
    assert [dialog.lines.text(1, column) for column in range(5)] == [
        "Oil 1l",
        "2",
        "",
        "10.00",
        "20.00",
    ]
    assert dialog.history_lines.rowCount() == 0
    assert dialog.void_button.isEnabled() and dialog.refund_button.isEnabled()

    dialog.reprint_button.click()
    assert receipts == [sale]


def test_refunding_one_line_through_the_dialog(
    qtbot: QtBot,
    open_dialog: Callable[[int], SaleDialog],
    view: SalesListView,
    events: AppEvents,
    *,
    recorded_prompts: PromptRecorder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    amina = customer("Amina")
    sale = sell_at(
        "2026-11-21 09:00:00",
        [("Rice 5kg", 1, 4_000), ("Oil 1l", 2, 1_000)],
        customer_id=amina,
        paid=5_500,
    )
    view.show()
    dialog = open_dialog(sale)
    oil = dialog.detail.lines[1].sale_item_id
    seen: list[tuple[int, str]] = []

    def operator_brings_back_one_oil(refund: RefundDialog) -> int:
        seen.append((refund.spins[oil].maximum(), refund.amount_label.text()))
        refund.spins[oil].setValue(1)
        seen.append((refund.spins[oil].value(), refund.amount_label.text()))
        refund.reason_edit.setText("  leaking bottle ")
        refund.accept()
        return refund.result()

    monkeypatch.setattr(RefundDialog, "exec", operator_brings_back_one_oil)
    with qtbot.waitSignal(events.sale_reversed) as reversed_:
        dialog.refund_button.click()

    assert reversed_.args == [sale]
    assert seen[0][0] == 2
    # 5.00 is still owed: the 10.00 bottle takes that off first and pays out the rest.
    assert "10.00" in seen[1][1] and "debt reduced by 5.00 first" in seen[1][1]
    assert recorded_prompts.shown == [
        ("info", "Lines refunded.", "Lines refunded. Debt reduced by 5.00; pay out 5.00 in cash.")
    ]
    assert dialog.title.text() == f"Sale {sale} — partly refunded"
    assert (dialog.value("Returned"), dialog.value("Still owed"), dialog.value("Net")) == (
        "10.00",
        "0.00",
        "50.00",
    )
    assert dialog.lines.text(1, 2) == "1"
    assert [dialog.history_lines.text(0, column) for column in range(7)] == [
        "2026-11-21 18:00",
        "Refund",
        "10.00",
        "5.00",
        "5.00",
        "Owner",
        "leaking bottle",
    ]
    assert dialog.outcome.text().endswith("pay out 5.00 in cash.")
    # The list, told by the signal, shows the refund too.
    row = view.model.row_of(sale)
    assert row is not None
    assert view.model.index(row, Column.STATE).data() == "Refunded"
    assert view.totals.value(RETURNED) == "10.00"


def test_the_refund_dialog_refuses_nothing_chosen_and_no_reason(
    qtbot: QtBot, history: SalesHistory, reversals: SaleReversals
) -> None:
    sale = sell_at("2026-11-21 09:00:00", [("Tea", 3, 500), ("Cup", 1, 200)])
    tea, cup = (line.sale_item_id for line in history.detail(sale).lines)
    reversals.refund(sale, {tea: 3}, "all tea back")
    dialog = RefundDialog(history.detail(sale))
    qtbot.addWidget(dialog)
    tea_spin, cup_spin = dialog.spins.values()
    assert not tea_spin.isEnabled() and tea_spin.maximum() == 0
    assert cup_spin.isEnabled() and cup_spin.maximum() == 1

    dialog.reason_edit.setText("broken")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.request is None
    assert not dialog.lines_error.isHidden()
    assert dialog.lines_error.text() == "Choose at least one item to bring back."

    cup_spin.setValue(1)
    dialog.reason_edit.setText("   ")
    dialog.accept()
    assert dialog.request is None
    assert dialog.lines_error.isHidden() and not dialog.reason_error.isHidden()

    dialog.reason_edit.setText("chipped")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert asked_for(dialog) == RefundRequest({cup: 1}, "chipped", 200)


def asked_for(dialog: RefundDialog) -> RefundRequest | None:
    return dialog.request


def test_voiding_names_the_amount_and_what_happens_then_disables_itself(
    qtbot: QtBot,
    open_dialog: Callable[[int], SaleDialog],
    events: AppEvents,
    recorded_prompts: PromptRecorder,
    reason: list[str],
) -> None:
    amina = customer("Amina")
    sale = sell_at("2026-11-21 09:00:00", [("Rice", 2, 2_000)], customer_id=amina, paid=1_000)
    dialog = open_dialog(sale)

    with qtbot.waitSignal(events.sale_reversed):
        dialog.void_button.click()

    assert f"Void sale {sale}" in reason[0]
    kind, title, text = recorded_prompts.shown[0]
    assert (kind, title) == ("confirm", "Void sale")
    assert "for 40.00?" in text
    assert "goes down by 30.00 first; 10.00 is paid out in cash" in text
    assert recorded_prompts.shown[1][2] == (
        "Sale voided. Debt reduced by 30.00; pay out 10.00 in cash."
    )
    assert dialog.title.text() == f"Sale {sale} — voided"
    assert not dialog.void_button.isEnabled() and not dialog.refund_button.isEnabled()
    assert dialog.history_lines.text(0, 6) == "wrong customer"
    assert dialog.reprint_button.isEnabled()


def test_a_void_not_confirmed_changes_nothing(
    qtbot: QtBot,
    open_dialog: Callable[[int], SaleDialog],
    events: AppEvents,
    recorded_prompts: PromptRecorder,
    reason: list[str],
) -> None:
    sale = sell_at("2026-11-21 09:00:00", [("Bread", 1, 150)])
    dialog = open_dialog(sale)
    recorded_prompts.confirm_answer = False
    with qtbot.assertNotEmitted(events.sale_reversed):
        dialog.void_button.click()
    assert "Pay out 1.50 in cash." in recorded_prompts.texts()
    assert dialog.detail.reversals == ()
    assert SalesHistory().detail(sale).reversals == ()
    assert dialog.void_button.isEnabled()


def test_a_blank_reason_is_refused_before_anything_is_asked(
    open_dialog: Callable[[int], SaleDialog],
    recorded_prompts: PromptRecorder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sale = sell_at("2026-11-21 09:00:00", [("Bread", 1, 150)])
    dialog = open_dialog(sale)
    monkeypatch.setattr(prompts, "ask_text", lambda *_args: "   ")
    dialog.void_button.click()
    assert recorded_prompts.titles() == ["Sale not voided"]
    assert dialog.detail.reversals == ()
    assert SalesHistory().detail(sale).reversals == ()


def test_amounts_are_written_in_the_shops_currency(
    qtbot: QtBot,
    history: SalesHistory,
    reversals: SaleReversals,
    events: AppEvents,
) -> None:
    dinar = CurrencyFormat(
        symbol="DA", symbol_after=True, decimal_separator=",", thousands_separator=" "
    )
    sale = sell_at("2026-11-21 09:00:00", [("Rice", 1, 123_450)])
    view = SalesListView(
        history, reversals, events, lambda _sale: None, today=lambda: DAY, money_format=dinar
    )
    qtbot.addWidget(view)
    assert view.model.index(0, Column.TOTAL).data() == "1 234,50 DA"
    assert view.totals.value(TOTAL) == "1 234,50 DA"
    dialog = SaleDialog(
        history.detail(sale), history, reversals, events, lambda _sale: None, money_format=dinar
    )
    qtbot.addWidget(dialog)
    assert dialog.value("Total") == "1 234,50 DA"
