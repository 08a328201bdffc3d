"""Graphics items: a node box and a flow arrow. They draw themselves and know only their id.

What they look like (colour, label, flow type, volume) is given to them by the scene, which
reads the document; items never read or write the document.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
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
from PySide6.QtWidgets import QGraphicsItem, QStyle, QStyleOptionGraphicsItem

from servicemap.model import FlowType, NodeKind
from servicemap.ui import style

DETAIL_LOD = 0.3  # below this zoom, labels give way to plain boxes


def wrap_label(text: str, metrics: QFontMetricsF, width: float, max_lines: int) -> list[str]:
    """Greedy word wrap to ``width``; the last line is elided when the text is longer."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for i, word in enumerate(words):
        candidate = f"{current} {word}".strip()
        if metrics.horizontalAdvance(candidate) <= width or not current:
            current = candidate
            continue
        lines.append(current)
        current = word
        if len(lines) == max_lines - 1:
            current = " ".join(words[i:])
            break
    if current:
        lines.append(current)
    return [metrics.elidedText(line, Qt.ElideRight, width) for line in lines[:max_lines]] or [""]


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
        self._lines: list[str] = []
        self._rect = QRectF()
        self.setFlags(QGraphicsItem.ItemIsSelectable | QGraphicsItem.ItemIsMovable
                      | QGraphicsItem.ItemSendsGeometryChanges)
        self.setZValue(1)

    def set_look(self, name: str, fill: QColor, border: QColor, tooltip: str) -> None:
        metrics = QFontMetricsF(style.label_font())
        pad = 10.0
        if self.kind == NodeKind.ACCESS_POINT:
            width = min(max(metrics.horizontalAdvance(name) + 2 * pad + 16, 100.0), 190.0)
        else:
            width = style.NODE_WIDTH
        self._lines = wrap_label(name, metrics, width - 2 * pad, style.MAX_LABEL_LINES)
        height = max(style.NODE_MIN_HEIGHT, len(self._lines) * metrics.lineSpacing() + 2 * pad)
        self.prepareGeometryChange()
        self._rect = QRectF(-width / 2, -height / 2, width, height)
        self.fill, self.border = fill, border
        self.setToolTip(tooltip)
        self.update()

    @property
    def rect(self) -> QRectF:
        return self._rect

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-3, -3, 3, 3)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(self._rect)
        return path

    def itemChange(self, change, value):
        if change == QGraphicsItem.ItemPositionHasChanged:
            for edge in self.edges:
                edge.adjust()
        return super().itemChange(change, value)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        selected = bool(option.state & QStyle.State_Selected)
        colour = style.NHS_BLUE if (selected or self.highlighted) else self.border
        width = 3.0 if (selected or self.highlighted) else 1.5
        rect = self._rect
        if lod < DETAIL_LOD:
            painter.setPen(QPen(colour, 0))
            painter.setBrush(self.fill)
            painter.drawRect(rect)
            return
        painter.setRenderHint(QPainter.Antialiasing, True)
        painter.setPen(QPen(colour, width))
        painter.setBrush(QBrush(self.fill))
        if self.kind == NodeKind.ACCESS_POINT:
            radius = rect.height() / 2
            painter.drawRoundedRect(rect, radius, radius)
        elif self.kind == NodeKind.EXIT:
            painter.drawRect(rect)
            painter.setBrush(Qt.NoBrush)
            painter.drawRect(rect.adjusted(4, 4, -4, -4))
        else:
            painter.drawRoundedRect(rect, 8, 8)
        painter.setPen(style.TEXT)
        painter.setFont(style.label_font())
        metrics = QFontMetricsF(painter.font())
        line_h = metrics.lineSpacing()
        top = -len(self._lines) * line_h / 2 + metrics.ascent()
        for i, line in enumerate(self._lines):
            x = -metrics.horizontalAdvance(line) / 2
            painter.drawText(QPointF(x, top + i * line_h), line)


def _boundary(center: QPointF, rect: QRectF, toward: QPointF) -> QPointF:
    """Where the line from ``center`` toward ``toward`` leaves ``rect`` (centred on center)."""
    dx, dy = toward.x() - center.x(), toward.y() - center.y()
    if dx == 0 and dy == 0:
        return QPointF(center)
    hw, hh = rect.width() / 2 + 2, rect.height() / 2 + 2
    scale = min(hw / abs(dx) if dx else math.inf, hh / abs(dy) if dy else math.inf)
    return QPointF(center.x() + dx * scale, center.y() + dy * scale)


