"""The Sales tab: the till, the sales list with reversals and reprints, and the report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.services.checkout import Checkout
from app.services.customer_changes import CustomerChanges
from app.services.customer_directory import CustomerDirectory
from app.services.product_catalog import ProductCatalog
from app.services.receipts import ReceiptService
from app.services.sale_reversals import SaleReversals
from app.services.sales_history import SalesHistory
from app.services.sales_report import SalesReport
from app.services.summary import SummaryService
from app.ui.app_events import AppEvents
from app.ui.formatting import format_money
from app.ui.receipts.receipt_dialog import show_receipt
from app.ui.sales.report_view import SalesReportView
from app.ui.sales.sales_list import SalesListView
from app.ui.sales.till_view import TillServices, TillView
from app.ui.widgets.summary_panel import SummaryPanel

SALES = "Sales today"
TAKEN = "Total"
PAID = "Paid now"
ON_CREDIT = "Left on credit"


@dataclass(frozen=True, slots=True)
class SalesServices:
    """What the Sales tab reads and writes through; the defaults serve tests."""

    summary: SummaryService = field(default_factory=SummaryService)
    catalog: ProductCatalog = field(default_factory=ProductCatalog)
    checkout: Checkout = field(default_factory=Checkout)
    reversals: SaleReversals = field(default_factory=SaleReversals)
    receipts: ReceiptService = field(default_factory=ReceiptService)
    history: SalesHistory = field(default_factory=SalesHistory)
    report: SalesReport = field(default_factory=SalesReport)
    money_format: CurrencyFormat = DEFAULT_FORMAT


class SalesTab(QWidget):
    def __init__(
        self,
        services: SalesServices,
        customers: tuple[CustomerDirectory, CustomerChanges],
        events: AppEvents,
        open_products: Callable[[], None],
        *,
        today: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._today = today
        directory, changes = customers
        self.till = TillView(
            TillServices(services.catalog, services.checkout, directory, changes),
            events,
            self.show_receipt,
            money_format=services.money_format,
        )
        money = services.money_format
        self.sales_list = SalesListView(
            services.history,
            services.reversals,
            events,
            self.show_receipt,
            today=today,
            money_format=money,
        )
        self.report = SalesReportView(services.report, events, today=today, money_format=money)
        self.panel = SummaryPanel("Today's sales", [SALES, TAKEN, PAID, ON_CREDIT])
        self.products_button = QPushButton("Products…")
        self.products_button.clicked.connect(open_products)

        listed = QWidget()
        listed_layout = QHBoxLayout(listed)
        listed_layout.setContentsMargins(0, 0, 0, 0)
        listed_layout.addWidget(self.sales_list, 1)
        side = QVBoxLayout()
        side.addWidget(self.panel)
        side.addWidget(self.products_button)
        listed_layout.addLayout(side)

        self.views = QTabWidget()
        self.views.setDocumentMode(True)
        self.views.addTab(self.till, "Till")
        self.views.addTab(listed, "Sales and returns")
        self.views.addTab(self.report, "Report")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.views)

        for signal in (events.sale_recorded, events.sale_reversed, events.database_restored):
            signal.connect(self._on_events_books_changed)
        self.refresh()

    def show_receipt(self, sale_id: int) -> None:
        show_receipt(self, self._services.receipts, sale_id, self._services.money_format)

    def refresh(self) -> None:
        day = self._today()
        sales = self._services.summary.sales_on(day)
        money = self._services.money_format
        self.panel.set_value(SALES, str(sales.count))
        self.panel.set_value(TAKEN, format_money(sales.total_minor, money))
        self.panel.set_value(PAID, format_money(sales.paid_minor, money))
        self.panel.set_value(ON_CREDIT, format_money(sales.total_minor - sales.paid_minor, money))
        self.panel.set_note(f"{day:%A %d %B %Y}")

    def _on_events_books_changed(self, _what: object) -> None:
        self.refresh()
