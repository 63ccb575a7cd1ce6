"""Long work runs off the GUI thread, reports progress, and hands back results or errors."""

from __future__ import annotations

import threading

import pytest
from pytestqt.qtbot import QtBot

from app.ui.background import ReportProgress, run_with_progress


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
