"""A layered (Sugiyama) drawing of one connected directed graph, left to right.

Plain Python on integer node ids, no Qt and no document: :mod:`servicemap.graph.layout` turns a
map's flows into ``edges`` and box sizes into ``heights`` and reads back a column and a height
for every node. The steps are the classic ones:

1. **cycle removal**: igraph's Eades-Lin-Smyth feedback arc set; those flows are reversed;
2. **layer assignment**: longest path from the sources, then a local search that shortens the
   flows (each node moves to the end of its free range its flows pull it to; nodes whose pulls
   balance go to the emptiest column of their range) and Nikolov and Tarassov's promotion
   (a node moves on with the successors it would land on when that shortens the flows in
   all), so a source such as an access point sits just before the nodes it feeds; a column
   holds at most ``most`` nodes;
3. **dummy nodes** split every flow longer than one column;
4. **crossing reduction**: from two starting orders (breadth-first walks from the left and
   from the right), weighted-median and barycentre sweeps down and up, each followed by
   adjacent transpositions, counting crossings exactly (Fenwick tree) and keeping the best
   order seen (Gansner et al.'s scheme, as in Graphviz dot);
5. **coordinates**: each column's boxes in order, each as near the median of its neighbours
   as the gaps allow (weighted least squares with fixed spacing: pool adjacent violators),
   sweeping left and right; dummy nodes keep room in every column a long flow passes, so it
   runs straight through a gap rather than through a box.

The work done per sweep is linear in the nodes and flows (plus the dummy nodes); the number of
sweeps falls as the graph grows, so a big map costs about linear time.
"""

from __future__ import annotations

import bisect
from collections import defaultdict, deque
from dataclasses import dataclass

import igraph as ig

DUMMY_HEIGHT = 4.0    # a flow passing through a column
DUMMY_GAP = 10.0      # between a passing flow and its neighbours in a column
PROMOTE_MAX = 20_000  # nodes; bigger graphs keep the quicker local search alone
QUICK_SIZE = 30_000   # the effort (see effort()) for each part of a big map


@dataclass
class Layered:
    """The result: a column for each node and its centre's height (top of the block at 0)."""

    layer: list[int]
    y: list[float]
    reversed: set[int]   # indexes into the edges that were drawn backwards (cycles)


# ----- 1 and 2: cycles and layers -------------------------------------------------------------
def assign_layers(n: int, edges: list[tuple[int, int]],
                  most: int | None = None) -> tuple[list[int], set[int]]:
    """A column for each node with every edge pointing right, save the returned reversed ones
    (indexes into ``edges``); no column holds more than ``most`` nodes where that can be
    helped."""
    back: set[int] = set()
    if edges:
        back = set(ig.Graph(n=n, edges=edges, directed=True).feedback_arc_set(method="eades"))
    preds: list[list[int]] = [[] for _ in range(n)]
    succs: list[list[int]] = [[] for _ in range(n)]
    for k, (u, v) in enumerate(edges):
        if u != v:
            if k in back:
                u, v = v, u
            preds[v].append(u)
            succs[u].append(v)
    waiting = [len(p) for p in preds]
    queue = deque(i for i in range(n) if not waiting[i])
    order: list[int] = []
    while queue:
        u = queue.popleft()
        order.append(u)
        for v in succs[u]:
            waiting[v] -= 1
            if not waiting[v]:
                queue.append(v)
    most = most or n
    count: dict[int, int] = defaultdict(int)
    layer = [0] * n
    for v in order:
        at = max((layer[u] + 1 for u in preds[v]), default=0)
        while count[at] >= most:
            at += 1
        layer[v] = at
        count[at] += 1
    end = max(layer, default=0) + 1
    _shorten(order, preds, succs, layer, count, most, end)
    if n <= PROMOTE_MAX:
        _promote(order, preds, succs, layer, end)
    ranks = {at: rank for rank, at in enumerate(sorted(set(layer)))}  # no empty columns
    return [ranks[at] for at in layer], back


def _shorten(order, preds, succs, layer, count, most, end) -> None:
    """Move each node within the range its flows allow, to where its flows are shortest
    (ties: the emptiest column), until nothing moves (at most a few rounds)."""
    for sweep in range(6):
        moved = 0
        for v in reversed(order) if sweep % 2 == 0 else order:
            low = max((layer[u] + 1 for u in preds[v]), default=0)
            high = min((layer[w] - 1 for w in succs[v]), default=end - 1)
            if high < low:
                continue
            pull = len(preds[v]) - len(succs[v])  # more in than out: as far left as possible
            if pull > 0:
                candidates = range(low, high + 1)
            elif pull < 0:
                candidates = range(high, low - 1, -1)
            else:
                candidates = sorted(range(low, high + 1),
                                    key=lambda at: (count[at] - (at == layer[v]), at))
            for at in candidates:
                if at == layer[v]:
                    break
                if count[at] < most:
                    count[layer[v]] -= 1
                    count[at] += 1
                    layer[v] = at
                    moved += 1
                    break
        if not moved:
            return


