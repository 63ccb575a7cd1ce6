"""A tab that shows one summary panel and refreshes it whenever the books it reads change."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.ui.widgets.summary_panel import SummaryPanel


class SummaryTab(QWidget):
    """Subclasses fill `panel` in `refresh`, and call it once their own fields are set."""

    def __init__(
        self,
        title: str,
        labels: list[str],
        changes: Iterable[SignalInstance],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.panel = SummaryPanel(title, labels)
        QVBoxLayout(self).addWidget(self.panel)
        for signal in changes:
            signal.connect(self._on_events_books_changed)

    def refresh(self) -> None:
        raise NotImplementedError

    def _on_events_books_changed(self, _what: object) -> None:
        self.refresh()
