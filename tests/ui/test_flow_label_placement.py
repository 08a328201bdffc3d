"""View > Show flow numbers puts each number clear of the other lines and numbers (issue #14)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF

from servicemap.graph import flow_labels
from servicemap.render.export import ExportOptions, prepare


@pytest.fixture
def window(open_window, map_file):
    w = open_window(map_file, readable=True)
    # Below the map, Assessment -> Treatment runs straight across and Day unit -> Ward round
    # straight down: they cross at both middles, (300, 600).
    a = w.editor.add_node("service", "Assessment", (0.0, 600.0))
    b = w.editor.add_node("service", "Treatment", (600.0, 600.0))
    w.day = w.editor.add_node("service", "Day unit", (300.0, 450.0))
    d = w.editor.add_node("service", "Ward round", (300.0, 750.0))
    w.down = w.editor.add_flow(w.day, d, "referral", volume_per_year=25)
    w.up = w.editor.add_flow(a, b, "transfer", volume_per_year=12)
    return w


def crowding(scene, placed=True) -> int:
    flows = [flow_labels.Flow(k, i.line_points(), i.label_size()) for k, i in scene.flows.items()]
    return flow_labels.crowded(flows, {k: i.label_at for k, i in scene.flows.items()}
                               if placed else None)


def test_numbers_on_a_crossing_move_along_their_flows_and_back(window):
    scene = window.scene
    for flow in (window.down, window.up):
        assert scene.flows[flow].midpoint() == QPointF(300, 600)
    assert crowding(scene, placed=False) >= 2
    window.actions.action("view.flow_labels").trigger()
    assert scene.show_flow_labels
    assert crowding(scene) == 0
    moved = scene.flows[window.down].label_centre()
    assert moved != scene.flows[window.down].midpoint()
    assert scene.flows[window.down].distance_to(moved) < 0.01  # still on its own line
    assert scene.flows["f4"].label_at == 0.5  # a number already clear stays in the middle
    # Moving the box away from the crossing brings the numbers back to the middle.
    window.editor.move({window.day: (300.0, 450.0)}, {window.day: (900.0, 450.0)})
    assert scene.flows[window.down].label_at == 0.5
    assert scene.flows[window.up].label_at == 0.5
    window.editor.stack.undo()
    assert crowding(scene) == 0 and scene.flows[window.down].label_at != 0.5


def test_exported_numbers_are_placed_too(window):
    picture = prepare(window.doc, ExportOptions(flow_numbers=True))
    try:
        picture.set_numbers(True, False)
        assert crowding(picture.scene, placed=False) >= 2
        assert crowding(picture.scene) == 0
    finally:
        picture.close()
