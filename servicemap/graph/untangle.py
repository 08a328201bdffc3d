"""The last touch of the flow layout: swap neighbouring boxes in a column while that removes
crossings of the flows drawn as straight lines between box centres (the measure of
:mod:`servicemap.graph.crossings`), which the column-by-column crossing reduction can only
estimate. Plain Python, no Qt; meant for parts of a few hundred boxes (each trial swap checks
the moved boxes' flows against every other flow).
"""

from __future__ import annotations

from collections import defaultdict

Point = tuple[float, float]


def _cross(p: Point, q: Point, r: Point, s: Point) -> bool:
    """Whether segment p-q meets segment r-s at a point inside both."""
    d1 = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
    d2 = (q[0] - p[0]) * (s[1] - p[1]) - (q[1] - p[1]) * (s[0] - p[0])
    if d1 * d2 >= 0:
        return False
    d3 = (s[0] - r[0]) * (p[1] - r[1]) - (s[1] - r[1]) * (p[0] - r[0])
    d4 = (s[0] - r[0]) * (q[1] - r[1]) - (s[1] - r[1]) * (q[0] - r[0])
    return d3 * d4 < 0


def untangle(positions: dict[str, Point], heights: dict[str, float],
             pairs: list[tuple[str, str]], rounds: int = 3) -> dict[str, Point]:
    """Boxes of one column (same centre x) swap places, the upper one's top edge staying where
    it was, when fewer straight flows cross afterwards; a few rounds over every column."""
    where = dict(positions)
    lines = [(a, b) for a, b in pairs if a in where and b in where and a != b]
    touching: dict[str, list[int]] = defaultdict(list)
    for k, (a, b) in enumerate(lines):
        touching[a].append(k)
        touching[b].append(k)
    columns: dict[float, list[str]] = defaultdict(list)
    for n, (x, _) in where.items():
        columns[x].append(n)
    xs = sorted(columns)
    at = {x: i for i, x in enumerate(xs)}
    spans = [sorted((at[where[a][0]], at[where[b][0]])) for a, b in lines]
    by_gap: dict[int, list[int]] = defaultdict(list)  # the flows passing each column gap
    for k, (first, last) in enumerate(spans):
        for gap in range(first, max(last, first + 1)):
            by_gap[gap].append(k)
    rivals: list[list[int]] = []  # for each flow, those it could cross: x never changes
    for k, (first, last) in enumerate(spans):
        a, b = lines[k]
        near = set()
        for gap in range(first, max(last, first + 1)):
            near.update(by_gap[gap])
        rivals.append(sorted(j for j in near if lines[j][0] not in (a, b)
                             and lines[j][1] not in (a, b)))

    def crossings_of(moved: set[int]) -> int:
        found = 0
        for k in moved:
            a, b = lines[k]
            p, q = where[a], where[b]
            low, high = min(p[1], q[1]), max(p[1], q[1])
            for j in rivals[k]:
                if j <= k and j in moved:
                    continue
                r, s = where[lines[j][0]], where[lines[j][1]]
                if (r[1] > high and s[1] > high) or (r[1] < low and s[1] < low):
                    continue
                if _cross(p, q, r, s):
                    found += 1
        return found

    for _ in range(rounds):
        better = False
        for x in sorted(columns):
            col = sorted(columns[x], key=lambda n: where[n][1])
            for i in range(len(col) - 1):
                u, v = col[i], col[i + 1]
                moved = set(touching[u]) | set(touching[v])
                if not moved:
                    continue
                before = crossings_of(moved)
                if not before:
                    continue
                (xu, yu), (_, yv) = where[u], where[v]
                top, bottom = yu - heights[u] / 2, yv + heights[v] / 2
                old_u, old_v = where[u], where[v]
                where[v] = (xu, top + heights[v] / 2)
                where[u] = (xu, bottom - heights[u] / 2)
                if crossings_of(moved) < before:
                    col[i], col[i + 1] = v, u
                    better = True
                else:
                    where[u], where[v] = old_u, old_v
        if not better:
            break
    return where
