"""A large map's exported picture drawn straight from plain records (issue #21).

Above :data:`servicemap.render.export.ROUTE_LIMIT` flows an export draws every flow straight
between its boxes' middle ports, and building one ``QGraphicsItem`` per service and flow
(then letting the scene paint them one by one) was most of the time of a whole export. Here
the same boxes and lines are kept as plain records (:class:`Box`, :class:`Line`) made with the
items' own rules (the name wrapped as :class:`~servicemap.render.items.NodeItem` wraps it, the
line :func:`servicemap.graph.routing.quick_route` gives a flow whose boxes are not routed, the
colours, widths and dashes of :mod:`servicemap.render.style`), and :class:`LargeMap` paints
them batched: one path per pen for the lines and the arrowheads, the boxes with as few pen
and brush changes as their order allows, text only where it can be read.

:class:`LargeMap` stands where an export keeps its ``MapScene`` (``render``, ``flows``,
``nodes``, ``routed``, ``decorations``, ``detach``), so the page, its plan, its tiles and the
legend draw a large map as they draw a small one.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPaintEngine,
    QPainter,
    QPainterPath,
    QPen,
)

from servicemap.graph import routing
from servicemap.graph.document import Document
from servicemap.graph.flow_labels import point_at
from servicemap.graph.placement import boxes_corner, unplaced_positions
from servicemap.model import DRAWN_EDGE_KINDS, DRAWN_KINDS, EdgeKind, FlowType, NodeKind
from servicemap.render import style
from servicemap.render.hairline import raster_pen
from servicemap.render.items import line_width, wrap_label
from servicemap.render.line_paths import Bands, add_line, add_part, arrow, flow_pens, grown

PAD_BOX = 3.0      # a box's bounds around its rectangle (room for a selected border)
PORT_GAP = 2.0     # flows meet a box this far outside its border
# Text smaller than this many device pixels is not drawn on a raster page (PNG): at 0.6 px a
# name is a grey smear, not letters. Vector pages (PDF, SVG) keep every name: they zoom.
MIN_TEXT_PX = 3.0
BANDS = 256        # flows and boxes are filed in this many bands down the map (Bands)
CHUNK = 4096       # flows stroked at a time
_RASTER = QPaintEngine.Type.Raster
SOLID = (Qt.SolidLine, None, "")  # an unknown flow type: drawn as a referral is
_WHITE = QColor("white")


def _metrics(font: QFont) -> QFontMetricsF:
    return QFontMetricsF(font)


class Box:
    """A drawn node: its centre, size, colours and name lines (as the item draws them)."""

    __slots__ = ("node_id", "kind", "x", "y", "w", "h", "fill", "border", "lines", "look")

    def __init__(self, node_id: str, kind: str) -> None:
        self.node_id, self.kind = node_id, kind
        self.x = self.y = 0.0
        self.w = self.h = 0.0
        self.fill = self.border = _WHITE
        self.lines: list[tuple[float, float, str]] = []  # (dx, baseline dy, text)
        self.look: int = 0  # boxes drawn with one pen and brush share it

    def scene_rect(self) -> QRectF:
        return QRectF(self.x - self.w / 2, self.y - self.h / 2, self.w, self.h)

    def edges(self) -> tuple[float, float, float, float]:
        """left, top, right, bottom."""
        hw, hh = self.w / 2, self.h / 2
        return self.x - hw, self.y - hh, self.x + hw, self.y + hh

    def route_box(self) -> routing.Box:
        return self.x, self.y, self.w + 2 * PORT_GAP, self.h + 2 * PORT_GAP


class Line:
    """A drawn flow: its ends, look, number and the line's points (scene)."""

    __slots__ = ("edge_id", "source", "target", "flow_type", "width", "label", "label_at",
                 "show_label", "points", "volume")

    def __init__(self, edge_id: str, source: str, target: str, flow_type: str,
                 volume, points: list[tuple[float, float]]) -> None:
        self.edge_id, self.source, self.target = edge_id, source, target
        self.flow_type = flow_type
        self.volume = volume
        self.width = style.flow_width(volume)
        self.label = "" if volume is None else f"{volume:,g}"
        self.label_at = 0.5
        self.show_label = False
        self.points = points

    def line_points(self) -> list[tuple[float, float]]:
        return list(self.points)

    def passes(self, view) -> bool:
        """Whether a piece of the line, with the room its arrowhead and number take round
        it (as in :meth:`bounds`), meets ``view`` (left, top, right, bottom): a long route's
        bounds cover many tiles of a PDF its line never crosses."""
        pad = max(7.0 + self.width * 1.6 + self.width + 12, 32.0)
        left, top, right, bottom = view[0] - pad, view[1] - pad, view[2] + pad, view[3] + pad
        points = self.points
        for (ax, ay), (bx, by) in zip(points, points[1:], strict=False):
            if min(ax, bx) <= right and max(ax, bx) >= left and min(ay, by) <= bottom \
                    and max(ay, by) >= top:
                return True
        return False

    def bounds(self) -> tuple[float, float, float, float]:
        """left, top, right, bottom of what the flow may draw (as FlowItem's bounds)."""
        xs = [x for x, _y in self.points]
        ys = [y for _x, y in self.points]
        pad = max(7.0 + self.width * 1.6 + self.width + 12, 32.0)
        return min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad


