"""The Inspector's queueing rows (read only): what the map's shares and arrivals derive for the
selected service, access point or flow, and the service's queueing estimates
(:mod:`servicemap.graph.queue_item`; docs/analysis.md). They are worked out again after every
edit of the map (once after a burst of events), since a share or an arrival anywhere upstream
changes them; the form's fields are not touched, so typing is never interrupted.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from servicemap.graph import queue_item


class QueueRows:
    """A heading and one label per line under it in ``layout``, for ``target`` (("node", id)
    or ("edge", id)). ``schedule()`` refreshes them once after a burst of edits."""

    def __init__(self, doc, target: tuple, layout: QFormLayout, parent: QWidget) -> None:
        self.doc, self.target = doc, target
        self.body = QWidget(parent)
        self.body.setObjectName("inspector_queueing")
        self.form = QFormLayout(self.body)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel("Queueing")
        self.heading.setObjectName("inspector_queueing_heading")
        font = QFont(self.heading.font())
        font.setBold(True)
        self.heading.setFont(font)
        layout.addRow(self.heading)
        layout.addRow(self.body)
        self.timer = QTimer(self.body)
        self.timer.setSingleShot(True)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self.refresh)
        self.lines: list[tuple[str, str]] = []
        self.refresh()

    def schedule(self) -> None:
        self.timer.start()

    def _lines(self) -> list[tuple[str, str]]:
        kind, item_id = self.target
        if kind == "node" and self.doc.has_node(item_id):
            return queue_item.node_lines(self.doc, item_id)
        if kind == "edge" and self.doc.has_edge(item_id):
            return queue_item.edge_lines(self.doc, item_id)
        return []

    def refresh(self) -> None:
        lines = self._lines()
        if lines == self.lines and self.form.rowCount():
            return
        self.lines = lines
        while self.form.rowCount():
            self.form.removeRow(0)
        for i, (label, text) in enumerate(lines):
            value = QLabel(text)
            value.setObjectName(f"queue_line_{i}")
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.form.addRow(label, value)
        shown = bool(lines)
        self.heading.setVisible(shown)
        self.body.setVisible(shown)

    def text(self) -> str:
        """Every line as "label: text", one a line (what the rows show)."""
        return "\n".join(f"{label}: {text}" for label, text in self.lines)
