"""A pathway laid out on its own (no Qt): its steps left to right in step order, each numbered,
with the flow joining each step to the next; long pathways wrap into rows that turn like a
snake. The positions are computed for a picture and never written to the map.

How it reads (the choices a clinical lead sees):

- **One box per visit.** A service the pathway visits twice is drawn twice, each box with its
  own step number, so the picture always reads as a timeline: step *n* + 1 is the next box along
  and every arrow points on. (Drawing it once with "2·5" would send an arrow back across the
  row, and a reader would have to hunt for where the pathway goes next.)
- **Rows turn like a snake.** At most ``max_per_row`` boxes to a row (5: a row fits a landscape
  A4 page with service names at about 8.5 pt, against 9.5 pt at 100%), the rows evened out (6
  steps: two rows of 3); the first row runs left to right, the next right to left
  under it, and so on, so each arrow joins neighbours (the turn is one short arrow straight
  down) and none crosses the picture. The numbers keep the order at a glance.
- Each leg is the map's flow from one step to the next (its type and people per year), or,
  where the map records none, a gap the picture marks as such.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from servicemap.graph.document import Document
from servicemap.graph.pathways import step_flows

MAX_PER_ROW = 5
MIN_SCALE = 0.85  # a row given a width to fit may be drawn this much smaller, no more
GAP_X = 90.0     # between boxes in a row: room for an arrow and its number
GAP_Y = 80.0     # between rows: room for the turn arrow and its number
DEFAULT_SIZE = (170.0, 44.0)


@dataclass(frozen=True)
class Stop:
    """One visit to a step: ``key`` is unique in the picture (the node's id for its first
    visit, ``"<id>#<k>"`` for its k-th), ``node`` the map's node, ``number`` from 1; ``x``,
    ``y`` the box's centre; ``row`` and ``column`` where it sits (column 0 on the left)."""

    key: str
    node: str
    number: int
    x: float
    y: float
    row: int
    column: int


@dataclass(frozen=True)
class Leg:
    """From one stop to the next: ``key`` unique in the picture (the flow's id for its first
    use), ``flow`` the map's flow (None: the map records no flow between these steps),
    ``turn`` True where the leg goes down to the next row."""

    key: str
    source: str
    target: str
    flow: str | None
    turn: bool


@dataclass(frozen=True)
class PathwayLayout:
    stops: list[Stop]
    legs: list[Leg]
    per_row: int

    @property
    def rows(self) -> int:
        return 1 + max((s.row for s in self.stops), default=-1)

    def positions(self) -> dict[str, tuple[float, float]]:
        """Each stop's centre by its key."""
        return {s.key: (s.x, s.y) for s in self.stops}

    def reading_order(self) -> list[str]:
        """The stops' keys row by row, each row left to right (how a page is read)."""
        ordered = sorted(self.stops, key=lambda s: (s.row, s.x))
        return [s.key for s in ordered]


def visit_keys(steps: list[str]) -> list[str]:
    """A picture key for each step: the node id the first time, ``id#2``, ``id#3`` after."""
    seen: dict[str, int] = {}
    keys = []
    for step in steps:
        seen[step] = seen.get(step, 0) + 1
        keys.append(step if seen[step] == 1 else f"{step}#{seen[step]}")
    return keys


def row_length(count: int, max_per_row: int = MAX_PER_ROW) -> int:
    """Boxes to a row: as many as fit (``max_per_row``), spread evenly over the rows needed
    (7 steps: rows of 4 and 3, not 6 and 1)."""
    if count <= 0:
        return 1
    rows = math.ceil(count / max(1, max_per_row))
    return math.ceil(count / rows)


def fitting(width: float, box_width: float, gap_x: float = GAP_X) -> int:
    """How many boxes ``box_width`` wide fit a row ``width`` wide drawn at :data:`MIN_SCALE`."""
    return max(1, int((width / MIN_SCALE + gap_x) // (box_width + gap_x)))


def layout_pathway(doc: Document, pathway_id: str,
                   sizes: Mapping[str, tuple[float, float]] | None = None, *,
                   max_per_row: int = MAX_PER_ROW, width: float | None = None,
                   gap_x: float = GAP_X, gap_y: float = GAP_Y) -> PathwayLayout:
    """Lay out the pathway's steps; ``sizes`` gives each node's box (width, height) by its map
    id; ``width``, the room for a row (a page's width, in the same units): rows hold no more
    boxes than fit it at :data:`MIN_SCALE` (A4 portrait: 3 services, landscape: 5). The
    document is only read."""
    steps = list(doc.pathways[pathway_id].steps)
    sizes = sizes or {}
    size = [tuple(sizes.get(s, DEFAULT_SIZE)) for s in steps]
    if width is not None and size:
        max_per_row = min(max_per_row, fitting(width, max(w for w, _h in size), gap_x))
    per_row = row_length(len(steps), max_per_row)
    keys = visit_keys(steps)
    places = []  # (row, column)
    for i in range(len(steps)):
        row, along = divmod(i, per_row)
        places.append((row, along if row % 2 == 0 else per_row - 1 - along))
    widths = [0.0] * per_row
    heights = [0.0] * (1 + (len(steps) - 1) // per_row if steps else 0)
    for (row, column), (w, h) in zip(places, size, strict=True):
        widths[column] = max(widths[column], w)
        heights[row] = max(heights[row], h)
    xs, x = [], 0.0
    for w in widths:
        xs.append(x + w / 2)
        x += w + gap_x
    ys, y = [], 0.0
    for h in heights:
        ys.append(y + h / 2)
        y += h + gap_y
    stops = [Stop(key, step, i + 1, xs[column], ys[row], row, column)
             for i, (key, step, (row, column)) in enumerate(zip(keys, steps, places,
                                                               strict=True))]
    legs, used = [], set()
    for i, flow in enumerate(step_flows(doc, pathway_id)):
        key = f"gap-{i + 1}" if flow is None else flow if flow not in used else f"{flow}#{i + 1}"
        if flow is not None:
            used.add(flow)
        legs.append(Leg(key, keys[i], keys[i + 1], flow, stops[i].row != stops[i + 1].row))
    return PathwayLayout(stops, legs, per_row)
