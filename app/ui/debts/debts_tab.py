"""The Debts tab: the credit book — debtors, debts, payments, statements, the legacy queue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.services.customer_changes import CustomerChanges
from app.services.customer_directory import CustomerDirectory
from app.services.errors import ServiceError
from app.ui import prompts
from app.ui.app_events import AppEvents
from app.ui.debts import (
    manual_debt_dialog,
    payment_dialog,
    reverse_payment_dialog,
    statement_dialog,
)
from app.ui.debts.debt_list_view import DebtListView
from app.ui.debts.debt_services import DebtServices
from app.ui.debts.debtors_view import DebtorsView
from app.ui.debts.legacy_queue_view import LegacyBanner, LegacyQueueDialog
from app.ui.debts.reminder_dialog import ReminderDialog
from app.ui.formatting import format_money
from app.ui.widgets.summary_line import SummaryLine

OPEN = "Open debts"
OUTSTANDING = "Outstanding"
OVERDUE = "Overdue"


@dataclass(frozen=True, slots=True)
class ChosenCustomer:
    """Whom the selected row is about, in whichever view is showing."""

    customer_id: int
    label: str  # "C-00012  Amina Haddad"
    overdue: bool


class DebtsTab(QWidget):
    def __init__(
        self,
        services: DebtServices,
        customers: tuple[CustomerDirectory, CustomerChanges],
        events: AppEvents,
        today: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._customers = customers
        self._events = events
        self._today = today
        money = services.money_format

        self.panel = SummaryLine([OPEN, OUTSTANDING, OVERDUE])
        self.panel.setToolTip(
            "Every open debt, the old ones still waiting for a customer included; the line "
            "under the debtors adds up the debtors shown"
        )
        self.banner = LegacyBanner()
        self.debtors = DebtorsView(services.book, money_format=money)
        self.debts = DebtListView(services.book, customers[0], money_format=money)
        self.views = QTabWidget()
        self.views.addTab(self.debtors, "Debt&ors")
        self.views.addTab(self.debts, "D&ebts")

        self.payment_button = _button("Take &payment…", "For the selected customer, or any")
        self.add_debt_button = _button("&Add debt…", "An opening balance from the paper book")
        self.statement_button = _button("State&ment…")
        self.reverse_button = _button("&Reverse a payment…", "A payment taken by mistake")
        self.reminder_button = _button("Copy rem&inder…", "A text to send an overdue customer")
        self.show_debts_button = _button("Sho&w debts", "The selected debtor's debts one by one")

        buttons = QHBoxLayout()
        for button in (
            self.payment_button,
            self.add_debt_button,
            self.statement_button,
            self.reverse_button,
            self.reminder_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.show_debts_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        layout.addWidget(self.banner)
        layout.addWidget(self.views, 1)
        layout.addLayout(buttons)
        self._connect_signals()
        self.refresh()

    def _connect_signals(self) -> None:
        self.banner.assign_requested.connect(self._on_banner_assign_requested)
        self.views.currentChanged.connect(self._on_views_current_changed)
        self.debtors.selection_changed.connect(self._update_buttons)
        self.debts.selection_changed.connect(self._update_buttons)
        self.debtors.activated.connect(self._on_view_activated)
        self.debts.activated.connect(self._on_view_activated)
        self.payment_button.clicked.connect(self._on_payment_button_clicked)
        self.add_debt_button.clicked.connect(self._on_add_debt_button_clicked)
        self.statement_button.clicked.connect(self._on_statement_button_clicked)
        self.reverse_button.clicked.connect(self._on_reverse_button_clicked)
        self.reminder_button.clicked.connect(self._on_reminder_button_clicked)
        self.show_debts_button.clicked.connect(self._on_show_debts_button_clicked)
        events = self._events
        for changed in (
            events.sale_recorded,
            events.sale_reversed,
            events.payment_recorded,
            events.payment_reversed,
            events.debt_created,
            events.reminder_sent,
            events.customer_saved,
            events.customers_merged,
            events.database_restored,
        ):
            changed.connect(self._on_events_books_changed)

    # ----- what is shown -------------------------------------------------------------------

    def refresh(self) -> None:
        """The headline and the banner now; the lists now if they are seen, else when shown."""
        debts = self._services.summary.open_debts(self._today())
        money = self._services.money_format
        self.panel.set_value(OPEN, f"{debts.open_count:,}")
        self.panel.set_value(OUTSTANDING, format_money(debts.outstanding_minor, money))
        self.panel.set_value(
            OVERDUE, f"{debts.overdue_count:,} ({format_money(debts.overdue_minor, money)})"
        )
        self.banner.set_count(self._services.legacy_queue.waiting_count())
        self.debtors.refresh_later()
        self.debts.refresh_later()
        self._update_buttons()

    def chosen_customer(self) -> ChosenCustomer | None:
        """The customer of the selected debtor or debt, in the view that is showing."""
        if self.views.currentWidget() is self.debtors:
            debtor = self.debtors.selected_debtor()
            if debtor is None:
                return None
            return ChosenCustomer(
                debtor.customer_id, f"{debtor.number}  {debtor.name}", debtor.overdue_minor > 0
            )
        debt = self.debts.selected_debt()
        if debt is None:
            return None
        return ChosenCustomer(
            debt.customer_id,
            f"{debt.customer_number}  {debt.customer_name}",
            debt.status == "open" and debt.days_overdue > 0,
        )

    def _update_buttons(self) -> None:
        chosen = self.chosen_customer()
        self.reverse_button.setEnabled(chosen is not None)
        self.reminder_button.setEnabled(chosen is not None and chosen.overdue)
        self.reminder_button.setToolTip(
            "A text to send an overdue customer"
            if chosen is None or chosen.overdue
            else f"{chosen.label} is not overdue: nothing to remind them of"
        )
        on_debtors = self.views.currentWidget() is self.debtors
        self.show_debts_button.setVisible(on_debtors)
        self.show_debts_button.setEnabled(on_debtors and chosen is not None)

    def _customer_id(self) -> int | None:
        chosen = self.chosen_customer()
        return None if chosen is None else chosen.customer_id

    # ----- doing things --------------------------------------------------------------------

    def take_payment(self, customer_id: int | None) -> int | None:
        """The payment dialog for this customer (None: it asks); the receipt id, if taken."""
        try:
            return payment_dialog.take_payment(
                self, self._services, self._customers, self._events, customer_id
            )
        except ServiceError as error:
            prompts.show_error(self, "The payment was not taken", str(error))
            return None

    def show_debts_of(self, customer_id: int, label: str | None = None) -> None:
        """Switch to the Debts view, showing only this customer's debts."""
        self.debts.show_customer(customer_id, label)
        self.views.setCurrentWidget(self.debts)

    # ----- slots ---------------------------------------------------------------------------

    def _on_events_books_changed(self, *_what: object) -> None:
        self.refresh()

    def _on_views_current_changed(self, _index: int) -> None:
        self._update_buttons()

    def _on_view_activated(self, customer_id: int) -> None:
        self.take_payment(customer_id)

    def _on_payment_button_clicked(self) -> None:
        self.take_payment(self._customer_id())

    def _on_add_debt_button_clicked(self) -> None:
        try:
            manual_debt_dialog.add_manual_debt(
                self, self._services, self._customers, self._events, self._customer_id()
            )
        except ServiceError as error:
            prompts.show_error(self, "The debt was not added", str(error))

    def _on_statement_button_clicked(self) -> None:
        try:
            statement_dialog.show_statement(
                self, self._services, self._customers, self._customer_id(), self._today()
            )
        except ServiceError as error:
            prompts.show_error(self, "The statement cannot be shown", str(error))

    def _on_reverse_button_clicked(self) -> None:
        customer_id = self._customer_id()
        if customer_id is None:
            return
        try:
            reverse_payment_dialog.reverse_payment(self, self._services, self._events, customer_id)
        except ServiceError as error:
            prompts.show_error(self, "The payment was not reversed", str(error))

    def _on_reminder_button_clicked(self) -> None:
        customer_id = self._customer_id()
        if customer_id is None:
            return
        ReminderDialog.ask(
            self._services.reminders,
            self._events,
            customer_id,
            money_format=self._services.money_format,
            parent=self,
        )

    def _on_show_debts_button_clicked(self) -> None:
        chosen = self.chosen_customer()
        if chosen is not None:
            self.show_debts_of(chosen.customer_id, chosen.label)

    def _on_banner_assign_requested(self) -> None:
        try:
            LegacyQueueDialog.open_queue(
                self._services.legacy_queue,
                self._customers,
                self._events,
                money_format=self._services.money_format,
                parent=self,
            )
        except ServiceError as error:
            prompts.show_error(self, "The old debts cannot be shown", str(error))
        # Each assignment emitted customer_saved, which refreshed the tab and its banner.


def _button(text: str, tip: str = "") -> QPushButton:
    button = QPushButton(text)
    # Enter in a table takes a payment; no button may take it as the default.
    button.setAutoDefault(False)
    if tip:
        button.setToolTip(tip)
    return button
