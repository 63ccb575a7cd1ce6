"""Take a payment from a customer: amount, method, which debts it settles, then the receipt."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import Money, MoneyParseError
from app.domain.notes import MAX_NOTE, NoteError, tidy_note
from app.services.customer_changes import CustomerChanges
from app.services.customer_directory import CustomerDirectory
from app.services.errors import ServiceError
from app.services.payments import (
    PAYMENT_METHODS,
    PaymentPreview,
    PaymentReceiptData,
    PaymentRequest,
)
from app.ui import prompts
from app.ui.app_events import AppEvents
from app.ui.dates import buddy_label
from app.ui.debts.debt_services import DebtServices
from app.ui.debts.payment_preview_model import Column, DebtRow, PaymentPreviewModel
from app.ui.formatting import format_money
from app.ui.receipts.payment_receipt_dialog import show_payment_receipt
from app.ui.receipts.payment_receipt_document import method_name
from app.ui.sales.customer_picker import CustomerPicker
from app.ui.widgets.field_errors import FieldErrors, grow_to_fit
from app.ui.widgets.list_table import SelectionMode, list_table
from app.ui.widgets.text_limits import room_for

NO_CUSTOMER = "<i>No customer chosen yet</i>"
CHOOSE_CUSTOMER = "Choose the customer who is paying."
PLACEHOLDER_REFUSED = (
    "These old debts have no customer yet: assign them to the customer in the Debts tab, "
    "then take the payment from that customer."
)
NOTHING_OWED = "owes nothing at the moment."
OLDEST_FIRST = "Nothing ticked: the payment goes to the debts due first."


class PaymentDialog(QDialog):
    """Accepted once the payment is written; `receipt` then says what was taken."""

    def __init__(
        self,
        services: DebtServices,
        customers: tuple[CustomerDirectory, CustomerChanges],
        events: AppEvents,
        customer_id: int | None = None,
        parent: QWidget | None = None,
        *,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Take a payment")
        self._services = services
        self._format = services.money_format
        self._directory = customers[0]
        self._events = events
        self._preview: PaymentPreview | None = None
        self.receipt: PaymentReceiptData | None = None
        self.errors = FieldErrors()

        self.picker = CustomerPicker(customers[0], customers[1])
        # Paying needs someone who owes: there is no walk-in here.
        self.picker.walk_in_button.hide()
        self.picker.chosen_label.setText(NO_CUSTOMER)
        self.amount_edit = QLineEdit()
        self.amount_edit.setPlaceholderText(f"e.g. {Money(125000).format(self._format)}")
        self.method_combo = QComboBox()
        for method in PAYMENT_METHODS:
            self.method_combo.addItem(method_name(method), method)
        self.note_edit = QLineEdit()
        self.note_edit.setMaxLength(room_for(MAX_NOTE))
        self.note_edit.setPlaceholderText("Optional: cheque or transfer reference, who paid")
        self.balance_label = QLabel()
        self.ticks_label = QLabel(OLDEST_FIRST)
        self.ticks_label.setWordWrap(True)
        self.pay_ticked_button = QPushButton("Pay ticked debts in &full")
        self.pay_ticked_button.setAutoDefault(False)
        self.clear_ticks_button = QPushButton("C&lear ticks")
        self.clear_ticks_button.setAutoDefault(False)

        self.preview_model = PaymentPreviewModel(
            today=today(), money_format=self._format, parent=self
        )
        self.preview_table = list_table(self.preview_model, SelectionMode.NoSelection)
        self.preview_table.setAccessibleName("Open debts and what the payment does to them")
        header = self.preview_table.horizontalHeader()
        # Equal shares: the amounts line up under each other however wide the window is.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(Column.TICK, QHeaderView.ResizeMode.ResizeToContents)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.confirm_button = QPushButton("&Take payment")
        buttons.addButton(self.confirm_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        self._layout = self._lay_out(buttons)
        self._connect()
        if customer_id is not None:
            self.picker.choose(customer_id)
            self.amount_edit.setFocus()
        else:
            self.picker.focus_search()
        self._refresh()
        self.resize(780, 560)

    def _lay_out(self, buttons: QDialogButtonBox) -> QVBoxLayout:
        amount_row = QHBoxLayout()
        amount_row.addWidget(self.errors.wrap("amount", self.amount_edit), 1)
        method_label = QLabel("Paid &by:")
        method_label.setBuddy(self.method_combo)
        method_label.setMinimumHeight(self.method_combo.sizeHint().height())
        # Level with the amount, however tall its message below makes the row.
        amount_row.addWidget(method_label, 0, Qt.AlignmentFlag.AlignTop)
        amount_row.addWidget(self.method_combo, 0, Qt.AlignmentFlag.AlignTop)
        form = QFormLayout()
        form.addRow("&Customer:", self.errors.wrap("customer", self.picker))
        form.addRow(buddy_label("&Amount:", self.amount_edit), amount_row)
        form.addRow("&Note:", self.errors.wrap("note", self.note_edit))
        ticks_row = QHBoxLayout()
        ticks_row.addWidget(self.ticks_label, 1)
        ticks_row.addWidget(self.pay_ticked_button)
        ticks_row.addWidget(self.clear_ticks_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.balance_label)
        layout.addLayout(ticks_row)
        layout.addWidget(self.preview_table, 1)
        layout.addWidget(buttons)
        return layout

    def _connect(self) -> None:
        self.picker.picked.connect(self._on_picker_picked)
        self.amount_edit.textChanged.connect(self._on_amount_edit_text_changed)
        self.preview_model.ticks_changed.connect(self._on_preview_model_ticks_changed)
        self.pay_ticked_button.clicked.connect(self._on_pay_ticked_button_clicked)
        self.clear_ticks_button.clicked.connect(self._on_clear_ticks_button_clicked)

    # ----- what the operator sees -----------------------------------------------------------

    @property
    def customer_id(self) -> int | None:
        return self.picker.customer_id

    def _refresh(self) -> None:
        """Preview the payment typed; every change of customer, amount or ticks comes here."""
        self._preview = None
        customer_id = self.customer_id
        ticked = self.preview_model.ticked_ids()
        self.ticks_label.setText(_ticks_text(len(ticked)))
        self.pay_ticked_button.setEnabled(bool(ticked))
        self.clear_ticks_button.setEnabled(bool(ticked))
        if customer_id is None:
            self.preview_model.set_rows([])
            self.balance_label.clear()
            self.confirm_button.setEnabled(False)
            return
        amount, amount_message = self._typed_amount()
        if amount is not None:
            try:
                self._preview = self._services.payments.preview(customer_id, amount, ticked)
            except ServiceError as error:
                amount_message = str(error)
        if self._preview is not None:
            self.preview_model.set_rows(_preview_rows(self._preview))
        else:
            self.preview_model.set_rows(self._open_rows(customer_id))
        self._show_message("amount", amount_message)
        self._show_balance()
        self.confirm_button.setEnabled(self._preview is not None)

    def _open_rows(self, customer_id: int) -> list[DebtRow]:
        return [
            DebtRow(
                line.debt_id, line.sale_id, line.created_at, line.due_date, line.outstanding_minor
            )
            for line in self._directory.open_debts(customer_id)
        ]

    def _typed_amount(self) -> tuple[int | None, str]:
        """The amount typed, or None and what is wrong with it (nothing for a blank field)."""
        typed = self.amount_edit.text()
        if not typed.strip():
            return None, ""
        try:
            return Money.parse(typed, self._format, allow_zero=False).minor, ""
        except MoneyParseError as error:
            return None, f"{error}."

    def _show_balance(self) -> None:
        if self._preview is not None:
            before = self._preview.balance_before_minor
            after = self._preview.balance_after_minor
            self.balance_label.setText(
                f"Owes {self._money(before)} now; after this payment: <b>{self._money(after)}</b>"
            )
            return
        owed = sum(row.outstanding_minor for row in self.preview_model.rows())
        self.balance_label.setText(f"Owes <b>{self._money(owed)}</b>")

    def _show_message(self, field: str, message: str) -> None:
        """One field's message, leaving the other's alone (FieldErrors.show clears them all)."""
        shown = {name: self.errors.message(name) for name in ("customer", "amount", "note")}
        shown[field] = message
        focused = self.focusWidget()
        self.errors.show({name: text for name, text in shown.items() if text})
        # Showing a message must not pull the cursor out of the field being typed in.
        if focused is not None:
            focused.setFocus()
        grow_to_fit(self, self._layout)

    def _money(self, minor: int) -> str:
        return html.escape(format_money(minor, self._format))

    # ----- confirming -----------------------------------------------------------------------

    def accept(self) -> None:
        customer_id = self.customer_id
        if customer_id is None:
            self._show_message("customer", CHOOSE_CUSTOMER)
            self.picker.focus_search()
            return
        self._refresh()
        if self._preview is None:
            amount, _message = self._typed_amount()
            if amount is None and not self.errors.message("amount"):
                self._show_message("amount", "Enter the amount paid.")
            self.amount_edit.setFocus()
            return
        try:
            note = tidy_note(self.note_edit.text())
        except NoteError as error:
            self._show_message("note", str(error))
            self.note_edit.setFocus()
            return
        self._show_message("note", "")
        request = PaymentRequest(
            customer_id=customer_id,
            amount_minor=self._preview.amount_minor,
            method=str(self.method_combo.currentData()),
            ticked_debt_ids=self.preview_model.ticked_ids(),
            note=note,
        )
        try:
            self.receipt = self._services.payments.take(request)
        except ServiceError as error:
            # Another till may have taken a payment since the preview: show where things stand.
            self._refresh()
            self._show_message("amount", str(error))
            self.amount_edit.setFocus()
            return
        self._events.payment_recorded.emit(self.receipt.receipt_id)
        super().accept()

    # ----- slots ----------------------------------------------------------------------------

    def _on_picker_picked(self, customer_id: int | None) -> None:
        self.preview_model.set_rows([])
        message = ""
        if customer_id is not None:
            try:
                record = self._directory.get(customer_id)
            except ServiceError as error:
                message = str(error)
            else:
                if record.is_placeholder:
                    message = PLACEHOLDER_REFUSED
                elif record.balance_minor <= 0:
                    message = f"{record.fields.name} {NOTHING_OWED}"
        self._show_message("customer", message)
        self._refresh()
        if customer_id is not None:
            self.amount_edit.setFocus()

    def _on_amount_edit_text_changed(self, _text: str) -> None:
        self._refresh()

    def _on_preview_model_ticks_changed(self) -> None:
        self._refresh()

    def _on_pay_ticked_button_clicked(self) -> None:
        total = self.preview_model.ticked_outstanding_minor()
        self.amount_edit.setText(Money(total).format(self._format, with_symbol=False))
        self.amount_edit.setFocus()

    def _on_clear_ticks_button_clicked(self) -> None:
        self.preview_model.clear_ticks()


def _preview_rows(preview: PaymentPreview) -> list[DebtRow]:
    return [
        DebtRow(
            line.debt_id,
            line.sale_id,
            line.created_at,
            line.due_date,
            line.outstanding_minor,
            line.applied_minor,
        )
        for line in preview.lines
    ]


def _ticks_text(count: int) -> str:
    if not count:
        return OLDEST_FIRST
    if count == 1:
        return "Paying only the ticked debt."
    return f"Paying only the {count} ticked debts, the earliest due first."


def take_payment(
    parent: QWidget | None,
    services: DebtServices,
    customers: tuple[CustomerDirectory, CustomerChanges],
    events: AppEvents,
    customer_id: int | None = None,
) -> int | None:
    """Take a payment, then show its receipt to print or save; the receipt id, or None."""
    try:
        dialog = PaymentDialog(services, customers, events, customer_id, parent)
    except ServiceError as error:
        prompts.show_error(parent, "Customer not found", str(error))
        return None
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.receipt is None:
            return None
        receipt = dialog.receipt
    finally:
        dialog.deleteLater()
    show_payment_receipt(parent, receipt, services.receipts.shop_header(), services.money_format)
    return receipt.receipt_id
