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
CELL = 512.0  # the side of a cell of the finest level of the layer's grids (scene units)
GROWTH = 2    # each coarser level's cells are twice as wide
SPAN = 8      # a piece of a line is filed at the finest level where it spans at most this
# many cells: a flow down a 130,000-unit map (50,000 services) is filed in a few coarse cells,
# not in 250 fine ones (filing every flow in every 512-unit cell it crossed took 2.5 GB there)
COMPACT = 3   # cells are rebuilt when they hold this many times the entries now filed


def level_of(ax: float, ay: float, bx: float, by: float) -> tuple[int, float]:
    """The grid level a piece of a line is filed at, and the side of that level's cells."""
    span = max(abs(bx - ax), abs(by - ay))
    level, side = 0, CELL
    while span > SPAN * side:
        level += 1
        side *= GROWTH
    return level, side


def cells_of(points: list[tuple[float, float]]):
    """The grid cells (level, column, row) each piece of a polyline passes through, at the
    piece's level (:func:`level_of`): column by column, the rows the piece crosses in it,
    so a long line is filed only where it runs."""
    for (ax, ay), (bx, by) in zip(points, points[1:], strict=False):
        if ax > bx:
            ax, ay, bx, by = bx, by, ax, ay
        level, side = level_of(ax, ay, bx, by)
        first, last = math.floor(ax / side), math.floor(bx / side)
        slope = (by - ay) / (bx - ax) if bx != ax else 0.0
        for column in range(first, last + 1):
            x0, x1 = max(ax, column * side), min(bx, (column + 1) * side)
            y0, y1 = (ay, by) if first == last else (ay + (x0 - ax) * slope,
                                                     ay + (x1 - ax) * slope)
            if y0 > y1:
                y0, y1 = y1, y0
            for row in range(math.floor(y0 / side), math.floor(y1 / side) + 1):
                yield level, column, row


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
        # The flows by grid cell (level, column, row): plain lists, 8 bytes an entry. A flow
        # filed again is added to its new cells and left in its old ones until the cells
        # are rebuilt (COMPACT): a cell may name a flow that has left it or the scene, and
        # near() returns a candidate that paint() culls by its line, as any other.
        self._cells: dict[tuple[int, int, int], list[FlowItem]] = {}
        self._filed: dict[FlowItem, int] = {}  # the flows filed now: how many cells each
        self._live = 0      # the sum of those
        self._entries = 0   # the entries in the cells, stale ones included
        self._levels: set[int] = set()  # the levels any flow is filed at
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
        """``flow`` is no longer filed (its entries stay in the cells, stale, until they are
        rebuilt)."""
        self._live -= self._filed.pop(flow, 0)

    def _file(self, flows) -> None:
        cells, filed, levels = self._cells, self._filed, self._levels
        added = 0
        for flow in flows:
            self._live -= filed.pop(flow, 0)
            if flow.layer is not self or not flow._line:
                continue
            count = 0
            for cell in dict.fromkeys(cells_of(flow._line)):
                found = cells.get(cell)
                if found is None:
                    found = cells[cell] = []
                    levels.add(cell[0])
                found.append(flow)
                count += 1
            filed[flow] = count
            self._live += count
            added += count
        self._entries += added

    def _refile(self) -> None:
        stale = self._stale
        if not stale:
            return
        self._stale = {}
        if len(stale) * 2 >= len(self._filed) or \
                self._entries > COMPACT * (self._live + 1000):
            # most flows moved (a layout, its undo) or the cells are mostly stale: afresh
            everything = dict.fromkeys(self._filed)
            everything.update(stale)
            self._cells, self._filed, self._levels = {}, {}, set()
            self._live = self._entries = 0
            self._file(everything)
        else:
            self._file(stale)

    def file_some(self, count: int) -> bool:
        """File up to ``count`` of the flows whose lines changed (a large map's build does it
        a slice at a time, not all in its first paint); True while some are left."""
        stale = self._stale
        if len(stale) <= count:
            self._refile()
            return False
        some = list(itertools.islice(stale, count))  # not a copy of all the rest
        for flow in some:
            del stale[flow]
        self._file(some)
        return True

    def near(self, rect: QRectF) -> list[FlowItem]:
        """The flows whose lines pass through the cells within PAD of ``rect`` (scene), at
        every level, and whose points' bounds come within PAD of it."""
        self._refile()
        x1, y1, x2, y2 = rect.getCoords()
        x1, y1, x2, y2 = x1 - PAD, y1 - PAD, x2 + PAD, y2 + PAD
        found: dict[FlowItem, None] = {}
        cells = self._cells
        for level in self._levels:
            side = CELL * GROWTH ** level
            rows = range(math.floor(y1 / side), math.floor(y2 / side) + 1)
            for column in range(math.floor(x1 / side), math.floor(x2 / side) + 1):
                for row in rows:
                    flows = cells.get((level, column, row))
                    if flows:
                        found.update(dict.fromkeys(flows))
        filed = self._filed
        # a coarse cell holds long lines far from the rect too: only those whose points'
        # bounds come within PAD of it (a few comparisons, against a Python paint's cull)
        return [flow for flow in found if flow in filed and (box := flow._line_box)[0] <= x2
                and box[2] >= x1 and box[1] <= y2 and box[3] >= y1]

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
