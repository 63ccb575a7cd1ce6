"""The debtors view: rows, amounts and buckets, totals, filter, search, sort and paging."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.db.database import DukanDatabase
from app.services.debt_book import DebtBook, DebtorFilter, DebtorPage
from app.ui.debts import debtors_view
from app.ui.debts.debtor_table_model import (
    CUSTOMER_ID_ROLE,
    LEFT,
    OVERDUE_COLOUR,
    RIGHT,
    Column,
    DebtorTableModel,
)
from app.ui.debts.debtors_view import DebtorsView
from tests.ui.customer_data import add_credit_sale
from tests.ui.debt_data import TODAY, SmallShop, small_shop


@pytest.fixture
def shop(database: DukanDatabase, database_path: Path) -> SmallShop:
    return small_shop(database_path)


@pytest.fixture
def book(database: DukanDatabase) -> DebtBook:
    return DebtBook(today=lambda: TODAY)


@pytest.fixture
def view(qtbot: QtBot, book: DebtBook, shop: SmallShop) -> DebtorsView:
    widget = DebtorsView(book)
    qtbot.addWidget(widget)
    widget.resize(1100, 400)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _column(model: DebtorTableModel, column: Column) -> list[str]:
    return [model.index(row, column).data() for row in range(model.rowCount())]


def _first_names(model: DebtorTableModel) -> list[str]:
    return [name.split()[0] for name in _column(model, Column.NAME)]


def test_the_model_passes_qts_model_checks(
    book: DebtBook, shop: SmallShop, qtmodeltester: ModelTester
) -> None:
    # Every row in one page: Qt's tester fetches more inside its reset checks, which it then
    # counts as rows inserted during a reset.
    model = DebtorTableModel(book)
    model.reload()
    qtmodeltester.check(model)
    model.sort(Column.OUTSTANDING)
    model.set_filter(DebtorFilter.OVERDUE)
    model.set_search("amina")
    model.set_search("")


def test_each_row_shows_what_the_customer_owes_and_how_late(view: DebtorsView) -> None:
    model = view.model
    # Oldest due first, the undated debt last; Emre (paid up) and Farid are no debtors.
    assert _first_names(model) == ["Bilal", "Amina", "Dina", "Chloé"]
    cells = [[model.index(row, column).data() for column in Column] for row in range(4)]
    assert cells == [
        ["C-00002", "Bilal Haddad", "+213 661 22 33 44", "200.00", "2026-08-01", "200.00",
         "", "", "", "200.00", "—"],
        ["C-00001", "Amina Benali", "+213 555 12 34 56", "150.00", "2026-10-01", "50.00",
         "100.00", "50.00", "", "", "—"],
        ["C-00004", "Dina Saleh", "+213 770 98 76 54", "75.00", "2026-11-11", "75.00",
         "75.00", "", "", "", "—"],
        ["C-00003", "Chloé Martin", "", "20.00", "—", "", "20.00", "", "", "", "—"],
    ]  # fmt: skip
    headers = [model.headerData(column, Qt.Orientation.Horizontal) for column in Column]
    assert headers == [
        "Number", "Name", "Phone", "Outstanding", "Oldest due", "Overdue",
        "0–30", "31–60", "61–90", "90+", "Last reminder",
    ]  # fmt: skip


def test_money_is_right_aligned_and_late_money_red(view: DebtorsView, shop: SmallShop) -> None:
    model = view.model
    alignment = Qt.ItemDataRole.TextAlignmentRole
    colour = Qt.ItemDataRole.ForegroundRole
    for column in (Column.OUTSTANDING, Column.OVERDUE, Column.DAYS_0_30, Column.DAYS_OVER_90):
        assert model.index(0, column).data(alignment) == RIGHT
    for column in (Column.NUMBER, Column.NAME, Column.OLDEST_DUE):
        assert model.index(0, column).data(alignment) == LEFT
    assert model.index(0, Column.OVERDUE).data(colour) == OVERDUE_COLOUR
    assert model.index(0, Column.OLDEST_DUE).data(colour) == OVERDUE_COLOUR
    assert model.index(0, Column.OUTSTANDING).data(colour) is None
    chloe = model.row_of(shop["Chloé"])
    assert chloe == 3
    assert model.index(chloe, Column.OLDEST_DUE).data(colour) is None
    assert model.index(chloe, Column.NAME).data(CUSTOMER_ID_ROLE) == shop["Chloé"]


def test_the_totals_line_adds_up_every_debtor(view: DebtorsView) -> None:
    totals = view.totals
    assert totals.value(debtors_view.DEBTORS) == "4"
    assert totals.value(debtors_view.OUTSTANDING) == "445.00"
    assert totals.value(debtors_view.OVERDUE) == "325.00"
    assert [totals.value(bucket) for bucket in ("0–30", "31–60", "61–90", "90+")] == [
        "195.00",
        "50.00",
        "0.00",
        "200.00",
    ]


def test_overdue_only_leaves_out_who_is_not_late(view: DebtorsView) -> None:
    view.overdue_only.setChecked(True)
    assert _first_names(view.model) == ["Bilal", "Amina", "Dina"]
    assert view.totals.value(debtors_view.DEBTORS) == "3"
    assert view.totals.value(debtors_view.OUTSTANDING) == "425.00"
    view.overdue_only.setChecked(False)
    assert _first_names(view.model) == ["Bilal", "Amina", "Dina", "Chloé"]


def test_typing_a_name_or_phone_narrows_the_list(
    view: DebtorsView, shop: SmallShop, qtbot: QtBot
) -> None:
    qtbot.keyClicks(view.search_edit, "0770")
    qtbot.waitUntil(lambda: _first_names(view.model) == ["Dina"])
    assert view.totals.value(debtors_view.OUTSTANDING) == "75.00"
    selected = view.selected_debtor()
    assert selected is not None and selected.customer_id == shop["Dina"]

    view.search_edit.setText("chlo")
    qtbot.waitUntil(lambda: _first_names(view.model) == ["Chloé"])
    # A customer who owes nothing is found by nobody here.
    view.search_edit.setText("Emre")
    qtbot.waitUntil(lambda: view.model.rowCount() == 0)
    assert view.totals.value(debtors_view.DEBTORS) == "0"
    view.search_edit.clear()
    qtbot.waitUntil(lambda: view.model.rowCount() == 4)


def test_clicking_outstanding_or_oldest_due_sorts_by_it(view: DebtorsView) -> None:
    header = view.table.horizontalHeader()
    header.sectionClicked.emit(Column.OUTSTANDING)
    assert _first_names(view.model) == ["Bilal", "Amina", "Dina", "Chloé"]
    assert _column(view.model, Column.OUTSTANDING) == ["200.00", "150.00", "75.00", "20.00"]
    assert header.sortIndicatorSection() == Column.OUTSTANDING
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    # Names are not an order the book keeps: the click changes nothing.
    header.sectionClicked.emit(Column.NAME)
    assert header.sortIndicatorSection() == Column.OUTSTANDING
    header.sectionClicked.emit(Column.OLDEST_DUE)
    assert _column(view.model, Column.OLDEST_DUE) == [
        "2026-08-01",
        "2026-10-01",
        "2026-11-11",
        "—",
    ]
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder


class CountingBook(DebtBook):
    """Records the limit of every page asked for, to prove the model reads page by page."""

    def __init__(self) -> None:
        super().__init__(today=lambda: TODAY)
        self.limits: list[int] = []

    def debtors(self, **kwargs: Any) -> DebtorPage:
        self.limits.append(kwargs["limit"])
        return super().debtors(**kwargs)


def test_scrolling_to_the_end_fetches_the_next_page(shop: SmallShop, qtbot: QtBot) -> None:
    book = CountingBook()
    model = DebtorTableModel(book, page_size=3)
    model.sort(Column.OUTSTANDING)
    assert _first_names(model) == ["Bilal", "Amina", "Dina"]
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert _first_names(model) == ["Bilal", "Amina", "Dina", "Chloé"]
    assert not model.canFetchMore(QModelIndex())
    assert book.limits == [3, 3]
    # Reading again after a change keeps every row scrolled to.
    model.reload()
    assert model.rowCount() == 4

    # In a view, the rows arrive a page at a time until the table is full.
    shown = DebtorsView(CountingBook(), page_size=1)
    qtbot.addWidget(shown)
    shown.resize(1000, 400)
    shown.show()
    qtbot.waitUntil(lambda: shown.model.rowCount() == 4)
    assert not shown.model.canFetchMore(QModelIndex())


def test_a_hidden_view_reads_the_books_when_next_shown(
    book: DebtBook, shop: SmallShop, database_path: Path, qtbot: QtBot
) -> None:
    widget = DebtorsView(book)
    qtbot.addWidget(widget)
    assert widget.model.rowCount() == 0, "nothing is read before the view is seen"
    widget.show()
    qtbot.waitExposed(widget)
    assert widget.model.rowCount() == 4
    widget.hide()
    farid = shop["Farid"]
    add_credit_sale(database_path, farid, 1_000, sold_at="2026-11-20 09:00:00", due="2026-12-20")
    widget.refresh_later()
    assert widget.model.rowCount() == 4
    widget.show()
    assert widget.model.row_of(farid) is not None
    assert widget.totals.value(debtors_view.DEBTORS) == "5"


def test_enter_on_a_debtor_asks_for_their_payment(
    view: DebtorsView, shop: SmallShop, qtbot: QtBot
) -> None:
    view.select_customer(shop["Amina"])
    with qtbot.waitSignal(view.activated) as activated:
        view.table.activated.emit(view.table.currentIndex())
    assert activated.args == [shop["Amina"]]
