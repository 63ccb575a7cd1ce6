"""Between Python dates and Qt's, typed (QDate.toPython is typed as returning object)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())
