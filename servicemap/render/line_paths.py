"""The lines of a large map's picture (:mod:`servicemap.render.large_map`): a flow's pens,
its line and arrowhead as paths (whole, or only its pieces through a part of the map), and the
bands that find what meets a part of the map (a PDF tile)."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainterPath, QPen, QPolygonF

from servicemap.graph import flow_labels
from servicemap.model import FlowType
from servicemap.render import style

BANDS = 256        # flows and boxes are filed in this many bands down the map (Bands)


def flow_pens(flow_type: str, width: float) -> tuple[QPen, QPen]:
    """A flow's line and arrowhead pens, as the items make them (not selected, not lit)."""
    colour = style.DARK_GREY
    w = min(width, 1.2) if flow_type == FlowType.SIGNPOST else width
    pen_style, dashes, _ = style.FLOW_STYLES.get(flow_type, style.FLOW_STYLES["referral"])
    line = QPen(colour, w, pen_style, Qt.FlatCap, Qt.MiterJoin)
    if dashes:
        line.setDashPattern(dashes)
    head = QPen(colour, max(1.2, min(w, 2.5)), Qt.SolidLine, Qt.RoundCap, Qt.MiterJoin)
    return line, head


def add_line(path: QPainterPath, points, radius: float = 8.0) -> None:
    """The flow's line into ``path``: its bends rounded off (by at most half of either
    piece), as :class:`~servicemap.render.items.FlowItem` draws it."""
    path.moveTo(*points[0])
    for a, b, c in zip(points, points[1:], points[2:], strict=False):
        _bend(path, a, b, c, radius)
    path.lineTo(*points[-1])


def _bend(path: QPainterPath, a, b, c, radius: float) -> None:
    """The bend at ``b`` (from ``a``, on to ``c``) rounded off by at most half of either piece."""
    (ax, ay), (bx, by), (cx, cy) = a, b, c
    into, out = math.hypot(bx - ax, by - ay), math.hypot(cx - bx, cy - by)
    r = min(radius, into / 2, out / 2)
    if r <= 0.5 or into == 0 or out == 0:
        path.lineTo(bx, by)
        return
    path.lineTo(bx - (bx - ax) / into * r, by - (by - ay) / into * r)
    path.quadTo(bx, by, bx + (cx - bx) / out * r, by + (cy - by) / out * r)


def clip(a, b, rect) -> tuple[float, float] | None:
    """The part (t0, t1) of the segment a-b inside ``rect`` (left, top, right, bottom)."""
    return flow_labels.clip_segment(a, b, rect)


def add_part(path: QPainterPath, points, radius: float, rect) -> None:
    """The pieces of a solid line that pass through ``rect`` (the page's part of the map
    with room round it), each run of them as the whole line draws it: its bends inside
    rounded as there, cut where it leaves ``rect`` (a bend outside is not seen)."""
    last = len(points) - 2
    parts = [clip(points[k], points[k + 1], rect) for k in range(last + 1)]
    k = 0
    while k <= last:
        if parts[k] is None:
            k += 1
            continue
        j = k
        while j < last and parts[j + 1] is not None:
            j += 1
        (ax, ay), (bx, by) = points[k], points[k + 1]
        t = parts[k][0] if k > 0 else 0.0
        path.moveTo(ax + (bx - ax) * t, ay + (by - ay) * t)
        for m in range(k + 1, j + 1):  # the bends inside the run, as add_line rounds them
            _bend(path, points[m - 1], points[m], points[m + 1], radius)
        (ax, ay), (bx, by) = points[j], points[j + 1]
        t = parts[j][1] if j < last else 1.0
        path.lineTo(ax + (bx - ax) * t, ay + (by - ay) * t)
        k = j + 1


def arrow(points, width: float) -> QPolygonF:
    (px, py), (ex, ey) = points[-2], points[-1]
    angle = math.atan2(ey - py, ex - px)
    size = 7.0 + width * 1.6
    return QPolygonF([
        QPointF(ex - size * math.cos(angle - 0.42), ey - size * math.sin(angle - 0.42)),
        QPointF(ex, ey),
        QPointF(ex - size * math.cos(angle + 0.42), ey - size * math.sin(angle + 0.42))])


class Bands:
    """Rectangles (left, top, right, bottom) filed once in bands across the map by the
    heights they span, so each page of many (a PDF's tiles) looks at the bands it covers,
    not at every flow and box."""

    def __init__(self, rects: list[tuple[float, float, float, float]]) -> None:
        self.rects = rects
        self.top = min((r[1] for r in rects), default=0.0)
        bottom = max((r[3] for r in rects), default=1.0)
        self.size = max((bottom - self.top) / BANDS, 1.0)
        self.bands: list[list[int]] = [[] for _ in range(BANDS + 1)]
        top, size, bands = self.top, self.size, self.bands
        for n, r in enumerate(rects):
            for i in range(int((r[1] - top) / size), int((r[3] - top) / size) + 1):
                bands[i].append(n)

    def meeting(self, view) -> list[int]:
        """The numbers of the rectangles that meet ``view``, in their order."""
        first = max(0, int((view[1] - self.top) / self.size))
        last = min(len(self.bands) - 1, int((view[3] - self.top) / self.size))
        if first > last:
            return []
        rects = self.rects
        if first == 0 and last == len(self.bands) - 1:
            numbers = range(len(rects))
        else:
            numbers = sorted({n for i in range(first, last + 1) for n in self.bands[i]})
        return [n for n in numbers if meets(rects[n], view)]


def grown(rect, by: float):
    left, top, right, bottom = rect
    return left - by, top - by, right + by, bottom + by


def meets(a, b) -> bool:
    """Whether two (left, top, right, bottom) rectangles touch or overlap."""
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]
