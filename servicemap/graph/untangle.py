"""The last touch of the flow layout: swap neighbouring boxes in a column while that removes
crossings of the flows drawn as straight lines between box centres (the measure of
:mod:`servicemap.graph.crossings`), which the column-by-column crossing reduction can only
estimate. Plain Python, no Qt; meant for parts of a few hundred boxes (each trial swap checks
the moved boxes' flows against every other flow).
"""

from __future__ import annotations

from collections import defaultdict

Point = tuple[float, float]


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

    ends = [(where[a], where[b]) for a, b in lines]  # kept up to date as boxes swap

    def crossings_of(moved: set[int]) -> int:
        found = 0
        for k in moved:
            (px, py), (qx, qy) = ends[k]
            low, high = (py, qy) if py < qy else (qy, py)
            dx, dy = qx - px, qy - py
            for j in rivals[k]:
                if j <= k and j in moved:
                    continue
                (rx, ry), (sx, sy) = ends[j]
                if (ry > high and sy > high) or (ry < low and sy < low):
                    continue
                d1 = dx * (ry - py) - dy * (rx - px)
                d2 = dx * (sy - py) - dy * (sx - px)
                if d1 * d2 >= 0:
                    continue
                ex, ey = sx - rx, sy - ry
                if (ex * (py - ry) - ey * (px - rx)) * (ex * (qy - ry) - ey * (qx - rx)) < 0:
                    found += 1
        return found

    def update(moved: set[int]) -> None:
        for k in moved:
            a, b = lines[k]
            ends[k] = (where[a], where[b])

    dirty = set(xs)  # columns worth another look: a flow ending there has moved
    for _ in range(rounds):
        moved_ends: set[float] = set()
        for x in sorted(dirty):
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
                update(moved)
                if crossings_of(moved) < before:
                    col[i], col[i + 1] = v, u
                    moved_ends.add(x)
                    moved_ends.update(where[n][0] for k in moved for n in lines[k])
                else:
                    where[u], where[v] = old_u, old_v
                    update(moved)
        if not moved_ends:
            break
        dirty = moved_ends
    return where
