"""A customer's statement: opening balance, debts, payments and reversals, running balance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum


class EntryKind(Enum):
    DEBT = "debt"
    PAYMENT = "payment"
    RETURN = "return"  # goods taken back off a debt
    REVERSAL = "reversal"  # a payment that no longer counts


@dataclass(frozen=True, slots=True)
class StatementLine:
    at: datetime
    kind: EntryKind
    description: str
    reference: str
    debit_minor: int  # raises what is owed
    credit_minor: int  # lowers it
    balance_minor: int  # running balance after this line


@dataclass(frozen=True, slots=True)
class Statement:
    customer_id: int
    customer_number: str
    customer_name: str
    customer_phone: str | None
    customer_address: str | None  # billing address, one line per part
    start: date
    end: date
    opening_minor: int
    lines: tuple[StatementLine, ...]
    closing_minor: int
    total_debits_minor: int
    total_credits_minor: int


class Statements:
    def statement(self, customer_id: int, start: date, end: date) -> Statement:
        raise NotImplementedError  # Helper B
