"""Where each flow's number goes: along its own line, at the least crowded of a few points.

Qt-free geometry. A flow is a polyline (from the source box to the target's) and the size of
its number label; :func:`place_labels` gives each flow the fraction of its length at which the
label's centre sits, choosing among a few points near the middle the one whose label crosses
the fewest other lines and overlaps the fewest other labels (the middle when nothing is
better). :func:`crowded` counts the labels that still touch another line or label.

A coarse grid of cells keeps this near-linear in the number of flows.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

Point = tuple[float, float]
Rect = tuple[float, float, float, float]  # left, top, right, bottom

# Fractions of a flow's length tried in turn; the first of equally crowded ones wins.
CANDIDATES = (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8)
CELL = 120.0  # map units: the size of a grid cell of the spatial index
LABEL_WEIGHT = 2  # a label over another label is worse than one over a line


class Flow(NamedTuple):
    key: str
    line: Sequence[Point]  # at least two points
    size: tuple[float, float]  # the label's width and height; (0, 0): no label, a line only


def point_at(line: Sequence[Point], t: float) -> Point:
    """The point a fraction ``t`` of the way along ``line`` (by length)."""
    lengths = [math.dist(a, b) for a, b in zip(line, line[1:], strict=False)]
    total = sum(lengths)
    if total == 0:
        return line[0]
    remaining = max(0.0, min(1.0, t)) * total
    for (a, b), length in zip(zip(line, line[1:], strict=False), lengths, strict=True):
        if remaining <= length and length > 0:
            f = remaining / length
            return a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f
        remaining -= length
    return line[-1]


def label_rect(centre: Point, size: tuple[float, float]) -> Rect:
    w, h = size
    return centre[0] - w / 2, centre[1] - h / 2, centre[0] + w / 2, centre[1] + h / 2


def rects_overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def clip_segment(p: Point, q: Point, rect: Rect) -> tuple[float, float] | None:
    """The part (t0, t1) of the segment p-q inside ``rect``, or None (Liang-Barsky clipping)."""
    left, top, right, bottom = rect
    dx, dy = q[0] - p[0], q[1] - p[1]
    lo, hi = 0.0, 1.0
    for edge_p, edge_q in ((-dx, p[0] - left), (dx, right - p[0]),
                           (-dy, p[1] - top), (dy, bottom - p[1])):
        if edge_p == 0:
            if edge_q < 0:
                return None
            continue
        r = edge_q / edge_p
        if edge_p < 0:
            lo = max(lo, r)
        else:
            hi = min(hi, r)
        if lo > hi:
            return None
    return lo, hi


def segment_crosses(p: Point, q: Point, rect: Rect) -> bool:
    """Whether the segment p-q passes through ``rect``."""
    return clip_segment(p, q, rect) is not None


def _cells(rect: Rect) -> Iterable[tuple[int, int]]:
    for i in range(math.floor(rect[0] / CELL), math.floor(rect[2] / CELL) + 1):
        for j in range(math.floor(rect[1] / CELL), math.floor(rect[3] / CELL) + 1):
            yield i, j


def _segment_cells(p: Point, q: Point) -> set[tuple[int, int]]:
    """The cells a segment passes through (pieces of at most a cell each, so a long diagonal
    line is not filed under every cell of its bounding box)."""
    pieces = max(1, math.ceil(math.dist(p, q) / CELL))
    dx, dy = (q[0] - p[0]) / pieces, (q[1] - p[1]) / pieces
    floor = math.floor
    cells: set[tuple[int, int]] = set()
    add = cells.add
    for i in range(pieces):  # each piece spans at most two cells each way
        x0, y0 = p[0] + dx * i, p[1] + dy * i
        x1, y1 = x0 + dx, y0 + dy
        i0, i1 = floor(min(x0, x1) / CELL), floor(max(x0, x1) / CELL)
        j0, j1 = floor(min(y0, y1) / CELL), floor(max(y0, y1) / CELL)
        add((i0, j0))
        if i1 != i0 or j1 != j0:
            add((i1, j0))
            add((i0, j1))
            add((i1, j1))
    return cells


def _wanted_cells(p: Point, q: Point, cols: Mapping[int, list[int]]) -> list[tuple[int, int]]:
    """The cells in ``cols`` (column: its wanted rows, sorted) that a slanted segment passes
    through, column by column: in each column it spans the rows between where it enters
    and leaves, so a long line costs a lookup per column, not a step per cell."""
    floor = math.floor
    (x0, y0), (x1, y1) = (p, q) if p[0] <= q[0] else (q, p)
    slope = (y1 - y0) / (x1 - x0)
    found = []
    for i in range(floor(x0 / CELL), floor(x1 / CELL) + 1):
        rows = cols.get(i)
        if not rows:
            continue
        a, b = max(x0, i * CELL), min(x1, (i + 1) * CELL)
        ya, yb = y0 + (a - x0) * slope, y0 + (b - x0) * slope
        lo = bisect_left(rows, floor(min(ya, yb) / CELL))
        hi = bisect_right(rows, floor(max(ya, yb) / CELL))
        found.extend((i, j) for j in rows[lo:hi])
    return found


class _Index:
    """The flows' segments and the labels placed so far, by grid cell."""

    def __init__(self, flows: Sequence[Flow],
                 wanted: set[tuple[int, int]] | None = None) -> None:
        """``wanted``: the only cells that will be asked about (None: every cell). A level or
        upright segment (most routed flows are made of them) is then filed by looking its
        row or column up in the wanted cells instead of walking it cell by cell, which on a
        large map is millions of cells no label is in."""
        self.segments: dict[tuple[int, int], list[tuple[int, Point, Point]]] = defaultdict(list)
        self.labels: dict[tuple[int, int], dict[int, Rect]] = defaultdict(dict)
        segments = self.segments
        if wanted is None:
            for n, flow in enumerate(flows):
                for p, q in zip(flow.line, flow.line[1:], strict=False):
                    for cell in _segment_cells(p, q):
                        segments[cell].append((n, p, q))
            return
        rows: dict[int, list[int]] = defaultdict(list)
        cols: dict[int, list[int]] = defaultdict(list)
        for i, j in wanted:
            rows[j].append(i)
            cols[i].append(j)
        for line in (*rows.values(), *cols.values()):
            line.sort()
        floor = math.floor
        for n, flow in enumerate(flows):
            for p, q in zip(flow.line, flow.line[1:], strict=False):
                entry = (n, p, q)
                if p[1] == q[1] or p[0] == q[0]:  # the cells of its box, a row or a column
                    level = p[1] == q[1]
                    along, at = (0, 1) if level else (1, 0)
                    cells = (rows if level else cols).get(floor(p[at] / CELL))
                    if not cells:
                        continue
                    k = floor(p[at] / CELL)
                    lo = bisect_left(cells, floor(min(p[along], q[along]) / CELL))
                    hi = bisect_right(cells, floor(max(p[along], q[along]) / CELL))
                    for c in cells[lo:hi]:
                        segments[(c, k) if level else (k, c)].append(entry)
                    continue
                for cell in _wanted_cells(p, q, cols):
                    segments[cell].append(entry)

    def put_label(self, n: int, rect: Rect) -> None:
        for cell in _cells(rect):
            self.labels[cell][n] = rect

    def take_label(self, n: int, rect: Rect) -> None:
        for cell in _cells(rect):
            self.labels[cell].pop(n, None)

    def lines_crossed(self, n: int, rect: Rect) -> set[int]:
        """The other flows whose line passes through ``rect``."""
        found: set[int] = set()
        for cell in _cells(rect):
            for other, p, q in self.segments.get(cell, ()):
                if other != n and other not in found and segment_crosses(p, q, rect):
                    found.add(other)
        return found

    def crosses_any(self, n: int, rect: Rect) -> bool:
        """Whether another flow's line passes through ``rect`` (stops at the first)."""
        left, top, right, bottom = rect
        for cell in _cells(rect):
            for other, p, q in self.segments.get(cell, ()):
                if other == n or max(p[0], q[0]) < left or min(p[0], q[0]) > right \
                        or max(p[1], q[1]) < top or min(p[1], q[1]) > bottom:
                    continue
                if segment_crosses(p, q, rect):
                    return True
        return False

    def overlaps_any(self, n: int, rect: Rect) -> bool:
        return any(other != n and rects_overlap(rect, box) for cell in _cells(rect)
                   for other, box in self.labels.get(cell, {}).items())

    def labels_overlapped(self, n: int, rect: Rect) -> set[int]:
        found: set[int] = set()
        for cell in _cells(rect):
            for other, box in self.labels.get(cell, {}).items():
                if other != n and rects_overlap(rect, box):
                    found.add(other)
        return found


