"""Runs long work (upgrade, backup) in a worker thread behind a progress dialog."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

T = TypeVar("T")
# (step, steps in all — 0 when unknown, message)
ReportProgress = Callable[[int, int, str], None]
# Work quicker than this never flashes a dialog at the operator.
SHOW_DIALOG_AFTER_MS = 400


class _Worker(QObject):
    progressed = Signal(int, int, str)
    finished = Signal(object)

    def __init__(self, job: Callable[[ReportProgress], Any]) -> None:
        super().__init__()
        self._job = job
        # Also kept here: if the application quits first, the signal is never delivered, but
        # the caller still reads the outcome once the thread has finished.
        self.outcome: object = None

    @Slot()
    def run(self) -> None:
        try:
            self.outcome = self._job(self.progressed.emit)
        except Exception as error:  # noqa: BLE001 - handed back to the GUI thread and re-raised
            self.outcome = _Raised(error)
        self.finished.emit(self.outcome)


class _Raised:
    def __init__(self, error: Exception) -> None:
        self.error = error


class _Receiver(QObject):
    """Lives in the GUI thread, so the worker's signals arrive queued, never mid-paint."""

    def __init__(self, dialog: QProgressDialog, loop: QEventLoop) -> None:
        super().__init__()
        self._dialog = dialog
        self._loop = loop
        self.done = False

    @Slot(int, int, str)
    def on_progress(self, step: int, total: int, message: str) -> None:
        self._dialog.setMaximum(max(total, 0))
        self._dialog.setValue(min(step, total) if total else 0)
        self._dialog.setLabelText(message)

    @Slot(object)
    def on_finished(self, _outcome: object) -> None:
        self.done = True
        self._loop.quit()


def run_with_progress(parent: QWidget | None, title: str, job: Callable[[ReportProgress], T]) -> T:
    """Run `job(report_progress)` off the GUI thread; the window stays painted meanwhile."""
    dialog = QProgressDialog(title, "", 0, 0, parent)
    dialog.setWindowTitle("Dukan")
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(SHOW_DIALOG_AFTER_MS)
    dialog.setMinimumWidth(420)
    # Reaching the last step must not hide the dialog: that step (a check, the final write)
    # can be the longest of all.
    dialog.setAutoReset(False)
    dialog.setAutoClose(False)
    loop = QEventLoop()
    receiver = _Receiver(dialog, loop)
    worker = _Worker(job)
    thread = QThread()
    worker.moveToThread(thread)
    worker.progressed.connect(receiver.on_progress)
    worker.finished.connect(receiver.on_finished)
    thread.started.connect(worker.run)
    thread.start()
    try:
        # A modal dialog may process events while it updates, so the job can finish first.
        if not receiver.done:
            loop.exec()
    finally:
        # Whatever ended the loop (the job, or the application quitting), the job finishes:
        # a half-done upgrade or backup is never abandoned.
        thread.quit()
        thread.wait()
        dialog.close()
        dialog.deleteLater()
    outcome = worker.outcome
    if isinstance(outcome, _Raised):
        raise outcome.error
    return outcome  # type: ignore[return-value]


class BackgroundJob(QObject):
    """One job in a worker thread with no dialog, for work the operator need not wait for.

    `succeeded(result)` or `failed(error)` arrives on the GUI thread when it ends.
    """

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, job: Callable[[], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker = _Worker(lambda _report: job())
        self._thread = QThread()
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        # The thread ends as soon as the job does (direct: it runs in the worker thread), so
        # `wait` never depends on the GUI thread's event loop.
        self._worker.finished.connect(self._thread.quit, Qt.ConnectionType.DirectConnection)
        # `self` lives in the GUI thread, so this arrives queued there.
        self._worker.finished.connect(self._on_worker_finished)

    def start(self) -> None:
        self._thread.start()

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def wait(self) -> None:
        """Block until the job has ended (safe from any thread); its signal comes later."""
        self._thread.wait()

    @Slot(object)
    def _on_worker_finished(self, outcome: object) -> None:
        self._thread.wait()
        if isinstance(outcome, _Raised):
            self.failed.emit(outcome.error)
        else:
            self.succeeded.emit(outcome)
