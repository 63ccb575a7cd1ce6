"""How numbers look on screen."""

from __future__ import annotations

from app.domain.money import DEFAULT_FORMAT, CurrencyFormat, Money


def format_money(minor: int, fmt: CurrencyFormat = DEFAULT_FORMAT) -> str:
    return Money(minor).format(fmt)
