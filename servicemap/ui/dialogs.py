"""Message boxes that show text as plain text.

Qt guesses whether a message is rich text; a service, map or user name such as ``<b>x</b>``
from an imported file must never be read as markup, so every message built from data goes
through here (tooltips through :func:`servicemap.render.text.plain_tooltip`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from servicemap.words import plural

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


def notices_dialog(parent: QWidget | None, name: str, notices: list[str],
                   done: str = "imported") -> QDialog:
    """What a reader filled in or changed, one line per note (plain text), and Close: the
    report after File > Import (``done`` "imported") and File > Open ("opened") of a file
    another tool wrote. Its ``list`` and ``buttons`` are there for tests."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(f"{done.capitalize()} {name}")
    dialog.resize(720, 420)
    layout = QVBoxLayout(dialog)
    label = QLabel(f"{name} was {done} with {plural(len(notices), 'note')} on what was "
                   "filled in or changed:", dialog)
    label.setTextFormat(Qt.PlainText)
    label.setWordWrap(True)
    layout.addWidget(label)
    dialog.list = QListWidget(dialog)
    dialog.list.setWordWrap(True)
    dialog.list.setSpacing(3)  # one note from the next
    dialog.list.addItems(notices)
    layout.addWidget(dialog.list)
    dialog.buttons = QDialogButtonBox(QDialogButtonBox.Close, parent=dialog)
    dialog.buttons.rejected.connect(dialog.reject)
    layout.addWidget(dialog.buttons)
    return dialog
