"""Dates on screen: Python dates to and from Qt's, and the day pickers of the date ranges."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QLabel, QWidget

DATE_FORMAT = "yyyy-MM-dd"


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> date:
    """QDate.toPython() is typed as returning object; this is typed as it behaves."""
    return date(day.year(), day.month(), day.day())


def date_edit(day: date) -> QDateEdit:
    """A day picker with a calendar popup, showing `day`."""
    edit = QDateEdit(to_qdate(day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    return edit


def buddy_label(text: str, field: QWidget) -> QLabel:
    """A label whose mnemonic (Alt+letter) moves the focus to `field`."""
    label = QLabel(text)
    label.setBuddy(field)
    return label
