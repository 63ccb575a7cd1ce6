"""Long work runs off the GUI thread, reports progress, and hands back results or errors."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog
from pytestqt.qtbot import QtBot

from app.ui.background import BackgroundJob, ReportProgress, run_with_progress


def test_the_job_runs_in_another_thread_and_returns_its_result(qtbot: QtBot) -> None:
    gui_thread = threading.get_ident()
    seen: list[int] = []

    def job(report: ReportProgress) -> str:
        seen.append(threading.get_ident())
        for step in range(1, 4):
            report(step, 3, f"step {step}")
        return "done"

    assert run_with_progress(None, "Working…", job) == "done"
    assert seen and seen[0] != gui_thread


def test_an_error_in_the_job_is_raised_in_the_caller(qtbot: QtBot) -> None:
    def job(_report: ReportProgress) -> None:
        raise ValueError("the disk is full")

    with pytest.raises(ValueError, match="the disk is full"):
        run_with_progress(None, "Working…", job)


def test_the_dialog_stays_up_through_the_last_step(qtbot: QtBot) -> None:
    """Qt hides a progress dialog at its maximum; the last step may still take a while."""
    at_last_step = threading.Event()

    def job(report: ReportProgress) -> None:
        report(3, 3, "Checking the upgraded database")
        at_last_step.wait(timeout=5)  # the job is still busy with its last step

    def watch() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QProgressDialog) and widget.value() == 3:
                at_last_step.set()

    timer = QTimer()
    timer.timeout.connect(watch)
    timer.start(1)
    run_with_progress(None, "Working…", job)
    timer.stop()
    assert at_last_step.is_set(), "the dialog reset itself on reaching the last step"


def test_a_background_job_hands_its_result_to_the_gui_thread(qtbot: QtBot) -> None:
    gui_thread = threading.get_ident()
    ran_in: list[int] = []
    received_in: list[int] = []

    def job() -> str:
        ran_in.append(threading.get_ident())
        return "written"

    background = BackgroundJob(job)
    background.succeeded.connect(lambda _result: received_in.append(threading.get_ident()))
    with qtbot.waitSignal(background.succeeded) as outcome:
        background.start()
    assert outcome.args == ["written"]
    assert ran_in and ran_in[0] != gui_thread
    assert received_in == [gui_thread]
    assert not background.is_running()


def test_a_background_job_that_fails_says_so(qtbot: QtBot) -> None:
    def job() -> None:
        raise OSError("the disk is full")

    background = BackgroundJob(job)
    with qtbot.waitSignal(background.failed) as outcome:
        background.start()
    assert isinstance(outcome.args[0], OSError)


def test_waiting_for_a_background_job_does_not_need_the_event_loop(qtbot: QtBot) -> None:
    release = threading.Event()
    background = BackgroundJob(lambda: release.wait(10))
    background.start()
    assert background.is_running()
    release.set()
    background.wait()  # on the GUI thread, without processing events
    assert not background.is_running()
    with qtbot.waitSignal(background.succeeded):
        pass  # the result still arrives once events are processed
