"""The canvas's flows drawn by one item: a frame asks the scene's index for the flows near the
part in view and strokes them a pen at a time, instead of one Python ``paint`` call per flow.

At 25-100% zoom on a large map thousands of long flows cross the view; drawn item by item,
most of a frame was the Python call, the culling and the pen changes of each one, not Qt's
drawing. A :class:`FlowLayer` is one scene item (z 0, under the boxes, over the containers)
whose bounds are those of every flow; the :class:`servicemap.render.items.FlowItem` s stay in
the scene for the index, hit tests, selection and their decorations, but have no contents
(``ItemHasNoContents``): Qt never calls their ``paint``. The layer's ``paint`` culls each flow
with :func:`servicemap.render.clipping.visible_part` and strokes the straight solid ones of one
look with a single ``drawLines``; routed and dashed lines, arrowheads and numbers are drawn as
:meth:`FlowItem.paint` draws them, after the lines. Exports keep per-item painting (their
scenes have no layer).

Qt does not repaint a flow with no contents when it changes: the flow tells the layer
(:meth:`FlowLayer.changed`, from ``FlowItem.update`` and ``adjust``), and the scene repaints the
layer on selection and dimming.
"""

from __future__ import annotations

import itertools
import math

from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath
from PySide6.QtWidgets import QGraphicsItem

from servicemap.render.clipping import PAD, clip_segment, visible_part
from servicemap.render.items import (
    DETAIL_LOD,
    SMOOTH_LOD,
    FlowItem,
    _flow_pens,
    _thin_pen,
)

MANY_CHANGES = 200  # flows changed before one paint: repaint the whole layer instead
CELL = 512.0  # the side of a cell of the layer's grid of flows (scene units)


def cells_of(points: list[tuple[float, float]]):
    """The grid cells (column, row) each piece of a polyline passes through: column by
    column, the rows the piece crosses in it, so a long line is filed only where it runs."""
    for (ax, ay), (bx, by) in zip(points, points[1:], strict=False):
        if ax > bx:
            ax, ay, bx, by = bx, by, ax, ay
        first, last = math.floor(ax / CELL), math.floor(bx / CELL)
        slope = (by - ay) / (bx - ax) if bx != ax else 0.0
        for column in range(first, last + 1):
            x0, x1 = max(ax, column * CELL), min(bx, (column + 1) * CELL)
            y0, y1 = (ay, by) if first == last else (ay + (x0 - ax) * slope,
                                                     ay + (x1 - ax) * slope)
            if y0 > y1:
                y0, y1 = y1, y0
            for row in range(math.floor(y0 / CELL), math.floor(y1 / CELL) + 1):
                yield column, row


