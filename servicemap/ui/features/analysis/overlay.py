"""Overlays: colour the services on the canvas by one analysis measure instead of by directorate.

Each overlay has five bins on a sequential, colour-blind-safe scale (ColorBrewer YlOrBr, light to
dark orange-brown, dark text readable on every step) and a second cue that does not need colour:
a badge on each box with the figure ("157%", "1.4×", "4.5 pt") and an inner border that thickens
with the bin. Unknown values are grey with a hatched frame and a "?" badge. "Directorate colours"
puts the scene's own colours back (:meth:`MapScene.set_node_colours`). The marks are decorations
of the scene (layer :data:`LAYER`). The measures, their bins and each service's figure:
:mod:`servicemap.graph.measures`; definitions of the figures: docs/analysis.md.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from servicemap.graph.measures import MEASURES, Measure
from servicemap.render import style
from servicemap.render.overlay_marks import (  # noqa: F401 (the overlay's look, used here)
    CONTAINER_TINT,
    CONTAINERS_NOTE,
    HATCH,
    LAYER,
    RINGS,
    SCALE,
    UNKNOWN_BORDER,
    UNKNOWN_FILL,
    OverlayMark,
    bin_border,
    bins,
    mark_services,
    partnership_rate_marks,
)

REFRESH_MS = 150


class Overlay(QObject):
    """Which measure colours the canvas (None: directorate colours), kept up to date as the map
    changes (debounced)."""

    changed = Signal(str)  # the measure's key, "" for directorate colours
    applied = Signal()     # colours (re)applied: counts may have changed

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scene = None
        self.key: str | None = None
        self.marks: dict[str, OverlayMark] = {}
        self.counts: list[int] = []   # services per bin, then unknown
        self.reference = ""           # what the bins compare with ("Map-wide: ..."), if anything
        self.note = ""                # what else it colours (the partnership containers)
        self._timer = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self._timer.timeout.connect(self.apply)

    @property
    def measure(self) -> Measure | None:
        return MEASURES.get(self.key) if self.key else None

    def _doc_signals(self):
        d = self.scene.doc
        return (d.node_added, d.node_removed, d.node_changed, d.edge_added, d.edge_removed,
                d.edge_changed)

    def _schedule(self, *_args) -> None:
        self._timer.start()

    def set_scene(self, scene) -> None:
        """Follow another scene (a new document); the current measure stays on."""
        if self.scene is not None:
            for signal in self._doc_signals():
                signal.disconnect(self._schedule)
            self._drop_marks()
        self.scene = scene
        if scene is not None:
            for signal in self._doc_signals():
                signal.connect(self._schedule)
        self.apply()

    def set_measure(self, key: str | None) -> None:
        """Colour by ``key`` (one of MEASURES), or go back to directorate colours (None)."""
        if key is not None and key not in MEASURES:
            raise KeyError(key)
        self.key = key
        self.apply()
        self.changed.emit(key or "")

    def apply(self) -> None:
        self._timer.stop()
        measure = self.measure
        if self.scene is None or measure is None:
            self._drop_marks()
            self.counts = []
            self.reference = ""
            if self.scene is not None:
                self.scene.set_node_colours({})
            self.applied.emit()
            return
        scene = self.scene
        self.reference = measure.reference(scene.doc) if measure.reference else ""
        old = {d.anchor: d.item for d in scene.decorations(LAYER)}  # a removed box took its own
        self.marks, self.counts = mark_services(scene, measure, old)
        self.applied.emit()

    def _drop_marks(self) -> None:
        if self.scene is not None and isValid(self.scene):
            self.scene.clear_decorations(LAYER)
        self.marks = {}

    def entries(self) -> list[tuple[str, QColor, QColor, float, bool, int]]:
        """The legend: (label, fill, border, ring width, hatched, services) per bin, then the
        unknown entry."""
        measure = self.measure
        if measure is None:
            return []
        return bins(measure, self.counts)


class OverlayLegend(QWidget):
    """The overlay's own legend: bins with their colour, ring and count, the unknown entry, a
    "?" that explains the measure in one sentence, and one button back to directorate colours."""

    ROW_H = 24.0

    def __init__(self, overlay: Overlay, parent=None) -> None:
        super().__init__(parent)
        self.overlay = overlay
        self.button = QPushButton("Directorate colours", self)
        self.button.setObjectName("overlay-off")
        self.button.setToolTip("Colour services by directorate again")
        self.button.clicked.connect(lambda: overlay.set_measure(None))
        self.help_button = QToolButton(self)
        self.help_button.setObjectName("overlay-help")
        self.help_button.setText("?")
        self.help_button.setCheckable(True)
        self.help_button.setAccessibleName("What this colouring means")
        self.explain = QLabel(self)
        self.explain.setObjectName("overlay-explain")
        self.explain.setWordWrap(True)
        self.explain.setTextFormat(Qt.PlainText)
        self.explain.hide()
        self.help_button.toggled.connect(self._toggle_help)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addStretch(1)
        layout.addWidget(self.explain)
        buttons = QHBoxLayout()
        buttons.addWidget(self.help_button)
        buttons.addWidget(self.button, 1)
        layout.addLayout(buttons)
        overlay.changed.connect(lambda _key: self._resize())
        overlay.applied.connect(self._resize)
        self._resize()

    def _toggle_help(self, shown: bool) -> None:
        self.explain.setVisible(shown)
        self._resize()

    def refresh(self) -> None:
        """Lay out and paint again (the overlay's note or entries changed)."""
        self._resize()

    def _resize(self) -> None:
        measure = self.overlay.measure
        explain = measure.explain if measure is not None else ""
        self.explain.setText(explain)
        self.help_button.setToolTip(explain)
        self.setToolTip(explain)
        self.help_button.setEnabled(bool(explain))
        rows = len(self.overlay.entries()) + (1 if self.overlay.reference else 0) \
            + (2 if self.overlay.note else 0)
        extra = max(self.explain.heightForWidth(max(self.width(), 260) - 16), 0) + 6 \
            if self.explain.isVisibleTo(self) else 0
        self.setMinimumHeight(int(self.ROW_H * (rows + 6)) + self.button.sizeHint().height()
                              + extra)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(260, self.minimumHeight())

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        measure = self.overlay.measure
        if measure is None:
            painter.end()
            return
        painter.setRenderHint(QPainter.Antialiasing, True)
        bold = style.label_font()
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(style.TEXT)
        width = self.width() - 16
        head = QFontMetricsF(bold).boundingRect(QRectF(8, 6, width, 3 * self.ROW_H),
                                                Qt.AlignTop | Qt.TextWordWrap,
                                                f"Service colour: {measure.title}")
        painter.drawText(head, Qt.AlignTop | Qt.TextWordWrap, f"Service colour: {measure.title}")
        painter.setFont(style.label_font())
        metrics = QFontMetricsF(painter.font())
        y = head.bottom() + 6
        if self.overlay.reference:
            painter.drawText(QRectF(8, y, width, self.ROW_H), Qt.AlignVCenter,
                             metrics.elidedText(self.overlay.reference, Qt.ElideRight, width))
            y += self.ROW_H
        if self.overlay.note:
            note = QRectF(8, y, width, 2 * self.ROW_H)
            painter.drawText(note, Qt.AlignVCenter | Qt.TextWordWrap, self.overlay.note)
            y += 2 * self.ROW_H
        for label, fill, border, ring, hatched, count in self.overlay.entries():
            swatch = QRectF(8, y + 3, 44, self.ROW_H - 6)
            painter.setPen(QPen(border, 1.5))
            painter.setBrush(fill)
            painter.drawRoundedRect(swatch, 4, 4)
            if hatched:
                painter.fillRect(swatch.adjusted(2, 2, -2, -2), QBrush(HATCH, Qt.BDiagPattern))
            elif ring:
                painter.setPen(QPen(border, ring))
                painter.setBrush(Qt.NoBrush)
                inset = 1.5 + ring / 2
                painter.drawRoundedRect(swatch.adjusted(inset, inset, -inset, -inset), 3, 3)
            painter.setPen(style.TEXT)
            text = metrics.elidedText(f"{label} ({count})", Qt.ElideRight, width - 52)
            painter.drawText(QRectF(60, y, width - 52, self.ROW_H), Qt.AlignVCenter, text)
            y += self.ROW_H
        painter.setPen(style.DARK_GREY)
        painter.drawText(QRectF(8, y + 2, width, 2 * self.ROW_H), Qt.AlignTop | Qt.TextWordWrap,
                         "The badge on each box gives the figure; (n): services.")
        painter.end()
