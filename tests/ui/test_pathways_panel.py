"""The Pathways dock: listing, choosing, steps with missing-flow warnings, new/rename/delete."""

import pytest
from PySide6.QtCore import Qt

from servicemap.ui.panels.pathways import NO_FLOW, PathwaysPanel


@pytest.fixture
def doc(doc):
    doc.add_pathway("Crisis route", ["gp", "crisis", "done"], "GP to crisis team", "route")
    doc.add_pathway("Self help", [], "", "self")
    return doc


@pytest.fixture
def panel(qtbot, doc, editor, selection):
    widget = PathwaysPanel(doc, editor, selection)
    qtbot.addWidget(widget)
    widget.resize(320, 500)
    widget.show()
    return widget


def names(panel):
    return [panel.list.item(r).text() for r in range(panel.list.count())]


def steps(panel):
    return [panel.steps.item(r).text() for r in range(panel.steps.count())]


def click_row(qtbot, panel, row):
    rect = panel.list.visualItemRect(panel.list.item(row))
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_lists_pathways_with_tooltips(panel):
    assert names(panel) == ["Crisis route", "Self help"]
    tip = panel.list.item(0).toolTip()
    assert "GP to crisis team" in tip and "GP practice → Crisis team → Recovered" in tip
    assert not panel.delete_button.isEnabled()


def test_selecting_emits_id_and_shows_numbered_steps(qtbot, panel):
    with qtbot.waitSignal(panel.pathway_selected) as blocker:
        click_row(qtbot, panel, 0)
    assert blocker.args == ["route"]
    assert panel.current_pathway == "route"
    assert steps(panel) == ["1. GP practice", f"2. Crisis team  {NO_FLOW}", "3. Recovered"]
    with qtbot.waitSignal(panel.pathway_selected) as blocker:
        panel.list.clearSelection()
    assert blocker.args == [None]
    assert steps(panel) == []


def test_warning_goes_when_flow_added(qtbot, panel, doc, editor):
    click_row(qtbot, panel, 0)
    editor.add_flow("crisis", "done", "discharge")
    qtbot.waitUntil(lambda: NO_FLOW not in "".join(steps(panel)))
    editor.stack.undo()
    qtbot.waitUntil(lambda: NO_FLOW in steps(panel)[1])


def test_follows_pathway_events_and_step_renames(qtbot, panel, doc, editor):
    click_row(qtbot, panel, 0)
    editor.rename("gp", "Family doctor")
    qtbot.waitUntil(lambda: steps(panel)[0] == "1. Family doctor")
    editor.update_pathway("self", name="Self-help route")
    qtbot.waitUntil(lambda: names(panel) == ["Crisis route", "Self-help route"])
    assert panel.current_pathway == "route"  # still chosen after the list was rebuilt


def test_delete_is_undoable(qtbot, panel, doc, editor):
    click_row(qtbot, panel, 0)
    with qtbot.waitSignal(panel.pathway_selected) as blocker:
        qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [None]
    assert "route" not in doc.pathways and names(panel) == ["Self help"]
    editor.stack.undo()
    qtbot.waitUntil(lambda: names(panel) == ["Crisis route", "Self help"])
    assert doc.pathways["route"].steps == ["gp", "crisis", "done"]


def test_new_from_selection_in_selection_order(qtbot, panel, doc, editor, selection,
                                               monkeypatch):
    monkeypatch.setattr(panel, "ask_name", lambda title, text: "Discharge route")
    selection.set(["crisis", "org", "gp-crisis", "done"])  # organisation and flow are skipped
    with qtbot.waitSignal(panel.pathway_selected):
        qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    new = panel.current_pathway
    assert doc.pathways[new].name == "Discharge route"
    assert doc.pathways[new].steps == ["crisis", "done"]
    assert steps(panel) == [f"1. Crisis team  {NO_FLOW}", "2. Recovered"]
    with qtbot.waitSignal(panel.pathway_selected) as blocker:
        editor.stack.undo()
    assert blocker.args == [None]
    assert new not in doc.pathways and panel.current_pathway is None


def test_new_empty_pathway_and_cancel(qtbot, panel, doc, selection, monkeypatch):
    answers = iter([None, "Sketch"])
    monkeypatch.setattr(panel, "ask_name", lambda title, text: next(answers))
    qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)  # cancelled
    assert len(doc.pathways) == 2
    qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    assert doc.pathways[panel.current_pathway].steps == []
    assert steps(panel) == ["(no steps yet)"]


def test_rename_and_refused_name(qtbot, panel, doc, editor, monkeypatch):
    click_row(qtbot, panel, 1)
    monkeypatch.setattr(panel, "ask_name", lambda title, text: "Peer support")
    qtbot.mouseClick(panel.rename_button, Qt.MouseButton.LeftButton)
    assert doc.pathways["self"].name == "Peer support"
    monkeypatch.setattr(panel, "ask_name", lambda title, text: "  ")
    qtbot.mouseClick(panel.rename_button, Qt.MouseButton.LeftButton)
    assert doc.pathways["self"].name == "Peer support"
    assert "must not be empty" in panel.error.text() and panel.error.isVisible()
    assert editor.stack.count() == 1
