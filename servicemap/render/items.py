"""Graphics items: a node box and a flow arrow. They draw themselves and know only their id.

What they look like (colour, label, flow type, volume) is given to them by the scene, which
reads the document; items never read or write the document.
"""

from __future__ import annotations

import math
from contextlib import contextmanager

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

from servicemap.graph import routing
from servicemap.graph.flow_labels import point_at
from servicemap.model import FlowType, NodeKind
from servicemap.render import style
from servicemap.render.clipping import visible_part
from servicemap.render.hairline import raster_pen

DETAIL_LOD = 0.3  # below this zoom, labels give way to plain boxes
FADE_LOD = 0.45   # names are drawn fully from this zoom (fading in from DETAIL_LOD)
SMOOTH_LOD = 0.6  # below this zoom, flows are drawn without antialiasing (3x cheaper)
# (on the canvas only: a scene with ``full_detail`` set, as every export's is, draws all)

_POSITION_CHANGED = QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged
_FONT: list = []
_LABEL_FONT: list = []  # a flow number's font and its metrics
_PENS: dict[tuple, tuple[QPen, QPen, bool]] = {}


def _font():
    if not _FONT:
        _FONT.extend([style.label_font(), QFontMetricsF(style.label_font())])
    return _FONT[0]


def _metrics() -> QFontMetricsF:
    _font()
    return _FONT[1]


def _label_font():
    if not _LABEL_FONT:
        font = style.label_font()
        font.setPointSizeF(style.FLOW_NUMBER_PT)
        _LABEL_FONT.extend([font, QFontMetricsF(font)])
    return _LABEL_FONT[0], _LABEL_FONT[1]


def _flow_pens(flow_type: str, width: float, strong: bool,
               selected: bool) -> tuple[QPen, QPen, bool]:
    """The line and arrowhead pens of a flow and whether the line is dashed, made once per
    look (paint runs per frame)."""
    key = (flow_type, width, strong, selected)
    pens = _PENS.get(key)
    if pens is None:
        colour = style.NHS_BLUE if strong else style.DARK_GREY
        w = width + (1.5 if selected else 0)
        if flow_type == FlowType.SIGNPOST:
            w = min(w, 1.2)
        pen_style, dashes, _ = style.FLOW_STYLES.get(flow_type, style.FLOW_STYLES["referral"])
        line = QPen(colour, w, pen_style, Qt.FlatCap, Qt.MiterJoin)
        if dashes:
            line.setDashPattern(dashes)
        head = QPen(colour, max(1.2, min(w, 2.5)), Qt.SolidLine, Qt.RoundCap, Qt.MiterJoin)
        pens = _PENS[key] = (line, head, pen_style != Qt.SolidLine and w > 0)
    return pens


def _thin_pen(strong: bool) -> QPen:
    """The hairline pen of a flow drawn without detail (NHS blue when selected or lit)."""
    pen = _THIN.get(strong)
    if pen is None:
        pen = _THIN[strong] = QPen(style.NHS_BLUE if strong else style.DARK_GREY, 0)
    return pen


_THIN: dict[bool, QPen] = {}


def wrap_label(text: str, metrics: QFontMetricsF, width: float, max_lines: int) -> list[str]:
    """Greedy word wrap to ``width``; the last line is elided when the text is longer.

    Line widths are summed from cached word widths (service names share most of their
    words), so a 10,000-service map measures a few hundred words instead of 50,000 lines.
    """
    words = text.split()
    space = _advance(metrics, " ")
    lines: list[str] = []
    current, current_w = "", 0.0
    for i, word in enumerate(words):
        word_w = _advance(metrics, word)
        if not current or current_w + space + word_w <= width:
            current, current_w = (f"{current} {word}", current_w + space + word_w) if current \
                else (word, word_w)
            continue
        lines.append(current)
        current, current_w = word, word_w
        if len(lines) == max_lines - 1:
            current = " ".join(words[i:])
            current_w = width + 1  # the rest: elided below if it is too long
            break
    if current:
        lines.append(current)
    return [line if _fits(metrics, line, width) else
            metrics.elidedText(line, Qt.ElideRight, width) for line in lines[:max_lines]] or [""]


_ADVANCES: dict[tuple[int, str], float] = {}


def _advance(metrics: QFontMetricsF, text: str) -> float:
    key = (id(metrics), text)
    width = _ADVANCES.get(key)
    if width is None:
        width = _ADVANCES[key] = metrics.horizontalAdvance(text)
    return width