class FlowItem(QGraphicsItem):
    """An arrow from one node to another; width from volume, line style from flow type."""

    def __init__(self, edge_id: str, source: NodeItem, target: NodeItem) -> None:
        super().__init__()
        self.edge_id = edge_id
        self.source, self.target = source, target
        self.flow_type = FlowType.REFERRAL
        self.width = style.UNKNOWN_WIDTH
        self.bend = 0.0  # perpendicular offset of the curve's control point (parallel flows)
        self.label = ""
        self.show_label = False
        self.highlighted = False
        self._path = QPainterPath()
        self._arrow = QPolygonF()
        self._bounds = QRectF()
        source.edges.append(self)
        target.edges.append(self)
        self.setFlags(QGraphicsItem.ItemIsSelectable)
        self.setZValue(0)
        self.adjust()

    def set_look(self, flow_type: str, width: float, label: str, tooltip: str) -> None:
        self.flow_type, self.width, self.label = flow_type, width, label
        self.setToolTip(tooltip)
        self.adjust()

    def detach(self) -> None:
        for node in (self.source, self.target):
            if self in node.edges:
                node.edges.remove(self)

    def adjust(self) -> None:
        a, b = self.source.pos(), self.target.pos()
        mid = (a + b) / 2
        dx, dy = b.x() - a.x(), b.y() - a.y()
        length = math.hypot(dx, dy) or 1.0
        control = QPointF(mid.x() - dy / length * self.bend, mid.y() + dx / length * self.bend)
        start = _boundary(a, self.source.rect, control if self.bend else b)
        end = _boundary(b, self.target.rect, control if self.bend else a)
        path = QPainterPath(start)
        if self.bend:
            path.quadTo(control, end)
        else:
            path.lineTo(end)
        # Arrowhead along the last tangent.
        angle = math.radians(-path.angleAtPercent(1.0))
        size = 7.0 + self.width * 1.6
        left, right = (QPointF(end.x() - size * math.cos(angle + turn),
                               end.y() - size * math.sin(angle + turn)) for turn in (-0.42, 0.42))
        self.prepareGeometryChange()
        self._path = path
        self._arrow = QPolygonF([left, end, right])
        pad = size + self.width + 12
        self._bounds = path.boundingRect().adjusted(-pad, -pad, pad, pad)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(max(8.0, self.width + 4))
        return stroker.createStroke(self._path)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget=None) -> None:
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        selected = bool(option.state & QStyle.State_Selected)
        colour = style.NHS_BLUE if (selected or self.highlighted) else style.DARK_GREY
        width = self.width + (1.5 if selected else 0)
        if lod < DETAIL_LOD:
            painter.setPen(QPen(colour, 0))
            painter.drawPath(self._path)
            return
        painter.setRenderHint(QPainter.Antialiasing, True)
        pen_style, dashes, _ = style.FLOW_STYLES.get(self.flow_type, style.FLOW_STYLES["referral"])
        if self.flow_type == FlowType.SIGNPOST:
            width = min(width, 1.2)
        pen = QPen(colour, width, pen_style, Qt.FlatCap, Qt.MiterJoin)
        if dashes:
            pen.setDashPattern(dashes)
        painter.setPen(pen)
        painter.setBrush(Qt.NoBrush)
        painter.drawPath(self._path)
        head = QPen(colour, max(1.2, min(width, 2.5)), Qt.SolidLine, Qt.RoundCap, Qt.MiterJoin)
        painter.setPen(head)
        if self.flow_type == FlowType.ESCALATION:
            painter.setBrush(colour)
            painter.drawPolygon(self._arrow)
        else:
            painter.drawPolyline(self._arrow)
        if self.show_label and self.label:
            self._paint_label(painter)

    def _paint_label(self, painter: QPainter) -> None:
        font = style.label_font()
        font.setPointSizeF(8)
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        mid = self._path.pointAtPercent(0.5)
        w, h = metrics.horizontalAdvance(self.label) + 6, metrics.height()
        box = QRectF(mid.x() - w / 2, mid.y() - h / 2, w, h)
        painter.setPen(Qt.NoPen)
        painter.setBrush(QColor("white"))  # the white halo keeps numbers readable on lines
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(style.TEXT)
        painter.drawText(box, Qt.AlignCenter, self.label)


class StepBadge(QGraphicsItem):
    """The step number(s) of a highlighted pathway, at a node's top-left corner."""

    def __init__(self, text: str, node: NodeItem) -> None:
        super().__init__(node)
        self.text = text
        font = style.label_font()
        font.setBold(True)
        self.font = font
        width = max(20.0, QFontMetricsF(font).horizontalAdvance(text) + 10)
        self._rect = QRectF(node.rect.left() - width / 2, node.rect.top() - 10, width, 20)
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
