"""Each scenario keeps its undo history for the session: switching to the baseline (or another
scenario) and back through the Scenario box, Edit > Undo undoes the scenario's last edit; the
history goes when the scenario is deleted, and starts again (said on the status bar) when the
baseline has changed the scenario's view meanwhile; the window's unsaved mark stays right."""

from __future__ import annotations

import pytest

from servicemap.ui.features.scenarios import BASELINE_ITEM, ScenariosFeature


@pytest.fixture
def window(open_window, map_file):
    w = open_window(map_file)
    names = iter(["More beds", "Fewer beds"])
    w.host.feature(ScenariosFeature).ask_name = lambda title, current="": next(names)
    return w


def choose(window, text):
    """Pick ``text`` in the Scenario box, as a person would."""
    combo = window.host.feature(ScenariosFeature).box
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    assert combo.currentText() == text


def undo(window):
    action = window.actions.action("edit.undo")
    assert action.isEnabled(), "nothing to undo"
    action.trigger()


def capacity(window):
    return window.doc.node("ward")["capacity"]


def test_undo_after_switching_back_undoes_the_scenarios_last_edit(window):
    views = window.host.scenarios
    window.actions.action("map.scenario.new").trigger()  # "More beds", shown
    window.editor.update_node("ward", {"capacity": 24})
    window.editor.update_node("ward", {"capacity": 30})
    choose(window, BASELINE_ITEM)
    assert capacity(window) is None and window.isWindowModified()
    choose(window, "More beds")
    assert capacity(window) == 30
    assert window.actions.action("edit.undo").text().endswith("capacity")
    undo(window)
    assert capacity(window) == 24
    choose(window, BASELINE_ITEM)  # the undone edit is what the scenario now holds
    (scenario,) = views.baseline.scenarios.values()
    assert [c.fields for c in scenario.changes] == [{"capacity": 24.0}]
    choose(window, "More beds")
    undo(window)
    assert capacity(window) is None
    window.actions.action("edit.redo").trigger()
    assert capacity(window) == 24


def test_two_scenarios_keep_their_own_histories(window):
    window.actions.action("map.scenario.new").trigger()  # "More beds"
    window.editor.update_node("ward", {"capacity": 30})
    choose(window, BASELINE_ITEM)
    window.actions.action("map.scenario.new").trigger()  # "Fewer beds", from the baseline
    window.editor.update_node("ward", {"capacity": 10})
    window.editor.update_node("ward", {"capacity": 8})
    choose(window, "More beds")
    assert capacity(window) == 30
    undo(window)
    assert capacity(window) is None and not window.actions.action("edit.undo").isEnabled()
    choose(window, "Fewer beds")
    assert capacity(window) == 8
    undo(window)
    assert capacity(window) == 10
    choose(window, BASELINE_ITEM)  # the baseline's own history: the two New scenario steps
    assert window.actions.action("edit.undo").text() == "Undo New scenario “Fewer beds”"


def test_the_unsaved_mark_follows_the_kept_histories(window):
    window.actions.action("map.scenario.new").trigger()
    window.editor.update_node("ward", {"capacity": 24})
    window.actions.action("file.save").trigger()  # saved with 24 beds
    window.editor.update_node("ward", {"capacity": 26})
    choose(window, BASELINE_ITEM)
    assert window.isWindowModified()  # the 26 is not saved, though not shown
    choose(window, "More beds")
    undo(window)  # back to what was saved
    assert capacity(window) == 24 and not window.isWindowModified()
    undo(window)
    assert capacity(window) is None and window.isWindowModified()
    window.actions.action("file.save").trigger()
    choose(window, BASELINE_ITEM)
    assert not window.isWindowModified()  # saved, in every kept history


def test_a_deleted_scenarios_history_goes_with_it(window):
    views, session = window.host.scenarios, window.host.session
    window.actions.action("map.scenario.new").trigger()
    scenario = views.active
    window.editor.update_node("ward", {"capacity": 24})
    assert scenario in session.scenario_editors
    window.actions.action("map.scenario.delete").trigger()
    assert views.active is None and scenario not in session.scenario_editors
    undo(window)  # the delete, undone from the baseline: the scenario and its edit are back
    choose(window, "More beds")
    assert capacity(window) == 24
    assert window.editor.stack.count() == 0  # its history went with the delete


def test_a_baseline_edit_meanwhile_starts_the_history_again_and_says_so(window):
    window.actions.action("map.scenario.new").trigger()
    window.editor.update_node("ward", {"capacity": 24})
    choose(window, BASELINE_ITEM)
    window.editor.update_node("tt", {"capacity": 7})  # the baseline changes under the view
    choose(window, "More beds")
    assert capacity(window) == 24 and window.doc.node("tt")["capacity"] == 7
    assert window.editor.stack.count() == 0
    assert "undo history starts again" in window.statusBar().currentMessage()
    window.editor.update_node("ward", {"capacity": 28})
    choose(window, BASELINE_ITEM)
    choose(window, "More beds")  # nothing changed this time: the history is kept
    undo(window)
    assert capacity(window) == 24


def test_closing_the_window_clears_every_kept_history(window):
    window.actions.action("map.scenario.new").trigger()
    window.editor.update_node("ward", {"capacity": 24})
    choose(window, BASELINE_ITEM)
    kept = list(window.host.session.scenario_editors.values())
    assert kept and kept[0].stack.count() == 1
    window.close()  # cleared while every command is alive, not left to the collector
    assert all(editor.stack.count() == 0 for editor in kept)
