"""CSV export and import of customers: round trips, row-by-row reasons, nothing half written."""

from __future__ import annotations

import csv
import errno
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.db.database import DukanDatabase, open_database
from app.db.tables import AuditEntry, Customer
from app.domain.customer_form import Address, CustomerDraft, CustomerFields
from app.services.customer_changes import CustomerChanges
from app.services.customer_csv import (
    COLUMNS,
    MAX_FIELD,
    MAX_ROWS,
    BadRow,
    CustomerCsv,
    ImportPreview,
)
from app.services.customer_directory import CustomerDirectory, stored_fields
from app.services.errors import ServiceError
from tests.db.populate import snapshot

BOM = b"\xef\xbb\xbf"
NOTE = 'Pays on Fridays, "usually"\nAsk for Omar, not his brother'
CUSTOMERS = [
    CustomerDraft(
        name="عبد الله بن محمد",
        phone="0555 123 456",
        billing=Address(street="شارع الحرية 12", city="الجزائر", country="الجزائر"),
        payment_terms="45",
        credit_limit="0",
    ),
    CustomerDraft(
        name="Хасан Петров",
        email="hasan@example.com",
        contact_name="Мария",
        shipping=Address(street="ул. Ленина, 5", city="Казань", postal_code="420000"),
        credit_limit="",
    ),
    CustomerDraft(name="Café 🍰 Zoë", phone="0770 12 34 56", note=NOTE, credit_limit="1,234.50"),
    CustomerDraft(name="Seán O'Brien", number="VIP-7", tax_number="FR 12 345", payment_terms="0"),
]


def _changes() -> CustomerChanges:
    return CustomerChanges(fallback_region="DZ")


def _csv(changes: CustomerChanges | None = None) -> CustomerCsv:
    return CustomerCsv(changes or _changes(), CustomerDirectory())


def _file(folder: Path, text: str, *, bom: bool = False, name: str = "in.csv") -> Path:
    path = folder / name
    path.write_bytes((BOM if bom else b"") + text.encode("utf-8"))
    return path


def _customers() -> dict[str, CustomerFields]:
    return {
        str(customer.customer_number): stored_fields(customer) for customer in Customer.select()
    }


def _counts() -> tuple[int, int]:
    return Customer.select().count(), AuditEntry.select().count()


@pytest.fixture
def fresh_shop(tmp_path: Path, latest_template: Path) -> Iterator[Callable[[], DukanDatabase]]:
    """Opens a second freshly migrated shop (the services then point at it)."""
    opened: list[DukanDatabase] = []

    def open_fresh() -> DukanDatabase:
        path = tmp_path / "other shop" / "dukan.db"
        path.parent.mkdir()
        shutil.copyfile(latest_template, path)
        opened.append(open_database(path))
        return opened[-1]

    yield open_fresh
    for db in opened:
        db.close()


# ----- export --------------------------------------------------------------------------------


def test_export_writes_a_bom_header_and_every_live_customer_by_number(
    database: DukanDatabase, tmp_path: Path
) -> None:
    changes = _changes()
    ids = [changes.create(draft) for draft in CUSTOMERS]
    archived = changes.create(CustomerDraft(name="Gone Away"))
    changes.archive(archived)
    conn = database.sqlite_connection()
    # A manual debt of 12.50 for the first customer, so the balance column has something to say.
    with conn:
        conn.execute("INSERT INTO debts (amount, customer_id) VALUES (1250, ?)", (ids[0],))
    target = tmp_path / "customers.csv"

    assert _csv().export(target) == 4

    raw = target.read_bytes()
    assert raw.startswith(BOM)
    with target.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert list(rows[0]) == list(COLUMNS)
    assert [row["number"] for row in rows] == ["C-00001", "C-00002", "C-00003", "VIP-7"]
    first, second, third, fourth = rows
    assert (first["name"], first["phone"], first["billing_city"]) == (
        "عبد الله بن محمد",
        "+213555123456",
        "الجزائر",
    )
    assert (first["credit_limit"], second["credit_limit"], third["credit_limit"]) == (
        "0.00",
        "",
        "1,234.50",
    )
    assert (first["balance"], second["balance"]) == ("12.50", "0.00")
    assert (first["payment_terms"], second["payment_terms"]) == ("45", "30")
    assert second["shipping_street"] == "ул. Ленина, 5"
    assert third["note"] == NOTE
    assert fourth["name"] == "Seán O'Brien"
    # The note's quote and newline survive as CSV quoting, not as a broken row.
    assert b'"Pays on Fridays, ""usually""\nAsk for Omar' in raw

    assert _csv().export(target, include_archived=True) == 5
    assert "Gone Away" in target.read_text("utf-8-sig")


