"""The product catalogue against real migrated files: lookups, search, audited adds and edits."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from app.db.checks import all_violations
from app.db.database import DukanDatabase, open_database, schema_version
from app.domain.product_form import ProductDraft, ValidationError
from app.services.errors import ServiceError
from app.services.product_catalog import ProductCatalog, ProductRecord

NOW = datetime(2026, 5, 1, 9, 30, 15, 123456)


@pytest.fixture
def catalog(database: DukanDatabase) -> ProductCatalog:
    return ProductCatalog(now=lambda: NOW)


def draft(
    name: str, barcode: str = "", price: str = "1.00", stock: str = "0", active: bool = True
) -> ProductDraft:
    return ProductDraft(barcode=barcode, name=name, price=price, stock=stock, active=active)


def moves(db: DukanDatabase, product_id: int) -> list[tuple[int, str, str, str | None]]:
    return (
        db.sqlite_connection()
        .execute(
            "SELECT quantity, kind, moved_at, note FROM stock_moves "
            "WHERE product_id = ? ORDER BY id",
            (product_id,),
        )
        .fetchall()
    )


def audit_rows(db: DukanDatabase, product_id: int) -> list[tuple[str, object, object, object]]:
    rows = db.sqlite_connection().execute(
        "SELECT action, before_json, after_json, reason FROM audit_log "
        "WHERE entity = 'product' AND entity_id = ? ORDER BY id",
        (product_id,),
    )
    return [
        (action, before and json.loads(before), after and json.loads(after), reason)
        for action, before, after, reason in rows
    ]


def stored_stock(db: DukanDatabase, product_id: int) -> int:
    found = (
        db.sqlite_connection()
        .execute("SELECT stock FROM products WHERE id = ?", (product_id,))
        .fetchone()
    )
    return int(found[0])


def assert_books_clean(db: DukanDatabase) -> None:
    assert all_violations(db.sqlite_connection(), schema_version()) == []


# ----- create ------------------------------------------------------------------------------


def test_a_new_product_is_stored_with_its_stock_as_a_count_and_audited(
    database: DukanDatabase, catalog: ProductCatalog
) -> None:
    product_id = catalog.create(draft(" Coca-Cola 1.5L ", " 5901234123457 ", "1.50", "12"))
    assert catalog.get(product_id) == ProductRecord(
        product_id, "5901234123457", "Coca-Cola 1.5L", 150, 12, True
    )
    assert moves(database, product_id) == [
        (12, "count", "2026-05-01 09:30:15", "counted 12, was 0")
    ]
    snapshot = {
        "barcode": "5901234123457",
        "name": "Coca-Cola 1.5L",
        "price": 150,
        "stock": 12,
        "active": True,
    }
    assert audit_rows(database, product_id) == [("insert", None, snapshot, None)]
    assert_books_clean(database)


def test_a_new_product_without_stock_has_no_stock_move(
    database: DukanDatabase, catalog: ProductCatalog
) -> None:
    product_id = catalog.create(draft("Carrier bag", price="0"))
    assert catalog.get(product_id).price_minor == 0
    assert moves(database, product_id) == []
    assert_books_clean(database)


def test_a_refused_product_writes_nothing(database: DukanDatabase, catalog: ProductCatalog) -> None:
    conn = database.sqlite_connection()
    with pytest.raises(ValidationError) as refused:
        catalog.create(draft("Tea\x00", barcode="1 2", price="nan", stock="1e3"))
    assert sorted(refused.value.errors) == ["barcode", "name", "price", "stock"]
    for table in ("products", "stock_moves", "audit_log"):
        assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0


def test_a_barcode_belongs_to_one_product(database: DukanDatabase, catalog: ProductCatalog) -> None:
    first = catalog.create(draft("Milk", barcode="111"))
    retired = catalog.create(draft("Old milk", barcode="222", active=False))
    with pytest.raises(ValidationError) as refused:
        catalog.create(draft("Milk again", barcode=" 111 ", price="-1"))
    assert refused.value.errors == {
        "barcode": "Already the barcode of Milk.",
        "price": "Amount cannot be negative.",
    }
    with pytest.raises(ValidationError) as refused:
        catalog.update(first, draft("Milk", barcode="222"))
    assert refused.value.errors == {"barcode": "Already the barcode of Old milk (inactive)."}
    # Its own barcode is no conflict, and products without a barcode are many.
    assert catalog.update(first, draft("Milk 1L", barcode="111"))
    catalog.create(draft("Loose apples"))
    catalog.create(draft("Loose pears"))
    assert catalog.get(retired).barcode == "222"
    assert_books_clean(database)


# ----- update ------------------------------------------------------------------------------


def test_an_edit_of_the_stock_is_a_count_of_the_difference(
    database: DukanDatabase, catalog: ProductCatalog
) -> None:
    product_id = catalog.create(draft("Sugar 1kg", "333", "2.00", "9"))
    assert catalog.update(product_id, draft("Sugar 1kg", "333", "2.25", "12"), reason="shelf")
    assert catalog.get(product_id) == ProductRecord(product_id, "333", "Sugar 1kg", 225, 12, True)
    assert moves(database, product_id)[1:] == [
        (3, "count", "2026-05-01 09:30:15", "counted 12, was 9")
    ]
    action, before, after, reason = audit_rows(database, product_id)[1]
    assert (action, reason) == ("update", "shelf")
    assert isinstance(before, dict) and isinstance(after, dict)
    assert (before["price"], before["stock"], after["price"], after["stock"]) == (200, 9, 225, 12)

    assert catalog.update(product_id, draft("Sugar 1kg", "333", "2.25", "-2"))
    assert moves(database, product_id)[-1][:2] == (-14, "count")
    assert stored_stock(database, product_id) == -2
    assert_books_clean(database)


def test_an_edit_that_changes_nothing_writes_nothing(
    database: DukanDatabase, catalog: ProductCatalog
) -> None:
    product_id = catalog.create(draft("Rice", "444", "3", "5"))
    assert not catalog.update(product_id, draft(" Rice ", "444 ", "3.00", "05"))
    assert len(audit_rows(database, product_id)) == 1
    assert len(moves(database, product_id)) == 1


def test_a_sale_made_while_the_form_was_open_is_not_undone(
    database: DukanDatabase, catalog: ProductCatalog
) -> None:
    product_id = catalog.create(draft("Tea", "555", "1.00", "10"))
    sell(database, product_id, 3)
    # The form opened at 10 and still says 10: only the price was edited.
    assert catalog.update(product_id, draft("Tea", "555", "1.20", "10"), stock_shown=10)
    assert catalog.get(product_id).stock == 7
    # A count typed in the form is the truth, whatever sold meanwhile.
    assert catalog.update(product_id, draft("Tea", "555", "1.20", "8"), stock_shown=10)
    assert catalog.get(product_id).stock == 8
    assert_books_clean(database)


def test_deactivating_keeps_the_product_for_its_sale_lines(
    database: DukanDatabase, catalog: ProductCatalog
) -> None:
    product_id = catalog.create(draft("Batteries", "666", "4.00", "2"))
    assert catalog.update(product_id, draft("Batteries", "666", "4.00", "2", active=False))
    assert catalog.by_barcode("666") is None
    assert catalog.search("batt") == []
    assert [p.id for p in catalog.search("batt", include_inactive=True)] == [product_id]
    assert catalog.get(product_id).active is False
    assert [p.name for p in catalog.all()] == ["Batteries"]
    assert catalog.all(include_inactive=False) == []


def test_editing_a_missing_product_is_refused(catalog: ProductCatalog) -> None:
    with pytest.raises(ServiceError, match="no product with id 99"):
        catalog.update(99, draft("Ghost"))
    with pytest.raises(ServiceError, match="no product with id 99"):
        catalog.get(99)


# ----- stock follows sales and refunds ----------------------------------------------------


def sell(db: DukanDatabase, product_id: int, quantity: int, price: int = 100) -> int:
    """A cash sale of one line, written the way the checkout writes it; returns the line id."""
    conn = db.sqlite_connection()
    total = quantity * price
    sale_id = conn.execute(
        "INSERT INTO sales (sold_at, total, paid) VALUES ('2026-05-01 10:00:00', ?, ?)",
        (total, total),
    ).lastrowid
    item_id = conn.execute(
        "INSERT INTO sale_items (sale_id, product_id, description, quantity, unit_price) "
        "VALUES (?, ?, 'line', ?, ?)",
        (sale_id, product_id, quantity, price),
    ).lastrowid
    assert item_id is not None
    return item_id


def refund(db: DukanDatabase, item_id: int, quantity: int, price: int = 100) -> None:
    conn = db.sqlite_connection()
    sale_id = conn.execute("SELECT sale_id FROM sale_items WHERE id = ?", (item_id,)).fetchone()
    amount = quantity * price
    reversal_id = conn.execute(
        "INSERT INTO sale_reversals (sale_id, kind, amount, debt_reduced, cash_out, reversed_at,"
        " operator_id, reason) VALUES (?, 'refund', ?, 0, ?, '2026-05-01 11:00:00', 1, 'broken')",
        (sale_id[0], amount, amount),
    ).lastrowid
    conn.execute(
        "INSERT INTO sale_reversal_items (reversal_id, sale_item_id, quantity, amount) "
        "VALUES (?, ?, ?, ?)",
        (reversal_id, item_id, quantity, amount),
    )


def test_stock_goes_down_with_a_sale_and_back_with_a_refund(
    database: DukanDatabase, catalog: ProductCatalog
) -> None:
    product_id = catalog.create(draft("Soap", "777", "1.00", "10"))
    assert catalog.by_barcode("777") == ProductRecord(product_id, "777", "Soap", 100, 10, True)
    item_id = sell(database, product_id, 4)
    assert catalog.by_barcode("777") == ProductRecord(product_id, "777", "Soap", 100, 6, True)
    assert [p.stock for p in catalog.search("soap")] == [6]
    refund(database, item_id, 1)
    assert catalog.get(product_id).stock == 7
    assert [kind for _q, kind, _at, _note in moves(database, product_id)] == [
        "count",
        "sale",
        "return",
    ]
    assert_books_clean(database)


# ----- lookups and search ----------------------------------------------------------------


def test_by_barcode_is_exact_and_trimmed(catalog: ProductCatalog) -> None:
    product_id = catalog.create(draft("Milk", barcode="5901234123457"))
    assert catalog.by_barcode("5901234123457\r\n") == catalog.get(product_id)
    assert catalog.by_barcode("590123412345") is None
    assert catalog.by_barcode("") is None
    assert catalog.by_barcode("   ") is None


@pytest.fixture
def shelf(catalog: ProductCatalog) -> dict[str, int]:
    names = {
        "Coca-Cola 1.5L": "5449000000996",
        "Хлеб белый": "4600000000001",
        "ХЛЕБ ржаной": "",
        "Молоко": "4600000000002",
        "خبز عربي": "6280000000001",
        "حليب طازج": "",
        "Pain de mie": "3000000000001",
        "Épices Ras el hanout": "",
    }
    return {name: catalog.create(draft(name, barcode)) for name, barcode in names.items()}


def found(catalog: ProductCatalog, text: str, **options: object) -> list[str]:
    return [p.name for p in catalog.search(text, **options)]  # type: ignore[arg-type]


def test_search_finds_any_word_of_the_name_in_any_script_and_case(
    catalog: ProductCatalog, shelf: dict[str, int]
) -> None:
    assert found(catalog, "хлеб") == ["Хлеб белый", "ХЛЕБ ржаной"]
    assert found(catalog, "ХЛЕ") == ["Хлеб белый", "ХЛЕБ ржаной"]
    assert found(catalog, "БЕЛ") == ["Хлеб белый"]
    assert found(catalog, "خبز") == ["خبز عربي"]
    assert found(catalog, "طاز") == ["حليب طازج"]
    assert found(catalog, "cola") == ["Coca-Cola 1.5L"]  # a part of a hyphenated word
    assert found(catalog, "COCA 1.5") == ["Coca-Cola 1.5L"]
    assert found(catalog, "mie pain") == ["Pain de mie"]  # words in any order
    assert found(catalog, "epices") == []  # accents are letters: é is not e
    assert found(catalog, "ÉPI") == ["Épices Ras el hanout"]
    assert found(catalog, "ain") == []  # the start of a word, not its middle


def test_search_finds_barcode_prefixes_exact_code_first(
    catalog: ProductCatalog, shelf: dict[str, int]
) -> None:
    assert found(catalog, "4600") == ["Молоко", "Хлеб белый"]
    assert found(catalog, "4600000000002") == ["Молоко"]
    extra = catalog.create(draft("Milk crate", "46000000000021"))
    assert [p.id for p in catalog.search("4600000000002")] == [shelf["Молоко"], extra]


def test_search_limit_and_blank_text(catalog: ProductCatalog, shelf: dict[str, int]) -> None:
    assert len(catalog.search("", limit=3)) == 3
    assert found(catalog, "", limit=2) == ["Coca-Cola 1.5L", "Pain de mie"]
    assert catalog.search("хлеб", limit=0) == []
    assert len(catalog.search("")) == len(shelf)


def test_search_sees_edits_and_products_added_by_another_connection(
    database_path: Path, database: DukanDatabase, catalog: ProductCatalog
) -> None:
    first = catalog.create(draft("Green tea", "900"))
    assert found(catalog, "green") == ["Green tea"]
    # Another instance (the CSV import's) writes: this one's index sees it.
    ProductCatalog().update(first, draft("Mint tea", "900"))
    assert found(catalog, "green") == []
    assert found(catalog, "mint") == ["Mint tea"]
    # Another till writes the file.
    other = sqlite3.connect(database_path, isolation_level=None)
    other.execute(
        "INSERT INTO products (barcode, name, price, created_at) "
        "VALUES ('901', 'Black tea', 100, '2026-05-01 09:00:00')"
    )
    other.close()
    assert found(catalog, "tea") == ["Black tea", "Mint tea"]


def test_all_is_ordered_by_name_in_every_script(
    catalog: ProductCatalog, shelf: dict[str, int]
) -> None:
    names = [p.name for p in catalog.all()]
    # Case folded, then code point order (no locale collation): É comes after the ASCII letters.
    assert names[:3] == ["Coca-Cola 1.5L", "Pain de mie", "Épices Ras el hanout"]
    assert names.index("Хлеб белый") + 1 == names.index("ХЛЕБ ржаной")


def test_the_writes_keep_the_books_clean_through_a_reopen(
    database_path: Path, catalog: ProductCatalog, database: DukanDatabase
) -> None:
    product_id = catalog.create(draft("Oil 1L", "1001", "5.00", "3"))
    catalog.update(product_id, draft("Oil 1L", "1001", "5.50", "20"))
    database.close()
    reopened = open_database(database_path)
    try:
        assert ProductCatalog().get(product_id).stock == 20
        assert_books_clean(reopened)
    finally:
        reopened.close()


def test_search_forgets_what_a_rolled_back_transaction_wrote(
    database: DukanDatabase, catalog: ProductCatalog
) -> None:
    tea = catalog.create(draft("Green tea", "900"))
    assert found(catalog, "tea") == ["Green tea"]
    with pytest.raises(ZeroDivisionError), database.atomic():
        catalog.update(tea, draft("Mint tea", "900"))
        catalog.create(draft("Black tea", "901"))
        assert found(catalog, "tea") == ["Black tea", "Mint tea"]  # its own writes, inside
        _ = 1 / 0
    assert found(catalog, "tea") == ["Green tea"]
    assert found(catalog, "mint") == []
    assert catalog.search("901") == []
