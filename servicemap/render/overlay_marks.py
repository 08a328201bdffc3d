"""Overlay marks on a map scene: services coloured by one analysis measure (five bins on a
sequential, colour-blind-safe scale, ColorBrewer YlOrBr, with a badge and a ring that thickens
with the bin: the cue without colour; unknown grey, hatched, "?"), and the rates overlay on
partnership containers. Shared by the window's overlay
(:mod:`servicemap.ui.features.analysis.overlay`) and exported pictures
(``servicemap export ... --overlay NAME``, :mod:`servicemap.render.export`). The measures, their
bins and each service's figure: :mod:`servicemap.graph.measures`.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from servicemap.graph.measures import MEASURES, Measure, partnership_own_rates
from servicemap.model import NodeKind
from servicemap.render import corner, style
from servicemap.render.legend import Entry

SCALE = [QColor(c) for c in ("#FFF7BC", "#FEE391", "#FEC44F", "#FB9A29", "#EC7014")]
RINGS = [0.0, 0.0, 1.5, 3.0, 4.5]  # inner border width by bin: the cue without colour
UNKNOWN_FILL = QColor("#E8ECEE")
UNKNOWN_BORDER = QColor("#768692")
HATCH = QColor("#768692")
LAYER = "overlay"  # the scene's decoration layer of the marks


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
    corner_order = 1  # left of a "shared" tag on the box's corner (servicemap.render.corner)

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
        self.badge_rect = QRectF(rect.right() - w - corner.EDGE, rect.top() - h / 2 - 2, w, h)
        if self.parentItem() is not None:  # drawn: beside the box's other corner marks
            corner.arrange(self.parentItem())
        self.update()

    def corner_width(self) -> float:
        return self.badge_rect.width()

    def place_corner(self, right: float) -> None:
        if right != self.badge_rect.right():
            self.prepareGeometryChange()
            self.badge_rect.moveRight(right)
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




def mark_services(scene, measure: Measure, old: dict[str, OverlayMark] | None = None) \
        -> tuple[dict[str, OverlayMark], list[int]]:
    """Colour every service box of ``scene`` by ``measure`` and mark it (ring, badge), reusing
    the marks in ``old`` (by node id; the rest are removed). Returns the marks and the number
    of services per bin, then unknown."""
    values = measure.read(scene.doc)
    counts = [0] * (len(SCALE) + 1)
    old = dict(old or {})
    marks, colours = {}, {}
    for node_id, item in scene.nodes.items():
        if item.kind != NodeKind.SERVICE:
            continue
        value, badge = values.get(node_id, (None, "?"))
        index = measure.bin_of(value)
        counts[len(SCALE) if index is None else index] += 1
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
            corner.arrange(item)  # beside a "shared" tag already there
        marks[node_id] = mark
    scene.set_node_colours(colours, measure.title)
    for mark in old.values():  # services gone since the last time
        scene.remove_decoration(LAYER, mark)
    return marks, counts


def bins(measure: Measure, counts: list[int] | None = None) \
        -> list[tuple[str, QColor, QColor, float, bool, int]]:
    """The legend rows: (label, fill, border, ring width, hatched, services) per bin, then the
    unknown entry."""
    counts = counts or [0] * (len(SCALE) + 1)
    rows = [(label, SCALE[i], bin_border(i), RINGS[i], False, counts[i])
            for i, label in enumerate(measure.labels)]
    rows.append((measure.unknown_label, UNKNOWN_FILL, UNKNOWN_BORDER, 0.0, True, counts[-1]))
    return rows


CONTAINERS_NOTE = "Containers: each partnership's own rate, in its title."


def legend_entries(measure: Measure, counts: list[int], reference: str = "",
                   note: str = "") -> list[Entry]:
    """An exported page's legend of the overlay: its heading, what it compares with, the
    containers' note, then a swatch per bin (services in brackets) and the unknown one."""
    entries = [Entry("heading", f"Service colour: {measure.title}")]
    entries += [Entry("text", line) for line in (reference, note) if line]
    for label, fill, border, ring, hatched, count in bins(measure, counts):
        entries.append(Entry("swatch", f"{label} ({count:,})", fill, border=border, ring=ring,
                             hatched=hatched))
    entries.append(Entry("text", "The badge on each box gives the figure."))
    return entries


def overlay_picture(scene, key: str, containers=None) -> list[Entry]:
    """Draw the overlay ``key`` (one of MEASURES) on an export's ``scene``, and on its
    partnership containers (``containers``: the export's container layer, if any) for the rates;
    returns the legend entries that replace the directorate colours'."""
    measure = MEASURES[key]
    _marks, counts = mark_services(scene, measure)
    note = ""
    if containers is not None and key == "rates" and containers.by == "partnership":
        containers.set_marker(partnership_rate_marks)
        note = CONTAINERS_NOTE
    reference = measure.reference(scene.doc) if measure.reference else ""
    return legend_entries(measure, counts, reference, note)
