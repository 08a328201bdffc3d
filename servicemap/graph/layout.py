"""Automatic layouts of a map: flow (layered), grouped, organic (force-directed) and tidy.

Pure functions, no Qt. Each one reads the document (it never changes it) and returns
``{node id: (x, y)}`` (box centres) for the nodes it moves: only drawn nodes (services,
access points, exits) and never a pinned one. Boxes are sized by ``sizes`` (id -> (width,
height)): the window passes the real sizes of its boxes, the command line an estimate from the
label (:func:`estimate_size`). After every layout no two boxes overlap, and the same map (and
seed) gives the same positions. igraph does the heavy lifting: Sugiyama layering for flows,
Fruchterman-Reingold for the organic layout.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import igraph as ig

from servicemap.graph import crossings, sugiyama
from servicemap.graph import groups as grp
from servicemap.graph import placement as pl
from servicemap.graph.document import Document
from servicemap.graph.placement import (
    GAP,
    GROUP_GAP,
    LAYER_GAP,
    ROW_GAP,
    Point,
    Size,
)
from servicemap.graph.untangle import untangle
from servicemap.model import EdgeKind, NodeKind

METHODS = ("layered", "grouped", "organic", "tidy")
UNTANGLE_MAX = 800    # nodes: parts up to this size get the last touch of untangle()
UNTANGLE_ROUNDS = 8  # rounds over every column for a part that is not quick
SPLIT_AT = 1500       # boxes with flows: bigger maps lay access points and exits out apart
TRY_BOTH = 3000      # nodes: parts up to this size are drawn both ways (see _part_block)
COLUMN_HEIGHT = 2.0  # a flow layout's column holds at most about this many times sqrt(n) boxes


def _parts(count: int, edges: list[tuple[int, int]]) -> list[list[int]]:
    """The connected parts (by flows in either direction), each in index order."""
    root = list(range(count))

    def find(i: int) -> int:
        while root[i] != i:
            root[i] = root[root[i]]
            i = root[i]
        return i

    for u, v in edges:
        ru, rv = find(u), find(v)
        if ru != rv:
            root[max(ru, rv)] = min(ru, rv)
    parts: dict[int, list[int]] = defaultdict(list)
    for i in range(count):
        parts[find(i)].append(i)
    return list(parts.values())


def _part_block(m: pl.MapBoxes, ids: list[str], edges: list[tuple[int, int]],
                quick: bool = False) -> dict[str, Point]:
    """One connected part laid out by :func:`servicemap.graph.sugiyama.draw`, its top-left
    corner at (0, 0). A part small enough is drawn twice, once with access points and exits
    as hubs that do not pull services out of their groups, and the one whose straight flows
    cross less is kept; then :func:`untangle` swaps boxes the sweeps left crossed. ``quick``:
    one of many parts of a big map, drawn once, with less effort."""
    most = max(12, math.ceil(COLUMN_HEIGHT * math.sqrt(len(ids))))
    heights = [m.sizes[n][1] for n in ids]
    hubs = {i for i, n in enumerate(ids) if m.kind[n] in (NodeKind.ACCESS_POINT, NodeKind.EXIT)}
    lines = [(ids[u], ids[v]) for u, v in edges]
    best, fewest = None, math.inf
    both = hubs and len(ids) <= TRY_BOTH and not quick
    for variant in (None, hubs) if both else (None,):
        drawn = sugiyama.draw(len(ids), edges, heights, ROW_GAP, most, variant, quick)
        block = _columns(m, ids, drawn)
        if len(ids) <= UNTANGLE_MAX:
            block = untangle(block, {n: m.sizes[n][1] for n in ids}, lines,
                             rounds=1 if quick else UNTANGLE_ROUNDS)
        found = crossings.count(block, lines) if both else 0
        if found < fewest:
            best, fewest = block, found
    return best


def _columns(m: pl.MapBoxes, ids: list[str], drawn: sugiyama.Layered) -> dict[str, Point]:
    """Box centres from a layered drawing: each column as wide as its widest box."""
    widths: dict[int, float] = defaultdict(float)
    for n, at in zip(ids, drawn.layer, strict=True):
        widths[at] = max(widths[at], m.sizes[n][0])
    centres, right = {}, 0.0
    for at in sorted(widths):
        centres[at] = right + widths[at] / 2
        right += widths[at] + LAYER_GAP
    return {n: (centres[at], y) for n, at, y in zip(ids, drawn.layer, drawn.y, strict=True)}


def _flow_block(m: pl.MapBoxes, ids: list[str]) -> dict[str, Point]:
    """Lay ``ids`` out by flow, left to right, in a block with its top-left corner at (0, 0):
    each connected part on its own (:func:`_part_block`), the parts packed in shelves, biggest
    first; nodes with no flow among ``ids`` go in rows below.

    On a big map (more than :data:`SPLIT_AT` boxes with flows) the access points and exits,
    which join every part of a map, are left out of the parts: the services' parts are laid
    out and packed on their own, access points then go in a column on the left and exits on
    the right, each level with the services it is joined to. That keeps the work linear in
    the flows, where drawing every flow from an access point through every column would not."""
    index = {n: i for i, n in enumerate(ids)}
    pairs = m.flows(index)
    out: dict[str, Point] = {}
    joined = sorted({i for pair in pairs for i in pair})
    ends: list[int] = []
    if len(joined) > SPLIT_AT:
        ends = [i for i in joined if m.kind[ids[i]] in (NodeKind.ACCESS_POINT, NodeKind.EXIT)]
    if joined:
        skip = set(ends)
        inner = [(u, v) for u, v in pairs if u not in skip and v not in skip]
        parts = [p for p in _parts(len(ids), inner) if p[0] not in skip and
                 (len(p) > 1 or ends)]
        part_of = {i: k for k, part in enumerate(parts) for i in part}
        local = {i: j for part in parts for j, i in enumerate(part)}
        by_part: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for u, v in inner:  # each flow is read once, into its own part
            by_part[part_of[u]].append((local[u], local[v]))
        blocks = [_part_block(m, [ids[i] for i in part], by_part[k], bool(ends))
                  for k, part in enumerate(parts)]
        sizes = [pl.extent(block, m) for block in blocks]
        order = sorted(range(len(blocks)), key=lambda k: (-len(blocks[k]), k))
        corners = pl.shelves([sizes[k] for k in order], GROUP_GAP) if blocks else []
        for k, (x, y) in zip(order, corners, strict=True):
            out.update(pl.shift(blocks[k], x, y))
    if ends:
        out = _ends_beside(m, [ids[i] for i in ends], out)
    joined_set = set(joined)
    lonely = [n for i, n in enumerate(ids) if i not in joined_set and n not in out]
    if lonely:
        out.update(pl.grid(lonely, m, 0.0, pl.extent(out, m)[1] + (ROW_GAP * 2 if out else 0.0),
                         pl.extent(out, m)[0]))
    return out


def _ends_beside(m: pl.MapBoxes, ends: list[str], block: dict[str, Point]) -> dict[str, Point]:
    """``block`` with access points in a column on its left and exits on its right, each as
    level as the column allows with the boxes it shares flows with; top-left back at (0, 0)."""
    graph = m.doc.graph
    width = pl.extent(block, m)[0] if block else 0.0
    out = dict(block)
    for kind, side, neighbours in ((NodeKind.ACCESS_POINT, -1, graph.successors),
                                   (NodeKind.EXIT, 1, graph.predecessors)):
        chosen = [n for n in ends if m.kind[n] == kind]
        if not chosen:
            continue
        widest = max(m.sizes[n][0] for n in chosen)
        x = -LAYER_GAP - widest / 2 if side < 0 else width + LAYER_GAP + widest / 2
        wanted = {}
        for n in chosen:
            ys = [block[v][1] for v in set(neighbours(n)) if v in block]
            wanted[n] = sum(ys) / len(ys) if ys else 0.0
        out.update(pl.column(chosen, m, x, wanted))
    left = min(x - m.sizes[n][0] / 2 for n, (x, _) in out.items())
    top = min(y - m.sizes[n][1] / 2 for n, (_, y) in out.items())
    return pl.shift(out, -left, -top)


def layered(doc: Document, nodes: Iterable[str] | None = None,
            sizes: dict[str, Size] | None = None) -> dict[str, Point]:
    """Flow layout: people's movement reads left to right. A Sugiyama drawing of each
    connected part (:mod:`servicemap.graph.sugiyama`: every flow points right save those that
    close a cycle, each access point just before the services it sends people to, exits after
    theirs, columns ordered for few crossings, long flows straight through gaps kept for
    them), finished by :func:`servicemap.graph.untangle.untangle`; parts packed in shelves.

    ``nodes``: lay out only these (a selection or a pathway's steps); the block keeps its
    corner where they were and moves clear of every other box. Without ``nodes`` the whole map
    is laid out from its current top-left corner. Pinned nodes never move.
    """
    m = pl.MapBoxes(doc, sizes)
    chosen = m.drawn if nodes is None else sorted({n for n in nodes if n in m.kind})
    free = [n for n in chosen if n not in m.pinned]
    if not free:
        return {}
    block = _flow_block(m, free)
    if nodes is None:
        anchor = m.anchor(m.drawn)
        return pl.settle(pl.shift(block, *anchor), m, m.pinned)
    moving = set(free)
    return pl.place_block(block, m, m.anchor(chosen), [n for n in m.placed if n not in moving])


@dataclass
class GroupedLayout:
    """A grouped layout's new positions, each group's container and the grouping itself."""

    positions: dict[str, Point]
    containers: dict[str, grp.Rect]
    grouping: grp.Grouping


def grouped(doc: Document, by: str = "directorate",
            sizes: dict[str, Size] | None = None) -> GroupedLayout:
    """Grouped layout: services in containers by directorate, partnership or organisation
    (``by``), each group laid out by flow inside, groups packed in shelves without overlap;
    access points in a column on the left, exits on the right. Services in no group are laid
    out as one more block, without a container. Pinned nodes never move (their group's
    container still takes them in)."""
    m = pl.MapBoxes(doc, sizes)
    grouping = grp.group_services(doc, by)
    blocks = []
    pad, title = grp.CONTAINER_PAD, grp.CONTAINER_TITLE
    for group, members in grouping.members.items():
        free = [n for n in sorted(members) if n not in m.pinned]
        if free:
            blocks.append((_flow_block(m, free), grp.title_width(grouping.names[group])))
    ends = {kind: [n for n in m.drawn if m.kind[n] == kind and n not in m.pinned]
            for kind in (NodeKind.ACCESS_POINT, NodeKind.EXIT)}
    positions: dict[str, Point] = {}
    if blocks:
        outer = [(max(w + 2 * pad, least), h + 2 * pad + title)
                 for (w, h), least in ((pl.extent(b, m), least) for b, least in blocks)]
        sides = sum(max((m.sizes[n][0] for n in ends[k]), default=0.0) + LAYER_GAP
                    for k in ends)
        for (block, _), corner in zip(blocks, pl.shelves(outer, GROUP_GAP, sides), strict=True):
            positions.update(pl.shift(block, corner[0] + pad, corner[1] + pad + title))
    lonely = [n for n in sorted(grouping.ungrouped) if n not in m.pinned]
    if lonely:  # services in no group: one more block below the containers, without one
        top = pl.extent(positions, m)[1] + GROUP_GAP if positions else 0.0
        positions.update(pl.shift(_flow_block(m, lonely), 0.0, top))
    graph = doc.graph
    width = pl.extent(positions, m)[0] if positions else 0.0
    widest = {kind: max((m.sizes[n][0] for n in ends[kind]), default=0.0) for kind in ends}
    for kind, x, neighbours in (
            (NodeKind.ACCESS_POINT, -LAYER_GAP - widest[NodeKind.ACCESS_POINT] / 2,
             graph.successors),
            (NodeKind.EXIT, width + LAYER_GAP + widest[NodeKind.EXIT] / 2, graph.predecessors)):
        wanted = {}
        for n in ends[kind]:
            ys = sorted(positions[v][1] for v in set(neighbours(n)) if v in positions)
            wanted[n] = sum(ys) / len(ys) if ys else 0.0
        positions.update(pl.column(ends[kind], m, x, wanted))
    if positions:
        left = min(x - m.sizes[n][0] / 2 for n, (x, _) in positions.items())
        top = min(y - m.sizes[n][1] / 2 for n, (_, y) in positions.items())
        anchor = m.anchor(m.drawn)
        positions = pl.settle(pl.shift(positions, anchor[0] - left, anchor[1] - top), m, m.pinned)
    where = {**m.placed, **positions}
    return GroupedLayout(positions, grp.containers(grouping, where, m.sizes), grouping)


def organic(doc: Document, sizes: dict[str, Size] | None = None, seed: int = 1,
            iterations: int | None = None) -> dict[str, Point]:
    """Organic layout for a first look at an unfamiliar map: igraph's Fruchterman-Reingold
    (seeded, so the same seed gives the same map), scaled to the boxes and snapped to a grid
    of cells bigger than any box, so nothing overlaps. Pinned nodes stay; the rest is placed
    so the pinned nodes' neighbours gather near them."""
    m = pl.MapBoxes(doc, sizes)
    ids = m.drawn
    if not [n for n in ids if n not in m.pinned]:
        return {}
    index = {n: i for i, n in enumerate(ids)}
    edges = sorted({(min(u, v), max(u, v)) for u, v in m.flows(index)})
    if iterations is None:  # big maps settle in fewer rounds of igraph's grid variant
        iterations = 500 if len(ids) <= 3000 else 300
    rng = random.Random(seed)
    side = math.sqrt(len(ids)) / 2  # about igraph's own start; a wider one is slower on its grid
    start = [[rng.uniform(-side, side), rng.uniform(-side, side)] for _ in ids]
    ig.set_random_number_generator(random.Random(seed))
    try:
        coords = ig.Graph(n=len(ids), edges=edges).layout_fruchterman_reingold(
            seed=start, niter=iterations, grid="auto").coords
    finally:
        ig.set_random_number_generator(random)
    cell_w = max(w for w, _ in m.sizes.values()) + GAP
    cell_h = max(h for _, h in m.sizes.values()) + GAP
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    area = max(max(xs) - min(xs), 1.0) * max(max(ys) - min(ys), 1.0)
    scale = math.sqrt(2.5 * len(ids) * cell_w * cell_h / area)
    if edges:
        lengths = sorted(math.dist(coords[u], coords[v]) for u, v in edges)
        scale = max(scale, 1.5 * cell_w / max(lengths[len(lengths) // 2], 1e-9))
    pinned = [n for n in ids if n in m.pinned and n in m.placed and pl.near(*m.placed[n])]
    if pinned:  # line the layout up with where the pinned nodes are
        dx = sum(m.placed[n][0] - coords[index[n]][0] * scale for n in pinned) / len(pinned)
        dy = sum(m.placed[n][1] - coords[index[n]][1] * scale for n in pinned) / len(pinned)
    else:
        anchor = m.anchor(ids)
        dx, dy = anchor[0] - min(xs) * scale, anchor[1] - min(ys) * scale
    taken: set[tuple[int, int]] = set()
    for n in pinned:  # cells a pinned box reaches into are taken
        (x, y), (w, h) = m.placed[n], m.sizes[n]
        for i in range(round((x - w / 2 - dx) / cell_w), round((x + w / 2 - dx) / cell_w) + 1):
            for j in range(round((y - h / 2 - dy) / cell_h), round((y + h / 2 - dy) / cell_h) + 1):
                taken.add((i, j))
    cx, cy = sum(xs) / len(xs), sum(ys) / len(ys)
    free = [n for n in ids if n not in m.pinned]
    free.sort(key=lambda n: ((coords[index[n]][0] - cx) ** 2 + (coords[index[n]][1] - cy) ** 2,
                             n))
    out = {}
    searched: dict[tuple[int, int], int] = {}  # cell -> offsets already found taken around it
    for n in free:
        ci, cj = round(coords[index[n]][0] * scale / cell_w), \
            round(coords[index[n]][1] * scale / cell_h)
        reach, k = 40, searched.get((ci, cj), 0)
        while n not in out:  # there is always a free cell: widen the search until one shows
            offsets = pl.rings(reach, cell_w, cell_h)  # a wider search starts the same way
            while k < len(offsets):
                i, j = offsets[k]
                if (ci + i, cj + j) not in taken:
                    taken.add((ci + i, cj + j))
                    out[n] = (dx + (ci + i) * cell_w, dy + (cj + j) * cell_h)
                    break
                k += 1
            reach *= 2
        searched[(ci, cj)] = k  # cells only ever fill: the next search from here skips these
    lost = [n for n in m.pinned if n in m.placed and not pl.near(*m.placed[n])]
    return pl.settle(out, m, lost) if lost else out  # clear of pinned boxes far away too


def tidy(doc: Document, sizes: dict[str, Size] | None = None) -> dict[str, Point]:
    """Tidy: place each new (unplaced) node next to the placed nodes it shares flows with, in
    free space, moving nothing else; so a familiar map stays familiar. A node with no placed
    neighbour starts a row below the map. Pinned nodes never move."""
    m = pl.MapBoxes(doc, sizes)
    todo = [n for n in m.drawn if n not in m.placed and n not in m.pinned]
    if not todo:
        return {}
    space = pl.Space()
    where = dict(m.placed)
    for n, p in where.items():
        space.add(*p, *m.sizes[n])
    left = m.anchor(m.drawn)[0]
    graph, out = m.doc.graph, {}
    while todo:
        ready = [n for n in todo if any(v in where for v in graph.pred[n]) or
                 any(v in where for v in graph.succ[n])]
        for n in ready or todo[:1]:
            w, h = m.sizes[n]
            preds = sorted(v for v in graph.pred[n] if v in where and pl.near(*where[v]))
            succs = sorted(v for v in graph.succ[n] if v in where and pl.near(*where[v]))
            if preds:
                x = max(where[v][0] + m.sizes[v][0] / 2 for v in preds) + LAYER_GAP + w / 2
                y = sum(where[v][1] for v in preds) / len(preds)
            elif succs:
                x = min(where[v][0] - m.sizes[v][0] / 2 for v in succs) - LAYER_GAP - w / 2
                y = sum(where[v][1] for v in succs) / len(succs)
            else:
                bottom = space.bottom if space.bottom > -math.inf else 0.0
                x, y = left + w / 2, bottom + 2 * ROW_GAP + h / 2
            where[n] = out[n] = space.nearest_free(x, y, w, h)
            space.add(*out[n], w, h)
        done = set(ready or todo[:1])
        todo = [n for n in todo if n not in done]
    return out


def run(doc: Document, method: str, by: str = "directorate", seed: int = 1,
        sizes: dict[str, Size] | None = None) -> dict[str, Point]:
    """The positions one of :data:`METHODS` gives the whole map (for the command line)."""
    if method == "layered":
        return layered(doc, sizes=sizes)
    if method == "grouped":
        return grouped(doc, by, sizes).positions
    if method == "organic":
        return organic(doc, sizes, seed)
    if method == "tidy":
        return tidy(doc, sizes)
    raise ValueError(f"unknown layout {method!r}; use one of {', '.join(METHODS)}")


def left_to_right_share(doc: Document, positions: dict[str, Point] | None = None) -> float:
    """The share (0-1) of flows between placed nodes whose target lies right of its source."""
    where = {n: (a["x"], a["y"]) for n, a in doc.graph.nodes(data=True)
             if a["x"] is not None and a["y"] is not None}
    where.update(positions or {})
    flows = [(u, v) for u, v, k in doc.graph.edges(data="kind")
             if k == EdgeKind.FLOW and u in where and v in where and u != v]
    return sum(where[v][0] > where[u][0] for u, v in flows) / len(flows) if flows else 1.0
