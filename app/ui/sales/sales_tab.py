"""The Sales tab: today's takings (the till itself comes with the Sales issue)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import QWidget

from app.services.summary import SummaryService
from app.ui.app_events import AppEvents
from app.ui.formatting import format_money
from app.ui.widgets.summary_tab import SummaryTab

SALES = "Sales today"
TAKEN = "Total"
PAID = "Paid now"
ON_CREDIT = "Left on credit"


class SalesTab(SummaryTab):
    def __init__(
        self,
        summary: SummaryService,
        events: AppEvents,
        today: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            "Today's sales",
            [SALES, TAKEN, PAID, ON_CREDIT],
            [events.sale_recorded, events.database_restored],
            parent,
        )
        self._summary = summary
        self._today = today
        self.refresh()

    def refresh(self) -> None:
        day = self._today()
        sales = self._summary.sales_on(day)
        self.panel.set_value(SALES, str(sales.count))
        self.panel.set_value(TAKEN, format_money(sales.total_minor))
        self.panel.set_value(PAID, format_money(sales.paid_minor))
        self.panel.set_value(ON_CREDIT, format_money(sales.total_minor - sales.paid_minor))
        self.panel.set_note(f"{day:%A %d %B %Y}")
