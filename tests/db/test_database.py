"""Tests for connection pragmas, `open_database`, immediate transactions and the field types."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from peewee import AutoField, IntegrityError, Model, SqliteDatabase

from app.db.database import (
    APPLICATION_ID,
    BUSY_TIMEOUT_MS,
    DatabaseSetupError,
    DukanDatabase,
    configure_connection,
    open_database,
    read_pragmas,
)
from app.db.fields import LocalDateField, LocalDateTimeField, MoneyField
from app.domain.money import Money


@pytest.fixture
def db(database_path: Path) -> Iterator[DukanDatabase]:
    database = open_database(database_path)
    try:
        yield database
    finally:
        database.close()


def test_open_database_reads_back_the_safe_settings(db: DukanDatabase) -> None:
    state = read_pragmas(db.connection())
    assert state.journal_mode == "wal"
    assert state.synchronous == 2
    assert state.foreign_keys is True
    assert state.busy_timeout_ms >= 5_000
    assert state.busy_timeout_ms == BUSY_TIMEOUT_MS
    assert state.application_id == APPLICATION_ID


def test_foreign_keys_are_enforced_through_open_database(db: DukanDatabase) -> None:
    # A real customer, so the only thing wrong with the debt is the sale it names.
    customer_id = db.execute_sql("INSERT INTO customers (name) VALUES ('Amina')").lastrowid
    with pytest.raises(IntegrityError, match="FOREIGN KEY"), db.atomic():
        db.execute_sql(
            "INSERT INTO debts (sale_id, amount, customer_id) VALUES (999, 100, ?)", (customer_id,)
        )
    assert db.execute_sql("SELECT COUNT(*) FROM debts").fetchone()[0] == 0


def test_open_database_refuses_a_file_dukan_did_not_mark(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseSetupError, match="not a Dukan database"):
        open_database(path)


def test_atomic_writes_begin_immediate_and_commit(db: DukanDatabase) -> None:
    traced: list[str] = []
    db.connection().set_trace_callback(traced.append)
    with db.atomic():
        db.execute_sql("INSERT INTO settings (key, value) VALUES (?, ?)", ("shop_name", "Amal"))
    db.connection().set_trace_callback(None)
    assert traced[0] == "BEGIN IMMEDIATE"
    assert traced[-1] == "COMMIT"
    assert any(statement.startswith("INSERT INTO settings") for statement in traced)
    assert db.execute_sql("SELECT value FROM settings").fetchall() == [("Amal",)]


def test_a_failing_atomic_block_rolls_back(db: DukanDatabase) -> None:
    traced: list[str] = []
    db.connection().set_trace_callback(traced.append)
    with pytest.raises(RuntimeError), db.atomic():
        db.execute_sql("INSERT INTO settings (key, value) VALUES ('a', 'b')")
        raise RuntimeError("the cashier cancelled")
    db.connection().set_trace_callback(None)
    assert (traced[0], traced[-1]) == ("BEGIN IMMEDIATE", "ROLLBACK")
    assert db.execute_sql("SELECT COUNT(*) FROM settings").fetchone()[0] == 0


def test_nested_atomic_blocks_use_savepoints_inside_one_immediate_transaction(
    db: DukanDatabase,
) -> None:
    traced: list[str] = []
    db.connection().set_trace_callback(traced.append)
    with db.atomic(), db.atomic():
        db.execute_sql("INSERT INTO settings (key, value) VALUES ('a', 'b')")
    db.connection().set_trace_callback(None)
    assert traced[0] == "BEGIN IMMEDIATE"
    assert sum(statement.startswith("BEGIN") for statement in traced) == 1
    assert any(statement.startswith("SAVEPOINT") for statement in traced)


def test_configure_connection_refuses_a_database_without_wal() -> None:
    conn = sqlite3.connect(":memory:")
    try:
        with pytest.raises(DatabaseSetupError, match="journal_mode is memory, not wal"):
            configure_connection(conn)
    finally:
        conn.close()


def test_configure_connection_sets_and_reports_every_pragma(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "plain.db")
    try:
        state = configure_connection(conn)
        assert (state.journal_mode, state.synchronous, state.foreign_keys) == ("wal", 2, True)
        assert state.busy_timeout_ms == BUSY_TIMEOUT_MS
        assert read_pragmas(conn) == state
    finally:
        conn.close()


# ----- field types ---------------------------------------------------------------------------


class Entry(Model):
    id = AutoField()
    amount = MoneyField(null=True)
    happened_at = LocalDateTimeField(null=True)
    due_on = LocalDateField(null=True)


@pytest.fixture
def entries() -> Iterator[SqliteDatabase]:
    database = SqliteDatabase(":memory:")
    with database.bind_ctx([Entry]):
        database.create_tables([Entry])
        yield database
    database.close()


@pytest.mark.parametrize(
    "value",
    [12.5, 12.0, True, False, Decimal("12.50"), "1250", float("nan")],
    ids=["float", "whole-float", "true", "false", "decimal", "text", "nan"],
)
def test_money_field_refuses_anything_but_integer_minor_units(value: Any) -> None:
    with pytest.raises(TypeError, match="integer minor units"):
        MoneyField().db_value(value)


@pytest.mark.parametrize(
    ("value", "stored"), [(0, 0), (1_250, 1_250), (-300, -300), (Money(999), 999), (None, None)]
)
def test_money_field_accepts_ints_and_money(value: Any, stored: int | None) -> None:
    assert MoneyField().db_value(value) == stored


def test_money_round_trips_as_an_sqlite_integer(entries: SqliteDatabase) -> None:
    big = 10**15
    first = Entry.create(amount=Money(123_456_789))
    second = Entry.create(amount=big)
    assert Entry.get_by_id(first.id).amount == 123_456_789
    assert Entry.get_by_id(second.id).amount == big
    types = entries.execute_sql("SELECT DISTINCT typeof(amount) FROM entry").fetchall()
    assert types == [("integer",)]
    with pytest.raises(TypeError):
        Entry.create(amount=0.1)
    assert Entry.select().count() == 2


def test_local_datetime_round_trips_as_iso_text(entries: SqliteDatabase) -> None:
    moment = datetime(2024, 3, 5, 14, 7, 9)
    entry = Entry.create(happened_at=moment)
    stored = entries.execute_sql(
        "SELECT happened_at FROM entry WHERE id = ?", (entry.id,)
    ).fetchone()
    assert stored == ("2024-03-05 14:07:09",)
    assert Entry.get_by_id(entry.id).happened_at == moment


def test_local_datetime_reads_sqlite_timestamps_and_drops_fractions(
    entries: SqliteDatabase,
) -> None:
    entries.execute_sql("INSERT INTO entry (happened_at) VALUES ('2023-12-31 23:59:59.250')")
    entries.execute_sql("INSERT INTO entry (happened_at) VALUES (CURRENT_TIMESTAMP)")
    first, second = (entry.happened_at for entry in Entry.select().order_by(Entry.id))
    assert first == datetime(2023, 12, 31, 23, 59, 59)
    assert isinstance(second, datetime)
    assert Entry.get_by_id(Entry.create(happened_at=None).id).happened_at is None


def test_local_date_round_trips_as_iso_text(entries: SqliteDatabase) -> None:
    leap_day = date(2024, 2, 29)
    entry = Entry.create(due_on=leap_day)
    stored = entries.execute_sql("SELECT due_on FROM entry WHERE id = ?", (entry.id,)).fetchone()
    assert stored == ("2024-02-29",)
    assert Entry.get_by_id(entry.id).due_on == leap_day
    assert LocalDateField().db_value("2024-01-02") == "2024-01-02"
    assert LocalDateField().python_value("2024-01-02 00:00:00") == date(2024, 1, 2)


def test_refusing_a_foreign_file_leaves_it_byte_identical(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseSetupError):
        open_database(path)
    assert path.read_bytes() == before
