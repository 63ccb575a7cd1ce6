"""The window's paged table models over 100,000 rows hold only the pages fetched so far."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex

from app.db.database import DukanDatabase, open_database
from app.db.migrator import Migrator
from app.domain.names import name_key
from app.services.customer_directory import CustomerDirectory
from app.services.debt_book import DebtBook, DebtStatus
from app.services.sales_history import SalesHistory
from app.ui.customers.customer_table_model import CustomerTableModel
from app.ui.debts.debt_list_model import DebtListModel
from app.ui.debts.debtor_table_model import DebtorTableModel
from app.ui.sales.sales_table_model import SalesTableModel
from app.ui.widgets.paged_table_model import PagedTableModel

ROWS = 100_000
TODAY = date(2026, 11, 21)
FIRST_SALE = datetime(2026, 1, 1, 8, 0)
FIRST_DUE = date(2026, 2, 1)
SALES_RANGE = (date(2026, 1, 1), date(2026, 12, 31))


@dataclass(frozen=True, slots=True)
class BigShop:
    """Customer i (1..ROWS) is named so that name order runs against id order; sale i is
    theirs, made i minutes after FIRST_SALE and left wholly on credit as debt i, due in
    blocks of 1,000 that also run against id order. Each order below is worked out here,
    from how the rows were made, not by asking the database."""

    path: Path

    @staticmethod
    def name(customer_id: int) -> str:
        return f"Customer {ROWS - customer_id:06d}"

    @staticmethod
    def due(debt_id: int) -> date:
        return FIRST_DUE + timedelta(days=(ROWS - debt_id) // 1_000)

    def customers_by_name(self) -> list[int]:
        return sorted(range(1, ROWS + 1), key=lambda i: (name_key(self.name(i)), i))

    def sales_newest_first(self) -> list[int]:
        return list(range(ROWS, 0, -1))

    def debts_by_due(self) -> list[int]:
        # Sale and debt i are made at the same minute, later for a higher id.
        return sorted(range(1, ROWS + 1), key=lambda i: (self.due(i), i))

    def debtors_by_oldest_due(self) -> list[int]:
        return sorted(range(1, ROWS + 1), key=lambda i: (self.due(i), i))


@pytest.fixture(scope="module")
def big_shop_template(tmp_path_factory: pytest.TempPathFactory, migrator: Migrator) -> BigShop:
    """Built once for the module with plain sqlite3 inserts into a migrated file; the
    schema's triggers keep the balances and oldest due dates, as for any writer."""
    path = tmp_path_factory.mktemp("big-shop") / "dukan.db"
    migrator.migrate(path)
    shop = BigShop(path)
    conn = sqlite3.connect(path)
    # Room for every index page the inserts touch: with the default 2 MB cache the build
    # took 17 s, mostly re-reading them. Numbers are given, as the counter's trigger doubles
    # the cost of each customer.
    conn.execute("PRAGMA cache_size = -262144")
    with conn:
        conn.executemany(
            "INSERT INTO customers (id, name, name_key, customer_number) VALUES (?, ?, ?, ?)",
            ((i, shop.name(i), name_key(shop.name(i)), f"C-{i:06d}") for i in range(1, ROWS + 1)),
        )
        sold = [(FIRST_SALE + timedelta(minutes=i)).isoformat(" ") for i in range(ROWS + 1)]
        conn.executemany(
            "INSERT INTO sales (id, sold_at, total, paid, customer_id) VALUES (?, ?, 1000, 0, ?)",
            ((i, sold[i], i) for i in range(1, ROWS + 1)),
        )
        conn.executemany(
            "INSERT INTO debts (id, sale_id, amount, due_date, customer_id, created_at) "
            "VALUES (?, ?, 1000, ?, ?, ?)",
            ((i, i, shop.due(i).isoformat(), i, sold[i]) for i in range(1, ROWS + 1)),
        )
    conn.close()
    return shop


@pytest.fixture
def big_shop(big_shop_template: BigShop, tmp_path: Path) -> Iterator[tuple[BigShop, DukanDatabase]]:
    path = tmp_path / "shop" / "dukan.db"
    path.parent.mkdir()
    shutil.copyfile(big_shop_template.path, path)
    db = open_database(path)
    yield BigShop(path), db
    db.close()


def held_ids(model: PagedTableModel[object, object], id_of: str) -> list[int]:  # type: ignore[type-var]
    return [getattr(model.row_at(row), id_of) for row in range(model.rowCount())]


def assert_holds_pages(
    model: PagedTableModel[object, object],  # type: ignore[type-var]
    id_of: str,
    in_order: list[int],
    page: int,
) -> None:
    """One page after construction, two after one fetchMore, and exactly those rows."""
    assert len(in_order) == ROWS
    assert model.rowCount() == page
    assert held_ids(model, id_of) == in_order[:page]
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 2 * page
    assert held_ids(model, id_of) == in_order[: 2 * page]
    assert model.canFetchMore(QModelIndex())


def test_the_customer_directory_holds_only_its_fetched_pages(
    big_shop: tuple[BigShop, DukanDatabase],
) -> None:
    shop, _db = big_shop
    directory = CustomerDirectory(today=lambda: TODAY)
    assert directory.count() == ROWS
    model = CustomerTableModel(directory, page_size=100)
    assert_holds_pages(model, "id", shop.customers_by_name(), 100)  # type: ignore[arg-type]


def test_the_debtors_hold_only_their_fetched_pages(
    big_shop: tuple[BigShop, DukanDatabase],
) -> None:
    shop, _db = big_shop
    book = DebtBook(today=lambda: TODAY)
    assert book.totals().debtors == ROWS
    model = DebtorTableModel(book, page_size=100)
    assert model.rowCount() == 0, "nothing is read before the tab asks"
    model.reload()
    assert_holds_pages(model, "customer_id", shop.debtors_by_oldest_due(), 100)  # type: ignore[arg-type]


def test_the_sales_list_holds_only_its_fetched_pages(
    big_shop: tuple[BigShop, DukanDatabase],
) -> None:
    shop, _db = big_shop
    history = SalesHistory()
    assert history.count(*SALES_RANGE) == ROWS
    model = SalesTableModel(history, *SALES_RANGE, page_size=100)
    assert_holds_pages(model, "id", shop.sales_newest_first(), 100)  # type: ignore[arg-type]


def test_the_debt_list_holds_only_its_fetched_pages(
    big_shop: tuple[BigShop, DukanDatabase],
) -> None:
    shop, _db = big_shop
    book = DebtBook(today=lambda: TODAY)
    assert book.count_debts(status=DebtStatus.ALL) == ROWS
    model = DebtListModel(book, page_size=200)
    model.set_filter(None, DebtStatus.ALL)
    assert_holds_pages(model, "debt_id", shop.debts_by_due(), 200)  # type: ignore[arg-type]
