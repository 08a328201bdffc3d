"""Flow routing (``servicemap.graph.routing``) on synthetic maps at their own positions.

- ``route_all``: every flow routed round the boxes, as a scene does once per build; baseline
  ``straight_lines``: the straight box-edge-to-box-edge line of every flow (what was drawn
  before routing, and what a flow falls back to past the budget), so the ratio says how many
  times the cost of drawing straight lines routing takes (below 1: slower).
- ``route_move``: one service moved onto the routes of others and its flows routed again, as a
  drop on the canvas does; baseline ``route_all_again``: routing the whole map afresh, so the
  ratio is what re-routing only the flows concerned saves.

Box sizes are the Qt-free estimates (:func:`servicemap.graph.placement.default_sizes`); the
canvas measures its labels and gets boxes of about the same size.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from benchmarks.bench_store import synthetic
from benchmarks.harness import Benchmark, Target
from servicemap.graph import placement, routing
from servicemap.model import DRAWN_KINDS, NodeKind


@dataclass
class Routes:
    boxes: dict[str, routing.Box]
    flows: list[routing.Flow]
    exits: list[str]
    router: routing.Router | None = None
    moved: str = ""
    places: tuple[routing.Box, routing.Box] | None = None
    turn: int = 0


def setup(size: int, folder: Path) -> Routes:
    doc = synthetic(size)
    drawn = [n for n, k in doc.graph.nodes(data="kind") if k in DRAWN_KINDS]
    sizes = placement.default_sizes(doc)
    boxes = {n: (*b[:2], *sizes[n]) for n, b in placement.drawing_boxes(doc, drawn).items()}
    flows = [routing.Flow(k, u, v) for u, v, k, a in doc.graph.edges(keys=True, data=True)
             if a["kind"] == "flow"]
    exits = [n for n in drawn if doc.graph.nodes[n]["kind"] == NodeKind.EXIT]
    return Routes(boxes, flows, exits)


def route_all(state: Routes) -> routing.Router:
    return routing.Router(state.boxes, state.flows, state.exits)


def straight_lines(state: Routes) -> dict:
    boxes = state.boxes
    return {f.key: routing.straight(boxes[f.source], boxes[f.target]) for f in state.flows}


def setup_move(size: int, folder: Path) -> Routes:
    state = setup(size, folder)
    state.router = route_all(state)
    # A service with flows, moved to the middle of the route of a flow it does not join.
    service = next(f.source for f in state.flows if f.source.startswith("s"))
    other = next(f for f in state.flows if service not in (f.source, f.target)
                 and len(state.router.routes[f.key]) >= 2)
    line = state.router.routes[other.key]
    (ax, ay), (bx, by) = line[len(line) // 2 - 1], line[len(line) // 2]
    x, y, w, h = state.boxes[service]
    state.moved, state.places = service, ((x, y, w, h), ((ax + bx) / 2, (ay + by) / 2, w, h))
    return state


def route_move(state: Routes) -> set[str]:
    state.turn ^= 1  # there and back, turn about, so every run moves the box
    return state.router.update({state.moved: state.places[state.turn]})


BENCHMARKS = [
    Benchmark("route_all", setup, route_all, "straight_lines", straight_lines,
              {2000: Target(seconds=1.0), 10_000: Target(seconds=5.0)}),
    Benchmark("route_move", setup_move, route_move, "route_all_again",
              lambda s: route_all(s), {10_000: Target(seconds=0.05, ratio=50)}),
]
