"""CustomerTableModel: cells and roles, paging with fetchMore, sorting, searching, archived."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from pytestqt.modeltest import ModelTester

from app.db.database import DukanDatabase
from app.domain.customer_form import CustomerDraft
from app.domain.money import CurrencyFormat
from app.services.customer_changes import CustomerChanges
from app.services.customer_directory import SEARCH_LIMIT, CustomerDirectory
from app.ui.customers.customer_table_model import (
    CUSTOMER_ID_ROLE,
    LEFT,
    OVERDUE_COLOUR,
    RIGHT,
    Column,
    CustomerTableModel,
)
from tests.ui.customer_data import add_credit_sale, insert_customers

TODAY = date(2025, 6, 1)


@pytest.fixture
def directory(database: DukanDatabase) -> CustomerDirectory:
    return CustomerDirectory(today=lambda: TODAY)


def _texts(model: CustomerTableModel, column: Column) -> list[str]:
    return [model.index(row, column).data() for row in range(model.rowCount())]


def _shop(path: Path) -> dict[str, int]:
    """Four customers: one late payer, one owing but not yet due, one clear, one who never
    bought anything."""
    ids = dict(
        zip(
            ["Samir Haddad", "Хасан Алиев", "Amina Benali", "Zoé Martin"],
            insert_customers(path, ["Samir Haddad", "Хасан Алиев", "Amina Benali", "Zoé Martin"]),
            strict=True,
        )
    )
    add_credit_sale(
        path, ids["Samir Haddad"], 1250, sold_at="2025-04-02 09:30:00", due="2025-05-02"
    )
    add_credit_sale(
        path, ids["Samir Haddad"], 100_000, sold_at="2025-05-20 16:00:00", due="2025-06-19"
    )
    add_credit_sale(path, ids["Хасан Алиев"], 800, sold_at="2025-05-30 12:00:00", due="2025-06-29")
    add_credit_sale(
        path,
        ids["Amina Benali"],
        500,
        sold_at="2025-03-01 08:00:00",
        due="2025-03-31",
        paid_back=500,
    )
    return ids


def test_the_model_passes_qts_model_checks(
    database_path: Path, directory: CustomerDirectory, qtmodeltester: ModelTester
) -> None:
    _shop(database_path)
    model = CustomerTableModel(directory)
    qtmodeltester.check(model)
    model.sort(Column.BALANCE)
    model.set_search("sa")
    model.set_search("")


def test_each_cell_shows_the_customer_as_the_operator_reads_it(
    database_path: Path, directory: CustomerDirectory
) -> None:
    ids = _shop(database_path)
    model = CustomerTableModel(directory)

    # By name, in every script: Latin first, then Cyrillic.
    assert _texts(model, Column.NAME) == [
        "Amina Benali",
        "Samir Haddad",
        "Zoé Martin",
        "Хасан Алиев",
    ]
    samir = model.row_of(ids["Samir Haddad"])
    assert samir == 1
    cells = [model.index(samir, column).data() for column in Column]
    assert cells == ["C-00001", "Samir Haddad", "", "1,012.50", "12.50", "2025-05-20"]
    assert model.index(samir, Column.OVERDUE).data(Qt.ItemDataRole.ForegroundRole) == (
        OVERDUE_COLOUR
    )
    assert model.index(samir, Column.NAME).data(CUSTOMER_ID_ROLE) == ids["Samir Haddad"]
    # Paid off: a zero balance, no overdue amount at all, and the day of the last payment.
    amina = model.row_of(ids["Amina Benali"])
    assert amina is not None
    assert model.index(amina, Column.BALANCE).data() == "0.00"
    assert model.index(amina, Column.OVERDUE).data() == ""
    assert model.index(amina, Column.OVERDUE).data(Qt.ItemDataRole.ForegroundRole) is None
    zoe = model.row_of(ids["Zoé Martin"])
    assert zoe is not None
    assert model.index(zoe, Column.LAST_ACTIVITY).data() == "—"


def test_money_cells_are_written_in_the_shops_currency_format(
    database_path: Path, directory: CustomerDirectory
) -> None:
    ids = _shop(database_path)
    dinar = CurrencyFormat(
        symbol="DA", symbol_after=True, decimal_separator=",", thousands_separator=" "
    )
    model = CustomerTableModel(directory, money_format=dinar)

    samir = model.row_of(ids["Samir Haddad"])
    amina = model.row_of(ids["Amina Benali"])
    assert samir is not None and amina is not None
    assert model.index(samir, Column.BALANCE).data() == "1 012,50 DA"
    assert model.index(samir, Column.OVERDUE).data() == "12,50 DA"
    assert model.index(amina, Column.BALANCE).data() == "0,00 DA"
    assert model.index(amina, Column.OVERDUE).data() == ""


def test_money_is_right_aligned_and_text_left_aligned(
    database_path: Path, directory: CustomerDirectory
) -> None:
    _shop(database_path)
    model = CustomerTableModel(directory)
    alignment = Qt.ItemDataRole.TextAlignmentRole
    for column in (Column.BALANCE, Column.OVERDUE):
        assert model.index(0, column).data(alignment) == RIGHT
        assert model.headerData(column, Qt.Orientation.Horizontal, alignment) == RIGHT
    for column in (Column.NUMBER, Column.NAME, Column.PHONE, Column.LAST_ACTIVITY):
        assert model.index(0, column).data(alignment) == LEFT
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in Column]
    assert headers == ["Number", "Name", "Phone", "Balance", "Overdue", "Last activity"]


class CountingDirectory(CustomerDirectory):
    """Records every page asked for, to prove the model reads page by page."""

    def __init__(self) -> None:
        super().__init__(today=lambda: TODAY)
        self.limits: list[int] = []

    def page(self, **kwargs):
        self.limits.append(kwargs["limit"])
        return super().page(**kwargs)


def test_fetch_more_reads_the_next_page_only(database: DukanDatabase, database_path: Path) -> None:
    names = [f"Customer {n:03d}" for n in range(250)]
    insert_customers(database_path, names)
    directory = CountingDirectory()
    model = CustomerTableModel(directory)

    assert model.rowCount() == 100
    assert directory.limits == [100]
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 200
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 250
    assert not model.canFetchMore(QModelIndex())
    assert directory.limits == [100, 100, 100]
    # Every customer once, in name order across the page boundaries.
    assert _texts(model, Column.NAME) == names

    model.reload()
    assert model.rowCount() == 250, "a refresh keeps what the operator had scrolled to"


def test_a_header_click_sorts_in_the_database(
    database_path: Path, directory: CustomerDirectory
) -> None:
    ids = _shop(database_path)
    model = CustomerTableModel(directory)

    model.sort(Column.BALANCE, Qt.SortOrder.AscendingOrder)
    assert model.sort_column is Column.BALANCE
    # Largest first whatever order Qt asks for: the service has one order per column.
    assert model.row_at(0).id == ids["Samir Haddad"]
    assert _texts(model, Column.BALANCE)[:2] == ["1,012.50", "8.00"]

    model.sort(Column.PHONE)
    assert model.sort_column is Column.BALANCE, "phone is not a sort the directory offers"
    model.sort(Column.NUMBER)
    assert _texts(model, Column.NUMBER) == ["C-00001", "C-00002", "C-00003", "C-00004"]


def test_search_shows_the_services_matches(
    database: DukanDatabase, directory: CustomerDirectory
) -> None:
    changes = CustomerChanges(fallback_region="DZ")
    for name, phone in [("Samir Haddad", "0555 12 34 56"), ("Хасан Алиев", ""), ("Samia", "")]:
        changes.create(CustomerDraft(name=name, phone=phone))
    model = CustomerTableModel(directory)

    model.set_search("ХАС")
    assert _texts(model, Column.NAME) == ["Хасан Алиев"]
    assert not model.canFetchMore(QModelIndex())
    model.set_search("0555 12")
    assert _texts(model, Column.NAME) == ["Samir Haddad"]
    model.set_search("sam")
    assert _texts(model, Column.NAME) == ["Samia", "Samir Haddad"]
    model.set_search("  ")
    assert model.rowCount() == 3
    assert model.search_text == ""


def test_archived_customers_appear_only_when_asked_for_and_look_archived(
    database: DukanDatabase, directory: CustomerDirectory
) -> None:
    changes = CustomerChanges()
    kept = changes.create(CustomerDraft(name="Kept"))
    gone = changes.create(CustomerDraft(name="Gone"))
    changes.archive(gone, "moved away")
    model = CustomerTableModel(directory)
    assert [model.row_at(r).id for r in range(model.rowCount())] == [kept]

    model.set_include_archived(True)
    row = model.row_of(gone)
    assert row is not None
    font = model.index(row, Column.NAME).data(Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.italic()
    assert isinstance(model.index(row, Column.NAME).data(Qt.ItemDataRole.ForegroundRole), QColor)
    assert model.index(row, Column.NAME).data(Qt.ItemDataRole.ToolTipRole) == "Archived"
    kept_row = model.row_of(kept)
    assert kept_row is not None
    assert model.index(kept_row, Column.NAME).data(Qt.ItemDataRole.FontRole) is None


def test_a_search_cut_at_the_limit_says_so(
    database: DukanDatabase, directory: CustomerDirectory
) -> None:
    changes = CustomerChanges()
    for n in range(SEARCH_LIMIT + 2):
        changes.create(CustomerDraft(name=f"Nadia {n:02d}"))
    model = CustomerTableModel(directory)
    model.set_search("nadia")
    assert model.rowCount() == SEARCH_LIMIT
    assert model.search_was_cut()
    model.set_search("nadia 07")
    assert _texts(model, Column.NAME) == ["Nadia 07"]
    assert not model.search_was_cut()
