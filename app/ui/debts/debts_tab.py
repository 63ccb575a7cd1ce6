"""The Debts tab: what is owed to the shop (the full credit book comes with the Debts issue)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import QWidget

from app.services.summary import SummaryService
from app.ui.app_events import AppEvents
from app.ui.formatting import format_money
from app.ui.widgets.summary_tab import SummaryTab

OPEN = "Open debts"
OUTSTANDING = "Outstanding"
OVERDUE = "Overdue"


class DebtsTab(SummaryTab):
    def __init__(
        self,
        summary: SummaryService,
        events: AppEvents,
        today: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            "Credit book",
            [OPEN, OUTSTANDING, OVERDUE],
            [
                events.sale_recorded,
                events.sale_reversed,
                events.payment_recorded,
                events.database_restored,
            ],
            parent,
        )
        self._summary = summary
        self._today = today
        self.refresh()

    def refresh(self) -> None:
        debts = self._summary.open_debts(self._today())
        self.panel.set_value(OPEN, str(debts.open_count))
        self.panel.set_value(OUTSTANDING, format_money(debts.outstanding_minor))
        self.panel.set_value(
            OVERDUE, f"{debts.overdue_count} ({format_money(debts.overdue_minor)})"
        )
