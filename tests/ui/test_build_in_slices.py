"""A large map built a slice at a time (as File > Open does): the flows are routed in a worker
thread while the window keeps answering, and the canvas ends exactly as one built at once:
the same routes, every flow filed for drawing, the garbage collector as it was."""

from __future__ import annotations

import gc

from servicemap.demo import synthetic
from servicemap.ui.canvas.scene import CanvasScene


def test_a_canvas_built_in_slices_is_the_canvas_built_at_once(qapp):
    doc = synthetic(150)
    at_once = CanvasScene(doc)
    sliced = CanvasScene(doc, build=False)
    progress = list(sliced.rebuild_in_slices(every=40))
    assert progress == sorted(progress) and progress[-1] == 1.0
    assert all(0.0 <= p < 1.0 for p in progress[:-1])
    assert sliced.routed() and sliced.router.routes == at_once.router.routes
    assert {k: f.line_points() for k, f in sliced.flows.items()} == \
        {k: f.line_points() for k, f in at_once.flows.items()}
    everywhere = sliced.itemsBoundingRect()
    assert set(sliced.flow_layer.near(everywhere)) == set(sliced.flows.values())
    assert gc.isenabled()
    for scene in (at_once, sliced):
        scene.detach()
        scene.deleteLater()


def test_stopping_a_build_half_way_leaves_the_collector_on(qapp, qtbot):
    sliced = CanvasScene(synthetic(150), build=False)
    steps = sliced.rebuild_in_slices(every=40)
    for done in steps:
        if done >= 0.5:  # the items are made: routing has started
            break
    assert not gc.isenabled()  # paused while the map is built
    steps.close()  # the planner pressed Cancel: as Opening.cancel does
    assert gc.isenabled()
    sliced.detach()
    sliced.deleteLater()
    qtbot.wait(10)
