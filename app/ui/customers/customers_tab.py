"""The Customers tab: the searchable directory and everything done to customers from it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.customer_changes import CustomerChanges
from app.services.customer_csv import CustomerCsv
from app.services.customer_directory import CustomerDirectory, CustomerRow
from app.services.errors import ServiceError
from app.services.summary import SummaryService
from app.ui import prompts
from app.ui.app_events import AppEvents
from app.ui.customers.csv_files import CsvFiles
from app.ui.customers.customer_dialog import CustomerDialog
from app.ui.customers.customer_table_model import SORTS, Column, CustomerTableModel
from app.ui.customers.merge_dialog import MergeDialog
from app.ui.customers.profile_dialog import CreditBook, ProfileDialog
from app.ui.debts.debt_services import DebtServices
from app.ui.formatting import format_money
from app.ui.widgets.list_table import SelectionMode, list_table
from app.ui.widgets.summary_line import SummaryLine

CUSTOMERS = "Customers"
OWING = "Owing money"
WAITING = "Old debts without a customer"


class CustomersTab(QWidget):
    def __init__(
        self,
        summary: SummaryService,
        directory: CustomerDirectory,
        changes: CustomerChanges,
        csv: CustomerCsv,
        events: AppEvents,
        *,
        csv_folder: Path | None = None,
        debts: DebtServices | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._summary = summary
        self._directory = directory
        self._changes = changes
        self._events = events
        self._money_format = changes.money_format
        # The profile takes payments and debts through these.
        self._credit = CreditBook(debts or DebtServices(), changes, events)
        self.files = CsvFiles(csv, csv_folder or Path.home())

        self.panel = SummaryLine([CUSTOMERS, OWING, WAITING])
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Search by name, phone or number  (Ctrl+F)")
        self.search_edit.setClearButtonEnabled(True)
        self.show_archived = QCheckBox("Show arc&hived")
        self.found_label = QLabel()
        self.model = CustomerTableModel(directory, money_format=self._money_format, parent=self)
        self.table = self._table()
        # Zero delay: keystrokes already queued (a paste, a scanner) become one search, and
        # the results are painted in the frame the last key arrived in.
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(0)

        self.new_button = _button("&New", "Ctrl+N")
        self.edit_button = _button("&Edit", "Enter")
        self.profile_button = _button("&Profile")
        self.archive_button = _button("&Archive")
        self.restore_button = _button("Res&tore")
        self.merge_button = _button("&Merge", tip="Select exactly two customers (Ctrl+click)")
        self.export_button = _button("E&xport CSV…")
        self.import_button = _button("&Import CSV…")
        self._connect_signals()

        search_row = QHBoxLayout()
        search_row.addWidget(self.search_edit, 1)
        search_row.addWidget(self.found_label)
        search_row.addWidget(self.show_archived)
        buttons = QHBoxLayout()
        for button in (
            self.new_button,
            self.edit_button,
            self.profile_button,
            self.archive_button,
            self.restore_button,
            self.merge_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        layout.addLayout(search_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        self.refresh()

    def _table(self) -> QTableView:
        table = list_table(self.model, SelectionMode.ExtendedSelection)
        header = table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(self.model.sort_column, SORTS[self.model.sort_column][1])
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        digits = table.fontMetrics().horizontalAdvance("0")
        for column, width in (
            (Column.NUMBER, 12),
            (Column.PHONE, 18),
            (Column.BALANCE, 16),
            (Column.OVERDUE, 16),
            (Column.LAST_ACTIVITY, 15),
        ):
            header.resizeSection(column, digits * width + 16)
        return table

    def _connect_signals(self) -> None:
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        self._search_timer.timeout.connect(self._on_search_timer_timeout)
        self.show_archived.toggled.connect(self._on_show_archived_toggled)
        self.table.horizontalHeader().sectionClicked.connect(self._on_header_section_clicked)
        self.table.activated.connect(self._on_table_activated)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.model.modelReset.connect(self._on_model_changed)
        self.model.rowsInserted.connect(self._on_model_changed)
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.profile_button.clicked.connect(self._on_profile_button_clicked)
        self.archive_button.clicked.connect(self._on_archive_button_clicked)
        self.restore_button.clicked.connect(self._on_restore_button_clicked)
        self.merge_button.clicked.connect(self._on_merge_button_clicked)
        self.export_button.clicked.connect(self._on_export_button_clicked)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        # Window-wide, yet only while this tab is showing: Qt ignores the shortcuts of a
        # hidden widget, so the other tabs may use the same keys.
        self.find_shortcut = QShortcut(QKeySequence.StandardKey.Find, self)
        self.find_shortcut.activated.connect(self._on_find_shortcut_activated)
        self.new_shortcut = QShortcut(QKeySequence.StandardKey.New, self)
        self.new_shortcut.activated.connect(self._on_new_button_clicked)
        for changed in (
            self._events.customer_saved,
            self._events.customer_archived,
            self._events.customers_imported,
            self._events.sale_recorded,
            self._events.sale_reversed,
            self._events.payment_recorded,
            self._events.payment_reversed,
            self._events.debt_created,
            self._events.database_restored,
        ):
            changed.connect(self._on_events_books_changed)
        self._events.customers_merged.connect(self._on_events_customers_merged)

    # ----- what is shown -------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the headline numbers and the rows again, keeping the selected customers."""
        customers = self._summary.customers()
        self.panel.set_value(CUSTOMERS, str(customers.count))
        self.panel.set_value(OWING, str(customers.owing_count))
        # Debts the upgrade could not give to anyone: the payer was not typed, or the name
        # belongs to more than one customer.
        waiting = format_money(customers.waiting_minor, self._money_format)
        self.panel.set_value(WAITING, f"{customers.waiting_count} ({waiting})")
        selected = [row.id for row in self.selected_rows()]
        current = self._current_id()
        self.model.reload()
        self.select_ids(selected, current=current)

    def selected_rows(self) -> list[CustomerRow]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.row_at(row) for row in rows]

    def select_ids(self, customer_ids: list[int], *, current: int | None = None) -> None:
        """Select these customers where they are loaded; the first (or `current`) gets focus."""
        selection = self.table.selectionModel()
        selection.clearSelection()
        rows = [row for row in map(self.model.row_of, customer_ids) if row is not None]
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for row in rows:
            selection.select(self.model.index(row, 0), flags)
        focus = self.model.row_of(current) if current is not None else None
        if focus is None and rows:
            focus = rows[0]
        if focus is not None:
            selection.setCurrentIndex(
                self.model.index(focus, 0), QItemSelectionModel.SelectionFlag.NoUpdate
            )
            self.table.scrollTo(self.model.index(focus, 0))
        self._update_buttons()

    def _current_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()).id if index.isValid() else None

    def _single(self) -> CustomerRow | None:
        """The one customer an action is about: the only selected row, else none."""
        rows = self.selected_rows()
        return rows[0] if len(rows) == 1 else None

    def _update_buttons(self) -> None:
        rows = self.selected_rows()
        one = rows[0] if len(rows) == 1 else None
        self.edit_button.setEnabled(one is not None)
        self.profile_button.setEnabled(one is not None)
        self.archive_button.setEnabled(one is not None and not one.is_archived)
        self.restore_button.setEnabled(one is not None and one.is_archived)
        self.restore_button.setVisible(self.show_archived.isChecked())
        self.merge_button.setEnabled(len(rows) == 2)

    def _update_found_label(self) -> None:
        count = self.model.rowCount()
        if not self.model.search_text:
            self.found_label.clear()
        elif self.model.search_was_cut():
            self.found_label.setText(f"First {count} found; type more to narrow")
        else:
            self.found_label.setText(f"{count} found")

    # ----- doing things --------------------------------------------------------------------

    def _edit(self, customer: CustomerRow) -> None:
        try:
            saved = CustomerDialog.ask(
                self._changes, self._directory, customer_id=customer.id, parent=self
            )
        except ServiceError as error:
            prompts.show_error(self, "Customer not found", str(error))
            return
        if saved is not None:
            self._events.customer_saved.emit(saved)

    def _ask_reason(self, title: str, customer: CustomerRow, action: str) -> str | None:
        return prompts.ask_text(
            self,
            title,
            f"{action} {customer.number} {customer.name}. Why? (kept in the customer's history)",
            action,
        )

    # ----- slots ---------------------------------------------------------------------------

    def _on_events_books_changed(self, _what: object) -> None:
        self.refresh()

    def _on_events_customers_merged(self, survivor_id: int, _merged_id: int) -> None:
        self.refresh()
        self.select_ids([survivor_id])

    def _on_search_edit_text_changed(self, _text: str) -> None:
        self._search_timer.start()

    def _on_search_timer_timeout(self) -> None:
        before = [row.id for row in self.selected_rows()]
        self.model.set_search(self.search_edit.text())
        if self.model.search_text and self.model.rowCount():
            # The best match is ready for Enter (edit) without reaching for the mouse.
            self.select_ids([self.model.row_at(0).id])
        else:
            self.select_ids(before)

    def _on_search_edit_return_pressed(self) -> None:
        # Typing, then Enter, then arrows: the list takes over from the search field.
        self._on_search_timer_timeout()
        self.table.setFocus()

    def _on_find_shortcut_activated(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def _on_show_archived_toggled(self, checked: bool) -> None:
        selected = [row.id for row in self.selected_rows()]
        self.model.set_include_archived(checked)
        self.select_ids(selected)

    def _on_header_section_clicked(self, column: int) -> None:
        self.model.sort(column)
        # The header flips its arrow on every click; the order is the service's, so put the
        # arrow back where the rows really are.
        header = self.table.horizontalHeader()
        sort_column = self.model.sort_column
        header.blockSignals(True)
        header.setSortIndicator(sort_column, SORTS[sort_column][1])
        header.blockSignals(False)

    def _on_model_changed(self, *_args: object) -> None:
        self._update_found_label()
        self._update_buttons()

    def _on_table_selection_changed(self, *_args: object) -> None:
        self._update_buttons()

    def _on_table_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if index.isValid():
            self._edit(self.model.row_at(index.row()))

    def _on_new_button_clicked(self) -> None:
        saved = CustomerDialog.ask(self._changes, self._directory, parent=self)
        if saved is not None:
            self._events.customer_saved.emit(saved)
            self.search_edit.clear()
            self.select_ids([saved])

    def _on_edit_button_clicked(self) -> None:
        customer = self._single()
        if customer is not None:
            self._edit(customer)

    def _on_profile_button_clicked(self) -> None:
        customer = self._single()
        if customer is None:
            return
        try:
            ProfileDialog.show_for(
                self._directory,
                customer.id,
                self,
                credit=self._credit,
                money_format=self._money_format,
            )
        except ServiceError as error:
            prompts.show_error(self, "Customer not found", str(error))

    def _on_archive_button_clicked(self) -> None:
        customer = self._single()
        if customer is None:
            return
        reason = self._ask_reason("Archive customer", customer, "Archive")
        if reason is None:
            return
        try:
            self._changes.archive(customer.id, reason)
        except ServiceError as error:
            prompts.show_error(self, "The customer was not archived", str(error))
            return
        self._events.customer_archived.emit(customer.id)

    def _on_restore_button_clicked(self) -> None:
        customer = self._single()
        if customer is None:
            return
        reason = self._ask_reason("Restore customer", customer, "Restore")
        if reason is None:
            return
        try:
            self._changes.restore(customer.id, reason)
        except ServiceError as error:
            prompts.show_error(self, "The customer was not restored", str(error))
            return
        self._events.customer_saved.emit(customer.id)

    def _on_merge_button_clicked(self) -> None:
        rows = self.selected_rows()
        if len(rows) != 2:
            prompts.show_info(self, "Merge", "Select exactly two customers to merge.")
            return
        try:
            outcome = MergeDialog.ask(self._directory, self._changes, rows[0].id, rows[1].id, self)
        except ServiceError as error:
            prompts.show_error(self, "Customer not found", str(error))
            return
        if outcome is not None:
            self._events.customers_merged.emit(outcome.survivor_id, outcome.merged_id)

    def _on_export_button_clicked(self) -> None:
        self.files.export(self, include_archived=self.show_archived.isChecked())

    def _on_import_button_clicked(self) -> None:
        created = self.files.import_(self)
        if created:
            self._events.customers_imported.emit(len(created))


def _button(text: str, shortcut: str = "", tip: str = "") -> QPushButton:
    button = QPushButton(text)
    # Enter in the table edits the customer; no button may take it as the default.
    button.setAutoDefault(False)
    hint = " ".join(part for part in (tip, f"({shortcut})" if shortcut else "") if part)
    if hint:
        button.setToolTip(hint)
    return button