def test_export_leaves_out_the_legacy_placeholder(database: DukanDatabase, tmp_path: Path) -> None:
    changes = _changes()
    changes.create(CustomerDraft(name="Amina"))
    holder = changes.create(CustomerDraft(name="Unassigned (legacy)"))
    conn = database.sqlite_connection()
    with conn:
        conn.execute("INSERT INTO legacy_placeholder (id, customer_id) VALUES (1, ?)", (holder,))
    target = tmp_path / "customers.csv"

    assert _csv().export(target) == 1
    assert "Unassigned" not in target.read_text("utf-8-sig")


def test_export_then_import_into_a_fresh_shop_gives_the_same_customers(
    database: DukanDatabase,
    tmp_path: Path,
    fresh_shop: Callable[[], DukanDatabase],
) -> None:
    for draft in CUSTOMERS:
        _changes().create(draft)
    exported = _customers()
    target = tmp_path / "customers.csv"
    _csv().export(target)

    fresh_shop()
    assert _customers() == {}
    preview = _csv().preview(target)
    assert preview.bad == []
    assert [row.line for row in preview.good] == [2, 3, 4, 6]  # the note spans lines 4 and 5
    ids = _csv().import_rows(preview)

    assert len(ids) == 4
    assert _customers() == exported
    credit = {number: fields.credit_limit_minor for number, fields in _customers().items()}
    assert credit == {"C-00001": 0, "C-00002": None, "C-00003": 123_450, "VIP-7": None}
    audited = AuditEntry.select().where(AuditEntry.action == "insert").count()
    assert audited == 4
    # The counter moves past the imported numbers: the next customer does not collide.
    assert _changes().create(CustomerDraft(name="Next")) == max(ids) + 1
    assert "C-00004" in _customers()


def test_importing_an_export_into_the_same_shop_creates_nobody_twice(
    database: DukanDatabase, tmp_path: Path
) -> None:
    _changes().create(CUSTOMERS[0])
    target = tmp_path / "customers.csv"
    _csv().export(target)

    preview = _csv().preview(target)

    assert preview.good == []
    assert preview.bad == [
        BadRow(
            2,
            "phone: Already the phone of C-00001 عبد الله بن محمد. "
            "number: Already the number of C-00001 عبد الله بن محمد.",
        )
    ]


