"""The window shell: tabs showing the books, the File and Help menus, the status bar."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app import __version__
from app.db import backup as backup_module
from app.db.backup import BackupFile, backup_files
from app.db.database import DukanDatabase
from app.db.migrator import Migrator
from app.domain.customer_form import CustomerDraft
from app.services import auto_backup as auto_backup_module
from app.services.auto_backup import AutoBackups
from app.services.customer_changes import CustomerChanges
from app.services.maintenance import MaintenanceService
from app.services.sale_reversals import SaleReversals
from app.services.summary import SummaryService
from app.ui.app_events import AppEvents
from app.ui.customers import customers_tab
from app.ui.debts import debts_tab
from app.ui.main_window import MainWindow, Services
from app.ui.sales import sales_tab
from tests.conftest import add_debt, add_payment
from tests.ui.conftest import PromptRecorder

TODAY = date.today()
TAKEN = datetime.combine(TODAY, datetime.min.time()).replace(hour=7, minute=5)


def _record_sale(path: Path, total: int, paid: int, *, sold_at: str, due: str | None) -> None:
    conn = sqlite3.connect(path)
    with conn:
        sale_id = conn.execute(
            "INSERT INTO sales (sold_at, total, paid) VALUES (?, ?, ?)", (sold_at, total, paid)
        ).lastrowid
        conn.execute(
            "INSERT INTO sale_items (sale_id, description, quantity, unit_price) "
            "VALUES (?, 'Tea', 1, ?)",
            (sale_id, total),
        )
        if total > paid:
            add_debt(conn, sale_id, total - paid, due_date=due)
    conn.close()


@pytest.fixture
def window(
    qtbot: QtBot, database: DukanDatabase, database_path: Path, data_dir: Path, migrator: Migrator
) -> MainWindow:
    services = Services(MaintenanceService(database_path, migrator), SummaryService())
    main_window = MainWindow(services, AppEvents(), data_dir, data_dir / "logs" / "dukan.log")
    qtbot.addWidget(main_window)
    return main_window


def test_tabs_show_todays_sales_and_the_credit_book(
    database_path: Path, window: MainWindow, qtbot: QtBot
) -> None:
    assert window.sales_tab.panel.value(sales_tab.SALES) == "0"
    _record_sale(database_path, 1250, 1250, sold_at=f"{TODAY} 09:15:00", due=None)
    _record_sale(database_path, 800, 300, sold_at=f"{TODAY} 11:40:00", due="2000-01-31")
    _record_sale(database_path, 999, 0, sold_at="2001-05-05 10:00:00", due="2999-01-01")

    with qtbot.waitSignal(window._events.sale_recorded):
        window._events.sale_recorded.emit(2)

    panel = window.sales_tab.panel
    assert panel.value(sales_tab.SALES) == "2"
    assert panel.value(sales_tab.TAKEN) == "20.50"
    assert panel.value(sales_tab.PAID) == "15.50"
    assert panel.value(sales_tab.ON_CREDIT) == "5.00"
    debts = window.debts_tab.panel
    assert debts.value(debts_tab.OPEN) == "2"
    assert debts.value(debts_tab.OUTSTANDING) == "14.99"
    assert debts.value(debts_tab.OVERDUE) == "1 (5.00)"


def test_a_payment_refreshes_the_debts_tab(
    database_path: Path, window: MainWindow, qtbot: QtBot
) -> None:
    _record_sale(database_path, 800, 300, sold_at=f"{TODAY} 11:40:00", due=None)
    window.debts_tab.refresh()
    assert window.debts_tab.panel.value(debts_tab.OUTSTANDING) == "5.00"
    conn = sqlite3.connect(database_path)
    with conn:
        add_payment(conn, 1, 500)
    conn.close()
    window._events.payment_recorded.emit(1)
    assert window.debts_tab.panel.value(debts_tab.OPEN) == "0"
    assert window.debts_tab.panel.value(debts_tab.OUTSTANDING) == "0.00"


def test_the_customers_tab_counts_customers_and_follows_events(
    database_path: Path, window: MainWindow
) -> None:
    assert window.customers_tab.panel.value(customers_tab.CUSTOMERS) == "0"
    _record_sale(database_path, 800, 300, sold_at=f"{TODAY} 11:40:00", due=None)
    conn = sqlite3.connect(database_path)
    with conn:
        conn.execute("INSERT INTO customers (name) VALUES ('Samir')")
    conn.close()

    window._events.customer_saved.emit(2)

    panel = window.customers_tab.panel
    assert panel.value(customers_tab.CUSTOMERS) == "2"
    assert panel.value(customers_tab.OWING) == "1"
    assert panel.value(customers_tab.WAITING) == "0 (0.00)"


def test_menus_and_status_bar(window: MainWindow, database_path: Path, migrator: Migrator) -> None:
    menus = [action.text().replace("&", "") for action in window.menuBar().actions()]
    assert menus == ["File", "Help"]
    assert window.backup_action.text().replace("&", "") == "Backup now…"
    assert window.quit_action.text().replace("&", "") == "Quit"
    assert window.restore_action.text().replace("&", "") == "Restore from backup…"
    assert window.backup_action.shortcut().toString() == "Ctrl+B"
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"
    assert window.database_label.text() == (
        f"Database: {database_path} (version {migrator.latest_version})"
    )


def test_about_names_version_folders_and_schema(
    window: MainWindow,
    data_dir: Path,
    database_path: Path,
    migrator: Migrator,
    recorded_prompts: PromptRecorder,
) -> None:
    window.about_action.trigger()
    assert recorded_prompts.titles() == ["About Dukan"]
    text = recorded_prompts.texts()
    assert __version__ in text
    assert str(data_dir) in text
    assert str(database_path) in text
    assert f"<b>Schema version</b>&nbsp;</td><td>{migrator.latest_version}</td>" in text


def test_backup_now_writes_a_verified_copy(
    window: MainWindow, database_path: Path, qtbot: QtBot, recorded_prompts: PromptRecorder
) -> None:
    _record_sale(database_path, 1250, 1250, sold_at=f"{TODAY} 09:15:00", due=None)
    with qtbot.waitSignal(window._events.backup_written) as written:
        window.backup_action.trigger()
    backup = Path(written.args[0])
    assert backup.parent == database_path.parent / "backups"
    assert recorded_prompts.titles() == ["Backup written"]
    conn = sqlite3.connect(f"{backup.as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("SELECT total FROM sales").fetchall() == [(1250,)]
    finally:
        conn.close()


def test_a_failed_backup_says_so_and_keeps_older_backups(
    window: MainWindow, database_path: Path, recorded_prompts: PromptRecorder
) -> None:
    # A file where the backup folder should be: the copy cannot be written there.
    (database_path.parent / "backups").write_text("not a folder")
    window.backup_action.trigger()
    assert recorded_prompts.titles() == ["Backup failed"]
    assert "The backup failed" in recorded_prompts.texts()
    assert (database_path.parent / "backups").read_text() == "not a folder"


def _sales_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM sales").fetchone()[0])
    finally:
        conn.close()


def test_restore_brings_back_the_backup_and_keeps_the_replaced_file(
    window: MainWindow,
    database_path: Path,
    migrator: Migrator,
    qtbot: QtBot,
    recorded_prompts: PromptRecorder,
) -> None:
    _record_sale(database_path, 1250, 1250, sold_at=f"{TODAY} 09:15:00", due=None)
    backup = window._services.maintenance.backup_now()
    _record_sale(database_path, 800, 300, sold_at=f"{TODAY} 11:40:00", due=None)
    window.sales_tab.refresh()
    assert window.sales_tab.panel.value(sales_tab.SALES) == "2"
    recorded_prompts.chosen_backup = backup

    with qtbot.waitSignal(window._events.database_restored):
        window.restore_action.trigger()

    kinds = [kind for kind, _title, _text in recorded_prompts.shown]
    assert kinds == ["confirm", "info"]
    question = recorded_prompts.shown[0][2]
    assert f"(1 sale, 0 customers, database version {migrator.latest_version})" in question
    assert "The 1 sale, 0 payments and 1 new customer recorded after" in question
    assert str(database_path.parent / "replaced") in question
    assert window.sales_tab.panel.value(sales_tab.SALES) == "1"
    assert window.debts_tab.panel.value(debts_tab.OPEN) == "0"
    assert _sales_count(database_path) == 1
    replaced = list((database_path.parent / "replaced").iterdir())
    assert len(replaced) == 1 and _sales_count(replaced[0]) == 2
    assert str(replaced[0]) in recorded_prompts.shown[1][2]


def test_restore_cancelled_changes_nothing(
    window: MainWindow, database_path: Path, recorded_prompts: PromptRecorder
) -> None:
    _record_sale(database_path, 1250, 1250, sold_at=f"{TODAY} 09:15:00", due=None)
    recorded_prompts.chosen_backup = window._services.maintenance.backup_now()
    _record_sale(database_path, 800, 300, sold_at=f"{TODAY} 11:40:00", due=None)
    recorded_prompts.confirm_answer = False

    window.restore_action.trigger()

    assert [kind for kind, _t, _x in recorded_prompts.shown] == ["confirm"]
    assert _sales_count(database_path) == 2
    assert not (database_path.parent / "replaced").exists()


def test_restoring_a_file_that_is_no_backup_is_refused(
    window: MainWindow, database_path: Path, tmp_path: Path, recorded_prompts: PromptRecorder
) -> None:
    impostor = tmp_path / "holiday-photos.db"
    impostor.write_bytes(b"\x89PNG not a database at all" * 100)
    recorded_prompts.chosen_backup = impostor

    window.restore_action.trigger()

    assert recorded_prompts.titles() == ["This backup cannot be restored"]
    assert "not a Dukan database" in recorded_prompts.texts()
    assert not (database_path.parent / "replaced").exists()


def test_a_sale_at_the_till_and_its_void_refresh_the_other_tabs(
    window: MainWindow, qtbot: QtBot
) -> None:
    amina = CustomerChanges().create(CustomerDraft(name="Amina"))
    till = window.sales_tab.till
    till.model.add_free("Tea", 800)
    till.picker.choose(amina)
    till.tendered_edit.setText("3.00")
    outcome = till.complete_on_account()
    assert outcome is not None and outcome.debt_minor == 500
    assert window.debts_tab.panel.value(debts_tab.OUTSTANDING) == "5.00"
    assert window.sales_tab.panel.value(sales_tab.SALES) == "1"
    SaleReversals().void(outcome.sale_id, "wrong price")
    with qtbot.waitSignal(window._events.sale_reversed):
        window._events.sale_reversed.emit(outcome.sale_id)
    assert window.debts_tab.panel.value(debts_tab.OUTSTANDING) == "0.00"


# ----- automatic backups ---------------------------------------------------------------------


AutoWindow = Callable[..., MainWindow]


@pytest.fixture
def auto_window(
    qtbot: QtBot, database: DukanDatabase, database_path: Path, data_dir: Path, migrator: Migrator
) -> AutoWindow:
    """Windows that back up on start and quit into `folder` (None: beside the database)."""

    def build(folder: Path | None, now: Callable[[], datetime] = datetime.now) -> MainWindow:
        services = Services(
            MaintenanceService(database_path, migrator, folder),
            SummaryService(),
            auto_backups=AutoBackups(database_path, folder, now=now),
        )
        main_window = MainWindow(services, AppEvents(), data_dir, None)
        qtbot.addWidget(main_window)
        return main_window

    return build


def _automatic(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("dukan-auto-*")) if folder.is_dir() else []


def test_the_start_backup_runs_after_the_window_shows_and_once_a_day(
    auto_window: AutoWindow,
    qtbot: QtBot,
    tmp_path: Path,
    recorded_prompts: PromptRecorder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "chosen-backups"

    # One moment for every backup, so that rotation keeps them all (same second, same day).
    def clock() -> datetime:
        return datetime(2026, 11, 21, 10, 32)

    window = auto_window(folder, clock)
    with qtbot.waitSignal(window._events.backup_written, timeout=10_000) as written:
        window.show()
        assert _automatic(folder) == []  # shown first: the backup has not begun
    assert Path(written.args[0]).parent == folder
    assert window.backup_label.text().startswith("Backup written ")
    assert _automatic(folder) == [Path(written.args[0]).name]

    window.backup_action.trigger()  # "Backup now" writes to the same folder
    assert len(list(folder.glob("dukan-backup-*.db"))) == 1

    asked: list[bool] = []
    due_on_start = AutoBackups.due_on_start

    def spy(self: AutoBackups) -> bool:
        asked.append(due_on_start(self))
        return asked[-1]

    monkeypatch.setattr(AutoBackups, "due_on_start", spy)
    again = auto_window(folder, clock)
    with qtbot.waitSignal(again.start_backup_finished, timeout=10_000):
        again.show()
    assert asked == [False]  # already backed up today
    assert len(_automatic(folder)) == 1
    assert again.backup_label.text() == ""
    assert recorded_prompts.titles() == ["Backup written"]
    assert window.close() and again.close()
    assert len(_automatic(folder)) == 3  # and one more each on quit


def test_a_failed_start_backup_shows_in_the_status_bar(
    auto_window: AutoWindow,
    qtbot: QtBot,
    tmp_path: Path,
    recorded_prompts: PromptRecorder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    window = auto_window(blocker / "backups")
    finished = qtbot.waitSignal(window.start_backup_finished, timeout=10_000)
    with caplog.at_level(logging.ERROR), finished:
        window.show()
    # Logged once, by the service that knows what failed; the window only shows it.
    assert [record.name for record in caplog.records] == ["app.services.auto_backup"]
    assert window.backup_label.text() == "Automatic backup FAILED"
    assert "The automatic backup failed" in window.backup_label.toolTip()
    assert recorded_prompts.shown == []  # the cashier is not interrupted at the start
    assert window.close()
    assert recorded_prompts.titles() == ["Backup before closing failed"]
    assert blocker.read_text() == "not a folder"


def test_closing_the_window_writes_a_backup_and_about_names_it(
    auto_window: AutoWindow,
    database_path: Path,
    recorded_prompts: PromptRecorder,
) -> None:
    folder = database_path.parent / "backups"
    window = auto_window(None)
    window.about_action.trigger()  # not shown yet: the start job has not read the folder
    assert "<td>being read from the backup folder…</td>" in recorded_prompts.texts()
    _record_sale(database_path, 1250, 1250, sold_at=f"{TODAY} 09:15:00", due=None)

    assert window.close()

    written = _automatic(folder)
    assert len(written) == 1
    assert _sales_count(folder / written[0]) == 1
    window.about_action.trigger()
    stamp = datetime.strptime(written[0][len("dukan-auto-") : -3], "%Y%m%d-%H%M%S")
    assert f"{stamp:%d %B %Y at %H:%M}" in recorded_prompts.shown[-1][2]
    assert [kind for kind, _title, _text in recorded_prompts.shown] == ["about", "about"]


def test_the_backup_folder_is_read_off_the_gui_thread_on_start_and_for_about(
    auto_window: AutoWindow,
    qtbot: QtBot,
    database_path: Path,
    recorded_prompts: PromptRecorder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A folder on an unplugged USB stick or an unreachable share can take long to answer."""
    folder = database_path.parent.parent / "usb"
    AutoBackups(database_path, folder, now=lambda: TAKEN).run()
    read_on: list[str] = []

    def spy(database_path: Path, folders: Iterable[Path]) -> list[BackupFile]:
        read_on.append(threading.current_thread().name)
        return backup_files(database_path, folders)

    monkeypatch.setattr(auto_backup_module, "backup_files", spy)
    window = auto_window(folder)
    with qtbot.waitSignal(window.start_backup_finished, timeout=10_000):
        window.show()
    window.about_action.trigger()

    assert read_on  # whether one is due, and the last backup
    assert threading.main_thread().name not in read_on
    assert window.backup_label.text() == ""  # today's backup was already there
    assert f"<td>{TAKEN:%d %B %Y at %H:%M}</td>" in recorded_prompts.texts()


