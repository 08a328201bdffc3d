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
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from servicemap.graph.measures import MEASURES, Measure, partnership_own_rates
from servicemap.model import NodeKind
from servicemap.render import style

SCALE = [QColor(c) for c in ("#FFF7BC", "#FEE391", "#FEC44F", "#FB9A29", "#EC7014")]
RINGS = [0.0, 0.0, 1.5, 3.0, 4.5]  # inner border width by bin: the cue without colour
UNKNOWN_FILL = QColor("#E8ECEE")
UNKNOWN_BORDER = QColor("#768692")
HATCH = QColor("#768692")
LAYER = "overlay"  # the scene's decoration layer of the marks
REFRESH_MS = 150


def bin_border(index: int) -> QColor:
    return SCALE[index].darker(170 if index < 3 else 150)


CONTAINER_TINT = 0.45  # how far a partnership container's fill is lightened from its bin's


def partnership_rate_marks(doc, by: str) -> dict[str, tuple[QColor, QColor, str, str]]:
    """The rates overlay on partnership containers (a :data:`servicemap.render.containers.
    Marker`): each partnership's own rate per 100,000 against the map-wide rate, on the
    services' scale (lightened, so the boxes stay readable on it), its figure in the title."""
    if by != "partnership":
        return {}
    measure = MEASURES["rates"]
    out = {}
    for pid, (ratio, figure) in partnership_own_rates(doc).items():
        index = measure.bin_of(ratio)
        if index is None:
            fill, border = UNKNOWN_FILL, UNKNOWN_BORDER
            label = measure.unknown_label.lower()
        else:
            fill = style.tint(SCALE[index], CONTAINER_TINT)
            border, label = bin_border(index), measure.labels[index]
        out[pid] = (fill, border, f"{figure} per 100,000",
                    f"{measure.title}: {figure} people a year per 100,000 ({label})")
    return out


class OverlayMark(QGraphicsItem):
    """Drawn over one service box: the ring, the hatched frame (unknown) and the badge. Only the
    badge takes the mouse (for its tooltip); clicks on the box reach the box."""

    _font = None
    _metrics = None

    def __init__(self, node: QGraphicsItem, bin_index: int | None, badge: str, tip: str) -> None:
        self.node, self.badge_rect = node, QRectF()
        super().__init__()
        self.setAcceptedMouseButtons(Qt.NoButton)
        if OverlayMark._font is None:  # one font for every badge (thousands on a large map)
            OverlayMark._font = style.label_font()
            OverlayMark._font.setPointSizeF(7.5)
            OverlayMark._font.setBold(True)
            OverlayMark._metrics = QFontMetricsF(OverlayMark._font)
        self.set(bin_index, badge, tip)

    def set(self, bin_index: int | None, badge: str, tip: str) -> None:
        self.prepareGeometryChange()
        self.bin, self.badge = bin_index, badge
        self.setToolTip(tip)
        metrics = OverlayMark._metrics
        w, h = metrics.horizontalAdvance(badge) + 10, metrics.height() + 2
        rect = self.node.rect
        self.badge_rect = QRectF(rect.right() - w - 6, rect.top() - h / 2 - 2, w, h)
        self.update()

    def boundingRect(self) -> QRectF:
        return self.node.rect.united(self.badge_rect).adjusted(-2, -2, 2, 2)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self.badge_rect, 4, 4)
        return path

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if option.levelOfDetailFromTransform(painter.worldTransform()) < 0.3:
            return
        painter.setRenderHint(QPainter.Antialiasing, True)
        rect = self.node.rect
        if self.bin is None:
            frame = QPainterPath()
            frame.addRoundedRect(rect.adjusted(1.5, 1.5, -1.5, -1.5), 7, 7)
            inner = QPainterPath()
            inner.addRoundedRect(rect.adjusted(8, 8, -8, -8), 4, 4)
            painter.fillPath(frame.subtracted(inner), QBrush(HATCH, Qt.BDiagPattern))
        elif RINGS[self.bin]:
            ring = RINGS[self.bin]
            painter.setPen(QPen(bin_border(self.bin), ring))
            painter.setBrush(Qt.NoBrush)
            inset = 1.5 + ring / 2
            painter.drawRoundedRect(rect.adjusted(inset, inset, -inset, -inset), 6, 6)
        painter.setPen(QPen(UNKNOWN_BORDER if self.bin is None else bin_border(self.bin), 1))
        painter.setBrush(QColor("white"))
        painter.drawRoundedRect(self.badge_rect, 4, 4)
        painter.setFont(OverlayMark._font)
        painter.setPen(style.TEXT)
        painter.drawText(self.badge_rect, Qt.AlignCenter, self.badge)


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
        values = measure.read(scene.doc)
        self.reference = measure.reference(scene.doc) if measure.reference else ""
        self.counts = [0] * (len(SCALE) + 1)
        old = {d.anchor: d.item for d in scene.decorations(LAYER)}  # a removed box took its own
        self.marks, colours = {}, {}
        for node_id, item in scene.nodes.items():
            if item.kind != NodeKind.SERVICE:
                continue
            value, badge = values.get(node_id, (None, "?"))
            index = measure.bin_of(value)
            self.counts[len(SCALE) if index is None else index] += 1
            if index is None:
                colours[node_id] = (UNKNOWN_FILL, UNKNOWN_BORDER)
                label = measure.unknown_label.lower()
            else:
                colours[node_id] = (SCALE[index], bin_border(index))
                label = measure.labels[index]
            tip = f"{measure.title}: {badge} ({label})"
            mark = old.pop(node_id, None)
            if mark is not None:
                mark.set(index, badge, tip)
            else:
                mark = scene.add_decoration(LAYER, OverlayMark(item, index, badge, tip), node_id)
            self.marks[node_id] = mark
        scene.set_node_colours(colours)
        for mark in old.values():  # services gone since the last time
            scene.remove_decoration(LAYER, mark)
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
        counts = self.counts or [0] * (len(SCALE) + 1)
        rows = [(label, SCALE[i], bin_border(i), RINGS[i], False, counts[i])
                for i, label in enumerate(measure.labels)]
        rows.append((measure.unknown_label, UNKNOWN_FILL, UNKNOWN_BORDER, 0.0,
                     True, counts[-1]))
        return rows


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
