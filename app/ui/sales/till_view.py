"""The till: scan into the basket, pick who buys, take the cash, complete (product.md §4)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.credit import CreditPosition
from app.domain.money import DEFAULT_FORMAT, CurrencyFormat, Money, MoneyParseError
from app.services.checkout import (
    Checkout,
    CheckoutOutcome,
    CheckoutRequest,
    CreditLimitExceeded,
)
from app.services.customer_changes import CustomerChanges
from app.services.customer_directory import CustomerDirectory
from app.services.errors import ServiceError
from app.services.product_catalog import ProductCatalog
from app.ui import prompts
from app.ui.app_events import AppEvents
from app.ui.dates import from_qdate, to_qdate
from app.ui.formatting import format_money
from app.ui.sales import product_menu
from app.ui.sales.basket_model import QUANTITY_COLUMN, BasketModel
from app.ui.sales.credit_panel import CreditPanel
from app.ui.sales.customer_picker import CustomerPicker
from app.ui.sales.free_line_dialog import FreeLineDialog
from app.ui.widgets.field_errors import ERROR_STYLE

# "3*6130001000066" or "3 x tea": three of what follows.
_TIMES = re.compile(r"\s*([0-9]{1,5})\s*[*xX×]\s*(.+)")
_DIGITS = re.compile(r"[0-9]+")


class BasketTable(QTableView):
    """+ and - change the quantity of the current line, Delete removes it, digits edit it."""

    def __init__(self, model: BasketModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._basket = model
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # Room for the widest amount a shop rings up, so numbers are never cut to "1,05…".
        metrics = self.fontMetrics()
        padding = 4 * metrics.averageCharWidth()
        widths = {0: "0000", 2: "00000", 3: "00,000,000.00", 4: "000,000,000.00"}
        for column, sample in widths.items():
            self.setColumnWidth(column, metrics.horizontalAdvance(sample) + padding)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        row = self.currentIndex().row()
        key = event.key()
        if key in {Qt.Key.Key_Plus, Qt.Key.Key_Minus}:
            self._basket.step_quantity(row, 1 if key == Qt.Key.Key_Plus else -1)
        elif key in {Qt.Key.Key_Delete, Qt.Key.Key_Backspace}:
            self._basket.remove(row)
        elif event.text().isdigit() and self.currentIndex().isValid():
            # Typing a number anywhere on the line edits its quantity.
            self.setCurrentIndex(self._basket.index(row, QUANTITY_COLUMN))
            super().keyPressEvent(event)
        else:
            super().keyPressEvent(event)


@dataclass(frozen=True, slots=True)
class TillServices:
    catalog: ProductCatalog
    checkout: Checkout
    directory: CustomerDirectory
    customer_changes: CustomerChanges


class _Unreadable(Exception):
    """The cash typed cannot be read; the message is already shown by the field."""


class TillView(QWidget):
    def __init__(
        self,
        services: TillServices,
        events: AppEvents,
        show_receipt: Callable[[int], None],
        *,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._catalog = services.catalog
        self._checkout = services.checkout
        self._events = events
        self._show_receipt = show_receipt
        self._format = money_format
        self._position: CreditPosition | None = None
        self._suggested_due: date | None = None  # today plus the picked customer's terms
        self.last_sale: CheckoutOutcome | None = None

        self.model = BasketModel(money_format)
        self.scan_edit = QLineEdit()
        self.scan_edit.setPlaceholderText("Scan a barcode or type a product name, then Enter (F2)")
        self.scan_edit.setMaxLength(200)
        self.scan_message = QLabel()
        self.scan_message.setStyleSheet(ERROR_STYLE)
        self.scan_message.setWordWrap(True)
        self.table = BasketTable(self.model)
        self.free_line_button = QPushButton("Free line… (Ctrl+L)")
        self.remove_button = QPushButton("Remove line (Del)")

        self.total_label = QLabel()
        font = QFont(self.total_label.font())
        font.setPointSizeF(font.pointSizeF() * 2.2)
        font.setBold(True)
        self.total_label.setFont(font)
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.count_label = QLabel()
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight)

        self.picker = CustomerPicker(services.directory, services.customer_changes)
        self.credit_panel = CreditPanel(money_format)
        self.tendered_edit = QLineEdit()
        self.tendered_edit.setPlaceholderText("exact amount")
        self.change_label = QLabel()
        self.change_label.setWordWrap(True)
        self.due_edit = _due_date_edit()
        self.payment_message = QLabel()
        self.payment_message.setStyleSheet(ERROR_STYLE)
        self.payment_message.setWordWrap(True)
        self.complete_button = QPushButton("Complete (F12)")
        self.complete_button.setDefault(False)
        self.on_account_button = QPushButton("Rest on account (F9)")
        self.clear_button = QPushButton("Clear (Esc)")
        self.last_sale_label = QLabel()
        self.last_sale_label.setWordWrap(True)
        self.receipt_button = QPushButton("Receipt (Ctrl+P)")
        self.receipt_button.setEnabled(False)

        self._build_layout()
        self._connect()
        self._update_totals()

    def _build_layout(self) -> None:
        left = QVBoxLayout()
        left.addWidget(self.scan_edit)
        left.addWidget(self.scan_message)
        left.addWidget(self.table, 1)
        line_buttons = QHBoxLayout()
        line_buttons.addWidget(self.free_line_button)
        line_buttons.addWidget(self.remove_button)
        line_buttons.addStretch(1)
        line_buttons.addWidget(QLabel("+ / − quantity · digits to type it"))
        left.addLayout(line_buttons)

        customer_box = QGroupBox("Customer (F4)")
        customer_layout = QVBoxLayout(customer_box)
        customer_layout.addWidget(self.picker)
        customer_layout.addWidget(self.credit_panel)

        payment_box = QGroupBox("Payment")
        payment_form = QFormLayout(payment_box)
        payment_form.addRow("Cash &tendered:", self.tendered_edit)
        payment_form.addRow(self.change_label)
        payment_form.addRow("&Due if on account:", self.due_edit)
        payment_form.addRow(self.payment_message)
        buttons = QHBoxLayout()
        buttons.addWidget(self.complete_button)
        buttons.addWidget(self.on_account_button)
        payment_form.addRow(buttons)
        payment_form.addRow(self.clear_button)

        right = QVBoxLayout()
        right.addWidget(self.total_label)
        right.addWidget(self.count_label)
        right.addWidget(customer_box)
        right.addWidget(payment_box)
        right.addStretch(1)
        right.addWidget(self.last_sale_label)
        right.addWidget(self.receipt_button)

        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)

    def _connect(self) -> None:
        self.scan_edit.returnPressed.connect(self._on_scan_edit_return_pressed)
        self.model.changed.connect(self._update_totals)
        self.model.refused.connect(self._show_scan_message)
        self.free_line_button.clicked.connect(self.add_free_line)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.picker.picked.connect(self._on_picker_picked)
        self.tendered_edit.textChanged.connect(self._update_change)
        self.complete_button.clicked.connect(self.complete)
        self.on_account_button.clicked.connect(self.complete_on_account)
        self.clear_button.clicked.connect(self.ask_to_clear)
        self.receipt_button.clicked.connect(self._on_receipt_button_clicked)
        shortcuts: list[tuple[str, Callable[[], object]]] = [
            ("F2", self.focus_scan),
            ("F4", self.picker.focus_search),
            ("F9", self.complete_on_account),
            ("F12", self.complete),
            ("Ctrl+Return", self.complete),
            ("Ctrl+Enter", self.complete),
            ("Esc", self.ask_to_clear),
            ("Ctrl+L", self.add_free_line),
            ("Ctrl+P", self._on_receipt_button_clicked),
        ]
        for keys, slot in shortcuts:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        # A payment or debt recorded in the Debts tab changes the chosen customer's credit.
        events = self._events
        for signal in (events.payment_recorded, events.payment_reversed, events.debt_created):
            signal.connect(self._on_events_credit_changed)

    # ----- actions ---------------------------------------------------------------------------

    def focus_scan(self) -> None:
        self.scan_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.scan_edit.selectAll()

    def scan(self, typed: str) -> bool:
        """Add what was scanned or typed; False (with a message) when nothing was added."""
        quantity, wanted = 1, typed.strip()
        times = _TIMES.fullmatch(typed)
        if times:
            quantity, wanted = int(times.group(1)), times.group(2).strip()
        if not wanted:
            return False
        product = self._catalog.by_barcode(wanted)
        if product is None and not _DIGITS.fullmatch(wanted):
            found = self._catalog.search(wanted)
            product = found[0] if len(found) == 1 else None
            if len(found) > 1:
                product = product_menu.pick_product(self.scan_edit, found, self._format)
                if product is None:
                    return False
            elif not found:
                self._show_scan_message(
                    f"No product matches “{wanted}”. Add it as a free line (Ctrl+L)."
                )
                return False
        if product is None:
            self._show_scan_message(f"No product has the barcode {wanted}.")
            return False
        row = self.model.add_product(product.id, product.name, product.price_minor, quantity)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.scan_message.clear()
        return True

    def add_free_line(self) -> None:
        dialog = FreeLineDialog(self._format, self)
        if dialog.exec() == FreeLineDialog.DialogCode.Accepted and dialog.line is not None:
            description, price, quantity = dialog.line
            row = self.model.add_free(description, price, quantity)
            if row >= 0:
                self.table.selectRow(row)
        dialog.deleteLater()
        self.focus_scan()

    def complete(self) -> CheckoutOutcome | None:
        return self._complete(on_account=False)

    def complete_on_account(self) -> CheckoutOutcome | None:
        """Complete with whatever the cash does not cover owed by the customer."""
        return self._complete(on_account=True)

    def basket_is_empty(self) -> bool:
        return self.model.basket.is_empty()

    def ask_to_clear(self) -> None:
        if self.model.basket.is_empty() and self.picker.customer_id is None:
            self.focus_scan()
            return
        if not self.model.basket.is_empty() and not prompts.confirm(
            self, "Clear the basket", "Remove every line from the basket?", "Clear"
        ):
            return
        self._start_next_sale()

    # ----- checkout --------------------------------------------------------------------------

    def _complete(self, *, on_account: bool) -> CheckoutOutcome | None:
        if not self.complete_button.isEnabled():
            return None  # a second press while the first is being recorded
        try:
            tendered = self._tendered()
        except _Unreadable:
            return None
        request = CheckoutRequest(
            key=self.model.basket.key,
            lines=self.model.basket.lines,
            customer_id=self.picker.customer_id,
            tendered_minor=tendered,
            on_account=on_account,
            due_date=self._due_date_typed(),
        )
        self._set_busy(True)
        try:
            outcome = self._record(request)
        finally:
            self._set_busy(False)
        if outcome is None:
            return None
        self.last_sale = outcome
        self._events.sale_recorded.emit(outcome.sale_id)
        self._show_last_sale(outcome)
        self._start_next_sale()
        return outcome

    def _record(self, request: CheckoutRequest) -> CheckoutOutcome | None:
        try:
            return self._checkout.complete(request)
        except CreditLimitExceeded as refused:
            reason = prompts.ask_text(
                self,
                "Credit limit",
                f"{refused}\n\nTo allow it this time, say why (kept in the audit log):",
                "Allow and complete",
            )
            if reason is None:
                return None
            return self._record_with_override(request, reason)
        except ServiceError as error:
            self._show_payment_message(str(error))
            return None

    def _record_with_override(
        self, request: CheckoutRequest, reason: str
    ) -> CheckoutOutcome | None:
        overridden = CheckoutRequest(
            key=request.key,
            lines=request.lines,
            customer_id=request.customer_id,
            tendered_minor=request.tendered_minor,
            on_account=request.on_account,
            due_date=request.due_date,
            override_reason=reason,
        )
        try:
            return self._checkout.complete(overridden)
        except ServiceError as error:
            self._show_payment_message(str(error))
            return None

    def _tendered(self) -> int | None:
        """The cash typed, None when blank; _Unreadable once the field says what is wrong."""
        typed = self.tendered_edit.text()
        if not typed.strip():
            return None
        try:
            return Money.parse(typed, self._format).minor
        except MoneyParseError as error:
            self._show_payment_message(f"Cash tendered: {error}")
            self.tendered_edit.setFocus()
            raise _Unreadable from None

    def _due_date_typed(self) -> date | None:
        """The due date the cashier changed, else None: the service then counts the customer's
        terms from the moment of the sale (a basket kept open past midnight stays right)."""
        if self.picker.customer_id is None:
            return None
        typed = from_qdate(self.due_edit.date())
        return None if typed == self._suggested_due else typed

    def _start_next_sale(self) -> None:
        self.model.clear()
        self.picker.choose_walk_in()
        self.tendered_edit.clear()
        self.payment_message.clear()
        self.scan_message.clear()
        self.focus_scan()

    def _set_busy(self, busy: bool) -> None:
        self.complete_button.setEnabled(not busy)
        self.on_account_button.setEnabled(not busy)

    # ----- what the cashier sees -------------------------------------------------------------

    def _update_totals(self) -> None:
        basket = self.model.basket
        self.total_label.setText(self._money(basket.total_minor))
        lines, items = len(basket), basket.item_count
        self.count_label.setText(
            f"{lines} line{'s' * (lines != 1)}, {items} item{'s' * (items != 1)}"
        )
        self._update_change()

    def _update_change(self) -> None:
        """Change or shortfall for the cash typed, and what F9 would put on account."""
        total = self.model.basket.total_minor
        typed = self.tendered_edit.text().strip()
        self.payment_message.clear()
        if not typed:
            # No cash typed: F12 takes the exact total in cash, F9 puts it all on account.
            self.change_label.setText("")
            self._refresh_credit(total)
            return
        try:
            tendered = Money.parse(typed, self._format).minor
        except MoneyParseError:
            self.change_label.setText("")
            self._refresh_credit(total)
            return
        if tendered >= total:
            change = html.escape(self._money(tendered - total))
            self.change_label.setText(f"Change: <b>{change}</b>")
            self._refresh_credit(0)
        else:
            short = html.escape(self._money(total - tendered))
            self.change_label.setText(f"Short: <b>{short}</b> — F9 puts it on account")
            self._refresh_credit(total - tendered)

    def _on_events_credit_changed(self, _what: object) -> None:
        self._update_change()

    def _refresh_credit(self, on_account: int) -> None:
        customer_id = self.picker.customer_id
        if customer_id is None:
            self._position = None
        else:
            self._position = self._checkout.credit_position(customer_id, on_account)
        self.credit_panel.show_position(self._position)

    def _show_last_sale(self, outcome: CheckoutOutcome) -> None:
        parts = [f"Sale {outcome.sale_id} recorded: {self._money(outcome.total_minor)}"]
        if outcome.change_minor:
            parts.append(f"change <b>{html.escape(self._money(outcome.change_minor))}</b>")
        if outcome.debt_minor:
            parts.append(f"{html.escape(self._money(outcome.debt_minor))} on account")
        self.last_sale_label.setText(", ".join(parts) + ".")
        self.receipt_button.setEnabled(True)

    def _show_scan_message(self, text: str) -> None:
        self.scan_message.setText(text)
        self.scan_edit.selectAll()

    def _show_payment_message(self, text: str) -> None:
        self.payment_message.setText(text)

    def _money(self, minor: int) -> str:
        return format_money(minor, self._format)

    # ----- slots -----------------------------------------------------------------------------

    def _on_scan_edit_return_pressed(self) -> None:
        typed = self.scan_edit.text()
        if self.scan(typed):
            self.scan_edit.clear()

    def _on_remove_button_clicked(self) -> None:
        self.model.remove(self.table.currentIndex().row())

    def _on_picker_picked(self, customer_id: int | None) -> None:
        if customer_id is not None:
            self._suggested_due = self._checkout.due_date_for(customer_id)
            self.due_edit.setDate(to_qdate(self._suggested_due))
        else:
            self.due_edit.setDate(self.due_edit.minimumDate())
        self.due_edit.setEnabled(customer_id is not None)
        self._update_change()

    def _on_receipt_button_clicked(self) -> None:
        if self.last_sale is not None:
            self._show_receipt(self.last_sale.sale_id)


def _due_date_edit() -> QDateEdit:
    """The due date of what goes on account; for a walk-in sale the lowest date stands for
    "none" and reads so, instead of a made-up 01 Jan 2000."""
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd MMM yyyy")
    edit.setSpecialValueText("once a customer is picked")
    edit.setDate(edit.minimumDate())
    edit.setEnabled(False)
    return edit
