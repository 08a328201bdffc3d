"""The overview: a zoomed-out map drawn from a cached picture instead of item by item.

Below :data:`servicemap.ui.canvas.view.OVERVIEW_ZOOM` (where labels would not show yet)
painting each of 10,000 boxes and 20,000 flows in Python on every frame costs far more than a
frame may, and boxes drawn at their true size become sub-pixel dots (a white canvas). The
view asks the scene's :class:`Overview` to paint instead. It draws every box in its group's
colour at a minimum visible size, and the flows (on the whole map, one line per pair of groups,
darker for more flows; nearer, or where flows join too many pairs of groups for that to help,
each as a thin line) into an image once: of the whole map at a power-of-two scale near the
view's zoom, or of the part in view and half a view around it at the zoom itself. Each frame
only draws that image. It is made again, on the next paint, after anything it shows changed
(:meth:`Overview.invalidate`: the scene calls it on moves, colours, selection, dimming,
highlighting, adds and removals).
"""

from __future__ import annotations

import math
from collections import Counter
from typing import NamedTuple

from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen

from servicemap.render import style
from servicemap.render.items import FlowItem, NodeItem

MAX_SIDE = 4096        # the image's longest side in pixels (at most 64 MB)
MIN_BOX = (4.0, 3.0)   # the smallest a box is drawn, in pixels, so every box shows
SOLID_BELOW = 10.0     # boxes narrower than this (pixels) are filled with their full colour
BUNDLE_INK = QColor(70, 80, 95, 60)  # the flows between two groups, as one line, darker
MAX_SHADE = 8          # for more flows, up to this many
LINE_INK = QColor(196, 201, 208)     # nearer, each flow (opaque: Qt draws those fastest;
# light, so where hundreds cross the boxes still stand out)
BUNDLING = 4          # bundles only when there are at least this many flows per bundle
MAX_STRONG_LINES = 2000  # more selected flows than this are drawn as bundles too
MAX_MOVING = 2000      # dragged boxes drawn over the picture on each frame
KEEP = 3               # images kept (zooming in and back, panning back)
MARGIN = 200.0         # scene units around a region searched for boxes overlapping its edge
STRONG_INK = QColor(style.NHS_BLUE)  # selected or highlighted flows and boxes
DIM = 0.18             # the opacity of dimmed items (as the scene's DIM_OPACITY)


class _Render(NamedTuple):
    scale: float     # image pixels per scene unit
    region: QRectF   # the part of the map it shows (scene)
    image: QImage


