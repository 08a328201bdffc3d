"""How many flows cross on a map drawn with straight lines between box centres.

The measure the layered layout is judged by (tests, ``benchmarks/bench_layout.py``): every
flow between two different drawn nodes is one straight segment from its source's centre to its
target's centre, counted once per source and target (parallel flows of several types are one
line); two segments cross when they meet at a point inside both, and segments that share an
end node never count (so a flow back, target to source, crosses nothing its twin does not).
Plain Python, no Qt.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from servicemap.graph.document import Document
from servicemap.model import DRAWN_KINDS, EdgeKind

Point = tuple[float, float]


def flow_pairs(doc: Document) -> list[tuple[str, str]]:
    """The lines of the map: one (source, target) per pair of drawn nodes joined by flows."""
    kinds = doc.graph.nodes
    pairs = {(u, v) for u, v, k in doc.graph.edges(data="kind")
             if k == EdgeKind.FLOW and u != v and kinds[u]["kind"] in DRAWN_KINDS
             and kinds[v]["kind"] in DRAWN_KINDS}
    return sorted(pairs)


def _side(ax: float, ay: float, bx: float, by: float, cx: float, cy: float) -> float:
    return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)


def count(positions: Mapping[str, Point], pairs: Iterable[tuple[str, str]]) -> int:
    """Crossings among the straight segments ``pairs`` (node ids) between ``positions``.

    Segments are swept left to right by their x extent, so only segments whose extents
    overlap are compared: near linear for a layered map, quadratic at worst."""
    segments = []
    for a, b in pairs:
        if a in positions and b in positions:
            (ax, ay), (bx, by) = positions[a], positions[b]
            if (ax, ay) > (bx, by):
                a, b, ax, ay, bx, by = b, a, bx, by, ax, ay
            segments.append((ax, bx, ay, by, a, b))
    segments.sort()
    found = 0
    active: list[tuple] = []
    for seg in segments:
        ax, bx, ay, by, a, b = seg
        active = [s for s in active if s[1] >= ax]
        low, high = min(ay, by), max(ay, by)
        for cx, dx, cy, dy, c, d in active:
            if c in (a, b) or d in (a, b) or max(cy, dy) < low or min(cy, dy) > high:
                continue
            s1 = _side(ax, ay, bx, by, cx, cy)
            s2 = _side(ax, ay, bx, by, dx, dy)
            if s1 * s2 >= 0:
                continue
            s3 = _side(cx, cy, dx, dy, ax, ay)
            s4 = _side(cx, cy, dx, dy, bx, by)
            if s3 * s4 < 0:
                found += 1
        active.append(seg)
    return found


def map_crossings(doc: Document, positions: Mapping[str, Point] | None = None) -> int:
    """Crossings of the map's flows as drawn (stored positions, updated by ``positions``)."""
    where = {n: (a["x"], a["y"]) for n, a in doc.graph.nodes(data=True)
             if a["kind"] in DRAWN_KINDS and a["x"] is not None and a["y"] is not None}
    where.update(positions or {})
    return count(where, flow_pairs(doc))
