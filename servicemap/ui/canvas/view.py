"""The canvas view: zoom, pan, fit, rubber-band selection.

Mouse: drag empty canvas to pan (or drag with the middle button anywhere); Shift+drag on empty
canvas draws a selection rectangle; the wheel zooms about the pointer and Shift+wheel scrolls,
or, with :attr:`MapView.wheel_scrolls` (the planner's setting, Visio's habit), the wheel
scrolls and Ctrl+wheel zooms.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QFontInfo, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView, QStyleOptionGraphicsItem

from servicemap.model import NodeKind
from servicemap.render import style
from servicemap.render.items import DETAIL_LOD, SMOOTH_LOD

MIN_ZOOM, MAX_ZOOM = 0.002, 8.0
READABLE_PX = 8.0  # service names at least this tall when a map first opens (issue #15)
OVERVIEW_ZOOM = DETAIL_LOD  # below this (no labels yet) the overview picture is drawn
STEP = 1.25
KNOWN_BOUNDS_OVER = 1000  # boxes: a larger map is fitted to the bounds its build found
SMOOTH_AFTER_MS = 250  # flows are drawn smooth again this long after the last zoom step


class MapView(QGraphicsView):
    zoom_changed = Signal(float)

    def __init__(self, scene, parent=None) -> None:
        super().__init__(scene, parent)
        self.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing)
        self.setViewportUpdateMode(QGraphicsView.SmartViewportUpdate)
        self.setOptimizationFlags(QGraphicsView.DontSavePainterState)
        self.setTransformationAnchor(QGraphicsView.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.AnchorViewCenter)
        self.setDragMode(QGraphicsView.NoDrag)
        self.setRubberBandSelectionMode(Qt.IntersectsItemShape)
        self.setFocusPolicy(Qt.StrongFocus)
        self._middle_pan = False
        self.wheel_scrolls = False
        self._fit_pending = False  # a new map: fit again when the view is resized
        # While the planner zooms, the flow layer draws without antialiasing (as while boxes
        # are dragged: Qt strokes thousands of smooth wide lines three times slower), and
        # smooth again once the zooming pauses.
        self._smooth_later = QTimer(self)
        self._smooth_later.setSingleShot(True)
        self._smooth_later.setInterval(SMOOTH_AFTER_MS)
        self._smooth_later.timeout.connect(self._smooth_again)

    @property
    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float) -> None:
        """Zoom to ``factor`` (1.0: 100%); the map is no longer refitted on resizes."""
        self._used()
        self._scale_to(factor)

    def _scale_to(self, factor: float) -> None:
        factor = max(MIN_ZOOM, min(MAX_ZOOM, factor))
        current = self.zoom
        if current and abs(factor - current) > 1e-9:
            self.scale(factor / current, factor / current)
            self._zoomed()

    def _zoomed(self) -> None:
        """Level of detail for the whole map: far out, only the boxes are drawn."""
        scene = self.scene()
        if scene is not None and hasattr(scene, "set_overview"):
            scene.set_overview(self.zoom < OVERVIEW_ZOOM)
        layer = getattr(scene, "flow_layer", None)
        if layer is not None:
            layer.smooth = False
            self._smooth_later.start()
        self.zoom_changed.emit(self.zoom)

    def _smooth_again(self) -> None:
        layer = getattr(self.scene(), "flow_layer", None)
        if layer is not None and not layer.smooth:
            layer.smooth = True
            if self.zoom >= SMOOTH_LOD and not getattr(self.scene(), "overview", False):
                layer.update()  # below SMOOTH_LOD flows are drawn rough anyway

    def zoom_in(self) -> None:
        self.set_zoom(self.zoom * STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self.zoom / STEP)

    def fit_rect(self, rect: QRectF, max_zoom: float = 1.5) -> None:
        """Show ``rect`` whole, without zooming in beyond ``max_zoom``."""
        if rect.isNull() or rect.isEmpty():
            return
        self.fitInView(rect.adjusted(-40, -40, 40, 40), Qt.KeepAspectRatio)
        if self.zoom > max_zoom:
            self._scale_to(max_zoom)
        self.centerOn(rect.center())
        self._zoomed()

    def fit_map(self) -> None:
        """Show the whole map; an empty map is shown at 100% around the origin, where the
        first boxes go."""
        self.fit_bounds(self.scene().itemsBoundingRect())

    def fit_bounds(self, rect: QRectF) -> None:
        """:meth:`fit_map` where the map is known to be ``rect``."""
        if rect.isNull() or rect.isEmpty():
            self._scale_to(1.0)
            self.centerOn(0, 0)
            self._zoomed()
            return
        self.fit_rect(rect)

    def zoom_to_selection(self) -> None:
        rect = QRectF()
        for item in self.scene().selectedItems():
            rect = rect.united(item.sceneBoundingRect())
        if not rect.isNull():
            self.fit_rect(rect, max_zoom=2.0)

    def fit_until_used(self) -> None:
        """Show a newly opened map at first sight, now and again whenever the view changes
        size (the window being maximised, docks settling) until the planner zooms, pans or
        clicks: a map opened before its window reaches full size still fills it."""
        self._fit_pending = True
        self.first_sight()

    def readable_zoom(self) -> float:
        """The zoom at which service names are :data:`READABLE_PX` pixels tall here."""
        return READABLE_PX / max(1, QFontInfo(style.label_font()).pixelSize())

    def first_sight(self) -> None:
        """The whole map when its names can be read at that size; else the zoom where they
        can (:meth:`readable_zoom`), with the access points, where people enter and a map
        is read from, at the left and centred from top to bottom. Ctrl+0 shows it whole."""
        scene = self.scene()
        bounds = getattr(scene, "map_bounds", None)  # a large map's bounds as just built,
        large = bounds is not None and len(getattr(scene, "nodes", ())) > KNOWN_BOUNDS_OVER
        self.fit_bounds(bounds() if large else scene.itemsBoundingRect())  # not every item's
        readable = self.readable_zoom()
        if scene is None or self.zoom >= readable:
            return
        nodes = getattr(scene, "nodes", {})
        doc = getattr(scene, "doc", None)  # the access points from the map, not every box
        points = (nodes[n] for n in doc.nodes_of_kind(NodeKind.ACCESS_POINT) if n in nodes) \
            if doc is not None else (i for i in nodes.values() if i.kind == NodeKind.ACCESS_POINT)
        entries = [item.sceneBoundingRect() for item in points]
        if not entries:
            return
        self._scale_to(readable)
        area = entries[0]
        for rect in entries[1:]:
            area = area.united(rect)
        seen = self.mapToScene(self.viewport().rect()).boundingRect()
        margin = 40 / readable
        self.centerOn(QPointF(area.left() - margin + seen.width() / 2, area.center().y()))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._fit_pending and self.scene() is not None:
            self.first_sight()

    def _used(self) -> None:
        self._fit_pending = False

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        """Zoomed out (below OVERVIEW_ZOOM), draw the scene's overview picture (cached images
        of every box and flow) and then the decorations, instead of every item; nearer, the
        items draw themselves."""
        scene = self.scene()
        if scene is None or not getattr(scene, "overview", False):
            super().paintEvent(event)
            return
        painter = QPainter(self.viewport())
        painter.setWorldTransform(self.viewportTransform())
        exposed = self.mapToScene(event.rect()).boundingRect()
        visible = self.mapToScene(self.viewport().rect()).boundingRect()
        painter.setClipRect(exposed)
        self.drawBackground(painter, exposed)
        decorations = sorted(scene.decoration_items(), key=lambda item: item.zValue())
        behind = [d for d in decorations if d.zValue() < 0]
        for item in behind:
            _paint_item(painter, item, exposed)
        scene.overview_picture.paint(painter, self.zoom, visible)
        scene.overview_picture.paint_moving(painter, self.zoom)
        for item in decorations[len(behind):]:
            _paint_item(painter, item, exposed)
        band = self.rubberBandRect()
        if not band.isNull():
            painter.resetTransform()
            painter.setClipping(False)
            colour = self.palette().highlight().color()
            painter.setPen(QPen(colour, 1))
            colour.setAlpha(40)
            painter.setBrush(colour)
            painter.drawRect(band)
        painter.end()

    def wheelEvent(self, event) -> None:
        self._used()
        modifiers = event.modifiers()
        zooms = bool(modifiers & Qt.ControlModifier) if self.wheel_scrolls else \
            not modifiers & (Qt.ShiftModifier | Qt.AltModifier)
        if zooms:
            delta = event.angleDelta().y()
            if delta:
                self.set_zoom(self.zoom * (STEP if delta > 0 else 1 / STEP))
            event.accept()
            return
        super().wheelEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._used()
        if event.button() == Qt.MiddleButton:
            # Qt pans only with the left button: replay a middle press as a left hand-drag.
            self._middle_pan = True
            self.setDragMode(QGraphicsView.ScrollHandDrag)
            fake = QMouseEvent(event.type(), event.position(), event.globalPosition(),
                               Qt.LeftButton, Qt.LeftButton, event.modifiers())
            super().mousePressEvent(fake)
            return
        if event.button() == Qt.LeftButton and self.itemAt(event.position().toPoint()) is None \
                and getattr(self.scene(), "connect_from", None) is None:
            shift = event.modifiers() & Qt.ShiftModifier
            self.setDragMode(QGraphicsView.RubberBandDrag if shift
                             else QGraphicsView.ScrollHandDrag)
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._middle_pan and event.button() == Qt.MiddleButton:
            fake = QMouseEvent(event.type(), event.position(), event.globalPosition(),
                               Qt.LeftButton, Qt.NoButton, event.modifiers())
            super().mouseReleaseEvent(fake)
            self._middle_pan = False
        else:
            super().mouseReleaseEvent(event)
        self.setDragMode(QGraphicsView.NoDrag)


def _paint_item(painter: QPainter, item: QGraphicsItem, exposed: QRectF) -> None:
    """Paint one decoration and its children where the scene would, if it shows there."""
    if not item.isVisible() or not item.sceneBoundingRect().intersects(exposed):
        return
    painter.save()
    painter.setTransform(item.sceneTransform(), True)
    painter.setOpacity(item.effectiveOpacity())
    option = QStyleOptionGraphicsItem()
    option.exposedRect = item.boundingRect()
    item.paint(painter, option, None)
    painter.restore()
    for child in item.childItems():
        _paint_item(painter, child, exposed)
