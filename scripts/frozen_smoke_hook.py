"""PyInstaller runtime hook: lets bench and CI drive the frozen window; inert unless asked.

`DUKAN_QUIT_WHEN_SHOWN=1`: once the main window is shown and painted, the event loop quits
(exit 0), as `bench/window_start.py` does from source, so a start can be timed end to end.
`DUKAN_SMOKE_PDF=FILE`: after the window is shown, a sample receipt is saved there as a PDF
(QPdfWriter and fonts from inside the bundle); exit 1 if that fails.
Both are read once, before `app.main` runs; without them nothing here touches the program.
"""

import os

QUIT_WHEN_SHOWN = os.environ.get("DUKAN_QUIT_WHEN_SHOWN")
SMOKE_PDF = os.environ.get("DUKAN_SMOKE_PDF")

if QUIT_WHEN_SHOWN or SMOKE_PDF:
    import logging
    from datetime import datetime
    from pathlib import Path

    from PySide6.QtCore import QTimer

    import app.main

    if SMOKE_PDF:
        from app.services.receipts import CustomerLines, Receipt, ReceiptLine, ShopHeader
        from app.ui.receipts.receipt_document import save_receipt_pdf

    _start_window = app.main.start_window

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
        started = _start_window(database)
        if not isinstance(started, app.main.StartedWindow):
            return started
        started.window.repaint()
        application = started.shop.application
        exit_code = 0
        if SMOKE_PDF:
            try:
                _sample_receipt_pdf(Path(SMOKE_PDF))
            # Any failure, not only OSError: an escaping error would open the crash dialog
            # and leave an unattended smoke run waiting on it.
            except Exception:
                logging.getLogger(__name__).exception("smoke receipt PDF not written")
                exit_code = 1
        if QUIT_WHEN_SHOWN or exit_code:
            QTimer.singleShot(0, lambda: application.exit(exit_code))
        return started

    app.main.start_window = _start_window_for_smoke