def test_a_failed_export_leaves_the_old_file_and_no_temporary_one(
    database: DukanDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _changes().create(CUSTOMERS[0])
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "customers.csv"
    target.write_text("yesterday's export", "utf-8")

    def disk_full(_descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("app.services.customer_csv.os.fsync", disk_full)
    with pytest.raises(ServiceError, match="No space left on device"):
        _csv().export(target)

    assert target.read_text("utf-8") == "yesterday's export"
    assert [path.name for path in folder.iterdir()] == ["customers.csv"]


def test_exporting_into_a_folder_that_cannot_be_written_is_a_clear_error(
    database: DukanDatabase, tmp_path: Path
) -> None:
    # Tests may run as root, which chmod does not stop; a missing folder fails for everyone.
    target = tmp_path / "unplugged usb stick" / "customers.csv"

    with pytest.raises(ServiceError, match="could not be exported"):
        _csv().export(target)

    assert not target.parent.exists()


# ----- reading files -------------------------------------------------------------------------


@pytest.mark.parametrize("bom", [True, False], ids=["bom", "no-bom"])
def test_files_with_and_without_a_bom_read_the_same(
    database: DukanDatabase, tmp_path: Path, bom: bool
) -> None:
    path = _file(tmp_path, "number,name,phone\r\nA-1,Amina,0555 123 456\r\n", bom=bom)

    preview = _csv().preview(path)

    assert preview.bad == []
    assert [(row.line, row.draft) for row in preview.good] == [
        (2, CustomerDraft(name="Amina", number="A-1", phone="0555 123 456"))
    ]


def test_columns_in_any_order_missing_ones_blank_and_default_terms(
    database: DukanDatabase, tmp_path: Path
) -> None:
    path = _file(tmp_path, "Phone , NAME,billing_city,balance\n0555 123 456,Amina,Oran,99.00\n")

    [row] = _csv().preview(path).good

    assert row.draft == CustomerDraft(
        name="Amina", phone="0555 123 456", billing=Address(city="Oran"), payment_terms="30"
    )


def test_semicolon_files_from_excel_in_comma_decimal_locales_are_read(
    database: DukanDatabase, tmp_path: Path
) -> None:
    path = _file(tmp_path, "name;phone;note\nAmina;0555 123 456;late, often\n")

    [row] = _csv().preview(path).good

    assert (row.draft.name, row.draft.phone, row.draft.note) == (
        "Amina",
        "0555 123 456",
        "late, often",
    )


def test_bad_rows_are_reported_by_line_with_the_column_and_the_reason(
    database: DukanDatabase, tmp_path: Path
) -> None:
    _changes().create(CustomerDraft(name="Karim", phone="0661 11 22 33"))
    long_name = "x" * MAX_FIELD
    lines = [
        "name,phone,email,payment_terms,credit_limit,number,billing_city,note",
        "Ali,0555 123 456,,,,,,",  # 2: good
        " ,0770 00 00 01,,,,,,",  # 3: blank name
        "Sara,,sara.example.com,,,,,",  # 4
        "Karim Two,+213 661 11 22 33,,,,,,",  # 5: Karim's phone in another format
        "Ali again,0555-123-456,,,,,,",  # 6: line 2's phone with dashes
        "Sa\x00m,,,,,,,",  # 7
        f"{long_name},,,,,,,",  # 8
        "Yusuf,,,٣٠,,,,",  # 9: Arabic-Indic digits
        "Nadia,,,,nan,,,",  # 10
        "",  # 11: skipped
        'Omar,,,,,c-777,,"first line',  # 12: the note runs on to line 13
        'second line"',
        "Omar Two,,,,,C-777,,",  # 14: line 12's number in other case
        "Lina,,,,,,Bl\x1bida,",  # 15: the address part is named as its column
        "Rym,0550 00 00 01,,,,,,,stray",  # 16: a value past the last column
    ]
    path = _file(tmp_path, "\n".join(lines) + "\n")

    preview = _csv().preview(path)

    assert [row.line for row in preview.good] == [2, 12]
    assert preview.bad == [
        BadRow(3, "name: Required."),
        BadRow(4, "email: Not an email address, e.g. name@example.com."),
        BadRow(5, "phone: Already the phone of C-00001 Karim."),
        BadRow(6, "phone: Same phone as line 2 (Ali)."),
        BadRow(7, "name: Contains hidden control characters; type it again."),
        BadRow(8, "name: Too long: at most 200 characters (this has 10000)."),
        BadRow(9, "payment_terms: Enter whole days, e.g. 30 (0 means pay at once)."),
        BadRow(10, "credit_limit: Use digits only, like 12.50; leave it empty for no limit."),
        BadRow(14, "number: Same number as line 12 (Omar)."),
        BadRow(15, "billing_city: Contains hidden control characters; type it again."),
        BadRow(
            16,
            "column 9: A value under no column name; name the column on line 1 or remove "
            "the value.",
        ),
    ]
    assert preview.good[1].draft.note == "first line\nsecond line"


def test_preview_writes_nothing(database: DukanDatabase, tmp_path: Path) -> None:
    _changes().create(CustomerDraft(name="Karim", phone="0661 11 22 33"))
    path = _file(tmp_path, "name,phone\nAli,0555 123 456\nKarim,0661 11 22 33\nSara,\n")
    before = snapshot(database.sqlite_connection())
    counts = _counts()

    preview = _csv().preview(path)

    assert len(preview.good) == 2
    assert len(preview.bad) == 1
    assert _counts() == counts == (1, 1)
    assert snapshot(database.sqlite_connection()) == before


def test_import_writes_every_good_row_with_its_audit_row(
    database: DukanDatabase, tmp_path: Path
) -> None:
    path = _file(tmp_path, "name,phone\nAli,0555 123 456\n,\nSara,0770 12 34 56\nBad,12\n")
    preview = _csv().preview(path)
    assert len(preview.bad) == 1

    ids = _csv().import_rows(preview)

    assert [stored_fields(Customer.get_by_id(i)).name for i in ids] == ["Ali", "Sara"]
    assert [stored_fields(Customer.get_by_id(i)).phone for i in ids] == [
        "+213555123456",
        "+213770123456",
    ]
    assert _counts() == (2, 2)
    reasons = [CustomerDirectory().history(i)[0].reason for i in ids]
    assert reasons == [f"imported from {path.name}, line 2", f"imported from {path.name}, line 4"]


def test_import_is_all_or_nothing_when_a_phone_was_taken_since_the_preview(
    database: DukanDatabase, tmp_path: Path
) -> None:
    path = _file(
        tmp_path,
        "name,phone\nAli,0555 123 456\nSara,0770 12 34 56\nNadia,0661 11 22 33\n",
    )
    preview = _csv().preview(path)
    assert [row.line for row in preview.good] == [2, 3, 4]
    # Another till saves Nadia's phone, typed its own way, between preview and import.
    _changes().create(CustomerDraft(name="Nadia B", phone="+213661112233"))
    before = snapshot(database.sqlite_connection())

    with pytest.raises(ServiceError, match=r"^Line 4: phone: Already the phone of C-00001"):
        _csv().import_rows(preview)

    assert snapshot(database.sqlite_connection()) == before
    assert _counts() == (1, 1)


def test_an_empty_preview_imports_nothing(database: DukanDatabase) -> None:
    assert _csv().import_rows(ImportPreview([], [])) == []
    assert _counts() == (0, 0)


# ----- files refused whole -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"", r"in\.csv is empty\.", id="empty"),
        pytest.param(BOM + b"\r\n\r\n", r"in\.csv is empty\.", id="bom and blank lines"),
        pytest.param(b"\nname\nAli\n", r"Line 1 of in\.csv is blank", id="header not on line 1"),
        pytest.param(
            "name,phone\nAmina,\u0635\u0627\n".encode("cp1256"),
            "not UTF-8 text",
            id="arabic windows code page",
        ),
        pytest.param(b"name\nCaf\xe9\n", "not UTF-8 text", id="latin-1"),
        pytest.param(
            "name,phone\nAmina,1\n".encode("utf-16"), "not UTF-8 text", id="excel unicode text"
        ),
        pytest.param(
            b"name,Phone number,mobile\n",
            "does not know: \u201cPhone number\u201d, \u201cmobile\u201d",
            id="unknown columns",
        ),
        pytest.param(b"number,phone\nC-1,0555 123 456\n", "has no name column", id="no name"),
        pytest.param(b"name,phone,Name\n", "\u201cname\u201d more than once", id="twice"),
        pytest.param(b'name,note\nAli,"a"b\n', r"Line 2 of in\.csv cannot be read", id="quotes"),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_a_clear_message(
    database: DukanDatabase, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(content)

    with pytest.raises(ServiceError, match=message):
        _csv().preview(path)


def test_a_missing_file_is_a_clear_error(database: DukanDatabase, tmp_path: Path) -> None:
    with pytest.raises(ServiceError, match=r"gone\.csv cannot be read"):
        _csv().preview(tmp_path / "gone.csv")


def test_a_value_over_ten_thousand_characters_refuses_the_file(
    database: DukanDatabase, tmp_path: Path
) -> None:
    note = "n" * (MAX_FIELD + 1)
    path = _file(tmp_path, f"name,note\nAli,ok\nSara,{note}\n")

    with pytest.raises(ServiceError, match="Line 3 has a value 10,001 characters long"):
        _csv().preview(path)


def test_a_quote_never_closed_is_refused_before_it_swallows_the_file(
    database: DukanDatabase, tmp_path: Path
) -> None:
    rest = "".join(f"Customer {n},ok\n" for n in range(30_000))
    path = _file(tmp_path, f'name,note\nAli,ok\nSara,"oops\n{rest}')

    with pytest.raises(ServiceError, match=r"From line 3 on, .* never closed"):
        _csv().preview(path)


def test_more_than_the_row_limit_is_refused_before_any_row_is_checked(
    database: DukanDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _file(tmp_path, "name\n" + "A\n" * (MAX_ROWS + 1))
    checked: list[CustomerDraft] = []
    changes = _changes()
    monkeypatch.setattr(changes, "validate", checked.append)

    with pytest.raises(ServiceError, match="more than 100,000 customers"):
        _csv(changes).preview(path)

    assert checked == []


def test_blank_lines_and_empty_spreadsheet_rows_are_skipped_but_keep_their_line(
    database: DukanDatabase, tmp_path: Path
) -> None:
    path = _file(tmp_path, "name,phone\n,\n\n  ,  \nA\n\nB\n")

    assert [row.line for row in _csv().preview(path).good] == [5, 7]


def test_exactly_the_row_limit_is_read(
    database: DukanDatabase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _file(tmp_path, "name\n" + "A\n" * MAX_ROWS + "\n" * 10)
    changes = _changes()
    # Checking each row against the database is not what is tested here, and is slow.
    seen = CustomerFields("A", None, None, None, None, Address(), Address(), 30, None, None, None)
    monkeypatch.setattr(changes, "validate", lambda _draft: seen)

    preview = _csv(changes).preview(path)

    assert len(preview.good) == MAX_ROWS == 100_000
    assert preview.good[-1].line == MAX_ROWS + 1
