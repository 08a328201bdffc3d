"""Drawing a second flow of a type that already joins two boxes: the window asks, and a yes
adds a separate flow (its own arrow, on its own line); a no adds nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt


@pytest.fixture
def window(open_window, map_file):
    return open_window(map_file, readable=True)


def draw_flow(window, qtbot, source, target):
    window.selection.set([source])
    window.actions.action("edit.add_flow").trigger()
    point = window.view.mapFromScene(window.scene.nodes[target].pos())
    qtbot.mouseClick(window.view.viewport(), Qt.LeftButton, pos=point)


def test_a_second_referral_is_asked_about_and_kept_separate(window, qtbot):
    asked = []
    window.choose_flow_type = lambda: "referral"
    window.ask_parallel_flow = lambda *args: asked.append(args) or False
    draw_flow(window, qtbot, "gp", "crisis")  # f1 is a referral from the GP already
    assert asked == [("gp", "crisis", "referral")]
    assert window.doc.find_flows("gp", "crisis") == ["f1"] and window.editor.stack.count() == 0

    window.ask_parallel_flow = lambda *args: asked.append(args) or True
    draw_flow(window, qtbot, "gp", "crisis")
    flows = window.doc.find_flows("gp", "crisis", "referral")
    assert len(flows) == 2 and window.editor.stack.count() == 1
    first, second = (window.scene.flows[f] for f in flows)
    # drawn apart (each flow has its own ports, so its own line), not one on top of the other
    assert first.path() != second.path()
    assert first.path().boundingRect() != second.path().boundingRect()
    assert [str(p) for p in window.doc.problems()] == [
        'warning: 2 referral flows join "GP practice" and "Crisis team"; they are kept separate']
    window.editor.stack.undo()
    assert window.doc.find_flows("gp", "crisis") == ["f1"] and set(window.scene.flows) >= {"f1"}


def test_a_flow_of_another_type_is_not_asked_about(window, qtbot):
    window.choose_flow_type = lambda: "signpost"
    window.ask_parallel_flow = lambda *args: pytest.fail("asked")
    draw_flow(window, qtbot, "gp", "crisis")
    assert len(window.doc.find_flows("gp", "crisis")) == 2