def _promote(order, preds, succs, layer, end) -> None:
    """Nikolov and Tarassov's promotion, mirrored: move a node one column right, with every
    successor it would land on (recursively), whenever that shortens the flows in all; repeat
    until no move helps."""
    def push(v: int, moved: dict[int, int]) -> float:
        if layer[v] + 1 >= end:
            return float("inf")
        gain = 0.0
        for w in succs[v]:
            if layer[w] == layer[v] + 1 and w not in moved:
                gain += push(w, moved)
                if gain == float("inf"):
                    return gain
        moved[v] = layer[v]
        layer[v] += 1
        return gain + len(preds[v]) - len(succs[v])

    for _ in range(8):
        better = False
        for v in reversed(order):
            if not succs[v]:
                continue
            moved: dict[int, int] = {}
            if push(v, moved) < 0:
                better = True
            else:
                for u, at in moved.items():
                    layer[u] = at
        if not better:
            return


# ----- 3: the layered graph -----------------------------------------------------------------
class _Graph:
    """The layered graph with dummy nodes: every edge joins neighbouring columns."""

    def __init__(self, n: int, edges: list[tuple[int, int]], layer: list[int],
                 heights: list[float], hubs: set[int] | None = None) -> None:
        self.real = n
        self.layer = list(layer)
        self.height = list(heights)
        self.up: list[list[int]] = [[] for _ in range(n)]
        self.down: list[list[int]] = [[] for _ in range(n)]
        self.hub = [False] * n if hubs is None else [v in hubs for v in range(n)]
        seen = set()
        for u, v in edges:
            if layer[u] > layer[v]:
                u, v = v, u
            if u == v or layer[u] == layer[v] or (u, v) in seen:
                continue
            seen.add((u, v))
            prev = u
            for at in range(layer[u] + 1, layer[v]):
                d = self._add(at, self.hub[u] or self.hub[v])
                self._join(prev, d)
                prev = d
            self._join(prev, v)
        columns = max(self.layer, default=-1) + 1
        self.columns: list[list[int]] = [[] for _ in range(columns)]
        for v, at in enumerate(self.layer):
            self.columns[at].append(v)
        self.pos = [0] * len(self.layer)

    def _add(self, at: int, hub: bool) -> int:
        self.hub.append(hub)
        self.layer.append(at)
        self.height.append(DUMMY_HEIGHT)
        self.up.append([])
        self.down.append([])
        return len(self.layer) - 1

    def _join(self, u: int, v: int) -> None:
        self.down[u].append(v)
        self.up[v].append(u)

    def number(self, order: list[list[int]]) -> None:
        for col in order:
            for i, v in enumerate(col):
                self.pos[v] = i


# ----- 4: crossing reduction -----------------------------------------------------------------
def _crossings_between(g: _Graph, left: list[int], size: int) -> int:
    """Crossings between a column (in its order) and the next (of ``size`` nodes)."""
    pos, down = g.pos, g.down
    tree = [0] * (size + 1)
    total = seen = 0
    for u in left:
        targets = sorted(pos[v] for v in down[u])
        for p in targets:  # crossings with earlier edges that end below this one
            i, ahead = p + 1, 0
            while i > 0:
                ahead += tree[i]
                i -= i & -i
            total += seen - ahead
        for p in targets:
            i = p + 1
            while i <= size:
                tree[i] += 1
                i += i & -i
            seen += 1
    return total


def _total(g: _Graph, order: list[list[int]]) -> int:
    g.number(order)
    return sum(_crossings_between(g, order[i], len(order[i + 1])) for i in range(len(order) - 1))


def _pair_costs(pos: list[int], a: list[int], b: list[int]) -> tuple[int, int]:
    """Crossings between the edges of u (to ``a``) and of v (to ``b``): with u above v, and
    with v above u."""
    if not a or not b:
        return 0, 0
    if len(a) == 1 and len(b) == 1:  # most nodes (every dummy) have one neighbour each side
        pa, pb = pos[a[0]], pos[b[0]]
        return (1, 0) if pa > pb else (0, 1) if pa < pb else (0, 0)
    sa = sorted([pos[x] for x in a])
    sb = sorted([pos[x] for x in b])
    left = bisect.bisect_left
    return sum([left(sb, x) for x in sa]), sum([left(sa, x) for x in sb])