def drawn_flow_count(doc: Document) -> int:
    """How many flows a picture of the whole map draws (both ends drawn boxes)."""
    graph = doc.graph
    drawn = {n for n, kind in graph.nodes(data="kind") if kind in DRAWN_KINDS}
    return sum(1 for u, v, kind in graph.edges(data="kind")
               if kind in DRAWN_EDGE_KINDS and u in drawn and v in drawn)


class LargeMap:
    """The boxes and lines of the whole map as records, and their painting; stands where an
    export keeps its scene."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.nodes: dict[str, Box] = {}
        self.flows: dict[str, Line] = {}
        self.notes: dict = {}  # a large-map picture is only made for a map without notes
        self.background: QColor | None = _WHITE
        graph = doc.graph
        self._parents = {u: v for u, v, kind in graph.edges(data="kind")
                         if kind == EdgeKind.PART_OF}
        self.colours = style.group_colours(doc, self._parents)
        self.looks: list[tuple[QColor, QColor]] = []
        self._bands: tuple[Bands, Bands] | None = None  # the flows', the boxes'
        self._whole: QRectF | None = None  # see bounding_rect
        self._make_boxes()
        self._make_lines()

    # ----- the scene's face --------------------------------------------------------------
    def group_of(self, node_id: str) -> str | None:
        return self._parents.get(node_id)

    def routed(self) -> bool:
        return False  # every flow runs between its boxes' middle ports

    def decorations(self, _layer: str) -> list:
        return []

    def detach(self) -> None:
        """Nothing to stop: the records do not follow the document."""

    def setBackgroundBrush(self, brush) -> None:  # noqa: N802 - MapScene's name
        self.background = None if brush == Qt.NoBrush else QColor(brush)

    def bounding_rect(self) -> QRectF:
        """What the items' bounding rectangle would be (boxes and flows with their room)."""
        if self._whole is None:
            self._whole = self._bounding_rect()
        return QRectF(self._whole)

    def _bounding_rect(self) -> QRectF:
        left = top = math.inf
        right = bottom = -math.inf
        for box in self.nodes.values():
            x0, y0, x1, y1 = grown(box.edges(), PAD_BOX)
            left, top, right, bottom = min(left, x0), min(top, y0), max(right, x1), max(bottom, y1)
        for line in self.flows.values():
            x0, y0, x1, y1 = line.bounds()
            left, top, right, bottom = min(left, x0), min(top, y0), max(right, x1), max(bottom, y1)
        if left == math.inf:
            return QRectF()
        return QRectF(left, top, right - left, bottom - top)

    # ----- records -------------------------------------------------------------------------
    def _make_boxes(self) -> None:
        font = style.label_font()
        metrics = _metrics(font)
        line_h, ascent = metrics.lineSpacing(), metrics.ascent()
        pad = 10.0
        looks: dict[tuple[str, str], int] = {}
        widths: dict[str, float] = {}  # of words: names share most of theirs

        def advance(word: str) -> float:
            found = widths.get(word)
            if found is None:
                found = widths[word] = line_width(metrics, word)
            return found

        space = line_width(metrics, " ")
        unplaced = []
        for node_id, attrs in self.doc.graph.nodes(data=True):
            kind = attrs["kind"]
            if kind not in DRAWN_KINDS:
                continue
            box = Box(node_id, kind)
            name = attrs["name"]
            if kind == NodeKind.ACCESS_POINT:
                width = min(max(metrics.horizontalAdvance(name) + 2 * pad + 16, 100.0), 190.0)
            else:
                width = style.NODE_WIDTH
            words = name.split()
            room = width - 2 * pad
            one = sum(map(advance, words)) + space * (len(words) - 1)
            if words and one <= room:  # on one line: what wrap_label makes of it, sooner
                placed = [(-one / 2, ascent - line_h / 2, " ".join(words))]
            else:
                lines = wrap_label(name, metrics, room, style.MAX_LABEL_LINES)
                first = -len(lines) * line_h / 2 + ascent
                placed = [(-line_width(metrics, text) / 2, first + i * line_h, text)
                          for i, text in enumerate(lines)]
            box.w = width
            box.h = max(style.NODE_MIN_HEIGHT, len(placed) * line_h + 2 * pad)
            box.lines = placed
            if kind == NodeKind.SERVICE:
                group = self._parents.get(node_id)
                key = (kind, group if group in self.colours else "")
            else:
                key = (kind, "")
            look = looks.get(key)
            if look is None:
                look = looks[key] = len(self.looks)
                if kind == NodeKind.SERVICE:
                    colour = self.colours[key[1]] if key[1] else style.NO_GROUP
                    self.looks.append((style.tint(colour), style.border_colour(colour)))
                else:
                    self.looks.append((QColor("white"), style.DARK_GREY))
            box.look = look
            box.fill, box.border = self.looks[look]
            if attrs["x"] is not None and attrs["y"] is not None:
                box.x, box.y = float(attrs["x"]), float(attrs["y"])
            else:
                unplaced.append(box)
            self.nodes[node_id] = box
        if unplaced:  # on the grid below the others, as the scene puts them
            waiting = {id(b) for b in unplaced}
            corner = boxes_corner((b.x, b.y, b.w, b.h) for b in self.nodes.values()
                                  if id(b) not in waiting)
            spots = unplaced_positions(corner, [(b.w, b.h) for b in unplaced])
            for box, (x, y) in zip(unplaced, spots, strict=True):
                box.x, box.y = x, y

    def _make_lines(self) -> None:
        nodes = self.nodes
        ports = {n: b.route_box() for n, b in nodes.items()}
        quick = routing.quick_route
        for u, v, key, attrs in self.doc.graph.edges(keys=True, data=True):
            if attrs["kind"] not in DRAWN_EDGE_KINDS or u not in nodes or v not in nodes:
                continue
            self.flows[key] = Line(key, u, v, attrs["flow_type"],
                                   attrs.get("volume_per_year"), quick(ports[u], ports[v]))

    # ----- painting ------------------------------------------------------------------------
    def render(self, painter: QPainter, target: QRectF, source: QRectF,
               mode=Qt.KeepAspectRatio) -> None:
        """Paint the part ``source`` (scene) into ``target`` as ``QGraphicsScene.render``
        does: clipped to the target, scaled (keeping the aspect ratio) from its top-left."""
        if source.isEmpty() or target.isEmpty():
            return
        sx, sy = target.width() / source.width(), target.height() / source.height()
        if mode == Qt.KeepAspectRatio:
            sx = sy = min(sx, sy)
        painter.save()
        painter.setClipRect(target, Qt.IntersectClip)
        painter.translate(target.left(), target.top())
        painter.scale(sx, sy)
        painter.translate(-source.left(), -source.top())
        if self.background is not None:
            painter.fillRect(source, self.background)
        view = (source.left(), source.top(), source.right(), source.bottom())
        raster = painter.paintEngine() is not None and painter.paintEngine().type() == _RASTER
        device = painter.worldTransform().m11()
        flows, nodes = list(self.flows.values()), list(self.nodes.values())
        whole = self.bounding_rect()
        part = None
        if source.contains(whole):  # the whole map (one page): everything, no bands
            lines, boxes = flows, nodes
        else:  # a part of the map (a tile): only what passes through it
            if self._bands is None:  # made for the first tile: the records are all made
                self._bands = (Bands([line.bounds() for line in flows]),
                               Bands([grown(b.edges(), PAD_BOX) for b in nodes]))
            lines = [flows[n] for n in self._bands[0].meeting(view)]
            lines = [line for line in lines if line.passes(view)]
            boxes = [nodes[n] for n in self._bands[1].meeting(view)]
            part = view
        self._paint_lines(painter, lines, 0.0 if raster and 8.0 * device < 0.5 else 8.0, part)
        numbers_font = style.label_font()
        numbers_font.setPointSizeF(style.FLOW_NUMBER_PT)
        self._paint_numbers(painter, lines, numbers_font,
                            not raster or _text_px(numbers_font, device) >= MIN_TEXT_PX)
        self._paint_boxes(painter, boxes)
        font = style.label_font()
        if not raster or _text_px(font, device) >= MIN_TEXT_PX:
            self._paint_names(painter, boxes, font)
        painter.restore()

    def _paint_lines(self, painter: QPainter, lines: list[Line], radius: float,
                     part=None) -> None:
        """One path per pen for the lines, one per pen for the arrowheads (filled for an
        escalation): the few looks a map has, not one draw per flow (drawn every
        :data:`CHUNK` flows, so the paths never hold a whole large map). ``radius``: of the
        rounded bends (0 where they would be under half a pixel); ``part``: the map's part
        on the page (left, top, right, bottom), when it is not all of it (a PDF's tile)."""
        paths: dict[tuple[str, float], QPainterPath] = {}
        heads: dict[tuple[str, float], QPainterPath] = {}
        pens: dict[tuple[str, float], tuple[QPen, QPen]] = {}
        painter.setRenderHint(QPainter.Antialiasing, True)
        painter.setBrush(Qt.NoBrush)
        for start in range(0, len(lines), CHUNK):
            for line in lines[start:start + CHUNK]:
                key = (line.flow_type, line.width)
                path = paths.get(key)
                if path is None:
                    path = paths[key] = QPainterPath()
                    heads[key] = QPainterPath()
                    heads[key].setFillRule(Qt.WindingFill)  # heads meeting at a port
                if part is None:
                    add_line(path, line.points, radius)
                else:  # a part of the map (a tile): what passes through it
                    pad = max(7.0 + line.width * 1.6 + line.width + 12, 32.0)
                    room = (part[0] - pad, part[1] - pad, part[2] + pad, part[3] + pad)
                    if style.FLOW_STYLES.get(line.flow_type, SOLID)[1] is None:
                        add_part(path, line.points, radius, room)
                    else:  # dashed: whole, so its dashes keep their places
                        add_line(path, line.points, radius)
                    ex, ey = line.points[-1]
                    if not (room[0] <= ex <= room[2] and room[1] <= ey <= room[3]):
                        continue  # its arrowhead is not on this part
                heads[key].addPolygon(arrow(line.points, line.width))
                if line.flow_type == FlowType.ESCALATION:  # filled: a closed polygon
                    heads[key].closeSubpath()
            for key in paths:
                if key not in pens:
                    pens[key] = flow_pens(*key)
            self._stroke(painter, paths, heads, pens)
            paths, heads = {}, {}

    @staticmethod
    def _stroke(painter: QPainter, paths, heads, pens) -> None:
        for key, path in paths.items():
            painter.setPen(raster_pen(painter, pens[key][0]))
            painter.drawPath(path)
        for key, path in heads.items():
            head = pens[key][1]
            painter.setPen(head)
            if key[0] == FlowType.ESCALATION:
                painter.setBrush(head.color())
                painter.drawPath(path)
                painter.setBrush(Qt.NoBrush)
            else:
                painter.drawPath(path)

    def _paint_numbers(self, painter: QPainter, lines: list[Line], font: QFont,
                       text: bool) -> None:
        """Each number's white box, and its text when ``text`` (where it can be read)."""
        shown = [f for f in lines if f.show_label and f.label]
        if not shown:
            return
        metrics = _metrics(font)
        painter.setFont(font)
        height = metrics.height()
        widths: dict[str, float] = {}
        for line in shown:
            w = widths.get(line.label)
            if w is None:
                w = widths[line.label] = metrics.horizontalAdvance(line.label) + 6
            x, y = point_at(line.points, line.label_at)
            box = QRectF(x - w / 2, y - height / 2, w, height)
            painter.setPen(Qt.NoPen)
            painter.setBrush(_WHITE)  # the white halo keeps numbers readable on lines
            painter.drawRoundedRect(box, 3, 3)
            if text:
                painter.setPen(style.TEXT)
                painter.drawText(box, Qt.AlignCenter, line.label)

    def _paint_boxes(self, painter: QPainter, boxes: list[Box]) -> None:
        painter.setRenderHint(QPainter.Antialiasing, True)
        pens = [QPen(border, 1.5) for _fill, border in self.looks]
        look = -1
        for box in boxes:
            if box.look != look:
                look = box.look
                painter.setPen(pens[look])
                painter.setBrush(self.looks[look][0])
            style.draw_shape(painter, box.kind, box.scene_rect())

    def _paint_names(self, painter: QPainter, boxes: list[Box], font: QFont) -> None:
        painter.setPen(style.TEXT)
        painter.setFont(font)
        for box in boxes:
            for dx, dy, text in box.lines:
                painter.drawText(QPointF(box.x + dx, box.y + dy), text)


def _text_px(font: QFont, scale: float) -> float:
    """The height of ``font`` (points, at 96 DPI units) in device pixels at ``scale``."""
    return font.pointSizeF() * 96 / 72 * abs(scale)
