"""``flow_labels.clear_labels`` keeps exactly the numbers a plain reference keeps: each label,
in order, clear of every other flow's line (its edges count), of the boxes and of the labels
kept before it. The reference walks every line for every label; the function asks an index
of level and upright pieces (issue #21: 43 s of a 50,000-service export went to the grid)."""

from __future__ import annotations

import random

import pytest

from servicemap.graph import routing
from servicemap.graph.flow_labels import (
    Flow,
    clear_labels,
    label_rect,
    point_at,
    rects_overlap,
    segment_crosses,
)


def reference(flows, placed, boxes, order, candidates):
    kept, rects = {}, []
    by_key = {f.key: (n, f) for n, f in enumerate(flows)}
    for key in order:
        n, flow = by_key[key]
        if flow.size[0] <= 0:
            continue
        first = placed.get(key, 0.5)
        for t in (first, *(c for c in candidates if c != first)):
            rect = label_rect(point_at(flow.line, t), flow.size)
            if any(rects_overlap(rect, b) for b in boxes) or \
                    any(rects_overlap(rect, r) for r in rects):
                continue
            if any(segment_crosses(p, q, rect) for m, other in enumerate(flows) if m != n
                   for p, q in zip(other.line, other.line[1:], strict=False)):
                continue
            rects.append(rect)
            kept[key] = t
            break
    return kept


def _map(seed: int, count: int):
    """Boxes on a loose grid and flows between random pairs along their quick routes (level
    and upright pieces; straight slanted lines between boxes too close for bends)."""
    rng = random.Random(seed)
    boxes = [(rng.randrange(0, 12) * 260.0 + rng.choice((0, 0, 37.5)),
              rng.randrange(0, 14) * 110.0 + rng.choice((0, 0, 20.0)), 180.0, 56.0)
             for _ in range(count)]
    flows = []
    for i in range(count * 2):
        a, b = rng.sample(boxes, 2)
        line = routing.quick_route(a, b)
        size = (rng.choice((0.0, 18.0, 30.0, 44.0)), 13.0)
        flows.append(Flow(f"f{i}", line, size))
    rects = [(x - w / 2, y - h / 2, x + w / 2, y + h / 2) for x, y, w, h in boxes]
    return flows, rects


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("candidates", [(), (0.4, 0.6, 0.3)])
def test_the_same_numbers_as_the_reference(seed, candidates):
    flows, boxes = _map(seed, 40)
    rng = random.Random(seed)
    order = [f.key for f in flows]
    rng.shuffle(order)
    placed = {f.key: rng.choice((0.5, 0.5, 0.3)) for f in flows}
    found = clear_labels(flows, placed, boxes, order, candidates)
    assert found == reference(flows, placed, boxes, order, candidates)
    assert 0 < len(found) < sum(1 for f in flows if f.size[0] > 0)  # some kept, some not


def test_a_line_along_the_label_edge_counts_and_its_own_line_does_not():
    own = Flow("own", [(0.0, 0.0), (100.0, 0.0)], (20.0, 10.0))  # label 40..60 x -5..5
    edge = Flow("edge", [(40.0, 5.0), (40.0, 50.0)], (0.0, 0.0))  # touches its corner
    assert clear_labels([own]) == {"own": 0.5}
    assert clear_labels([own, edge]) == {}
    apart = Flow("apart", [(40.0, 5.001), (40.0, 50.0)], (0.0, 0.0))
    assert clear_labels([own, apart]) == {"own": 0.5}
    slanted = Flow("slanted", [(30.0, -20.0), (70.0, 20.0)], (0.0, 0.0))
    assert clear_labels([own, slanted]) == {}
