"""The legend: exactly the colours, shapes, line styles and widths a map scene is drawing,
as data (:class:`Entry`) and painted; shared by the Legend dock and every exported page."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPen

from servicemap.model import DRAWN_KINDS, FlowType, NodeKind
from servicemap.render import style

ROW_H = 22.0
SWATCH_W = 44.0


@dataclass
class Entry:
    kind: str        # "heading", "group", "node", "flow", "width", "swatch", "text"
    label: str
    colour: QColor | None = None
    shape: str = ""
    flow_type: str = ""
    width: float = 1.5
    # "swatch" (an overlay's bin): ``colour`` is the fill itself, with this border, an inner
    # ring of ``ring`` points, or hatched (unknown); "text" is a line without a swatch
    border: QColor | None = None
    ring: float = 0.0
    hatched: bool = False


OVERLAY_SERVICE_LABEL = "Service (rounded box, colour = overlay)"


def legend_entries(scene) -> list[Entry]:
    """What the scene shows now, in reading order: groups, node kinds, flow types, widths.

    While an overlay colours the services (the scene's ``colour_meaning``: its title) the
    groups' colours are not listed: the heading names the overlay (an exported picture puts
    its bins there, the window has the Overlay legend dock beside)."""
    doc = scene.doc
    meaning = scene.colour_meaning
    entries: list[Entry] = []
    used_groups = {scene.group_of(n) for n, item in scene.nodes.items()
                   if item.kind == NodeKind.SERVICE}
    groups = [g for g in scene.colours if g in used_groups]
    if meaning and used_groups:
        entries.append(Entry("heading", f"Service colour: {meaning}"))
    elif groups or None in used_groups:
        entries.append(Entry("heading", "Service colour: directorate or organisation"))
        for g in groups:
            entries.append(Entry("group", doc.graph.nodes[g]["name"], scene.colours[g]))
        if None in used_groups:
            entries.append(Entry("group", "No directorate or organisation", style.NO_GROUP))
    kinds = {item.kind for item in scene.nodes.values()}
    if kinds:
        entries.append(Entry("heading", "Shapes"))
        for kind in DRAWN_KINDS:
            if kind in kinds:
                label = OVERLAY_SERVICE_LABEL if kind == NodeKind.SERVICE and meaning \
                    else style.NODE_KIND_LABELS[kind]
                entries.append(Entry("node", label, shape=kind))
    flow_types = {item.flow_type for item in scene.flows.values()}
    if flow_types:
        entries.append(Entry("heading", "Flows (arrow shows direction)"))
        for ft in FlowType:
            if ft in flow_types:
                entries.append(Entry("flow", style.FLOW_STYLES[ft][2], flow_type=ft))
        flows = scene.flows  # the volumes read straight from the graph: 50,000 flows
        volumes = {volume for _u, _v, k, volume in
                   doc.graph.edges(keys=True, data="volume_per_year") if k in flows}
        widths = {style.width_bin_label(volume) for volume in volumes}
        entries.append(Entry("heading", "People per year (line width)"))
        for _bound, width, label in style.WIDTH_BINS:
            if label in widths:
                entries.append(Entry("width", label, width=width))
        if "volume unknown" in widths:
            entries.append(Entry("width", "Volume unknown", width=style.UNKNOWN_WIDTH))
    return entries


def paint_entries(painter: QPainter, entries: list[Entry], origin: QPointF, width: float) -> None:
    """Draw legend entries from ``origin`` down; shared by the dock and (later) exports."""
    font = style.label_font()
    bold = style.label_font()
    bold.setBold(True)
    metrics = QFontMetricsF(font)
    y = origin.y()
    painter.setRenderHint(QPainter.Antialiasing, True)
    for e in entries:
        if e.kind == "heading":
            painter.setFont(bold)
            painter.setPen(style.TEXT)
            painter.drawText(QPointF(origin.x(), y + ROW_H * 0.7 + 4), e.label)
            y += ROW_H + 4
            continue
        if e.kind == "text":
            painter.setFont(font)
            painter.setPen(style.TEXT)
            text = metrics.elidedText(e.label, Qt.ElideRight, width)
            painter.drawText(QPointF(origin.x(), y + ROW_H * 0.7), text)
            y += ROW_H
            continue
        swatch = QRectF(origin.x(), y + 3, SWATCH_W, ROW_H - 6)
        _paint_swatch(painter, e, swatch)
        painter.setFont(font)
        painter.setPen(style.TEXT)
        text = metrics.elidedText(e.label, Qt.ElideRight, width - SWATCH_W - 10)
        painter.drawText(QPointF(origin.x() + SWATCH_W + 8, y + ROW_H * 0.7), text)
        y += ROW_H


def entries_height(entries: list[Entry]) -> float:
    return sum(ROW_H + (4 if e.kind == "heading" else 0) for e in entries)


def _paint_swatch(painter: QPainter, e: Entry, r: QRectF) -> None:
    if e.kind == "swatch":
        painter.setPen(QPen(e.border or style.DARK_GREY, 1.5))
        painter.setBrush(e.colour)
        painter.drawRoundedRect(r, 4, 4)
        if e.hatched:
            painter.fillRect(r.adjusted(2, 2, -2, -2), QBrush(e.border or style.DARK_GREY,
                                                              Qt.BDiagPattern))
        elif e.ring:
            painter.setPen(QPen(e.border, e.ring))
            painter.setBrush(Qt.NoBrush)
            inset = 1.5 + e.ring / 2
            painter.drawRoundedRect(r.adjusted(inset, inset, -inset, -inset), 3, 3)
    elif e.kind == "group":
        painter.setPen(QPen(style.border_colour(e.colour), 1.5))
        painter.setBrush(style.tint(e.colour))
        painter.drawRoundedRect(r, 4, 4)
    elif e.kind == "node":
        painter.setPen(QPen(style.DARK_GREY, 1.5))
        painter.setBrush(QColor("white"))
        if e.shape == NodeKind.ACCESS_POINT:
            painter.drawRoundedRect(r, r.height() / 2, r.height() / 2)
        elif e.shape == NodeKind.EXIT:
            painter.drawRect(r)
            painter.drawRect(r.adjusted(3, 3, -3, -3))
        else:
            painter.setBrush(QColor("#F2F2F2"))
            painter.drawRoundedRect(r, 4, 4)
    else:
        flow_type = e.flow_type or FlowType.REFERRAL
        pen_style, dashes, _ = style.FLOW_STYLES[flow_type]
        width = e.width if e.kind == "width" else 2.0
        pen = QPen(style.DARK_GREY, width, pen_style if e.kind == "flow" else Qt.SolidLine,
                   Qt.FlatCap)
        if dashes and e.kind == "flow":
            pen.setDashPattern(dashes)
        painter.setPen(pen)
        mid = r.center().y()
        painter.drawLine(QPointF(r.left(), mid), QPointF(r.right() - 4, mid))
        head = [QPointF(r.right() - 10, mid - 5), QPointF(r.right() - 2, mid),
                QPointF(r.right() - 10, mid + 5)]
        painter.setPen(QPen(style.DARK_GREY, 1.5))
        if flow_type == FlowType.ESCALATION and e.kind == "flow":
            painter.setBrush(style.DARK_GREY)
            painter.drawPolygon(head)
        else:
            painter.drawPolyline(head)
