"""The catalogue typed at the till (free line, cash tendered, a basket line's quantity, the
customer search) and into a refund or a void: kept exactly, or refused with a message."""

from __future__ import annotations

import contextlib
from functools import partial

import pytest
from PySide6.QtCore import QEvent, QModelIndex, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QDialogButtonBox, QWidget
from pytestqt.qtbot import QtBot

from app.db.database import DukanDatabase
from app.db.tables import Sale, SaleItem, SaleReversal
from app.domain.basket import MAX_QUANTITY, BasketError, tidy_description
from app.domain.customer_form import CustomerDraft
from app.domain.money import Money, MoneyParseError
from app.domain.reasons import ReasonError, tidy_reason
from app.services.checkout import Checkout
from app.services.customer_changes import CustomerChanges
from app.services.customer_directory import CustomerDirectory
from app.services.product_catalog import ProductCatalog
from app.services.sale_reversals import SaleReversals
from app.services.sales_history import SalesHistory
from app.ui.app_events import AppEvents
from app.ui.sales.basket_model import QUANTITY_COLUMN
from app.ui.sales.free_line_dialog import FreeLineDialog
from app.ui.sales.refund_dialog import RefundDialog
from app.ui.sales.sale_dialog import SaleDialog
from app.ui.sales.till_view import TillServices, TillView
from tests.reliability.bad_input_form_support import (
    Tally,
    reason_to_store,
    shown_text,
    submitted,
    uncut,
    unwritten,
)
from tests.reliability.bad_input_support import (
    PromptsSeen,
    as_qt_holds,
    book_digest,
    expected_minor,
    nothing_raised,
    prompts_seen_fixture,  # noqa: F401 - a fixture
    shop_database_fixture,  # noqa: F401 - a fixture
)
from tests.reliability.bad_inputs import AMOUNTS, NAMES, NUMBERS, PHONES, QUANTITIES
from tests.services.till import line, product, sell

BAG_PRICE = 100  # 1.00: the basket every tendered amount is tried against


def type_keys(widget: QWidget, text: str) -> None:
    """Key presses carrying each character, as a keyboard layout or an input method sends
    them (QTest.keyClicks aborts on anything but ASCII)."""
    for char in text:
        key = ord(char.upper()) if char.isascii() and char.isprintable() else 0
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char)
            )


def press_ok(dialog: QWidget) -> None:
    buttons = dialog.findChild(QDialogButtonBox)
    assert isinstance(buttons, QDialogButtonBox)
    buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def added(dialog: FreeLineDialog) -> tuple[str, int, int] | None:
    return dialog.line


@pytest.fixture
def changes(shop_database: DukanDatabase) -> CustomerChanges:
    return CustomerChanges(fallback_region="DZ")


@pytest.fixture
def till(
    qtbot: QtBot, shop_database: DukanDatabase, changes: CustomerChanges, prompts_seen: PromptsSeen
) -> TillView:
    services = TillServices(ProductCatalog(), Checkout(), CustomerDirectory(), changes)
    view = TillView(services, AppEvents(), lambda _sale: None)
    qtbot.addWidget(view)
    return view


# ----- the free line --------------------------------------------------------------------------


def test_a_free_line_keeps_its_description_and_price_exactly_or_says_why_by_them(
    qtbot: QtBot, shop_database: DukanDatabase, prompts_seen: PromptsSeen
) -> None:
    conn = shop_database.sqlite_connection()
    dialog = FreeLineDialog()
    qtbot.addWidget(dialog)
    tally = Tally()
    for field, hostiles in (("description", NAMES), ("price", AMOUNTS)):
        for hostile in hostiles:
            what = f"free line {field} = {hostile.label}"
            dialog.description_edit.setText("Sac")
            dialog.price_edit.setText("1.00")
            edit = dialog.description_edit if field == "description" else dialog.price_edit
            edit.setText(hostile.text)
            held = edit.text()
            dialog.line = None

            def add(dialog: FreeLineDialog = dialog) -> bool:
                press_ok(dialog)
                return dialog.line is not None

            accepted = submitted(qtbot, conn, what, add, partial(dialog.errors.message, field))
            tally.add(what, accepted)
            try:
                expected = (
                    (tidy_description(held), BAG_PRICE, 1)
                    if field == "description"
                    else ("Sac", Money.parse(held).minor, 1)
                )
            except (BasketError, MoneyParseError):
                assert not accepted, f"{what}: added, yet refused by its checker"
                continue
            assert added(dialog) == expected, what
            assert held == uncut(hostile.text), f"{what}: cut to {len(held)} and added"
    assert len(tally.accepted) > 20 and len(tally.refused) > 60, tally
    # A quantity is a spin box: whatever is typed, it holds a count the basket takes.
    for hostile in QUANTITIES:
        if len(hostile.text) > 40:
            continue
        dialog.quantity_spin.setValue(7)
        dialog.quantity_spin.lineEdit().selectAll()
        with nothing_raised(qtbot, f"free line quantity = {hostile.label}"):
            type_keys(dialog.quantity_spin.lineEdit(), hostile.text)
            dialog.quantity_spin.interpretText()
        assert 1 <= dialog.quantity_spin.value() <= MAX_QUANTITY
    assert not prompts_seen.shown


