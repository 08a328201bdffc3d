"""The Inspector's provenance rows: source, as of and verified for every kind of item, typed and
ticked as a person would, each one undo step through the Editor; a bad date refused beside it."""

import pytest
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit

from servicemap.ui.panels.inspector import InspectorPanel
from tests.ui.test_inspector import click_box, error, field, type_into


@pytest.fixture
def panel(qtbot, doc, editor, selection):
    widget = InspectorPanel(doc, editor, selection)
    qtbot.addWidget(widget)
    widget.resize(360, 900)
    widget.show()
    return widget


@pytest.mark.parametrize("item, source", [("crisis", "source"), ("gp", "source"),
                                          ("org", "source"), ("east", "source"),
                                          ("dir", "source"), ("done", "source"),
                                          ("gp-crisis", "source_ref"),
                                          ("crisis-dir", "source_ref"),
                                          ("crisis-east", "source_ref")])
def test_every_item_shows_its_provenance_last(panel, doc, selection, item, source):
    selection.set([item])
    assert panel.target[1] == item
    for name in (source, "as_of"):
        assert isinstance(field(panel, name), QLineEdit)
    assert isinstance(field(panel, "verified", QCheckBox), QCheckBox)
    assert field(panel, "as_of").placeholderText() == "YYYY-MM-DD"
    heading = panel.findChild(QLabel, "inspector_facts_heading")
    assert heading is not None and heading.text() == "Where the facts come from"
    # below every other field of the item
    tops = {name: panel.field_editor(name).mapTo(panel, panel.field_editor(name).rect()
                                                 .topLeft()).y()
            for name in panel._rows}
    others = [y for name, y in tops.items() if name not in (source, "as_of", "verified")]
    assert max(others) < tops[source] < tops["as_of"] < tops["verified"]


def test_typing_provenance_is_one_undo_step_each(qtbot, panel, doc, editor, selection):
    selection.set(["crisis"])
    type_into(qtbot, field(panel, "source"), "https://www.kmpt.nhs.uk/our-services/")
    type_into(qtbot, field(panel, "as_of"), "2025-07-01")
    click_box(qtbot, field(panel, "verified", QCheckBox))
    assert field(panel, "source").toolTip() == "https://www.kmpt.nhs.uk/our-services/"
    node = doc.node("crisis")
    assert (node["source"], node["as_of"], node["verified"]) == (
        "https://www.kmpt.nhs.uk/our-services/", "2025-07-01", True)
    assert editor.stack.count() == 3
    editor.stack.undo()
    assert doc.node("crisis")["verified"] is False
    assert not field(panel, "verified", QCheckBox).isChecked()
    editor.stack.undo()
    assert doc.node("crisis")["as_of"] is None and field(panel, "as_of").text() == ""
    editor.stack.redo()
    assert field(panel, "as_of").text() == "2025-07-01"


def test_a_flow_s_source_is_its_own(qtbot, panel, doc, editor, selection):
    selection.set(["gp-crisis"])
    type_into(qtbot, field(panel, "source_ref"), "Team estimate, 2024")
    assert doc.edge("gp-crisis")["source_ref"] == "Team estimate, 2024"
    assert doc.edge_ends("gp-crisis") == ("gp", "crisis")  # the ends are untouched


def test_a_bad_date_is_refused_beside_the_field(qtbot, panel, doc, editor, selection):
    selection.set(["crisis"])
    type_into(qtbot, field(panel, "as_of"), "31/03/2025")
    label = error(panel, "as_of")
    assert label.isVisible()
    assert "must be a date written YYYY-MM-DD" in label.text()
    assert doc.node("crisis")["as_of"] is None and editor.stack.count() == 0
    assert field(panel, "as_of").text() == ""
    type_into(qtbot, field(panel, "as_of"), "2025-03-31")
    assert not label.isVisible() and doc.node("crisis")["as_of"] == "2025-03-31"
