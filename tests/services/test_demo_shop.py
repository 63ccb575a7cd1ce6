"""The demo shop's books: valid, believable, in every ageing bucket, the same for a seed."""

from __future__ import annotations

import shutil
import sqlite3
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from app.db.checks import all_violations
from app.db.database import DukanDatabase, open_database, schema_version
from app.domain.ageing import BUCKETS, bucket_index, days_overdue
from app.services.customer_directory import CustomerDirectory
from app.services.debt_book import DebtBook, DebtStatus
from app.services.demo_shop import DEMO_SHOP_NAME, DemoShop, DemoSummary
from app.services.errors import ServiceError
from app.services.product_catalog import ProductCatalog
from app.services.receipts import ReceiptService
from app.services.shop_settings import ShopSettings
from app.services.summary import SummaryService

NOW = datetime(2026, 3, 18, 16, 45, 10)
TODAY = NOW.date()


@pytest.fixture(scope="module")
def demo_template(
    tmp_path_factory: pytest.TempPathFactory, latest_template: Path
) -> tuple[Path, DemoSummary]:
    """One demo shop for the module (a fill takes about a second); tests get a copy."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copyfile(latest_template, path)
    db = open_database(path)
    try:
        summary = DemoShop().fill(now=NOW)
    finally:
        db.close()
    return path, summary


@pytest.fixture
def database_path(tmp_path: Path, demo_template: tuple[Path, DemoSummary]) -> Path:
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template[0], path)
    return path


@pytest.fixture
def filled(database: DukanDatabase, demo_template: tuple[Path, DemoSummary]) -> DemoSummary:
    """The demo's books, open through the shared proxy."""
    return demo_template[1]


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _count(path: Path, sql: str) -> int:
    return int(str(_rows(path, sql)[0][0]))


def test_the_books_pass_every_check(filled: DemoSummary, database_path: Path) -> None:
    version = schema_version()
    conn = sqlite3.connect(database_path)
    try:
        assert all_violations(conn, version) == []
    finally:
        conn.close()
    assert filled.products >= 40
    assert filled.customers == 30
    assert filled.sales > 200
    assert filled.payments > 30
    assert filled.manual_debts > 0
    assert filled.reversals >= 2
    assert filled.reminders > 0


def test_debts_land_in_every_ageing_bucket_and_some_are_not_yet_due(filled: DemoSummary) -> None:
    book = DebtBook(today=lambda: TODAY)
    open_debts = book.debts(status=DebtStatus.OPEN, limit=10_000)
    outstanding = [0, 0, 0, 0]
    for debt in open_debts:
        outstanding[bucket_index(days_overdue(debt.due_date, TODAY))] += debt.outstanding_minor
    assert all(outstanding), dict(zip(BUCKETS, outstanding, strict=True))
    assert any(debt.due_date is not None and debt.due_date >= TODAY for debt in open_debts)
    assert book.totals().ageing.buckets_minor == tuple(outstanding)


def test_payments_are_full_and_partial(filled: DemoSummary, database_path: Path) -> None:
    paid_off = _count(database_path, "SELECT count(*) FROM debts WHERE status = 'paid'")
    part_paid = _count(
        database_path, "SELECT count(*) FROM open_debts WHERE paid > 0 AND outstanding > 0"
    )
    methods = {row[0] for row in _rows(database_path, "SELECT method FROM payment_receipts")}
    assert paid_off > 0
    assert part_paid > 0
    assert methods == {"cash", "card", "transfer"}


def test_a_void_a_refund_and_a_credit_sale_refund(filled: DemoSummary, database_path: Path) -> None:
    reversals = _rows(database_path, "SELECT kind, debt_reduced, cash_out FROM sale_reversals")
    kinds = [kind for kind, _debt, _cash in reversals]
    assert "void" in kinds
    assert "refund" in kinds
    # One refund came off what a customer owed, as a return of goods taken on account does.
    assert any(kind == "refund" and debt_reduced for kind, debt_reduced, _cash in reversals)


def test_todays_sales_are_there_and_none_is_in_the_future(
    filled: DemoSummary, database_path: Path
) -> None:
    assert SummaryService().sales_on(TODAY).count >= 4
    latest = _rows(database_path, "SELECT max(sold_at) FROM sales")[0][0]
    first = _rows(database_path, "SELECT min(sold_at) FROM sales")[0][0]
    assert str(latest) <= NOW.isoformat(sep=" ")
    assert str(first) >= (TODAY - timedelta(days=90)).isoformat()


