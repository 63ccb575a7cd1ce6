"""Old debts the upgrade could not give to anyone: the banner that counts them, and the
dialog that gives them to real customers, one or several at a time."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.services.customer_changes import CustomerChanges
from app.services.customer_directory import CustomerDirectory
from app.services.errors import ServiceError
from app.services.legacy_queue import PAGE_SIZE, LegacyQueue, UnassignedDebt
from app.ui import prompts
from app.ui.app_events import AppEvents
from app.ui.debts.unassigned_model import Column, UnassignedModel
from app.ui.sales.customer_picker import CustomerPicker
from app.ui.widgets.list_table import SelectionMode, list_table

NOBODY = "<b>No customer chosen</b>"


def waiting_text(count: int) -> str:
    debts = "old debt needs" if count == 1 else "old debts need"
    return f"{count:,} {debts} a customer"


class LegacyBanner(QFrame):
    """Shown only while the placeholder holds debts; `assign_requested` opens the queue."""

    assign_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("legacyBanner")
        self.setStyleSheet(
            "QFrame#legacyBanner { background: #fff4ce; border: 1px solid #e0c46c;"
            " border-radius: 4px; }"
        )
        self.label = QLabel()
        self.label.setStyleSheet("font-weight: bold;")
        self.assign_button = QPushButton("Assi&gn…")
        self.assign_button.setAutoDefault(False)
        self.assign_button.setToolTip(
            "Give the old debts whose payer was not recorded to customers"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.assign_button)
        self.assign_button.clicked.connect(self.assign_requested)
        self.hide()

    def set_count(self, count: int) -> None:
        self.label.setText(waiting_text(count))
        self.setVisible(count > 0)


class LegacyQueueDialog(QDialog):
    """Select debts, pick or create a customer, Assign. A sale's debts move together."""

    def __init__(
        self,
        queue: LegacyQueue,
        customers: tuple[CustomerDirectory, CustomerChanges],
        events: AppEvents,
        *,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
        page_size: int = PAGE_SIZE,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Old debts that need a customer")
        self.resize(900, 560)
        self._queue = queue
        self._events = events
        self.assigned: list[int] = []  # debt ids given to customers while the dialog was open

        directory, changes = customers
        self.count_label = QLabel()
        self.count_label.setStyleSheet("font-weight: bold;")
        explanation = QLabel(
            "These debts come from before customers were recorded, and the payer typed at the "
            "till did not say who it was. Select one or several (Ctrl+click, Shift+click), "
            "choose the customer below, and press Assign. The debts of one sale move together, "
            "with their payments."
        )
        explanation.setWordWrap(True)
        self.model = UnassignedModel(queue, money_format=money_format, page_size=page_size)
        self.model.setParent(self)
        self.table = self._table()
        self.picker = CustomerPicker(directory, changes)
        # "Walk-in" means nothing here: a debt always goes to a customer.
        self.picker.walk_in_button.hide()
        self.picker.chosen_label.setText(NOBODY)
        self.picker.search_edit.setPlaceholderText("Name, phone or number")
        self.assign_button = QPushButton("&Assign")
        self.assign_button.setAutoDefault(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.assign_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        give_to = QLabel("Give the selected debts to:")
        layout = QVBoxLayout(self)
        layout.addWidget(self.count_label)
        layout.addWidget(explanation)
        layout.addWidget(self.table, 1)
        layout.addWidget(give_to)
        layout.addWidget(self.picker)
        layout.addWidget(buttons)

        self.picker.picked.connect(self._on_picker_picked)
        self.assign_button.clicked.connect(self._on_assign_button_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.model.modelReset.connect(self._on_table_selection_changed)
        self.refresh()

    def _table(self) -> QTableView:
        table = list_table(self.model, SelectionMode.ExtendedSelection)
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        digits = table.fontMetrics().horizontalAdvance("0")
        for column, width in (
            (Column.SALE, 9),
            (Column.SOLD, 17),
            (Column.PHONE, 16),
            (Column.AMOUNT, 13),
            (Column.OUTSTANDING, 13),
            (Column.DUE_DATE, 11),
        ):
            header.resizeSection(column, digits * width + 16)
        return table

    @classmethod
    def open_queue(
        cls,
        queue: LegacyQueue,
        customers: tuple[CustomerDirectory, CustomerChanges],
        events: AppEvents,
        *,
        money_format: CurrencyFormat = DEFAULT_FORMAT,
        parent: QWidget | None = None,
    ) -> list[int]:
        """Show the queue until the operator closes it; the debt ids assigned meanwhile."""
        dialog = cls(queue, customers, events, money_format=money_format, parent=parent)
        dialog.exec()
        dialog.deleteLater()
        return dialog.assigned

    # ----- what is shown -------------------------------------------------------------------

    def refresh(self) -> None:
        try:
            self.model.reload()
            count = self._queue.waiting_count()
        except ServiceError as error:
            prompts.show_error(self, "The old debts cannot be read", str(error))
            return
        self.count_label.setText(
            waiting_text(count) if count else "Every old debt now belongs to a customer."
        )

    def selected_debts(self) -> list[UnassignedDebt]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.row_at(row) for row in rows]

    def _update_buttons(self) -> None:
        chosen = self.picker.customer_id is not None
        self.assign_button.setEnabled(chosen and bool(self.selected_debts()))

    # ----- doing things --------------------------------------------------------------------

    def assign_selected(self) -> list[int]:
        """Give every selected debt to the chosen customer; the debt ids that moved."""
        customer_id = self.picker.customer_id
        debts = self.selected_debts()
        if customer_id is None or not debts:
            return []
        moved: list[int] = []
        refused: list[str] = []
        for debt in debts:
            if debt.debt_id in moved:
                continue  # went with an earlier debt of the same sale
            try:
                assignment = self._queue.assign(debt.debt_id, customer_id)
            except ServiceError as error:
                refused.append(str(error))
                continue
            moved.extend(assignment.debt_ids)
        self.assigned.extend(moved)
        self.refresh()
        if moved:
            # Balances and the list of debtors changed: every tab reads them again.
            self._events.customer_saved.emit(customer_id)
        if refused:
            prompts.show_error(
                self,
                "Some debts were not assigned",
                f"{len(moved)} debts were assigned; {len(refused)} were not:\n"
                + "\n".join(refused),
            )
        return moved

    # ----- slots ---------------------------------------------------------------------------

    def _on_picker_picked(self, _customer_id: object) -> None:
        self._update_buttons()

    def _on_table_selection_changed(self, *_args: object) -> None:
        self._update_buttons()

    def _on_assign_button_clicked(self) -> None:
        self.assign_selected()
