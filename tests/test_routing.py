"""Flow routes around boxes (servicemap.graph.routing), without Qt."""

from __future__ import annotations

from servicemap import demo
from servicemap.graph import placement, routing
from servicemap.graph.flow_labels import segment_crosses
from servicemap.graph.routing import Flow, Router, crossings
from servicemap.model import DRAWN_KINDS

W, H = 170.0, 44.0


def _orthogonal(line) -> bool:
    return all(abs(a[0] - b[0]) < 1e-6 or abs(a[1] - b[1]) < 1e-6
               for a, b in zip(line, line[1:], strict=False))


def _map_boxes(doc):
    drawn = [n for n, k in doc.graph.nodes(data="kind") if k in DRAWN_KINDS]
    sizes = placement.default_sizes(doc)
    boxes = {n: (*b[:2], *sizes[n]) for n, b in placement.drawing_boxes(doc, drawn).items()}
    flows = [Flow(k, u, v) for u, v, k, a in doc.graph.edges(keys=True, data=True)
             if a["kind"] == "flow"]
    exits = [n for n in drawn if doc.graph.nodes[n]["kind"] == "exit"]
    return boxes, flows, exits


def test_a_flow_goes_round_the_box_between_its_ends():
    boxes = {"a": (0, 0, W, H), "b": (300, 0, W, H), "c": (600, 0, W, H)}
    router = Router(boxes, [Flow("f", "a", "c")])
    line = router.routes["f"]
    assert len(line) > 2 and _orthogonal(line)
    assert crossings(line, boxes, ("a", "c")) == []
    assert line[0][0] == 85 and line[-1][0] == 515  # from a's right side into c's left
    assert router.fallbacks == 0


def test_routes_cross_no_box_on_the_bundled_map():
    boxes, flows, exits = _map_boxes(demo.kent_and_medway())
    router = Router(boxes, flows, bundle=exits)
    assert router.fallbacks == 0
    for f in flows:
        line = router.routes[f.key]
        assert _orthogonal(line), f.key
        assert crossings(line, boxes, (f.source, f.target)) == [], f.key


def test_parallel_flows_between_two_boxes_are_drawn_apart():
    boxes = {"a": (0, 0, W, H), "b": (400, 120, W, H)}
    flows = [Flow("f1", "a", "b"), Flow("f2", "a", "b"), Flow("back", "b", "a")]
    routes = Router(boxes, flows).routes
    lines = [tuple(routes[k]) for k in ("f1", "f2", "back")]
    assert len(set(lines)) == 3
    starts = {routes[k][0] for k in ("f1", "f2")} | {routes["back"][-1]}
    assert len(starts) == 3  # three ports on a's side
    # No two of them share a segment: the middle (channel) segments are on tracks apart.
    for i, one in enumerate(lines):
        for other in lines[i + 1:]:
            assert not set(routing.pairs(one)) & set(routing.pairs(other))


def test_flows_into_an_exit_share_its_port_and_trunk():
    boxes = {"s1": (0, -150, W, H), "s2": (0, 0, W, H), "s3": (0, 150, W, H),
             "home": (400, 0, W, H)}
    flows = [Flow(f"f{i}", f"s{i}", "home") for i in (1, 2, 3)]
    routes = Router(boxes, flows, bundle=["home"]).routes
    ends = {tuple(routes[f.key][-1]) for f in flows}
    assert ends == {(315.0, 0.0)}
    trunk = {routes[k][-2][0] for k in ("f1", "f3")}  # their last bends are on one line
    assert len(trunk) == 1 and routes["f2"] == [(85.0, 0.0), (315.0, 0.0)]
    # Without bundling each gets a port of its own.
    apart = Router(boxes, flows).routes
    assert len({tuple(apart[f.key][-1]) for f in flows}) == 3