def place_labels(flows: Sequence[Flow],
                 candidates: Sequence[float] = CANDIDATES) -> dict[str, float]:
    """For each flow, the fraction of its length where its label is least crowded.

    Every label starts in the middle; each in turn then moves to the first candidate point
    with the fewest other lines and labels (a label counts twice) under it."""
    index = _Index(flows)
    rects = [label_rect(point_at(f.line, 0.5), f.size) for f in flows]
    for n, rect in enumerate(rects):
        if flows[n].size[0] > 0:
            index.put_label(n, rect)
    chosen: dict[str, float] = {}
    for n, flow in enumerate(flows):
        if flow.size[0] <= 0:
            continue
        index.take_label(n, rects[n])
        best_t, best_cost, best_rect = 0.5, None, rects[n]
        for t in candidates:
            rect = label_rect(point_at(flow.line, t), flow.size)
            cost = len(index.lines_crossed(n, rect)) + \
                LABEL_WEIGHT * len(index.labels_overlapped(n, rect))
            if best_cost is None or cost < best_cost:
                best_t, best_cost, best_rect = t, cost, rect
            if cost == 0:
                break
        rects[n] = best_rect
        index.put_label(n, best_rect)
        chosen[flow.key] = best_t
    return chosen


def crowded(flows: Sequence[Flow], placed: Mapping[str, float] | None = None) -> int:
    """How many labels overlap another label or cross another flow's line, with each label
    at its ``placed`` fraction (the middle when not given)."""
    placed = placed or {}
    index = _Index(flows)
    rects = [label_rect(point_at(f.line, placed.get(f.key, 0.5)), f.size) for f in flows]
    labelled = [n for n, f in enumerate(flows) if f.size[0] > 0]
    for n in labelled:
        index.put_label(n, rects[n])
    return sum(1 for n in labelled
               if index.lines_crossed(n, rects[n]) or index.labels_overlapped(n, rects[n]))


