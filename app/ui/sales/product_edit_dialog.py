"""New and edit product: barcode, name, price, stock and active, each problem by its field."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain.product_form import (
    MAX_BARCODE,
    MAX_NAME,
    ProductDraft,
    ValidationError,
    draft_of,
)
from app.services.errors import ServiceError
from app.services.product_catalog import ProductCatalog
from app.ui.widgets.field_errors import FieldErrors, error_label, grow_to_fit
from app.ui.widgets.text_limits import NUMBER_ROOM, room_for

MAX_PRICE_TEXT = 24
MAX_STOCK_TEXT = 9


class ProductEditDialog(QDialog):
    def __init__(
        self,
        catalog: ProductCatalog,
        *,
        product_id: int | None = None,
        draft: ProductDraft | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._product_id = product_id
        self.saved_id: int | None = None
        self.errors = FieldErrors()
        start = draft or ProductDraft()
        # The stock as the form opened: left as it is, a sale made meanwhile is not undone.
        self._stock_shown = _whole(start.stock) if product_id is not None else None

        self.barcode_edit = self._line("barcode", MAX_BARCODE, "Scan or type; empty if none")
        self.name_edit = self._line("name", MAX_NAME, "As on the receipt")
        self.price_edit = self._line("price", MAX_PRICE_TEXT, "0.00")
        self.price_edit.setMaxLength(NUMBER_ROOM)
        self.price_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.stock_edit = self._line("stock", MAX_STOCK_TEXT, "0")
        self.stock_edit.setMaxLength(NUMBER_ROOM)
        self.stock_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.active_check = QCheckBox("&Sold at the till")
        self.active_check.setToolTip(
            "Untick for a product no longer sold: it stays in old sales and in this list."
        )
        self.general_error = error_label()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Barcode", self.errors.wrap("barcode", self.barcode_edit))
        form.addRow("&Name *", self.errors.wrap("name", self.name_edit))
        form.addRow("&Price *", self.errors.wrap("price", self._short(self.price_edit, "")))
        stock_note = "counted now; a change is recorded as a count" if product_id else "on hand"
        form.addRow("S&tock", self.errors.wrap("stock", self._short(self.stock_edit, stock_note)))
        form.addRow("", self.active_check)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = self._layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)
        self.setWindowTitle("New product" if product_id is None else "Edit product")
        self.set_draft(start)
        (self.barcode_edit if product_id is None else self.name_edit).setFocus()

    def _line(self, field: str, limit: int, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(field)
        edit.setMaxLength(room_for(limit))
        edit.setPlaceholderText(placeholder)
        return edit

    def _short(self, edit: QLineEdit, note: str) -> QWidget:
        """A number-sized field with an explanation beside it."""
        edit.setFixedWidth(self.fontMetrics().horizontalAdvance("0,000,000,000.00") + 24)
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit)
        if note:
            row.addWidget(QLabel(note))
        row.addStretch(1)
        box.setFocusProxy(edit)
        return box

    # ----- the draft ----------------------------------------------------------------------

    def set_draft(self, draft: ProductDraft) -> None:
        self.barcode_edit.setText(draft.barcode)
        self.name_edit.setText(draft.name)
        self.price_edit.setText(draft.price)
        self.stock_edit.setText(draft.stock)
        self.active_check.setChecked(draft.active)

    def draft(self) -> ProductDraft:
        """Exactly what is typed: the service, not the form, decides what is valid."""
        return ProductDraft(
            barcode=self.barcode_edit.text(),
            name=self.name_edit.text(),
            price=self.price_edit.text(),
            stock=self.stock_edit.text(),
            active=self.active_check.isChecked(),
        )

    # ----- saving -------------------------------------------------------------------------

    def accept(self) -> None:
        self.general_error.hide()
        self.errors.clear()
        draft = self.draft()
        try:
            if self._product_id is None:
                self.saved_id = self._catalog.create(draft)
            elif self._catalog.update(self._product_id, draft, stock_shown=self._stock_shown):
                self.saved_id = self._product_id
        except ValidationError as error:
            elsewhere = self.errors.show(error.errors)
            if elsewhere:
                self._show_general("\n".join(elsewhere.values()))
            grow_to_fit(self, self._layout)
            return
        except ServiceError as error:
            self._show_general(str(error))
            grow_to_fit(self, self._layout)
            return
        super().accept()

    def _show_general(self, text: str) -> None:
        self.general_error.setText(text)
        self.general_error.show()

    @classmethod
    def ask(
        cls,
        catalog: ProductCatalog,
        *,
        product_id: int | None = None,
        draft: ProductDraft | None = None,
        parent: QWidget | None = None,
    ) -> int | None:
        """The id of the product saved; None when cancelled or an edit changed nothing.
        `draft` fills a new product's form (a barcode just scanned). Raises ServiceError when
        the product to edit no longer exists."""
        title = "New product"
        if product_id is not None:
            record = catalog.get(product_id)
            draft = draft_of(record.fields, catalog.money_format)
            title = f"Edit product {record.name}"
        dialog = cls(catalog, product_id=product_id, draft=draft, parent=parent)
        dialog.setWindowTitle(title)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        saved = dialog.saved_id
        dialog.deleteLater()
        return saved if accepted else None


def _whole(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None
