"""Deterministic Python functions that migrations may call as SQL (see migrations/README.md)."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from typing import Any

from app.domain.customer_search import search_keys
from app.domain.names import name_key, tidy_name
from app.domain.phone import compact_phone, normalize_phone, stored_phone


def dukan_name_key(text: Any) -> Any:
    return name_key(text) if isinstance(text, str) else None


def dukan_tidy_name(text: Any) -> Any:
    return tidy_name(text) if isinstance(text, str) else None


def dukan_mixed_case(text: Any) -> int:
    """1 for `Alice Smith`, 0 for `ALICE SMITH`, `alice smith` or a script without case."""
    return int(isinstance(text, str) and text != text.upper() and text != text.lower())


def _region(value: Any) -> str | None:
    """A region as SQL passes it: NULL, '' or a non-text value mean none."""
    return value if isinstance(value, str) and value else None


def dukan_phone(text: Any, region: Any) -> Any:
    if not isinstance(text, str):
        return None
    return normalize_phone(text, _region(region))


def _remembering_dukan_phone() -> Callable[[Any, Any], Any]:
    """`dukan_phone` that reads each number once per connection: a legacy shop's debts repeat
    their payers (195,053 phones typed on the big shop's debts, 100,280 numbers), and the
    phonenumbers library's parse is most of migration 013. The memory goes with the connection.
    """

    @functools.cache
    def stored(compact: str, region: str | None) -> str:
        return stored_phone(compact, region)

    def remembering(text: Any, region: Any) -> Any:
        compact = compact_phone(text) if isinstance(text, str) else None
        if compact is None:
            return None
        return stored(compact, _region(region))

    return remembering


def dukan_customer_search_keys(name: Any, phone: Any, number: Any) -> str:
    """A customer's search keys, one per line (a migration splits them into rows)."""

    def text(value: Any) -> str | None:
        return value if isinstance(value, str) else None

    return "\n".join(search_keys(text(name), text(phone), text(number)))


# name -> (function, number of arguments). Never change what a released name returns: a
# migration that ran with it must give the same result when a fresh file is built. (dukan_phone
# also depends on the phonenumbers data, which learns new number ranges; see migrations/README.)
MIGRATION_FUNCTIONS: dict[str, tuple[Callable[..., Any], int]] = {
    "dukan_name_key": (dukan_name_key, 1),
    "dukan_tidy_name": (dukan_tidy_name, 1),
    "dukan_mixed_case": (dukan_mixed_case, 1),
    "dukan_phone": (dukan_phone, 2),
    "dukan_customer_search_keys": (dukan_customer_search_keys, 3),
}


def register_migration_functions(conn: sqlite3.Connection, shop_region: str | None = None) -> None:
    """Register the functions above, and `dukan_shop_region()`: the region phones are read in
    when the file's settings name none (the system's, chosen by whoever runs the migrator)."""
    functions = {**MIGRATION_FUNCTIONS, "dukan_phone": (_remembering_dukan_phone(), 2)}
    for name, (function, arity) in functions.items():
        conn.create_function(name, arity, function, deterministic=True)
    conn.create_function("dukan_shop_region", 0, lambda: shop_region, deterministic=True)
