"""Align, distribute and snap (servicemap.graph.arrange): new centres from boxes of real,
different sizes; pinned boxes never move; ties keep the order given; grid steps."""

from __future__ import annotations

import pytest

from servicemap.graph.arrange import (
    GRID,
    Box,
    align,
    distribute,
    nudge_delta,
    snap,
    snap_delta,
)


def placed(boxes, plan) -> dict[str, Box]:
    """The boxes after the plan, by id."""
    out = {}
    for b in boxes:
        x, y = plan.positions.get(b.id, (b.x, b.y))
        out[b.id] = Box(b.id, x, y, b.width, b.height, b.pinned)
    return out


# A narrow box, a wide one and a tall one, scattered.
BOXES = [Box("a", 100, 50, 120, 40), Box("b", 300, 0, 200, 60), Box("c", 180, 220, 160, 90)]


@pytest.mark.parametrize(("how", "edge", "value"), [
    ("left", "left", 40), ("right", "right", 400), ("centre", "x", 220),
    ("top", "top", -30), ("bottom", "bottom", 265), ("middle", "y", 117.5)])
def test_align_lines_up_the_real_edges_of_boxes_of_different_sizes(how, edge, value):
    after = placed(BOXES, align(BOXES, how))
    assert [getattr(b, edge) for b in after.values()] == pytest.approx([value] * 3)
    across = how in ("left", "centre", "right")
    for before in BOXES:  # only one axis changes
        assert (after[before.id].y if across else after[before.id].x) == \
            (before.y if across else before.x)


def test_align_moves_only_the_boxes_off_the_line():
    plan = align(BOXES, "left")
    assert set(plan.positions) == {"b", "c"}   # a's left edge is the line
    assert plan.positions["b"] == (140, 0)
    assert plan.pinned == []


def test_align_to_the_pinned_box_which_never_moves():
    boxes = [Box("a", 100, 50, 120, 40), Box("b", 300, 0, 200, 60, pinned=True),
             Box("c", 180, 220, 160, 90)]
    plan = align(boxes, "left")
    assert "b" not in plan.positions
    after = placed(boxes, plan)
    assert [b.left for b in after.values()] == pytest.approx([200, 200, 200])
    assert plan.pinned == []


def test_two_pinned_boxes_that_disagree_stay_and_are_reported():
    boxes = [Box("a", 100, 0, 100, 40, pinned=True), Box("b", 300, 0, 100, 40, pinned=True),
             Box("c", 500, 0, 100, 40)]
    plan = align(boxes, "right")
    assert plan.positions == {"c": (300, 0)}   # to the rightmost pinned right edge
    assert plan.pinned == ["a"]


def test_align_of_every_box_pinned_moves_nothing():
    boxes = [Box("a", 0, 0, 100, 40, pinned=True), Box("b", 50, 90, 100, 40, pinned=True)]
    plan = align(boxes, "top")
    assert plan.positions == {}
    assert plan.pinned == ["b"]


def test_align_of_one_box_or_aligned_boxes_moves_nothing():
    assert align(BOXES[:1], "left").positions == {}
    row = [Box("a", 0, 10, 100, 40), Box("b", 300, 10, 100, 40)]
    assert align(row, "middle").positions == {}


def test_align_refuses_an_unknown_way():
    with pytest.raises(ValueError, match="cannot align"):
        align(BOXES, "diagonal")


def gaps(boxes: dict[str, Box], across=True) -> list[float]:
    ordered = sorted(boxes.values(), key=lambda b: b.x if across else b.y)
    return [(b.left - a.right) if across else (b.top - a.bottom)
            for a, b in zip(ordered, ordered[1:], strict=False)]


def test_distribute_leaves_equal_gaps_between_boxes_of_different_sizes():
    boxes = [Box("a", 0, 0, 100, 40), Box("b", 130, 30, 200, 40), Box("c", 260, 0, 100, 40),
             Box("d", 700, 10, 100, 40)]
    plan = distribute(boxes, "horizontal")
    after = placed(boxes, plan)
    assert gaps(after) == pytest.approx([100, 100, 100])  # (650 - 50 - 300) / 3
    assert "a" not in plan.positions and "d" not in plan.positions  # the outermost stay
    assert [after[n].y for n in "abcd"] == [0, 30, 0, 10]           # across only


def test_distribute_vertically():
    boxes = [Box("a", 0, 0, 100, 40), Box("b", 20, 50, 100, 80), Box("c", 0, 300, 100, 40)]
    after = placed(boxes, distribute(boxes, "vertical"))
    assert gaps(after, across=False) == pytest.approx([90, 90])
    assert [after[n].x for n in "abc"] == [0, 20, 0]


def test_distribute_keeps_pinned_boxes_and_spaces_the_others_between_them():
    boxes = [Box(n, x, 0, 40, 40, pinned=(n == "p")) for n, x in
             (("a", 0), ("b", 50), ("p", 150), ("c", 200), ("d", 230), ("e", 600))]
    plan = distribute(boxes, "horizontal")
    assert "p" not in plan.positions
    after = placed(boxes, plan)
    assert after["b"].x == pytest.approx(75)              # halfway between a and p
    assert gaps(after)[2:] == pytest.approx([110, 110, 110])  # c and d between p and e


def test_distribute_ties_keep_the_order_given():
    boxes = [Box("first", 100, 0, 40, 40), Box("second", 100, 0, 40, 40),
             Box("left", 0, 0, 40, 40), Box("right", 400, 0, 40, 40)]
    after = placed(boxes, distribute(boxes, "horizontal"))
    assert after["first"].x < after["second"].x
    assert gaps(after) == pytest.approx([280 / 3] * 3)


def test_distribute_needs_three_boxes_and_a_known_direction():
    assert distribute(BOXES[:2], "horizontal").positions == {}
    with pytest.raises(ValueError, match="cannot distribute"):
        distribute(BOXES, "sideways")


def test_evenly_spaced_boxes_do_not_move():
    row = [Box(n, x, 0, 40, 40) for n, x in (("a", 0), ("b", 100), ("c", 200))]
    assert distribute(row, "horizontal").positions == {}


def test_snap_goes_to_the_nearest_line():
    assert GRID == 20
    assert [snap(v) for v in (0, 9.9, 10, 29, 31, -9, -10, -11)] == \
        [0, 0, 20, 20, 40, 0, 0, -20]
    assert snap_delta(133, -47) == (7, 7)


def test_a_nudge_goes_to_the_next_line_that_way_and_onto_a_line_across():
    assert nudge_delta(100, 47, 10, 0) == (20, -7)   # 100 -> 120; 47 -> 40
    assert nudge_delta(105, 40, 1, 0) == (15, 0)     # a fine step still lands on a line
    assert nudge_delta(100, 40, -10, 0) == (-20, 0)
    assert nudge_delta(105, 40, -1, 0) == (-5, 0)
    assert nudge_delta(100, 40, 0, 10) == (0, 20)
    assert nudge_delta(100, 40, 0, -1) == (0, -20)
