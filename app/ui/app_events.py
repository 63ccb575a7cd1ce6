"""App-wide signals named as past-tense facts, so tabs refresh without calling each other."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class AppEvents(QObject):
    sale_recorded = Signal(int)  # sale id
    customer_saved = Signal(int)  # customer id
    payment_recorded = Signal(int)  # payment id
    backup_written = Signal(str)  # path of the new backup
    database_restored = Signal(str)  # path of the backup now in the database's place
