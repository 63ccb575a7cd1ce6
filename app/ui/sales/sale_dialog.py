"""One past sale: its lines, payment, debt and reversals; reprint, void and refund from here."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.domain.reasons import ReasonError, tidy_reason
from app.services.errors import ServiceError
from app.services.sale_reversals import ReversalOutcome, SaleReversals
from app.services.sales_history import REFUNDED, VOIDED, SaleDetail, SalesHistory
from app.ui import prompts
from app.ui.app_events import AppEvents
from app.ui.formatting import format_money
from app.ui.sales.refund_dialog import RefundDialog
from app.ui.widgets.text_table import TextTableModel, text_table_view

NONE = "—"
KINDS = {"void": "Void", "refund": "Refund"}
STATES = {VOIDED: "voided", REFUNDED: "partly refunded"}
ATTENTION_STYLE = "color: #b3261e; font-weight: bold;"


class SaleDialog(QDialog):
    """Shows `detail`; after a void or refund reads the sale again from `history`."""

    def __init__(
        self,
        detail: SaleDetail,
        history: SalesHistory,
        reversals: SaleReversals,
        events: AppEvents,
        show_receipt: Callable[[int], None],
        *,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._format = money_format
        self._history = history
        self._reversals = reversals
        self._events = events
        self._show_receipt = show_receipt
        self.detail = detail

        self.title = QLabel()
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel()
        self.subtitle.setTextFormat(Qt.TextFormat.PlainText)
        self.subtitle.setWordWrap(True)
        self.money_values: dict[str, QLabel] = {}
        money = self._money_panel()
        self.lines = TextTableModel(
            ["Item", "Sold", "Returned", "Unit price", "Amount"],
            right_aligned=frozenset({1, 2, 3, 4}),
        )
        self.history_lines = TextTableModel(
            ["When", "What", "Value", "Debt reduced", "Cash out", "By", "Reason"],
            right_aligned=frozenset({2, 3, 4}),
        )
        self.note = QLabel()
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.outcome = QLabel()
        self.outcome.setStyleSheet(ATTENTION_STYLE)
        self.outcome.setWordWrap(True)
        self.outcome.hide()

        self.reprint_button = QPushButton("&Reprint receipt")
        self.void_button = QPushButton("&Void sale…")
        self.refund_button = QPushButton("Re&fund lines…")
        buttons = self._buttons()

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(money)
        layout.addWidget(text_table_view(self.lines, stretch=[0]), 3)
        layout.addWidget(QLabel("Returns and voids:"))
        layout.addWidget(text_table_view(self.history_lines, stretch=[6]), 2)
        layout.addWidget(self.note)
        layout.addWidget(self.outcome)
        layout.addLayout(buttons)
        self.resize(900, 600)
        self._show(detail)

    def _buttons(self) -> QHBoxLayout:
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row = QHBoxLayout()
        for button, slot in (
            (self.reprint_button, self._on_reprint_button_clicked),
            (self.void_button, self._on_void_button_clicked),
            (self.refund_button, self._on_refund_button_clicked),
        ):
            # Enter closes the window, never voids by accident.
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(close)
        return row

    # ----- what is shown -------------------------------------------------------------------

    def _money_panel(self) -> QWidget:
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 6, 0, 6)
        grid.setHorizontalSpacing(28)
        names = ("Total", "Paid", "Change", "On credit", "Still owed", "Returned", "Net")
        for column, name in enumerate(names):
            grid.addWidget(QLabel(name), 0, column)
            value = QLabel(NONE)
            value.setObjectName(name)
            font = QFont(value.font())
            font.setPointSizeF(font.pointSizeF() * 1.2)
            font.setBold(True)
            value.setFont(font)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(value, 1, column)
            self.money_values[name] = value
        grid.setColumnStretch(len(names), 1)
        return box

    def _money(self, minor: int) -> str:
        return format_money(minor, self._format)

    def value(self, name: str) -> str:
        return self.money_values[name].text()

    def _show(self, detail: SaleDetail) -> None:
        self.detail = detail
        row = detail.row
        self.setWindowTitle(f"Sale {row.id}")
        state = STATES.get(row.state)
        self.title.setText(f"Sale {row.id}" + (f" — {state}" if state else ""))
        facts = [f"{row.sold_at:%A %d %B %Y, %H:%M}", row.customer]
        if detail.sold_by:
            facts.append(f"sold by {detail.sold_by}")
        self.subtitle.setText(" · ".join(facts))
        change = None if detail.tendered_minor is None else detail.tendered_minor - row.paid_minor
        owed = detail.debt_outstanding_minor
        values = {
            "Total": self._money(row.total_minor),
            "Paid": self._money(row.paid_minor),
            "Change": NONE if change is None else self._money(change),
            "On credit": self._money(row.on_credit_minor) if row.on_credit_minor else NONE,
            "Still owed": NONE if owed is None else self._money(owed),
            "Returned": self._money(row.reversed_minor) if row.reversed_minor else NONE,
            "Net": self._money(row.net_minor),
        }
        for name, text in values.items():
            self.money_values[name].setText(text)
        self.money_values["Still owed"].setStyleSheet(ATTENTION_STYLE if owed else "")
        self.lines.set_rows(
            [
                (
                    line.description,
                    str(line.quantity),
                    str(line.returned_quantity) if line.returned_quantity else "",
                    self._money(line.unit_price_minor),
                    self._money(line.amount_minor),
                )
                for line in detail.lines
            ],
            attention=[index for index, line in enumerate(detail.lines) if line.returned_quantity],
            tooltips=[
                f"{line.returned_quantity} of {line.quantity} came back"
                if line.returned_quantity
                else None
                for line in detail.lines
            ],
        )
        self.history_lines.set_rows(
            [
                (
                    f"{reversal.reversed_at:%Y-%m-%d %H:%M}",
                    KINDS.get(reversal.kind, reversal.kind),
                    self._money(reversal.amount_minor),
                    self._money(reversal.debt_reduced_minor),
                    self._money(reversal.cash_out_minor),
                    reversal.operator,
                    reversal.reason,
                )
                for reversal in detail.reversals
            ],
            tooltips=[reversal.reason for reversal in detail.reversals],
        )
        self.note.setText(f"Note: {detail.note}" if detail.note else "")
        self.note.setVisible(bool(detail.note))
        can_reverse = detail.can_reverse
        self.void_button.setEnabled(can_reverse)
        self.refund_button.setEnabled(can_reverse)
        tip = "" if can_reverse else "Every item of this sale has already come back."
        self.void_button.setToolTip(tip)
        self.refund_button.setToolTip(tip)

    def _after_reversal(self, outcome: ReversalOutcome, done: str) -> None:
        self._events.sale_reversed.emit(outcome.sale_id)
        try:
            self._show(self._history.detail(outcome.sale_id))
        except ServiceError as error:
            prompts.show_error(self, "Sale not found", str(error))
        message = (
            f"{done} {settlement(outcome.debt_reduced_minor, outcome.cash_out_minor, self._format)}"
        )
        self.outcome.setText(message)
        self.outcome.show()
        prompts.show_info(self, done, message)

    # ----- slots ---------------------------------------------------------------------------

    def _on_reprint_button_clicked(self) -> None:
        try:
            self._show_receipt(self.detail.row.id)
        except ServiceError as error:
            prompts.show_error(self, "The receipt cannot be shown", str(error))

    def _on_void_button_clicked(self) -> None:
        detail = self.detail
        sale = detail.row
        typed = prompts.ask_text(
            self,
            "Void sale",
            f"Void sale {sale.id} ({sale.customer}): every item still on it comes back.\n"
            "Why? (kept with the sale)",
            "Continue",
        )
        if typed is None:
            return
        try:
            reason = tidy_reason(typed)
        except ReasonError as error:
            prompts.show_error(self, "Sale not voided", f"{error} Nothing changed.")
            return
        amount = detail.left_minor
        debt_reduced, cash_out = detail.split(amount)
        what = _what_happens(
            debt_reduced, cash_out, detail.debt_outstanding_minor is not None, self._format
        )
        if not prompts.confirm(
            self,
            "Void sale",
            f"Void sale {sale.id} for {self._money(amount)}?\n\n{what}\n\n"
            "The sale stays in the books, marked voided, with your reason.",
            "Void sale",
        ):
            return
        try:
            outcome = self._reversals.void(sale.id, reason)
        except ServiceError as error:
            prompts.show_error(self, "Sale not voided", str(error))
            return
        self._after_reversal(outcome, "Sale voided.")

    def _on_refund_button_clicked(self) -> None:
        request = RefundDialog.ask(self.detail, self, money_format=self._format)
        if request is None:
            return
        try:
            outcome = self._reversals.refund(self.detail.row.id, request.quantities, request.reason)
        except ServiceError as error:
            prompts.show_error(self, "Nothing was refunded", str(error))
            return
        self._after_reversal(outcome, "Lines refunded.")

    @classmethod
    def show_for(
        cls,
        history: SalesHistory,
        sale_id: int,
        reversals: SaleReversals,
        events: AppEvents,
        show_receipt: Callable[[int], None],
        *,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
        parent: QWidget | None = None,
    ) -> None:
        """Show the sale until closed; ServiceError when there is no such sale."""
        dialog = cls(
            history.detail(sale_id),
            history,
            reversals,
            events,
            show_receipt,
            money_format=money_format,
            parent=parent,
        )
        dialog.exec()
        dialog.deleteLater()


def settlement(
    debt_reduced_minor: int, cash_out_minor: int, fmt: CurrencyFormat = DEFAULT_FORMAT
) -> str:
    """What the operator does now: "Debt reduced by 5.00; pay out 3.00 in cash." """
    parts = []
    if debt_reduced_minor:
        parts.append(f"Debt reduced by {format_money(debt_reduced_minor, fmt)}")
    if cash_out_minor:
        parts.append(f"pay out {format_money(cash_out_minor, fmt)} in cash")
    else:
        parts.append("no cash to pay out")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def _what_happens(debt_reduced: int, cash_out: int, on_credit: bool, fmt: CurrencyFormat) -> str:
    if not on_credit:
        first = f"Pay out {format_money(cash_out, fmt)} in cash."
    elif cash_out:
        first = (
            f"The customer's debt for this sale goes down by {format_money(debt_reduced, fmt)} "
            f"first; {format_money(cash_out, fmt)} is paid out in cash for what was paid."
        )
    else:
        first = (
            f"The customer's debt for this sale goes down by {format_money(debt_reduced, fmt)} "
            "first; no cash is paid out."
        )
    return f"{first}\nItems from the catalogue go back into stock."
