"""App-wide signals named as past-tense facts, so tabs refresh without calling each other."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class AppEvents(QObject):
    sale_recorded = Signal(int)  # sale id
    sale_reversed = Signal(int)  # sale id (voided, or some lines refunded)
    products_changed = Signal()  # products added, edited or imported
    customer_saved = Signal(int)  # customer id (created, edited or restored)
    customer_archived = Signal(int)  # customer id
    customers_merged = Signal(int, int)  # survivor id, merged id
    customers_imported = Signal(int)  # how many customers one CSV import created
    payment_recorded = Signal(int)  # payment receipt id
    payment_reversed = Signal(int)  # customer id whose payment was reversed
    debt_created = Signal(int)  # debt id (a manual debt; a sale's debt comes with sale_recorded)
    reminder_sent = Signal(int)  # customer id
    # The shop's settings were saved (header, money, defaults, backups); receipts and new
    # customers read them as they are used, so no tab listens yet.
    settings_saved = Signal()
    backup_written = Signal(str)  # path of the new backup
    database_restored = Signal(str)  # path of the backup now in the database's place
