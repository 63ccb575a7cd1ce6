"""One customer's profile: details, balance and credit, debts, sales, payments and changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.domain.phone import readable_phone
from app.services.audit import AuditLine
from app.services.customer_changes import CustomerChanges
from app.services.customer_directory import CustomerDirectory, CustomerRecord
from app.ui.app_events import AppEvents
from app.ui.debts.debt_services import DebtServices
from app.ui.debts.manual_debt_dialog import add_manual_debt
from app.ui.debts.payment_dialog import take_payment
from app.ui.debts.reverse_payment_dialog import reverse_payment
from app.ui.debts.statement_dialog import show_statement
from app.ui.formatting import format_money
from app.ui.widgets.text_table import TextTableModel, text_table_view

NONE = "—"
ATTENTION_STYLE = "color: #b3261e; font-weight: bold;"
# The audit log keeps field names; the operator reads these.
FIELD_NAMES = {
    "number": "number",
    "name": "name",
    "contact_name": "contact",
    "phone": "phone",
    "email": "email",
    "billing_address": "billing address",
    "shipping_address": "shipping address",
    "payment_terms": "payment terms",
    "credit_limit": "credit limit",
    "tax_number": "tax number",
    "note": "note",
    "archived": "archived",
    "merged_into_id": "merged into",
}
ACTIONS = {
    "insert": "Created",
    "update": "Edited",
    "archive": "Archived",
    "restore": "Restored",
    "merge": "Merged",
    "delete": "Deleted",
    "assign": "Debt assigned",
}


@dataclass(frozen=True, slots=True)
class CreditBook:
    """What the profile's payment, debt and statement buttons work through."""

    debts: DebtServices
    changes: CustomerChanges
    events: AppEvents


