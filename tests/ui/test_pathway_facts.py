"""A pathway's source, as-of date and verified tick, edited in the Pathways dock as a person
would: typed into the fields under the list, one undo step each, a bad date refused."""

import pytest
from PySide6.QtCore import Qt

from servicemap.ui.panels.pathways import PathwaysPanel


@pytest.fixture
def doc(doc):
    doc.add_pathway("Crisis route", ["gp", "crisis", "done"], "GP to crisis team", "route")
    doc.add_pathway("Self help", [], "", "self")
    return doc


@pytest.fixture
def panel(qtbot, doc, editor, selection):
    widget = PathwaysPanel(doc, editor, selection)
    qtbot.addWidget(widget)
    widget.resize(320, 600)
    widget.show()
    return widget


def choose(qtbot, panel, row):
    rect = panel.list.visualItemRect(panel.list.item(row))
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def type_into(qtbot, field, text):
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_nothing_chosen_means_no_fields_to_edit(panel):
    assert not panel.facts.source.isEnabled() and not panel.facts.verified.isEnabled()


def test_source_date_and_verified_are_each_one_undo_step(qtbot, panel, doc, editor):
    choose(qtbot, panel, 0)
    facts = panel.facts
    depth = editor.stack.count()
    type_into(qtbot, facts.source, "KMPT crisis pathway leaflet")
    type_into(qtbot, facts.as_of, "2024-04-01")
    qtbot.mouseClick(facts.verified, Qt.MouseButton.LeftButton)
    p = doc.pathways["route"]
    assert (p.source, p.as_of, p.verified) == ("KMPT crisis pathway leaflet", "2024-04-01", True)
    assert editor.stack.count() == depth + 3
    qtbot.waitUntil(lambda: "Source: KMPT crisis pathway leaflet, as of 2024-04-01 (verified)"
                    in panel.list.item(0).toolTip())
    editor.stack.undo()
    assert doc.pathways["route"].verified is False
    qtbot.waitUntil(lambda: not facts.verified.isChecked())
    editor.stack.undo()
    assert doc.pathways["route"].as_of is None
    qtbot.waitUntil(lambda: facts.as_of.text() == "")
    editor.stack.undo()
    assert doc.pathways["route"].source is None
    choose(qtbot, panel, 1)  # the other pathway shows its own (empty) facts
    assert facts.source.text() == "" and facts.source.isEnabled()


def test_a_bad_date_is_refused_in_one_sentence_and_the_text_stays(qtbot, panel, doc, editor):
    choose(qtbot, panel, 0)
    depth = editor.stack.count()
    type_into(qtbot, panel.facts.as_of, "1 April 2024")
    assert doc.pathways["route"].as_of is None
    assert editor.stack.count() == depth
    assert panel.error.isVisible()
    assert panel.error.text() == ('⚠ pathway "Crisis route": as of must be a date written '
                                  "YYYY-MM-DD, such as 2025-03-31 (got '1 April 2024')")
    assert panel.facts.as_of.text() == "1 April 2024"  # nothing typed is lost
    type_into(qtbot, panel.facts.as_of, "2024-04-01")
    assert doc.pathways["route"].as_of == "2024-04-01" and not panel.error.isVisible()
