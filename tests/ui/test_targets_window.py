"""Map > Targets… and the Analysis dock's Targets table, driven as a person would: open the
dialog from the menu, add a target, type into its cells, choose from its drop-downs, delete
it; each change one undo step; a refused value said in one line."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from servicemap import store
from servicemap.model import Target
from servicemap.ui.features.analysis.feature import AnalysisFeature
from servicemap.ui.features.targets import COLUMNS, TargetsFeature
from tests.maps import analysis_map


@pytest.fixture
def window(open_window, tmp_path):
    doc = analysis_map()
    doc.update_node("crisis", {"pct_within_target": 90})
    doc.update_node("helpline", {"pct_within_target": 60})
    doc.add_node("organisation", "Other trust", "other")
    doc.add_target(Target("t1", "Waits", "org", "patients_within_wait_target", 87,
                          "2027-03-31"))
    path = tmp_path / "targets.smap"
    store.save(doc, path)
    return open_window(path, size=(1400, 900))


def open_targets(window):
    menu = next(a.menu() for a in window.menuBar().actions()
                if a.text().replace("&", "") == "Map")
    action = next(a for a in menu.actions() if a.text().replace("&", "") == "Targets…")
    action.trigger()
    feature = window.host.feature(TargetsFeature)
    return feature.dialog.panel


def type_into_cell(qtbot, panel, row: int, name: str, text: str) -> None:
    table = panel.table
    item = table.item(row, COLUMNS.index(name))
    rect = table.visualItemRect(item)
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=rect.center())  # the cell, then F2
    qtbot.keyClick(table, Qt.Key_F2)
    qtbot.waitUntil(lambda: bool(editors(table)))
    editor = editors(table)[0]
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: not editors(table))  # the table commits the cell after the key


def editors(table) -> list[QLineEdit]:
    """The cell editor a double-click opened (the dialog may not have the focus offscreen)."""
    return [e for e in table.viewport().findChildren(QLineEdit) if e.isVisible()]


def cell(panel, row: int, name: str) -> str:
    return panel.table.item(row, COLUMNS.index(name)).text()


def test_the_dialog_lists_each_target_with_its_result(window, qtbot):
    panel = open_targets(window)
    assert panel.table.rowCount() == 1
    assert cell(panel, 0, "name") == "Waits" and cell(panel, 0, "due") == "2027-03-31"
    # crisis 320 people in at 90%, helpline 200 at 60%: (28800 + 12000) / 520 = 78.5%
    assert cell(panel, 0, "result") == "78.5%: not met (2 of 3 services counted)"


def test_typing_a_threshold_is_one_undo_step_and_undo_puts_it_back(window, qtbot):
    panel = open_targets(window)
    stack = window.editor.stack
    before = stack.count()
    type_into_cell(qtbot, panel, 0, "threshold", "75")
    assert window.session.doc.target("t1").threshold == 75
    assert stack.count() == before + 1
    qtbot.waitUntil(lambda: cell(panel, 0, "result").startswith("78.5%: met"))
    window.actions.action("edit.undo").trigger()
    assert window.session.doc.target("t1").threshold == 87
    qtbot.waitUntil(lambda: cell(panel, 0, "threshold") == "87")


def test_a_refused_value_says_why_and_changes_nothing(window, qtbot):
    panel = open_targets(window)
    before = window.editor.stack.count()
    type_into_cell(qtbot, panel, 0, "threshold", "120")
    assert window.session.doc.target("t1").threshold == 87
    assert window.editor.stack.count() == before
    assert "threshold must be a number from 0 to 100" in panel.error.text()
    assert "(t1)" not in panel.error.text()  # named, not by its id
    type_into_cell(qtbot, panel, 0, "due", "March 2027")
    assert "not a date written YYYY-MM-DD" in panel.error.text()
    qtbot.waitUntil(lambda: cell(panel, 0, "due") == "2027-03-31")


def test_owner_and_measure_drop_downs_wait_and_add_and_delete(window, qtbot):
    panel = open_targets(window)
    doc, stack = window.session.doc, window.editor.stack
    owner = panel.table.cellWidget(0, COLUMNS.index("organisation"))
    owner.setCurrentIndex(owner.findText("Other trust"))
    assert doc.target("t1").organisation == "other"
    qtbot.waitUntil(lambda: cell(panel, 0, "result").startswith("unknown (0 of 0"))
    measure = panel.table.cellWidget(0, COLUMNS.index("measure"))
    measure.setCurrentIndex(measure.findData("dna_gap"))
    assert doc.target("t1").measure == "dna_gap"
    type_into_cell(qtbot, panel, 0, "wait_days", "2 weeks")
    assert doc.target("t1").wait_days == 14
    count = stack.count()
    qtbot.mouseClick(panel.add_button, Qt.LeftButton)
    assert len(doc.targets) == 2 and stack.count() == count + 1
    new_id = panel.ids[1]
    assert doc.target(new_id).name == "New target"
    type_into_cell(qtbot, panel, 1, "name", "EIP within 2 weeks")
    assert doc.target(new_id).name == "EIP within 2 weeks"
    panel.table.setCurrentCell(0, 0)
    qtbot.mouseClick(panel.delete_button, Qt.LeftButton)
    assert list(doc.targets) == [new_id] and stack.count() == count + 3
    window.actions.action("edit.undo").trigger()
    assert list(doc.targets) == ["t1", new_id]
    assert stack.undoText() == "Change target “New target” (name)"


def test_deleting_the_owner_takes_its_target_and_undo_restores_it(window, qtbot):
    panel = open_targets(window)
    doc = window.session.doc
    window.editor.delete(["org"])
    qtbot.waitUntil(lambda: panel.table.rowCount() == 0)
    assert doc.targets == {}
    window.actions.action("edit.undo").trigger()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1)
    assert list(doc.targets) == ["t1"]


def test_analysis_dock_shows_each_targets_result(window, qtbot):
    f = window.host.feature(AnalysisFeature)
    f.show_analysis("targets")
    view = f.panel.current_view()
    model = view.model()
    row = [model.data(model.index(0, c)) for c in range(model.columnCount())]
    assert row == ["Waits", "78.5%", "at least 87% by 2027-03-31", "no", "Trust", "2", "1"]
    assert "1 target in the map: 0 met, 1 not met, 0 unknown" in f.panel.summary.text()
    rect = view.visualRect(model.index(0, 0))
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=rect.center())
    assert window.selection.ids == ["crisis", "ward", "helpline"]  # its scope (not "island")
    window.editor.update_target("t1", {"threshold": 70})
    qtbot.waitUntil(lambda: model.data(model.index(0, 3)) == "yes")


def test_a_map_open_read_only_shows_its_targets_and_changes_nothing(window, qtbot):
    from servicemap.ui.session import Mode

    window.session.set_mode(Mode.READ_ONLY)
    panel = open_targets(window)
    assert panel.table.rowCount() == 1
    assert not panel.add_button.isEnabled() and not panel.delete_button.isEnabled()
    assert not panel.table.cellWidget(0, COLUMNS.index("organisation")).isEnabled()
    table = panel.table
    rect = table.visualItemRect(table.item(0, COLUMNS.index("threshold")))
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=rect.center())
    qtbot.keyClick(table, Qt.Key_F2)
    assert not editors(table)
    assert window.session.doc.target("t1").threshold == 87