def test_customers_in_several_scripts_with_phones_in_one_region(filled: DemoSummary) -> None:
    rows = CustomerDirectory().page(limit=100).rows
    names = [row.name for row in rows]
    scripts = {
        unicodedata.name(char).split()[0] for name in names for char in name if char.isalpha()
    }
    assert {"LATIN", "ARABIC", "CYRILLIC", "CJK"} <= scripts
    assert any("'" in name for name in names)
    phones = [row.phone for row in rows if row.phone]
    assert len(phones) > 20
    assert all(phone.startswith("+44") for phone in phones)
    assert ShopSettings().load().phone_region == "GB"


def test_some_customers_have_limits_and_terms_other_than_the_default(
    filled: DemoSummary, database_path: Path
) -> None:
    limits = {row[0] for row in _rows(database_path, "SELECT credit_limit FROM customers")}
    terms = {row[0] for row in _rows(database_path, "SELECT payment_terms FROM customers")}
    assert None in limits
    assert 0 in limits
    assert len(limits) > 3
    assert {7, 14, 30} <= terms
    archived = _count(database_path, "SELECT count(*) FROM customers WHERE is_deleted = 1")
    assert archived == 1


def test_products_have_barcodes_prices_and_stock_on_the_shelf(filled: DemoSummary) -> None:
    products = ProductCatalog().all()
    assert len(products) >= 40
    barcodes = [product.barcode for product in products if product.barcode]
    assert len(barcodes) >= 38
    for code in barcodes:
        digits = [int(digit) for digit in code]
        assert len(digits) == 13
        assert sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0, code
    assert all(50 <= product.price_minor <= 2_000 for product in products)
    assert all(product.stock >= 0 for product in products)


def test_the_receipt_header_says_it_is_the_demo(filled: DemoSummary) -> None:
    header = ReceiptService().shop_header()
    assert header.name == DEMO_SHOP_NAME
    assert header.footer is not None and "Sample data" in header.footer
    settings = ShopSettings()
    assert not settings.is_first_run()
    assert settings.load().money_format.symbol == "\u00a3"


def test_refuses_a_database_that_holds_anything(filled: DemoSummary, database_path: Path) -> None:
    before = _rows(database_path, "SELECT count(*) FROM sales")
    with pytest.raises(ServiceError, match="empty"):
        DemoShop().fill(now=NOW)
    assert _rows(database_path, "SELECT count(*) FROM sales") == before


# ----- the same seed, the same shop --------------------------------------------------------


def _fill_copy(template: Path, folder: Path, seed: int, now: datetime) -> Path:
    path = folder / f"demo-{seed}-{len(list(folder.iterdir()))}.db"
    shutil.copyfile(template, path)
    db = open_database(path)
    try:
        DemoShop().fill(now=now, seed=seed)
    finally:
        db.close()
    return path


def _books(path: Path) -> dict[str, list[tuple[object, ...]]]:
    queries = {
        "customers": "SELECT customer_number, name, phone, credit_limit FROM customers",
        "sales": "SELECT sold_at, total, paid, customer_id FROM sales",
        "items": "SELECT sale_id, product_id, quantity, unit_price FROM sale_items",
        "debts": "SELECT sale_id, customer_id, amount, due_date, status FROM debts",
        "payments": "SELECT debt_id, amount, paid_at, method FROM payment_history",
    }
    return {name: _rows(path, f"{sql} ORDER BY id") for name, sql in queries.items()}


@pytest.fixture
def copies(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "copies"
    folder.mkdir()
    yield folder


def test_the_same_seed_writes_the_same_books(latest_template: Path, copies: Path) -> None:
    first = _books(_fill_copy(latest_template, copies, 11, NOW))
    again = _books(_fill_copy(latest_template, copies, 11, NOW))
    other = _books(_fill_copy(latest_template, copies, 12, NOW))
    assert first == again
    assert first["customers"] == other["customers"]  # the same regulars …
    assert first["sales"] != other["sales"]  # … buying differently


def test_dates_follow_the_day_it_is_made(latest_template: Path, copies: Path) -> None:
    later = datetime.combine(date(2027, 1, 9), NOW.time())
    books = _books(_fill_copy(latest_template, copies, 11, later))
    newest = max(str(sold_at) for sold_at, *_rest in books["sales"])
    assert newest.startswith("2027-01-09")