def test_moving_a_box_reroutes_its_flows_and_those_it_now_blocks():
    boxes = {"a": (0, 0, W, H), "c": (600, 0, W, H), "x": (300, 600, W, H),
             "y": (900, 600, W, H), "far1": (0, 2000, W, H), "far2": (400, 2000, W, H)}
    flows = [Flow("ac", "a", "c"), Flow("xy", "x", "y"), Flow("far", "far1", "far2")]
    router = Router(boxes, flows)
    assert len(router.routes["ac"]) == 2  # nothing in the way: straight across
    changed = router.update({"x": (300, 0, W, H)})  # x now sits on a -> c
    assert changed == {"ac", "xy"}
    assert crossings(router.routes["ac"], router.boxes, ("a", "c")) == []
    assert crossings(router.routes["xy"], router.boxes, ("x", "y")) == []
    fresh = Router(router.boxes, flows).routes
    assert router.routes == fresh


def test_removed_boxes_and_flows_take_their_routes_with_them():
    boxes = {"a": (0, 0, W, H), "b": (400, 0, W, H), "c": (400, 300, W, H)}
    router = Router(boxes, [Flow("ab", "a", "b"), Flow("ac", "a", "c")])
    assert router.update(removed_flows=["ab"]) >= {"ab"}
    assert set(router.routes) == {"ac"}
    router.update(added_flows=[Flow("cb", "c", "b")])
    assert set(router.routes) == {"ac", "cb"}
    router.update(removed=["c"])
    assert router.routes == {}


def test_routes_keep_out_of_areas_to_avoid_where_they_can():
    boxes = {"a": (0, 0, W, H), "b": (500, 0, W, H)}
    title = (150.0, -20.0, 350.0, 20.0)  # a container's title band across the straight line
    router = Router(boxes, [Flow("f", "a", "b")], avoid=[title])
    line = router.routes["f"]
    assert not any(segment_crosses(p, q, title) for p, q in zip(line, line[1:], strict=False))
    # An area nothing can go round is crossed rather than the flow given up.
    wall = (100.0, -5000.0, 400.0, 5000.0)
    assert router.set_avoid([wall]) == {"f"}
    assert crossings(router.routes["f"], boxes, ("a", "b")) == []


def test_past_the_budget_flows_are_straight_between_the_boxes():
    boxes = {"a": (0, 0, W, H), "b": (300, 0, W, H), "c": (600, 0, W, H)}
    router = Router(boxes, [Flow("f", "a", "c")], budget=-1)
    assert router.routes["f"] == [(85.0, 0.0), (515.0, 0.0)]
    assert router.fallbacks == 1


def test_quick_route_while_dragging_is_orthogonal_between_middle_ports():
    line = routing.quick_route((0, 0, W, H), (400, 200, W, H))
    assert line[0] == (85.0, 0.0) and line[-1] == (315.0, 200.0) and _orthogonal(line)
    assert routing.quick_route((0, 0, W, H), (10, 10, W, H)) == \
        routing.straight((0, 0, W, H), (10, 10, W, H))


def test_large_synthetic_map_routes_every_flow_with_few_straight():
    boxes, flows, exits = _map_boxes(demo.synthetic(300))
    router = Router(boxes, flows, bundle=exits)
    assert set(router.routes) == {f.key for f in flows}
    routed = [f for f in flows if len(router.routes[f.key]) > 2]
    assert len(routed) > 0.8 * len(flows)
    bad = [f.key for f in routed
           if crossings(router.routes[f.key], boxes, (f.source, f.target))]
    assert bad == []
    # Long flows across the map find their way round (a search over more boxes on a small
    # map, then a lane route whose legs run the length of the channels beside the columns):
    # 45 of the 600 were straight lines through boxes, then 5, now none.
    assert router.straight == set()