class Overview:
    """The cached far-out picture of a :class:`servicemap.render.scene.MapScene`."""

    def __init__(self, scene) -> None:
        self.scene = scene
        self._renders: list[_Render] = []  # the latest last; a few kept for zooming back
        self.moving: list | None = None  # boxes being dragged (hold), drawn over the picture
        self.renders = 0  # how many images were made (for tests and benchmarks)
        # What the whole map's images share until the next invalidate: the plain and strong
        # flows, their group pairs and the groups' middles (zooming in and out at fit makes
        # one image per power of two; at 50,000 services these took 1-2 s of each)
        self._whole: tuple | None = None

    def invalidate(self) -> None:
        """Something it shows changed: make the image again before it is next drawn (not
        while boxes are held: :meth:`hold`)."""
        if self.moving is None:
            self._renders.clear()
            self._whole = None

    def hold(self, boxes) -> None:
        """These boxes are being dragged: keep the picture as it is (they stay there, faint)
        and draw them and their flows over it on each frame (:meth:`paint_moving`), so a drag
        costs what it moves, not a new picture per frame."""
        self.moving = list(boxes)

    def release(self) -> None:
        """The drag is over: the picture is made again, with the boxes where they went."""
        if self.moving is not None:
            self.moving = None
            self.invalidate()

    def paint_moving(self, painter: QPainter, zoom: float) -> None:
        """The held boxes and their flows where they are now (scene coordinates)."""
        if not self.moving:
            return
        scale = zoom
        painter.save()
        painter.scale(1 / scale, 1 / scale)  # draw in pixels, as the picture is drawn
        flows = {edge for box in self.moving[:MAX_MOVING] for edge in box.edges}
        self._lines(painter, flows, scale, 0.0, 0.0, STRONG_INK)
        self._boxes(painter, self.moving[:MAX_MOVING], scale, 0.0, 0.0)
        painter.restore()

    def paint(self, painter: QPainter, zoom: float, visible: QRectF) -> None:
        """Draw the overview of ``visible`` (scene) with ``painter`` in scene coordinates,
        for a view at ``zoom``."""
        found = self.render_for(zoom, visible)
        if found is None:
            return
        scale, region, image = found
        painter.setRenderHint(QPainter.SmoothPixmapTransform, True)
        painter.drawImage(QRectF(region.left(), region.top(), image.width() / scale,
                                 image.height() / scale), image)

    def render_for(self, zoom: float, visible: QRectF) -> _Render | None:
        """The image for a view at ``zoom`` showing ``visible``: the whole map at the next
        power of two at or above the zoom when that fits in MAX_SIDE pixels (zooming in and
        out then reuses it), else the visible part and a view's width and height around it at
        the zoom itself (panning reuses it until the view leaves it). None: an empty map."""
        bounds = self.scene.map_bounds()
        if bounds.isEmpty():
            return None
        level = 2.0 ** math.ceil(math.log2(max(zoom, 1e-6)))
        side = max(bounds.width(), bounds.height(), 1.0)
        if side * level <= MAX_SIDE:
            scale, wanted, region = level, bounds, bounds
        else:
            scale = zoom
            wanted = visible.intersected(bounds)
            dx, dy = visible.width() / 2, visible.height() / 2  # room to pan into
            region = visible.adjusted(-dx, -dy, dx, dy).intersected(bounds)
            limit = MAX_SIDE / scale  # a very wide view: keep the image within MAX_SIDE
            if region.width() > limit or region.height() > limit:
                region = wanted
        for render in reversed(self._renders):
            if math.isclose(render.scale, scale) and render.region.contains(wanted):
                return render
        render = self._render(region, scale, whole=region is bounds)
        self._renders = [*self._renders[-(KEEP - 1):], render]
        return render

    def _render(self, region: QRectF, scale: float, whole: bool) -> _Render:
        width = max(1, min(MAX_SIDE, math.ceil(region.width() * scale)))
        height = max(1, min(MAX_SIDE, math.ceil(region.height() * scale)))
        image = QImage(width, height, QImage.Format_ARGB32_Premultiplied)
        image.fill(Qt.transparent)
        if whole:
            nodes, flows = self.scene.nodes.values(), self.scene.flows.values()
        else:  # the scene's index finds what is there, whatever the map's size
            near = self.scene.items(region.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN),
                                    Qt.IntersectsItemBoundingRect)
            nodes = [i for i in near if isinstance(i, NodeItem)]
            flows = [i for i in near if isinstance(i, FlowItem)]
        painter = QPainter(image)
        painter.setRenderHint(QPainter.Antialiasing, False)
        # Drawn in image pixels (boxes get a minimum size there), from scene coordinates.
        ox, oy = region.left(), region.top()
        self._flows(painter, nodes, flows, scale, ox, oy, whole)
        self._boxes(painter, nodes, scale, ox, oy)
        painter.end()
        self.renders += 1
        return _Render(scale, QRectF(region), image)

    def _flows(self, painter: QPainter, nodes, flows, scale: float, ox: float, oy: float,
               whole: bool) -> None:
        """Flows: on the whole map, one bundle per pair of groups (a line between the groups'
        middles, darker for more flows: drawing 20,000 lines across the map takes seconds);
        nearer, each flow as a thin line."""
        if whole and self._whole is not None:
            plain, strong, pairs, middles, strong_pairs = self._whole
        else:
            plain, strong = [], []
            for item in flows:
                if item.isVisible():
                    (strong if item.highlighted or item.isSelected() else plain).append(item)
            pairs = self._pairs(plain) if whole else None
            middles = strong_pairs = None
            if pairs is not None and len(pairs) * BUNDLING <= len(plain):
                middles = self._middles(nodes)
                if len(strong) > MAX_STRONG_LINES:
                    strong_pairs = self._pairs(strong)
            if whole:
                self._whole = (plain, strong, pairs, middles, strong_pairs)
        if middles is not None:
            self._bundles(painter, pairs, middles, scale, ox, oy, BUNDLE_INK)
            if strong_pairs is not None:
                self._bundles(painter, strong_pairs, middles, scale, ox, oy, STRONG_INK)
                return
        else:  # near, or flows between so many pairs of groups that bundles would not help
            self._lines(painter, plain, scale, ox, oy, LINE_INK)
        self._lines(painter, strong, scale, ox, oy, STRONG_INK)

    @staticmethod
    def _lines(painter: QPainter, flows, scale: float, ox: float, oy: float,
               ink: QColor) -> None:
        lines: list[QLineF] = []
        for item in flows:
            points = item.line_points()
            lines += [QLineF((ax - ox) * scale, (ay - oy) * scale, (bx - ox) * scale,
                             (by - oy) * scale)
                      for (ax, ay), (bx, by) in zip(points, points[1:], strict=False)]
        if lines:
            painter.setPen(QPen(ink, 0))
            painter.drawLines(lines)

    def _middles(self, nodes) -> dict[str, tuple[float, float]]:
        """The middle of each group's boxes (a box in no group is a group of its own)."""
        sums: dict[str, list[float]] = {}
        group_of = self.scene.group_of
        for item in nodes:
            key = group_of(item.node_id) or item.node_id
            pos = item.pos()
            total = sums.get(key)
            if total is None:
                sums[key] = [pos.x(), pos.y(), 1.0]
            else:
                total[0] += pos.x()
                total[1] += pos.y()
                total[2] += 1.0
        return {key: (x / n, y / n) for key, (x, y, n) in sums.items()}

    def _pairs(self, flows) -> Counter[tuple[str, str]]:
        """How many of ``flows`` run from each group to each other (or the same) group."""
        group_of = self.scene.group_of
        pairs: Counter[tuple[str, str]] = Counter()
        for item in flows:
            a, b = item.source.node_id, item.target.node_id
            pairs[(group_of(a) or a, group_of(b) or b)] += 1
        return pairs

    @staticmethod
    def _bundles(painter: QPainter, pairs, middles, scale: float, ox: float, oy: float,
                 ink: QColor) -> None:
        """One thin line per pair of groups, darker for more flows (wide antialiased lines
        would cost a millisecond each)."""
        shades: dict[int, list[QLineF]] = {}
        for (a, b), count in pairs.items():
            if a == b or a not in middles or b not in middles:
                continue
            (ax, ay), (bx, by) = middles[a], middles[b]
            shade = min(count, MAX_SHADE)
            shades.setdefault(shade, []).append(QLineF(
                (ax - ox) * scale, (ay - oy) * scale, (bx - ox) * scale, (by - oy) * scale))
        for shade, lines in shades.items():
            colour = QColor(ink)
            colour.setAlpha(min(255, ink.alpha() + 25 * (shade - 1)))
            painter.setPen(QPen(colour, 0))
            painter.drawLines(lines)

    @staticmethod
    def _boxes(painter: QPainter, nodes, scale: float, ox: float, oy: float) -> None:
        batches: dict[tuple, list[QRectF]] = {}
        min_w, min_h = MIN_BOX
        blue = style.NHS_BLUE.rgba()
        for item in nodes:  # a box's rect is centred on its position
            width, height = item.size
            w = max(width * scale, min_w)
            h = max(height * scale, min_h)
            pos = item.pos()
            x = (pos.x() - ox) * scale - w / 2
            y = (pos.y() - oy) * scale - h / 2
            strong = item.highlighted or item.isSelected()
            solid = w < SOLID_BELOW
            edge = blue if strong else item.border.rgba()
            fill = edge if solid else item.fill.rgba()
            key = (item.opacity() < 1.0, fill, edge, solid)
            batch = batches.get(key)
            if batch is None:
                batch = batches[key] = []
            batch.append(QRectF(x, y, w, h))
        for (dim, fill, edge, solid), rects in sorted(batches.items(), key=lambda kv: not kv[0][0]):
            painter.setOpacity(DIM if dim else 1.0)  # dimmed first, the rest on top
            painter.setBrush(QColor.fromRgba(fill))
            painter.setPen(Qt.NoPen if solid else QPen(QColor.fromRgba(edge), 0))
            painter.drawRects(rects)
        painter.setOpacity(1.0)
