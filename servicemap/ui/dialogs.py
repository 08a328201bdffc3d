"""Message boxes that show text as plain text.

Qt guesses whether a message is rich text; a service, map or user name such as ``<b>x</b>``
from an imported file must never be read as markup, so every message built from data goes
through here (tooltips through :func:`servicemap.render.text.plain_tooltip`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

Button = QMessageBox.StandardButton


def message_box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str,
                buttons=Button.NoButton, default=Button.NoButton) -> QMessageBox:
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.PlainText)
    if default != Button.NoButton:
        box.setDefaultButton(default)
    return box


def warn(parent: QWidget | None, title: str, text: str) -> None:
    message_box(parent, QMessageBox.Warning, title, text, Button.Ok).exec()


def ask(parent: QWidget | None, title: str, text: str, buttons, default) -> Button:
    """A question; returns the standard button chosen."""
    return Button(message_box(parent, QMessageBox.Question, title, text, buttons, default).exec())