def line_width(metrics: QFontMetricsF, line: str) -> float:
    """A line's width from its cached word widths (kerning across spaces is negligible)."""
    return sum(_advance(metrics, w) for w in line.split()) + \
        _advance(metrics, " ") * line.count(" ")


def _fits(metrics: QFontMetricsF, line: str, width: float) -> bool:
    return line_width(metrics, line) <= width


def _fade(lod: float) -> float:
    """How strongly detail (names) is drawn at zoom ``lod``: from nothing at DETAIL_LOD to
    full at FADE_LOD, so labels fade in as the planner zooms rather than pop."""
    return 1.0 if lod >= FADE_LOD else max(0.0, (lod - DETAIL_LOD) / (FADE_LOD - DETAIL_LOD))


def _lod(item: QGraphicsItem, painter: QPainter) -> float:
    """The zoom the item is drawn at, for its level of detail: infinite (everything drawn)
    in a scene that asks for ``full_detail`` (exports), else the painter's scale (the view
    never rotates or shears)."""
    if item.full_detail:
        return math.inf
    return painter.worldTransform().m11()


_TOGETHER: list[set] = []  # the flows to adjust when the boxes moving together have moved


@contextmanager
def moving_together():
    """Move many boxes at once (a layout, its undo): each flow's line is worked out once,
    when the block ends, not once per end that moved."""
    _TOGETHER.append(set())
    try:
        yield
    finally:
        for edge in _TOGETHER.pop():
            edge.adjust()


class NodeItem(QGraphicsItem):
    """A service (rounded box), access point (pill) or exit (double-bordered box)."""

    def __init__(self, node_id: str, kind: str) -> None:
        super().__init__()
        self.node_id = node_id
        self.kind = kind
        self.edges: list[FlowItem] = []
        self.fill = QColor("white")
        self.border = style.DARK_GREY
        self.highlighted = False
        self.full_detail = False  # the scene sets it: draw all detail at any scale
        self.picture = None  # the scene's overview picture, told when the box moves
        self._lines: list[tuple[float, float, str]] = []  # (x, baseline y, text), centred
        self._rect = QRectF()
        self._bounds = QRectF()
        self.size = (0.0, 0.0)
        self.half = (2.0, 2.0)
        self._box: routing.Box | None = None  # see box()
        self.setFlags(QGraphicsItem.ItemIsSelectable | QGraphicsItem.ItemIsMovable
                      | QGraphicsItem.ItemSendsGeometryChanges)
        self.setZValue(1)

    def set_look(self, name: str, fill: QColor, border: QColor) -> None:
        metrics = _metrics()
        pad = 10.0
        if self.kind == NodeKind.ACCESS_POINT:
            width = min(max(metrics.horizontalAdvance(name) + 2 * pad + 16, 100.0), 190.0)
        else:
            width = style.NODE_WIDTH
        lines = wrap_label(name, metrics, width - 2 * pad, style.MAX_LABEL_LINES)
        line_h = metrics.lineSpacing()
        height = max(style.NODE_MIN_HEIGHT, len(lines) * line_h + 2 * pad)
        top = -len(lines) * line_h / 2 + metrics.ascent()
        self._lines = [(-line_width(metrics, line) / 2, top + i * line_h, line)
                       for i, line in enumerate(lines)]
        self.prepareGeometryChange()
        self._rect = QRectF(-width / 2, -height / 2, width, height)
        self.size = (width, height)  # the box's drawn size (read on every overview)
        self._bounds = self._rect.adjusted(-3, -3, 3, 3)  # room for the selected border
        self.half = (width / 2 + 2, height / 2 + 2)  # where flows meet the box
        self._box = None
        self.fill, self.border = fill, border
        if self.picture is not None:
            self.picture.invalidate()
        self.update()

    def set_colours(self, fill: QColor, border: QColor) -> None:
        """Another fill and border, the label and size kept (an overlay's colours)."""
        self.fill, self.border = fill, border
        if self.picture is not None:
            self.picture.invalidate()
        self.update()

    @property
    def rect(self) -> QRectF:
        return self._rect

    def box(self) -> routing.Box:
        """Where flows go round it, as :mod:`servicemap.graph.routing` reads boxes: its
        centre and size, with the small gap flows keep from its border (kept until it moves
        or changes size: each of its flows asks for it whenever any box moves)."""
        box = self._box
        if box is None:
            pos = self.pos()
            box = self._box = (pos.x(), pos.y(), 2 * self.half[0], 2 * self.half[1])
        return box

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(self._rect)
        return path

    def itemChange(self, change, value):
        # Called for every flag, position and scene change (80,000 times while a 10,000-service
        # map is built): compare by identity and skip the base call, which returns ``value``.
        if change is _POSITION_CHANGED:
            self._box = None
            together = _TOGETHER[-1] if _TOGETHER else None
            if together is not None:
                together.update(self.edges)  # adjusted once each when the move ends
            else:
                for edge in self.edges:
                    edge.adjust()
            if self.picture is not None:
                self.picture.invalidate()
        return value

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        lod = _lod(self, painter)
        strong = self.highlighted or self.isSelected()
        colour = style.NHS_BLUE if strong else self.border
        width = 3.0 if strong else 1.5
        rect = self._rect
        if lod < DETAIL_LOD:
            painter.setRenderHint(QPainter.Antialiasing, False)
            painter.setPen(QPen(colour, 0))
            painter.setBrush(self.fill)
            painter.drawRect(rect)
            return
        painter.setRenderHint(QPainter.Antialiasing, True)
        painter.setPen(QPen(colour, width))
        painter.setBrush(QBrush(self.fill))
        style.draw_shape(painter, self.kind, rect)
        painter.setPen(style.TEXT)
        painter.setFont(_font())
        fade = _fade(lod)
        if fade < 1.0:  # names fade in over the first zoom steps above DETAIL_LOD
            opacity = painter.opacity()
            painter.setOpacity(opacity * fade)
        for x, y, line in self._lines:
            painter.drawText(QPointF(x, y), line)
        if fade < 1.0:
            painter.setOpacity(opacity)  # the view does not save painter state per item


