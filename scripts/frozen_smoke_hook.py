"""PyInstaller runtime hook: lets bench and CI drive the frozen window; inert unless asked.

`DUKAN_QUIT_WHEN_SHOWN=1`: once the main window is shown and painted, the event loop quits
(exit 0), as `bench/window_start.py` does from source, so a start can be timed end to end; the
window takes no automatic backup on start or quit, so the time is the window's, not a copy's.
`DUKAN_SMOKE_PDF=FILE`: after the window is shown, a sample receipt is saved there as a PDF
(QPdfWriter and fonts from inside the bundle); exit 1 if that fails.
With either, no one is there to answer a dialog: every one that opens until the process ends
(the first run's Settings, an error, a failed backup on quit) is cancelled, its title said on
stderr, and a run meant to end by itself that has not ended after DUKAN_SMOKE_TIMEOUT seconds
(120) ends with exit 124.
Both are read once, before `app.main` runs; without them nothing here touches the program.
"""

import os

QUIT_WHEN_SHOWN = os.environ.get("DUKAN_QUIT_WHEN_SHOWN")
SMOKE_PDF = os.environ.get("DUKAN_SMOKE_PDF")

if QUIT_WHEN_SHOWN or SMOKE_PDF:
    import logging
    import sys
    import threading
    from datetime import datetime
    from pathlib import Path

    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QDialog, QProgressDialog

    import app.main

    if SMOKE_PDF:
        from app.services.receipts import CustomerLines, Receipt, ReceiptLine, ShopHeader
        from app.ui.receipts.receipt_document import save_receipt_pdf

    TIMEOUT_SECONDS = float(os.environ.get("DUKAN_SMOKE_TIMEOUT", "120"))
    EXIT_TIMED_OUT = 124
    _start_window = app.main.start_window
    _build_services = app.main.build_services

    # Its own handler: the program's logging, set up later, writes to its log file only.
    log = logging.getLogger("dukan.smoke")
    log.setLevel(logging.INFO)
    log.propagate = False
    if sys.stderr is not None:  # a windowed build on Windows has none
        _to_stderr = logging.StreamHandler(sys.stderr)
        _to_stderr.setFormatter(logging.Formatter("smoke: %(message)s"))
        log.addHandler(_to_stderr)

    class _DialogCanceller(QObject):
        """Cancels each modal dialog as it opens, but not a progress dialog (an upgrade)."""

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if (
                event.type() == QEvent.Type.Show
                and isinstance(watched, QDialog)
                and not isinstance(watched, QProgressDialog)
                and watched.isModal()
            ):
                log.info("cancelled the dialog %r", watched.windowTitle())
                QTimer.singleShot(0, watched.reject)
            return False

    def _time_out() -> None:
        log.error("not ended after %g s", TIMEOUT_SECONDS)
        os._exit(EXIT_TIMED_OUT)

    def _build_services_without_backups(
        database_path: Path, *, automatic_backups: bool = True
    ) -> "app.main.Services":
        return _build_services(database_path, automatic_backups=False)

    def _sample_receipt_pdf(path: Path) -> None:
        receipt = Receipt(
            shop=ShopHeader("Dukan", "1 rue des Oliviers", "0555 12 34 56", None, "Merci"),
            sale_id=1,
            sold_at=datetime(2026, 11, 21, 10, 30),
            lines=(
                ReceiptLine("Pain / хлеб / خبز", 2, 2500, 5000),
                ReceiptLine("Lait 1 L", 1, 12000, 12000),
            ),
            total_minor=17000,
            paid_minor=10000,
            tendered_minor=10000,
            change_minor=0,
            customer=CustomerLines("Hassan Benali", "C-00001", 0, 7000, 7000, None),
            reversals=(),
        )
        save_receipt_pdf(receipt, path)

    def _start_window_for_smoke(database: Path | None) -> "app.main.StartedWindow | int":
        watchdog = threading.Timer(TIMEOUT_SECONDS, _time_out)
        watchdog.daemon = True  # a run that ends in time ends its watchdog with it
        watchdog.start()
        # Made here so that the canceller is in place before the first dialog; Dukan's
        # start-up takes the application that already exists. It stays until the process
        # ends: the backup on quit runs after the event loop returned, and a failed one's
        # message box would otherwise wait for no one.
        application = QApplication.instance() or QApplication(sys.argv[:1])
        application.installEventFilter(_DialogCanceller(application))
        started = _start_window(database)
        if not isinstance(started, app.main.StartedWindow):
            return started
        started.window.repaint()
        exit_code = 0
        if SMOKE_PDF:
            try:
                _sample_receipt_pdf(Path(SMOKE_PDF))
            # Any failure, not only OSError: an escaping error would open the crash dialog
            # and leave an unattended smoke run waiting on it.
            except Exception:
                log.exception("sample receipt PDF not written")
                exit_code = 1
        if QUIT_WHEN_SHOWN or exit_code:
            # The watchdog stays armed until the close (and any backup on quit) is over.
            QTimer.singleShot(0, lambda: started.shop.application.exit(exit_code))
        else:
            watchdog.cancel()  # the window stays open for whoever asked for the PDF
        return started

    app.main.start_window = _start_window_for_smoke
    if QUIT_WHEN_SHOWN:
        app.main.build_services = _build_services_without_backups
