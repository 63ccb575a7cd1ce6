"""The customer's credit beside the basket: limit, owed now, overdue, this sale, after it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QWidget

from app.domain.credit import CreditPosition
from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.ui.formatting import format_money
from app.ui.widgets.field_errors import ERROR_STYLE

LIMIT = "Credit limit"
OWED = "Owed now"
OVERDUE = "Overdue"
THIS_SALE = "This sale on account"
AFTER = "After this sale"


class CreditPanel(QFrame):
    def __init__(
        self, money_format: CurrencyFormat = DEFAULT_FORMAT, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._format = money_format
        self._values: dict[str, QLabel] = {}
        form = QFormLayout(self)
        for label in (LIMIT, OWED, OVERDUE, THIS_SALE, AFTER):
            value = QLabel("—")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            form.addRow(f"{label}:", value)
            self._values[label] = value
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(ERROR_STYLE)
        form.addRow(self.warning)
        self.show_position(None)

    def value(self, label: str) -> str:
        return self._values[label].text()

    def show_position(self, position: CreditPosition | None) -> None:
        """Fill the panel for the picked customer; None (a walk-in buyer) hides it."""
        self.setVisible(position is not None)
        if position is None:
            return
        money = self._money
        limit = position.limit_minor
        self._values[LIMIT].setText(
            "no limit" if limit is None else "no credit" if limit == 0 else money(limit)
        )
        self._values[OWED].setText(money(position.owed_minor))
        self._values[OVERDUE].setText(money(position.overdue_minor))
        self._values[OVERDUE].setStyleSheet(ERROR_STYLE if position.overdue_minor else "")
        self._values[THIS_SALE].setText(money(position.this_sale_minor))
        self._values[AFTER].setText(money(position.after_minor))
        if position.exceeds_limit:
            self.warning.setText(
                "Over the credit limit: completing needs a reason for the override."
            )
        else:
            self.warning.clear()
        self.warning.setVisible(position.exceeds_limit)

    def _money(self, minor: int) -> str:
        return format_money(minor, self._format)
