"""The debts list model: cells, colours, paging by offset; the queue's model passes Qt's checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester

from app.db.database import DukanDatabase
from app.services.debt_book import DebtBook, DebtListPage, DebtStatus
from app.services.legacy_queue import LegacyQueue
from app.ui.debts.debt_list_model import (
    DEBT_ID_ROLE,
    OVERDUE_COLOUR,
    PAID_COLOUR,
    RIGHT,
    Column,
    DebtListModel,
)
from app.ui.debts.unassigned_model import UnassignedModel
from tests.ui.debt_data import TODAY, SmallShop, add_legacy_debts, small_shop


@pytest.fixture
def shop(database: DukanDatabase, database_path: Path) -> SmallShop:
    return small_shop(database_path)


class CountingBook(DebtBook):
    """Records every page of debts asked for, as (rows before it, limit)."""

    def __init__(self) -> None:
        super().__init__(today=lambda: TODAY)
        self.pages: list[tuple[int, int]] = []
        self._listed = 0

    def debts_page(self, **kwargs: Any) -> DebtListPage:
        if kwargs["after"] is None:
            self._listed = 0
        self.pages.append((self._listed, kwargs["limit"]))
        page = super().debts_page(**kwargs)
        self._listed += len(page.rows)
        return page


def test_the_models_pass_qts_model_checks(
    shop: SmallShop, database_path: Path, qtmodeltester: ModelTester
) -> None:
    model = DebtListModel(DebtBook(today=lambda: TODAY))
    model.reload()
    qtmodeltester.check(model)
    model.set_filter(shop["Amina"], DebtStatus.ALL)
    model.set_filter(None, DebtStatus.PAID)

    add_legacy_debts(database_path, [("Ahmed", None, 4_000), (None, "0555", 1_000)])
    queue = UnassignedModel(LegacyQueue())
    queue.reload()
    qtmodeltester.check(queue)


def test_pages_are_read_one_after_the_other_as_the_table_scrolls(shop: SmallShop) -> None:
    book = CountingBook()
    model = DebtListModel(book, page_size=2)
    model.set_filter(None, DebtStatus.ALL)
    assert model.rowCount() == 2 and model.canFetchMore(QModelIndex())
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 6
    # The third page knows it is the last: no empty read after it.
    assert book.pages == [(0, 2), (2, 2), (4, 2)]
    assert model.count() == 6
    # By due date, the undated debt last.
    assert [model.index(row, Column.DUE_DATE).data() for row in range(6)] == [
        "2026-08-01",
        "2026-10-01",
        "2026-10-31",
        "2026-11-11",
        "2026-11-30",
        "—",
    ]
    model.reload()
    assert model.rowCount() == 6, "a reload keeps the rows scrolled to"


def test_cells_show_the_debt_as_the_operator_reads_it(shop: SmallShop) -> None:
    model = DebtListModel(DebtBook(today=lambda: TODAY))
    model.set_filter(None, DebtStatus.ALL)
    bilal = model.row_at(0)
    assert bilal.customer_id == shop["Bilal"]
    cells = [model.index(0, column).data() for column in Column]
    assert cells == [
        "C-00002  Bilal Haddad",
        str(bilal.sale_id),
        "2026-07-02",
        "300.00",
        "100.00",
        "200.00",
        "2026-08-01",
        "112",
    ]
    assert model.index(0, Column.DAYS_OVERDUE).data(Qt.ItemDataRole.ForegroundRole) == (
        OVERDUE_COLOUR
    )
    assert model.index(0, Column.AMOUNT).data(Qt.ItemDataRole.TextAlignmentRole) == RIGHT
    assert model.index(0, Column.CUSTOMER).data(DEBT_ID_ROLE) == bilal.debt_id
    emre = next(row for row in range(6) if model.row_at(row).customer_id == shop["Emre"])
    assert model.index(emre, Column.OUTSTANDING).data() == "0.00"
    assert model.index(emre, Column.DAYS_OVERDUE).data() == ""
    assert model.index(emre, Column.DUE_DATE).data(Qt.ItemDataRole.ForegroundRole) == (PAID_COLOUR)