class _Crossings:
    """Which flows' lines pass through a rectangle, for many rectangles: the level pieces by
    their height, the upright ones by their x (most lines are routes of level and upright
    pieces, and a flow's pieces share a few heights and xs), each with, for every prefix of
    its pieces ordered by where they start, the two furthest reaching ends of different
    flows, so a rectangle asks a few bisections instead of a grid of cells each long line
    is filed under (a 50,000-service map's lines crossed 57 million cells). Slanted pieces
    (a straight line between boxes too close for bends) keep a grid of their own."""

    def __init__(self, flows: Sequence[Flow]) -> None:
        level: dict[float, list[tuple[float, float, int]]] = defaultdict(list)
        upright: dict[float, list[tuple[float, float, int]]] = defaultdict(list)
        slanted: dict[tuple[int, int], list[tuple[int, Point, Point]]] = defaultdict(list)
        for n, flow in enumerate(flows):
            for p, q in zip(flow.line, flow.line[1:], strict=False):
                if p[1] == q[1]:
                    level[p[1]].append((min(p[0], q[0]), max(p[0], q[0]), n))
                elif p[0] == q[0]:
                    upright[p[0]].append((min(p[1], q[1]), max(p[1], q[1]), n))
                else:
                    for cell in _segment_cells(p, q):
                        slanted[cell].append((n, p, q))
        self.level = self._prefixes(level)
        self.upright = self._prefixes(upright)
        self.level_at = sorted(self.level)
        self.upright_at = sorted(self.upright)
        self.slanted = slanted

    @staticmethod
    def _prefixes(pieces: dict[float, list[tuple[float, float, int]]]):
        """For each height (or x): the pieces' starts in order, and for each prefix the
        furthest end, its flow, and the furthest end of any other flow."""
        found = {}
        inf = math.inf
        for at, some in pieces.items():
            some.sort()
            starts, best = [], []
            e1, f1, e2 = -inf, -1, -inf
            for start, end, n in some:
                if n == f1:
                    if end > e1:
                        e1 = end
                elif end > e1:
                    e1, f1, e2 = end, n, e1
                elif end > e2:
                    e2 = end
                starts.append(start)
                best.append((e1, f1, e2))
            found[at] = (starts, best)
        return found

    @staticmethod
    def _reach(table, keys: list[float], lo: float, hi: float, near: float, far: float,
               n: int) -> bool:
        """Whether a piece at a key in [lo, hi] of a flow other than ``n`` starts at or
        before ``far`` and ends at or after ``near``."""
        for i in range(bisect_left(keys, lo), bisect_right(keys, hi)):
            starts, best = table[keys[i]]
            k = bisect_right(starts, far)
            if k:
                e1, f1, e2 = best[k - 1]
                if (e1 >= near and f1 != n) or e2 >= near:
                    return True
        return False

    def any(self, n: int, rect: Rect) -> bool:
        """Whether a flow other than ``n`` has a line through ``rect`` (its edges count)."""
        left, top, right, bottom = rect
        if self._reach(self.level, self.level_at, top, bottom, left, right, n) or \
                self._reach(self.upright, self.upright_at, left, right, top, bottom, n):
            return True
        if self.slanted:
            for cell in _cells(rect):
                for other, p, q in self.slanted.get(cell, ()):
                    if other != n and segment_crosses(p, q, rect):
                        return True
        return False


