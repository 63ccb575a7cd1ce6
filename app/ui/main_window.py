"""The main window: three tabs, the File and Help menus, and the status bar."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QWidget

from app import __version__
from app.services.auto_backup import AutoBackups, StartBackup
from app.services.customer_changes import CustomerChanges
from app.services.customer_directory import CustomerDirectory
from app.services.errors import ServiceError
from app.services.maintenance import MaintenanceService
from app.services.shop_settings import ShopSettings
from app.services.summary import SummaryService
from app.ui import prompts
from app.ui.app_events import AppEvents
from app.ui.background import BackgroundJob, ReportProgress, run_with_progress

if TYPE_CHECKING:
    # Imported where first used: a tab's, a dialog's modules load when it is first shown,
    # so the start pays only for the till (see `_tab`).
    from app.services.customer_csv import CustomerCsv
    from app.ui.customers.customers_tab import CustomersTab
    from app.ui.debts.debt_services import DebtServices
    from app.ui.debts.debts_tab import DebtsTab
    from app.ui.sales.sales_tab import SalesServices, SalesTab


def _sales_services() -> SalesServices:
    from app.ui.sales.sales_tab import SalesServices

    return SalesServices()


def _debt_services() -> DebtServices:
    from app.ui.debts.debt_services import DebtServices

    return DebtServices()


@dataclass(frozen=True, slots=True)
class Services:
    """What the window is handed by the composition root; tabs take only what they use."""

    maintenance: MaintenanceService
    summary: SummaryService
    # The defaults serve windows built without a shop's settings (tests); the composition
    # root passes every one of them.
    customers: CustomerDirectory = field(default_factory=CustomerDirectory)
    customer_changes: CustomerChanges = field(default_factory=CustomerChanges)
    customer_csv: CustomerCsv | None = None  # None: one over the two services above
    sales: SalesServices = field(default_factory=_sales_services)
    debts: DebtServices = field(default_factory=_debt_services)
    settings: ShopSettings = field(default_factory=ShopSettings)
    # None: no automatic backups on start and quit (tests of other parts of the window).
    auto_backups: AutoBackups | None = None

    def csv(self) -> CustomerCsv:
        if self.customer_csv is not None:
            return self.customer_csv
        from app.services.customer_csv import CustomerCsv

        return CustomerCsv(self.customer_changes, self.customers)


log = logging.getLogger(__name__)


def _when(moment: datetime) -> str:
    return f"{moment:%d %B %Y at %H:%M}"


def _counted(number: int, noun: str) -> str:
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


# The tabs in their order; each is built the first time it is shown (or asked for).
SALES_TAB, CUSTOMERS_TAB, DEBTS_TAB = range(3)
TAB_TITLES = ("&Sales", "&Customers", "&Debts")


class MainWindow(QMainWindow):
    # The automatic backup on start ended, written or failed (the status bar says which).
    start_backup_finished = Signal()

    def __init__(
        self,
        services: Services,
        events: AppEvents,
        data_folder: Path,
        log_file: Path | None,
        *,
        services_for: Callable[[], Services] | None = None,
        title: str = "Dukan",
    ) -> None:
        super().__init__()
        self._services = services
        self._events = events
        self._data_folder = data_folder
        self._log_file = log_file
        # Builds the services anew, as the shop's settings now say.
        self._services_for = services_for
        self.setWindowTitle(title)  # the demo says so in its title
        self.resize(1200, 680)

        self.tabs = QTabWidget()
        # The tabs built so far, by index; the others are empty pages until first shown.
        self._built: dict[int, QWidget] = {}
        self._add_tabs()
        self.setCentralWidget(self.tabs)

        self.backup_action = QAction("&Backup now…", self)
        self.backup_action.setShortcut(QKeySequence("Ctrl+B"))
        self.backup_action.triggered.connect(self._on_backup_action_triggered)
        self.restore_action = QAction("&Restore from backup…", self)
        self.restore_action.triggered.connect(self._on_restore_action_triggered)
        self.products_action = QAction("&Products…", self)
        self.products_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.products_action.triggered.connect(self.open_products)
        self.settings_action = QAction("&Settings…", self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.triggered.connect(self.open_settings)
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.close)
        self.about_action = QAction("&About Dukan", self)
        self.about_action.triggered.connect(self._on_about_action_triggered)
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.products_action)
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.backup_action)
        file_menu.addAction(self.restore_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        self.menuBar().addMenu("&Help").addAction(self.about_action)

        self.shop_label = QLabel(self._shop_text())
        self.statusBar().addWidget(self.shop_label)
        self.database_label = QLabel(self._database_text())
        # Right-aligned, so it reads apart from the shop's name on the left.
        self.database_label.setAlignment(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        self.statusBar().addPermanentWidget(self.database_label, 1)
        self.backup_label = QLabel()
        self.statusBar().addPermanentWidget(self.backup_label)
        events.database_restored.connect(self._on_events_database_restored)
        # The automatic backup on start runs here, off the GUI thread, once the window shows.
        self.start_backup: BackgroundJob | None = None
        self._shown_before = False
        self._backed_up_on_quit = False
        # When this shop's last backup was taken, once the start job has read the backup
        # folder (or a backup was written here): About never reads the folder itself, since
        # a folder on an unplugged USB stick or an unreachable share can take long to answer.
        self._last_backup: datetime | None = None
        self._last_backup_known = False

    def _add_tabs(self) -> None:
        for tab_title in TAB_TITLES:
            self.tabs.addTab(QWidget(), tab_title)
        self._tab(self.tabs.currentIndex())
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)

    @property
    def sales_tab(self) -> SalesTab:
        return cast("SalesTab", self._tab(SALES_TAB))

    @property
    def customers_tab(self) -> CustomersTab:
        return cast("CustomersTab", self._tab(CUSTOMERS_TAB))

    @property
    def debts_tab(self) -> DebtsTab:
        return cast("DebtsTab", self._tab(DEBTS_TAB))

    def _tab(self, index: int) -> QWidget:
        """The tab at `index`, built now if it never was: building all three before the
        window shows cost most of the start (the Debts tab's totals scan every open debt)."""
        built = self._built.get(index)
        if built is None:
            built = self._build_tab(index)
            self._built[index] = built
            self._put_page(index, built)
        return built

    def _build_tab(self, index: int) -> QWidget:
        services, events = self._services, self._events
        customers = (services.customers, services.customer_changes)
        if index == SALES_TAB:
            from app.ui.sales.sales_tab import SalesTab

            return SalesTab(services.sales, customers, events, self.open_products)
        if index == CUSTOMERS_TAB:
            from app.ui.customers.customers_tab import CustomersTab

            return CustomersTab(
                services.summary,
                services.customers,
                services.customer_changes,
                services.csv(),
                events,
                debts=services.debts,
            )
        from app.ui.debts.debts_tab import DebtsTab

        return DebtsTab(services.debts, customers, events)

    def _put_page(self, index: int, page: QWidget) -> None:
        """Put `page` in the tab at `index` in place of the one there, which goes; the tab
        shown stays the one shown, and no one hears of a change of tab."""
        shown = self.tabs.currentIndex()
        replaced = self.tabs.widget(index)
        self.tabs.blockSignals(True)
        try:
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, page, TAB_TITLES[index])
            self.tabs.setCurrentIndex(shown)
        finally:
            self.tabs.blockSignals(False)
        if replaced is not None:
            replaced.deleteLater()

    def _on_tabs_current_changed(self, index: int) -> None:
        if index >= 0:
            self._tab(index)

    def use_services(self, services: Services) -> None:
        """Rebuild the tabs over new services (a new money format), on the same tab: the one
        shown now, the others when next shown."""
        for index in sorted(self._built):
            self._put_page(index, QWidget())
        self._built.clear()
        self._services = services
        self._tab(self.tabs.currentIndex())

    def open_settings(self) -> None:
        settings = self._services.settings
        before = settings.load().money_format
        locked = (
            ""
            if self.sales_tab.till.basket_is_empty()
            else "Complete or clear the sale at the till to change how amounts are written."
        )
        from app.ui.settings_dialog import SettingsDialog

        saved = SettingsDialog.ask(
            settings,
            default_backup_folder=self._services.maintenance.default_backup_folder,
            money_locked=locked,
            parent=self,
        )
        if saved is None:
            return
        if self._services_for is not None:
            fresh = self._services_for()
            if saved.money_format != before:
                self.use_services(fresh)
            else:
                # Only the backup folder and count may have changed: the tabs, and a sale
                # open at the till, stay as they are.
                self._services = replace(
                    self._services, maintenance=fresh.maintenance, auto_backups=fresh.auto_backups
                )
        self._events.settings_saved.emit()
        self.shop_label.setText(self._shop_text())

    def _shop_text(self) -> str:
        name = self._services.settings.load().shop_name or "Shop not named yet (File → Settings)"
        return f"{name} · {self._services.summary.operator_name()}"

    def _database_text(self) -> str:
        maintenance = self._services.maintenance
        return f"Database: {maintenance.database_path} (version {maintenance.schema_version()})"

    def about_text(self) -> str:
        maintenance = self._services.maintenance
        rows = [
            ("Version", __version__),
            ("Data folder", str(self._data_folder)),
            ("Database", str(maintenance.database_path)),
            ("Schema version", str(maintenance.schema_version())),
            ("Backups", str(maintenance.backup_folder)),
            ("Last backup", self._last_backup_text()),
            ("Log file", str(self._log_file or "not available")),
            ("Qt for Python", pyside_version),
            ("SQLite", maintenance.sqlite_version()),
        ]
        cells = "".join(
            f"<tr><td><b>{name}</b>&nbsp;</td><td>{html.escape(value)}</td></tr>"
            for name, value in rows
        )
        return (
            "<p><b>Dukan</b>: point of sale and credit book for one shop.</p>"
            f"<table>{cells}</table>"
        )

    def _last_backup_text(self) -> str:
        if self._last_backup_known:
            return _when(self._last_backup) if self._last_backup is not None else "never"
        if self._services.auto_backups is None:
            return "not read (this window takes no automatic backups)"
        return "being read from the backup folder…"

    def _backup_taken(self, written: Path) -> None:
        """Remember a backup written from this window as the last one (its name's time)."""
        taken_at = self._services.maintenance.taken_at(written)
        if taken_at is not None:
            self._last_backup, self._last_backup_known = taken_at, True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._shown_before:
            self._shown_before = True
            # After the first paint: the window's start never waits for the backup.
            QTimer.singleShot(0, self._start_automatic_backup)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self._back_up_on_quit()
        super().closeEvent(event)

    def _start_automatic_backup(self) -> None:
        """Whether one is due is decided in the worker too: it reads the backup folder."""
        auto = self._services.auto_backups
        if auto is None or self.start_backup is not None:
            return
        self.start_backup = BackgroundJob(auto.back_up_on_start, self)
        self.start_backup.succeeded.connect(self._on_start_backup_succeeded)
        self.start_backup.failed.connect(self._on_start_backup_failed)
        self.start_backup.start()

    def _on_start_backup_succeeded(self, result: object) -> None:
        outcome = cast(StartBackup, result)  # what `back_up_on_start` returns
        if not self._last_backup_known:  # a backup written meanwhile is newer still
            self._last_backup, self._last_backup_known = outcome.last_backup, True
        if outcome.written is not None:
            self._show_backup_written()
            self._events.backup_written.emit(str(outcome.written))
        elif outcome.failure is not None:
            self._show_start_backup_failed(outcome.failure)
        self.start_backup_finished.emit()

    def _on_start_backup_failed(self, error: object) -> None:
        # Not a failed copy (the service says so and logs it): an error no one expected.
        if isinstance(error, Exception):
            log.error("automatic backup on start failed", exc_info=error)
        self._show_start_backup_failed(str(error))
        self.start_backup_finished.emit()

    def _show_start_backup_failed(self, reason: str) -> None:
        self.backup_label.setText("Automatic backup FAILED")
        self.backup_label.setToolTip(reason)

    def _show_backup_written(self) -> None:
        self.backup_label.setText(f"Backup written {datetime.now():%H:%M}")
        self.backup_label.setToolTip("")

    def _wait_for_start_backup(self) -> None:
        """Let the start backup finish first: a restore must not move a file it reads."""
        job = self.start_backup
        if job is not None and job.is_running():
            run_with_progress(self, "Finishing the backup taken on start…", lambda _r: job.wait())

    def _back_up_on_quit(self) -> None:
        """A verified backup behind a progress dialog; a failure is told but never keeps the
        window open (the books are already saved; older backups stay)."""
        auto = self._services.auto_backups
        if auto is None or self._backed_up_on_quit:
            return
        self._backed_up_on_quit = True
        try:
            self._wait_for_start_backup()
            written = run_with_progress(
                self,
                "Backing up the database before closing…",
                lambda report: auto.run(
                    lambda done, total: report(done, total, "Copying the database…")
                ),
            )
            self._backup_taken(written)
        except ServiceError as error:
            prompts.show_error(
                self,
                "Backup before closing failed",
                f"{error}\n\nDukan closes anyway: every sale and payment is already saved in "
                "the books. Make a backup at the next start (File → Backup now…).",
            )
        except Exception:  # closing must never fail because of a backup
            log.exception("backup on quit failed")
            prompts.show_error(
                self,
                "Backup before closing failed",
                "An unexpected error stopped the backup; details are in the log. Dukan closes "
                "anyway: every sale and payment is already saved in the books.",
            )

    def open_products(self) -> None:
        from app.services.product_csv import ProductCsv
        from app.ui.sales.products_dialog import ProductsDialog

        catalog = self._services.sales.catalog
        dialog = ProductsDialog(catalog, ProductCsv(catalog), self._events, self)
        dialog.exec()
        dialog.deleteLater()

    def _on_about_action_triggered(self) -> None:
        prompts.show_about(self, "About Dukan", self.about_text())

    def _on_backup_action_triggered(self) -> None:
        maintenance = self._services.maintenance

        def job(report: ReportProgress) -> Path:
            return maintenance.backup_now(
                lambda done, total: report(done, total, "Copying the database…")
            )

        try:
            written = run_with_progress(self, "Backing up the database…", job)
        except ServiceError as error:
            prompts.show_error(self, "Backup failed", str(error))
            return
        self._backup_taken(written)
        self._show_backup_written()
        self._events.backup_written.emit(str(written))
        prompts.show_info(self, "Backup written", f"The backup was written and checked:\n{written}")

    def _on_restore_action_triggered(self) -> None:
        maintenance = self._services.maintenance
        self._wait_for_start_backup()
        listed = run_with_progress(self, "Reading the backups…", maintenance.list_backups)
        from app.ui.restore_dialog import RestoreDialog

        backup = RestoreDialog.ask(
            self, listed, maintenance.backup_folders, maintenance.schema_version()
        )
        if backup is None:
            return
        found = run_with_progress(
            self, "Checking the backup…", lambda _report: maintenance.describe_entry(backup)
        )
        if found.version is None or found.taken_at is None:  # no time: not readable either
            prompts.show_error(self, "This backup cannot be restored", str(found.problem))
            return
        lost = self._restore_loss_text(backup, found.taken_at)
        question = (
            f"Replace the shop's books with the backup taken {_when(found.taken_at)} "
            f"({_counted(found.sales, 'sale')}, {_counted(found.customers, 'customer')}, "
            f"database version {found.version})?\n\n{lost} "
            f"The current file is kept, not deleted, in {maintenance.set_aside_folder}."
        )
        if not prompts.confirm(self, "Restore from backup", question, "Restore"):
            return
        maintenance.release_database()
        try:
            outcome = run_with_progress(
                self, "Restoring the backup…", lambda report: maintenance.restore(backup, report)
            )
        except ServiceError as error:
            prompts.show_error(self, "Restore failed", str(error))
            if not maintenance.is_current():
                # The restored file is in place but not upgraded: only a restart may use it.
                self.close()
            return
        self._events.database_restored.emit(str(backup))
        kept = f"\nThe replaced file is kept at {outcome.set_aside}." if outcome.set_aside else ""
        prompts.show_info(self, "Backup restored", f"The books are now those of {backup}.{kept}")

    def _restore_loss_text(self, backup: Path, taken_at: datetime) -> str:
        """What the books lose: counted when cheap, otherwise at least the moment."""
        lost = self._services.maintenance.changes_since(backup)
        when = _when(taken_at)
        if lost is None:
            return f"Everything recorded after {when} will no longer be in the books."
        counts = [_counted(lost.sales, "sale"), _counted(lost.payments, "payment")]
        if lost.customers is not None:
            counts.append(_counted(lost.customers, "new customer"))
        if not (lost.sales or lost.payments or lost.customers):
            return (
                f"No sale, payment or customer was recorded after {when}; other changes made "
                "since (edits, voids, stock counts) will be undone."
            )
        listed = ", ".join(counts[:-1]) + f" and {counts[-1]}"
        return (
            f"The {listed} recorded after {when} will no longer be in the books, nor any "
            "other change made since."
        )

    def _on_events_database_restored(self, _backup: str) -> None:
        self.database_label.setText(self._database_text())