class FlowLayer(QGraphicsItem):
    """Every flow of a canvas scene, drawn in one ``paint`` per exposed part of a view."""

    def __init__(self) -> None:
        super().__init__()
        self._bounds = QRectF()
        self._changes = 0  # flows changed since the last paint (MANY_CHANGES: all of it)
        self.building = True  # flows join before the layer is in the scene (see fit)
        self.full_detail = False
        self.smooth = True  # antialiased lines from SMOOTH_LOD (off while zooming)
        self.drawn = 0  # flows drawn by the last paint (tests, benchmarks)
        # The flows by grid cell (dicts as ordered sets), each flow's cells, and the flows
        # whose lines changed since they were filed (filed again before the next paint).
        self._cells: dict[tuple[int, int], dict[FlowItem, None]] = {}
        self._where: dict[FlowItem, list[tuple[int, int]]] = {}
        self._stale: dict[FlowItem, None] = {}
        self.setFlags(QGraphicsItem.ItemUsesExtendedStyleOption)
        self.setAcceptedMouseButtons(Qt.NoButton)
        self.setZValue(0)

    # ----- geometry ---------------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        return QPainterPath()  # never under the pointer, never picked

    def join(self, flow: FlowItem) -> None:
        """Draw ``flow`` here; Qt no longer paints it."""
        flow.layer = self
        flow.setFlag(QGraphicsItem.ItemHasNoContents, True)
        self._stale[flow] = None

    def leave(self, flow: FlowItem) -> None:
        """``flow`` is leaving the scene: no longer drawn, its place repainted."""
        self._unfile(flow)
        self._stale.pop(flow, None)
        self.changed(flow.boundingRect())

    def moved(self, flow: FlowItem, was: QRectF) -> None:
        """``flow``'s line changed; it was drawn within ``was`` (repainted)."""
        self._stale[flow] = None
        self.changed(was)

    def _unfile(self, flow: FlowItem) -> None:
        cells = self._cells
        for cell in self._where.pop(flow, ()):
            cells[cell].pop(flow, None)

    def _refile(self) -> None:
        cells, where = self._cells, self._where
        for flow in self._stale:
            self._unfile(flow)
            if flow.layer is self and flow._line:
                filed = where[flow] = list(dict.fromkeys(cells_of(flow._line)))
                for cell in filed:
                    found = cells.get(cell)
                    if found is None:
                        found = cells[cell] = {}
                    found[flow] = None
        self._stale = {}

    def file_some(self, count: int) -> bool:
        """File up to ``count`` of the flows whose lines changed (a large map's build does it
        a slice at a time, not all in its first paint); True while some are left."""
        stale = self._stale
        if len(stale) <= count:
            self._refile()
            return False
        some = dict.fromkeys(itertools.islice(stale, count))  # not a copy of all the rest
        for flow in some:
            del stale[flow]
        self._stale = some
        self._refile()
        self._stale = stale
        return True

    def near(self, rect: QRectF) -> list[FlowItem]:
        """The flows whose lines pass through the cells within PAD of ``rect`` (scene)."""
        self._refile()
        x1, y1, x2, y2 = rect.getCoords()
        found: dict[FlowItem, None] = {}
        cells = self._cells
        for column in range(math.floor((x1 - PAD) / CELL), math.floor((x2 + PAD) / CELL) + 1):
            for row in range(math.floor((y1 - PAD) / CELL), math.floor((y2 + PAD) / CELL) + 1):
                flows = cells.get((column, row))
                if flows:
                    found.update(flows)
        return list(found)

    def fit(self, flows) -> None:
        """Bounds exactly round ``flows`` (after a build, a layout or its undo: a drag only
        grows them, :meth:`changed`)."""
        for _done in self.fit_in_slices(flows, 0):
            pass

    def fit_in_slices(self, flows, every: int, progress: float = 0.0):
        """:meth:`fit` as a generator yielding ``progress`` after every ``every`` flows (0:
        never), so a large map's build can let the window handle events in between."""
        left = top = math.inf
        right = bottom = -math.inf
        for seen, flow in enumerate(flows, 1):
            x1, y1, x2, y2 = flow.boundingRect().getCoords()
            left, top = min(left, x1), min(top, y1)
            right, bottom = max(right, x2), max(bottom, y2)
            if every and seen % every == 0:
                yield progress
        bounds = QRectF() if left == math.inf else QRectF(left, top, right - left,
                                                          bottom - top)
        self.building = False
        if bounds != self._bounds:
            self.prepareGeometryChange()
            self._bounds = bounds
        self.update()

    def changed(self, rect: QRectF) -> None:
        """A flow's drawing changed within ``rect`` (scene): repaint there, growing the
        bounds when it reaches past them."""
        if self.building or rect.isEmpty():
            return
        if not self._bounds.contains(rect):
            self.prepareGeometryChange()
            self._bounds = self._bounds.united(rect)
        self._changes += 1
        if self._changes < MANY_CHANGES:
            self.update(rect)
        elif self._changes == MANY_CHANGES:
            self.update()

    # ----- drawing ----------------------------------------------------------------------
    def paint(self, painter: QPainter, option, widget=None) -> None:
        self._changes = 0
        scene = self.scene()
        if scene is None:
            return
        rect = option.exposedRect
        full = self.full_detail
        lod = math.inf if full else painter.worldTransform().m11()
        thin = lod < DETAIL_LOD
        x1, y1, x2, y2 = rect.getCoords()
        left, top, right, bottom = x1 - PAD, y1 - PAD, x2 + PAD, y2 + PAD
        batches: dict[tuple[int, float], tuple[object, list[QLineF]]] = {}
        singles = []  # (flow, pen, dashed, part, opacity): routed or dashed lines
        ends = []     # (flow, head pen, part, opacity): arrowheads and numbers that may show
        for item in self.near(rect):
            points = item._line
            if full:
                part = (0.0, 1.0)
            elif len(points) == 2:  # most flows of a large map: the test written out once
                (ax, ay), (bx, by) = points
                part = clip_segment(ax, ay, bx, by, left, top, right, bottom)
            else:
                part = visible_part(points, rect)
            if part is None:
                continue  # a long flow whose box, not its line, reaches into the view
            selected = item.isSelected()
            strong = selected or item.highlighted or item.hovered
            opacity = item.opacity()
            if thin:
                pen, head, dashed = _thin_pen(strong), None, False
            else:
                pen, head, dashed = _flow_pens(item.flow_type, item.width, strong, selected)
            if len(points) == 2 and not dashed:
                (ax, ay), (bx, by) = points
                t0, t1 = part
                dx, dy = bx - ax, by - ay
                key = (id(pen), opacity)
                batch = batches.get(key)
                if batch is None:
                    batch = batches[key] = (pen, [])
                batch[1].append(QLineF(ax + t0 * dx, ay + t0 * dy, ax + t1 * dx, ay + t1 * dy))
            else:
                singles.append((item, pen, dashed, part, opacity))
            if head is not None:
                ends.append((item, head, part, opacity))
        base = painter.opacity()
        painter.setRenderHint(QPainter.Antialiasing,
                              not thin and lod >= SMOOTH_LOD and self.smooth
                              and not FlowItem.dragging)
        painter.setBrush(Qt.NoBrush)
        for (_pen_id, opacity), (pen, lines) in batches.items():
            painter.setOpacity(base * opacity)
            painter.setPen(pen)
            painter.drawLines(lines)
        for item, pen, dashed, part, opacity in singles:
            painter.setOpacity(base * opacity)
            item._draw_line(painter, pen, dashed, part)
        for item, head, part, opacity in ends:
            painter.setOpacity(base * opacity)
            item._draw_end(painter, head, part)
        painter.setOpacity(base)
        self.drawn = sum(len(lines) for _pen, lines in batches.values()) + len(singles)
