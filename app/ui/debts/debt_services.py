"""What the Debts tab and its dialogs read and write through; the defaults serve tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.money import DEFAULT_FORMAT, CurrencyFormat
from app.services.debt_book import DebtBook
from app.services.legacy_queue import LegacyQueue
from app.services.manual_debts import ManualDebts
from app.services.payments import Payments
from app.services.receipts import ReceiptService
from app.services.reminders import Reminders
from app.services.statements import Statements
from app.services.summary import SummaryService


@dataclass(frozen=True, slots=True)
class DebtServices:
    book: DebtBook = field(default_factory=DebtBook)
    payments: Payments = field(default_factory=Payments)
    manual_debts: ManualDebts = field(default_factory=ManualDebts)
    statements: Statements = field(default_factory=Statements)
    reminders: Reminders = field(default_factory=Reminders)
    legacy_queue: LegacyQueue = field(default_factory=LegacyQueue)
    receipts: ReceiptService = field(default_factory=ReceiptService)  # the shop header
    summary: SummaryService = field(default_factory=SummaryService)
    money_format: CurrencyFormat = DEFAULT_FORMAT
