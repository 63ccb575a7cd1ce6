"""Peewee field types for money and shop-local timestamps."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from peewee import IntegerField, TextField

from app.domain.money import Money

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"


class MoneyField(IntegerField):
    """Integer minor units; refuses floats and Decimals so no cent is ever rounded away."""

    def db_value(self, value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, Money):
            return value.minor
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"money must be integer minor units, got {type(value).__name__}")
        return value


class LocalDateTimeField(TextField):
    """ISO-8601 `YYYY-MM-DD HH:MM:SS` in shop-local time, as the legacy schema stores it."""

    def db_value(self, value: Any) -> str | None:
        if isinstance(value, datetime):
            return value.strftime(TIMESTAMP_FORMAT)
        return None if value is None else str(value)

    def python_value(self, value: Any) -> datetime | None:
        return None if value is None else datetime.strptime(str(value)[:19], TIMESTAMP_FORMAT)


class LocalDateField(TextField):
    """ISO-8601 `YYYY-MM-DD`, as the legacy schema stores due dates."""

    def db_value(self, value: Any) -> str | None:
        if isinstance(value, date):
            return value.strftime(DATE_FORMAT)
        return None if value is None else str(value)

    def python_value(self, value: Any) -> date | None:
        return None if value is None else datetime.strptime(str(value)[:10], DATE_FORMAT).date()
