"""Scenarios in the window (issue #17), driven through the real actions: Map > New scenario…,
the Scenario box, edits in the Inspector and on the canvas going into the scenario and never
into the baseline, rename, duplicate and delete each one undo step, and the title and the bar
over the canvas saying which scenario is shown."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import QPointF

from servicemap import store
from servicemap.io import exchange
from servicemap.ui.features.scenarios import BASELINE_ITEM, ScenariosFeature
from tests.ui.test_inspector import field, type_into

BASELINE_TABLES = ("meta", "nodes", "edges", "pathways", "pathway_steps", "comments", "notes",
                   "targets")


def baseline_rows(path) -> dict[str, list]:
    """Every row of the tables that hold the baseline (not the scenarios)."""
    conn = sqlite3.connect(path)
    try:
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
                for t in BASELINE_TABLES if t != "meta"} | {
            "meta": sorted(r for r in conn.execute("SELECT * FROM meta")
                           if r[0] != "modified")}
    finally:
        conn.close()


@pytest.fixture
def window(open_window, map_file):
    w = open_window(map_file)
    feature = w.host.feature(ScenariosFeature)
    names = iter(["More beds", "Copy", "Bigger ward"])
    feature.ask_name = lambda title, current="": next(names)
    return w


def box(window):
    return window.host.feature(ScenariosFeature).box


def choose(window, text):
    combo = box(window)
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def test_edits_in_a_scenario_never_reach_the_baseline(qtbot, window, map_file):
    window.actions.action("file.save").trigger()  # saved once by the window (its created)
    before = baseline_rows(map_file)
    window.actions.action("map.scenario.new").trigger()
    views = window.host.scenarios
    assert views.active is not None and window.doc is not views.baseline
    assert box(window).currentText() == "More beds"
    assert "scenario “More beds”" in window.windowTitle()
    assert window.mode_bar.isVisible() and "More beds" in window.mode_bar.text.text()
    assert not window.mode_bar.copy_button.isVisible()
    # The Inspector: the ward gets 20 more beds, in the scenario only.
    window.host.show_item("ward")
    inspector = window.docks["inspector"].widget()
    type_into(qtbot, field(inspector, "capacity"), "20")
    assert window.doc.node("ward")["capacity"] == 20
    assert views.baseline.node("ward")["capacity"] is None
    # The canvas: a move and a new service, and a delete.
    window.editor.move({"tt": (300.0, 300.0)}, {"tt": (320.0, 340.0)})
    new_id = window.add_node("service", QPointF(1200, 0))
    window.selection.set(["f4"])
    window.actions.action("edit.delete").trigger()
    assert not window.doc.has_edge("f4") and views.baseline.has_edge("f4")
    assert window.isWindowModified()
    window.actions.action("file.save").trigger()
    assert not window.isWindowModified()
    assert baseline_rows(map_file) == before  # the baseline's rows, unchanged
    saved = store.load(map_file)
    (scenario,) = saved.scenarios.values()
    assert scenario.name == "More beds"
    kinds = sorted((c.op, c.item, c.id) for c in scenario.changes)
    assert kinds == sorted([("set", "node", "ward"), ("set", "node", "tt"),
                            ("add", "node", new_id), ("remove", "edge", "f4")])
    # Undo works in the scenario, and choosing the baseline shows the map as it is.
    window.editor.stack.undo()  # the delete
    assert window.doc.has_edge("f4")
    choose(window, BASELINE_ITEM)
    assert window.doc is views.baseline and views.active is None
    assert window.doc.node("ward")["capacity"] is None
    assert "scenario" not in window.windowTitle() and not window.mode_bar.isVisible()
    assert window.isWindowModified()  # the undone delete is not saved yet
    window.actions.action("file.save").trigger()
    assert baseline_rows(map_file) == before
    assert len(store.load(map_file).scenarios["" + scenario.id].changes) == 3


def test_new_rename_duplicate_and_delete_are_one_undo_step_each(window):
    views = window.host.scenarios
    window.actions.action("map.scenario.new").trigger()
    first = views.active
    window.editor.update_node("ward", {"capacity": 30})
    window.actions.action("map.scenario.duplicate").trigger()  # "Copy", with the change
    copy = views.active
    assert copy != first and window.doc.node("ward")["capacity"] == 30
    window.actions.action("map.scenario.rename").trigger()  # "Bigger ward"
    assert views.baseline.scenario(copy).name == "Bigger ward"
    assert box(window).currentText() == "Bigger ward"
    assert "“Bigger ward”" in window.windowTitle()
    window.editor.stack.undo()
    assert views.baseline.scenario(copy).name == "Copy"
    window.editor.stack.redo()
    window.actions.action("map.scenario.delete").trigger()
    assert views.active is None and copy not in views.baseline.scenarios
    assert [box(window).itemText(i) for i in range(box(window).count())] == [
        BASELINE_ITEM, "More beds"]
    window.editor.stack.undo()  # the delete, undone from the baseline
    assert views.baseline.scenario(copy).name == "Bigger ward"
    assert [c.fields for c in views.baseline.scenario(copy).changes] == [{"capacity": 30.0}]
    window.editor.stack.undo()  # New scenario "More beds", made from the baseline
    assert first not in views.baseline.scenarios


def test_a_scenario_refuses_what_belongs_to_the_baseline(window):
    window.actions.action("map.scenario.new").trigger()
    before = len(window.doc.notes)
    assert window.editor.add_note((0.0, 0.0), "A note") is None
    assert "belong to the baseline" in window.statusBar().currentMessage()
    assert "belong to the baseline" in window.editor.update_map({"title": "Renamed"})
    assert "belong to the baseline" in window.editor.remove_pathway("p1")
    assert len(window.doc.notes) == before and window.editor.stack.count() == 0
    assert "belong to the baseline" in window.statusBar().currentMessage()


def test_changes_in_this_scenario_lists_them_in_words(qtbot, window):
    window.actions.action("map.scenario.new").trigger()
    window.editor.update_node("ward", {"capacity": 24})
    window.editor.update_edge("f2", {"volume_per_year": 60})
    window.actions.action("map.scenario.changes").trigger()
    lines = window.host.feature(ScenariosFeature).change_lines()
    assert lines == ["Changed service “Acute ward”: capacity unknown → 24",
                     "Changed flow Crisis team → Acute ward: volume per year 40 → 60"]


def test_a_json_export_of_the_map_keeps_its_scenarios(window, tmp_path):
    window.actions.action("map.scenario.new").trigger()
    window.editor.update_node("ward", {"capacity": 24})
    data = exchange.to_node_link(window.host.scenarios.map_document())
    assert data["graph"]["scenarios"][0]["changes"] == [
        {"op": "set", "item": "node", "id": "ward", "fields": {"capacity": 24.0}}]
    assert [n for n in data["nodes"] if n["id"] == "ward"][0]["capacity"] is None


def test_opening_another_map_while_a_scenario_is_shown_starts_at_its_baseline(
        window, map_file, tmp_path):
    window.actions.action("map.scenario.new").trigger()
    window.editor.update_node("ward", {"capacity": 24})
    other = tmp_path / "other.smap"
    store.save(store.load(map_file), other)
    assert window.files.open_path(other, ask_save=False)
    views = window.host.scenarios
    assert views.active is None and window.doc is views.baseline
    assert window.doc.scenarios == {} and box(window).count() == 1
    assert not window.isWindowModified() and "scenario" not in window.windowTitle()
    window.editor.update_node("ward", {"capacity": 5})  # the new map's own editor works
    window.editor.stack.undo()
    assert window.doc.node("ward")["capacity"] is None


def test_unsaved_scenario_edits_keep_the_map_marked_after_switching(window):
    window.actions.action("map.scenario.new").trigger()
    window.actions.action("file.save").trigger()
    assert not window.isWindowModified()
    window.editor.update_node("ward", {"capacity": 24})
    choose(window, BASELINE_ITEM)
    assert window.isWindowModified()  # the scenario's edit is not saved, though not shown
    choose(window, "More beds")
    assert window.doc.node("ward")["capacity"] == 24  # shown again from its records
