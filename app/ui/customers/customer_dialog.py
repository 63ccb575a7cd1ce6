"""New and edit customer: every field, both addresses, and each problem shown by its field."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.domain.customer_form import (
    ADDRESS_PARTS,
    MAX_EMAIL,
    MAX_LINE,
    MAX_NAME,
    MAX_NUMBER,
    MAX_TAX_NUMBER,
    Address,
    CustomerDraft,
    ValidationError,
    draft_of,
)
from app.services.customer_changes import CustomerChanges
from app.services.customer_directory import CustomerDirectory
from app.services.errors import ServiceError
from app.ui.widgets.field_errors import FieldErrors, error_label, grow_to_fit
from app.ui.widgets.text_limits import NUMBER_ROOM, room_for

ADDRESS_LABELS = {
    "street": "Street",
    "city": "City",
    "province": "Province",
    "postal_code": "Postal code",
    "country": "Country",
}
# Long enough to stay out of the way while a name is typed, short enough to be there when
# the operator looks up.
SIMILAR_DELAY_MS = 300
WARNING_STYLE = "background: #fff4d6; color: #5c4300; border: 1px solid #e0c27a; padding: 6px;"


class CustomerDialog(QDialog):
    def __init__(
        self,
        changes: CustomerChanges,
        directory: CustomerDirectory,
        *,
        customer_id: int | None = None,
        draft: CustomerDraft | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._changes = changes
        self._directory = directory
        self._customer_id = customer_id
        self.saved_id: int | None = None
        self.errors = FieldErrors()
        self.edits: dict[str, QLineEdit] = {}

        self.note_edit = QPlainTextEdit()
        # Tab moves on to the next field, as in every other field of the form.
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        # Fixed, not expanding: otherwise the form hands the spare height out between rows.
        self.note_edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.similar_label = QLabel()
        self.similar_label.setWordWrap(True)
        self.similar_label.setStyleSheet(WARNING_STYLE)
        self.similar_label.hide()
        self.general_error = error_label()
        self._similar_timer = QTimer(self)
        self._similar_timer.setSingleShot(True)
        self._similar_timer.setInterval(SIMILAR_DELAY_MS)
        self._similar_timer.timeout.connect(self._on_similar_timer_timeout)

        details = QVBoxLayout()
        details.addLayout(self._details_form())
        # Rows keep their natural height when the address column is the taller one.
        details.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(details, 1)
        # A gap, not setSpacing: nested layouts inherit spacing and the rows would spread.
        columns.addSpacing(12)
        addresses = QVBoxLayout()
        addresses.addWidget(self._address_box("billing", "Billing address"))
        addresses.addWidget(self._address_box("shipping", "Shipping address"))
        addresses.addStretch(1)
        columns.addLayout(addresses, 1)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = self._layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(self.similar_label)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 150)

        if customer_id is None:
            self.setWindowTitle("New customer")
            self.edits["name"].textChanged.connect(self._on_name_edit_text_changed)
            self.edits["name"].editingFinished.connect(self._on_similar_timer_timeout)
        self.set_draft(draft or changes.new_draft())
        self.edits["name"].setFocus()

    # ----- building the form -------------------------------------------------------------

    def _line(self, field: str, limit: int, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setMaxLength(room_for(limit))
        edit.setPlaceholderText(placeholder)
        edit.setObjectName(field)
        self.edits[field] = edit
        return edit

    def _details_form(self) -> QFormLayout:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        rows = [
            ("name", "&Name *", self._line("name", MAX_NAME)),
            ("number", "N&umber", self._line("number", MAX_NUMBER, "Given on saving, C-00042")),
            ("contact_name", "C&ontact", self._line("contact_name", MAX_NAME, "Person to ask for")),
            ("phone", "&Phone", self._line("phone", MAX_LINE, "0555 123 456")),
            ("email", "E&mail", self._line("email", MAX_EMAIL, "name@example.com")),
            ("payment_terms", "Payment &terms", self._days_field()),
            ("credit_limit", "Credit &limit", self._credit_field()),
            ("tax_number", "Ta&x number", self._line("tax_number", MAX_TAX_NUMBER)),
            ("note", "N&ote", self.note_edit),
        ]
        for field, label, editor in rows:
            form.addRow(label, self.errors.wrap(field, editor))
        return form

    def _days_field(self) -> QWidget:
        edit = self._line("payment_terms", 5)
        edit.setMaxLength(NUMBER_ROOM)
        edit.setFixedWidth(self.fontMetrics().horizontalAdvance("00000") + 24)
        edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit)
        row.addWidget(QLabel("days after the sale"))
        row.addStretch(1)
        box.setFocusProxy(edit)
        return box

    def _credit_field(self) -> QWidget:
        edit = self._line("credit_limit", 24, "No limit")
        edit.setMaxLength(NUMBER_ROOM)
        edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        edit.setFixedWidth(self.fontMetrics().horizontalAdvance("0,000,000,000.00") + 24)
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit)
        row.addWidget(QLabel("empty: no limit · 0: no credit"))
        row.addStretch(1)
        box.setFocusProxy(edit)
        return box

    def _address_box(self, prefix: str, title: str) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for part in ADDRESS_PARTS:
            field = f"{prefix}.{part}"
            form.addRow(ADDRESS_LABELS[part], self.errors.wrap(field, self._line(field, MAX_LINE)))
        if prefix == "shipping":
            self.same_as_billing = QPushButton("Same as &billing")
            self.same_as_billing.setAutoDefault(False)
            self.same_as_billing.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            self.same_as_billing.clicked.connect(self._on_same_as_billing_clicked)
            form.addRow("", self.same_as_billing)
        return box

    # ----- the draft ----------------------------------------------------------------------

    def set_draft(self, draft: CustomerDraft) -> None:
        for field in ("name", "number", "contact_name", "phone", "email", "tax_number"):
            self.edits[field].setText(getattr(draft, field))
        self.edits["payment_terms"].setText(draft.payment_terms)
        self.edits["credit_limit"].setText(draft.credit_limit)
        self.note_edit.setPlainText(draft.note)
        self._set_address("billing", draft.billing)
        self._set_address("shipping", draft.shipping)

    def draft(self) -> CustomerDraft:
        """Exactly what is typed: the service, not the form, decides what is valid."""
        return CustomerDraft(
            name=self.edits["name"].text(),
            number=self.edits["number"].text(),
            contact_name=self.edits["contact_name"].text(),
            phone=self.edits["phone"].text(),
            email=self.edits["email"].text(),
            billing=self._address("billing"),
            shipping=self._address("shipping"),
            payment_terms=self.edits["payment_terms"].text(),
            credit_limit=self.edits["credit_limit"].text(),
            tax_number=self.edits["tax_number"].text(),
            note=self.note_edit.toPlainText(),
        )

    def _address(self, prefix: str) -> Address:
        return Address(**{part: self.edits[f"{prefix}.{part}"].text() for part in ADDRESS_PARTS})

    def _set_address(self, prefix: str, address: Address) -> None:
        for part in ADDRESS_PARTS:
            self.edits[f"{prefix}.{part}"].setText(getattr(address, part))

    # ----- saving -------------------------------------------------------------------------

    def accept(self) -> None:
        self.general_error.hide()
        self.errors.clear()
        draft = self.draft()
        try:
            if self._customer_id is None:
                self.saved_id = self._changes.create(draft)
            elif self._changes.update(self._customer_id, draft):
                self.saved_id = self._customer_id
        except ValidationError as error:
            elsewhere = self.errors.show(error.errors)
            if elsewhere:
                self._show_general("\n".join(elsewhere.values()))
            self._fit_height()
            return
        except ServiceError as error:
            self._show_general(str(error))
            self._fit_height()
            return
        super().accept()

    def _fit_height(self) -> None:
        grow_to_fit(self, self._layout)

    def _show_general(self, text: str) -> None:
        self.general_error.setText(text)
        self.general_error.show()

    @classmethod
    def ask(
        cls,
        changes: CustomerChanges,
        directory: CustomerDirectory,
        *,
        customer_id: int | None = None,
        parent: QWidget | None = None,
    ) -> int | None:
        """The id of the customer saved; None when cancelled or an edit changed nothing.
        Raises ServiceError when the customer to edit no longer exists."""
        draft = None
        title = "New customer"
        if customer_id is not None:
            record = directory.get(customer_id)
            draft = draft_of(record.fields)
            title = f"Edit customer {record.number} {record.fields.name}"
        dialog = cls(changes, directory, customer_id=customer_id, draft=draft, parent=parent)
        dialog.setWindowTitle(title)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        saved = dialog.saved_id
        dialog.deleteLater()
        return saved if accepted else None

    # ----- slots --------------------------------------------------------------------------

    def _on_name_edit_text_changed(self, _text: str) -> None:
        self._similar_timer.start()

    def _on_similar_timer_timeout(self) -> None:
        self._similar_timer.stop()
        similar = self._directory.similar_names(self.edits["name"].text())
        if not similar:
            self.similar_label.hide()
            return
        names = ", ".join(f"{found.number} {found.name}" for found in similar)
        self.similar_label.setText(
            f"Similar names already in the directory: {names}. "
            "Check this is not the same person; two people may share a name."
        )
        self.similar_label.show()

    def _on_same_as_billing_clicked(self) -> None:
        self._set_address("shipping", self._address("billing"))
