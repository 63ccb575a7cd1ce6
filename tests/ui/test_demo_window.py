"""The demo window: every tab shows the sample books at once; the shop's file is untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from app import demo, paths
from app.demo import recreate_demo_database
from app.main import StartedWindow, start_demo_window
from app.startup import EXIT_STARTUP_FAILED
from app.ui.main_window import MainWindow
from tests.lock_holder import lock_held_by_another_process
from tests.ui.conftest import PromptRecorder


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _demo_window(started: list[StartedWindow]) -> MainWindow:
    result = start_demo_window()
    assert isinstance(result, StartedWindow)
    started.append(result)
    return result.window


def _rows_shown(qtbot: QtBot, view: QWidget, model: QAbstractItemModel) -> int:
    """Bring the view to the front through its tabs, as the operator would, and count rows."""
    widget: QWidget | None = view
    while widget is not None:
        parent = widget.parentWidget()
        tabs = parent.parentWidget() if parent is not None else None
        if isinstance(tabs, QTabWidget) and tabs.indexOf(widget) >= 0:
            tabs.setCurrentWidget(widget)
        widget = parent
    assert view.isVisible()
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=2000)
    return model.rowCount()


def test_every_tab_shows_the_sample_books(
    qtbot: QtBot,
    data_dir: Path,
    started: list[StartedWindow],
    recorded_prompts: PromptRecorder,
) -> None:
    window = _demo_window(started)

    assert window.isVisible()
    assert "demo" in window.windowTitle()
    assert str(paths.demo_database_path()) in window.database_label.text()
    sales, debts = window.sales_tab, window.debts_tab
    assert _rows_shown(qtbot, sales.sales_list, sales.sales_list.model) >= 4  # today's sales
    assert _rows_shown(qtbot, sales.report, sales.report.model) >= 1
    customers = window.customers_tab
    assert _rows_shown(qtbot, customers, customers.model) >= 25
    assert _rows_shown(qtbot, debts.debtors, debts.debtors.model) >= 5
    assert _rows_shown(qtbot, debts.debts, debts.debts.model) >= 10
    assert recorded_prompts.shown == []


def test_the_shops_database_is_never_created_or_opened(
    qtbot: QtBot,
    data_dir: Path,
    started: list[StartedWindow],
    recorded_prompts: PromptRecorder,
) -> None:
    window = _demo_window(started)
    assert window.isVisible()
    started.pop().close()

    shop = paths.default_database_path()
    assert not shop.exists()
    assert not paths.lock_path_for(shop).exists()
    assert sorted(p.name for p in data_dir.iterdir()) == ["demo", "logs"]
    # Made afresh at every start, the demo takes no automatic backups on start or quit.
    assert not (data_dir / "demo" / "backups").exists()


def test_the_shops_existing_database_is_left_as_it_was(
    qtbot: QtBot,
    data_dir: Path,
    database_path: Path,
    started: list[StartedWindow],
    recorded_prompts: PromptRecorder,
) -> None:
    shop = paths.default_database_path()
    shop.parent.mkdir(parents=True, exist_ok=True)
    shop.write_bytes(database_path.read_bytes())
    before = _sha256(shop)

    _demo_window(started)
    started.pop().close()

    assert _sha256(shop) == before
    assert sorted(p.name for p in shop.parent.iterdir()) == ["demo", "dukan.db", "logs"]


def test_a_second_demo_window_is_refused_and_the_open_demo_kept(
    qtbot: QtBot, data_dir: Path, started: list[StartedWindow], recorded_prompts: PromptRecorder
) -> None:
    path = paths.demo_database_path()
    recreate_demo_database(path)
    before = _sha256(path)

    with lock_held_by_another_process(paths.lock_path_for(path)):
        result = start_demo_window()

    assert result == EXIT_STARTUP_FAILED
    assert recorded_prompts.titles() == ["Dukan is already open"]
    assert str(path) in recorded_prompts.texts()
    assert _sha256(path) == before
    assert not path.with_name(path.name + demo.TEMPORARY_SUFFIX).exists()


def test_a_demo_that_cannot_be_made_is_explained_and_no_window_opens(
    qtbot: QtBot,
    data_dir: Path,
    started: list[StartedWindow],
    recorded_prompts: PromptRecorder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def full_disk(_path: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(demo, "recreate_demo_database", full_disk)
    result = start_demo_window()

    assert result == EXIT_STARTUP_FAILED
    assert recorded_prompts.titles() == ["Dukan cannot open the database"]
    assert "No space left on device" in recorded_prompts.texts()
    # The lock is released: the next start may try again.
    assert not paths.lock_path_for(paths.demo_database_path()).exists()
