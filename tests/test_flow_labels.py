"""Flow number labels placed clear of other lines and labels (Qt-free geometry)."""

from servicemap.graph.flow_labels import (
    Flow,
    crowded,
    place_labels,
    point_at,
    segment_crosses,
)

SIZE = (30.0, 14.0)


def test_point_at_goes_by_length():
    line = [(0.0, 0.0), (100.0, 0.0), (100.0, 100.0)]
    assert point_at(line, 0.5) == (100.0, 0.0)
    assert point_at(line, 0.25) == (50.0, 0.0)
    assert point_at(line, 1.0) == (100.0, 100.0)
    assert point_at([(5.0, 5.0), (5.0, 5.0)], 0.5) == (5.0, 5.0)


def test_segment_crosses_a_rect_or_not():
    rect = (0.0, 0.0, 10.0, 10.0)
    assert segment_crosses((-5, 5), (15, 5), rect)
    assert segment_crosses((-5, -5), (15, 15), rect)
    assert not segment_crosses((-5, 20), (15, 20), rect)
    assert not segment_crosses((20, -5), (20, 15), rect)


def test_a_label_on_a_crossing_moves_along_its_own_flow():
    across = Flow("a", [(0.0, 0.0), (400.0, 0.0)], SIZE)
    down = Flow("b", [(200.0, -200.0), (200.0, 200.0)], SIZE)
    flows = [across, down]
    assert crowded(flows) == 2  # both numbers sit on the crossing
    placed = place_labels(flows)
    assert placed["a"] != 0.5
    assert crowded(flows, placed) == 0


def test_a_clear_label_stays_in_the_middle():
    flows = [Flow("a", [(0.0, 0.0), (400.0, 0.0)], SIZE),
             Flow("b", [(0.0, 300.0), (400.0, 300.0)], SIZE)]
    assert place_labels(flows) == {"a": 0.5, "b": 0.5}


def test_parallel_flows_keep_their_labels_apart():
    flows = [Flow("a", [(0.0, 0.0), (400.0, 0.0)], SIZE),
             Flow("b", [(0.0, 6.0), (400.0, 6.0)], SIZE)]
    placed = place_labels(flows)
    assert placed["a"] != placed["b"]


def test_a_flow_without_a_number_is_a_line_to_avoid_only():
    flows = [Flow("a", [(0.0, 0.0), (400.0, 0.0)], SIZE),
             Flow("b", [(200.0, -200.0), (200.0, 200.0)], (0.0, 0.0))]
    placed = place_labels(flows)
    assert set(placed) == {"a"} and placed["a"] != 0.5
    assert crowded(flows) == 1 and crowded(flows, placed) == 0
