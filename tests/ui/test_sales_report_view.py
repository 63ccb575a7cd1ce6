"""The sales-by-customer report driven through its widgets: period, sorting, totals, CSV."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from app.db.database import DukanDatabase
from app.domain.money import CurrencyFormat
from app.services.sales_report import ANONYMOUS, CustomerSalesRow, SalesReport
from app.ui import prompts
from app.ui.app_events import AppEvents
from app.ui.sales.report_view import (
    AVERAGE,
    NET,
    SALES,
    TOTAL,
    Column,
    SalesReportView,
)
from tests.services.test_sales_history import sell_at
from tests.services.till import customer
from tests.ui.conftest import PromptRecorder

DAY = date(2026, 11, 21)


@pytest.fixture
def events() -> AppEvents:
    return AppEvents()


@pytest.fixture
def shop(database: DukanDatabase) -> dict[str, int]:
    """Totals chosen so that sorting the formatted text would put them in the wrong order."""
    ids = {name: customer(name) for name in ("Amina", "Bilal", "Chadia")}
    sell_at("2026-11-02 09:00:00", [("Tea", 1, 900)], customer_id=ids["Amina"])  # 9.00
    sell_at("2026-11-03 09:00:00", [("Rice", 1, 10_000)], customer_id=ids["Bilal"])  # 100.00
    sell_at("2026-11-04 09:00:00", [("Oil", 1, 1_000)], customer_id=ids["Chadia"])  # 10.00
    sell_at("2026-11-05 09:00:00", [("Bread", 1, 150)])
    sell_at("2026-11-06 09:00:00", [("Milk", 1, 201)])
    sell_at("2026-10-31 09:00:00", [("Last month", 1, 99_999)], customer_id=ids["Amina"])
    return ids


@pytest.fixture
def view(qtbot: QtBot, events: AppEvents, tmp_path: Path) -> SalesReportView:
    widget = SalesReportView(SalesReport(), events, today=lambda: DAY, csv_folder=tmp_path)
    qtbot.addWidget(widget)
    widget.show()  # the report reads the books when it is first shown
    return widget


def names(view: SalesReportView) -> list[str]:
    model = view.table.model()
    return [model.index(row, Column.CUSTOMER).data() for row in range(model.rowCount())]


def customers(view: SalesReportView) -> list[str]:
    """The names without their customer numbers."""
    return [re.sub(r" \(C-\d+\)$", "", name) for name in names(view)]


def test_this_month_by_customer_with_walk_in_sales_as_their_own_row(
    shop: dict[str, int], view: SalesReportView, qtmodeltester: Any
) -> None:
    qtmodeltester.check(view.model)
    assert view.range == (date(2026, 11, 1), DAY)
    assert customers(view) == ["Bilal", "Chadia", "Amina", ANONYMOUS]  # largest total first
    model = view.model
    walk_in = model.rowCount() - 1
    assert [model.index(walk_in, column).data() for column in Column] == [
        ANONYMOUS,
        "2",
        "3.51",
        "1.76",  # 175.5 rounds up
        "3.51",
        "0.00",
        "0.00",
        "3.51",
    ]
    assert model.index(walk_in, Column.CUSTOMER).data(Qt.ItemDataRole.FontRole).italic()
    assert model.index(0, Column.CUSTOMER).data(Qt.ItemDataRole.FontRole) is None
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    assert model.index(0, Column.TOTAL).data(Qt.ItemDataRole.TextAlignmentRole) == right
    assert view.totals.value(SALES) == "5"
    assert view.totals.value(TOTAL) == "122.51"
    assert view.totals.value(AVERAGE) == "24.50"  # 24.502
    assert view.totals.value(NET) == "122.51"


def test_sorting_by_total_orders_by_the_amounts_not_their_text(
    shop: dict[str, int], view: SalesReportView
) -> None:
    view.table.sortByColumn(Column.TOTAL, Qt.SortOrder.AscendingOrder)
    assert customers(view) == [ANONYMOUS, "Amina", "Chadia", "Bilal"]  # 3.51, 9, 10, 100
    view.table.sortByColumn(Column.TOTAL, Qt.SortOrder.DescendingOrder)
    assert customers(view) == ["Bilal", "Chadia", "Amina", ANONYMOUS]
    view.table.sortByColumn(Column.CUSTOMER, Qt.SortOrder.AscendingOrder)
    assert customers(view) == [ANONYMOUS, "Amina", "Bilal", "Chadia"]
    # A click on the header sorts too, and the order survives a refresh.
    view.table.horizontalHeader().sectionClicked.emit(Column.SALES)
    view.table.sortByColumn(Column.AVERAGE, Qt.SortOrder.AscendingOrder)
    view.refresh()
    assert customers(view) == [ANONYMOUS, "Amina", "Chadia", "Bilal"]


def test_the_period_filters_the_sales(shop: dict[str, int], view: SalesReportView) -> None:
    view.from_edit.setDate(QDate(2026, 10, 1))
    assert customers(view)[0] == "Amina"
    assert view.model.row_at(0).total_minor == 99_999 + 900
    view.to_edit.setDate(QDate(2026, 10, 31))
    assert customers(view) == ["Amina"]
    view.today_button.click()
    assert view.range == (DAY, DAY)
    assert names(view) == []
    assert not view.export_button.isEnabled()
    view.year_button.click()
    assert view.range == (date(2026, 1, 1), DAY)
    assert view.totals.value(SALES) == "6"


def test_a_new_sale_is_counted_when_the_report_is_in_view(
    qtbot: QtBot, shop: dict[str, int], view: SalesReportView, events: AppEvents
) -> None:
    view.show()
    qtbot.waitExposed(view)
    sale = sell_at("2026-11-21 09:00:00", [("Cake", 1, 500)])
    events.sale_recorded.emit(sale)
    assert view.totals.value(SALES) == "6"

    view.hide()
    events.sale_recorded.emit(sell_at("2026-11-21 10:00:00", [("Cake", 1, 500)]))
    assert view.totals.value(SALES) == "6"
    view.show()
    assert view.totals.value(SALES) == "7"


def test_export_writes_what_is_shown_to_the_chosen_file(
    shop: dict[str, int],
    view: SalesReportView,
    recorded_prompts: PromptRecorder,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    suggested: list[Path] = []
    chosen = tmp_path / "november.csv"

    def choose(_parent: object, title: str, offered: Path) -> Path:
        suggested.append(offered)
        return chosen

    monkeypatch.setattr(prompts, "choose_csv_to_save", choose)
    view.export_button.click()

    assert suggested == [tmp_path / "sales-by-customer-2026-11-01-to-2026-11-21.csv"]
    with chosen.open(encoding="utf-8-sig", newline="") as stream:
        lines = list(csv.reader(stream))
    assert [re.sub(r" \(C-\d+\)$", "", line[0]) for line in lines[1:]] == [
        "Bilal",
        "Chadia",
        "Amina",
        ANONYMOUS,
        "Total",
    ]
    assert lines[-1][2] == "122.51"
    assert recorded_prompts.titles() == ["Report exported"]
    assert str(chosen) in recorded_prompts.texts()


def test_a_cancelled_or_failed_export_says_so(
    shop: dict[str, int],
    view: SalesReportView,
    recorded_prompts: PromptRecorder,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setattr(prompts, "choose_csv_to_save", lambda *_args: None)
    view.export_button.click()
    assert recorded_prompts.shown == []
    monkeypatch.setattr(
        prompts, "choose_csv_to_save", lambda *_args: tmp_path / "no such folder" / "r.csv"
    )
    view.export_button.click()
    assert recorded_prompts.titles() == ["The report was not exported"]


def test_amounts_are_written_in_the_shops_currency(
    qtbot: QtBot, shop: dict[str, int], events: AppEvents
) -> None:
    dinar = CurrencyFormat(
        symbol="DA", symbol_after=True, decimal_separator=",", thousands_separator=" "
    )
    view = SalesReportView(SalesReport(dinar), events, today=lambda: DAY, money_format=dinar)
    qtbot.addWidget(view)
    view.show()
    assert view.model.index(0, Column.TOTAL).data() == "100,00 DA"
    assert view.totals.value(TOTAL) == "122,51 DA"


def test_the_report_reads_nothing_until_it_is_shown(events: AppEvents, qtbot: QtBot) -> None:
    asked: list[tuple[date, date]] = []

    class CountingReport(SalesReport):
        def rows(self, start: date, end: date, search: str = "") -> list[CustomerSalesRow]:
            asked.append((start, end))
            return super().rows(start, end, search)

    view = SalesReportView(CountingReport(), events, today=lambda: DAY)
    qtbot.addWidget(view)
    assert asked == []
    view.show()
    assert asked == [(DAY.replace(day=1), DAY)]


def test_typing_a_customer_keeps_their_row_and_the_totals_follow(
    qtbot: QtBot,
    shop: dict[str, int],
    view: SalesReportView,
    *,
    recorded_prompts: PromptRecorder,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    qtbot.keyClick(view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.search_edit.hasFocus()
    qtbot.keyClicks(view.search_edit, "chad")
    qtbot.waitUntil(lambda: customers(view) == ["Chadia"])
    assert view.totals.value(SALES) == "1"
    assert view.totals.value(TOTAL) == "10.00"
    qtbot.keyClick(view.search_edit, Qt.Key.Key_Return)
    assert view.table.hasFocus()

    # Another period keeps the search; Chadia bought nothing in October.
    view.from_edit.setDate(QDate(2026, 10, 1))
    view.to_edit.setDate(QDate(2026, 10, 31))
    assert names(view) == []
    view.month_button.click()
    assert customers(view) == ["Chadia"]

    # The walk-in sales are found by their own row's name.
    view.search_edit.setText("walk")
    qtbot.waitUntil(lambda: customers(view) == [ANONYMOUS])
    assert view.totals.value(TOTAL) == "3.51"

    # What is exported is what is shown.
    chosen = tmp_path / "walk-in.csv"
    monkeypatch.setattr(prompts, "choose_csv_to_save", lambda *_args: chosen)
    view.export_button.click()
    with chosen.open(encoding="utf-8-sig", newline="") as stream:
        assert [line[0] for line in csv.reader(stream)] == ["customer", ANONYMOUS, "Total"]
    assert recorded_prompts.titles() == ["Report exported"]

    view.search_edit.clear()
    qtbot.waitUntil(lambda: len(names(view)) == 4)
    assert view.totals.value(TOTAL) == "122.51"


def test_a_new_sale_keeps_the_search(
    qtbot: QtBot, shop: dict[str, int], view: SalesReportView, events: AppEvents
) -> None:
    view.search_edit.setText("amina")
    qtbot.waitUntil(lambda: customers(view) == ["Amina"])
    events.sale_recorded.emit(sell_at("2026-11-21 09:00:00", [("Cake", 1, 500)]))
    assert customers(view) == ["Amina"]
    events.sale_recorded.emit(
        sell_at("2026-11-21 10:00:00", [("Cake", 1, 500)], customer_id=shop["Amina"])
    )
    assert view.totals.value(TOTAL) == "14.00"
