"""Undoing a layout of a map large enough to be routed afresh (every box moves): each box
goes back where it was and each flow onto the route it had, drawn; redo likewise."""

from __future__ import annotations

import pytest

from servicemap import store
from servicemap.demo import synthetic


@pytest.fixture
def window(open_window, tmp_path):
    path = tmp_path / "synthetic.smap"
    store.save(synthetic(120), path)
    return open_window(path)


def drawn(window) -> tuple[dict, dict, dict]:
    """Each box's position on the canvas, each flow's line, and what the map says."""
    scene = window.scene
    boxes = {n: (item.pos().x(), item.pos().y()) for n, item in scene.nodes.items()}
    lines = {k: item.line_points() for k, item in scene.flows.items()}
    return boxes, lines, window.editor.positions(list(scene.nodes))


def test_undo_and_redo_of_a_layout_restore_every_box_and_route(window):
    before = drawn(window)
    window.actions.action("map.flow_layout").trigger()
    after = drawn(window)
    assert after[0] != before[0] and after[1] != before[1]
    assert after[0] == {n: tuple(p) for n, p in after[2].items()}  # canvas follows the map
    window.actions.action("edit.undo").trigger()
    assert drawn(window) == before
    for key, item in window.scene.flows.items():  # drawn along the line, arrowhead at its tip
        tip = item.path().currentPosition()
        assert (round(tip.x(), 6), round(tip.y(), 6)) == \
            tuple(round(v, 6) for v in before[1][key][-1])
        (x1, y1, x2, y2), (a1, b1, a2, b2) = (item.boundingRect().getCoords(),
                                              item.path().boundingRect().getCoords())
        assert x1 <= a1 and y1 <= b1 and a2 <= x2 and b2 <= y2  # the line within its bounds
    window.actions.action("edit.redo").trigger()
    assert drawn(window) == after
