"""A second click at the same place picks the next item under the pointer (issue #14)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt


@pytest.fixture
def window(open_window, map_file):
    w = open_window(map_file, readable=True)
    # A second flow from Crisis team to Acute ward runs beside Crisis -> Ward (f2), one port
    # apart; just inside the ward's box, at the tip of f2's arrow, lie the box and f2.
    w.hidden = w.editor.add_flow("crisis", "ward", "transfer", volume_per_year=10)
    w.selection.set([])
    x, y = w.scene.flows["f2"].line_points()[-1]
    w.edge = (x + 3, y)
    return w


def click(qtbot, window, x, y, modifiers=Qt.NoModifier):
    qtbot.mouseClick(window.view.viewport(), Qt.LeftButton, modifiers,
                     window.view.mapFromScene(x, y))


def test_clicking_again_on_a_box_picks_the_flow_that_ends_under_the_pointer(window, qtbot):
    # Flows are routed round boxes, so the one place a box and a flow share is where the
    # flow's arrow meets the box (a selected flow's end then has its handle there).
    for expected in (["ward"], ["f2"]):
        click(qtbot, window, *window.edge)
        assert window.selection.ids == expected


def test_clicking_again_on_two_flows_one_over_the_other_picks_each(window, qtbot):
    (_, y1), (_, y2) = (window.scene.flows[k].line_points()[0] for k in ("f2", window.hidden))
    assert 0 < abs(y1 - y2) < 12  # side by side, each within reach of the point between
    middle = (y1 + y2) / 2
    click(qtbot, window, 450, middle)
    [first] = window.selection.ids
    assert first in ("f2", window.hidden)
    click(qtbot, window, 451, middle)  # about the same place
    [second] = window.selection.ids
    assert {first, second} == {"f2", window.hidden}
    click(qtbot, window, 450, middle)
    assert window.selection.ids == [first]


def test_a_click_elsewhere_starts_again_from_the_top(window, qtbot):
    click(qtbot, window, *window.edge)
    click(qtbot, window, *window.edge)
    assert window.selection.ids == ["f2"]
    click(qtbot, window, 450, 200)  # empty canvas
    assert window.selection.ids == []
    click(qtbot, window, *window.edge)
    assert window.selection.ids == ["ward"]


def test_a_drag_ctrl_click_and_double_click_are_not_cycled(window, qtbot):
    view = window.view.viewport()
    click(qtbot, window, 600, 0)
    click(qtbot, window, 600, 0, Qt.ControlModifier)  # Ctrl+click: toggles, as before
    assert window.selection.ids == []
    click(qtbot, window, 600, 0)
    click(qtbot, window, 300, 0, Qt.ControlModifier)
    assert sorted(window.selection.ids) == ["crisis", "ward"]
    click(qtbot, window, 600, 0)
    assert window.selection.ids == ["ward"]
    # A press and drag on the selected box still moves it.
    count = window.editor.stack.count()
    start = window.view.mapFromScene(600, 0)
    qtbot.mousePress(view, Qt.LeftButton, pos=start)
    for step in range(1, 6):
        qtbot.mouseMove(view, start + QPoint(8 * step, 6 * step))
    qtbot.mouseRelease(view, Qt.LeftButton, pos=start + QPoint(40, 30))
    assert (window.doc.node("ward")["x"], window.doc.node("ward")["y"]) == (640, 30)
    assert window.editor.stack.count() == count + 1
    assert window.selection.ids == ["ward"]
    # A double-click renames the box, whatever lies under it.
    renamed = []
    window.scene.rename_requested.connect(renamed.append)
    qtbot.mouseDClick(view, Qt.LeftButton, pos=window.view.mapFromScene(640, 30))
    assert renamed == ["ward"]