class ProfileDialog(QDialog):
    def __init__(
        self,
        directory: CustomerDirectory,
        customer_id: int,
        *,
        today: Callable[[], date] = date.today,
        parent: QWidget | None = None,
        credit: CreditBook | None = None,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
    ) -> None:
        super().__init__(parent)
        self._directory = directory
        self._customer_id = customer_id
        self._today = today
        self._credit = credit
        self._money_format = money_format
        record = directory.get(customer_id)
        self.setWindowTitle(f"Customer {record.number} {record.fields.name}")
        self.debts = TextTableModel(
            ["Debt", "Sale", "Created", "Due", "Amount", "Outstanding"],
            right_aligned=frozenset({0, 1, 4, 5}),
        )
        self.sales = TextTableModel(
            ["Sale", "Date", "Total", "Paid", "On credit"], right_aligned=frozenset({0, 2, 3, 4})
        )
        self.payments = TextTableModel(
            ["Payment", "Debt", "Date", "Amount", "Method"], right_aligned=frozenset({0, 1, 3})
        )
        self.history = TextTableModel(["When", "Who", "Action", "Changed", "Reason"])

        self.pages = QTabWidget()
        self.pages.addTab(_details(record), "&Details")
        self.pages.addTab(text_table_view(self.debts), "")
        self.pages.addTab(text_table_view(self.sales), "")
        self.pages.addTab(text_table_view(self.payments), "")
        self.pages.addTab(text_table_view(self.history, stretch=[3, 4]), "")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.take_payment_button = _action("Take pa&yment…")
        self.add_debt_button = _action("Add de&bt…")
        self.statement_button = _action("State&ment…")
        self.reverse_payment_button = _action("Re&verse a payment…")
        actions = QHBoxLayout()
        for button in (
            self.take_payment_button,
            self.add_debt_button,
            self.statement_button,
            self.reverse_payment_button,
        ):
            button.setVisible(credit is not None)
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(buttons)
        self.take_payment_button.clicked.connect(self._on_take_payment_button_clicked)
        self.add_debt_button.clicked.connect(self._on_add_debt_button_clicked)
        self.statement_button.clicked.connect(self._on_statement_button_clicked)
        self.reverse_payment_button.clicked.connect(self._on_reverse_payment_button_clicked)

        self._layout = QVBoxLayout(self)
        self._layout.addWidget(_heading(record))
        self.money = _money_panel(record, self._money_format)
        self._layout.addWidget(self.money)
        self._layout.addWidget(self.pages, 1)
        self._layout.addLayout(actions)
        self._fill(record)
        self.resize(820, 560)

    def reload(self) -> None:
        """Read the customer again, after a payment or a debt taken from here."""
        record = self._directory.get(self._customer_id)
        money = _money_panel(record, self._money_format)
        self._layout.replaceWidget(self.money, money)
        self.money.deleteLater()
        self.money = money
        self._fill(record)

    def _fill(self, record: CustomerRecord) -> None:
        directory, customer_id = self._directory, self._customer_id
        self._fill_debts(directory, customer_id, self._today())
        self._fill_sales(directory, customer_id)
        self._fill_payments(directory, customer_id)
        self._fill_history(directory.history(customer_id))
        for page, (title, model) in enumerate(
            [
                ("&Open debts", self.debts),
                ("&Sales", self.sales),
                ("&Payments", self.payments),
                ("&History", self.history),
            ],
            start=1,
        ):
            self.pages.setTabText(page, f"{title} ({model.rowCount()})")
        can_owe = not record.is_placeholder and not record.is_archived
        self.take_payment_button.setEnabled(record.balance_minor > 0 and not record.is_placeholder)
        self.add_debt_button.setEnabled(can_owe)
        self.reverse_payment_button.setEnabled(self.payments.rowCount() > 0)

    def _fill_debts(self, directory: CustomerDirectory, customer_id: int, today: date) -> None:
        lines = directory.open_debts(customer_id)
        fmt = self._money_format
        self.debts.set_rows(
            [
                (
                    str(line.debt_id),
                    NONE if line.sale_id is None else str(line.sale_id),
                    _day(line.created_at),
                    _day(line.due_date),
                    format_money(line.amount_minor, fmt),
                    format_money(line.outstanding_minor, fmt),
                )
                for line in lines
            ],
            attention=[
                row
                for row, line in enumerate(lines)
                if line.due_date is not None and line.due_date < today
            ],
            tooltips=[
                "Overdue" if line.due_date is not None and line.due_date < today else None
                for line in lines
            ],
        )

    def _fill_sales(self, directory: CustomerDirectory, customer_id: int) -> None:
        fmt = self._money_format
        self.sales.set_rows(
            [
                (
                    str(line.sale_id),
                    _moment(line.sold_at),
                    format_money(line.total_minor, fmt),
                    format_money(line.paid_minor, fmt),
                    format_money(line.total_minor - line.paid_minor, fmt),
                )
                for line in directory.sales(customer_id)
            ]
        )

    def _fill_payments(self, directory: CustomerDirectory, customer_id: int) -> None:
        fmt = self._money_format
        self.payments.set_rows(
            [
                (
                    str(line.payment_id),
                    str(line.debt_id),
                    _moment(line.paid_at),
                    format_money(line.amount_minor, fmt),
                    line.method,
                )
                for line in directory.payments(customer_id)
            ]
        )

    def _fill_history(self, lines: list[AuditLine]) -> None:
        self.history.set_rows(
            [
                (
                    _moment(line.at),
                    line.operator,
                    ACTIONS.get(line.action, line.action),
                    _changed(line),
                    line.reason or "",
                )
                for line in lines
            ],
            tooltips=[_before_after(line) for line in lines],
        )

    # ----- the credit book, from here ------------------------------------------------------

    def _on_take_payment_button_clicked(self) -> None:
        credit = self._credit
        if credit is None:
            return
        customers = (self._directory, credit.changes)
        if take_payment(self, credit.debts, customers, credit.events, self._customer_id):
            self.reload()

    def _on_add_debt_button_clicked(self) -> None:
        credit = self._credit
        if credit is None:
            return
        customers = (self._directory, credit.changes)
        if add_manual_debt(self, credit.debts, customers, credit.events, self._customer_id):
            self.reload()

    def _on_statement_button_clicked(self) -> None:
        credit = self._credit
        if credit is None:
            return
        customers = (self._directory, credit.changes)
        show_statement(self, credit.debts, customers, self._customer_id, self._today())

    def _on_reverse_payment_button_clicked(self) -> None:
        credit = self._credit
        if credit is None:
            return
        if reverse_payment(self, credit.debts, credit.events, self._customer_id):
            self.reload()

    @classmethod
    def show_for(
        cls,
        directory: CustomerDirectory,
        customer_id: int,
        parent: QWidget | None = None,
        *,
        credit: CreditBook | None = None,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
    ) -> None:
        """Show the profile until closed; ServiceError when the customer no longer exists.
        With `credit`, payments, debts and statements can be taken from it."""
        dialog = cls(
            directory, customer_id, parent=parent, credit=credit, money_format=money_format
        )
        dialog.exec()
        dialog.deleteLater()