def _transpose(g: _Graph, order: list[list[int]], rounds: int, ties: bool) -> None:
    """Swap neighbours in a column while that removes crossings (with ``ties``, also when it
    changes nothing, to walk off a plateau)."""
    pos, up, down = g.pos, g.up, g.down
    dirty = set(range(len(order)))  # columns worth another look: they or a neighbour changed
    for _ in range(rounds):
        changed = set()
        for at in sorted(dirty):
            col = order[at]
            for i in range(len(col) - 1):
                u, v = col[i], col[i + 1]
                up_now, up_swapped = _pair_costs(pos, up[u], up[v])
                down_now, down_swapped = _pair_costs(pos, down[u], down[v])
                now, swapped = up_now + down_now, up_swapped + down_swapped
                if now and (swapped < now or (ties and swapped == now)):
                    col[i], col[i + 1] = v, u
                    pos[u], pos[v] = i + 1, i
                    if swapped < now:
                        changed.add(at)
        if not changed:
            return
        dirty = {c for at in changed for c in (at - 1, at, at + 1) if 0 <= c < len(order)}


def _sort_column(g: _Graph, col: list[int], neighbours: list[list[int]], median: bool) -> None:
    """Sort a column by the median (or mean) place of each node's neighbours in the column
    ``neighbours`` reach; a node with no neighbour there keeps its place."""
    pos, hub = g.pos, g.hub
    keys = {}
    for v in col:
        near = neighbours[v]
        if not hub[v]:  # a hub's many flows do not pull ordinary nodes out of their group
            near = [u for u in near if not hub[u]] or near
        if not near:
            continue
        ps = sorted(pos[u] for u in near)
        if not median or len(ps) <= 2:
            keys[v] = sum(ps) / len(ps)
        elif len(ps) % 2:
            keys[v] = float(ps[len(ps) // 2])
        else:  # the weighted median of Gansner et al.
            m = len(ps) // 2
            left, right = ps[m - 1] - ps[0], ps[-1] - ps[m]
            keys[v] = (ps[m - 1] * right + ps[m] * left) / (left + right) if left + right \
                else (ps[m - 1] + ps[m]) / 2
    movable = sorted((v for v in col if v in keys), key=lambda v: (keys[v], pos[v]))
    it = iter(movable)
    col[:] = [v if v not in keys else next(it) for v in col]
    for i, v in enumerate(col):
        pos[v] = i


def _initial_order(g: _Graph, from_right: bool) -> list[list[int]]:
    """Columns in the order a breadth-first walk from the first (or last) column meets the
    nodes, which keeps a node's neighbours together."""
    order: list[list[int]] = [[] for _ in g.columns]
    seen = [False] * len(g.layer)
    ahead = g.up if from_right else g.down
    starts = sorted(range(len(g.layer)), key=lambda v: (-g.layer[v] if from_right
                                                       else g.layer[v], v))
    for start in starts:
        if seen[start]:
            continue
        seen[start] = True
        queue = deque([start])
        while queue:
            v = queue.popleft()
            order[g.layer[v]].append(v)
            for w in ahead[v]:
                if not seen[w]:
                    seen[w] = True
                    queue.append(w)
    return order


def _sweeps(g: _Graph, order: list[list[int]], sweeps: int, rounds: int,
            best_count: int) -> tuple[list[list[int]], int]:
    """Median and barycentre sweeps down and up, each followed by transpositions; the best
    order seen and its crossings (dot's scheme: stop after a few sweeps without a gain)."""
    best = [list(c) for c in order]
    idle = 0
    for sweep in range(sweeps):
        median = sweep % 4 < 2
        if sweep % 2 == 0:
            for at in range(1, len(order)):
                _sort_column(g, order[at], g.up, median)
        else:
            for at in range(len(order) - 2, -1, -1):
                _sort_column(g, order[at], g.down, median)
        _transpose(g, order, rounds, ties=not median)
        found = _total(g, order)
        if found < best_count:
            idle = 0 if found < 0.995 * best_count else idle + 1
            best, best_count = [list(c) for c in order], found
        else:
            idle += 1
        if best_count == 0 or idle >= 8:
            break
    return best, best_count


def order_columns(g: _Graph, sweeps: int, rounds: int) -> list[list[int]]:
    """The order of every column: from each of two starting orders (walks from the left and
    from the right) a pass of sweeps, then more sweeps from the better one."""
    best, best_count = None, None
    for from_right in (False, True) if sweeps >= 8 else (False,):
        order = _initial_order(g, from_right)
        g.number(order)
        _transpose(g, order, rounds, ties=False)
        start = _total(g, order)
        found, count = _sweeps(g, order, sweeps, rounds, start)
        if best_count is None or count < best_count:
            best, best_count = found, count
    g.number(best)
    if sweeps >= 8:
        best, best_count = _sweeps(g, [list(c) for c in best], sweeps, rounds, best_count)
        g.number(best)
    return best


# ----- 5: coordinates --------------------------------------------------------------------------
def _spread(wanted: list[float], weights: list[float], gaps: list[float]) -> list[float]:
    """Centres in this order, ``gaps[k]`` between centre k-1 and k at least, as near the
    wanted centres as they can be (weighted least squares: pool adjacent violators)."""
    offsets, total = [], 0.0
    for k in range(len(wanted)):
        total += gaps[k] if k else 0.0
        offsets.append(total)
    pools: list[list[float]] = []  # [weighted sum of (wanted - offset), weight, count]
    for k, want in enumerate(wanted):
        pools.append([weights[k] * (want - offsets[k]), weights[k], 1])
        while len(pools) > 1 and pools[-2][0] * pools[-1][1] > pools[-1][0] * pools[-2][1]:
            s, w, c = pools.pop()
            pools[-1][0] += s
            pools[-1][1] += w
            pools[-1][2] += c
    out: list[float] = []
    for s, w, c in pools:
        out += [s / w] * int(c)
    return [z + o for z, o in zip(out, offsets, strict=True)]


def place(g: _Graph, order: list[list[int]], row_gap: float, sweeps: int) -> list[float]:
    height, real = g.height, g.real
    y = [0.0] * len(g.layer)
    gaps = []
    for col in order:
        col_gaps = [0.0] + [(height[a] + height[b]) / 2 +
                            (row_gap if a < real and b < real else DUMMY_GAP)
                            for a, b in zip(col, col[1:], strict=False)]
        gaps.append(col_gaps)
        spread = _spread([0.0] * len(col), [1.0] * len(col), col_gaps)
        middle = spread[-1] / 2 if spread else 0.0
        for v, value in zip(col, spread, strict=True):
            y[v] = value - middle
    near = [g.up[v] + g.down[v] for v in range(len(g.layer))]
    sequence = list(range(1, len(order))) + list(range(len(order) - 2, -1, -1))
    for _ in range(sweeps):
        for at in sequence:
            col = order[at]
            wanted, weights = [], []
            for v in col:
                if v >= real:  # a dummy: halfway between its two neighbours
                    wanted.append((y[near[v][0]] + y[near[v][-1]]) / 2)
                    weights.append(1.0)
                elif near[v]:
                    ys = sorted([y[u] for u in near[v]])
                    half = len(ys) // 2  # the median: level with a neighbour where it can be
                    wanted.append(ys[half] if len(ys) % 2 else (ys[half - 1] + ys[half]) / 2)
                    weights.append(1.0)
                else:
                    wanted.append(y[v])
                    weights.append(0.1)
            for v, value in zip(col, _spread(wanted, weights, gaps[at]), strict=True):
                y[v] = value
    return y


def effort(size: int) -> tuple[int, int, int]:
    """(crossing sweeps, transposition rounds, coordinate sweeps) for a layered graph of
    ``size`` nodes and flows (dummies included): fewer as it grows, so time stays linear."""
    if size <= 12_000:
        return 24, 8, 20
    if size <= QUICK_SIZE:
        return 6, 2, 6
    if size <= 150_000:
        return 4, 1, 3
    return 2, 1, 2


def draw(n: int, edges: list[tuple[int, int]], heights: list[float], row_gap: float,
         most: int | None = None, hubs: set[int] | None = None,
         quick: bool = False) -> Layered:
    """Lay one connected graph out in columns (see the module's description); ``hubs`` (such
    as access points and exits) do not pull other nodes' order towards them. ``quick``: one
    of many parts of a big map, drawn with the least effort of :func:`effort`."""
    layer, back = assign_layers(n, edges, most)
    g = _Graph(n, edges, layer, heights, hubs)
    size = len(g.layer) + sum(map(len, g.down))
    sweeps, rounds, coordinate_sweeps = effort(max(size, QUICK_SIZE) if quick else size)
    order = order_columns(g, sweeps, rounds)
    y = place(g, order, row_gap, coordinate_sweeps)
    top = min((y[v] - g.height[v] / 2 for v in range(n)), default=0.0)
    return Layered(layer, [y[v] - top for v in range(n)], back)
