"""The till driven through its widgets: scans, a free line, a customer by phone, part paid."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from app.db.database import DukanDatabase
from app.db.tables import AuditEntry, Customer, CustomerBalance, Debt, Sale, SaleItem
from app.domain.basket import BasketLine
from app.domain.customer_form import CustomerDraft
from app.services.checkout import Checkout, CheckoutRequest
from app.services.customer_changes import CustomerChanges
from app.services.customer_directory import CustomerDirectory
from app.services.product_catalog import ProductCatalog
from app.services.receipts import ReceiptService
from app.ui import prompts
from app.ui.app_events import AppEvents
from app.ui.customers.customer_dialog import CustomerDialog
from app.ui.dates import from_qdate, to_qdate
from app.ui.sales import product_menu
from app.ui.sales.basket_model import QUANTITY_COLUMN
from app.ui.sales.credit_panel import AFTER, LIMIT, OWED, THIS_SALE
from app.ui.sales.till_view import TillServices, TillView
from tests.services.till import product
from tests.ui.conftest import PromptRecorder

TEA = "6130001000066"
OIL = "6130001000028"


@pytest.fixture
def shop(database: DukanDatabase) -> dict[str, int]:
    changes = CustomerChanges(fallback_region="DZ")
    return {
        "tea": product("Thé vert 250g", 25_000, stock=10, barcode=TEA),
        "oil": product("Huile 1L", 35_000, stock=10, barcode=OIL),
        "sugar": product("Сахар 1kg", 11_000, stock=5, barcode="4600000000012"),
        "salt": product("Sel fin", 3_000, stock=5, barcode="4600000000029"),
        "olive oil": product("Huile d'olive 500ml", 90_000),
        "amina": changes.create(
            CustomerDraft(name="Amina Benali", phone="0555 12 34 56", credit_limit="2000")
        ),
    }


@pytest.fixture
def events() -> AppEvents:
    return AppEvents()


@pytest.fixture
def shown_receipts() -> list[int]:
    return []


@pytest.fixture
def till(
    qtbot: QtBot,
    shop: dict[str, int],
    events: AppEvents,
    recorded_prompts: PromptRecorder,
    shown_receipts: list[int],
) -> TillView:
    services = TillServices(
        ProductCatalog(), Checkout(), CustomerDirectory(), CustomerChanges(fallback_region="DZ")
    )
    view = TillView(services, events, shown_receipts.append)
    qtbot.addWidget(view)
    view.resize(1300, 700)
    view.show()
    qtbot.waitExposed(view)
    return view


def scan(qtbot: QtBot, till: TillView, typed: str) -> None:
    """What a scanner does: the digits as fast keystrokes, then Enter."""
    qtbot.keyClicks(till.scan_edit, typed)
    qtbot.keyClick(till.scan_edit, Qt.Key.Key_Return)


def test_scan_free_line_customer_by_phone_part_paid_then_complete(
    qtbot: QtBot,
    till: TillView,
    shop: dict[str, int],
    *,
    events: AppEvents,
    monkeypatch: pytest.MonkeyPatch,
    shown_receipts: list[int],
) -> None:
    scan(qtbot, till, TEA)
    scan(qtbot, till, OIL)
    scan(qtbot, till, TEA)  # again: the tea line grows
    monkeypatch.setattr(
        "app.ui.sales.till_view.FreeLineDialog.exec",
        lambda dialog: _fill_free_line(dialog, "Sac — كيس", "5.00"),
    )
    qtbot.keyClick(till, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    lines = till.model.basket.lines
    assert [(line.description, line.quantity) for line in lines] == [
        ("Thé vert 250g", 2),
        ("Huile 1L", 1),
        ("Sac — كيس", 1),
    ]
    assert till.total_label.text() == "855.00"

    qtbot.keyClick(till, Qt.Key.Key_F4)
    qtbot.keyClicks(till.picker.search_edit, "0555 12")
    qtbot.keyClick(till.picker.search_edit, Qt.Key.Key_Return)
    assert till.picker.customer_id == shop["amina"]
    assert "Amina Benali" in till.picker.chosen_label.text()

    till.tendered_edit.setText("255")
    assert "Short: <b>600.00</b>" in till.change_label.text()
    assert till.credit_panel.value(LIMIT) == "2,000.00"
    assert till.credit_panel.value(OWED) == "0.00"
    assert till.credit_panel.value(THIS_SALE) == "600.00"
    assert till.credit_panel.value(AFTER) == "600.00"

    with qtbot.waitSignal(events.sale_recorded) as recorded:
        qtbot.keyClick(till, Qt.Key.Key_F9)
    sale_id = recorded.args[0]
    sale = Sale.get_by_id(sale_id)
    assert (sale.total, sale.paid, sale.customer_id) == (85_500, 25_500, shop["amina"])
    debt = Debt.get(Debt.sale == sale_id)
    assert (debt.amount, debt.customer_id) == (60_000, shop["amina"])
    assert debt.due_date == date.today() + timedelta(days=30)
    receipt = ReceiptService().receipt(sale_id)
    assert receipt.customer is not None
    assert (
        receipt.customer.previous_balance_minor,
        receipt.customer.this_sale_debt_minor,
        receipt.customer.new_balance_minor,
    ) == (0, 60_000, 60_000)
    # The till is ready for the next buyer: empty basket, walk-in, focus on the scan field.
    assert till.model.basket.is_empty() and "Walk-in" in till.picker.chosen_label.text()
    assert till.scan_edit.hasFocus()
    assert "600.00 on account" in till.last_sale_label.text()
    qtbot.keyClick(till, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert shown_receipts == [sale_id]


def _fill_free_line(dialog: object, description: str, price: str) -> int:
    dialog.description_edit.setText(description)  # type: ignore[attr-defined]
    dialog.price_edit.setText(price)  # type: ignore[attr-defined]
    dialog.accept()  # type: ignore[attr-defined]
    return int(dialog.result())  # type: ignore[attr-defined]


def test_keyboard_only_cash_sale_with_change(
    qtbot: QtBot, till: TillView, shop: dict[str, int]
) -> None:
    qtbot.keyClick(till, Qt.Key.Key_F2)
    scan(qtbot, till, f"3*{OIL}")
    assert till.model.basket.lines[0].quantity == 3
    # + and - on the basket line, Delete removes it.
    scan(qtbot, till, "4600000000029")
    till.table.setFocus()
    till.table.selectRow(1)
    qtbot.keyClick(till.table, Qt.Key.Key_Plus)
    qtbot.keyClick(till.table, Qt.Key.Key_Plus)
    assert till.model.basket.lines[1].quantity == 3
    qtbot.keyClick(till.table, Qt.Key.Key_Minus)
    assert till.model.basket.lines[1].quantity == 2
    qtbot.keyClick(till.table, Qt.Key.Key_Delete)
    assert len(till.model.basket) == 1
    qtbot.keyClicks(till.tendered_edit, "1100")
    assert "Change: <b>50.00</b>" in till.change_label.text()
    qtbot.keyClick(till, Qt.Key.Key_F12)
    sale = Sale.select().get()
    assert (sale.total, sale.paid, sale.tendered, sale.customer_id) == (
        105_000,
        105_000,
        110_000,
        None,
    )
    assert "change <b>50.00</b>" in till.last_sale_label.text()


def test_a_scanner_typing_fast_never_loses_a_key(
    qtbot: QtBot, till: TillView, shop: dict[str, int]
) -> None:
    # Forty scans as one burst of key events, queued before the till handles any of them.
    for _ in range(20):
        qtbot.keyClicks(till.scan_edit, TEA + "\r" + OIL + "\r")
    assert [(line.description, line.quantity) for line in till.model.basket.lines] == [
        ("Thé vert 250g", 20),
        ("Huile 1L", 20),
    ]
    assert till.scan_message.text() == ""


def test_walk_in_cannot_put_the_rest_on_account(
    qtbot: QtBot, till: TillView, shop: dict[str, int]
) -> None:
    scan(qtbot, till, TEA)
    till.tendered_edit.setText("100")
    qtbot.keyClick(till, Qt.Key.Key_F12)
    assert "short of the total" in till.payment_message.text()
    qtbot.keyClick(till, Qt.Key.Key_F9)
    assert "walk-in buyer pays in full" in till.payment_message.text()
    assert Sale.select().count() == 0 and len(till.model.basket) == 1


def test_unknown_barcode_name_search_and_bad_cash_are_said_next_to_the_field(
    qtbot: QtBot, till: TillView, shop: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    scan(qtbot, till, "999999999")
    assert "No product has the barcode 999999999" in till.scan_message.text()
    assert till.scan_edit.text() == "999999999"  # kept, selected, to scan again over it
    till.scan_edit.setText("сахар")  # QTest types ASCII only
    qtbot.keyClick(till.scan_edit, Qt.Key.Key_Return)  # one match: added at once
    assert till.model.basket.lines[-1].description == "Сахар 1kg"
    offered: list[str] = []

    def choose_second(_anchor: object, found: list[Any], _format: object) -> object:
        offered.extend(product.name for product in found)
        return found[1]

    monkeypatch.setattr(product_menu, "pick_product", choose_second)
    scan(qtbot, till, "huile")  # two products: the cashier picks from a menu
    assert sorted(offered) == ["Huile 1L", "Huile d'olive 500ml"]
    assert till.model.basket.lines[-1].description == offered[1]
    till.tendered_edit.setText("12,3,4")
    qtbot.keyClick(till, Qt.Key.Key_F12)
    assert till.payment_message.text().startswith("Cash tendered:")
    assert Sale.select().count() == 0


def test_over_the_limit_asks_for_a_reason_and_audits_it(
    qtbot: QtBot,
    till: TillView,
    shop: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[str] = []

    def reason(_parent: object, _title: str, label: str, _action: str) -> str:
        asked.append(label)
        return "regular, pays monthly"

    monkeypatch.setattr(prompts, "ask_text", reason)
    scan(qtbot, till, f"9*{OIL}")  # 3,150.00 against a limit of 2,000.00
    till.picker.choose(shop["amina"])
    assert till.credit_panel.warning.isVisible()
    till.complete_on_account()
    assert "beyond their limit of 2,000.00" in asked[0]
    sale = Sale.select().get()
    override = AuditEntry.get(AuditEntry.action == "credit_override")
    assert (override.entity_id, override.reason) == (sale.id, "regular, pays monthly")
    assert CustomerBalance.get_by_id(shop["amina"]).outstanding == 315_000


def test_esc_asks_before_clearing_and_completing_twice_records_once(
    qtbot: QtBot, till: TillView, shop: dict[str, int], recorded_prompts: PromptRecorder
) -> None:
    scan(qtbot, till, TEA)
    recorded_prompts.confirm_answer = False
    qtbot.keyClick(till, Qt.Key.Key_Escape)
    assert len(till.model.basket) == 1 and recorded_prompts.titles() == ["Clear the basket"]
    key = till.model.basket.key
    first = till.complete()
    assert first is not None
    # The same basket sent again (a retry after a lost answer) is that same sale.
    again = CheckoutRequest(key, [BasketLine(shop["tea"], "Thé vert 250g", 1, 25_000)])
    assert Checkout().complete(again).sale_id == first.sale_id
    assert Sale.select().count() == 1 and SaleItem.select().count() == 1
    recorded_prompts.confirm_answer = True
    scan(qtbot, till, TEA)
    qtbot.keyClick(till, Qt.Key.Key_Escape)
    assert till.model.basket.is_empty()


def test_a_due_date_the_cashier_changed_is_the_debts(
    qtbot: QtBot, till: TillView, shop: dict[str, int]
) -> None:
    # A walk-in sale shows no made-up due date.
    assert till.due_edit.text() == "once a customer is picked"
    assert not till.due_edit.isEnabled()
    scan(qtbot, till, TEA)
    till.picker.choose(shop["amina"])
    assert from_qdate(till.due_edit.date()) == date.today() + timedelta(days=30)
    till.picker.choose_walk_in()
    assert till.due_edit.text() == "once a customer is picked"
    till.picker.choose(shop["amina"])
    till.due_edit.setDate(to_qdate(date.today() + timedelta(days=5)))
    outcome = till.complete_on_account()
    assert outcome is not None
    assert Debt.get_by_id(outcome.debt_id).due_date == date.today() + timedelta(days=5)


def test_a_debt_recorded_elsewhere_updates_the_credit_panel_of_the_chosen_customer(
    qtbot: QtBot, till: TillView, shop: dict[str, int], events: AppEvents
) -> None:
    scan(qtbot, till, TEA)
    till.picker.choose(shop["amina"])
    assert till.credit_panel.value(OWED) == "0.00"
    debt = Debt.create(
        sale=None,
        amount=120_000,
        created_at=datetime(2026, 11, 1, 10, 0),
        due_date=date(2026, 12, 1),
        customer=shop["amina"],
    )
    events.debt_created.emit(debt.id)
    assert till.credit_panel.value(OWED) == "1,200.00"


def _new_customer_dialog(
    monkeypatch: pytest.MonkeyPatch, fill: Callable[[CustomerDialog], None]
) -> list[dict[str, str]]:
    """Replace the modal loop of the "New customer" dialog by `fill(dialog)`, which types and
    saves or cancels as the cashier would; returns what the form showed when it opened."""
    opened: list[dict[str, str]] = []

    def run(dialog: CustomerDialog) -> int:
        opened.append({field: dialog.edits[field].text() for field in ("name", "phone")})
        opened[-1]["title"] = dialog.windowTitle()
        fill(dialog)
        return dialog.result()

    monkeypatch.setattr(CustomerDialog, "exec", run)
    return opened


def test_new_customer_in_the_picker_creates_one_and_picks_it(
    qtbot: QtBot,
    till: TillView,
    shop: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
    events: AppEvents,
) -> None:
    def save_karim(dialog: CustomerDialog) -> None:
        dialog.edits["phone"].setText("0661 22 33 44")
        dialog.edits["credit_limit"].setText("500")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    opened = _new_customer_dialog(monkeypatch, save_karim)
    scan(qtbot, till, OIL)
    qtbot.keyClick(till, Qt.Key.Key_F4)
    qtbot.keyClicks(till.picker.search_edit, "Karim Ziani")
    qtbot.mouseClick(till.picker.new_button, Qt.MouseButton.LeftButton)

    # The form opened on what was typed; saving it picked the new customer.
    assert opened == [{"title": "New customer", "name": "Karim Ziani", "phone": ""}]
    karim = Customer.get(Customer.name == "Karim Ziani")
    assert till.picker.customer_id == karim.id
    assert "Karim Ziani" in till.picker.chosen_label.text()
    assert "+213 661 22 33 44" in till.picker.chosen_label.text()  # stored in the shop's region
    assert till.picker.search_edit.text() == ""
    assert till.credit_panel.value(LIMIT) == "500.00"
    assert till.credit_panel.value(THIS_SALE) == "350.00"
    assert till.due_edit.isEnabled()
    # The sale goes on the new customer's account.
    with qtbot.waitSignal(events.sale_recorded) as recorded:
        qtbot.keyClick(till, Qt.Key.Key_F9)
    assert Debt.get(Debt.sale == recorded.args[0]).customer_id == karim.id


def test_a_phone_typed_in_the_picker_starts_the_new_customer_and_cancel_keeps_walk_in(
    qtbot: QtBot, till: TillView, shop: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = _new_customer_dialog(
        monkeypatch,
        lambda dialog: dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click(),
    )
    qtbot.keyClick(till, Qt.Key.Key_F4)
    qtbot.keyClicks(till.picker.search_edit, "0770 11 22 33")
    qtbot.mouseClick(till.picker.new_button, Qt.MouseButton.LeftButton)

    assert [(form["name"], bool(form["phone"])) for form in opened] == [("", True)]
    assert till.picker.customer_id is None
    assert "Walk-in" in till.picker.chosen_label.text()
    assert Customer.select().count() == 1  # only Amina


@pytest.mark.parametrize(
    ("key", "modifiers"),
    [
        (Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier),
        # The Enter of the number pad, which many tills put beside the scanner.
        (Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier),
        (
            Qt.Key.Key_Enter,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.KeypadModifier,
        ),
    ],
)
def test_ctrl_enter_completes_the_sale(
    qtbot: QtBot,
    till: TillView,
    shop: dict[str, int],
    events: AppEvents,
    *,
    key: Qt.Key,
    modifiers: Qt.KeyboardModifier,
) -> None:
    scan(qtbot, till, TEA)
    qtbot.keyClicks(till.tendered_edit, "300")
    with qtbot.waitSignal(events.sale_recorded) as recorded:
        qtbot.keyClick(till.tendered_edit, key, modifiers)
    sale = Sale.get_by_id(recorded.args[0])
    assert (sale.total, sale.paid, sale.tendered) == (25_000, 25_000, 30_000)
    assert till.model.basket.is_empty()
    assert "change <b>50.00</b>" in till.last_sale_label.text()


def test_digits_typed_on_a_basket_line_set_its_quantity(
    qtbot: QtBot, till: TillView, shop: dict[str, int]
) -> None:
    scan(qtbot, till, TEA)
    scan(qtbot, till, OIL)
    till.table.setFocus()
    qtbot.keyClick(till.table, Qt.Key.Key_Up)  # from the oil (just scanned) to the tea
    assert till.table.currentIndex().row() == 0
    # Typing on the line, in whatever column the cursor is, opens its quantity.
    qtbot.keyClick(till.table, Qt.Key.Key_1)
    editor = QApplication.focusWidget()
    assert editor is not None and editor is not till.table
    qtbot.keyClick(editor, Qt.Key.Key_2)
    assert till.model.basket.lines[0].quantity == 1  # nothing changes while typing
    qtbot.keyClick(editor, Qt.Key.Key_Return)

    # Qt's delegate commits an editor closed with Enter from the event loop, not at once.
    qtbot.waitUntil(lambda: till.model.basket.lines[0].quantity == 12)
    assert [line.quantity for line in till.model.basket.lines] == [12, 1]
    assert till.model.index(0, QUANTITY_COLUMN).data() == "12"
    assert till.total_label.text() == "3,350.00"
    assert till.count_label.text() == "2 lines, 13 items"
