"""Who is buying: walk-in by default, or a customer found by name, phone or number as typed."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.phone import readable_phone
from app.services.customer_changes import CustomerChanges
from app.services.customer_directory import CustomerDirectory
from app.ui.customers.customer_dialog import CustomerDialog
from app.ui.widgets.customer_search_edit import CustomerSearchEdit

WALK_IN = "Walk-in"


class CustomerPicker(QWidget):
    picked = Signal(object)  # customer id, or None for a walk-in buyer

    def __init__(
        self,
        directory: CustomerDirectory,
        changes: CustomerChanges,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._directory = directory
        self._changes = changes
        self.customer_id: int | None = None

        self.search_edit = CustomerSearchEdit(directory, "Name, phone or number (F4)")
        self.chosen_label = QLabel(WALK_IN)
        self.chosen_label.setWordWrap(True)
        self.chosen_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.new_button = QPushButton("New customer…")
        self.walk_in_button = QPushButton("Walk-in")
        self.walk_in_button.setToolTip("Sell to someone who is not a customer")

        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.walk_in_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.chosen_label)
        layout.addLayout(buttons)

        self.search_edit.found.connect(self.choose)
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.walk_in_button.clicked.connect(self.choose_walk_in)
        self._show_choice(None)

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def choose(self, customer_id: int) -> None:
        """Pick the customer; the label shows who it is."""
        record = self._directory.get(customer_id)
        self.customer_id = customer_id
        phone = readable_phone(record.fields.phone)
        self._show_choice(f"{record.number}  {record.fields.name}  {phone}".strip())
        self.search_edit.clear()
        self.picked.emit(customer_id)

    def choose_walk_in(self) -> None:
        self.customer_id = None
        self.search_edit.clear()
        self._show_choice(None)
        self.picked.emit(None)

    def _show_choice(self, text: str | None) -> None:
        self.chosen_label.setText(
            f"<b>{WALK_IN}</b>" if text is None else f"<b>{html.escape(text)}</b>"
        )
        self.walk_in_button.setEnabled(text is not None)

    # ----- slots --------------------------------------------------------------------------

    def _on_new_button_clicked(self) -> None:
        typed = self.search_edit.text().strip()
        draft = (
            self._changes.new_draft(phone=typed)
            if _looks_like_phone(typed)
            else self._changes.new_draft(name=typed)
        )
        dialog = CustomerDialog(self._changes, self._directory, draft=draft, parent=self)
        dialog.setWindowTitle("New customer")
        if dialog.exec() == CustomerDialog.DialogCode.Accepted and dialog.saved_id is not None:
            self.choose(dialog.saved_id)
        dialog.deleteLater()


def _looks_like_phone(typed: str) -> bool:
    digits = sum(char.isdigit() for char in typed)
    return digits >= 6 and digits >= len(typed.replace(" ", "")) - 2