def _action(text: str) -> QPushButton:
    button = QPushButton(text)
    # Close stays the button Enter and Escape mean.
    button.setAutoDefault(False)
    return button


def _heading(record: CustomerRecord) -> QWidget:
    title = QLabel(f"{record.fields.name}")
    font = QFont(title.font())
    font.setPointSizeF(font.pointSizeF() * 1.4)
    font.setBold(True)
    title.setFont(font)
    # A name may be 200 characters long: it wraps instead of widening the dialog off screen.
    title.setWordWrap(True)
    title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    status = [record.number]
    if record.is_placeholder:
        status.append("holds old debts whose payer was never recorded")
    if record.merged_into_number is not None:
        status.append(f"merged into {record.merged_into_number}")
    elif record.is_archived:
        status.append("archived")
    subtitle = QLabel(" · ".join(status))
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(title)
    layout.addWidget(subtitle)
    return box


def _money_panel(record: CustomerRecord, money_format: CurrencyFormat) -> QWidget:
    """Balance, overdue, limit and headroom, the numbers a cashier checks before credit."""
    limit = record.fields.credit_limit_minor
    headroom = record.credit_headroom_minor
    if limit is None:
        limit_text, headroom_text = "No limit", "No limit"
    elif limit == 0:
        limit_text = "No credit allowed"
        headroom_text = format_money(max(headroom or 0, 0), money_format)
    else:
        limit_text = format_money(limit, money_format)
        headroom_text = format_money(headroom or 0, money_format)
    if headroom is not None and headroom < 0:
        headroom_text = f"over the limit by {format_money(-headroom, money_format)}"
    cells = [
        ("Balance", format_money(record.balance_minor, money_format), False),
        ("Overdue", format_money(record.overdue_minor, money_format), record.overdue_minor > 0),
        ("Credit limit", limit_text, False),
        ("Credit left", headroom_text, headroom is not None and headroom < 0),
        ("Payment terms", f"{record.fields.payment_terms} days", False),
    ]
    box = QWidget()
    grid = QGridLayout(box)
    grid.setContentsMargins(0, 6, 0, 6)
    grid.setHorizontalSpacing(28)
    for column, (name, value, alarming) in enumerate(cells):
        grid.addWidget(QLabel(name), 0, column)
        shown = QLabel(value)
        shown.setObjectName(name)
        font = QFont(shown.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        shown.setFont(font)
        if alarming:
            shown.setStyleSheet(ATTENTION_STYLE)
        grid.addWidget(shown, 1, column)
    grid.setColumnStretch(len(cells), 1)
    return box


def _details(record: CustomerRecord) -> QWidget:
    fields = record.fields
    rows = [
        ("Number", record.number),
        ("Contact", fields.contact_name),
        ("Phone", readable_phone(fields.phone)),
        ("Email", fields.email),
        ("Billing address", fields.billing.one_line()),
        ("Shipping address", fields.shipping.one_line()),
        ("Tax number", fields.tax_number),
        ("Note", fields.note),
        ("Created", _by(record.created_at, record.created_by)),
        ("Last changed", _by(record.updated_at, record.updated_by)),
    ]
    page = QWidget()
    form = QFormLayout(page)
    for name, value in rows:
        shown = QLabel(value or NONE)
        shown.setObjectName(name)
        shown.setWordWrap(True)
        shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(f"{name}:", shown)
    return page


def _by(moment: datetime | None, operator: str | None) -> str:
    if moment is None:
        return NONE
    return f"{_moment(moment)} by {operator}" if operator else _moment(moment)


def _day(moment: date | None) -> str:
    return NONE if moment is None else f"{moment:%Y-%m-%d}"


def _moment(moment: datetime | None) -> str:
    return NONE if moment is None else f"{moment:%Y-%m-%d %H:%M}"


def _changed(line: AuditLine) -> str:
    if line.action == "insert":
        return ""
    return ", ".join(FIELD_NAMES.get(name, name) for name in line.changed())


def _before_after(line: AuditLine) -> str | None:
    """The old and new values behind "Changed", for whoever needs to know exactly what."""
    if line.before is None or line.after is None:
        return None
    changes = [
        f"{FIELD_NAMES.get(name, name)}: {line.before.get(name)!s} → {line.after.get(name)!s}"
        for name in line.changed()
    ]
    return "\n".join(changes) or None
