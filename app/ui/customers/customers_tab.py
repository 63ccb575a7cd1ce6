"""The Customers tab: how many customers the shop has, who owes, and what waits for one."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.services.summary import SummaryService
from app.ui.app_events import AppEvents
from app.ui.formatting import format_money
from app.ui.widgets.summary_tab import SummaryTab

CUSTOMERS = "Customers"
OWING = "Owing money"
WAITING = "Old debts without a customer"


class CustomersTab(SummaryTab):
    def __init__(
        self, summary: SummaryService, events: AppEvents, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            "Customers",
            [CUSTOMERS, OWING, WAITING],
            [
                events.customer_saved,
                events.sale_recorded,
                events.payment_recorded,
                events.database_restored,
            ],
            parent,
        )
        self._summary = summary
        self.refresh()

    def refresh(self) -> None:
        customers = self._summary.customers()
        self.panel.set_value(CUSTOMERS, str(customers.count))
        self.panel.set_value(OWING, str(customers.owing_count))
        # Debts the upgrade could not give to anyone: the payer was not typed, or the name
        # belongs to more than one customer.
        self.panel.set_value(
            WAITING,
            f"{customers.waiting_count} ({format_money(customers.waiting_minor)})",
        )
