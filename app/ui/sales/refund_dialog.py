"""Choose which lines of a sale come back, how many of each, and why."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.domain.reasons import MAX_REASON, ReasonError, tidy_reason
from app.services.sales_history import SaleDetail
from app.ui.formatting import format_money
from app.ui.widgets.text_limits import room_for

ERROR_STYLE = "color: #b3261e;"
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True, slots=True)
class RefundRequest:
    quantities: dict[int, int]  # sale_item_id -> how many come back (none listed at zero)
    reason: str
    amount_minor: int  # what those lines are worth at the prices sold


class RefundDialog(QDialog):
    """A spin box per line, limited to what has not come back yet, and a reason."""

    def __init__(
        self,
        detail: SaleDetail,
        parent: QWidget | None = None,
        *,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
    ) -> None:
        super().__init__(parent)
        self._format = money_format
        self.setWindowTitle(f"Refund lines of sale {detail.row.id}")
        self._detail = detail
        self._lines = detail.lines
        self.spins: dict[int, QSpinBox] = {}
        self.request: RefundRequest | None = None

        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        for column, heading in enumerate(("Item", "Price", "Sold", "Returned", "Bring back")):
            label = QLabel(f"<b>{heading}</b>")
            grid.addWidget(label, 0, column, RIGHT if column else Qt.AlignmentFlag.AlignLeft)
        for row, line in enumerate(self._lines, start=1):
            description = _plain(line.description)
            description.setWordWrap(True)
            grid.addWidget(description, row, 0)
            grid.addWidget(QLabel(format_money(line.unit_price_minor, self._format)), row, 1, RIGHT)
            grid.addWidget(QLabel(str(line.quantity)), row, 2, RIGHT)
            grid.addWidget(QLabel(str(line.returned_quantity)), row, 3, RIGHT)
            spin = QSpinBox()
            spin.setRange(0, line.left_quantity)
            spin.setEnabled(line.left_quantity > 0)
            spin.setAccessibleName(f"Bring back of {line.description}")
            spin.valueChanged.connect(self._on_spin_value_changed)
            self.spins[line.sale_item_id] = spin
            grid.addWidget(spin, row, 4)
        grid.setColumnStretch(0, 1)

        self.amount_label = QLabel()
        self.lines_error = _error_label()
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(room_for(MAX_REASON))
        self.reason_edit.setPlaceholderText("Why the goods come back (kept with the sale)")
        self.reason_error = _error_label()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Refund")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons

        layout = QVBoxLayout(self)
        layout.addWidget(
            _plain(f"{detail.row.customer} · sold {detail.row.sold_at:%Y-%m-%d %H:%M}")
        )
        layout.addLayout(grid)
        layout.addWidget(self.lines_error)
        layout.addWidget(self.amount_label)
        layout.addWidget(QLabel("Reason:"))
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.reason_error)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)
        self._show_amount()
        first = next((spin for spin in self.spins.values() if spin.isEnabled()), None)
        if first is not None:
            first.setFocus()

    def chosen(self) -> dict[int, int]:
        return {item: spin.value() for item, spin in self.spins.items() if spin.value() > 0}

    def amount_minor(self) -> int:
        chosen = self.chosen()
        return sum(chosen.get(line.sale_item_id, 0) * line.unit_price_minor for line in self._lines)

    def accept(self) -> None:
        chosen = self.chosen()
        try:
            reason: str | None = tidy_reason(self.reason_edit.text())
            self.reason_error.hide()
        except ReasonError as error:
            reason = None
            self.reason_error.setText(str(error))
            self.reason_error.show()
        self.lines_error.setText("Choose at least one item to bring back.")
        self.lines_error.setVisible(not chosen)
        if not chosen:
            next(iter(self.spins.values()), self.reason_edit).setFocus()
            return
        if reason is None:
            self.reason_edit.setFocus()
            return
        self.request = RefundRequest(chosen, reason, self.amount_minor())
        super().accept()

    def _show_amount(self) -> None:
        amount = self.amount_minor()
        text = f"Refund value: <b>{format_money(amount, self._format)}</b>"
        if amount:
            debt_reduced, cash_out = self._detail.split(amount)
            if self._detail.debt_outstanding_minor is not None:
                text += f" — debt reduced by {format_money(debt_reduced, self._format)} first"
                text += (
                    f", then {format_money(cash_out, self._format)} in cash"
                    if cash_out
                    else ", no cash"
                )
            else:
                text += f" — pay out {format_money(cash_out, self._format)} in cash"
        self.amount_label.setText(text)

    def _on_spin_value_changed(self, _value: int) -> None:
        self._show_amount()
        if self.chosen():
            self.lines_error.hide()

    @classmethod
    def ask(
        cls,
        detail: SaleDetail,
        parent: QWidget | None = None,
        *,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
    ) -> RefundRequest | None:
        dialog = cls(detail, parent, money_format=money_format)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.request
        finally:
            dialog.deleteLater()


def _error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def _plain(text: str) -> QLabel:
    """A label that never reads a product or customer name as HTML."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label
