"""Composition root: reads the command line, then runs a subcommand or builds the window."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app import cli, paths

if TYPE_CHECKING:
    from app.startup import OpenedShop
    from app.ui.main_window import MainWindow


def main(argv: Sequence[str] | None = None) -> int:
    parser = cli.build_parser()
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.command is not None:
        return cli.run(parser, args)
    return run_window(args.db)


@dataclass
class StartedWindow:
    """The shown window and what it runs on, released in reverse order by `close()`."""

    shop: OpenedShop
    window: MainWindow

    def close(self) -> None:
        self.window.close()
        self.shop.close()


def run_window(database: Path | None) -> int:
    started = start_window(database)
    if not isinstance(started, StartedWindow):
        return started
    try:
        return started.shop.application.exec()
    finally:
        started.close()


def start_window(database: Path | None) -> StartedWindow | int:
    """Open the shop's database, then wire services, app-wide events and tabs into the window."""
    # Qt loads only here, so the subcommands run on machines with no display or Qt libraries.
    from app.services.customer_changes import CustomerChanges
    from app.services.customer_csv import CustomerCsv
    from app.services.customer_directory import CustomerDirectory
    from app.services.maintenance import MaintenanceService
    from app.services.summary import SummaryService
    from app.shop_migrator import shop_migrator, system_phone_region
    from app.startup import open_shop
    from app.ui.app_events import AppEvents
    from app.ui.debts.debt_services import DebtServices
    from app.ui.main_window import MainWindow, Services
    from app.ui.sales.sales_tab import SalesServices

    shop = open_shop(database)
    if isinstance(shop, int):
        return shop
    directory = CustomerDirectory()
    changes = CustomerChanges(fallback_region=system_phone_region())
    summary = SummaryService()
    services = Services(
        maintenance=MaintenanceService(shop.database_path, shop_migrator()),
        summary=summary,
        customers=directory,
        customer_changes=changes,
        customer_csv=CustomerCsv(changes, directory),
        sales=SalesServices(summary=summary),
        debts=DebtServices(summary=summary),
    )
    events = AppEvents()
    window = MainWindow(services, events, paths.data_dir(), shop.log_file)
    window.show()
    return StartedWindow(shop, window)
