"""Products to and from CSV: export, the preview of an import, and the import all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.db.checks import all_violations
from app.db.database import DukanDatabase, schema_version
from app.domain.money import CurrencyFormat
from app.domain.product_form import ProductDraft
from app.services.errors import ServiceError
from app.services.product_catalog import ProductCatalog
from app.services.product_csv import BadRow, ProductCsv


@pytest.fixture
def catalog(database: DukanDatabase) -> ProductCatalog:
    return ProductCatalog()


@pytest.fixture
def csv_files(catalog: ProductCatalog) -> ProductCsv:
    return ProductCsv(catalog)


def write(tmp_path: Path, text: str, name: str = "products.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding, newline="")
    return path


def table_count(db: DukanDatabase, table: str) -> int:
    return int(db.sqlite_connection().execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def test_export_writes_every_product_by_name_with_a_bom(
    tmp_path: Path, catalog: ProductCatalog, csv_files: ProductCsv
) -> None:
    catalog.create(ProductDraft("5449000000996", "Coca-Cola, 1.5L", "1,234.50", "12"))
    catalog.create(ProductDraft("", "Хлеб", "0.80", "-2", active=False))
    folder = tmp_path / "exports"
    folder.mkdir()
    path = folder / "out.csv"
    assert csv_files.export(path) == 2
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert path.read_text("utf-8-sig").splitlines() == [
        "barcode,name,price,stock,active",
        '5449000000996,"Coca-Cola, 1.5L","1,234.50",12,yes',
        ",Хлеб,0.80,-2,no",
    ]
    assert list(folder.iterdir()) == [path]  # no temporary file left behind


def test_export_into_a_missing_folder_says_so(tmp_path: Path, csv_files: ProductCsv) -> None:
    with pytest.raises(ServiceError, match="could not be exported"):
        csv_files.export(tmp_path / "nowhere" / "out.csv")


def test_an_exported_file_imports_back_as_no_change(
    tmp_path: Path, database: DukanDatabase, catalog: ProductCatalog, csv_files: ProductCsv
) -> None:
    catalog.create(ProductDraft("111", "Milk", "1.20", "5"))
    catalog.create(ProductDraft("", "Loose apples", "2.00", "0"))
    catalog.create(ProductDraft("", "خبز", "0.50", "7", active=False))
    path = tmp_path / "out.csv"
    csv_files.export(path)
    preview = csv_files.preview(path)
    assert (preview.new, preview.changed, preview.unchanged, preview.bad) == (0, 0, 3, [])
    audit_before = table_count(database, "audit_log")
    outcome = csv_files.import_rows(preview)
    assert (outcome.created, outcome.updated) == ([], [])
    assert table_count(database, "audit_log") == audit_before


def test_import_updates_by_barcode_creates_the_rest_and_keeps_blank_cells(
    tmp_path: Path, database: DukanDatabase, catalog: ProductCatalog, csv_files: ProductCsv
) -> None:
    milk = catalog.create(ProductDraft("111", "Milk", "1.20", "5"))
    sugar = catalog.create(ProductDraft("222", "Sugar", "2.00", "9"))
    apples = catalog.create(ProductDraft("", "Loose apples", "2.00", "0"))
    path = write(
        tmp_path,
        "\ufeffBarcode;Price;Stock;Name;Active\r\n"
        "111;1,35;;;\r\n"  # a new price; stock, name and active as they are
        "222;;12;;no\r\n"  # counted 12, and no longer sold
        ";2,10;;loose APPLES;\r\n"  # no barcode: the one product of that name without one
        "333;0,90;4;Хлеб белый;\r\n"
        ";0;;Carrier bag;\r\n"
        "\r\n",
        "prices.csv",
    )
    # Semicolons: a comma is the decimal mark there, so the shop's format says so too.
    catalog = ProductCatalog(
        money_format=CurrencyFormat(decimal_separator=",", thousands_separator=".")
    )
    csv_files = ProductCsv(catalog)
    preview = csv_files.preview(path)
    assert preview.bad == []
    assert [(row.line, row.product_id, row.changes) for row in preview.good] == [
        (2, milk, ("price",)),
        (3, sugar, ("stock", "active")),
        (4, apples, ("name", "price")),
        (5, None, ()),
        (6, None, ()),
    ]
    assert (preview.new, preview.changed, preview.stock_counts) == (2, 3, 1)

    outcome = csv_files.import_rows(preview)
    assert outcome.updated == [milk, sugar, apples]
    bread, bag = outcome.created
    assert [(p.price_minor, p.stock, p.active) for p in map(catalog.get, (milk, sugar))] == [
        (135, 5, True),
        (200, 12, False),
    ]
    assert catalog.get(apples).name == "loose APPLES"
    assert (catalog.get(bread).barcode, catalog.get(bread).stock) == ("333", 4)
    assert (catalog.get(bag).barcode, catalog.get(bag).price_minor) == (None, 0)
    reasons = database.sqlite_connection().execute(
        "SELECT entity_id, action, reason FROM audit_log WHERE entity = 'product' "
        "AND reason LIKE 'imported%' ORDER BY id"
    )
    assert reasons.fetchall() == [
        (milk, "update", "imported from prices.csv, line 2"),
        (sugar, "update", "imported from prices.csv, line 3"),
        (apples, "update", "imported from prices.csv, line 4"),
        (bread, "insert", "imported from prices.csv, line 5"),
        (bag, "insert", "imported from prices.csv, line 6"),
    ]
    count = database.sqlite_connection().execute(
        "SELECT quantity, note FROM stock_moves WHERE product_id = ? ORDER BY id DESC", (sugar,)
    )
    assert count.fetchone() == (3, "counted 12, was 9")
    assert all_violations(database.sqlite_connection(), schema_version()) == []


def test_bad_rows_are_listed_by_line_with_every_reason(
    tmp_path: Path, catalog: ProductCatalog, csv_files: ProductCsv
) -> None:
    catalog.create(ProductDraft("", "Loose tea", "1", "0"))
    catalog.create(ProductDraft("", "Loose tea", "2", "0"))
    path = write(
        tmp_path,
        "barcode,name,price,stock,active\n"
        "1 2,Tea,-1,1.5,maybe\n"
        '500,"Two\nlines",nan,,\n'
        "600,Juice,١٢,0,\n"
        "700,Water,0.50,1e3,yes\n"
        "800,Soda,1,,\n"
        "800,Soda again,1,,\n"
        ",Loose tea,1,,\n"
        f"900,{'x' * 300},1,,\n"
        ",,,,\n"
        "901,Cake,,3,\n",
    )
    preview = csv_files.preview(path)
    assert [row.line for row in preview.good] == [7]
    assert preview.bad == [
        BadRow(
            2,
            "barcode: Use letters, digits and symbols on the keyboard only, without spaces; or "
            "leave it empty. price: Amount cannot be negative. stock: Enter a whole number, "
            "e.g. 12 (or -3 when more was sold than counted). active: Write yes or no (empty: "
            "as it is, or yes for a new product).",
        ),
        BadRow(
            3,
            "name: Contains hidden control characters; type it again. "
            "price: Use digits only, like 12.50.",
        ),
        BadRow(5, "price: Use digits only, like 12.50."),
        BadRow(
            6,
            "stock: Enter a whole number, e.g. 12 (or -3 when more was sold than counted).",
        ),
        BadRow(8, "barcode: The same product as line 7."),
        BadRow(
            9,
            "name: 2 products without a barcode are called Loose tea, so this row could be any "
            "of them; give them barcodes, or give this row one.",
        ),
        BadRow(10, "name: Too long: at most 200 characters (this has 300)."),
        BadRow(12, "price: Enter an amount."),
    ]


def test_an_import_that_no_longer_fits_writes_nothing(
    tmp_path: Path, database: DukanDatabase, catalog: ProductCatalog, csv_files: ProductCsv
) -> None:
    path = write(tmp_path, "barcode,name,price\n100,Tea,1\n200,Coffee,2\n")
    preview = csv_files.preview(path)
    assert len(preview.good) == 2
    catalog.create(ProductDraft("200", "Cocoa", "3"))  # another till, since the preview
    before = {t: table_count(database, t) for t in ("products", "audit_log", "stock_moves")}
    with pytest.raises(ServiceError) as refused:
        csv_files.import_rows(preview)
    assert str(refused.value) == (
        "Line 3: barcode: Already the barcode of Cocoa. Nothing was imported; check the file again."
    )
    assert {t: table_count(database, t) for t in before} == before


def test_a_stock_left_as_it_was_keeps_sales_made_since_the_preview(
    tmp_path: Path, database: DukanDatabase, catalog: ProductCatalog, csv_files: ProductCsv
) -> None:
    tea = catalog.create(ProductDraft("100", "Tea", "1", "10"))
    path = tmp_path / "out.csv"
    csv_files.export(path)
    path.write_text(path.read_text("utf-8-sig").replace("1.00", "1.10"), "utf-8")
    preview = csv_files.preview(path)
    # A sale of 3 between the preview and the import.
    ProductCatalog().update(tea, ProductDraft("100", "Tea", "1", "7"))
    csv_files.import_rows(preview)
    assert (catalog.get(tea).price_minor, catalog.get(tea).stock) == (110, 7)
    moves = database.sqlite_connection().execute(
        "SELECT after_json FROM audit_log WHERE entity_id = ? ORDER BY id DESC", (tea,)
    )
    assert json.loads(moves.fetchone()[0])["stock"] == 7


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Line 1 of products.csv must name the columns"),
        ("barcode,name,colour\n", "columns Dukan does not know: colour"),
        ("price,stock\n1,2\n", "neither a barcode nor a name column"),
        ("name,Name\n", "names the column name more than once"),
        ('barcode,name,price\n1,"Tea,1\n2,Coffee,2\n', "Line 2 of products.csv cannot be read"),
        ("barcode,name,price\n1,Tea,1,extra\n", "Line 2 of products.csv has more values"),
        (f"barcode,name\n1,{'x' * 20_000}\n", "Line 2 of products.csv cannot be read"),
    ],
    ids=["empty", "unknown", "which", "twice", "quote", "extra", "huge"],
)
def test_files_that_cannot_be_read_are_refused_whole(
    tmp_path: Path, csv_files: ProductCsv, text: str, message: str
) -> None:
    with pytest.raises(ServiceError, match=message):
        csv_files.preview(write(tmp_path, text))


def test_a_file_not_in_utf8_is_refused(tmp_path: Path, csv_files: ProductCsv) -> None:
    path = write(tmp_path, "barcode,name\n1,Café\n", encoding="cp1252")
    with pytest.raises(ServiceError, match="is not UTF-8 text"):
        csv_files.preview(path)
