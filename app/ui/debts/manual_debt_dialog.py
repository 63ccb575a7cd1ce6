"""Write in a debt by hand (an opening balance from the paper book): the customer comes first."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import Money, MoneyParseError
from app.domain.notes import MAX_NOTE
from app.services.customer_changes import CustomerChanges
from app.services.customer_directory import CustomerDirectory, CustomerRecord
from app.services.errors import ServiceError
from app.services.manual_debts import ManualDebtError, ManualDebtRequest
from app.ui import prompts
from app.ui.app_events import AppEvents
from app.ui.dates import buddy_label, date_edit, from_qdate, to_qdate
from app.ui.debts.debt_services import DebtServices
from app.ui.formatting import format_money
from app.ui.sales.customer_picker import CustomerPicker
from app.ui.widgets.field_errors import FieldErrors, grow_to_fit
from app.ui.widgets.text_limits import room_for

NO_CUSTOMER = "<i>No customer chosen yet: the debt's other fields open once one is</i>"
CHOOSE_CUSTOMER = "Choose the customer first: a debt cannot be started without one."
PLACEHOLDER_REFUSED = (
    "This only holds old debts whose payer was never recorded; choose a real customer."
)
FIELDS = ("customer", "amount", "dated", "due_date", "note")


class ManualDebtDialog(QDialog):
    """Accepted once the debt is written; `debt_id` is the new debt."""

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
        self.setWindowTitle("Add a debt by hand")
        self._services = services
        self._format = services.money_format
        self._directory = customers[0]
        self._events = events
        self._today = today()
        self._terms_days: int | None = None
        self._suggested_due: date | None = None
        self.debt_id: int | None = None
        self.errors = FieldErrors()

        self.picker = CustomerPicker(customers[0], customers[1])
        # A debt is always somebody's: there is no walk-in here.
        self.picker.walk_in_button.hide()
        self.picker.chosen_label.setText(NO_CUSTOMER)
        self.balance_label = QLabel()
        self.amount_edit = QLineEdit()
        self.amount_edit.setPlaceholderText(f"e.g. {Money(125000).format(self._format)}")
        self.dated_edit = date_edit(self._today)
        self.dated_edit.setMaximumDate(to_qdate(self._today))
        self.due_edit = date_edit(self._today)
        self.terms_label = QLabel()
        self.note_edit = QLineEdit()
        self.note_edit.setMaxLength(room_for(MAX_NOTE))
        self.note_edit.setPlaceholderText("e.g. Carried over from the paper book, page 12")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.confirm_button = QPushButton("&Add debt")
        buttons.addButton(self.confirm_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        self._layout = self._lay_out(buttons)

        self.picker.picked.connect(self._on_picker_picked)
        self.dated_edit.dateChanged.connect(self._on_dated_edit_date_changed)
        self._set_customer(None)
        if customer_id is not None:
            self.picker.choose(customer_id)
        else:
            self.picker.focus_search()
        self.resize(560, self.sizeHint().height())

    def _lay_out(self, buttons: QDialogButtonBox) -> QVBoxLayout:
        form = QFormLayout()
        form.addRow("&Customer:", self.errors.wrap("customer", self.picker))
        form.addRow("", self.balance_label)
        form.addRow("&Amount owed:", self.errors.wrap("amount", self.amount_edit))
        form.addRow("&Owed since:", _left(self.errors.wrap("dated", self.dated_edit)))
        due_row = QHBoxLayout()
        due_row.addWidget(self.errors.wrap("due_date", self.due_edit))
        # As tall as the date field and centred in it, even when a message opens below.
        self.terms_label.setMinimumHeight(self.due_edit.sizeHint().height())
        due_row.addWidget(self.terms_label, 1, Qt.AlignmentFlag.AlignTop)
        form.addRow(buddy_label("D&ue date:", self.due_edit), due_row)
        form.addRow("N&ote:", self.errors.wrap("note", self.note_edit))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(buttons)
        return layout

    # ----- the customer opens the form ------------------------------------------------------

    def debt_fields(self) -> list[QWidget]:
        """The fields that wait for a customer."""
        return [self.amount_edit, self.dated_edit, self.due_edit, self.note_edit]

    def _set_customer(self, record: CustomerRecord | None) -> None:
        usable = record is not None and not record.is_placeholder and not record.is_archived
        for field in self.debt_fields():
            field.setEnabled(usable)
        if record is None or not usable:
            self._terms_days = None
            self.balance_label.clear()
            self.terms_label.clear()
            return
        self._terms_days = record.fields.payment_terms
        owed = html.escape(format_money(record.balance_minor, self._format))
        self.balance_label.setText(f"Owes {owed} now")
        self._suggest_due_date()
        self.amount_edit.setFocus()

    def _suggest_due_date(self) -> None:
        """Due after the customer's terms, unless the operator already chose another day."""
        if self._terms_days is None:
            return
        dated = from_qdate(self.dated_edit.date())
        suggested = dated + timedelta(days=self._terms_days)
        chosen = from_qdate(self.due_edit.date())
        self.due_edit.setMinimumDate(to_qdate(dated))
        if self._suggested_due is None or chosen == self._suggested_due:
            self.due_edit.setDate(to_qdate(suggested))
        self._suggested_due = suggested
        self.terms_label.setText(f"the customer's terms: {self._terms_days} days")

    def _due_date_chosen(self) -> date | None:
        """The due date if the operator moved it, else None: the service counts the terms."""
        chosen = from_qdate(self.due_edit.date())
        return None if chosen == self._suggested_due else chosen

    # ----- confirming -----------------------------------------------------------------------

    def accept(self) -> None:
        customer_id = self.picker.customer_id
        if customer_id is None:
            self._show_errors({"customer": CHOOSE_CUSTOMER})
            self.picker.focus_search()
            return
        try:
            amount = Money.parse(self.amount_edit.text(), self._format, allow_zero=False).minor
        except MoneyParseError as error:
            self._show_errors({"amount": f"{error}."})
            return
        request = ManualDebtRequest(
            customer_id=customer_id,
            amount_minor=amount,
            dated=from_qdate(self.dated_edit.date()),
            due_date=self._due_date_chosen(),
            note=self.note_edit.text() or None,  # the service tidies it and says what is wrong
        )
        try:
            self.debt_id = self._services.manual_debts.create(request)
        except ManualDebtError as error:
            field = error.field if error.field in FIELDS else "customer"
            self._show_errors({field: str(error)})
            return
        except ServiceError as error:
            # What is left is about who owes: archived, merged, or gone since being picked.
            self._show_errors({"customer": str(error)})
            return
        self._events.debt_created.emit(self.debt_id)
        super().accept()

    def _show_errors(self, errors: dict[str, str]) -> None:
        self.errors.show(errors)
        grow_to_fit(self, self._layout)

    # ----- slots ----------------------------------------------------------------------------

    def _on_picker_picked(self, customer_id: int | None) -> None:
        self.errors.clear()
        record = None
        if customer_id is not None:
            try:
                record = self._directory.get(customer_id)
            except ServiceError as error:
                self._show_errors({"customer": str(error)})
        if record is not None and record.is_placeholder:
            self._show_errors({"customer": PLACEHOLDER_REFUSED})
        elif record is not None and record.is_archived:
            self._show_errors(
                {"customer": f"{record.fields.name} is archived; restore the customer first."}
            )
        self._set_customer(record)

    def _on_dated_edit_date_changed(self, _day: QDate) -> None:
        self._suggest_due_date()


def _left(field: QWidget) -> QWidget:
    """A short field kept at its own width, not stretched across the form."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(field)
    row.addStretch(1)
    box.setFocusProxy(field)
    return box


def add_manual_debt(
    parent: QWidget | None,
    services: DebtServices,
    customers: tuple[CustomerDirectory, CustomerChanges],
    events: AppEvents,
    customer_id: int | None = None,
) -> int | None:
    """Write in a debt by hand; the new debt's id, or None when cancelled."""
    try:
        dialog = ManualDebtDialog(services, customers, events, customer_id, parent)
    except ServiceError as error:
        prompts.show_error(parent, "Customer not found", str(error))
        return None
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.debt_id
    finally:
        dialog.deleteLater()