def test_a_failed_backup_on_quit_is_told_and_the_window_still_closes(
    auto_window: AutoWindow,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    recorded_prompts: PromptRecorder,
) -> None:
    folder = tmp_path / "backups"
    window = auto_window(folder)
    with qtbot.waitSignal(window._events.backup_written, timeout=10_000) as written:
        window.show()
    earlier = Path(written.args[0])
    kept = earlier.read_bytes()

    def full_disk(partial: Path) -> sqlite3.Connection:
        copy = sqlite3.connect(partial, isolation_level=None)
        copy.execute("PRAGMA max_page_count = 2")
        return copy

    monkeypatch.setattr(backup_module, "_open_copy", full_disk)

    assert window.close()

    assert not window.isVisible()
    assert recorded_prompts.titles() == ["Backup before closing failed"]
    told = recorded_prompts.texts()
    assert "The automatic backup failed" in told and "database or disk is full" in told
    assert "Dukan closes anyway" in told
    assert sorted(folder.iterdir()) == [earlier]  # the older one kept, no .partial left
    assert earlier.read_bytes() == kept


def test_an_unexpected_error_on_quit_still_closes_the_window(
    auto_window: AutoWindow,
    monkeypatch: pytest.MonkeyPatch,
    recorded_prompts: PromptRecorder,
) -> None:
    window = auto_window(None)

    def broken(_self: AutoBackups, _progress: object = None) -> Path:
        raise RuntimeError("a bug")

    monkeypatch.setattr(AutoBackups, "run", broken)
    assert window.close()
    assert recorded_prompts.titles() == ["Backup before closing failed"]


def test_restore_lists_every_kind_of_backup_of_this_database(
    window: MainWindow,
    database_path: Path,
    tmp_path: Path,
    recorded_prompts: PromptRecorder,
) -> None:
    manual = window._services.maintenance.backup_now()
    automatic = AutoBackups(database_path).run()
    junk = database_path.parent / "backups" / "dukan-auto-20200101-000000.db"
    junk.write_bytes(b"not a database at all" * 50)
    recorded_prompts.chosen_backup = None  # the operator cancels the dialog

    window.restore_action.trigger()

    (listed,) = recorded_prompts.listed_backups
    by_path = {entry.path: entry for entry in listed}
    assert set(by_path) == {manual, automatic, junk}
    assert by_path[manual].kind == "manual" and by_path[automatic].kind == "automatic"
    assert by_path[junk].version is None
    assert "not a Dukan database" in str(by_path[junk].problem)
    assert recorded_prompts.shown == []
