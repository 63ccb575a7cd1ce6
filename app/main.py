"""Composition root: reads the command line, then runs a subcommand or builds the window."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app import cli, paths

if TYPE_CHECKING:
    from app.startup import OpenedShop
    from app.ui.main_window import MainWindow, Services


def main(argv: Sequence[str] | None = None) -> int:
    parser = cli.build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.command is not None:
        return cli.run(parser, args)
    return run_window(args.db, demo=args.demo)


@dataclass
class StartedWindow:
    """The shown window and what it runs on, released in reverse order by `close()`."""

    shop: OpenedShop
    window: MainWindow

    def close(self) -> None:
        self.window.close()
        self.shop.close()


def run_window(database: Path | None, *, demo: bool = False) -> int:
    started = start_demo_window() if demo else start_window(database)
    if not isinstance(started, StartedWindow):
        return started
    try:
        return started.shop.application.exec()
    finally:
        started.close()


def start_window(database: Path | None) -> StartedWindow | int:
    """Open the shop's database (offering Settings on its first run), then the window."""
    # Qt loads only here, so the subcommands run on machines with no display or Qt libraries.
    from app.db.backup import backup_dir_for
    from app.services.shop_settings import ShopSettings
    from app.shop_migrator import system_phone_region
    from app.startup import open_shop

    shop = open_shop(database, meanwhile=load_window_modules)
    if isinstance(shop, int):
        return shop
    settings = ShopSettings(fallback_region=system_phone_region())
    if settings.is_first_run():
        from app.ui.settings_dialog import TRY_DEMO, SettingsDialog

        choice = SettingsDialog.ask_first_run(
            settings, default_backup_folder=backup_dir_for(shop.database_path)
        )
        if choice == TRY_DEMO:
            shop.close()
            return start_demo_window()
    return _show_window(shop, "Dukan")


def start_demo_window() -> StartedWindow | int:
    """The window on a demo shop made afresh (`--demo`, or the first run's "Try with sample
    data"): its own file in the data folder's `demo/`, never the shop's database. The proxy
    serves one database per process, so a caller with the shop open closes it first."""
    from app.demo import DEMO_TITLE, recreate_demo_database
    from app.startup import open_shop

    shop = open_shop(
        paths.demo_database_path(), prepare=recreate_demo_database, meanwhile=load_window_modules
    )
    if isinstance(shop, int):
        return shop
    # Made afresh at every start: nothing in it is worth a backup.
    return _show_window(shop, DEMO_TITLE, automatic_backups=False)


# What the window and its first tab run on. Only loaded ahead of the window (the first
# import takes a good part of the start): a module missing here is imported when used.
WINDOW_MODULES = (
    "app.ui.main_window",
    "app.ui.sales.sales_tab",
    "app.ui.debts.debt_services",
    "app.services.auto_backup",
    "app.services.maintenance",
    "app.services.shop_settings",
)


def load_window_modules() -> None:
    """Import the window's code while the start's worker checks the file (see open_shop)."""
    for name in WINDOW_MODULES:
        importlib.import_module(name)


def _show_window(shop: OpenedShop, title: str, *, automatic_backups: bool = True) -> StartedWindow:
    """Wire services, app-wide events and tabs into the window over an opened shop."""
    from app.ui.app_events import AppEvents
    from app.ui.main_window import MainWindow

    database_path = shop.database_path

    def services() -> Services:
        return build_services(database_path, automatic_backups=automatic_backups)

    window = MainWindow(
        services(), AppEvents(), paths.data_dir(), shop.log_file, services_for=services, title=title
    )
    window.show()
    return StartedWindow(shop, window)


def build_services(database_path: Path, *, automatic_backups: bool = True) -> Services:
    """Every service the window uses, as the shop's settings say: amounts in its money format,
    backups in its folder, as many kept as it chose (on start and quit unless told not to)."""
    from app.services.auto_backup import AutoBackups
    from app.services.checkout import Checkout
    from app.services.customer_changes import CustomerChanges
    from app.services.customer_directory import CustomerDirectory
    from app.services.maintenance import MaintenanceService
    from app.services.manual_debts import ManualDebts
    from app.services.payments import Payments
    from app.services.product_catalog import ProductCatalog
    from app.services.reminders import Reminders
    from app.services.sale_reversals import SaleReversals
    from app.services.sales_report import SalesReport
    from app.services.shop_settings import ShopSettings
    from app.services.summary import SummaryService
    from app.shop_migrator import shop_migrator, system_phone_region
    from app.ui.debts.debt_services import DebtServices
    from app.ui.main_window import Services
    from app.ui.sales.sales_tab import SalesServices

    region = system_phone_region()
    settings = ShopSettings(fallback_region=region)
    stored = settings.load()
    money_format = stored.money_format
    backup_folder = Path(stored.backup_folder) if stored.backup_folder else None
    directory = CustomerDirectory()
    changes = CustomerChanges(fallback_region=region, money_format=money_format)
    summary = SummaryService()
    return Services(
        maintenance=MaintenanceService(database_path, shop_migrator(), backup_folder),
        auto_backups=(
            AutoBackups(database_path, backup_folder, stored.backups_kept)
            if automatic_backups
            else None
        ),
        settings=settings,
        summary=summary,
        customers=directory,
        customer_changes=changes,
        # None: the window makes it over the two above when it builds the Customers tab, so
        # the start does not load the CSV code.
        customer_csv=None,
        sales=SalesServices(
            summary=summary,
            catalog=ProductCatalog(money_format=money_format),
            checkout=Checkout(money_format=money_format),
            reversals=SaleReversals(money_format=money_format),
            report=SalesReport(money_format),
            money_format=money_format,
        ),
        debts=DebtServices(
            summary=summary,
            payments=Payments(money_format=money_format),
            manual_debts=ManualDebts(money_format=money_format),
            reminders=Reminders(money_format=money_format),
            money_format=money_format,
        ),
    )
