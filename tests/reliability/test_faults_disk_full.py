"""A disk that fills up under an open window: a clear message, nothing written, then it works.

Each action runs twice over: with the services' connection forbidden to grow the file
(`PRAGMA max_page_count`), which works anywhere, and on a real tmpfs filled to the last byte,
where the root may mount one.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Protocol

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from app.db.database import DukanDatabase, open_database
from app.db.tables import Customer, Payment, Sale
from app.domain.basket import MAX_DESCRIPTION
from app.domain.customer_form import MAX_LINE, MAX_NOTE, CustomerDraft
from app.domain.notes import MAX_NOTE as MAX_PAYMENT_NOTE
from app.services.customer_changes import CustomerChanges
from app.services.manual_debts import ManualDebtRequest, ManualDebts
from app.ui.customers.customer_dialog import CustomerDialog
from app.ui.debts import payment_dialog
from app.ui.debts.payment_dialog import PaymentDialog
from app.ui.main_window import MainWindow
from tests.reliability.faults_support import (
    FilledFilesystem,
    PageLimit,
    open_window,
    tiny_filesystem,
)
from tests.services.till import violations
from tests.test_cli import all_rows, assert_no_traceback, output_of, run_cli
from tests.ui import conftest as ui_fixtures
from tests.ui.conftest import PromptRecorder

# The UI's fixtures, for tests outside tests/ui/: the recorded prompts.
recorded_prompts = ui_fixtures.recorded_prompts

DISK_FULL = "The disk is full"
UNEXPECTED = "Something went wrong"
# More than a 4 KiB page of text in one table, so the action needs a page the full file lacks.
BIG_LINES = 30
DEBTS = 10


class FullDisk(Protocol):
    name: str

    def fill(self) -> None: ...

    def free(self) -> None: ...


class Shop:
    """The window over a shop with a customer who owes ten debts, and a disk to fill."""

    def __init__(self, path: Path, db: DukanDatabase, disk: FullDisk, window: MainWindow) -> None:
        self.path = path
        self.db = db
        self.disk = disk
        self.window = window
        self.customer_id = Customer.get(Customer.name == "Samir Haddad").id


def _books(path: Path) -> None:
    """Samir owes ten manual debts, recorded through the services."""
    db = open_database(path)
    try:
        samir = CustomerChanges(fallback_region="DZ").create(CustomerDraft(name="Samir Haddad"))
        debts = ManualDebts()
        for number in range(DEBTS):
            debts.create(
                ManualDebtRequest(
                    customer_id=samir,
                    amount_minor=1_000 + number,
                    dated=date.today() - timedelta(days=DEBTS - number),
                    due_date=None,
                    note=f"Carried over {number}",
                )
            )
    finally:
        db.close()


def _shop_file(kind: str, database_path: Path, stack: contextlib.ExitStack) -> Path:
    """The test's database on the disk under test: where it is, or copied onto a tiny tmpfs."""
    if kind == "page limit":
        return database_path
    target = stack.enter_context(tiny_filesystem()) / "dukan.db"
    shutil.copyfile(database_path, target)
    return target


@pytest.fixture(params=["page limit", "tiny filesystem"])
def shop(
    request: pytest.FixtureRequest,
    qtbot: QtBot,
    database_path: Path,
    data_dir: Path,
    recorded_prompts: PromptRecorder,
) -> Iterator[Shop]:
    with contextlib.ExitStack() as stack:
        path = _shop_file(request.param, database_path, stack)
        _books(path)
        db = open_database(path)
        stack.callback(db.close)
        disk: FullDisk = (
            PageLimit(db) if request.param == "page limit" else FilledFilesystem(path.parent)
        )
        window = open_window(path, data_dir)
        qtbot.addWidget(window)
        yield Shop(path, db, disk, window)


def _assert_no_crash_dialog(prompts: PromptRecorder) -> None:
    assert UNEXPECTED not in prompts.titles(), prompts.texts()


def test_a_sale_on_a_full_disk_keeps_the_basket_and_completes_once_freed(
    shop: Shop, recorded_prompts: PromptRecorder
) -> None:
    till = shop.window.sales_tab.till
    for number in range(BIG_LINES):
        till.model.add_free(f"{number:02d} " + "x" * (MAX_DESCRIPTION - 3), 150)
    before = all_rows(shop.path)
    shop.disk.fill()

    assert till.complete() is None

    assert DISK_FULL in till.payment_message.text()
    assert "Nothing was saved" in till.payment_message.text()
    assert len(till.model.basket.lines) == BIG_LINES
    assert all_rows(shop.path) == before
    _assert_no_crash_dialog(recorded_prompts)

    shop.disk.free()
    outcome = till.complete()

    assert outcome is not None
    assert Sale.get_by_id(outcome.sale_id).total == BIG_LINES * 150
    assert till.model.basket.is_empty()
    assert Sale.select().count() == len(before["sales"]) + 1
    assert violations(shop.db) == []


