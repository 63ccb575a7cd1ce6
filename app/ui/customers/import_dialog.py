"""CSV import preview: how many rows will import, which will not and why; writes on confirm."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.domain.customer_form import ValidationError
from app.services.customer_csv import CustomerCsv, ImportPreview
from app.services.errors import ServiceError
from app.ui.widgets.field_errors import error_label, grow_to_fit
from app.ui.widgets.text_table import TextTableModel, text_table_view


class ImportDialog(QDialog):
    def __init__(
        self,
        csv: CustomerCsv,
        preview: ImportPreview,
        path: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import customers from {path.name}")
        self._csv = csv
        self._preview = preview
        self.created: list[int] = []
        good, bad = len(preview.good), len(preview.bad)

        ready, left_out = _summary(good, bad)
        self.summary = QLabel(ready)
        font = QFont(self.summary.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.summary.setFont(font)
        self.left_out = QLabel(left_out)
        self.left_out.setWordWrap(True)
        self.left_out.setVisible(bool(left_out))
        self.bad_rows = TextTableModel(
            ["Line", "Why it will not be imported"], right_aligned=frozenset({0})
        )
        # A long reason is cut at the edge, and read whole as the row's tooltip: wrapping
        # would measure every row, and a bad file can have thousands.
        self.bad_rows.set_rows(
            [(str(row.line), row.reason) for row in preview.bad],
            tooltips=[row.reason for row in preview.bad],
        )
        bad_table = text_table_view(self.bad_rows, stretch=[1])
        bad_table.setVisible(bad > 0)
        self.error = error_label()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton(
            f"&Import {good} customer{'' if good == 1 else 's'}",
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        self.import_button.setEnabled(good > 0)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = self._layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"File: {path}"))
        layout.addWidget(self.summary)
        layout.addWidget(self.left_out)
        layout.addWidget(bad_table, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(760, 460 if bad else 0)

    def accept(self) -> None:
        try:
            self.created = self._csv.import_rows(self._preview)
        except (ServiceError, ValidationError) as error:
            # Nothing was written, and this preview no longer matches the books: the file has
            # to be checked again, so importing from here is over.
            self.error.setText(str(error))  # it says that nothing was imported
            self.error.show()
            self.import_button.setEnabled(False)
            grow_to_fit(self, self._layout)
            return
        super().accept()

    @classmethod
    def ask(
        cls,
        csv: CustomerCsv,
        preview: ImportPreview,
        path: Path,
        parent: QWidget | None = None,
    ) -> list[int] | None:
        """The ids of the customers created, or None when the operator did not import."""
        dialog = cls(csv, preview, path, parent)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        created = dialog.created
        dialog.deleteLater()
        return created if accepted else None


def _summary(good: int, bad: int) -> tuple[str, str]:
    """The headline (what will be imported) and what will be left out, if anything."""
    if good == 0 and bad == 0:
        return "The file has no customers in it.", ""
    ready = f"{good} customer{'' if good == 1 else 's'} ready to import."
    if bad == 0:
        return f"{ready} No problems found.", ""
    if good == 0:
        ready = "Nothing can be imported."
    rows = f"{bad} row{'' if bad == 1 else 's'}"
    return ready, (
        f"{rows} will be left out, listed below by line number. Fix them in the file and "
        "import it again" + (", or import the others now." if good else ".")
    )
