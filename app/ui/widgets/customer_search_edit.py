"""A search box that finds customers by name, phone or number as typed, in a popup."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from app.domain.phone import readable_phone
from app.services.customer_directory import CustomerDirectory, CustomerRow


class CustomerSearchEdit(QLineEdit):
    found = Signal(int)  # the customer picked from the popup, or the best hit on Enter

    def __init__(
        self, directory: CustomerDirectory, placeholder: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._directory = directory
        self._hits: dict[str, int] = {}
        self._first_hit: int | None = None
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self._list = QStringListModel(self)
        self.hit_completer = QCompleter(self._list, self)
        # The directory has already chosen and ordered the hits; show them as they come.
        self.hit_completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.hit_completer.setWidget(self)
        self.hit_completer.setMaxVisibleItems(10)
        self.textEdited.connect(self._on_text_edited)
        self.returnPressed.connect(self._on_return_pressed)
        self.hit_completer.activated.connect(self._on_hit_completeractivated)

    def _on_text_edited(self, text: str) -> None:
        rows = self._directory.search(text) if text.strip() else []
        self._hits = {_hit_text(row): row.id for row in rows}
        self._first_hit = rows[0].id if rows else None
        self._list.setStringList(list(self._hits))
        if rows:
            self.hit_completer.complete()
        else:
            self._hide_hits()

    def _on_return_pressed(self) -> None:
        # Enter takes the best hit, as a cashier expects from a search box.
        if self._first_hit is not None:
            self._hide_hits()
            self.found.emit(self._first_hit)

    def _hide_hits(self) -> None:
        popup = self.hit_completer.popup()
        if popup is not None:
            popup.hide()

    def _on_hit_completeractivated(self, text: str) -> None:
        customer_id = self._hits.get(text)
        if customer_id is not None:
            self.found.emit(customer_id)


def _hit_text(row: CustomerRow) -> str:
    return "   ".join(part for part in (row.number, row.name, readable_phone(row.phone)) if part)