def clear_labels(flows: Sequence[Flow], placed: Mapping[str, float] | None = None,
                 boxes: Sequence[Rect] = (), order: Sequence[str] | None = None,
                 candidates: Sequence[float] = ()) -> dict[str, float]:
    """The flows whose label can be drawn clear of every other flow's line, of ``boxes`` and
    of the labels kept before it, and where: at its ``placed`` fraction (the middle when not
    given), else at the first of ``candidates`` that is clear. Labels are taken in ``order``
    (keys; by default as given), so the first are kept when two would touch. What an exported
    page draws; the others are left out."""
    placed = placed or {}
    lines = _Crossings(flows)
    labels: dict[tuple[int, int], dict[int, Rect]] = defaultdict(dict)
    box_cells: dict[tuple[int, int], list[Rect]] = defaultdict(list)
    for box in boxes:
        for cell in _cells(box):
            box_cells[cell].append(box)
    number = {f.key: n for n, f in enumerate(flows)}
    kept: dict[str, float] = {}
    for key in order if order is not None else [f.key for f in flows]:
        n = number[key]
        flow = flows[n]
        if flow.size[0] <= 0:
            continue
        first = placed.get(key, 0.5)
        for t in (first, *(c for c in candidates if c != first)):
            rect = label_rect(point_at(flow.line, t), flow.size)
            if lines.any(n, rect):  # what leaves most numbers out: asked first
                continue
            cells = list(_cells(rect))
            if any(rects_overlap(rect, box) for cell in cells
                   for box in box_cells.get(cell, ())):
                continue
            if any(other != n and rects_overlap(rect, box) for cell in cells
                   for other, box in labels.get(cell, {}).items()):
                continue
            for cell in cells:
                labels[cell][n] = rect
            kept[key] = t
            break
    return kept
