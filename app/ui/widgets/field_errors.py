"""Messages shown right under the form fields they are about, filled from a ValidationError."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QLabel, QLayout, QVBoxLayout, QWidget

ERROR_STYLE = "color: #b3261e;"


def error_label() -> QLabel:
    """A red, wrapping message that takes no room until it has something to say."""
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def grow_to_fit(window: QWidget, layout: QLayout) -> None:
    """Make `window` tall enough for the messages just shown in `layout`. A window is not
    resized for wrapped text by itself, and the rows would be squeezed over each other."""
    layout.activate()
    wanted = max(layout.totalHeightForWidth(window.width()), layout.totalMinimumSize().height())
    if wanted > window.height():
        window.resize(window.width(), wanted)


class FieldErrors:
    """One error label per field name (`name`, `billing.city`, …), in form order."""

    def __init__(self) -> None:
        self._labels: dict[str, QLabel] = {}
        self._editors: dict[str, QWidget] = {}

    def wrap(self, name: str, editor: QWidget) -> QWidget:
        """`editor` with its error label underneath, to put in the form in its place."""
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor)
        label = error_label()
        label.setObjectName(f"error:{name}")
        layout.addWidget(label)
        # The form's label is the box's buddy: its shortcut key must land in the editor.
        box.setFocusProxy(editor)
        self._labels[name] = label
        self._editors[name] = editor
        return box

    def show(self, errors: Mapping[str, str]) -> dict[str, str]:
        """Put each message by its field; returns the messages no field here is named for."""
        self.clear()
        for name, message in errors.items():
            label = self._labels.get(name)
            if label is not None:
                label.setText(message)
                label.show()
        first = next((name for name in self._labels if name in errors), None)
        if first is not None:
            self._editors[first].setFocus()
        return {name: message for name, message in errors.items() if name not in self._labels}

    def clear(self) -> None:
        for label in self._labels.values():
            label.clear()
            label.hide()

    def message(self, name: str) -> str:
        """What the operator reads under the field (empty when it is fine)."""
        label = self._labels[name]
        return label.text() if not label.isHidden() else ""
