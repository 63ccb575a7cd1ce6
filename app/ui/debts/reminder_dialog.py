"""A ready-to-send reminder for an overdue customer: read, adjust, copy; the date is kept."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.services.errors import ServiceError
from app.services.reminders import Reminders, ReminderText
from app.ui import prompts
from app.ui.app_events import AppEvents
from app.ui.formatting import format_money


class ReminderDialog(QDialog):
    """Copying puts the text on the clipboard, records the reminder and closes the dialog."""

    def __init__(
        self,
        reminders: Reminders,
        events: AppEvents,
        reminder: ReminderText,
        *,
        last_reminded: datetime | None = None,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Reminder")
        self.resize(520, 320)
        self._reminders = reminders
        self._events = events
        self._reminder = reminder
        self.sent_at: datetime | None = None

        overdue = format_money(reminder.overdue_minor, money_format)
        last = (
            "No reminder was sent before."
            if last_reminded is None
            else f"The last reminder was copied {last_reminded:%Y-%m-%d %H:%M}."
        )
        self.summary_label = QLabel(
            f"{overdue} overdue since {reminder.oldest_due:%Y-%m-%d}. {last} Adjust the text "
            "if you wish, then copy it into a text message, WhatsApp or an e-mail."
        )
        self.summary_label.setWordWrap(True)
        self.text_edit = QPlainTextEdit(reminder.text)
        self.copy_button = QPushButton("&Copy to clipboard")
        self.copy_button.setDefault(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.AcceptRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.text_edit, 1)
        layout.addWidget(buttons)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        buttons.rejected.connect(self.reject)

    @classmethod
    def ask(
        cls,
        reminders: Reminders,
        events: AppEvents,
        customer_id: int,
        *,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
        parent: QWidget | None = None,
    ) -> datetime | None:
        """Compose the customer's reminder and show it; when it was copied, or None."""
        try:
            reminder = reminders.compose(customer_id)
            last_reminded = reminders.last_reminded(customer_id)
        except ServiceError as error:
            prompts.show_error(parent, "No reminder to send", str(error))
            return None
        dialog = cls(
            reminders,
            events,
            reminder,
            last_reminded=last_reminded,
            money_format=money_format,
            parent=parent,
        )
        dialog.exec()
        dialog.deleteLater()
        return dialog.sent_at

    def _on_copy_button_clicked(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self.text_edit.toPlainText())
        try:
            self.sent_at = self._reminders.record_sent(
                self._reminder.customer_id, self._reminder.overdue_minor
            )
        except ServiceError as error:
            prompts.show_error(self, "The reminder was copied but not recorded", str(error))
            return
        self._events.reminder_sent.emit(self._reminder.customer_id)
        self.accept()
