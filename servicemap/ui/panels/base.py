"""The base of the dock panels that follow a document.

A panel subscribes to **every** event of its document (so a new kind of change can never
leave it stale), lets :meth:`Panel.on_event` handle the ones it updates in place, and turns
the rest into one debounced :meth:`Panel.refresh` (a burst of events, such as deleting fifty
nodes or an undo, costs one refresh a moment later). It disconnects everything in
:meth:`Panel.detach`, shows a refusal or problem in one plain-text line, and follows the
session's mode through :meth:`Panel.mode_changed`.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

ERROR_STYLE = "color: #b00020;"


class Panel(QWidget):
    """Override :meth:`refresh`; optionally :meth:`on_event` and :meth:`mode_changed`."""

    debounce_ms = 0

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = None
        self._followed: list[tuple[object, object]] = []
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(self.debounce_ms)
        self._refresh_timer.timeout.connect(self._run_refresh)
        self.error = QLabel(self)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # names are never markup
        self.error.hide()

    # ----- following ------------------------------------------------------------------
    def follow(self, document) -> None:
        """Follow every event of ``document`` (after letting go of any earlier one)."""
        self._drop_document()
        self.doc = document
        if document is None:
            return
        for name, signal in document.events():
            slot = partial(self._event, name)
            signal.connect(slot)
            self._followed.append((signal, slot))

    def connect_to(self, signal, slot) -> None:
        """Connect a Qt or document signal that :meth:`detach` will disconnect."""
        signal.connect(slot)
        self._followed.append((signal, slot))

    def _drop_document(self) -> None:
        if self.doc is None:
            return
        events = {id(s) for _, s in self.doc.events()}
        keep = []
        for signal, slot in self._followed:
            if id(signal) in events:
                signal.disconnect(slot)
            else:
                keep.append((signal, slot))
        self._followed = keep

    def detach(self) -> None:
        """Stop following the document and every signal connected through the panel
        (before the panel is dropped while they live on)."""
        self._refresh_timer.stop()
        for signal, slot in self._followed:
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):  # a Qt object already gone
                pass
        self._followed = []

    def _event(self, name: str, *args) -> None:
        if not self.on_event(name, *args):
            self.schedule()

    def on_event(self, name: str, *args) -> bool:
        """Handle document event ``name`` in place and return True, or return False to get
        a :meth:`refresh` soon (the default for every event)."""
        return False

    @property
    def refresh_pending(self) -> bool:
        """True while a refresh is scheduled and not yet run."""
        return self._refresh_timer.isActive()

    def schedule(self) -> None:
        """Refresh soon, once however many times this is called before then."""
        self._refresh_timer.start()

    def _run_refresh(self) -> None:
        self._refresh_timer.stop()
        self.refresh_due()

    def refresh_due(self) -> None:
        """The debounced refresh is due; a panel that works only while shown may wait."""
        self.refresh()

    def refresh(self) -> None:
        """Show the document as it is now."""

    # ----- mode and messages ----------------------------------------------------------
    def mode_changed(self) -> None:
        """The session's mode changed (edits allowed or not); update what can be used."""

    def show_error(self, message: str | None) -> None:
        """One line under the panel (None or "" hides it)."""
        self.error.setText(f"⚠ {message}" if message else "")
        self.error.setVisible(bool(message))