def test_free_lines_that_were_accepted_are_sold_as_typed(
    qtbot: QtBot,
    till: TillView,
    shop_database: DukanDatabase,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    typed_now: list[str] = []

    def fill(dialog: FreeLineDialog) -> int:
        dialog.description_edit.setText(typed_now[-1])
        dialog.price_edit.setText("1.00")
        press_ok(dialog)
        return int(dialog.result())

    monkeypatch.setattr(FreeLineDialog, "exec", fill)
    expected: list[str] = []
    for hostile in NAMES:
        typed_now.append(hostile.text)
        with nothing_raised(qtbot, f"till free line = {hostile.label}"):
            till.add_free_line()
        with contextlib.suppress(BasketError):
            expected.append(tidy_description(uncut(hostile.text)))
    assert [basket.description for basket in till.model.basket.lines] == expected
    outcome = till.complete()
    assert outcome is not None
    sold = SaleItem.select().where(SaleItem.sale == outcome.sale_id).order_by(SaleItem.id)
    assert [item.description for item in sold] == expected


# ----- cash tendered, quantities and the customer search -------------------------------------


def test_cash_tendered_is_read_exactly_or_refused_with_a_message_by_it(
    qtbot: QtBot, till: TillView, shop_database: DukanDatabase, prompts_seen: PromptsSeen
) -> None:
    conn = shop_database.sqlite_connection()
    tally = Tally()
    for hostile in AMOUNTS:
        what = f"tendered = {hostile.label}"
        if till.basket_is_empty():
            till.model.add_free("Sac", BAG_PRICE)
        till.tendered_edit.setText(hostile.text)
        held = till.tendered_edit.text()
        sales_before = Sale.select().count()
        accepted = submitted(
            qtbot,
            conn,
            what,
            lambda: till.complete() is not None,
            partial(shown_text, till.payment_message),
        )
        tally.add(what, accepted)
        typed = expected_minor(held)
        if not held.strip():
            # Blank is the exact amount, as the placeholder says.
            assert accepted and till.last_sale is not None
            assert till.last_sale.tendered_minor in (0, BAG_PRICE), what
            continue
        if typed is None or typed < BAG_PRICE:
            # Unreadable, or short of the total for a walk-in buyer who cannot owe the rest.
            assert not accepted, f"{what}: a sale was recorded"
            continue
        assert accepted, f"{what}: {shown_text(till.payment_message)}"
        assert Sale.select().count() == sales_before + 1
        sale = Sale.get_by_id(till.last_sale.sale_id) if till.last_sale else None
        assert sale is not None and (sale.paid, sale.tendered) == (BAG_PRICE, typed), what
        assert till.last_sale is not None and till.last_sale.change_minor == typed - BAG_PRICE
    assert len(tally.accepted) >= 8 and len(tally.refused) > 60, tally
    assert not prompts_seen.shown


def test_a_quantity_typed_into_a_basket_line_is_taken_or_refused_in_words(
    qtbot: QtBot, till: TillView, shop_database: DukanDatabase
) -> None:
    conn = shop_database.sqlite_connection()
    till.model.add_free("Sac", BAG_PRICE)
    for hostile in QUANTITIES:
        what = f"basket quantity = {hostile.label}"
        till.model.set_quantity(0, 3)
        till.scan_message.clear()
        index = till.model.index(0, QUANTITY_COLUMN)

        def edit(index: QModelIndex = index, typed: str = hostile.text) -> None:
            till.model.setData(index, typed)

        unwritten(qtbot, conn, what, edit)
        text = hostile.text.strip()
        digits = text.lstrip("0") or "0"
        whole = text.isascii() and text.isdigit() and len(digits) <= 6
        count = int(digits) if whole else None
        quantity = till.model.basket.lines[0].quantity
        if count is not None and 1 <= count <= MAX_QUANTITY:
            assert quantity == count, what
        else:
            assert quantity == 3, f"{what}: the line now has {quantity}"
            assert till.scan_message.text().strip(), f"{what}: refused without a word"
    # Digits typed on the line open its quantity, as the cashier does it.
    till.show()
    typings = {"12": 12, "0": 3, "99999": 3, "10000": 10_000, "1١٢": 1, "5x": 5, "7😀": 7}
    for typed, expected in typings.items():
        till.model.set_quantity(0, 3)
        with nothing_raised(qtbot, f"typed quantity {typed!r}"):
            till.table.setCurrentIndex(till.model.index(0, 1))
            type_keys(till.table, typed[0])
            # Closed editors linger hidden until deleted: the open one is the visible one.
            (editor,) = (
                found
                for found in till.table.viewport().findChildren(QAbstractSpinBox)
                if found.isVisible()
            )
            type_keys(editor, typed[1:])
            qtbot.keyClick(editor, Qt.Key.Key_Return)
            # The delegate commits what Enter confirmed by a queued call.
            QApplication.processEvents()
        assert till.model.basket.lines[0].quantity == expected, typed


def test_the_customer_search_at_the_till_takes_any_text_and_writes_nothing(
    qtbot: QtBot, till: TillView, shop_database: DukanDatabase, changes: CustomerChanges
) -> None:
    conn = shop_database.sqlite_connection()
    amina = changes.create(CustomerDraft(name="Amina Benali", phone="0555 12 34 56"))
    changes.create(CustomerDraft(name="ХАСАН"))
    search = till.picker.search_edit
    found = 0
    for hostile in NAMES + PHONES + NUMBERS:
        what = f"till customer search = {hostile.label}"
        till.picker.choose_walk_in()

        def look(typed: str = hostile.text) -> None:
            search.selectAll()
            search.insert(typed)  # as typed or pasted: textEdited runs the search
            qtbot.keyClick(search, Qt.Key.Key_Return)

        unwritten(qtbot, conn, what, look)
        found += till.picker.customer_id is not None
        if hostile.label == "already-used-other-format":
            assert till.picker.customer_id == amina
    assert found >= 4


# ----- refund and void ------------------------------------------------------------------------


def sold_to_walk_in(quantity: int) -> int:
    tea = product("Thé vert", 2_500, stock=quantity)
    return sell([line(tea, "Thé vert", quantity, 2_500)], key=f"refund-{tea}").sale_id


def test_a_refund_reason_is_kept_tidy_or_refused_by_its_field(
    qtbot: QtBot, shop_database: DukanDatabase, prompts_seen: PromptsSeen
) -> None:
    conn = shop_database.sqlite_connection()
    sale_id = sold_to_walk_in(len(NAMES))
    history, reversals = SalesHistory(), SaleReversals()
    tally = Tally()
    for hostile in NAMES:
        what = f"refund reason = {hostile.label}"
        dialog = RefundDialog(history.detail(sale_id))
        qtbot.addWidget(dialog)
        (spin,) = dialog.spins.values()
        spin.setValue(1)
        dialog.reason_edit.setText(hostile.text)
        held = dialog.reason_edit.text()

        def refund(dialog: RefundDialog = dialog) -> bool:
            press_ok(dialog)
            if dialog.request is None:
                return False
            reversals.refund(sale_id, dialog.request.quantities, dialog.request.reason)
            return True

        accepted = submitted(qtbot, conn, what, refund, partial(shown_text, dialog.reason_error))
        tally.add(what, accepted)
        expected = reason_to_store(what, accepted, held, hostile.text, "refunded")
        if expected is None:
            continue
        stored = SaleReversal.select().order_by(SaleReversal.id.desc()).get()
        assert (stored.kind, stored.reason) == ("refund", expected), what
    # Nothing chosen to bring back is said by the lines, whatever the reason.
    dialog = RefundDialog(history.detail(sale_id))
    qtbot.addWidget(dialog)
    dialog.reason_edit.setText("Broken")
    before = book_digest(conn)
    press_ok(dialog)
    assert dialog.request is None and shown_text(dialog.lines_error)
    assert book_digest(conn) == before
    assert len(tally.accepted) > 10 and len(tally.refused) > 10, tally
    assert not prompts_seen.shown


def test_a_void_reason_is_kept_tidy_or_refused_in_a_message_box(
    qtbot: QtBot, shop_database: DukanDatabase, prompts_seen: PromptsSeen
) -> None:
    """The void asks for its reason in an input dialog, so a refusal is said in a message
    box rather than by a field (the brief allows it)."""
    conn = shop_database.sqlite_connection()
    history, reversals = SalesHistory(), SaleReversals()
    sale_id = sold_to_walk_in(1)
    for hostile in NAMES:
        what = f"void reason = {hostile.label}"
        dialog = SaleDialog(
            history.detail(sale_id), history, reversals, AppEvents(), lambda _sale: None
        )
        qtbot.addWidget(dialog)
        prompts_seen.typed = hostile.text
        prompts_seen.shown.clear()

        def void(dialog: SaleDialog = dialog, sale_id: int = sale_id) -> bool:
            dialog.void_button.click()
            return bool(SaleReversal.select().where(SaleReversal.sale == sale_id).exists())

        def box() -> str:
            return "\n".join(text for kind, _title, text in prompts_seen.shown if kind == "error")

        accepted = submitted(qtbot, conn, what, void, box)
        try:
            # What the input dialog hands back, as prompts.ask_text does.
            expected = tidy_reason(as_qt_holds(hostile.text).strip())
        except ReasonError:
            assert not accepted, f"{what}: voided, yet its checker refuses the reason"
            continue
        assert accepted, what
        stored = SaleReversal.get(SaleReversal.sale == sale_id)
        assert (stored.kind, stored.reason) == ("void", expected), what
        sale_id = sold_to_walk_in(1)
