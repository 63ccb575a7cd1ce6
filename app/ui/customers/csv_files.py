"""Customers to and from CSV files at the operator's request: choose, preview, confirm, tell."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from app.services.customer_csv import CustomerCsv, ImportPreview
from app.services.errors import ServiceError
from app.ui import prompts
from app.ui.customers.import_dialog import ImportDialog


class CsvFiles:
    """Remembers the folder last used, so a second export or import starts there."""

    def __init__(self, csv: CustomerCsv, folder: Path) -> None:
        self._csv = csv
        self.folder = folder

    def export(self, parent: QWidget, *, include_archived: bool) -> int | None:
        """Rows written, or None when the operator cancelled or the export failed (said so)."""
        suggested = self.folder / f"customers-{date.today():%Y-%m-%d}.csv"
        path = prompts.choose_csv_to_export(parent, suggested)
        if path is None:
            return None
        self.folder = path.parent
        # On the GUI thread: the service reads through the calling thread's connection, and a
        # worker's connection would be left open (see the report on CustomerCsv).
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            written = self._csv.export(path, include_archived=include_archived)
        except ServiceError as error:
            prompts.show_error(parent, "Export failed", str(error))
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()
        prompts.show_info(
            parent,
            "Customers exported",
            f"{written} customer{'' if written == 1 else 's'} written to {path}"
            + (", archived ones included." if include_archived else "."),
        )
        return written

    def import_(self, parent: QWidget) -> list[int]:
        """The customers created; none when cancelled, refused, or nothing was importable."""
        path = prompts.choose_csv_to_import(parent, self.folder)
        if path is None:
            return []
        self.folder = path.parent
        preview = self._preview(parent, path)
        if preview is None:
            return []
        return ImportDialog.ask(self._csv, preview, path, parent) or []

    def _preview(self, parent: QWidget, path: Path) -> ImportPreview | None:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return self._csv.preview(path)
        except ServiceError as error:
            prompts.show_error(parent, "This file cannot be imported", str(error))
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()
