"""The till window completing one walk-in sale, for a test that kills it at a crash point.

    python -m tests.reliability.kill_till DB

Prints `shown sale N` once the window has been told of the sale (the sales list's signal and
the till's own "last sale"): with `checkout.after_commit` chosen it never gets that far.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from app.db.database import open_database
from app.services.checkout import Checkout
from app.services.customer_changes import CustomerChanges
from app.services.customer_directory import CustomerDirectory
from app.services.product_catalog import ProductCatalog
from app.ui.app_events import AppEvents
from app.ui.sales.till_view import TillServices, TillView
from tests.reliability.kill_writer import SETUP_PRODUCTS

# What the basket holds: two of the first product, one of the second, and a free line.
FREE_LINE = ("Carrier bag", 300, 1)


def main(database_path: Path) -> None:
    app = QApplication([])
    database = open_database(database_path)
    catalog = ProductCatalog()
    events = AppEvents()
    events.sale_recorded.connect(lambda sale_id: announce(f"shown sale {sale_id} in the list"))
    services = TillServices(catalog, Checkout(), CustomerDirectory(), CustomerChanges())
    till = TillView(services, events, lambda sale_id: None)
    till.show()
    app.processEvents()
    for (name, _price), quantity in zip(SETUP_PRODUCTS[:2], (2, 1), strict=True):
        product = catalog.search(name)[0]
        till.model.add_product(product.id, product.name, product.price_minor, quantity)
    till.model.add_free(*FREE_LINE)
    outcome = till.complete()
    if outcome is not None:
        announce(f"shown sale {outcome.sale_id} at the till")
    till.close()
    database.close()


def announce(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
