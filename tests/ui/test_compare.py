"""File > Compare with…: the differences listed in the Comparison dock and drawn on the canvas
(outline and mark for added and changed, dashed ghosts for removed), following edits, cleared,
and exported like a map."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from servicemap import store
from servicemap.ui.features.diff import (
    DiffFeature,
    DiffMark,
    FlowHalo,
    GhostFlow,
    GhostNode,
    NodeOutline,
)
from servicemap.ui.features.review import ReviewFeature
from tests.maps import small_map


def newer_map():
    """small_map with known changes: tt removed (with f4), a new service and flow, the crisis
    team's capacity and f1's volume changed, the pathway renamed."""
    d = small_map()
    d.remove_node("tt")
    d.add_node("service", "Liaison", "liaison", x=600.0, y=300.0)
    d.add_edge("flow", "crisis", "liaison", "f5", flow_type="transfer")
    d.update_node("crisis", {"capacity": 12})
    d.update_edge("f1", {"volume_per_year": 350})
    d.update_pathway("p1", name="Crisis care (adults)")
    return d


KNOWN = [("added", "nodes", "liaison"), ("added", "edges", "f5"),
         ("removed", "nodes", "tt"), ("removed", "edges", "f4"),
         ("changed", "nodes", "crisis"), ("changed", "edges", "f1"),
         ("changed", "pathways", "p1")]


@pytest.fixture
def files(tmp_path):
    old, new = tmp_path / "old.smap", tmp_path / "new.smap"
    store.save(small_map(), old)
    store.save(newer_map(), new)
    return old, new


@pytest.fixture
def window(open_window, files):
    return open_window(files[1])


def feature(window):
    return window.host.feature(DiffFeature)


def marks_on(item) -> list:
    return [c for c in item.childItems() if isinstance(c, (NodeOutline, FlowHalo))]


def test_compare_lists_exactly_the_known_differences(window, files):
    f = feature(window)
    f.ask_compare_path = lambda: str(files[0])
    f.compare_action.trigger()
    assert f.dock.isVisible()
    assert f.listed() == KNOWN
    assert "old.smap" in f.header.text() and "2 added, 2 removed, 3 changed" in f.header.text()
    texts = [f.tree.topLevelItem(i).text(0) for i in range(f.tree.topLevelItemCount())]
    assert texts == ["+ Added (2)", "− Removed (2)", "Δ Changed (3)"]
    changed = f.tree.topLevelItem(2).child(0).text(0)
    assert changed == "Δ service “Crisis team”: capacity (empty) → 12"
    rows = [f.tree.topLevelItem(i).child(j) for i in range(f.tree.topLevelItemCount())
            for j in range(f.tree.topLevelItem(i).childCount())]
    ids = {item_id for _, _, item_id in KNOWN}
    for row in rows:  # names, never ids
        assert not any(f"({i})" in row.text(0) or f"({i})" in row.toolTip(0) for i in ids)


def test_comparison_writes_waits_in_units_and_flow_ends_by_name(window, files, qtbot):
    f = feature(window)
    f.compare_with(files[0])
    window.editor.update_edge("f1", {"wait_target_days": 4 / 24, "median_wait_days": 14})
    window.editor.update_node("crisis", {"pct_within_target": 87.5})
    qtbot.waitUntil(lambda: "4 hours" in " ".join(texts(f)))
    [flow] = [t for t in texts(f) if "GP practice → Crisis team" in t]
    assert "wait target (empty) → 4 hours" in flow and "median wait (empty) → 2 weeks" in flow
    [crisis] = [t for t in texts(f) if "Crisis team”:" in t]
    assert "% within target (empty) → 87.5%" in crisis


def texts(f) -> list[str]:
    return [f.tree.topLevelItem(i).child(j).text(0) for i in range(f.tree.topLevelItemCount())
            for j in range(f.tree.topLevelItem(i).childCount())]


def test_canvas_shows_each_state_with_colour_and_mark(window, files):
    f = feature(window)
    f.compare_with(files[0])
    scene = window.scene
    [added] = marks_on(scene.nodes["liaison"])
    [changed] = marks_on(scene.nodes["crisis"])
    assert (added.state, changed.state) == ("added", "changed")
    assert [m.state for m in added.childItems() if isinstance(m, DiffMark)] == ["added"]
    assert [h.state for h in marks_on(scene.flows["f5"])] == ["added"]
    assert [h.state for h in marks_on(scene.flows["f1"])] == ["changed"]
    assert marks_on(scene.nodes["ward"]) == []
    ghosts = [i for i in scene.items() if isinstance(i, GhostNode)]
    assert [(g.node_id, g.pos().x(), g.pos().y()) for g in ghosts] == [("tt", 300.0, 300.0)]
    assert not ghosts[0].flags() & ghosts[0].GraphicsItemFlag.ItemIsSelectable
    assert [g.edge_id for g in scene.items() if isinstance(g, GhostFlow)] == ["f4"]
    assert "tt" not in scene.nodes  # a ghost is not a map item


def test_comparison_follows_edits_and_clears(window, files, qtbot):
    f = feature(window)
    f.compare_with(files[0])
    window.editor.rename("ward", "Acute ward (adults)")
    qtbot.waitUntil(lambda: ("changed", "nodes", "ward") in f.listed())
    assert [o.state for o in marks_on(window.scene.nodes["ward"])] == ["changed"]
    f.clear_action.trigger()
    assert not f.dock.isVisible() and not f.clear_action.isEnabled()
    assert marks_on(window.scene.nodes["ward"]) == []
    assert not any(isinstance(i, (GhostNode, GhostFlow)) for i in window.scene.items())


def test_row_selects_the_item(window, files):
    f = feature(window)
    f.compare_with(files[0])
    group = f.tree.topLevelItem(0)
    f.tree.setCurrentItem(group.child(0))
    assert window.selection.ids == ["liaison"]
    f.tree.setCurrentItem(f.tree.topLevelItem(2).child(2))
    assert window.docks["pathways"].widget().current_pathway == "p1"


def test_identical_maps_say_so(window, files):
    f = feature(window)
    f.compare_with(files[1])
    assert f.listed() == []
    assert "No differences" in f.header.text()


def test_opening_another_map_clears_the_comparison(window, files):
    f = feature(window)
    f.compare_with(files[0])
    window.files.close_map()
    assert f.result is None and not f.dock.isVisible()


def test_compare_with_a_bad_file_says_so(window, tmp_path):
    bad = tmp_path / "bad.smap"
    bad.write_text("nope")
    messages = []
    window.files.tell_error = messages.append
    assert not feature(window).compare_with(bad)
    assert messages and "bad.smap" in messages[0]


def test_comparison_exports_like_a_map(window, files, tmp_path):
    f = feature(window)
    f.compare_with(files[0])
    png = f.export(tmp_path / "comparison.png")
    assert png is not None and png.read_bytes().startswith(b"\x89PNG")
    svg = f.export(tmp_path / "comparison.svg")
    text = svg.read_text(encoding="utf-8")
    assert "Compared with old.smap" in text and "Changes from old.smap" in text
    # the window's own canvas is untouched by the export
    assert len([i for i in window.scene.items() if isinstance(i, GhostNode)]) == 1


def test_compare_in_review_mode(qtbot, new_window, files):
    w = new_window()
    assert w.host.feature(ReviewFeature).open_for_review(files[1])
    f = feature(w)
    assert f.compare_action.isEnabled()
    assert f.compare_with(files[0])
    assert f.listed() == KNOWN
    clear = f.dock.widget().findChild(QPushButton, "comparison_clear")
    assert clear.isEnabled()  # not an edit: review mode keeps it
    qtbot.mouseClick(clear, Qt.LeftButton)
    assert f.result is None
    w.files.ask_unsaved = lambda: "discard"
    w.close()
