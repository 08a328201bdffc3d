"""Where boxes go: the size model, free-space search, overlap removal and packing that the
automatic layouts (:mod:`servicemap.graph.layout`) share, and where a box with no position is
drawn (:func:`unplaced_positions`: the canvas, exports and file exports all use it).

Plain Python, no Qt. Positions are box centres in scene units; a size is (width, height).
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

from servicemap import palette
from servicemap.graph.document import Document
from servicemap.model import DRAWN_KINDS, EdgeKind, NodeKind

GAP = 16.0          # the least space kept between two boxes
LAYER_GAP = 90.0    # between the columns of a flow layout: room for the arrows
ROW_GAP = 22.0      # between boxes in one column
GROUP_GAP = 48.0    # between containers
FAR = 1e6           # layouts place nothing beyond this; boxes out there do not anchor them
UNPLACED_GAP = (200.0, 80.0)  # grid spacing of the boxes that have no position
UNPLACED_DROP = 120.0         # from the lowest placed box down to that grid

Point = tuple[float, float]
Size = tuple[float, float]
Box = tuple[float, float, float, float]  # centre x, centre y, width, height


def estimate_size(kind: str, name: str) -> Size:
    """A box's size from its label, for when the real one (drawn with Qt fonts) is unknown:
    services and exits 170 wide, 44 high plus 16 per extra line (about 24 characters a line,
    3 lines at most); access points as wide as their label, within 100-190."""
    if kind == NodeKind.ACCESS_POINT:
        return min(190.0, max(100.0, 8.0 * len(name) + 40.0)), 44.0
    lines = min(3, max(1, math.ceil(len(name) / 24)))
    return 170.0, 44.0 + 16.0 * (lines - 1)


def default_sizes(doc: Document) -> dict[str, Size]:
    """Estimated sizes of every drawn node (see :func:`estimate_size`)."""
    return {n: estimate_size(a["kind"], a["name"]) for n, a in doc.graph.nodes(data=True)
            if a["kind"] in DRAWN_KINDS}


class MapBoxes:
    """What every layout reads: drawn nodes (in id order), sizes, positions, pins, flows."""

    def __init__(self, doc: Document, sizes: dict[str, Size] | None) -> None:
        nodes = doc.graph.nodes
        self.doc = doc
        self.drawn = sorted(n for n, k in nodes(data="kind") if k in DRAWN_KINDS)
        self.kind = {n: nodes[n]["kind"] for n in self.drawn}
        sizes = sizes or {}
        self.sizes = {n: sizes.get(n) or estimate_size(self.kind[n], nodes[n]["name"])
                      for n in self.drawn}
        self.placed = {n: (nodes[n]["x"], nodes[n]["y"]) for n in self.drawn
                       if nodes[n]["x"] is not None and nodes[n]["y"] is not None}
        self.pinned = {n for n in self.drawn if nodes[n]["pinned"]}
        self.out: dict[str, set[str]] = defaultdict(set)  # who each node sends people to
        for u, v, k in doc.graph.edges(data="kind"):
            if k == EdgeKind.FLOW and u != v:
                self.out[u].add(v)

    def flows(self, index: dict[str, int]) -> list[tuple[int, int]]:
        """Flows between the indexed nodes, once per pair and direction, in id order."""
        return sorted((index[u], index[v]) for u in index for v in self.out.get(u, ())
                      if v in index)

    def anchor(self, ids: Iterable[str]) -> Point:
        """The top-left corner of the placed boxes among ``ids`` (the origin if none)."""
        boxes = [(*self.placed[n], *self.sizes[n]) for n in ids if n in self.placed]
        if not boxes:
            return 0.0, 0.0
        left = min(x - w / 2 for x, _, w, _ in boxes)
        top = min(y - h / 2 for _, y, _, h in boxes)
        return (left, top) if max(abs(left), abs(top)) < FAR else (0.0, 0.0)


def near(x: float, y: float) -> bool:
    return abs(x) < FAR and abs(y) < FAR


def bucket_keys(left: float, top: float, right: float, bottom: float, size: float = 256.0):
    """The buckets (squares of ``size``) a box reaches into."""
    for i in range(math.floor(left / size), math.floor(right / size) + 1):
        for j in range(math.floor(top / size), math.floor(bottom / size) + 1):
            yield i, j


class Space:
    """Boxes in coarse buckets, to ask quickly whether a box would touch any of them."""

    def __init__(self) -> None:
        self._buckets: dict[tuple[int, int], list[tuple[float, ...]]] = defaultdict(list)
        self.bottom = -math.inf

    def add(self, x: float, y: float, w: float, h: float) -> None:
        box = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
        for key in bucket_keys(*box):
            self._buckets[key].append(box)
        if near(x, y):  # a box lost far away does not push new ones after it
            self.bottom = max(self.bottom, box[3])

    def free(self, x: float, y: float, w: float, h: float, gap: float = GAP) -> bool:
        left, top, right, bottom = x - w / 2 - gap, y - h / 2 - gap, x + w / 2 + gap, \
            y + h / 2 + gap
        for key in bucket_keys(left, top, right, bottom):
            for a, b, c, d in self._buckets.get(key, ()):
                if left < c and a < right and top < d and b < bottom:
                    return False
        return True

    def nearest_free(self, x: float, y: float, w: float, h: float, count: int = 60) -> Point:
        """The free spot nearest (x, y) on a grid of half-box steps (else below everything)."""
        sx, sy = (w + GAP) / 2, (h + GAP) / 2
        for i, j in rings(count, sx, sy):
            if self.free(x + i * sx, y + j * sy, w, h):
                return x + i * sx, y + j * sy
        return x, max(self.bottom, y) + GAP + h / 2 + 1.0


@functools.lru_cache(maxsize=64)
def rings(count: int, sx: float, sy: float) -> tuple[tuple[int, int], ...]:
    """Grid offsets ring by ring around (0, 0) out to ``count`` rings, each ring nearest
    first (cached: layouts ask for the same few again and again)."""
    offsets = [(0, 0)]
    for r in range(1, count):
        ring = [(i, s * r) for i in range(-r, r + 1) for s in (-1, 1)] + \
               [(s * r, j) for j in range(-r + 1, r) for s in (-1, 1)]
        ring.sort(key=lambda p: ((p[0] * sx) ** 2 + (p[1] * sy) ** 2, p))
        offsets += ring
    return tuple(offsets)


def settle(positions: dict[str, Point], m: MapBoxes, fixed: Iterable[str]) -> dict[str, Point]:
    """Keep positions that touch nothing fixed (and no earlier box); move the others to the
    nearest free spot. The result never overlaps."""
    space = Space()
    for n in fixed:
        if n in m.placed:
            space.add(*m.placed[n], *m.sizes[n])
    out: dict[str, Point] = {}
    blocked = []
    for n in sorted(positions, key=lambda n: (positions[n][0], positions[n][1], n)):
        if space.free(*positions[n], *m.sizes[n], gap=1.0):
            out[n] = positions[n]
            space.add(*out[n], *m.sizes[n])
        else:
            blocked.append(n)
    for n in blocked:
        out[n] = space.nearest_free(*positions[n], *m.sizes[n])
        space.add(*out[n], *m.sizes[n])
    return out


def shift(block: dict[str, Point], dx: float, dy: float) -> dict[str, Point]:
    return {n: (x + dx, y + dy) for n, (x, y) in block.items()}


def extent(block: dict[str, Point], m: MapBoxes) -> Size:
    """Width and height of a block whose top-left corner is (0, 0)."""
    if not block:
        return 0.0, 0.0
    return (max(x + m.sizes[n][0] / 2 for n, (x, _) in block.items()),
            max(y + m.sizes[n][1] / 2 for n, (_, y) in block.items()))


def grid(ids: list[str], m: MapBoxes, left: float, top: float, width: float) -> dict[str, Point]:
    """Rows of boxes from (left, top), about ``width`` wide (or roughly square)."""
    cell_w = max(m.sizes[n][0] for n in ids) + GAP * 2
    cell_h = max(m.sizes[n][1] for n in ids) + ROW_GAP
    per_row = max(math.ceil(math.sqrt(len(ids) * 1.5)), int(width // cell_w), 1)
    return {n: (left + (k % per_row + 0.5) * cell_w - GAP, top + (k // per_row + 0.5) * cell_h)
            for k, n in enumerate(ids)}


def column(ids: list[str], m: MapBoxes, x: float, wanted: dict[str, float]) -> dict[str, Point]:
    """A column of boxes centred on ``x``, each as near its wanted height as the others allow."""
    out, bottom = {}, -math.inf
    for n in sorted(ids, key=lambda n: (wanted[n], n)):
        h = m.sizes[n][1]
        out[n] = (x, max(wanted[n], bottom + ROW_GAP + h / 2))
        bottom = out[n][1] + h / 2
    return out


def shelves(sizes: list[Size], gap: float, extra_width: float = 0.0,
             aspect: float = 1.6) -> list[Point]:
    """Top-left corners packing rectangles in shelves, tallest first, so that no two overlap;
    of a few shelf widths, the one whose result (plus ``extra_width``) is nearest ``aspect``."""
    order = sorted(range(len(sizes)), key=lambda k: (-sizes[k][1], k))
    area = sum((w + gap) * (h + gap) for w, h in sizes)
    widest = max(w for w, _ in sizes)

    def pack(limit: float) -> tuple[list[Point], float, float]:
        corners: list[Point] = [(0.0, 0.0)] * len(sizes)
        x = y = shelf = right = 0.0
        for k in order:
            w, h = sizes[k]
            if x > 0 and x + w > limit:
                x, y, shelf = 0.0, y + shelf + gap, 0.0
            corners[k] = (x, y)
            x += w + gap
            shelf, right = max(shelf, h), max(right, x - gap)
        return corners, right, y + shelf

    best, score = None, math.inf
    for ratio in (0.6, 1.0, 1.6, 2.5, 4.0, 6.0, 9.0):
        corners, width, height = pack(max(widest, math.sqrt(area * ratio)))
        miss = abs(math.log((width + extra_width) / max(height, 1.0) / aspect))
        if miss < score - 1e-9:
            best, score = corners, miss
    return best


def place_block(block: dict[str, Point], m: MapBoxes, anchor: Point,
                 fixed: Iterable[str]) -> dict[str, Point]:
    """Put a laid-out block near ``anchor`` where it touches none of the ``fixed`` boxes;
    failing that, below them all."""
    fixed = list(fixed)
    space = Space()
    for n in fixed:
        space.add(*m.placed[n], *m.sizes[n])
    width, height = extent(block, m)
    if len(block) <= 400:
        for i, j in rings(14, max(60.0, width / 4), max(40.0, height / 4)):
            moved = shift(block, anchor[0] + i * max(60.0, width / 4),
                           anchor[1] + j * max(40.0, height / 4))
            if all(space.free(*p, *m.sizes[n]) for n, p in moved.items()):
                return moved
    below = max(space.bottom, anchor[1]) + GROUP_GAP if fixed else anchor[1]
    return settle(shift(block, anchor[0], below), m, fixed)


def overlapping(positions: dict[str, Point], sizes: dict[str, Size]) -> list[tuple[str, str]]:
    """Pairs of boxes that overlap (an empty list after any layout)."""
    space: dict[tuple[int, int], list[str]] = defaultdict(list)
    found = []
    for n in sorted(positions):
        (x, y), (w, h) = positions[n], sizes[n]
        keys = list(bucket_keys(x - w / 2, y - h / 2, x + w / 2, y + h / 2))
        seen = set()
        for key in keys:
            for o in space[key]:
                (ox, oy), (ow, oh) = positions[o], sizes[o]
                if o not in seen and abs(x - ox) < (w + ow) / 2 and abs(y - oy) < (h + oh) / 2:
                    found.append((o, n))
                seen.add(o)
            space[key].append(n)
    return found


# ----- boxes with no position ----------------------------------------------------------------
def boxes_corner(boxes: Iterable[Box], corner: Point | None = None) -> Point | None:
    """(left edge, bottom edge) of ``boxes`` together with an earlier ``corner``; None when
    there is nothing."""
    left, bottom = corner if corner is not None else (math.inf, -math.inf)
    for x, y, w, h in boxes:
        left, bottom = min(left, x - w / 2), max(bottom, y + h / 2)
    return None if left == math.inf else (left, bottom)


def unplaced_positions(corner: Point | None, sizes: Sequence[Size]) -> list[Point]:
    """Centres for boxes that have no position, in the order given: a grid whose top-left is
    ``UNPLACED_DROP`` below the placed boxes' ``corner`` (:func:`boxes_corner`; the origin when
    nothing is placed), at least four a row (about the square root of twice their number for
    many), ``UNPLACED_GAP`` apart, each row's boxes aligned by their top edges."""
    left, bottom = corner if corner is not None else (0.0, 0.0)
    top = bottom + UNPLACED_DROP
    per_row = max(4, round((len(sizes) * 2) ** 0.5))
    gx, gy = UNPLACED_GAP
    return [(left + w / 2 + (i % per_row) * gx, top + h / 2 + (i // per_row) * gy)
            for i, (w, h) in enumerate(sizes)]


def drawing_boxes(doc: Document, node_ids: Iterable[str],
                  sizes: dict[str, Size] | None = None) -> dict[str, Box]:
    """(centre x, centre y, width, height) of each node for a file drawing (GraphML, draw.io)
    with its size in ``sizes`` (e.g. :func:`default_sizes`, room for the wrapped label), else
    :func:`servicemap.palette.box_size`; nodes with no position go on the grid below the
    others (:func:`unplaced_positions`), in the order given, as on the canvas."""
    nodes = doc.graph.nodes
    sizes = sizes or {}
    out: dict[str, Box] = {}
    unplaced = []
    for n in node_ids:
        attrs = nodes[n]
        w, h = sizes.get(n) or palette.box_size(attrs["kind"])
        if attrs.get("x") is None or attrs.get("y") is None:
            unplaced.append((n, (w, h)))
        else:
            out[n] = (float(attrs["x"]), float(attrs["y"]), w, h)
    spots = unplaced_positions(boxes_corner(out.values()), [size for _, size in unplaced])
    for (n, (w, h)), (x, y) in zip(unplaced, spots, strict=True):
        out[n] = (x, y, w, h)
    return out


def free_spot(boxes: Iterable[Box], size: Size, start: Point, after: Box | None = None,
              gap: float = 40.0) -> Point:
    """Where a new box of ``size`` goes so that it covers no other box: beside ``after``
    (the box added last), on its right, when that is free, else at ``start`` (the view's
    centre); from there it steps right, then on to the next row, until nothing is under it.
    ``boxes`` are (x, y, width, height) with (x, y) the centre, as the canvas keeps them."""
    placed = list(boxes)
    w, h = size

    def clear(x: float, y: float) -> bool:
        return all(abs(x - bx) * 2 >= w + bw + GAP or abs(y - by) * 2 >= h + bh + GAP
                   for bx, by, bw, bh in placed)

    candidates = []
    if after is not None:
        ax, ay, aw, _ah = after
        candidates.append((ax + (aw + w) / 2 + gap, ay))
    candidates.append(start)
    for x, y in candidates:
        if clear(x, y):
            return (x, y)
    x0, y0 = candidates[0]
    step_x, step_y = w + gap, h + gap
    for row in range(200):
        for col in range(1, 12):
            x, y = x0 + col * step_x, y0 + row * step_y
            if clear(x, y):
                return (x, y)
    return (x0, y0 + 201 * step_y)
