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
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass

import igraph as ig

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
from servicemap.model import EdgeKind, NodeKind

METHODS = ("layered", "grouped", "organic", "tidy")


def _layers(ids: list[str], edges: list[tuple[int, int]], m: pl.MapBoxes) -> list[int]:
    """A column for each node: access points first, exits last, and every other node after
    the nodes that send people to it (cycles are broken by reversing few flows). A column
    holds at most about 2 * sqrt(n) nodes, so that a big map comes out wide, not tall."""
    n = len(ids)
    back = set(ig.Graph(n=n, edges=edges, directed=True).feedback_arc_set(method="eades"))
    preds: list[list[int]] = [[] for _ in range(n)]
    succs: list[list[int]] = [[] for _ in range(n)]
    for k, (u, v) in enumerate(edges):
        if k not in back:
            preds[v].append(u)
            succs[u].append(v)
    waiting = [len(p) for p in preds]
    queue = deque(i for i in range(n) if not waiting[i])
    order = []
    while queue:
        u = queue.popleft()
        order.append(u)
        for v in succs[u]:
            waiting[v] -= 1
            if not waiting[v]:
                queue.append(v)
    kinds = [m.kind[i] for i in ids]
    first = 1 if NodeKind.ACCESS_POINT in kinds else 0
    most = max(4, math.ceil(2.0 * math.sqrt(n)))
    count: dict[int, int] = defaultdict(int)
    layer = [0] * n
    for v in order:
        if kinds[v] == NodeKind.ACCESS_POINT or kinds[v] == NodeKind.EXIT:
            continue
        at = max((layer[u] + 1 for u in preds[v]), default=first)
        while count[at] >= most:
            at += 1
        layer[v] = at
        count[at] += 1
    for v in reversed(order):  # a node nobody sends people to sits just before its successors
        if kinds[v] == NodeKind.SERVICE and not preds[v] and succs[v]:
            at = min(layer[s] for s in succs[v]) - 1
            while at > layer[v] and count[at] >= most:
                at -= 1
            count[layer[v]] -= 1
            layer[v] = at
            count[at] += 1
    last = max((layer[i] for i in range(n) if kinds[i] == NodeKind.SERVICE),
               default=first - 1) + 1  # after the access points even with no service between
    for i in range(n):
        if kinds[i] == NodeKind.EXIT:
            layer[i] = last
    ranks = {value: rank for rank, value in enumerate(sorted(set(layer)))}
    return [ranks[value] for value in layer]


def _spread(wanted: list[float], heights: list[float]) -> list[float]:
    """Centres for boxes stacked in this order, as near the wanted centres as they can be
    without overlapping (least squares: pool-adjacent-violators over the fixed spacings)."""
    offsets, total = [], 0.0
    for k, h in enumerate(heights):
        total += 0.0 if k == 0 else heights[k - 1] / 2 + ROW_GAP + h / 2
        offsets.append(total)
    pools: list[list[float]] = []  # [sum of wanted - offset, count]
    for k, want in enumerate(wanted):
        pools.append([want - offsets[k], 1])
        while len(pools) > 1 and pools[-2][0] / pools[-2][1] > pools[-1][0] / pools[-1][1]:
            total_sum, total_count = pools.pop()
            pools[-1][0] += total_sum
            pools[-1][1] += total_count
    out: list[float] = []
    for pool_sum, pool_count in pools:
        out += [pool_sum / pool_count] * int(pool_count)
    return [z + o for z, o in zip(out, offsets, strict=True)]