def _rounded(points: list[tuple[float, float]], radius: float = 8.0) -> QPainterPath:
    """A polyline as a path whose bends are rounded off (by at most half of either piece)."""
    path = QPainterPath(QPointF(*points[0]))
    for (ax, ay), (bx, by), (cx, cy) in zip(points, points[1:], points[2:], strict=False):
        into, out = math.hypot(bx - ax, by - ay), math.hypot(cx - bx, cy - by)
        r = min(radius, into / 2, out / 2)
        if r <= 0.5:
            path.lineTo(bx, by)
            continue
        path.lineTo(bx - (bx - ax) / into * r, by - (by - ay) / into * r)
        path.quadTo(QPointF(bx, by), QPointF(bx + (cx - bx) / out * r, by + (cy - by) / out * r))
    path.lineTo(QPointF(*points[-1]))
    return path


class FlowItem(QGraphicsItem):
    """An arrow from one node to another along its route (:mod:`servicemap.graph.routing`,
    given by the scene); width from volume, line style from flow type."""

    # While boxes are dragged, flows are drawn without antialiasing (three times cheaper);
    # the scene sets this on press and clears it, with a full repaint, on release.
    dragging = False

    def __init__(self, edge_id: str, source: NodeItem, target: NodeItem) -> None:
        super().__init__()
        self.edge_id = edge_id
        self.source, self.target = source, target
        self.flow_type = FlowType.REFERRAL
        self.width = style.UNKNOWN_WIDTH
        self.label = ""
        self.show_label = False
        self.label_at = 0.5  # where the number sits: this fraction of the line's length
        self._line: list[tuple[float, float]] = []  # the line as points (for the number)
        self._line_box = (math.inf, math.inf, -math.inf, -math.inf)  # its points' bounds
        self._route: list[tuple[float, float]] = []  # the route the scene gave, and the
        self._route_for: tuple = ()                   # boxes it was made for
        self.highlighted = False
        self.full_detail = False  # the scene sets it: draw all detail at any scale
        self.hovered = False  # the pointer is on it (the canvas sets this)
        self.layer = None  # the canvas's FlowLayer that draws it (render/flow_layer.py)
        self._drawing: tuple[QPainterPath, QPolygonF] | None = None  # see _path, _arrow
        self._bounds = QRectF()
        source.edges.append(self)
        target.edges.append(self)
        # ItemUsesExtendedStyleOption: paint() is told the part in view (option.exposedRect)
        self.setFlags(QGraphicsItem.ItemIsSelectable
                      | QGraphicsItem.ItemUsesExtendedStyleOption)
        self.setZValue(0)  # geometry comes with set_look, which every creator calls

    def set_look(self, flow_type: str, width: float, label: str) -> None:
        self.flow_type, self.width, self.label = flow_type, width, label
        self.adjust()

    def set_route(self, points: list[tuple[float, float]]) -> None:
        """Draw the flow along ``points`` (from the source box's edge to the target's) while
        its boxes stay where they are now; once one moves (a drag), it runs between their
        middle ports (:func:`servicemap.graph.routing.quick_route`) until routed again."""
        self._route = list(points)
        self._route_for = (self.source.box(), self.target.box())
        if _TOGETHER:  # boxes moving together: the line is worked out when they have moved
            _TOGETHER[-1].add(self)
        else:
            self.adjust()

    def update(self, *area) -> None:
        """Repaint the flow: with a layer, the layer's part under it (Qt does not repaint an
        item with no contents)."""
        if self.layer is None:
            super().update(*area)
        else:
            self.layer.changed(self._bounds)

    def detach(self) -> None:
        if self.layer is not None:
            self.layer.leave(self)
        for node in (self.source, self.target):
            if self in node.edges:
                node.edges.remove(self)

    def adjust(self) -> None:
        """Follow the boxes: the line's points and bounds now; the path and arrowhead drawn
        along them are made when first needed (:attr:`_path`), so moving 10,000 boxes at
        once (a layout, its undo) makes none for the flows no one looks at closely."""
        ends = (self.source.box(), self.target.box())
        if self._route and ends == self._route_for:
            points = self._route
        else:
            points = routing.quick_route(*ends)
        self._line = points
        self._drawing = None
        xs = [x for x, _y in points]
        ys = [y for _x, y in points]
        # the rounded bends stay within the points' bounds, and the arrowhead within pad
        pad = max(7.0 + self.width * 1.6 + self.width + 12, 32.0)  # room for the number
        self.prepareGeometryChange()
        if self.layer is not None:
            self.layer.moved(self, self._bounds)  # filed again, repainted where it was
        left, top = min(xs), min(ys)
        self._line_box = (left, top, max(xs), max(ys))
        self._bounds = QRectF(left - pad, top - pad, max(xs) - left + 2 * pad,
                              max(ys) - top + 2 * pad)
        self.update()

    @property
    def _path(self) -> QPainterPath:
        """The line as drawn: the points with their bends rounded off."""
        if self._drawing is None:
            self._drawing = self._draw_along(self._line)
        return self._drawing[0]

    @property
    def _arrow(self) -> QPolygonF:
        """The arrowhead along the line's last piece."""
        if self._drawing is None:
            self._drawing = self._draw_along(self._line)
        return self._drawing[1]

    def _draw_along(self, points) -> tuple[QPainterPath, QPolygonF]:
        if not points:
            return QPainterPath(), QPolygonF()
        path = _rounded(points) if len(points) > 2 else QPainterPath(QPointF(*points[0]))
        if len(points) == 2:
            path.lineTo(QPointF(*points[1]))
        (px, py), (ex, ey) = points[-2], points[-1]
        end = QPointF(ex, ey)
        angle = math.atan2(ey - py, ex - px)
        size = 7.0 + self.width * 1.6
        left = QPointF(ex - size * math.cos(angle - 0.42), ey - size * math.sin(angle - 0.42))
        right = QPointF(ex - size * math.cos(angle + 0.42), ey - size * math.sin(angle + 0.42))
        return path, QPolygonF([left, end, right])

    def boundingRect(self) -> QRectF:
        return self._bounds

    def line_points(self) -> list[tuple[float, float]]:
        """The line as drawn, as points from the source box to the target's (scene)."""
        return list(self._line)

    def label_size(self) -> tuple[float, float]:
        """The width and height of the number's white box; (0, 0) with no number."""
        if not self.label:
            return 0.0, 0.0
        _font, metrics = _label_font()
        return _advance(metrics, self.label) + 6, metrics.height()

    def label_centre(self) -> QPointF:
        """Where the number's box is centred (scene), :attr:`label_at` along the line."""
        x, y = point_at(self._line, self.label_at) if self._line else (0.0, 0.0)
        return QPointF(x, y)

    def midpoint(self) -> QPointF:
        """The middle of the drawn line (where its number sits), in scene coordinates."""
        return self.mapToScene(self._path.pointAtPercent(0.5))

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(max(8.0, self.width + 4))
        return stroker.createStroke(self._path)

    def path(self) -> QPainterPath:
        """The line as drawn (item coordinates), from the source box to the target's."""
        return QPainterPath(self._path)

    def distance_to(self, pos: QPointF) -> float:
        """How far ``pos`` (scene) is from the line, in scene units (to its nearest piece:
        samples would miss a point between them on a long line)."""
        local = self.mapFromScene(pos)
        x, y = local.x(), local.y()
        best = math.inf
        for (ax, ay), (bx, by) in zip(self._line, self._line[1:], strict=False):
            dx, dy = bx - ax, by - ay
            length2 = dx * dx + dy * dy
            t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy)
                                                    / length2))
            best = min(best, math.hypot(ax + t * dx - x, ay + t * dy - y))
        return best

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        part = (0.0, 1.0) if self.full_detail else visible_part(self._line,
                                                                  option.exposedRect)
        if part is None:
            return  # a long flow whose box, not its line, reaches into the view
        lod = _lod(self, painter)
        selected = self.isSelected()
        strong = selected or self.highlighted or self.hovered
        if lod < DETAIL_LOD:
            painter.setRenderHint(QPainter.Antialiasing, False)
            self._draw_line(painter, _thin_pen(strong), False, part)
            return
        painter.setRenderHint(QPainter.Antialiasing, lod >= SMOOTH_LOD and not FlowItem.dragging)
        line, head, dashed = _flow_pens(self.flow_type, self.width, strong, selected)
        painter.setBrush(Qt.NoBrush)
        self._draw_line(painter, line, dashed, part)
        self._draw_end(painter, head, part)

    def _draw_end(self, painter: QPainter, head: QPen, part: tuple[float, float]) -> None:
        """The arrowhead and the number, when they fall in ``part`` of the line."""
        # Of a straight line only the part in view (and 40 units round it) is drawn: the
        # arrowhead at its end and the number along it only when they fall in that part
        # (most long flows across a view at 100% show neither).
        t0, t1 = part
        if t1 >= 1.0:
            painter.setPen(head)
            if self.flow_type == FlowType.ESCALATION:
                painter.setBrush(head.color())
                painter.drawPolygon(self._arrow)
            else:
                painter.drawPolyline(self._arrow)
        if self.show_label and self.label and t0 <= self.label_at <= t1:
            self._paint_label(painter)

    def _draw_line(self, painter: QPainter, pen: QPen, dashed: bool,
                   part: tuple[float, float]) -> None:
        """Stroke the line, or of a long straight one only the part in view: Qt strokes (and
        dashes) a whole path before clipping it, which for a flow across a large map costs
        milliseconds. The dashes keep their phase, so they do not crawl as the view pans."""
        t0, t1 = part
        if (t0, t1) == (0.0, 1.0) or len(self._line) != 2:
            painter.setPen(raster_pen(painter, pen) if self.full_detail else pen)
            painter.drawPath(self._path)
            return
        (ax, ay), (bx, by) = self._line
        dx, dy = bx - ax, by - ay
        if dashed:
            pen = QPen(pen)
            pen.setDashOffset(t0 * math.hypot(dx, dy) / pen.widthF())
        painter.setPen(pen)
        painter.drawLine(QLineF(ax + t0 * dx, ay + t0 * dy, ax + t1 * dx, ay + t1 * dy))

    def _paint_label(self, painter: QPainter) -> None:
        font, _metrics = _label_font()
        painter.setFont(font)
        centre = self.label_centre()
        w, h = self.label_size()
        box = QRectF(centre.x() - w / 2, centre.y() - h / 2, w, h)
        painter.setPen(Qt.NoPen)
        painter.setBrush(QColor("white"))  # the white halo keeps numbers readable on lines
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(style.TEXT)
        painter.drawText(box, Qt.AlignCenter, self.label)


class StepBadge(QGraphicsItem):
    """The step number(s) of a highlighted pathway, at the top-left corner of a node's
    ``box`` (its rect, in the coordinates of the node the badge is anchored to)."""

    def __init__(self, text: str, box: QRectF) -> None:
        super().__init__()
        self.text = text
        font = style.label_font()
        font.setBold(True)
        self.font = font
        width = max(20.0, QFontMetricsF(font).horizontalAdvance(text) + 10)
        self._rect = QRectF(box.left() - width / 2, box.top() - 10, width, 20)
        self.setZValue(5)

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-1, -1, 1, 1)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.Antialiasing, True)
        painter.setPen(QPen(QColor("white"), 1.5))
        painter.setBrush(style.NHS_BLUE)
        painter.drawRoundedRect(self._rect, 10, 10)
        painter.setFont(self.font)
        painter.setPen(QColor("white"))
        painter.drawText(self._rect, Qt.AlignCenter, self.text)
