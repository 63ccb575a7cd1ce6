"""Reverse a payment taken by mistake: choose the receipt, say why; its debts are owed again."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.reasons import MAX_REASON, ReasonError, tidy_reason
from app.services.errors import ServiceError
from app.services.payments import PaymentReceiptData
from app.ui import prompts
from app.ui.app_events import AppEvents
from app.ui.debts.debt_services import DebtServices
from app.ui.formatting import format_money
from app.ui.receipts.payment_receipt_document import debt_name, method_name
from app.ui.widgets.field_errors import FieldErrors, error_label, grow_to_fit
from app.ui.widgets.list_table import list_table
from app.ui.widgets.text_limits import room_for
from app.ui.widgets.text_table import TextTableModel

REVERSED = "reversed"
NOTHING_TO_REVERSE = "No payments taken from this customer with a receipt."
CHOOSE_RECEIPT = "Choose the payment to reverse."
ALREADY_REVERSED = "This payment is already reversed."


class ReversePaymentDialog(QDialog):
    """Accepted once the payment is reversed; `reversed_receipt` says which."""

    def __init__(
        self,
        services: DebtServices,
        events: AppEvents,
        customer_id: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Reverse a payment")
        self._services = services
        self._events = events
        self._customer_id = customer_id
        self._format = services.money_format
        self.reversed_receipt: PaymentReceiptData | None = None
        self.receipts = services.payments.recent_receipts(customer_id)
        self.errors = FieldErrors()

        self.receipts_model = TextTableModel(
            ["Receipt", "Taken", "Amount", "Paid by", "Applied to", "Status"],
            right_aligned=frozenset({2}),
            parent=self,
        )
        self.receipts_model.set_rows(
            [self._row(receipt) for receipt in self.receipts],
            attention=[row for row, receipt in enumerate(self.receipts) if receipt.reversed],
        )
        self.receipts_table = list_table(self.receipts_model)
        header = self.receipts_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.receipts_error = error_label()
        self.heading = QLabel(self._heading_text())
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(room_for(MAX_REASON))
        self.reason_edit.setPlaceholderText("Why, e.g. the amount was mistyped (kept in the log)")
        reason_label = QLabel("&Reason:")
        reason_label.setBuddy(self.reason_edit)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.reverse_button = QPushButton("Re&verse payment")
        buttons.addButton(self.reverse_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.heading)
        self._layout.addWidget(self.receipts_table, 1)
        self._layout.addWidget(self.receipts_error)
        self._layout.addWidget(reason_label)
        self._layout.addWidget(self.errors.wrap("reason", self.reason_edit))
        self._layout.addWidget(buttons)
        self.receipts_table.selectionModel().selectionChanged.connect(
            self._on_receipts_table_selection_changed
        )
        first_open = next((n for n, r in enumerate(self.receipts) if not r.reversed), None)
        if first_open is not None:
            self.receipts_table.selectRow(first_open)
        self.reason_edit.setEnabled(bool(self.receipts))
        self._update_button()
        self.resize(760, 420)

    def _row(self, receipt: PaymentReceiptData) -> tuple[str, ...]:
        applied = ", ".join(debt_name(line.sale_id, line.debt_id) for line in receipt.lines)
        return (
            receipt.number,
            f"{receipt.received_at:%Y-%m-%d %H:%M}",
            format_money(receipt.amount_minor, self._format),
            method_name(receipt.method),
            applied,
            REVERSED if receipt.reversed else "",
        )

    def _heading_text(self) -> str:
        if not self.receipts:
            return NOTHING_TO_REVERSE
        first = self.receipts[0]
        who = f"{first.customer_number} {first.customer_name}".strip()
        return (
            f"Payments taken from {who}, newest first. "
            "The debts a reversed payment paid are owed again."
        )

    def chosen(self) -> PaymentReceiptData | None:
        rows = self.receipts_table.selectionModel().selectedRows()
        return self.receipts[rows[0].row()] if rows else None

    def select_receipt(self, receipt_id: int) -> None:
        row = next(n for n, receipt in enumerate(self.receipts) if receipt.receipt_id == receipt_id)
        self.receipts_table.selectRow(row)

    def _update_button(self) -> None:
        chosen = self.chosen()
        self.reverse_button.setEnabled(chosen is not None and not chosen.reversed)
        self.receipts_error.setText(ALREADY_REVERSED if chosen and chosen.reversed else "")
        self.receipts_error.setVisible(bool(chosen and chosen.reversed))

    def accept(self) -> None:
        chosen = self.chosen()
        if chosen is None or chosen.reversed:
            self.receipts_error.setText(ALREADY_REVERSED if chosen else CHOOSE_RECEIPT)
            self.receipts_error.show()
            return
        try:
            reason = tidy_reason(self.reason_edit.text())
        except ReasonError as error:
            self.errors.show({"reason": str(error)})
            grow_to_fit(self, self._layout)
            return
        self.errors.clear()
        amount = format_money(chosen.amount_minor, self._format)
        question = (
            f"Reverse payment {chosen.number} of {amount} taken "
            f"{chosen.received_at:%Y-%m-%d %H:%M}?\n\n"
            "The debts it paid will be owed again. The payment stays on record as reversed."
        )
        if not prompts.confirm(self, "Reverse payment", question, "Reverse payment"):
            return
        try:
            self.reversed_receipt = self._services.payments.reverse_receipt(
                chosen.receipt_id, reason
            )
        except ServiceError as error:
            self.errors.show({"reason": str(error)})
            grow_to_fit(self, self._layout)
            return
        self._events.payment_reversed.emit(self._customer_id)
        super().accept()

    def _on_receipts_table_selection_changed(self, *_args: object) -> None:
        self._update_button()


def reverse_payment(
    parent: QWidget | None, services: DebtServices, events: AppEvents, customer_id: int
) -> bool:
    """Reverse one of the customer's payments; True when one was reversed."""
    try:
        dialog = ReversePaymentDialog(services, events, customer_id, parent)
    except ServiceError as error:
        prompts.show_error(parent, "Payments not read", str(error))
        return False
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()
