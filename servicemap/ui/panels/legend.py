"""The Legend dock: the legend of what the canvas draws now, redrawn as the map changes."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QSize
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy
from shiboken6 import isValid

from servicemap.render.legend import Entry, entries_height, legend_entries, paint_entries
from servicemap.ui.panels.base import Panel


class LegendPanel(Panel):
    """A dock widget that redraws itself whenever what the map draws changes."""

    UNDRAWN = frozenset({"nodes_moved", "pathway_added", "pathway_removed", "pathway_changed",
                         "map_changed", "comment_added", "comment_changed", "comment_removed"})

    def __init__(self, scene=None, parent=None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Minimum)
        self.entries: list[Entry] = []
        self.scene = None
        if scene is not None:
            self.set_scene(scene)

    def set_scene(self, scene, entries: list[Entry] | None = None) -> None:
        """Show the legend of ``scene`` (and stop following the previous map); ``entries``:
        its entries, worked out already (a large map's, in a worker thread)."""
        self.scene = scene
        self.follow(scene.doc)
        self.refresh(entries)

    def on_event(self, name: str, *args) -> bool:
        return name in self.UNDRAWN

    def refresh(self, entries: list[Entry] | None = None) -> None:
        if entries is None:
            entries = legend_entries(self.scene) if self.scene is not None else []
        self.entries = entries
        self.setMinimumHeight(int(entries_height(self.entries)) + 16)
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(260, int(entries_height(self.entries)) + 16)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        paint_entries(painter, self.entries, QPointF(8, 8), self.width() - 16)
        painter.end()

    # ----- what the colours mean -----------------------------------------------------------
    _coloured = None  # the scene whose colour_meaning_changed is followed

    def follow(self, document) -> None:
        """Follow ``document`` and the scene drawing it (:meth:`set_scene` sets ``scene``
        first): an overlay turned on or off changes what the services' colours mean."""
        super().follow(document)
        if self._coloured is not None and isValid(self._coloured):
            self._coloured.colour_meaning_changed.disconnect(self.refresh)
        self._coloured = self.scene
        if self.scene is not None:
            self.scene.colour_meaning_changed.connect(self.refresh)
