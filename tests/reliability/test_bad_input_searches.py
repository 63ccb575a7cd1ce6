"""The catalogue typed into every search box (customers, sales report, debtors, debts): it may
find nothing, but it never raises and never writes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from app.db.database import DukanDatabase
from app.domain.customer_form import CustomerDraft
from app.services.customer_changes import CustomerChanges
from app.services.customer_csv import CustomerCsv
from app.services.customer_directory import CustomerDirectory
from app.services.debt_book import DebtBook
from app.services.sales_report import SalesReport
from app.services.summary import SummaryService
from app.ui.app_events import AppEvents
from app.ui.customers.customers_tab import CustomersTab
from app.ui.debts.debtors_view import DebtorsView
from app.ui.sales.report_view import SalesReportView
from tests.reliability.bad_input_form_support import unwritten
from tests.reliability.bad_input_support import (
    PromptsSeen,
    prompts_seen_fixture,  # noqa: F401 - a fixture
    shop_database_fixture,  # noqa: F401 - a fixture
)
from tests.reliability.bad_inputs import NAMES, NUMBERS, PHONES
from tests.services.till import line, product, sell

SEARCHED = NAMES + PHONES + NUMBERS


@pytest.fixture
def shop(shop_database: DukanDatabase) -> CustomerDirectory:
    """Two customers who owe, in two scripts, one of them with a phone."""
    changes = CustomerChanges(fallback_region="DZ")
    tea = product("Thé vert", 2_500, stock=10)
    for name, phone in (("Amina Benali", "0555 12 34 56"), ("ХАСАН", "")):
        buyer = changes.create(CustomerDraft(name=name, phone=phone))
        sell([line(tea, "Thé vert", 1, 2_500)], key=name, customer_id=buyer, on_account=True)
    return CustomerDirectory()


def search_every_value(
    qtbot: QtBot,
    shop_database: DukanDatabase,
    where: str,
    edit: QLineEdit,
    settle: Callable[[], None],
) -> None:
    conn = shop_database.sqlite_connection()
    for hostile in SEARCHED:

        def look(typed: str = hostile.text) -> None:
            edit.selectAll()
            edit.insert(typed)  # typed or pasted: the search runs as for keys
            settle()
            qtbot.keyClick(edit, Qt.Key.Key_Return)
            settle()

        unwritten(qtbot, conn, f"{where} search = {hostile.label}", look)


def shown(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.addWidget(widget)
    widget.resize(1000, 500)
    widget.show()


def test_the_customers_search_takes_any_text(
    qtbot: QtBot, shop_database: DukanDatabase, shop: CustomerDirectory, prompts_seen: PromptsSeen
) -> None:
    changes = CustomerChanges(fallback_region="DZ")
    tab = CustomersTab(SummaryService(), shop, changes, CustomerCsv(changes, shop), AppEvents())
    shown(qtbot, tab)
    search_every_value(qtbot, shop_database, "customers", tab.search_edit, lambda: qtbot.wait(1))
    tab.search_edit.setText("ХАС")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    assert not prompts_seen.shown


def test_the_sales_report_search_takes_any_text(
    qtbot: QtBot, shop_database: DukanDatabase, shop: CustomerDirectory, prompts_seen: PromptsSeen
) -> None:
    view = SalesReportView(SalesReport(), AppEvents())
    shown(qtbot, view)
    search_every_value(qtbot, shop_database, "sales report", view.search_edit, view.refresh)
    assert not prompts_seen.shown


def test_the_debtors_search_takes_any_text(
    qtbot: QtBot, shop_database: DukanDatabase, shop: CustomerDirectory, prompts_seen: PromptsSeen
) -> None:
    view = DebtorsView(DebtBook())
    shown(qtbot, view)
    search_every_value(qtbot, shop_database, "debtors", view.search_edit, lambda: qtbot.wait(1))
    view.search_edit.setText("amina")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1)
    assert not prompts_seen.shown
