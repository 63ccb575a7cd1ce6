"""A line that is not in the catalogue: what it is, its price and how many."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.basket import MAX_DESCRIPTION, MAX_QUANTITY, BasketError, tidy_description
from app.domain.money import DEFAULT_FORMAT, CurrencyFormat, Money, MoneyParseError
from app.ui.widgets.field_errors import FieldErrors, grow_to_fit
from app.ui.widgets.text_limits import room_for


class FreeLineDialog(QDialog):
    def __init__(
        self, money_format: CurrencyFormat = DEFAULT_FORMAT, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Free line")
        self._format = money_format
        self.line: tuple[str, int, int] | None = None  # description, price, quantity
        self.errors = FieldErrors()
        self.description_edit = QLineEdit()
        self.description_edit.setMaxLength(room_for(MAX_DESCRIPTION))
        self.price_edit = QLineEdit()
        self.price_edit.setPlaceholderText(Money(1250).format(money_format, with_symbol=False))
        self.quantity_spin = QSpinBox()
        self.quantity_spin.setRange(1, MAX_QUANTITY)
        form = QFormLayout()
        form.addRow("&Description:", self.errors.wrap("description", self.description_edit))
        form.addRow("&Price:", self.errors.wrap("price", self.price_edit))
        form.addRow("&Quantity:", self.quantity_spin)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add to basket")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self._layout = QVBoxLayout(self)
        self._layout.addLayout(form)
        self._layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def accept(self) -> None:
        errors: dict[str, str] = {}
        description = ""
        price = 0
        try:
            description = tidy_description(self.description_edit.text())
        except BasketError as error:
            errors["description"] = str(error)
        try:
            price = Money.parse(self.price_edit.text(), self._format).minor
        except MoneyParseError as error:
            errors["price"] = str(error)
        if errors:
            self.errors.show(errors)
            grow_to_fit(self, self._layout)
            return
        self.line = (description, price, self.quantity_spin.value())
        super().accept()
