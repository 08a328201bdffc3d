"""Flow routes around boxes: orthogonal polylines from a port on a side of the source box to
a port on a side of the target's, clear of every other box.

Plain Python, no Qt: the canvas, every picture export and the draw.io export draw these routes.

- **Sides and ports.** A flow leaves the side of its source that faces the target (right/left
  when the boxes are side by side, bottom/top when one is above the other) and enters the
  target's opposite side. Ends on one side get their own ports, spread along it in the order
  of the boxes at their other ends (so they do not cross at the box); parallel flows between
  the same two boxes therefore never share a line. Flows into an **exit** share one port per
  side and one trunk in front of it: they are drawn as a bundle.
- **Routes.** A short stub leaves each port; between the stubs the route is a Z (three
  segments, the middle one in the channel between the boxes) when one is clear of every box,
  else the cheapest path (length plus a penalty per bend) over a sparse orthogonal grid of the
  boxes' edges near the two ends (A*; ties go to the state nearest the goal, and the estimate
  counts the turns still needed, so it visits few points). A long flow across a big map,
  past any search's window, takes a lane route whose legs run the whole length of the
  channels beside its ends (:data:`LONG_LANE_LEG`). Areas to avoid (containers' whole
  title bands) are kept clear wherever a route can be found round them: a flow into or out of
  a container comes in by its sides or bottom. Those searches may go further
  (:data:`AVOID_SEARCH_CAP`) and spend most of a run's budget; only when none is found does a
  flow cross a title (never a straight line through boxes for want of budget), and tracks
  moved apart are never moved into a title.
- **Separation.** Middle segments of different flows that would lie on one line are moved
  apart onto tracks a few units apart (those of one bundle stay together).
- **Cost.** A grid of cells (:class:`BoxIndex`) finds the boxes near a segment, so a check is
  near constant; each search is capped, and the searches of one run share a budget
  (:data:`SEARCH_BUDGET` grid points): past it, and between boxes too close for a route, a flow
  is a straight line between the boxes' edges. :meth:`Router.update` re-routes only the flows
  of the boxes that moved (and those that shared a side with them or ran where they now are),
  and tries again the few flows left straight or over a title near the move (or near a title
  that moved), which it may have opened a way for: a dragged map keeps routes as good as a
  fresh routing. A title that a flow's own box lies on is not kept out of for that flow.

Boxes are (centre x, centre y, width, height) in scene units; a route is a list of points from
the source box's edge to the target's (the arrow's tip).
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from servicemap.graph.flow_labels import segment_crosses
from servicemap.graph.route_memory import RouteMemory

Point = tuple[float, float]
Box = tuple[float, float, float, float]   # centre x, centre y, width, height
Rect = tuple[float, float, float, float]  # left, top, right, bottom

MARGIN = 10.0       # routes keep this far from boxes they do not join
STUB = 16.0         # the straight piece out of a port before the first bend
MIN_GAP = 12.0      # boxes closer than this on both axes are joined by a straight line
PORT_GAP = 10.0     # between two ports on one side of a box
HUB_ENDS = 6        # a side with more flow ends than this gives them all one port
TRACK = 6.0         # between two parallel segments in one channel
MAX_SPREAD = 30.0   # parallel segments spread at most this far either side of their line
BEND = 30.0         # what a bend costs in the search, in scene units of length
CELL = 160.0        # the spatial index's cell
WINDOW = 220.0      # the search looks this far beyond the two ends
SEARCH_CAP = 3000   # grid points one search may visit
AVOID_SEARCH_CAP = 6000  # and one that keeps out of container titles (it goes further round)
RETRY_STRAIGHT = 50  # new areas to avoid: flows drawn straight are routed again, up to this many
RETRY_NEAR = 3 * WINDOW  # a move (or a title moved) this near a flow left straight or over a
# title may have opened a way for it: it is tried again
RETRY_STUCK = 12  # at most this many such flows per move (the shortest first), so a drop on a
# large map with many of them stays quick
AVOID_SHARE = 0.75  # of a run's budget, what searches keeping out of titles may spend; those
# that may cross one still get a whole budget after them, so that no flow is left a straight
# line through boxes for want of it
SEARCH_BOXES = 80  # boxes near the ends past which no search is tried
SEARCH_CELLS = 200  # nor over a window of more than this many index cells
# On a map of up to SMALL_MAP boxes a search may look over more (a long flow across a
# 300-service map finds its way instead of being drawn straight through boxes); on larger
# maps that would spend the whole budget on a few flows.
SMALL_MAP = 500
SMALL_MAP_BOXES, SMALL_MAP_CELLS = 250, 600
SEARCH_BUDGET = 100_000  # grid points all the searches of one run may visit
LANE_LEG = 4 * CELL  # a lane route's legs across to its lane reach this far at first
# and, for a flow no search found a way for (a long one across a big map, past a search's
# window), as far as the map goes: down the channel beside its source's column to a lane
# near its target, without a search's cost
LONG_LANE_LEG = math.inf
MANY_MOVED = 50  # moving more boxes than this (or a tenth of them) routes every flow afresh
AVOID_GROW = 1.0  # routes keep this far out of areas to avoid (not running along an edge)
CHECK_BUDGET = 150_000  # segment checks one run may make; past it flows are drawn straight

_OPPOSITE = {"r": "l", "l": "r", "t": "b", "b": "t"}
NORMALS = {"r": (1.0, 0.0), "l": (-1.0, 0.0), "b": (0.0, 1.0), "t": (0.0, -1.0)}


class Flow(NamedTuple):
    key: str
    source: str
    target: str


def rect_of(box: Box, grow: float = 0.0) -> Rect:
    x, y, w, h = box
    return x - w / 2 - grow, y - h / 2 - grow, x + w / 2 + grow, y + h / 2 + grow


def boundary_point(box: Box, toward: Point) -> Point:
    """Where the line from the box's centre toward ``toward`` leaves the box."""
    cx, cy, w, h = box
    dx, dy = toward[0] - cx, toward[1] - cy
    if dx == 0 and dy == 0:
        return cx, cy
    scale = min(w / 2 / abs(dx) if dx else math.inf, h / 2 / abs(dy) if dy else math.inf)
    return cx + dx * scale, cy + dy * scale


