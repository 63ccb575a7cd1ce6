"""A customer's statement for a period on screen, to save as an A4 PDF or print."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.phone import readable_phone
from app.services.customer_changes import CustomerChanges
from app.services.customer_directory import CustomerDirectory
from app.services.errors import ServiceError
from app.services.statements import Statement
from app.ui import prompts
from app.ui.dates import buddy_label, date_edit, from_qdate, to_qdate
from app.ui.debts.debt_services import DebtServices
from app.ui.debts.statement_document import print_statement, save_statement_pdf
from app.ui.formatting import format_money
from app.ui.receipts.receipt_dialog import documents_folder, os_error_reason
from app.ui.sales.customer_picker import CustomerPicker
from app.ui.widgets.field_errors import error_label
from app.ui.widgets.text_table import TextTableModel, text_table_view

NO_CUSTOMER = "<i>Choose the customer whose statement to show</i>"
HEADINGS = ("Date", "Ref.", "Description", "Debit", "Credit", "Balance")
MONTHS_BACK = 3


def default_start(today: date) -> date:
    """The first day of the month three months back: 15 May → 1 February."""
    months = today.year * 12 + today.month - 1 - MONTHS_BACK
    return date(months // 12, months % 12 + 1, 1)


class StatementDialog(QDialog):
    def __init__(
        self,
        services: DebtServices,
        customers: tuple[CustomerDirectory, CustomerChanges],
        customer_id: int | None = None,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
        pdf_folder: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Statement")
        self._services = services
        self._format = services.money_format
        self._today = today or date.today()
        self._pdf_folder = pdf_folder or documents_folder()
        self.statement: Statement | None = None

        self.picker = CustomerPicker(customers[0], customers[1])
        self.picker.walk_in_button.hide()
        self.picker.chosen_label.setText(NO_CUSTOMER)
        self.start_edit = date_edit(default_start(self._today))
        self.end_edit = date_edit(self._today)
        self.range_error = error_label()

        self.customer_label = _selectable()
        # Amounts stay on one line: a balance broken after "on" reads as two things.
        self.opening_label = _selectable(wrap=False)
        self.closing_label = _selectable(wrap=False)
        self.totals_label = _selectable(wrap=False)
        self.lines = TextTableModel(HEADINGS, right_aligned=frozenset({3, 4, 5}), parent=self)
        self.table = text_table_view(self.lines, stretch=[2])
        self.status = _selectable()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.print_button = QPushButton("&Print…")
        self.save_button = QPushButton("&Save as PDF…")
        for button in (self.print_button, self.save_button):
            button.setAutoDefault(False)
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        self._lay_out(buttons)
        self.picker.picked.connect(self._on_picker_picked)
        self.start_edit.dateChanged.connect(self._on_range_date_changed)
        self.end_edit.dateChanged.connect(self._on_range_date_changed)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        if customer_id is not None:
            self.picker.choose(customer_id)
        else:
            self.picker.focus_search()
        self.refresh()
        self.resize(900, 620)

    def _lay_out(self, buttons: QDialogButtonBox) -> None:
        dates = QHBoxLayout()
        dates.addWidget(buddy_label("&From:", self.start_edit))
        dates.addWidget(self.start_edit)
        dates.addWidget(buddy_label("&To:", self.end_edit))
        dates.addWidget(self.end_edit)
        dates.addStretch(1)
        form = QFormLayout()
        form.addRow("&Customer:", self.picker)
        form.addRow("Period:", dates)
        form.addRow("", self.range_error)
        summary = QGridLayout()
        summary.addWidget(self.customer_label, 0, 0, 2, 1, Qt.AlignmentFlag.AlignTop)
        summary.addWidget(self.opening_label, 0, 1, Qt.AlignmentFlag.AlignRight)
        summary.addWidget(self.totals_label, 1, 1, Qt.AlignmentFlag.AlignRight)
        summary.setColumnStretch(0, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.closing_label, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.status)
        layout.addWidget(buttons)

    def start(self) -> date:
        return from_qdate(self.start_edit.date())

    def end(self) -> date:
        return from_qdate(self.end_edit.date())

    def set_range(self, start: date, end: date) -> None:
        for edit, day in ((self.start_edit, start), (self.end_edit, end)):
            edit.blockSignals(True)
            edit.setDate(to_qdate(day))
            edit.blockSignals(False)
        self.refresh()

    # ----- what is shown -------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the statement for the customer and dates chosen, and show it."""
        self.statement = None
        self.status.clear()
        self.range_error.hide()
        customer_id = self.picker.customer_id
        if customer_id is not None:
            try:
                self.statement = self._services.statements.statement(
                    customer_id, self.start(), self.end()
                )
            except ServiceError as error:
                self.range_error.setText(str(error))
                self.range_error.show()
        self._show(self.statement)

    def _show(self, statement: Statement | None) -> None:
        self.print_button.setEnabled(statement is not None)
        self.save_button.setEnabled(statement is not None)
        if statement is None:
            self.lines.set_rows([])
            for label in (
                self.customer_label,
                self.opening_label,
                self.closing_label,
                self.totals_label,
            ):
                label.clear()
            return
        self.setWindowTitle(f"Statement — {statement.customer_number} {statement.customer_name}")
        name, number = html.escape(statement.customer_name), html.escape(statement.customer_number)
        who = [f"<b>{name}</b> {number}"]
        if statement.customer_phone:
            who.append(f"Tel. {html.escape(readable_phone(statement.customer_phone))}")
        if statement.customer_address:
            who.append(html.escape(statement.customer_address).replace("\n", ", "))
        self.customer_label.setText("<br>".join(who))
        self.opening_label.setText(
            f"Opening balance on {statement.start:%Y-%m-%d}: "
            f"<b>{self._money(statement.opening_minor)}</b>"
        )
        self.totals_label.setText(
            f"Debits {self._money(statement.total_debits_minor)}, "
            f"credits {self._money(statement.total_credits_minor)}"
        )
        self.closing_label.setText(
            f"Closing balance on {statement.end:%Y-%m-%d}: "
            f"<b>{self._money(statement.closing_minor)}</b>"
        )
        self.lines.set_rows(
            [
                (
                    f"{line.at:%Y-%m-%d}",
                    line.reference,
                    line.description,
                    self._amount(line.debit_minor),
                    self._amount(line.credit_minor),
                    format_money(line.balance_minor, self._format),
                )
                for line in statement.lines
            ],
            tooltips=[f"{line.at:%Y-%m-%d %H:%M}  {line.description}" for line in statement.lines],
        )

    def _money(self, minor: int) -> str:
        return html.escape(format_money(minor, self._format))

    def _amount(self, minor: int) -> str:
        return format_money(minor, self._format) if minor else ""

    # ----- slots ----------------------------------------------------------------------------

    def _on_picker_picked(self, _customer_id: int | None) -> None:
        self.refresh()

    def _on_range_date_changed(self, _day: QDate) -> None:
        self.refresh()

    def _on_print_button_clicked(self) -> None:
        statement = self.statement
        if statement is None:
            return
        printer = prompts.choose_printer(self, "Print statement")
        if printer is None:
            return
        shop = self._services.receipts.shop_header()
        try:
            print_statement(statement, shop, printer, self._format, printed_on=self._today)
        except OSError as error:
            prompts.show_error(
                self,
                "Statement not printed",
                "The statement could not be printed. Check that the printer is on and has "
                "paper, then try again.",
                details=str(error),
            )
            return
        self.status.setText(f"Sent to {printer.outputFileName() or printer.printerName()}.")

    def _on_save_button_clicked(self) -> None:
        statement = self.statement
        if statement is None:
            return
        name = (
            f"statement-{statement.customer_number or statement.customer_id}-"
            f"{statement.start:%Y%m%d}-{statement.end:%Y%m%d}.pdf"
        )
        path = prompts.choose_pdf_to_save(self, self._pdf_folder / name, "Save statement as PDF")
        if path is None:
            return
        shop = self._services.receipts.shop_header()
        try:
            save_statement_pdf(statement, shop, path, self._format, printed_on=self._today)
        except OSError as error:
            prompts.show_error(
                self,
                "Statement not saved",
                f"The statement could not be saved as\n{path}\n\n{os_error_reason(error)}.\n\n"
                "Choose another folder or file name and try again.",
                details=str(error),
            )
            return
        self._pdf_folder = path.parent
        self.status.setText(f"Saved as {path}")


def _selectable(*, wrap: bool = True) -> QLabel:
    label = QLabel()
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def show_statement(
    parent: QWidget | None,
    services: DebtServices,
    customers: tuple[CustomerDirectory, CustomerChanges],
    customer_id: int | None = None,
    today: date | None = None,
) -> None:
    """Show a statement until closed; the operator may change the customer and the dates."""
    try:
        dialog = StatementDialog(services, customers, customer_id, parent, today=today)
    except ServiceError as error:
        prompts.show_error(parent, "Customer not found", str(error))
        return
    dialog.exec()
    dialog.deleteLater()
