"""Rows of a peewee query as plain tuples, typed as such (the stubs type every row as a model)."""

from __future__ import annotations

from typing import Any, cast


def tuples(query: Any) -> list[tuple[Any, ...]]:
    """The query's rows as tuples, in the order selected."""
    return cast(list[tuple[Any, ...]], list(query.tuples()))
