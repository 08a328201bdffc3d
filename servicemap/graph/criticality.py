"""Critical services (docs/analysis.md, "Critical services"): the people a year cut off from every
exit if a service closes (the ranking a planner reads), and betweenness on the flow graph (the share
of the busiest routes that pass through a service, kept as a second column).

People cut off: the services that lose every route to an exit when ``s`` closes are ``s`` and the
services every route of whose to an exit passes through ``s`` (that had one): ``s`` dominates them
in the flow graph reversed, rooted at one sink fed by every exit. One dominator tree (igraph, C)
answers it for every service at once; the people on flows from access points into the services of
``s``'s subtree are its ``people_cut_off``.

Betweenness: distance proportional to 1 / volume (unknown volume: the median known volume; zero
volume: no route), exact when the estimated work (nodes x mean reach) is within a budget, else
estimated from seeded sample sources (Brandes-Pich).
"""

from __future__ import annotations

import math
import random
import statistics
from collections import defaultdict
from typing import TYPE_CHECKING

import igraph

from servicemap.model import NodeKind

if TYPE_CHECKING:
    from servicemap.graph.analysis import Index

TOP_CRITICAL = 10
BETWEENNESS_WORK = 1_000_000  # node visits: about half a second of igraph
MIN_SAMPLES = 100


def _r(value: float) -> float | None:
    return round(value, 4) if math.isfinite(value) else None


def people_cut_off(ix: Index) -> dict[str, dict]:
    """Per service: ``people_cut_off`` (people a year on flows from access points into the
    services that lose every route to an exit if it closes; None when every such flow's volume is
    unknown), ``cut_off_unknown_flows`` (such flows of unknown volume: the figure is then a lower
    bound) and ``services_cut_off`` (how many services lose every route, itself included)."""
    kind = ix.kind
    nodes = sorted({n for f in ix.flows for n in (f.source, f.target)} | set(ix.services))
    where = {n: i for i, n in enumerate(nodes)}
    sink = len(nodes)
    edges = [(where[f.source], where[f.target]) for f in ix.flows
             if kind[f.source] != NodeKind.EXIT and f.source != f.target]  # a route ends at an exit
    edges += [(where[n], sink) for n in nodes if kind[n] == NodeKind.EXIT]
    g = igraph.Graph(n=sink + 1, edges=edges, directed=True)
    idom = g.dominator(sink, mode="in")  # idom[v]: what every route from v to the sink meets first
    children: dict[int, list[int]] = defaultdict(list)
    for v, d in enumerate(idom[:sink]):
        if not (isinstance(d, float) and math.isnan(d)) and d >= 0:
            children[int(d)].append(v)
    order, todo = [], [sink]  # the dominator tree from the sink, parents before children
    while todo:
        v = todo.pop()
        order.append(v)
        todo.extend(children.get(v, ()))
    known = [0.0] * (sink + 1)
    unknown = [0] * (sink + 1)
    counted = [0] * (sink + 1)  # flows from access points in the subtree, known or not
    below = [0] * (sink + 1)  # services in the subtree
    for v in reversed(order):
        if v == sink:
            continue
        n = nodes[v]
        if kind[n] == NodeKind.SERVICE:
            for f in ix.flows_in.get(n, ()):
                if kind[f.source] == NodeKind.ACCESS_POINT:
                    counted[v] += 1
                    if f.volume is None:
                        unknown[v] += 1
                    else:
                        known[v] += f.volume
            below[v] += 1
        for c in children.get(v, ()):
            known[v] += known[c]
            unknown[v] += unknown[c]
            counted[v] += counted[c]
            below[v] += below[c]
    reached, rows = set(order), {}
    for s in ix.services:
        v = where[s]
        rows[s] = {"people_cut_off": None if counted[v] and unknown[v] == counted[v]
                   else _r(known[v]) if v in reached else 0.0,
                   "cut_off_unknown_flows": unknown[v],
                   "services_cut_off": below[v]}
    return rows


def betweenness(ix: Index) -> tuple[dict[str, float], str, float]:
    """Normalised betweenness per node on the flow graph, the method used and the neutral volume."""
    pairs: dict[tuple[str, str], list[float | None]] = defaultdict(list)
    for f in ix.flows:
        if f.source != f.target:
            pairs[(f.source, f.target)].append(f.volume)
    known = [min(v, 1e15) for vols in pairs.values() for v in vols if v]  # 1e15: no overflow
    neutral = statistics.median(known) if known else 1.0
    volume = {p: min(1e15, sum(neutral if v is None else v for v in vols))
              for p, vols in pairs.items()}
    volume = {p: v for p, v in volume.items() if v > 0}
    nodes = sorted({n for p in volume for n in p})
    where = {n: i for i, n in enumerate(nodes)}
    n = len(nodes)
    method, values = "exact", [0.0] * n
    if n > 2:
        g = igraph.Graph(n=n, edges=[(where[u], where[v]) for u, v in volume], directed=True)
        weights = [min(max(neutral / v, 1e-6), 1e6) for v in volume.values()]
        rng = random.Random(0)
        probe = rng.sample(range(n), min(n, 32))
        reach = statistics.fmean(g.neighborhood_size(probe, order=n, mode="out"))
        k = max(MIN_SAMPLES, int(BETWEENNESS_WORK / reach))
        if n * reach <= BETWEENNESS_WORK or k >= n:
            values = g.betweenness(weights=weights)
        else:
            sources = sorted(rng.sample(range(n), k))
            values = [b * n / k for b in g.betweenness(sources=sources, weights=weights)]
            method = f"estimated from {k} of {n} sources"
    scale = 1.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
    return {node: values[i] * scale for i, node in enumerate(nodes)}, method, neutral


def critical_services(ix: Index, top: int = TOP_CRITICAL) -> dict:
    """``services``: the top services by betweenness (as before); ``cut_off``: every service
    ranked by the people a year cut off from every exit if it closes, with its betweenness."""
    between, method, neutral = betweenness(ix)
    ranked = sorted(((between.get(s, 0.0), s) for s in ix.services if s in between),
                    key=lambda t: (-t[0], ix.name(t[1]).casefold()))
    rows = [{"id": s, "name": ix.name(s), "rank": i + 1, "betweenness": round(b, 6)}
            for i, (b, s) in enumerate(r for r in ranked if r[0] > 0) if i < top]
    cut = people_cut_off(ix)
    order = sorted(ix.services, key=lambda s: (
        -(cut[s]["people_cut_off"] or 0), cut[s]["people_cut_off"] is None,
        -cut[s]["services_cut_off"], ix.name(s).casefold(), s))
    cut_rows = [{"id": s, "name": ix.name(s), "rank": i + 1, **cut[s],
                 "betweenness": round(between.get(s, 0.0), 6)}
                for i, s in enumerate(order)]
    return {"method": method, "neutral_volume": _r(neutral), "services": rows,
            "cut_off": cut_rows}
