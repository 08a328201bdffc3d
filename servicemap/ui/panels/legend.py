"""The Legend dock: the legend of what the canvas draws now, redrawn as the map changes."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QSize, QTimer
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from servicemap.render.legend import Entry, entries_height, legend_entries, paint_entries


class LegendPanel(QWidget):
    """A dock widget that redraws itself whenever the map changes."""

    def __init__(self, scene=None, parent=None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Minimum)
        self.entries: list[Entry] = []
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self.refresh)
        self.scene = None
        if scene is not None:
            self.set_scene(scene)

    def set_scene(self, scene) -> None:
        self.scene = scene
        doc = scene.doc
        for sig in (doc.node_added, doc.node_removed, doc.node_changed, doc.edge_added,
                    doc.edge_removed, doc.edge_changed):
            sig.connect(lambda *_: self._timer.start())
        self.refresh()

    def refresh(self) -> None:
        self.entries = legend_entries(self.scene) if self.scene is not None else []
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
