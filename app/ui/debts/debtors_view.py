"""Who owes the shop: debtors with their ageing, searched, filtered, sorted and paged."""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.ageing import BUCKETS
from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.services.debt_book import DebtBook, DebtorFilter, DebtorRow
from app.services.errors import ServiceError
from app.ui import prompts
from app.ui.debts.debtor_table_model import (
    PAGE_SIZE,
    SORTS,
    Column,
    DebtorTableModel,
)
from app.ui.formatting import format_money
from app.ui.widgets.list_table import list_table, select_row
from app.ui.widgets.summary_line import SummaryLine

DEBTORS = "Debtors"
OUTSTANDING = "Outstanding"
OVERDUE = "Overdue"
TOTALS = [DEBTORS, OUTSTANDING, OVERDUE, *BUCKETS]


class DebtorsView(QWidget):
    """Emits `selection_changed` when another debtor is chosen and `activated` (customer id)
    on Enter or a double-click. Reads the book when first shown and, while hidden, only
    notes that the books changed."""

    selection_changed = Signal()
    activated = Signal(int)

    def __init__(
        self,
        book: DebtBook,
        *,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
        page_size: int = PAGE_SIZE,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._book = book
        self._format = money_format
        self._stale = True

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Search by name, phone or number  (Ctrl+F)")
        self.search_edit.setClearButtonEnabled(True)
        self.overdue_only = QCheckBox("O&verdue only")
        self.model = DebtorTableModel(book, money_format=money_format, page_size=page_size)
        self.model.setParent(self)
        self.table = self._table()
        self.totals = SummaryLine(TOTALS)
        # Zero delay, as in the Customers tab: keys already queued become one search.
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(0)

        filters = QHBoxLayout()
        filters.addWidget(self.search_edit, 1)
        filters.addWidget(self.overdue_only)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)
        self._connect_signals()

    def _table(self) -> QTableView:
        table = list_table(self.model)
        header = table.horizontalHeader()
        # Room for the sort arrow, which the style otherwise draws over right-aligned titles.
        header.setStyleSheet("QHeaderView::section { padding-right: 16px; }")
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(self.model.sort_column, self.model.sort_order)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        digits = table.fontMetrics().horizontalAdvance("0")
        # Wide enough for the text and the header's sort-arrow padding, narrow enough that
        # the name keeps most of a 1200-pixel window.
        widths = {
            Column.NUMBER: 8,
            Column.PHONE: 17,
            Column.OUTSTANDING: 12,
            Column.OLDEST_DUE: 11,
            Column.OVERDUE: 11,
            Column.LAST_REMINDER: 12,
        }
        for column in Column:
            if column is not Column.NAME:
                header.resizeSection(column, digits * widths.get(column, 9) + 18)
        return table

    def _connect_signals(self) -> None:
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        self._search_timer.timeout.connect(self._on_search_timer_timeout)
        self.overdue_only.toggled.connect(self._on_overdue_only_toggled)
        self.table.horizontalHeader().sectionClicked.connect(self._on_header_section_clicked)
        self.table.activated.connect(self._on_table_activated)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.model.modelReset.connect(self._on_table_selection_changed)
        # Only while this view is showing: the Debts view has its own Ctrl+F.
        self.find_shortcut = QShortcut(QKeySequence.StandardKey.Find, self)
        self.find_shortcut.activated.connect(self._on_find_shortcut_activated)

    # ----- what is shown -------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the debtors and their totals again, keeping the selected one."""
        self._stale = False
        selected = self.selected_debtor()
        try:
            self.model.reload()
        except ServiceError as error:
            prompts.show_error(self, "The debtors cannot be read", str(error))
            return
        self._show_totals()
        if selected is not None:
            self.select_customer(selected.customer_id)

    def _show_totals(self) -> None:
        try:
            totals = self._book.totals(filter=self.model.filter, search=self.model.search_text)
        except ServiceError as error:
            prompts.show_error(self, "The debtors' totals cannot be read", str(error))
            return
        self.totals.set_value(DEBTORS, f"{totals.debtors:,}")
        self.totals.set_value(OUTSTANDING, format_money(totals.outstanding_minor, self._format))
        self.totals.set_value(OVERDUE, format_money(totals.overdue_minor, self._format))
        for bucket, minor in zip(BUCKETS, totals.ageing.buckets_minor, strict=True):
            self.totals.set_value(bucket, format_money(minor, self._format))

    def refresh_later(self) -> None:
        """The books changed: read them now if this view is seen, else when it next is."""
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def selected_debtor(self) -> DebtorRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_customer(self, customer_id: int) -> bool:
        return select_row(self.table, self.model.row_of(customer_id))

    # ----- slots ---------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _on_search_edit_text_changed(self, _text: str) -> None:
        self._search_timer.start()

    def _on_search_timer_timeout(self) -> None:
        if self.search_edit.text().strip() == self.model.search_text:
            return
        try:
            self.model.set_search(self.search_edit.text())
        except ServiceError as error:
            prompts.show_error(self, "The debtors cannot be searched", str(error))
            return
        self._show_totals()
        if self.model.search_text and self.model.rowCount():
            # The best match is ready for Enter (take payment) without the mouse.
            self.select_customer(self.model.row_at(0).customer_id)

    def _on_search_edit_return_pressed(self) -> None:
        # Typing, then Enter, then arrows: the list takes over from the search field.
        self._on_search_timer_timeout()
        self.table.setFocus()

    def _on_find_shortcut_activated(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _on_overdue_only_toggled(self, checked: bool) -> None:
        chosen = DebtorFilter.OVERDUE if checked else DebtorFilter.OWING
        try:
            self.model.set_filter(chosen)
        except ServiceError as error:
            prompts.show_error(self, "The debtors cannot be read", str(error))
            return
        self._show_totals()

    def _on_header_section_clicked(self, column: int) -> None:
        try:
            self.model.sort(column)
        except ServiceError as error:
            prompts.show_error(self, "The debtors cannot be sorted", str(error))
        # The header flips its arrow on every click; the order is the book's, so put the
        # arrow back where the rows really are.
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(self.model.sort_column, SORTS[self.model.sort_column][1])
        header.blockSignals(False)

    def _on_table_selection_changed(self, *_args: object) -> None:
        self.selection_changed.emit()

    def _on_table_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if index.isValid():
            self.activated.emit(self.model.row_at(index.row()).customer_id)