def _orders(core: list[str], edges: list[tuple[int, int]], layer: list[int],
            m: pl.MapBoxes) -> list[float]:
    """An order key for each node within its column, from igraph's Sugiyama layout of the
    flows between services (crossing reduction). Each connected part is laid out on its own,
    as igraph's Sugiyama layout misbehaves on graphs of several parts; parts are stacked."""
    services = [i for i, n in enumerate(core) if m.kind[n] == NodeKind.SERVICE]
    inner = [(u, v) for u, v in edges if m.kind[core[u]] == m.kind[core[v]] == NodeKind.SERVICE]
    key = [float(i) for i in range(len(core))]
    graph = ig.Graph(n=len(core), edges=inner, directed=True)
    parts = [p for p in graph.connected_components(mode="weak") if p[0] in set(services)]
    parts.sort(key=lambda p: (min(layer[i] for i in p), -len(p), p[0]))
    for rank, part in enumerate(parts):
        if len(part) == 1:
            key[part[0]] = rank * 1e6
            continue
        local = {v: i for i, v in enumerate(part)}
        sub = [(local[u], local[v]) for u, v in inner if u in local]
        spans = sum(abs(layer[core_u] - layer[core_v]) for core_u, core_v in
                    ((part[u], part[v]) for u, v in sub))
        layers = [layer[v] for v in part]
        ranks = {value: r for r, value in enumerate(sorted(set(layers)))}
        coords = ig.Graph(n=len(part), edges=sub, directed=True).layout_sugiyama(
            layers=[ranks[value] for value in layers], hgap=1, vgap=1,
            maxiter=max(4, min(100, 400_000 // (len(part) + spans)))).coords
        for i, v in enumerate(part):
            key[v] = rank * 1e6 + coords[i][0]
    return key


def _flow_block(m: pl.MapBoxes, ids: list[str]) -> dict[str, Point]:
    """Lay ``ids`` out by flow, left to right, in a block with its top-left corner at (0, 0);
    nodes with no flow among ``ids`` go in rows below. Columns come from :func:`_layers`,
    their order from igraph's Sugiyama layout; then each box sits level with its neighbours
    where the others leave room (a few sweeps of :func:`_spread`)."""
    index = {n: i for i, n in enumerate(ids)}
    pairs = m.flows(index)
    joined = sorted({i for pair in pairs for i in pair})
    out: dict[str, Point] = {}
    if joined:
        core = [ids[i] for i in joined]
        renumber = {old: new for new, old in enumerate(joined)}
        edges = [(renumber[u], renumber[v]) for u, v in pairs]
        layer = _layers(core, edges, m)
        key = _orders(core, edges, layer, m)
        columns: dict[int, list[int]] = defaultdict(list)
        for i in sorted(range(len(core)), key=lambda i: (key[i], i)):
            columns[layer[i]].append(i)
        near: list[list[int]] = [[] for _ in core]
        for u, v in edges:
            near[u].append(v)
            near[v].append(u)
        heights = [m.sizes[n][1] for n in core]
        y = [0.0] * len(core)
        for col in columns.values():
            y_col = _spread([0.0] * len(col), [heights[i] for i in col])
            for i, value in zip(col, y_col, strict=True):
                y[i] = value - y_col[-1] / 2
        order = sorted(columns)
        for sweep in order[1:] + order[::-1] + order[1:] + order[::-1]:  # level with neighbours
            col = columns[sweep]
            wanted = {i: sum(y[j] for j in near[i]) / len(near[i]) for i in col}
            if all(m.kind[core[i]] != NodeKind.SERVICE for i in col):  # access points, exits
                col.sort(key=lambda i: (wanted[i], i))
            spread = _spread([wanted[i] for i in col], [heights[i] for i in col])
            for i, value in zip(col, spread, strict=True):
                y[i] = value
        right = 0.0
        for col in order:
            width = max(m.sizes[core[i]][0] for i in columns[col])
            for i in columns[col]:
                out[core[i]] = (right + width / 2, y[i])
            right += width + LAYER_GAP
        top = min(y - m.sizes[n][1] / 2 for n, (_, y) in out.items())
        out = pl.shift(out, 0.0, -top)
    joined_set = set(joined)
    lonely = [n for i, n in enumerate(ids) if i not in joined_set]
    if lonely:
        out.update(pl.grid(lonely, m, 0.0, pl.extent(out, m)[1] + (ROW_GAP * 2 if out else 0.0),
                         pl.extent(out, m)[0]))
    return out


def layered(doc: Document, nodes: Iterable[str] | None = None,
            sizes: dict[str, Size] | None = None) -> dict[str, Point]:
    """Flow layout: people's movement reads left to right (access points in the first column,
    exits in the last, services in columns between them following flows, ordered for few
    crossings by igraph's Sugiyama layout).

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
    side = math.sqrt(len(ids))
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
    for n in free:
        ci, cj = round(coords[index[n]][0] * scale / cell_w), \
            round(coords[index[n]][1] * scale / cell_h)
        reach = 40
        while n not in out:  # there is always a free cell: widen the search until one shows
            for i, j in pl.rings(reach, cell_w, cell_h):
                if (ci + i, cj + j) not in taken:
                    taken.add((ci + i, cj + j))
                    out[n] = (dx + (ci + i) * cell_w, dy + (cj + j) * cell_h)
                    break
            reach *= 2
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
