"""Merge two customers: both side by side, the one to keep chosen, and the reason recorded."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import CurrencyFormat
from app.domain.phone import readable_phone
from app.domain.reasons import MAX_REASON, ReasonError, tidy_reason
from app.services.customer_changes import CustomerChanges, MergeOutcome
from app.services.customer_directory import CustomerDirectory, CustomerRecord
from app.services.errors import ServiceError
from app.ui import prompts
from app.ui.formatting import format_money
from app.ui.widgets.field_errors import error_label, grow_to_fit
from app.ui.widgets.text_limits import room_for
from app.ui.widgets.text_table import TextTableModel, text_table_view

NONE = "—"
RADIO_NAME_WIDTH = 260
KEPT = "kept"
MERGED = "merged into the kept one"

REASON_MISSING = "Say why, for the customer's history."


class MergeDialog(QDialog):
    def __init__(
        self,
        directory: CustomerDirectory,
        changes: CustomerChanges,
        first_id: int,
        second_id: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Merge two customers")
        self._changes = changes
        self.outcome: MergeOutcome | None = None
        self.records = (directory.get(first_id), directory.get(second_id))

        self.comparison = TextTableModel(["", "", ""])
        self.comparison.set_rows(_comparison_rows(*self.records, changes.money_format))
        table = text_table_view(self.comparison, stretch=[1, 2])
        table.setMinimumHeight(table.verticalHeader().defaultSectionSize() * 15 + 8)

        self.keep = QButtonGroup(self)
        choices = QHBoxLayout()
        choices.addWidget(QLabel("Keep:"))
        for position, record in enumerate(self.records):
            # Elided: two long names side by side would push the dialog off the screen.
            name = self.fontMetrics().elidedText(
                record.fields.name, Qt.TextElideMode.ElideRight, RADIO_NAME_WIDTH
            )
            button = QRadioButton(f"&{position + 1} {record.number} {name}")
            button.setToolTip(record.fields.name)
            button.setEnabled(not record.is_placeholder and record.merged_into_id is None)
            self.keep.addButton(button, position)
            choices.addWidget(button)
        choices.addStretch(1)
        self.keep.idToggled.connect(self._on_keep_id_toggled)

        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(room_for(MAX_REASON))
        self.reason_edit.setPlaceholderText("e.g. the same person entered twice")
        self.reason_error = error_label()
        self.general_error = error_label()
        reason = QFormLayout()
        reason.addRow("&Reason *", self.reason_edit)
        reason.addRow("", self.reason_error)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.merge_button = self.buttons.addButton("&Merge", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = self._layout = QVBoxLayout(self)
        layout.addWidget(table, 1)
        layout.addLayout(choices)
        layout.addWidget(self.explanation)
        layout.addLayout(reason)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.resize(780, 0)

        default = _default_survivor(*self.records)
        preferred = self.keep.button(default)
        if preferred.isEnabled():
            preferred.setChecked(True)
        else:
            self.merge_button.setEnabled(False)
            self.explanation.setText("Neither customer can take the other's books over.")
        self.reason_edit.setFocus()

    @property
    def survivor(self) -> CustomerRecord | None:
        chosen = self.keep.checkedId()
        return None if chosen < 0 else self.records[chosen]

    @property
    def merged(self) -> CustomerRecord | None:
        chosen = self.keep.checkedId()
        return None if chosen < 0 else self.records[1 - chosen]

    def accept(self) -> None:
        survivor, merged = self.survivor, self.merged
        if survivor is None or merged is None:
            return
        typed = self.reason_edit.text()
        try:
            # Checked like every other reason: a NUL, an escape or 10,000 characters pasted
            # would otherwise go into the audit log as they are.
            reason = tidy_reason(typed)
        except ReasonError as error:
            self.reason_error.setText(str(error) if typed.strip() else REASON_MISSING)
            self.reason_error.show()
            self.reason_edit.setFocus()
            grow_to_fit(self, self._layout)
            return
        self.reason_error.hide()
        include_placeholder = merged.is_placeholder
        owed = format_money(merged.balance_minor, self._changes.money_format)
        if include_placeholder and not prompts.confirm(
            self,
            "Merge the legacy placeholder",
            f"“{merged.fields.name}” holds every old debt whose payer was never recorded: "
            f"{owed} in all.\n\nGive all of them to "
            f"{survivor.number} {survivor.fields.name}? Assigning them one by one in the "
            "Debts tab is usually right.",
            "Give them all",
        ):
            return
        try:
            self.outcome = self._changes.merge(
                survivor.id,
                merged.id,
                reason=reason,
                include_legacy_placeholder=include_placeholder,
            )
        except ServiceError as error:
            self.general_error.setText(str(error))
            self.general_error.show()
            grow_to_fit(self, self._layout)
            return
        super().accept()

    @classmethod
    def ask(
        cls,
        directory: CustomerDirectory,
        changes: CustomerChanges,
        first_id: int,
        second_id: int,
        parent: QWidget | None = None,
    ) -> MergeOutcome | None:
        """What the merge moved, or None when cancelled. ServiceError when either customer
        no longer exists."""
        dialog = cls(directory, changes, first_id, second_id, parent)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        outcome = dialog.outcome
        dialog.deleteLater()
        return outcome if accepted else None

    def _on_keep_id_toggled(self, _button_id: int, checked: bool) -> None:
        survivor, merged = self.survivor, self.merged
        if not checked or survivor is None or merged is None:
            return
        self.comparison.set_headers(
            [
                "",
                f"{self.records[0].number}: {KEPT if survivor is self.records[0] else MERGED}",
                f"{self.records[1].number}: {KEPT if survivor is self.records[1] else MERGED}",
            ]
        )
        self.explanation.setText(
            f"The sales, debts and payments of {merged.number} {merged.fields.name} move to "
            f"{survivor.number} {survivor.fields.name}. {merged.number} is archived and its "
            f"number will still find {survivor.number}; details {survivor.number} lacks are "
            f"taken from {merged.number}."
        )


def _default_survivor(first: CustomerRecord, second: CustomerRecord) -> int:
    """Keep the real customer over the placeholder, a live one over an archived one, and
    otherwise the older one, whose number people already know."""

    def rank(record: CustomerRecord) -> tuple[bool, bool, bool, int]:
        return (
            record.is_placeholder,
            record.merged_into_id is not None,
            record.is_archived,
            record.id,
        )

    return 0 if rank(first) <= rank(second) else 1


def _comparison_rows(
    first: CustomerRecord, second: CustomerRecord, money_format: CurrencyFormat
) -> list[tuple[str, ...]]:
    def row(name: str, describe: Callable[[CustomerRecord], str | None]) -> tuple[str, ...]:
        return (name, describe(first) or NONE, describe(second) or NONE)

    return [
        row("Number", lambda r: r.number),
        row("Name", lambda r: r.fields.name),
        row("Contact", lambda r: r.fields.contact_name),
        row("Phone", lambda r: readable_phone(r.fields.phone)),
        row("Email", lambda r: r.fields.email),
        row("Billing address", lambda r: r.fields.billing.one_line()),
        row("Shipping address", lambda r: r.fields.shipping.one_line()),
        row("Payment terms", lambda r: f"{r.fields.payment_terms} days"),
        row("Credit limit", lambda r: _limit(r, money_format)),
        row("Tax number", lambda r: r.fields.tax_number),
        row("Note", lambda r: (r.fields.note or "").replace("\n", " ")),
        row("Balance", lambda r: format_money(r.balance_minor, money_format)),
        row("Overdue", lambda r: format_money(r.overdue_minor, money_format)),
        row("Status", _status),
    ]


def _limit(record: CustomerRecord, money_format: CurrencyFormat) -> str:
    limit = record.fields.credit_limit_minor
    if limit is None:
        return "No limit"
    return "No credit" if limit == 0 else format_money(limit, money_format)


def _status(record: CustomerRecord) -> str:
    if record.is_placeholder:
        return "Legacy placeholder"
    if record.merged_into_number is not None:
        return f"Merged into {record.merged_into_number}"
    return "Archived" if record.is_archived else "Active"
