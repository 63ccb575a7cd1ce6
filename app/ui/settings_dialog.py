"""File → Settings: the shop's header, money, customer defaults and backups, checked by field."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.customer_form import ValidationError
from app.domain.money import CurrencyFormat, Money
from app.domain.shop_settings import (
    MAX_DECIMALS,
    MAX_SHOP_NAME,
    MAX_SHOP_PHONE,
    MAX_SYMBOL,
    NUMBER_STYLES,
    SettingsDraft,
    ShopSettingsValues,
    known_regions,
    prefilled_draft,
)
from app.services.errors import ServiceError
from app.services.shop_settings import ShopSettings
from app.ui.widgets.field_errors import FieldErrors, error_label, grow_to_fit
from app.ui.widgets.text_limits import NUMBER_ROOM, room_for

# The first-run dialog's other way out: open the demo shop instead of setting this one up.
TRY_DEMO: Final = "demo"
BLOCK_LINES = 3


def system_draft(locale: QLocale | None = None) -> SettingsDraft:
    """A first-run form filled from the system's locale: country, currency, number style."""
    locale = locale or QLocale.system()
    symbol_kind = QLocale.CurrencySymbolFormat
    symbol = locale.currencySymbol(symbol_kind.CurrencySymbol)
    written = locale.toCurrencyString(1.0).rstrip("\u200e\u200f\u061c")
    return prefilled_draft(
        region=QLocale.territoryToCode(locale.territory()) or None,
        currency_code=locale.currencySymbol(symbol_kind.CurrencyIsoCode),
        currency_symbol=symbol,
        symbol_after=bool(symbol) and written.endswith(symbol.rstrip("\u200e\u200f\u061c")),
        decimal_separator=locale.decimalPoint(),
        thousands_separator=locale.groupSeparator(),
    )


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: ShopSettings,
        *,
        default_backup_folder: Path,
        draft: SettingsDraft | None = None,
        first_run: bool = False,
        money_locked: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self.saved: ShopSettingsValues | None = None
        self.demo_chosen = False
        self.errors = FieldErrors()
        self.edits: dict[str, QLineEdit] = {}
        self.setWindowTitle("Welcome to Dukan" if first_run else "Settings")

        left = QVBoxLayout()
        left.addWidget(self._shop_group())
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self._money_group(money_locked))
        right.addWidget(self._customers_group())
        right.addWidget(self._backups_group(default_backup_folder))
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)

        self.general_error = error_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.demo_button: QPushButton | None = None
        layout = self._layout = QVBoxLayout(self)
        if first_run:
            welcome = QLabel(
                "Tell Dukan about your shop: these lines head every receipt, and amounts are "
                "written your way. Everything here can be changed later in File → Settings."
            )
            welcome.setWordWrap(True)
            layout.addWidget(welcome)
            self.demo_button = self.buttons.addButton(
                "Try with sample &data", QDialogButtonBox.ButtonRole.ActionRole
            )
            self.demo_button.setToolTip(
                "Open a separate demo shop with sample products, customers, sales and debts. "
                "This shop's file is left as it is."
            )
            self.demo_button.clicked.connect(self._on_demo_button_clicked)
        layout.addLayout(columns)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 150)

        self.set_draft(draft or settings.draft())
        self.edits["currency_symbol"].textChanged.connect(self._show_example)
        self._show_example()
        self.edits["shop_name"].setFocus()

    # ----- building the form -------------------------------------------------------------

    def _shop_group(self) -> QGroupBox:
        self.address_edit = self._block("shop_address")
        self.footer_edit = self._block("receipt_footer")
        form = QFormLayout()
        form.addRow("Shop &name *", self._wrap("shop_name", self._line("shop_name", MAX_SHOP_NAME)))
        form.addRow("&Address", self.errors.wrap("shop_address", self.address_edit))
        form.addRow("&Phone", self._wrap("shop_phone", self._line("shop_phone", MAX_SHOP_PHONE)))
        form.addRow("&Tax number", self._wrap("shop_tax_number", self._line("shop_tax_number", 50)))
        form.addRow("Receipt &footer", self.errors.wrap("receipt_footer", self.footer_edit))
        return _group("Shop, as printed on receipts", form)

    def _money_group(self, locked: str) -> QGroupBox:
        self.position_combo = QComboBox()
        self.position_combo.addItem("before the amount", False)
        self.position_combo.addItem("after the amount", True)
        self.decimals_combo = QComboBox()
        for places in range(MAX_DECIMALS + 1):
            self.decimals_combo.addItem(str(places), str(places))
        self.style_combo = QComboBox()
        for style in NUMBER_STYLES:
            self.style_combo.addItem(style, style)
        self.example_label = QLabel()
        symbol = self._line("currency_symbol", MAX_SYMBOL, "e.g. DA, €, $")
        symbol.setMaximumWidth(self.fontMetrics().horizontalAdvance("MMMMMMMM") + 16)
        form = QFormLayout()
        form.addRow(
            "Currency &symbol",
            self.errors.wrap("currency_symbol", self._row(symbol, self.position_combo)),
        )
        form.addRow("&Decimal places", self.errors.wrap("decimals", self._row(self.decimals_combo)))
        form.addRow("Numbers &look like", self.errors.wrap("number_style", self.style_combo))
        form.addRow("Example", self.example_label)
        # While a sale is open at the till its basket shows amounts in the current format.
        self.money_note = QLabel(locked)
        self.money_note.setWordWrap(True)
        self.money_note.setVisible(bool(locked))
        form.addRow(self.money_note)
        for widget in (symbol, self.position_combo, self.decimals_combo, self.style_combo):
            widget.setEnabled(not locked)
            if isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(self._show_example)
        return _group("Money", form)

    def _customers_group(self) -> QGroupBox:
        self.region_combo = QComboBox()
        fallback = self._settings.fallback_region
        self.region_combo.addItem(
            f"Not set: this computer's region ({fallback})"
            if fallback
            else "Not set: compare phone numbers by their digits",
            "",
        )
        for code in known_regions():
            name = QLocale.territoryToString(QLocale.codeToTerritory(code))
            self.region_combo.addItem(f"{name} ({code})", code)
        self.region_combo.setMaxVisibleItems(20)
        terms = self._line("payment_terms", 5, "30")
        terms.setMaxLength(NUMBER_ROOM)
        terms.setAlignment(Qt.AlignmentFlag.AlignRight)
        terms.setMaximumWidth(self.fontMetrics().horizontalAdvance("00000") + 24)
        limit = self._line("credit_limit", 24, "empty: no limit")
        limit.setMaxLength(NUMBER_ROOM)
        limit.setAlignment(Qt.AlignmentFlag.AlignRight)
        form = QFormLayout()
        form.addRow("Phone re&gion", self.errors.wrap("phone_region", self.region_combo))
        form.addRow(
            "Payment ter&ms", self.errors.wrap("payment_terms", self._row(terms, "days, for new"))
        )
        form.addRow(
            "Credit &limit", self.errors.wrap("credit_limit", self._row(limit, "for new; 0: none"))
        )
        return _group("New customers", form)

    def _backups_group(self, default_folder: Path) -> QGroupBox:
        folder = self._line("backup_folder", 1000, str(default_folder))
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._on_browse_button_clicked)
        kept = self._line("backups_kept", 3, "7")
        kept.setMaxLength(NUMBER_ROOM)
        kept.setAlignment(Qt.AlignmentFlag.AlignRight)
        kept.setMaximumWidth(self.fontMetrics().horizontalAdvance("00000") + 24)
        form = QFormLayout()
        form.addRow(
            "Backup f&older",
            self.errors.wrap("backup_folder", self._row(folder, browse, grow=True)),
        )
        form.addRow(
            "&Keep",
            self.errors.wrap(
                "backups_kept", self._row(kept, "daily backups, and weekly and monthly")
            ),
        )
        return _group("Backups", form)

    def _line(self, field: str, limit: int, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(field)
        edit.setMaxLength(room_for(limit))
        edit.setPlaceholderText(placeholder)
        self.edits[field] = edit
        return edit

    def _block(self, field: str) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setObjectName(field)
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(self.fontMetrics().lineSpacing() * BLOCK_LINES + 12)
        return edit

    def _wrap(self, field: str, edit: QLineEdit) -> QWidget:
        return self.errors.wrap(field, edit)

    @staticmethod
    def _row(editor: QWidget, *after: QWidget | str, grow: bool = False) -> QWidget:
        """An editor with a note or a button beside it, kept to the left unless it may `grow`."""
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(editor, 1 if grow else 0)
        for item in after:
            row.addWidget(QLabel(item) if isinstance(item, str) else item)
        if not grow:
            row.addStretch(1)
        box.setFocusProxy(editor)
        return box

    # ----- the draft ----------------------------------------------------------------------

    def set_draft(self, draft: SettingsDraft) -> None:
        for field, edit in self.edits.items():
            edit.setText(str(getattr(draft, field)))
        self.address_edit.setPlainText(draft.shop_address)
        self.footer_edit.setPlainText(draft.receipt_footer)
        _select(self.position_combo, draft.symbol_after)
        _select(self.decimals_combo, draft.decimals)
        _select(self.style_combo, draft.number_style)
        _select(self.region_combo, draft.phone_region)

    def draft(self) -> SettingsDraft:
        """Exactly what is typed and chosen: the service, not the form, decides what is valid."""
        text = {field: edit.text() for field, edit in self.edits.items()}
        return SettingsDraft(
            **text,
            shop_address=self.address_edit.toPlainText(),
            receipt_footer=self.footer_edit.toPlainText(),
            symbol_after=bool(self.position_combo.currentData()),
            decimals=str(self.decimals_combo.currentData()),
            number_style=str(self.style_combo.currentData()),
            phone_region=str(self.region_combo.currentData()),
        )

    def _show_example(self) -> None:
        draft = self.draft()
        separators = NUMBER_STYLES.get(draft.number_style, (".", ","))
        try:
            money_format = CurrencyFormat(
                symbol=draft.currency_symbol.strip(),
                symbol_after=draft.symbol_after,
                decimals=int(draft.decimals),
                decimal_separator=separators[0],
                thousands_separator=separators[1],
            )
        except ValueError:
            self.example_label.setText("—")
            return
        example = Money(123_456 * money_format.minor_per_unit // 100)
        self.example_label.setText(example.format(money_format))

    # ----- saving -------------------------------------------------------------------------

    def accept(self) -> None:
        self.general_error.hide()
        self.errors.clear()
        try:
            self.saved = self._settings.save(self.draft())
        except ServiceError as error:
            self.general_error.setText(str(error))
            self.general_error.show()
            grow_to_fit(self, self._layout)
            return
        except ValidationError as error:
            elsewhere = self.errors.show(error.errors)
            if elsewhere:
                self.general_error.setText("\n".join(elsewhere.values()))
                self.general_error.show()
            grow_to_fit(self, self._layout)
            return
        super().accept()

    def _on_browse_button_clicked(self) -> None:
        edit = self.edits["backup_folder"]
        start = edit.text().strip() or edit.placeholderText()
        chosen = QFileDialog.getExistingDirectory(self, "Backup folder", start)
        if chosen:
            edit.setText(chosen)

    def _on_demo_button_clicked(self) -> None:
        self.demo_chosen = True
        self.reject()

    @classmethod
    def ask(
        cls,
        settings: ShopSettings,
        *,
        default_backup_folder: Path,
        money_locked: str = "",
        parent: QWidget | None = None,
    ) -> ShopSettingsValues | None:
        """The saved settings, or None when the operator cancelled."""
        dialog = cls(
            settings,
            default_backup_folder=default_backup_folder,
            money_locked=money_locked,
            parent=parent,
        )
        dialog.exec()
        dialog.deleteLater()
        return dialog.saved

    @classmethod
    def ask_first_run(
        cls, settings: ShopSettings, *, default_backup_folder: Path, parent: QWidget | None = None
    ) -> ShopSettingsValues | str | None:
        """The first start of an empty shop: the saved settings, `TRY_DEMO`, or None."""
        dialog = cls(
            settings,
            default_backup_folder=default_backup_folder,
            draft=system_draft(),
            first_run=True,
            parent=parent,
        )
        dialog.exec()
        dialog.deleteLater()
        if dialog.demo_chosen:
            # Not marked as offered: the shop's own first run is still to come.
            return TRY_DEMO
        settings.mark_offered()
        return dialog.saved


def _group(title: str, form: QFormLayout) -> QGroupBox:
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    box = QGroupBox(title)
    box.setLayout(form)
    return box


def _select(combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    combo.setCurrentIndex(max(index, 0))
