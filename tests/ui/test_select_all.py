"""Select all (and any large selection) reaches the canvas, the outline and the inspector
whole: every box and flow selected, every row of each (a service in a partnership too), the
flow's end squares only on one selected flow, and nothing stale left after a smaller one."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt

from servicemap import store
from servicemap.ui.canvas.scene import FlowEnd, item_key
from servicemap.ui.panels.outline import ID_ROLE
from tests.maps import small_map


@pytest.fixture
def window(open_window, tmp_path):
    """The window tests' map with a partnership the crisis team serves (two rows)."""
    doc = small_map()
    doc.add_node("partnership", "East Kent", "east")
    doc.add_edge("serves", "crisis", "east", "crisis-east")
    path = tmp_path / "partnered.smap"
    store.save(doc, path)
    return open_window(path)


def selected_on_canvas(window) -> set[str]:
    return {item_key(item) for item in window.scene.selectedItems()}


def selected_rows(window) -> list[str]:
    outline = window.docks["outline"].widget()
    return sorted(i.data(ID_ROLE) for i in outline.view.selectionModel().selectedRows())


def rows_of(window, ids) -> list[str]:
    """The ids of every row of the outline shown now that is one of ``ids``."""
    model = window.docks["outline"].widget().proxy
    found, stack = [], [QModelIndex()]
    while stack:
        parent = stack.pop()
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            if index.data(ID_ROLE) in ids:
                found.append(index.data(ID_ROLE))
            stack.append(index)
    return sorted(found)


def flow_ends(window) -> int:
    return sum(isinstance(item, FlowEnd) for item in window.scene.decoration_items())


def test_select_all_selects_every_box_flow_and_row(window):
    scene = window.scene
    window.actions.action("edit.select_all").trigger()
    everything = set(scene.nodes) | set(scene.flows)
    assert set(window.selection.ids) == everything
    assert selected_on_canvas(window) == everything
    # each drawn box's rows (a service in a partnership has two), no group's row
    assert selected_rows(window) == rows_of(window, everything)
    assert set(selected_rows(window)) == set(scene.nodes)
    assert selected_rows(window).count("crisis") == 2
    assert flow_ends(window) == 0
    assert window.actions.action("edit.delete").isEnabled()


def test_a_smaller_selection_after_select_all_leaves_nothing_stale(window):
    window.actions.action("edit.select_all").trigger()
    window.selection.set(["crisis", "f1"])
    assert selected_on_canvas(window) == {"crisis", "f1"}
    assert selected_rows(window) == rows_of(window, {"crisis"}) == ["crisis", "crisis"]
    assert flow_ends(window) == 0
    window.selection.set(["f1"])
    assert selected_on_canvas(window) == {"f1"}
    assert flow_ends(window) == 2  # the one selected flow's ends, to drag
    window.selection.set([])
    assert selected_on_canvas(window) == set() and selected_rows(window) == []
    assert not window.actions.action("edit.delete").isEnabled()


def test_select_all_with_the_outline_filtered_selects_only_the_rows_shown(window, qtbot):
    outline = window.docks["outline"].widget()
    qtbot.keyClicks(outline.filter_edit, "crisis")
    window.actions.action("edit.select_all").trigger()
    assert selected_rows(window) == ["crisis", "crisis"]
    assert selected_on_canvas(window) == set(window.scene.nodes) | set(window.scene.flows)
    outline.filter_edit.clear()  # the filter gone, every row of the selection shows selected
    assert selected_rows(window) == rows_of(window, set(window.scene.nodes))


def test_ctrl_a_on_the_canvas_selects_all(window, qtbot):
    window.view.setFocus()
    qtbot.keyClick(window.view.viewport(), Qt.Key_A, Qt.ControlModifier)
    assert selected_on_canvas(window) == set(window.scene.nodes) | set(window.scene.flows)
