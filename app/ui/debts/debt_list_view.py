"""Debts one by one, by due date: of one customer or all, open, overdue, paid or all."""

from __future__ import annotations

import html

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.services.customer_directory import CustomerDirectory
from app.services.debt_book import DebtBook, DebtListRow, DebtStatus
from app.services.errors import ServiceError
from app.ui import prompts
from app.ui.dates import buddy_label
from app.ui.debts.debt_list_model import PAGE_SIZE, Column, DebtListModel
from app.ui.widgets.customer_search_edit import CustomerSearchEdit
from app.ui.widgets.list_table import list_table, select_row

ALL_CUSTOMERS = "All customers"
STATUSES = (
    ("Open", DebtStatus.OPEN),
    ("Overdue", DebtStatus.OVERDUE),
    ("Paid", DebtStatus.PAID),
    ("All", DebtStatus.ALL),
)


class CustomerFilter(QWidget):
    """One customer found by name, phone or number as typed, or all customers."""

    changed = Signal(object)  # customer id, or None for all customers

    def __init__(self, directory: CustomerDirectory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._directory = directory
        self.customer_id: int | None = None

        self.search_edit = CustomerSearchEdit(directory, "Name, phone or number  (Ctrl+F)")
        self.chosen_label = QLabel()
        self.all_button = QPushButton("Show a&ll")
        self.all_button.setToolTip("The debts of every customer")
        self.all_button.setAutoDefault(False)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_edit, 1)
        layout.addWidget(self.chosen_label)
        layout.addWidget(self.all_button)
        self.search_edit.found.connect(self.choose)
        self.all_button.clicked.connect(self.choose_all)
        self._show(None)

    def choose(self, customer_id: int, text: str | None = None) -> None:
        """Show only this customer's debts; `text` names them when the caller knows it."""
        if text is None:
            record = self._directory.get(customer_id)
            text = f"{record.number}  {record.fields.name}"
        self.customer_id = customer_id
        self.search_edit.clear()
        self._show(text)
        self.changed.emit(customer_id)

    def choose_all(self) -> None:
        self.customer_id = None
        self.search_edit.clear()
        self._show(None)
        self.changed.emit(None)

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _show(self, text: str | None) -> None:
        self.chosen_label.setText(f"<b>{html.escape(text or ALL_CUSTOMERS)}</b>")
        self.all_button.setEnabled(text is not None)


class DebtListView(QWidget):
    """Emits `selection_changed` when another debt is chosen and `activated` (customer id)
    on Enter or a double-click. Reads the book when first shown."""

    selection_changed = Signal()
    activated = Signal(int)

    def __init__(
        self,
        book: DebtBook,
        directory: CustomerDirectory,
        *,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
        page_size: int = PAGE_SIZE,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._stale = True
        self.customer_filter = CustomerFilter(directory)
        self.status_combo = QComboBox()
        for text, status in STATUSES:
            self.status_combo.addItem(text, status)
        self.found_label = QLabel()
        self.model = DebtListModel(book, money_format=money_format, page_size=page_size)
        self.model.setParent(self)
        self.table = self._table()

        filters = QHBoxLayout()
        filters.addWidget(buddy_label("Customer:", self.customer_filter.search_edit))
        filters.addWidget(self.customer_filter, 1)
        filters.addSpacing(12)
        filters.addWidget(buddy_label("Stat&us:", self.status_combo))
        filters.addWidget(self.status_combo)
        filters.addSpacing(12)
        filters.addWidget(self.found_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)

        self.customer_filter.changed.connect(self._on_customer_filter_changed)
        self.status_combo.currentIndexChanged.connect(self._on_status_combo_current_index_changed)
        self.table.activated.connect(self._on_table_activated)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.model.modelReset.connect(self._on_table_selection_changed)
        # Only while this view is showing: the Debtors view has its own Ctrl+F.
        self.find_shortcut = QShortcut(QKeySequence.StandardKey.Find, self)
        self.find_shortcut.activated.connect(self.customer_filter.focus_search)

    def _table(self) -> QTableView:
        table = list_table(self.model)
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.CUSTOMER, QHeaderView.ResizeMode.Stretch)
        digits = table.fontMetrics().horizontalAdvance("0")
        for column, width in (
            (Column.SALE, 9),
            (Column.DATE, 11),
            (Column.AMOUNT, 13),
            (Column.PAID, 13),
            (Column.OUTSTANDING, 13),
            (Column.DUE_DATE, 11),
            (Column.DAYS_OVERDUE, 12),
        ):
            header.resizeSection(column, digits * width + 16)
        return table

    # ----- what is shown -------------------------------------------------------------------

    @property
    def status(self) -> DebtStatus:
        chosen: DebtStatus = self.status_combo.currentData()
        return chosen

    def set_status(self, status: DebtStatus) -> None:
        self.status_combo.setCurrentIndex(self.status_combo.findData(status))

    def show_customer(self, customer_id: int | None, text: str | None = None) -> None:
        """Only this customer's debts (None: everyone's)."""
        if customer_id is None:
            self.customer_filter.choose_all()
        else:
            self.customer_filter.choose(customer_id, text)

    def refresh(self) -> None:
        """Read the debts again, keeping the selected one."""
        self._stale = False
        selected = self.selected_debt()
        try:
            wanted = (self.customer_filter.customer_id, self.status)
            if wanted == (self.model.customer_id, self.model.status):
                self.model.reload()
            else:
                self.model.set_filter(*wanted)
        except ServiceError as error:
            prompts.show_error(self, "The debts cannot be read", str(error))
            return
        self._show_count()
        if selected is not None:
            self.select_debt(selected.debt_id)

    def refresh_later(self) -> None:
        """The books changed: read them now if this view is seen, else when it next is."""
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def selected_debt(self) -> DebtListRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_debt(self, debt_id: int) -> bool:
        return select_row(self.table, self.model.row_of(debt_id))

    def _show_count(self) -> None:
        try:
            count = self.model.count()
        except ServiceError as error:
            prompts.show_error(self, "The debts cannot be counted", str(error))
            return
        self.found_label.setText(f"{count:,} debt" + ("" if count == 1 else "s"))

    def _apply_filter(self) -> None:
        if self._stale and not self.isVisible():
            return  # read when shown
        try:
            self.model.set_filter(self.customer_filter.customer_id, self.status)
        except ServiceError as error:
            prompts.show_error(self, "The debts cannot be read", str(error))
            return
        self._show_count()

    # ----- slots ---------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _on_customer_filter_changed(self, _customer_id: object) -> None:
        self._apply_filter()

    def _on_status_combo_current_index_changed(self, _index: int) -> None:
        self._apply_filter()

    def _on_table_selection_changed(self, *_args: object) -> None:
        self.selection_changed.emit()

    def _on_table_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if index.isValid():
            self.activated.emit(self.model.row_at(index.row()).customer_id)