def test_long_flows_past_a_search_s_reach_take_long_lanes_on_larger_maps():
    """On a 1,000-service map 295 of 1,993 flows were straight lines through boxes (their
    searches' windows were too big); now each goes round."""
    boxes, flows, exits = _map_boxes(demo.synthetic(1000))
    router = Router(boxes, flows, bundle=exits)
    assert router.straight == set() and router.fallbacks == 0
    assert all(_orthogonal(line) for line in router.routes.values())
    index = routing.BoxIndex()  # the boxes themselves, to check every route quickly
    for node, box in boxes.items():
        index.add(node, routing.rect_of(box))
    assert not [f.key for f in flows if any(index.hits(p, q, (f.source, f.target))
                                           for p, q in routing.pairs(router.routes[f.key]))]


def test_searches_break_ties_towards_the_goal_and_count_turns():
    """On the bundled map the search visits far fewer points than breadth-first ties did
    (12,560 before; 7,119 now), with every flow routed and none through a box."""
    boxes, flows, exits = _map_boxes(demo.kent_and_medway())
    router = Router(boxes, flows, bundle=exits)
    assert router.spent < 10_000 and router.straight == set()
    assert all(not crossings(router.routes[f.key], boxes, (f.source, f.target)) for f in flows)


def test_moving_most_boxes_at_once_routes_everything_afresh():
    boxes, flows, exits = _map_boxes(demo.kent_and_medway())
    router = Router(boxes, flows, bundle=exits)
    moved = {n: (x * 1.3, y * 1.1, w, h) for n, (x, y, w, h) in boxes.items()}  # a layout
    changed = router.update(moved)
    assert changed == {f.key for f in flows}
    fresh = Router(moved, flows, bundle=exits)
    assert router.routes == fresh.routes


def test_undoing_a_layout_puts_back_the_routes_it_had_without_routing():
    boxes, flows, exits = _map_boxes(demo.kent_and_medway())
    router = Router(boxes, flows, bundle=exits)
    before = dict(router.routes)
    moved = {n: (x * 1.3, y * 1.1, w, h) for n, (x, y, w, h) in boxes.items()}
    router.update(moved)  # the layout: routed afresh
    after = dict(router.routes)
    assert not router.recalled and after != before
    assert router.update(boxes) == {f.key for f in flows}  # its undo
    assert router.recalled and router.routes == before
    assert router.index.rects == Router(boxes, flows, bundle=exits).index.rects
    router.update(moved)  # its redo
    assert router.recalled and router.routes == after


def test_remembered_routes_are_only_for_exactly_the_same_boxes_flows_and_areas():
    boxes, flows, exits = _map_boxes(demo.kent_and_medway())
    router = Router(boxes, flows, bundle=exits)
    moved = {n: (x * 1.3, y * 1.1, w, h) for n, (x, y, w, h) in boxes.items()}
    router.update(moved)
    first = next(iter(boxes))
    nearly = dict(boxes)
    nearly[first] = (boxes[first][0] + 1.0, *boxes[first][1:])
    router.update(nearly)  # not quite where they were: routed afresh
    assert not router.recalled
    assert router.routes == Router(nearly, flows, bundle=exits).routes
    router.update(moved)  # back to the layout's boxes: remembered
    assert router.recalled
    router.set_avoid([(0.0, 0.0, 50.0, 50.0)])
    router.update(nearly)  # the areas to avoid changed since: routed afresh
    assert not router.recalled


def test_an_index_filled_at_once_is_the_index_added_to_one_by_one():
    boxes, _flows, _exits = _map_boxes(demo.kent_and_medway())
    rects = {n: routing.rect_of(b, routing.MARGIN) for n, b in boxes.items()}
    one_by_one = routing.BoxIndex()
    for key, rect in rects.items():
        one_by_one.add(key, rect)
    at_once = routing.BoxIndex()
    at_once.fill(rects)
    assert at_once.rects == one_by_one.rects and at_once.cells == one_by_one.cells
    assert at_once.lines == one_by_one.lines and at_once.reach_max == one_by_one.reach_max