def straight(a: Box, b: Box) -> list[Point]:
    """The straight line between two boxes' edges (the fallback)."""
    return [boundary_point(a, b[:2]), boundary_point(b, a[:2])]


def sides(a: Box, b: Box) -> tuple[str, str] | None:
    """The sides a flow from box ``a`` to box ``b`` leaves and enters by; None when the boxes
    are too close (or overlap) for a route with bends."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    across = abs(bx - ax) - (aw + bw) / 2
    down = abs(by - ay) - (ah + bh) / 2
    roomy = 2 * STUB + 4
    if across >= roomy:  # side by side with room for the stubs: flows read left to right
        return ("r", "l") if bx > ax else ("l", "r")
    if down >= MIN_GAP:
        return ("b", "t") if by > ay else ("t", "b")
    if across >= MIN_GAP:
        return ("r", "l") if bx > ax else ("l", "r")
    return None


def quick_route(a: Box, b: Box) -> list[Point]:
    """A route between two boxes' middle ports that looks at no other box: what a flow shows
    while one of its boxes is being dragged, before it is routed on the drop."""
    found = sides(a, b)
    if found is None:
        return straight(a, b)
    p, q = _port(a, found[0], 0.0), _port(b, found[1], 0.0)
    return _simplify(_z(p, q, found[0], (p[0] + q[0]) / 2 if found[0] in "rl"
                        else (p[1] + q[1]) / 2))


def _port(box: Box, side: str, offset: float) -> Point:
    x, y, w, h = box
    if side == "r":
        return x + w / 2, y + offset
    if side == "l":
        return x - w / 2, y + offset
    if side == "b":
        return x + offset, y + h / 2
    return x + offset, y - h / 2


def _z(p: Point, q: Point, side: str, channel: float) -> list[Point]:
    """p -> q with one bend pair: the middle segment at x = channel (horizontal sides) or
    y = channel (vertical sides)."""
    if side in "rl":
        return [p, (channel, p[1]), (channel, q[1]), q]
    return [p, (p[0], channel), (q[0], channel), q]


def pairs(line: list[Point]):
    """The segments of a polyline, as (start, end) pairs."""
    return zip(line, line[1:], strict=False)


def _along(p: Point, value: float, axis: int) -> Point:
    """p moved along ``axis`` to ``value``."""
    return (value, p[1]) if axis == 0 else (p[0], value)


def _simplify(points: list[Point]) -> list[Point]:
    """Drop repeated points and the middle of three on one line."""
    out: list[Point] = []
    for pt in points:
        if out and abs(pt[0] - out[-1][0]) < 1e-6 and abs(pt[1] - out[-1][1]) < 1e-6:
            continue
        if len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            if (abs(ax - bx) < 1e-6 and abs(bx - pt[0]) < 1e-6) or \
                    (abs(ay - by) < 1e-6 and abs(by - pt[1]) < 1e-6):
                out[-1] = pt
                continue
        out.append(pt)
    return out


class BoxIndex:
    """Boxes (and areas to avoid) by grid cell, and by column and row of cells sorted along
    them, so that a check of an axis-parallel segment, however long, reads only the boxes
    on its own line."""

    def __init__(self, cell: float = CELL) -> None:
        self.cell = cell
        self.rects: dict[str, Rect] = {}
        self.cells: dict[tuple[int, int], set[str]] = defaultdict(set)
        # column i: (top, bottom, left, right, key) of the rects across it, by top; rows alike
        # with (left, right, top, bottom, key).
        self.lines: tuple[dict, dict] = (defaultdict(list), defaultdict(list))
        self.reach_max = [0.0, 0.0]  # the widest and the tallest rect
        self.queries = 0  # segment checks made (a router's budget counts them)

    def _span(self, lo: float, hi: float) -> range:
        return range(math.floor(lo / self.cell), math.floor(hi / self.cell) + 1)

    def _entries(self, key: str, r: Rect):
        yield 0, self._span(r[0], r[2]), (r[1], r[3], r[0], r[2], key)
        yield 1, self._span(r[1], r[3]), (r[0], r[2], r[1], r[3], key)

    def add(self, key: str, rect: Rect) -> None:
        self.remove(key)
        self.rects[key] = rect
        for i in self._span(rect[0], rect[2]):
            for j in self._span(rect[1], rect[3]):
                self.cells[(i, j)].add(key)
        for axis, span, entry in self._entries(key, rect):
            for i in span:
                bisect.insort(self.lines[axis][i], entry)
        self.reach_max[0] = max(self.reach_max[0], rect[2] - rect[0])
        self.reach_max[1] = max(self.reach_max[1], rect[3] - rect[1])

    def fill(self, rects: Mapping[str, Rect]) -> None:
        """Hold exactly these rects: each filed once and every line sorted once, not kept in
        order rect by rect (a layout moves all 10,000 boxes)."""
        self.rects = dict(rects)
        self.cells = cells = defaultdict(set)
        self.lines = lines = (defaultdict(list), defaultdict(list))
        span = self._span
        for key, rect in self.rects.items():
            for i in span(rect[0], rect[2]):
                for j in span(rect[1], rect[3]):
                    cells[(i, j)].add(key)
            for axis, columns, entry in self._entries(key, rect):
                for i in columns:
                    lines[axis][i].append(entry)
        for by_axis in lines:
            for line in by_axis.values():
                line.sort()
        self.reach_max = [max((r[2] - r[0] for r in self.rects.values()), default=0.0),
                          max((r[3] - r[1] for r in self.rects.values()), default=0.0)]

    def remove(self, key: str) -> None:
        rect = self.rects.pop(key, None)
        if rect is None:
            return
        for i in self._span(rect[0], rect[2]):
            for j in self._span(rect[1], rect[3]):
                members = self.cells.get((i, j))
                if members is not None:
                    members.discard(key)
                    if not members:
                        del self.cells[(i, j)]
        for axis, span, entry in self._entries(key, rect):
            for i in span:
                line = self.lines[axis].get(i)
                if line is not None:
                    at = bisect.bisect_left(line, entry)
                    if at < len(line) and line[at] == entry:
                        del line[at]

    def near(self, rect: Rect) -> set[str]:
        """Keys of the rects in the cells that ``rect`` touches (a superset of those it meets)."""
        found: set[str] = set()
        cells = self.cells
        rows = self._span(rect[1], rect[3])
        for i in self._span(rect[0], rect[2]):
            for j in rows:
                members = cells.get((i, j))
                if members:
                    found |= members
        return found

    def _first(self, p: Point, q: Point, ignore) -> float | None:
        """How far from p along the axis-parallel segment p-q the first rect it enters
        begins (0 when p is in one); None when it enters none."""
        self.queries += 1
        vertical = abs(p[0] - q[0]) < 1e-9
        axis = 1 if vertical else 0     # the coordinate that changes along the segment
        at = p[1 - axis]                # the one that does not
        lo, hi = (p[axis], q[axis]) if q[axis] >= p[axis] else (q[axis], p[axis])
        line = self.lines[0 if vertical else 1].get(math.floor(at / self.cell))
        if not line:
            return None
        start = bisect.bisect_left(line, (lo - self.reach_max[axis] - 1,))
        stop = bisect.bisect_left(line, (hi,))
        if q[axis] >= p[axis]:  # by near edge, nearest first: the first that meets is it
            for k in range(start, stop):
                a0, a1, b0, b1, key = line[k]
                if a1 > lo and b0 < at < b1 and key not in ignore:
                    return max(0.0, a0 - lo)
            return None
        best = None
        tallest = self.reach_max[axis]
        for k in range(stop - 1, start - 1, -1):
            a0, a1, b0, b1, key = line[k]
            if best is not None and a0 + tallest < hi - best:
                break
            if a1 > lo and b0 < at < b1 and key not in ignore:
                gap = max(0.0, hi - a1)
                best = gap if best is None else min(best, gap)
        return best

    def hits(self, p: Point, q: Point, ignore: Iterable[str] = ()) -> bool:
        """Whether the segment p-q passes through a rect other than those ignored."""
        if abs(p[0] - q[0]) < 1e-9 or abs(p[1] - q[1]) < 1e-9:
            return self._first(p, q, ignore) is not None
        box = (min(p[0], q[0]), min(p[1], q[1]), max(p[0], q[0]), max(p[1], q[1]))
        rects = self.rects
        for key in self.near(box):
            if key in ignore:
                continue
            r = rects[key]
            if r[0] < box[2] and box[0] < r[2] and r[1] < box[3] and box[1] < r[3] \
                    and segment_crosses(p, q, r):
                return True
        return False

    def reach(self, p: Point, q: Point, ignore: Iterable[str] = ()) -> float:
        """How far along the axis-parallel segment p-q one can go from p before entering a
        rect other than those ignored (the whole length when none is in the way)."""
        length = abs(q[0] - p[0]) + abs(q[1] - p[1])
        first = self._first(p, q, ignore)
        return length if first is None else min(length, first)


class Router:
    """The routes of a map's flows, kept up to date as boxes move (see the module's notes).

    ``boxes`` by node id; ``flows`` (key, source, target); ``bundle``: the nodes whose incoming
    flows are bundled (exits); ``avoid``: areas routes keep out of where they can (container
    titles). ``routes`` maps each flow's key to its points."""

    def __init__(self, boxes: Mapping[str, Box], flows: Iterable[Flow],
                 bundle: Iterable[str] = (), avoid: Iterable[Rect] = (),
                 budget: int = CHECK_BUDGET) -> None:
        self.boxes: dict[str, Box] = dict(boxes)
        self.flows: dict[str, Flow] = {f.key: f for f in flows}
        self.bundle = set(bundle)
        self.budget = budget
        self.spent = 0  # grid points visited by the searches of the last run
        self.checks = 0  # segment checks made by the last run
        self.fallbacks = 0  # flows drawn straight in the last run
        self.index = BoxIndex()  # boxes grown by the margin
        self.index.fill({key: rect_of(box, MARGIN - 0.5) for key, box in self.boxes.items()})
        self.avoid_index = BoxIndex()
        self._unavoidable: set[str] = set()  # areas the flow being routed cannot keep out of
        self.avoid: list[Rect] = []
        self._set_avoid(avoid)
        self.at: dict[str, set[str]] = defaultdict(set)  # node -> keys of its flows
        for f in self.flows.values():
            self.at[f.source].add(f.key)
            self.at[f.target].add(f.key)
        self.routes: dict[str, list[Point]] = {}
        self.straight: set[str] = set()  # flows drawn as straight fallbacks
        self.over_avoid: set[str] = set()  # flows that found no way round the areas to avoid
        self._bounds: dict[str, Rect] = {}
        self._sides: dict[str, tuple[str, str] | None] = {}
        self._ports: dict[tuple[str, str], Point] = {}  # (flow key, "s"/"t") -> port
        self.memory = RouteMemory()  # the routes before and after the last layouts
        self.recalled = False  # the last update put back remembered routes (no routing)
        self._route(set(self.flows))

    # ----- changes ----------------------------------------------------------------------
    def update(self, boxes: Mapping[str, Box] = {}, removed: Iterable[str] = (),
               added_flows: Iterable[Flow] = (), removed_flows: Iterable[str] = ()) -> set[str]:
        """Boxes moved, resized, added or removed and flows added or removed: re-route the
        flows concerned; returns the keys of the flows whose routes changed (or went)."""
        self.recalled = False
        if len(boxes) > max(MANY_MOVED, len(self.boxes) // 10):  # a layout: start afresh
            self.memory.keep(self)
            self.boxes.update(boxes)
            if 2 * len(boxes) > len(self.boxes):  # most of them: the index made afresh
                self.index.fill({key: rect_of(box, MARGIN - 0.5)
                                 for key, box in self.boxes.items()})
            else:
                for node, box in boxes.items():
                    self.index.add(node, rect_of(box, MARGIN - 0.5))
            changed = set(self.routes)
            for node in removed:
                self.boxes.pop(node, None)
                self.index.remove(node)
                for key in self.at.pop(node, set()):
                    self.flows.pop(key, None)
            for key in removed_flows:
                self.flows.pop(key, None)
            self.flows.update((f.key, f) for f in added_flows)
            self.at = defaultdict(set)
            for f in self.flows.values():
                self.at[f.source].add(f.key)
                self.at[f.target].add(f.key)
            for key in changed - self.flows.keys():
                self._forget(key)
            state = self.memory.recall(self)
            if state is not None:  # a layout undone or redone: its routes as they were
                self._restore(state)
                return changed | set(self.routes)
            self._sides, self._ports = {}, {}
            return changed | self._route(set(self.flows))
        touched: set[str] = set()
        changed: set[str] = set()
        for key in removed_flows:
            f = self.flows.pop(key, None)
            if f is not None:
                for end in (f.source, f.target):
                    self.at[end].discard(key)
                    touched |= self.at[end]
                self._forget(key)
                changed.add(key)
        areas: list[Rect] = []
        for node in removed:
            old = self.boxes.pop(node, None)
            if old is not None:
                self.index.remove(node)
                areas.append(rect_of(old, MARGIN + TRACK + 1))
            for key in list(self.at.pop(node, ())):
                f = self.flows.pop(key)
                other = f.target if f.source == node else f.source
                self.at[other].discard(key)
                touched |= self.at[other]
                self._forget(key)
                changed.add(key)
        for node, box in boxes.items():
            old = self.boxes.get(node)
            if old is not None:  # routes that went round it where it was may now go straight
                areas.append(rect_of(old, MARGIN + TRACK + 1))
            self.boxes[node] = box
            self.index.add(node, rect_of(box, MARGIN - 0.5))
            areas.append(rect_of(box, MARGIN))
            touched |= self.at.get(node, set())
        for f in added_flows:
            self.flows[f.key] = f
            self.at[f.source].add(f.key)
            self.at[f.target].add(f.key)
            touched.add(f.key)
        touched |= self._running_through(areas)
        touched &= self.flows.keys()
        touched |= self._stuck_near(areas, touched)
        return changed | self._route(touched)

    def _restore(self, state) -> None:
        self.routes, self.straight = dict(state.routes), set(state.straight)
        self._bounds, self._sides, self._ports = \
            dict(state.bounds), dict(state.sides), dict(state.ports)
        self.spent, self.checks, self.fallbacks = state.spent, state.checks, state.fallbacks
        self.recalled = True

    def set_avoid(self, avoid: Iterable[Rect]) -> set[str]:
        """Other areas to keep routes out of; re-routes the flows that run through the new
        ones and returns their keys."""
        avoid = [tuple(r) for r in avoid]
        if avoid == self.avoid:
            return set()
        old = set(self.avoid)
        self._set_avoid(avoid)
        keys = self._running_through([r for r in avoid if r not in old])
        if len(self.straight) <= RETRY_STRAIGHT:  # a few straight fallbacks: tried again
            keys |= self.straight & self.flows.keys()
        # Flows over a title that moved or went may now find their way round.
        keys |= self._stuck_near([r for r in old if r not in set(self.avoid)]
                                 + [r for r in self.avoid if r not in old], keys)
        return self._route(keys)

    def _set_avoid(self, avoid: Iterable[Rect]) -> None:
        self.avoid = [tuple(r) for r in avoid]
        self.avoid_index = BoxIndex()
        for i, (left, top, right, bottom) in enumerate(self.avoid):  # not even along an edge
            self.avoid_index.add(str(i), (left - AVOID_GROW, top - AVOID_GROW,
                                          right + AVOID_GROW, bottom + AVOID_GROW))

    def _forget(self, key: str) -> None:
        self.routes.pop(key, None)
        self.straight.discard(key)
        self.over_avoid.discard(key)
        self._bounds.pop(key, None)
        self._sides.pop(key, None)
        self._ports.pop((key, "s"), None)
        self._ports.pop((key, "t"), None)

    def _stuck_near(self, areas: list[Rect], besides: set[str]) -> set[str]:
        """The flows left straight or over an area to avoid (not already in ``routing``)
        within :data:`RETRY_NEAR` of any of ``areas``: what changed there may have opened a
        way for them. At most :data:`RETRY_STUCK`, the shortest first."""
        stuck = (self.straight | self.over_avoid) - besides
        if not areas or not stuck:
            return set()
        near = RETRY_NEAR
        found = []
        for key in stuck:
            if key not in self.flows:
                continue
            l0, t0, r0, b0 = self._bounds[key]
            if any(l0 - near <= a[2] and a[0] <= r0 + near and t0 - near <= a[3]
                   and a[1] <= b0 + near for a in areas):
                found.append(key)
        return set(sorted(found, key=self._length)[:RETRY_STUCK])

    def _running_through(self, areas: list[Rect]) -> set[str]:
        """Keys of the flows whose routes pass through any of ``areas``."""
        found: set[str] = set()
        if not areas:
            return found
        for key, (l0, t0, r0, b0) in self._bounds.items():
            if key in self.straight:  # it runs through boxes anyway: routed when its own move
                continue
            for area in areas:
                if l0 <= area[2] and area[0] <= r0 and t0 <= area[3] and area[1] <= b0:
                    line = self.routes[key]
                    if any(segment_crosses(p, q, area) for p, q in pairs(line)):
                        found.add(key)
                        break
        return found

    # ----- routing ----------------------------------------------------------------------
    def _route(self, keys: set[str]) -> set[str]:
        """Route these flows (their sides' other flows too, whose ports move with them);
        returns the keys of all the flows routed."""
        if not keys:
            return set()
        self.spent = 0
        self.fallbacks = 0
        if self.avoid:  # searches that go round container titles go further (on a small
            # map, with twice the budget: every flow kept out of the titles where it can be)
            small = len(self.boxes) <= SMALL_MAP  # (searches there may go twice as far)
            most = SEARCH_BUDGET * (2 if small else 1)
            self.search_budget = min(most, AVOID_SEARCH_CAP * (8 if small else 4)
                                     + 2000 * len(keys))
        else:
            self.search_budget = min(SEARCH_BUDGET, SEARCH_CAP * 4 + 1000 * len(keys))
        groups = self._groups(keys)  # the sides they were on: their ports move too
        for key in keys:
            f = self.flows[key]
            a, b = self.boxes.get(f.source), self.boxes.get(f.target)
            self._sides[key] = None if a is None or b is None or f.source == f.target \
                else sides(a, b)
        groups |= self._groups(keys)
        keys = set(keys)
        for node, side in groups:  # the flows whose ports moved are routed again too
            keys |= self._assign_ports(node, side)
        done = []
        self.checks = 0
        self._start = self.index.queries
        for key in sorted(keys, key=self._length):  # short ones first: past the budget,
            self._set_route(key, self._find(key))   # the longest are drawn straight
            done.append(key)
        self._separate(done)
        return keys

    def _length(self, key: str) -> tuple[float, str]:
        f = self.flows[key]
        a, b = self.boxes[f.source], self.boxes[f.target]
        return abs(a[0] - b[0]) + abs(a[1] - b[1]), key

    def _groups(self, keys: Iterable[str]) -> set[tuple[str, str]]:
        """The (node, side) pairs these flows' ends are on now."""
        out = set()
        for key in keys:
            found = self._sides.get(key)
            if found:
                f = self.flows[key]
                out.add((f.source, found[0]))
                out.add((f.target, found[1]))
        return out

    def _set_route(self, key: str, line: list[Point]) -> None:
        self.routes[key] = line
        if len(line) == 2 and line[0][0] != line[1][0] and line[0][1] != line[1][1]:
            self.straight.add(key)  # a fallback: neither across nor down
        else:
            self.straight.discard(key)
        xs, ys = [p[0] for p in line], [p[1] for p in line]
        self._bounds[key] = (min(xs), min(ys), max(xs), max(ys))

    def _assign_ports(self, node: str, side: str) -> set[str]:
        """Spread the ends of ``node``'s flows on ``side`` along it, ordered by the boxes at
        their other ends; bundled ends (into an exit) share the middle, and so do all the ends
        of a side with more than :data:`HUB_ENDS` (a hub's flows leave as one bundle). Returns
        the keys of the flows whose port there moved."""
        box = self.boxes.get(node)
        if box is None:
            return set()
        ends = []
        for key in self.at.get(node, ()):
            f = self.flows[key]
            s = self._sides.get(key)
            if s is None:
                continue
            for end, other, own_side in (("s", f.target, s[0]), ("t", f.source, s[1])):
                if (f.source if end == "s" else f.target) == node and own_side == side:
                    ox, oy = self.boxes[other][:2]
                    ends.append(((oy, ox) if side in "rl" else (ox, oy), key, end))
        ends.sort()
        wanted: dict[tuple[str, str], Point] = {}
        if node in self.bundle:
            middle = _port(box, side, 0.0)
            wanted.update(((key, end), middle) for _order, key, end in ends if end == "t")
            ends = [e for e in ends if e[2] == "s"]
        if len(ends) > HUB_ENDS:
            middle = _port(box, side, 0.0)
            wanted.update(((key, end), middle) for _order, key, end in ends)
        elif ends:
            length = box[3] if side in "rl" else box[2]
            gap = min(PORT_GAP, (length - 12) / len(ends))
            for i, (_order, key, end) in enumerate(ends):
                wanted[(key, end)] = _port(box, side, (i - (len(ends) - 1) / 2) * gap)
        moved = {key for (key, end), port in wanted.items() if self._ports.get((key, end)) != port}
        self._ports.update(wanted)
        return moved

    def _find(self, key: str) -> list[Point]:
        self.over_avoid.discard(key)
        f = self.flows[key]
        a, b = self.boxes[f.source], self.boxes[f.target]
        found = self._sides.get(key)
        if found is None or self.index.queries - self._start > self.budget:
            self.fallbacks += 1
            return straight(a, b)
        sa, sb = found
        p, q = self._ports[(key, "s")], self._ports[(key, "t")]
        na, nb = NORMALS[sa], NORMALS[sb]
        half = math.inf
        if sa == _OPPOSITE[sb]:  # facing sides: the stubs meet at most in the middle
            half = (abs(q[0] - p[0]) if sa in "rl" else abs(q[1] - p[1])) / 2
        ends = (f.source, f.target)
        p1, q1 = self._stub(p, na, half, ends), self._stub(q, nb, half, ends)
        bundled = f.target in self.bundle
        # A title one of its own boxes lies on (a box dragged onto it) cannot be kept out of;
        # the others still are.
        self._unavoidable = self._areas_over(ends) if self.avoid else set()
        for avoid in (True, False) if self.avoid else (False,):
            line = self._z_route(p, q, p1, q1, sa, ends, bundled, avoid)
            if line is None and sa == _OPPOSITE[sb]:
                line = self._lane_route(p, q, p1, q1, sa, ends, avoid)
            share = AVOID_SHARE if avoid else 1 + AVOID_SHARE * bool(self.avoid)
            if line is None and self.spent < self.search_budget * share:
                line = self._search(p, q, p1, q1, sa, sb, ends, avoid)
            if line is None and sa == _OPPOSITE[sb]:
                line = self._lane_route(p, q, p1, q1, sa, ends, avoid, LONG_LANE_LEG)
            if line is not None:
                if self.avoid and not avoid:
                    self.over_avoid.add(key)
                return _simplify(line)
        self.fallbacks += 1
        return straight(a, b)

    def _areas_over(self, nodes: Iterable[str]) -> set[str]:
        """The keys of the areas to avoid that any of these boxes overlaps."""
        found = set()
        rects = self.avoid_index.rects
        for node in nodes:
            b = rect_of(self.boxes[node])
            found |= {k for k in self.avoid_index.near(b) if rects[k][0] < b[2]
                      and b[0] < rects[k][2] and rects[k][1] < b[3] and b[1] < rects[k][3]}
        return found

    def _stub(self, port: Point, normal: Point, most: float, ends) -> Point:
        """The end of the stub out of a port: STUB long, shorter when another box (or the
        other end's stub) is nearer."""
        tip = (port[0] + normal[0] * STUB, port[1] + normal[1] * STUB)
        length = min(STUB, most, self.index.reach(port, tip, ends) - 1)
        length = max(1.0, length)
        return port[0] + normal[0] * length, port[1] + normal[1] * length

    def _clear(self, p: Point, q: Point, ends: tuple[str, ...], avoid: bool,
               own: tuple[str, ...] = ()) -> bool:
        """Whether p-q keeps the margin from every box but ``ends`` (and out of the areas to
        avoid, if ``avoid``), and stays outside the boxes of ``own`` (its own ends, which it
        may pass close by)."""
        self.checks += 1
        if self.index.hits(p, q, ends):
            return False
        if own and not self._outside(p, q, own):
            return False
        return not (avoid and self.avoid_index.hits(p, q, self._unavoidable))

    def _outside(self, p: Point, q: Point, own: Iterable[str]) -> bool:
        for node in own:
            left, top, right, bottom = rect_of(self.boxes[node], -0.5)
            if segment_crosses(p, q, (left, top, right, bottom)):
                return False
        return True

    def _line_clear(self, line: list[Point], ends: tuple[str, str], avoid: bool) -> bool:
        """Whether a whole route is clear: its first piece may leave the source box and its
        last may enter the target's; no other piece goes into either."""
        last = len(line) - 2
        for i, (p, q) in enumerate(zip(line, line[1:], strict=False)):
            own = tuple(n for n, skip in ((ends[0], i == 0), (ends[1], i == last)) if not skip)
            if not self._clear(p, q, ends, avoid, own):
                return False
        return True

    def _z_route(self, p, q, p1, q1, side, ends, bundled, avoid) -> list[Point] | None:
        """The Z between the stubs whose middle segment is nearest the middle (just in front
        of the target for a bundle), clear of every box; None when none is."""
        axis = 0 if side in "rl" else 1
        lo, hi = sorted((p1[axis], q1[axis]))
        preferred = q1[axis] if bundled else (p1[axis] + q1[axis]) / 2
        if (q1[axis] - p1[axis]) * NORMALS[side][axis] < 0:
            return None  # the target's side faces away: the search goes round
        if abs(p[1 - axis] - q[1 - axis]) < 1e-6:
            line = [p, q]
            return line if self._line_clear(line, ends, avoid) else None
        # The first and last legs run along the ports' lines: as far as the first box each.
        sign = NORMALS[side][axis]
        ahead = p[axis] + sign * (self.index.reach(p, _along(p, q1[axis], axis), ends) - 1)
        behind = q[axis] - sign * (self.index.reach(q, _along(q, p1[axis], axis), ends) - 1)
        lo, hi = (max(lo, behind), min(hi, ahead)) if sign > 0 else (max(lo, ahead),
                                                                     min(hi, behind))
        if lo > hi:
            return None
        preferred = min(hi, max(lo, preferred))
        channels = {preferred, lo, hi}
        mid = ((p1[0] + q1[0]) / 2, (p1[1] + q1[1]) / 2)
        near: set[str] = set()
        for x, y in (p1, q1, mid):
            near |= self.index.near((x - CELL / 2, y - CELL / 2, x + CELL / 2, y + CELL / 2))
        for node in near:
            r = self.index.rects[node]
            for c in (r[axis] - TRACK, r[axis + 2] + TRACK):
                if lo <= c <= hi:
                    channels.add(c)
        for c in sorted(channels, key=lambda c: (abs(c - preferred), c))[:16]:
            line = _z(p, q, side, c)
            # The first and last legs are clear up to lo and hi; with areas to avoid, all of it
            # is checked.
            if self._line_clear(line, ends, avoid) if avoid else \
                    self._clear(line[1], line[2], ends, False, ends):
                return line
        return None

    def _lane_route(self, p, q, p1, q1, side, ends, avoid,
                    far: float = LANE_LEG) -> list[Point] | None:
        """Five pieces: along the source's port line to a turn, across to a lane between the
        rows (columns) of boxes near either end, along the lane, across to a turn on the
        target's port line and along it into the port. The turns are tried at the stubs,
        then as far along the port lines as they are clear; lanes nearest the ends first.
        Long flows on a grid of boxes take these. The legs across to the lane go at most
        ``far``."""
        axis = 1 if side in "rl" else 0  # the lane runs along the other axis
        main = 1 - axis                  # the port lines run along this one
        sign = NORMALS[side][main]
        reach = self.index.reach
        ahead = p[main] + sign * (reach(p, _along(p, q1[main], main), ends) - TRACK)
        behind = q[main] - sign * (reach(q, _along(q, p1[main], main), ends) - TRACK)
        firsts = [p1[main]] + ([ahead] if (ahead - p1[main]) * sign > TRACK else [])
        lasts = [q1[main]] + ([behind] if (q1[main] - behind) * sign > TRACK else [])
        for x1 in firsts:
            for x2 in lasts:
                a0, b0 = _along(p1, x1, main), _along(q1, x2, main)
                line = self._lane_between(p, q, a0, b0, axis, ends, avoid, far)
                if line is not None:
                    return [p, p1, *line, q1, q] if (x1, x2) == (p1[main], q1[main]) \
                        else [p, *line, q]
        return None

    def _lane_between(self, p, q, a0, b0, axis, ends, avoid, far) -> list[Point] | None:
        """a0 -> lane -> b0 (a0 and b0 on the port lines), the lane along ``axis``'s other
        axis at the first clear coordinate near either end; None when none is."""
        lanes: set[float] = set()
        for end in (b0, a0):
            area = (end[0] - CELL, end[1] - CELL, end[0] + CELL, end[1] + CELL)
            for node in self.index.near(area):
                r = self.index.rects[node]
                lanes.update((r[axis] - TRACK, r[axis + 2] + TRACK))
        # The legs across to the lane: as far as the first box either way.
        spans = []
        reach = self.index.reach
        for end in (a0, b0):
            spans.append((end[axis] - reach(end, _along(end, end[axis] - far, axis), ends) + 1,
                          end[axis] + reach(end, _along(end, end[axis] + far, axis), ends) - 1))
        lo, hi = max(spans[0][0], spans[1][0]), min(spans[0][1], spans[1][1])
        targets = (b0[axis], a0[axis])
        ordered = sorted((c for c in lanes if lo <= c <= hi),
                         key=lambda c: (min(abs(c - t) for t in targets), c))[:10]
        for c in ordered:
            a, b = _along(a0, c, axis), _along(b0, c, axis)
            if self._clear(a, b, ends, avoid, ends) and self._outside(a0, a, ends) and \
                    self._outside(b, b0, ends) and self._outside(p, a0, ends[1:]) and \
                    self._outside(b0, q, ends[:1]) and (not avoid or (
                        self._clear(p, a0, ends, avoid) and self._clear(a0, a, ends, avoid)
                        and self._clear(b, b0, ends, avoid) and self._clear(b0, q, ends, avoid))):
                return [a0, a, b, b0]
        return None

    def _search(self, p, q, p1, q1, sa, sb, ends, avoid) -> list[Point] | None:
        """The cheapest orthogonal path p1 -> q1 (length + bends) over the grid of the box
        edges near them; None when there is none within the window and cap."""
        for grow in (WINDOW, 3 * WINDOW):
            window = (min(p1[0], q1[0]) - grow, min(p1[1], q1[1]) - grow,
                      max(p1[0], q1[0]) + grow, max(p1[1], q1[1]) + grow)
            line = self._search_in(window, p1, q1, sa, sb, ends, avoid)
            if line is not None:
                return [p, *line, q]
            if self.spent >= self.search_budget:
                break
        return None

    def _search_in(self, window, p1, q1, sa, sb, ends, avoid) -> list[Point] | None:
        small = len(self.boxes) <= SMALL_MAP
        cells, most = (SMALL_MAP_CELLS, SMALL_MAP_BOXES) if small else (SEARCH_CELLS, SEARCH_BOXES)
        if (window[2] - window[0]) * (window[3] - window[1]) > cells * CELL * CELL:
            return None
        rects = [self.index.rects[n] for n in self.index.near(window) if n not in ends]
        if len(rects) > most:
            return None
        rects += [rect_of(self.boxes[n], -0.5) for n in ends]  # pass close by its own boxes
        if avoid:
            rects += [self.avoid_index.rects[k] for k in self.avoid_index.near(window)
                      if k not in self._unavoidable]
        xs, ys = {p1[0], q1[0], window[0], window[2]}, {p1[1], q1[1], window[1], window[3]}
        for r in rects:
            xs.update((r[0] - TRACK, r[2] + TRACK))
            ys.update((r[1] - TRACK, r[3] + TRACK))
        xs = sorted(x for x in xs if window[0] <= x <= window[2])
        ys = sorted(y for y in ys if window[1] <= y <= window[3])
        nx, ny = len(xs), len(ys)
        # Edges of the grid that run into a box: (i, j) blocks i -> i+1 along row j (across),
        # and j -> j+1 along column i (down).
        across: set[tuple[int, int]] = set()
        down: set[tuple[int, int]] = set()
        for r in rects:
            i0, i1 = bisect.bisect_right(xs, r[0]), bisect.bisect_left(xs, r[2])
            j0, j1 = bisect.bisect_right(ys, r[1]), bisect.bisect_left(ys, r[3])
            for j in range(j0, j1):
                for i in range(max(0, i0 - 1), min(nx - 1, i1)):
                    across.add((i, j))
            for i in range(i0, i1):
                for j in range(max(0, j0 - 1), min(ny - 1, j1)):
                    down.add((i, j))
        start = (bisect.bisect_left(xs, p1[0]), bisect.bisect_left(ys, p1[1]))
        goal = (bisect.bisect_left(xs, q1[0]), bisect.bisect_left(ys, q1[1]))
        first = NORMALS[sa]
        last = (-NORMALS[sb][0], -NORMALS[sb][1])  # the direction into the target's port
        gx, gy = q1
        best = {(start, first): 0.0}
        came: dict[tuple, tuple] = {}
        def ahead(x: float, y: float, d: tuple[int, int]) -> float:
            # what is left at least: the length, and a bend for each turn still needed
            dx, dy = gx - x, gy - y
            along, across = (dx, dy) if d[1] == 0 else (dy, dx)
            turns = 1 if abs(across) > 1e-9 else 2 if along * (d[0] + d[1]) < -1e-9 else 0
            return abs(dx) + abs(dy) + BEND * turns

        # Ties go to the state that has come further (nearer the goal), not breadth first.
        heap = [(ahead(xs[start[0]], ys[start[1]], first), 0.0, start, first)]
        visited = 0
        cap = SEARCH_CAP if not avoid else AVOID_SEARCH_CAP * (2 if small else 1)
        while heap:
            _f, cost, at, heading = heapq.heappop(heap)
            cost = -cost
            if best.get((at, heading), math.inf) < cost:
                continue
            visited += 1
            if at == goal:
                node = (at, heading)
                path = [at]
                while node in came:
                    node = came[node]
                    path.append(node[0])
                path.reverse()
                self.spent += visited
                return [(xs[i], ys[j]) for i, j in path]
            if visited > cap:
                break
            i, j = at
            for d in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                if d[0] == -heading[0] and d[1] == -heading[1]:
                    continue
                ni, nj = i + d[0], j + d[1]
                if not (0 <= ni < nx and 0 <= nj < ny):
                    continue
                if (d[1] == 0 and (min(i, ni), j) in across) or \
                        (d[0] == 0 and (i, min(j, nj)) in down):
                    continue
                nxt = (ni, nj)
                step = abs(xs[ni] - xs[i]) + abs(ys[nj] - ys[j])
                extra = BEND if d != heading else 0.0
                if nxt == goal and d != last:
                    extra += BEND
                new = cost + step + extra
                state = (nxt, d)
                if new < best.get(state, math.inf):
                    best[state] = new
                    came[state] = (at, heading)
                    heapq.heappush(heap, (new + ahead(xs[ni], ys[nj], d), -new, nxt, d))
        self.spent += visited
        return None

    # ----- separation -------------------------------------------------------------------
    def _separate(self, keys: list[str]) -> None:
        """Move middle segments of different flows that share a line onto tracks apart."""
        for axis in (0, 1):  # 0: vertical segments (same x), 1: horizontal (same y)
            lines: dict[int, list[tuple[float, float, str, str, int]]] = defaultdict(list)
            for key in keys:
                line = self.routes[key]
                f = self.flows[key]
                group = f"bundle:{f.target}" if f.target in self.bundle else key
                for i in range(1, len(line) - 2):
                    a, b = line[i], line[i + 1]
                    if abs(a[axis] - b[axis]) < 1e-6:
                        lo, hi = sorted((a[1 - axis], b[1 - axis]))
                        lines[round(a[axis] / 2)].append((lo, hi, group, key, i))
            for segs in lines.values():
                if len({s[2] for s in segs}) > 1:
                    self._spread(segs, axis)

    def _spread(self, segs, axis: int) -> None:
        by_group: dict[str, list] = defaultdict(list)
        for s in segs:
            by_group[s[2]].append(s)
        spans = sorted((min(s[0] for s in g), max(s[1] for s in g), name)
                       for name, g in by_group.items())
        tracks: list[float] = []  # where each track's last span ends
        track_of: dict[str, int] = {}
        for lo, hi, name in spans:
            for t, end in enumerate(tracks):
                if end < lo - TRACK:
                    tracks[t] = hi
                    track_of[name] = t
                    break
            else:
                track_of[name] = len(tracks)
                tracks.append(hi)
        if len(tracks) < 2:
            return
        gap = min(TRACK, 2 * MAX_SPREAD / (len(tracks) - 1))
        for name, group in by_group.items():
            offset = (track_of[name] - (len(tracks) - 1) / 2) * gap
            for _lo, _hi, _g, key, i in group:
                self._shift(key, i, axis, offset)

    def _shift(self, key: str, i: int, axis: int, offset: float) -> None:
        """Move segment i of a route (and the ends of its neighbours) by ``offset`` across
        itself, unless that would take it, or them, into a box."""
        line = self.routes[key]
        moved = list(line)
        for k in (i, i + 1):
            pt = list(moved[k])
            pt[axis] += offset
            moved[k] = (pt[0], pt[1])
        if self.index.hits(moved[i], moved[i + 1]) or self._enters_avoid(line, moved, i):
            return
        for old, new in ((line[i], moved[i]), (line[i + 1], moved[i + 1])):
            if self.index.hits(old, new):  # a neighbour grows by this piece
                return
        self._set_route(key, moved)


    def _enters_avoid(self, line: list[Point], moved: list[Point], i: int) -> bool:
        """Whether moving segment i (and its neighbours' ends) takes the route into an area to
        avoid that it kept out of."""
        if not self.avoid:
            return False
        lo, hi = max(0, i - 1), min(len(line) - 1, i + 2)
        was = any(self.avoid_index.hits(p, q) for p, q in pairs(line[lo:hi + 1]))
        return not was and any(self.avoid_index.hits(p, q) for p, q in pairs(moved[lo:hi + 1]))


def route_flows(boxes: Mapping[str, Box], flows: Iterable[Flow], bundle: Iterable[str] = (),
                avoid: Iterable[Rect] = ()) -> dict[str, list[Point]]:
    """Every flow's route (see :class:`Router`), in one go."""
    return Router(boxes, flows, bundle, avoid).routes


def crossings(route: list[Point], boxes: Mapping[str, Box], ends: Iterable[str]) -> list[str]:
    """The boxes (not ``ends``) that a route passes through: for checks and tests."""
    ends = set(ends)
    return sorted(n for n, box in boxes.items() if n not in ends and any(
        segment_crosses(p, q, rect_of(box)) for p, q in zip(route, route[1:], strict=False)))
