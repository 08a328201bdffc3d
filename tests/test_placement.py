"""Where a box with no position is drawn (no Qt): one grid rule, shared by the canvas, picture
exports and the GraphML and draw.io files."""

from __future__ import annotations

import pytest

from servicemap import palette
from servicemap.graph import placement as pl
from servicemap.graph.document import Document


def test_the_corner_is_the_left_and_bottom_edge_of_the_boxes():
    assert pl.boxes_corner([]) is None
    assert pl.boxes_corner([(0, 0, 100, 40), (300, 200, 50, 20)]) == (-50, 210)
    assert pl.boxes_corner([(0, 0, 100, 40)], corner=(-500, -100)) == (-500, 20)
    assert pl.boxes_corner([], corner=(1, 2)) == (1, 2)


def test_unplaced_boxes_go_on_a_grid_below_the_corner():
    sizes = [(170, 44)] * 5 + [(100, 60)]
    spots = pl.unplaced_positions((-50, 210), sizes)
    gx, gy = pl.UNPLACED_GAP
    top = 210 + pl.UNPLACED_DROP
    # Six boxes: four a row (the least), tops aligned, left edges from the placed boxes' left.
    assert spots[0] == (-50 + 85, top + 22)
    assert spots[3] == (-50 + 85 + 3 * gx, top + 22)
    assert spots[4] == (-50 + 85, top + gy + 22)
    assert spots[5] == (-50 + 50 + gx, top + gy + 30)
    assert min(y - h / 2 for (_, y), (_, h) in zip(spots, sizes, strict=True)) == top


def test_many_unplaced_boxes_make_a_roughly_square_grid_from_the_origin():
    spots = pl.unplaced_positions(None, [(10, 10)] * 50)  # nothing placed: from (0, 0)
    assert spots[0] == (5, pl.UNPLACED_DROP + 5)
    per_row = sum(1 for _, y in spots if y == spots[0][1])
    assert per_row == 10  # round(sqrt(2 * 50))


@pytest.fixture
def doc() -> Document:
    d = Document()
    d.add_node("service", "Placed", "a", x=0.0, y=0.0)
    d.add_node("service", "Also placed", "b", x=400.0, y=100.0)
    d.add_node("exit", "Home", "home")
    d.add_node("access_point", "GP", "gp")
    d.add_node("organisation", "Trust", "org")
    return d


def test_file_drawings_place_unplaced_nodes_by_the_rule(doc):
    boxes = pl.drawing_boxes(doc, ["a", "b", "home", "gp"])
    assert boxes["a"] == (0.0, 0.0, *palette.box_size("service"))
    corner = pl.boxes_corner([boxes["a"], boxes["b"]])
    sizes = [palette.box_size("exit"), palette.box_size("access_point")]
    spots = pl.unplaced_positions(corner, sizes)
    assert [boxes[n][:2] for n in ("home", "gp")] == spots
    assert [boxes[n][2:] for n in ("home", "gp")] == sizes


def test_free_spot_is_beside_the_last_box_then_clear_of_every_box():
    from servicemap.graph.placement import GAP, free_spot

    size = (170.0, 44.0)
    assert free_spot([], size, (0.0, 0.0)) == (0.0, 0.0)
    last = (0.0, 0.0, 170.0, 44.0)
    x, y = free_spot([last], size, (0.0, 0.0), after=last)
    assert y == 0.0 and x >= 170.0 + GAP  # beside it, on its right
    crowd = [(float(i * 60), float(j * 30), 170.0, 44.0) for i in range(5) for j in range(5)]
    x, y = free_spot(crowd, size, (60.0, 60.0))
    for bx, by, bw, bh in crowd:  # nothing under the new box
        assert abs(x - bx) * 2 >= 170 + bw + GAP or abs(y - by) * 2 >= 44 + bh + GAP
