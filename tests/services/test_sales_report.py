"""Sales by customer: sums with walk-in sales as their own row, averages, the period, CSV."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from app.db.database import DukanDatabase
from app.domain.customer_form import CustomerDraft
from app.domain.money import CurrencyFormat
from app.services.customer_changes import CustomerChanges
from app.services.customer_directory import CustomerDirectory
from app.services.errors import ServiceError
from app.services.sales_history import SalesHistory
from app.services.sales_report import (
    ANONYMOUS,
    CSV_COLUMNS,
    CustomerSalesRow,
    SalesReport,
    average,
    totals,
)
from tests.services.test_sales_history import reversals_at, sell_at
from tests.services.till import customer

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def report(database: DukanDatabase) -> SalesReport:
    return SalesReport()


def by_customer(rows: list[CustomerSalesRow]) -> dict[int | None, CustomerSalesRow]:
    return {row.customer_id: row for row in rows}


def test_each_customer_and_the_walk_in_sales_get_one_row_each(report: SalesReport) -> None:
    amina, karim = customer("Amina"), customer("كريم")
    sell_at("2026-11-02 09:00:00", [("Bread", 1, 150)])
    sell_at("2026-11-03 09:00:00", [("Milk", 2, 200)])
    sell_at("2026-11-04 09:00:00", [("Rice", 1, 4_000)], customer_id=amina, paid=1_000)
    sell_at("2026-11-05 09:00:00", [("Oil", 1, 2_000)], customer_id=amina)
    refunded = sell_at("2026-11-06 09:00:00", [("Tea", 3, 500)], customer_id=karim)
    item = SalesHistory().detail(refunded).lines[0].sale_item_id
    reversals_at().refund(refunded, {item: 1}, "one box was open")

    rows = report.rows(*NOVEMBER)

    assert [row.customer_id for row in rows] == [amina, karim, None]  # largest total first
    found = by_customer(rows)
    walk_in = found[None]
    assert (walk_in.customer, walk_in.sales, walk_in.total_minor, walk_in.paid_minor) == (
        ANONYMOUS,
        2,
        550,
        550,
    )
    assert (walk_in.average_minor, walk_in.on_credit_minor, walk_in.net_minor) == (275, 0, 550)
    credit = found[amina]
    assert credit.customer.startswith("Amina (C-")
    assert (credit.sales, credit.total_minor, credit.paid_minor, credit.on_credit_minor) == (
        2,
        6_000,
        3_000,
        3_000,
    )
    assert credit.average_minor == 3_000
    returned = found[karim]
    assert (returned.total_minor, returned.reversed_minor, returned.net_minor) == (
        1_500,
        500,
        1_000,
    )

    summed = totals(rows)
    assert (summed.customer_id, summed.sales, summed.total_minor) == (None, 5, 8_050)
    assert (summed.paid_minor, summed.on_credit_minor, summed.reversed_minor) == (
        5_050,
        3_000,
        500,
    )
    assert (summed.net_minor, summed.average_minor) == (7_550, 1_610)
    assert report.totals(rows) == summed


@pytest.mark.parametrize(
    ("total", "count", "expected"),
    [(3, 2, 2), (4, 3, 1), (5, 3, 2), (1, 2, 1), (1, 3, 0), (0, 4, 0), (7, 0, 0)],
)
def test_the_average_is_rounded_half_up_in_whole_minor_units(
    total: int, count: int, expected: int
) -> None:
    assert average(total, count) == expected


def test_an_average_from_the_database_rounds_half_up(report: SalesReport) -> None:
    sell_at("2026-11-02 09:00:00", [("A", 1, 100)])
    sell_at("2026-11-02 10:00:00", [("B", 1, 101)])
    (row,) = report.rows(*NOVEMBER)
    assert (row.total_minor, row.sales, row.average_minor) == (201, 2, 101)  # 100.5 -> 101


def test_only_sales_inside_the_period_count(report: SalesReport) -> None:
    amina = customer("Amina")
    sell_at("2026-10-31 23:59:59", [("Before", 1, 1)], customer_id=amina)
    sell_at("2026-11-01 00:00:00", [("First", 1, 10)], customer_id=amina)
    sell_at("2026-11-30 23:59:59", [("Last", 1, 100)])
    sell_at("2026-12-01 00:00:00", [("After", 1, 1_000)])

    found = by_customer(report.rows(*NOVEMBER))
    assert {key: row.total_minor for key, row in found.items()} == {amina: 10, None: 100}
    assert report.rows(date(2027, 1, 1), date(2027, 1, 31)) == []


def test_the_csv_has_every_row_and_a_total_line_in_utf8_with_a_bom(
    report: SalesReport, tmp_path: Path
) -> None:
    karim = customer("كريم")
    sell_at("2026-11-02 09:00:00", [("Bread", 1, 150)])
    sell_at("2026-11-03 09:00:00", [("Gold", 1, 123_456_78)], customer_id=karim)
    rows = report.rows(*NOVEMBER)
    path = tmp_path / "exports" / "report.csv"
    path.parent.mkdir()

    written = report.export_csv(rows, path)

    assert written == 2
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as stream:
        lines = list(csv.reader(stream))
    assert lines[0] == list(CSV_COLUMNS)
    assert lines[1][0].startswith("كريم (C-")
    assert lines[1][1:] == [
        "1",
        "123,456.78",
        "123,456.78",
        "123,456.78",
        "0.00",
        "0.00",
        "123,456.78",
    ]
    assert lines[2] == [ANONYMOUS, "1", "1.50", "1.50", "1.50", "0.00", "0.00", "1.50"]
    assert lines[3] == [
        "Total",
        "2",
        "123,458.28",
        "61,729.14",
        "123,458.28",
        "0.00",
        "0.00",
        "123,458.28",
    ]
    assert sorted(p.name for p in path.parent.iterdir()) == ["report.csv"]  # no temp file left


def test_the_csv_writes_amounts_in_the_shops_format(tmp_path: Path) -> None:
    dinar = CurrencyFormat(
        symbol="DA", symbol_after=True, decimal_separator=",", thousands_separator=" "
    )
    row = CustomerSalesRow(None, ANONYMOUS, 1, 123_450, 123_450, 123_450, 0, 0, 123_450)
    path = tmp_path / "dinar.csv"
    SalesReport(dinar).export_csv([row], path)
    with path.open(encoding="utf-8-sig", newline="") as stream:
        assert list(csv.reader(stream))[1][2] == "1 234,50"


def test_a_failed_export_says_where_and_leaves_nothing_behind(
    report: SalesReport, tmp_path: Path
) -> None:
    with pytest.raises(ServiceError, match="could not be saved"):
        report.export_csv([], tmp_path / "missing folder" / "report.csv")
    folder = tmp_path / "exports"
    (folder / "taken by a folder").mkdir(parents=True)
    with pytest.raises(ServiceError, match="taken by a folder"):
        report.export_csv([], folder / "taken by a folder")
    assert [p.name for p in folder.iterdir()] == ["taken by a folder"]


@pytest.fixture
def three_buyers(report: SalesReport) -> dict[str, int]:
    changes = CustomerChanges(fallback_region="DZ")
    ids = {
        "amina": changes.create(CustomerDraft(name="Amina Benali", phone="0555 12 34 56")),
        "karim": changes.create(CustomerDraft(name="Karim Benali")),
        "olga": changes.create(CustomerDraft(name="Ольга Смирнова")),
    }
    sell_at("2026-11-02 09:00:00", [("Rice", 1, 4_000)], customer_id=ids["amina"])
    sell_at("2026-11-03 09:00:00", [("Oil", 1, 2_000)], customer_id=ids["karim"])
    sell_at("2026-11-04 09:00:00", [("Tea", 1, 500)], customer_id=ids["olga"])
    sell_at("2026-11-05 09:00:00", [("Bread", 1, 150)])
    # Bought nothing this month: never a row, whatever is typed.
    changes.create(CustomerDraft(name="Amir Benali"))
    return ids


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", ["amina", "karim", "olga", None]),
        ("   ", ["amina", "karim", "olga", None]),
        ("benali", ["amina", "karim"]),  # a word of the name
        ("AMI", ["amina"]),  # any case; Amir bought nothing
        ("ольга", ["olga"]),  # folded in every script
        ("0555 12", ["amina"]),  # phone digits as typed
        ("555123", ["amina"]),
        ("walk", [None]),  # the walk-in row by its own name
        ("Anonymous", [None]),
        ("zz", []),
    ],
)
def test_a_search_keeps_the_customers_it_finds(
    report: SalesReport, three_buyers: dict[str, int], typed: str, expected: list[str | None]
) -> None:
    rows = report.rows(*NOVEMBER, typed)
    ids = {three_buyers[name] if name else None for name in expected}
    assert {row.customer_id for row in rows} == ids
    # The sums are the customer's own, not cut down by the search.
    for row in rows:
        assert row == by_customer(report.rows(*NOVEMBER))[row.customer_id]


def test_a_search_by_number_finds_that_customer_and_a_merged_ones_survivor(
    report: SalesReport, three_buyers: dict[str, int]
) -> None:
    karim = three_buyers["karim"]
    number = CustomerDirectory().get(karim).number
    assert [row.customer_id for row in report.rows(*NOVEMBER, number.lower())] == [karim]

    CustomerChanges().merge(three_buyers["amina"], karim, reason="same person")
    # Karim's sales moved to Amina; his old number finds her, with both sales.
    (row,) = report.rows(*NOVEMBER, number)
    assert (row.customer_id, row.sales, row.total_minor) == (three_buyers["amina"], 2, 6_000)


def test_the_search_is_one_statement_in_the_database(
    database: DukanDatabase, report: SalesReport, three_buyers: dict[str, int]
) -> None:
    statements: list[str] = []
    conn = database.sqlite_connection()
    conn.set_trace_callback(statements.append)
    try:
        rows = report.rows(*NOVEMBER, "benali")
    finally:
        conn.set_trace_callback(None)
    assert len(rows) == 2
    # The number lookup, then the report itself with the search inside its WHERE.
    report_sql = [sql for sql in statements if "GROUP BY" in sql]
    assert len(report_sql) == 1 and "customer_search_keys" in report_sql[0]
