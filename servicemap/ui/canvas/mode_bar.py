"""The bar across the top of the canvas on a map that may not be changed: what the mode is, why,
and the way out ("Read-only: test.smap is open in servicemap by Ann on PC-12 since 02 Dec 2026
at 10:40 — Open a copy"). Hidden while the map can be edited. An edit refused because of the
mode makes it flash, so the planner sees why nothing happened."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

STYLE = ("QFrame#mode_bar { background: %s; border-bottom: 1px solid #768692; }"
         " QLabel { color: #231f20; }")
CALM, FLASH = "#FFF4CC", "#FFD966"   # a pale and a strong NHS warm yellow


class ModeBar(QFrame):
    """``copy_requested`` when the planner asks to edit a copy instead."""

    copy_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("mode_bar")
        self.setStyleSheet(STYLE % CALM)
        self.text = QLabel(self)
        self.text.setObjectName("mode_bar_text")
        self.text.setTextFormat(Qt.TextFormat.PlainText)  # user and file names, never markup
        self.text.setWordWrap(True)
        self.copy_button = QPushButton("Open a copy", self)
        self.copy_button.setObjectName("mode_bar_copy")
        self.copy_button.setToolTip("Edit a copy of this map; save it under a new name")
        self.copy_button.clicked.connect(lambda _checked=False: self.copy_requested.emit())
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 10, 4)
        row.addWidget(self.text, 1)
        row.addWidget(self.copy_button)
        self._flash_timer = QTimer(self, singleShot=True, interval=900)
        self._flash_timer.timeout.connect(lambda: self.setStyleSheet(STYLE % CALM))
        self.hide()

    def show_message(self, message: str | None, copy: bool = True) -> None:
        """Show ``message`` (None: hide the bar), with the "Open a copy" button when ``copy``."""
        self.text.setText(message or "")
        self.copy_button.setVisible(copy)
        self.setVisible(bool(message))

    def flash(self) -> None:
        """Draw the eye to the bar for a moment (an edit was refused because of the mode)."""
        if self.isVisible():
            self.setStyleSheet(STYLE % FLASH)
            self._flash_timer.start()
