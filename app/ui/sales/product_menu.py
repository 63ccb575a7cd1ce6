"""The products a name search found, offered as a keyboard-friendly menu under the scan field."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.services.product_catalog import ProductRecord
from app.ui.formatting import format_money


def pick_product(
    anchor: QWidget,
    found: Sequence[ProductRecord],
    money_format: CurrencyFormat = DEFAULT_FORMAT,
) -> ProductRecord | None:
    """The product the cashier chose (arrows and Enter, or the mouse); None on Esc."""
    menu = QMenu(anchor)
    for product in found:
        price = format_money(product.price_minor, money_format)
        text = f"{product.name}\t{price}   ({product.stock} in stock)"
        menu.addAction(text).setData(product.id)
    menu.setActiveAction(menu.actions()[0])
    # None when the cashier pressed Esc, whatever the stubs say.
    chosen: QAction | None = menu.exec(anchor.mapToGlobal(QPoint(0, anchor.height())))
    menu.deleteLater()
    if chosen is None:
        return None
    return next(product for product in found if product.id == chosen.data())
