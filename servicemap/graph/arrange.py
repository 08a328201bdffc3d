"""Align, distribute and snap boxes: new positions from the boxes and their real sizes.

Pure functions, no Qt: the window gives each box as a :class:`Box` (its centre, where the map
stores it, and the size it is drawn at) and moves the boxes to what comes back, as one undo step.

- :func:`align` lines up left edges, centres, right edges, top edges, middles or bottom edges.
  The line is set by all the boxes (the leftmost left edge, the centre of the boxes' span, ...),
  or, when some boxes are pinned, by the pinned ones alone, since they cannot move.
- :func:`distribute` leaves equal gaps between neighbouring boxes, across or down; the two
  outermost boxes stay where they are, and so does every pinned box (the boxes between two
  of those share the room between them).
- :func:`snap`, :func:`snap_delta` and :func:`nudge_delta` put a box's centre on a grid.

A pinned box never moves; :attr:`Plan.pinned` lists the pinned boxes that stay off the line,
so the window can say so.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

GRID = 20.0  # the snapping grid, in map units
ALIGNMENTS = ("left", "centre", "right", "top", "middle", "bottom")
DIRECTIONS = ("horizontal", "vertical")
EPSILON = 1e-6  # closer than this is the same place


@dataclass(frozen=True)
class Box:
    """A box on the canvas: ``x``, ``y`` its centre; ``width``, ``height`` its drawn size."""

    id: str
    x: float
    y: float
    width: float
    height: float
    pinned: bool = False

    @property
    def left(self) -> float:
        return self.x - self.width / 2

    @property
    def right(self) -> float:
        return self.x + self.width / 2

    @property
    def top(self) -> float:
        return self.y - self.height / 2

    @property
    def bottom(self) -> float:
        return self.y + self.height / 2


@dataclass
class Plan:
    """What an arrange command does: ``positions`` the new centres of the boxes that move (id
    -> (x, y)); ``pinned`` the pinned boxes that stay where they are although the others did not
    line up with them."""

    positions: dict[str, tuple[float, float]] = field(default_factory=dict)
    pinned: list[str] = field(default_factory=list)


def _same(a: float, b: float) -> bool:
    return abs(a - b) < EPSILON


def align(boxes: Iterable[Box], how: str) -> Plan:
    """Line ``boxes`` up: ``how`` is one of :data:`ALIGNMENTS`."""
    if how not in ALIGNMENTS:
        raise ValueError(f"cannot align {how!r}; use one of {', '.join(ALIGNMENTS)}")
    boxes = list(boxes)
    plan = Plan()
    if len(boxes) < 2:
        return plan
    across = how in ("left", "centre", "right")
    pinned = [b for b in boxes if b.pinned]
    guides = pinned or boxes
    low = min(b.left if across else b.top for b in guides)
    high = max(b.right if across else b.bottom for b in guides)
    for box in boxes:
        half = (box.width if across else box.height) / 2
        centre = {"left": low + half, "top": low + half, "right": high - half,
                  "bottom": high - half}.get(how, (low + high) / 2)
        now = box.x if across else box.y
        if _same(centre, now):
            continue
        if box.pinned:
            plan.pinned.append(box.id)
        else:
            plan.positions[box.id] = (centre, box.y) if across else (box.x, centre)
    return plan


def distribute(boxes: Iterable[Box], direction: str) -> Plan:
    """Equal gaps between neighbouring boxes, ``direction`` "horizontal" (across) or "vertical"
    (down). Boxes are taken in order of their centres (in the given order where centres tie);
    the first and the last stay where they are, as does every pinned box."""
    if direction not in DIRECTIONS:
        raise ValueError(f"cannot distribute {direction!r}; use one of {', '.join(DIRECTIONS)}")
    across = direction == "horizontal"

    def centre(b: Box) -> float:
        return b.x if across else b.y

    def size(b: Box) -> float:
        return b.width if across else b.height

    ordered = sorted(boxes, key=centre)  # stable: ties keep the given order
    plan = Plan()
    if len(ordered) < 3:
        return plan
    fixed = [0, *(i for i in range(1, len(ordered) - 1) if ordered[i].pinned),
             len(ordered) - 1]
    for start, end in zip(fixed, fixed[1:], strict=False):
        between = ordered[start + 1:end]
        if not between:
            continue
        first, last = ordered[start], ordered[end]
        room = (centre(last) - size(last) / 2) - (centre(first) + size(first) / 2)
        gap = (room - sum(size(b) for b in between)) / (len(between) + 1)
        edge = centre(first) + size(first) / 2
        for box in between:
            edge += gap
            new = edge + size(box) / 2
            edge += size(box)
            if not _same(new, centre(box)):
                plan.positions[box.id] = (new, box.y) if across else (box.x, new)
    return plan


# ----- the grid ------------------------------------------------------------------------------
def snap(value: float, grid: float = GRID) -> float:
    """The grid line nearest ``value`` (halfway goes up)."""
    return math.floor(value / grid + 0.5) * grid


def snap_delta(x: float, y: float, grid: float = GRID) -> tuple[float, float]:
    """How far to move a box whose centre is (x, y) so that it sits on the grid."""
    return snap(x, grid) - x, snap(y, grid) - y


def _step(value: float, direction: float, grid: float) -> float:
    """The next grid line from ``value`` in ``direction`` (its sign); the nearest when 0."""
    if direction > 0:
        return (math.floor(value / grid + EPSILON) + 1) * grid
    if direction < 0:
        return (math.ceil(value / grid - EPSILON) - 1) * grid
    return snap(value, grid)


def nudge_delta(x: float, y: float, dx: float, dy: float,
                grid: float = GRID) -> tuple[float, float]:
    """How far an arrow-key nudge (``dx``, ``dy``: only their signs count) moves a box whose
    centre is (x, y) with snapping on: to the next grid line that way, and onto the nearest
    line across."""
    return _step(x, dx, grid) - x, _step(y, dy, grid) - y

