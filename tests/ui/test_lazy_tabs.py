"""The window builds a tab when it is first shown (or asked for), so the start builds the till."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.db.database import DukanDatabase
from app.db.migrator import Migrator
from app.domain.money import CurrencyFormat
from app.services.maintenance import MaintenanceService
from app.services.summary import SummaryService
from app.ui.app_events import AppEvents
from app.ui.customers.customers_tab import CustomersTab
from app.ui.debts import debts_tab
from app.ui.debts.debt_services import DebtServices
from app.ui.debts.debts_tab import DebtsTab
from app.ui.main_window import CUSTOMERS_TAB, DEBTS_TAB, SALES_TAB, MainWindow, Services
from app.ui.sales.sales_tab import SalesServices, SalesTab
from bench import window_start
from tests.conftest import add_debt


@pytest.fixture
def services(database: DukanDatabase, database_path: Path, migrator: Migrator) -> Services:
    return Services(MaintenanceService(database_path, migrator), SummaryService())


@pytest.fixture
def window(qtbot: QtBot, services: Services, data_dir: Path) -> MainWindow:
    main_window = MainWindow(services, AppEvents(), data_dir, None)
    qtbot.addWidget(main_window)
    return main_window


def _built(window: MainWindow) -> list[str]:
    """The tabs' pages that are tabs, not yet the empty page of a tab never shown."""
    pages = (window.tabs.widget(index) for index in range(window.tabs.count()))
    return [
        type(page).__name__
        for page in pages
        if isinstance(page, SalesTab | CustomersTab | DebtsTab)
    ]


def test_only_the_till_is_built_until_another_tab_is_shown(window: MainWindow) -> None:
    assert _built(window) == ["SalesTab"]
    assert [window.tabs.tabText(i) for i in range(3)] == ["&Sales", "&Customers", "&Debts"]
    assert isinstance(window.tabs.widget(SALES_TAB), SalesTab)

    window.tabs.setCurrentIndex(DEBTS_TAB)

    assert _built(window) == ["SalesTab", "DebtsTab"]
    assert isinstance(window.tabs.widget(DEBTS_TAB), DebtsTab)
    assert window.tabs.currentWidget() is window.debts_tab
    assert window.tabs.currentIndex() == DEBTS_TAB


def test_each_tab_is_built_once_and_a_change_of_tab_is_told_once(
    window: MainWindow, qtbot: QtBot
) -> None:
    heard: list[int] = []
    window.tabs.currentChanged.connect(heard.append)

    window.tabs.setCurrentIndex(CUSTOMERS_TAB)
    first = window.tabs.currentWidget()
    window.tabs.setCurrentIndex(SALES_TAB)
    window.tabs.setCurrentIndex(CUSTOMERS_TAB)

    assert heard == [CUSTOMERS_TAB, SALES_TAB, CUSTOMERS_TAB]
    assert window.tabs.currentWidget() is first is window.customers_tab
    assert len(window.tabs.findChildren(CustomersTab)) == 1


def test_asking_for_a_tab_builds_it_without_showing_it(window: MainWindow) -> None:
    tab = window.debts_tab

    assert window.tabs.widget(DEBTS_TAB) is tab
    assert window.tabs.currentIndex() == SALES_TAB
    assert window.debts_tab is tab


def test_a_tab_built_late_shows_what_was_recorded_before(
    window: MainWindow, database_path: Path
) -> None:
    conn = sqlite3.connect(database_path)
    with conn:
        sale_id = conn.execute(
            "INSERT INTO sales (sold_at, total, paid) VALUES ('2026-01-05 10:00:00', 700, 200)"
        ).lastrowid
        conn.execute(
            "INSERT INTO sale_items (sale_id, description, quantity, unit_price) "
            "VALUES (?, 'Tea', 1, 700)",
            (sale_id,),
        )
        add_debt(conn, sale_id, 500, due_date="2026-02-01")
    conn.close()

    window.tabs.setCurrentIndex(DEBTS_TAB)

    assert window.debts_tab.panel.value(debts_tab.OPEN) == "1"
    assert window.debts_tab.panel.value(debts_tab.OUTSTANDING) == "5.00"


def test_new_services_rebuild_the_tab_shown_now_and_the_others_when_next_shown(
    window: MainWindow, services: Services
) -> None:
    window.tabs.setCurrentIndex(DEBTS_TAB)
    old_till, old_debts = window.sales_tab, window.debts_tab
    dinar = CurrencyFormat(
        symbol="DA", symbol_after=True, decimal_separator=",", thousands_separator=" "
    )
    fresh = Services(
        services.maintenance,
        services.summary,
        sales=SalesServices(money_format=dinar),
        debts=DebtServices(money_format=dinar),
    )

    window.use_services(fresh)

    assert window.tabs.currentIndex() == DEBTS_TAB
    assert _built(window) == ["DebtsTab"]
    assert window.debts_tab is not old_debts
    assert window.debts_tab.panel.value(debts_tab.OUTSTANDING) == "0,00 DA"
    window.tabs.setCurrentIndex(SALES_TAB)
    assert window.sales_tab is not old_till
    assert window.sales_tab.till.total_label.text() == "0,00 DA"


# Run in a process of its own, where no test has imported the other tabs' code yet.
CHILD = (
    window_start.STARTED_WINDOW
    + """
started.window.repaint()
loaded = sorted(name for name in sys.modules if name.startswith("app.ui."))
started.close()
print(" ".join(loaded))
"""
)


@pytest.mark.slow
def test_the_start_loads_none_of_the_other_tabs_code(database_path: Path, data_dir: Path) -> None:
    window_start.mark_settings_offered(database_path)
    env = {**os.environ, "DUKAN_DATA_DIR": str(data_dir), "QT_QPA_PLATFORM": "offscreen"}

    printed = window_start.printed_by(CHILD, database_path, env, timeout=120)

    loaded = printed.split()
    assert "app.ui.main_window" in loaded
    assert "app.ui.sales.till_view" in loaded
    for later in (
        "app.ui.customers.customers_tab",
        "app.ui.customers.profile_dialog",
        "app.ui.debts.debts_tab",
        "app.ui.settings_dialog",
        "app.ui.restore_dialog",
        "app.ui.sales.products_dialog",
    ):
        assert later not in loaded, later
