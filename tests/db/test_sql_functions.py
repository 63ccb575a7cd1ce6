"""The functions migrations call give, through SQL, what the domain gives for the same text."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.db.sql_functions import register_migration_functions
from app.domain.phone import normalize_phone

TYPINGS = [
    "0555 123 456",
    "0555-123-456",
    "+213 555 12 34 56",
    "00213555123456",
    "٠٥٥٥١٢٣٤٥٦",
    "0500-071-385",
    "12",
    "-",
    "",
    "not a phone",
    "+1 (202) 555-0143",
]
REGIONS = ["DZ", "dz", "US", "PK", None, ""]


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    register_migration_functions(connection, shop_region=None)
    yield connection
    connection.close()


def through_sql(conn: sqlite3.Connection, typed: object, region: object) -> object:
    return conn.execute("SELECT dukan_phone(?, ?)", (typed, region)).fetchone()[0]


def domain(typed: object, region: object) -> str | None:
    if not isinstance(typed, str):
        return None
    return normalize_phone(typed, region if isinstance(region, str) and region else None)


def test_a_phone_read_again_in_another_region_is_read_in_that_region(
    conn: sqlite3.Connection,
) -> None:
    # The connection remembers numbers it read: the memory must be per region.
    assert through_sql(conn, "0555 123 456", "DZ") == "+213555123456"
    assert through_sql(conn, "0555 123 456", None) == "0555123456"
    assert through_sql(conn, "0555-123-456", "DZ") == "+213555123456"


@pytest.mark.parametrize("region", REGIONS)
def test_every_typing_gives_the_domain_s_stored_form(
    conn: sqlite3.Connection, region: str | None
) -> None:
    for _ in range(2):  # the second time from the connection's memory
        for typed in [*TYPINGS, None, 555123456]:
            assert through_sql(conn, typed, region) == domain(typed, region), typed


@given(
    st.lists(
        st.tuples(
            st.text(alphabet="0123456789+-() .٠١٢٣٤٥٦٧٨٩", max_size=18),
            st.sampled_from(REGIONS),
        ),
        max_size=30,
    )
)
def test_any_typings_in_any_order_give_the_domain_s_stored_form(
    typings: list[tuple[str, str | None]],
) -> None:
    connection = sqlite3.connect(":memory:")
    try:
        register_migration_functions(connection, shop_region=None)
        for typed, region in typings + typings:
            assert through_sql(connection, typed, region) == domain(typed, region)
    finally:
        connection.close()