def test_a_payment_on_a_full_disk_stays_in_its_dialog_and_is_taken_once_freed(
    shop: Shop, recorded_prompts: PromptRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, str]] = []

    def pay(dialog: PaymentDialog) -> int:
        dialog.amount_edit.setText("100.45")  # reaches all ten debts
        dialog.note_edit.setText("n" * MAX_PAYMENT_NOTE)
        dialog.confirm_button.click()
        seen.append((dialog.errors.message("amount"), dialog.amount_edit.text()))
        return dialog.result()

    monkeypatch.setattr(PaymentDialog, "exec", pay)
    monkeypatch.setattr(payment_dialog, "show_payment_receipt", lambda *args: None)
    before = all_rows(shop.path)
    shop.disk.fill()

    assert shop.window.debts_tab.take_payment(shop.customer_id) is None

    message, amount_kept = seen[-1]
    assert DISK_FULL in message
    assert amount_kept == "100.45"
    assert all_rows(shop.path) == before
    _assert_no_crash_dialog(recorded_prompts)

    shop.disk.free()
    receipt_id = shop.window.debts_tab.take_payment(shop.customer_id)

    assert receipt_id is not None
    assert seen[-1][0] == ""
    assert Payment.select().where(Payment.receipt_id == receipt_id).count() == DEBTS
    assert violations(shop.db) == []


def test_a_new_customer_on_a_full_disk_keeps_the_form_and_saves_once_freed(
    shop: Shop, recorded_prompts: PromptRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[bool, str, str]] = []

    def save(dialog: CustomerDialog) -> int:
        dialog.edits["name"].setText("Nadia Ferhat")
        dialog.edits["contact_name"].setText("a" * MAX_LINE)
        for field in ("billing.street", "shipping.street"):
            dialog.edits[field].setText("s" * MAX_LINE)
        dialog.note_edit.setPlainText("b" * MAX_NOTE)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
        seen.append(
            (
                dialog.general_error.isVisibleTo(dialog),
                dialog.general_error.text(),
                dialog.edits["name"].text(),
            )
        )
        return dialog.result()

    monkeypatch.setattr(CustomerDialog, "exec", save)
    before = all_rows(shop.path)
    shop.disk.fill()

    shop.window.customers_tab._on_new_button_clicked()

    shown, message, name_kept = seen[-1]
    assert shown and DISK_FULL in message
    assert name_kept == "Nadia Ferhat"
    assert all_rows(shop.path) == before
    _assert_no_crash_dialog(recorded_prompts)

    shop.disk.free()
    shop.window.customers_tab._on_new_button_clicked()

    assert seen[-1][:2] == (False, "")
    assert seen[-1][2] == "Nadia Ferhat"
    assert Customer.select().where(Customer.name == "Nadia Ferhat").count() == 1
    assert violations(shop.db) == []


def test_backup_now_to_a_full_stick_says_so_and_leaves_no_partial_file(
    qtbot: QtBot,
    database: DukanDatabase,
    database_path: Path,
    data_dir: Path,
    recorded_prompts: PromptRecorder,
) -> None:
    with tiny_filesystem("2m") as stick:
        folder = stick / "backups"
        window = open_window(database_path, data_dir, backup_folder=folder)
        qtbot.addWidget(window)
        folder.mkdir()
        disk = FilledFilesystem(stick)
        disk.fill()

        window.backup_action.trigger()

        assert recorded_prompts.titles() == ["Backup failed"]
        assert "the disk is full" in recorded_prompts.texts()
        assert sorted(folder.iterdir()) == []

        disk.free()
        with qtbot.waitSignal(window._events.backup_written) as written:
            window.backup_action.trigger()
        assert Path(written.args[0]).parent == folder
        assert recorded_prompts.titles() == ["Backup failed", "Backup written"]


def test_cli_backup_to_a_full_stick_fails_with_exit_1_and_leaves_nothing(
    database_path: Path, data_dir: Path
) -> None:
    with tiny_filesystem("2m") as stick:
        FilledFilesystem(stick).fill()
        before = sorted(path.name for path in stick.iterdir())
        target = stick / "copy.db"

        result = run_cli(data_dir, "backup", "--db", database_path, "--out", target)

        assert result.returncode == 1, output_of(result)
        assert_no_traceback(result)
        assert "Failed:" in result.stderr and "the disk is full" in result.stderr
        assert sorted(path.name for path in stick.iterdir()) == before
