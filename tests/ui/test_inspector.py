"""The Inspector dock: fields of the selection, edits through the editor, refusals beside fields."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QStyle,
    QStyleOptionButton,
)

from servicemap.model import node_fields
from servicemap.ui.panels.inspector import InspectorPanel


@pytest.fixture
def panel(qtbot, doc, editor, selection):
    widget = InspectorPanel(doc, editor, selection)
    qtbot.addWidget(widget)
    widget.resize(360, 700)
    widget.show()
    return widget


def field(panel, name, cls=None):
    widget = panel.findChild(cls or QLineEdit, f"field_{name}")
    assert widget is not None, name
    return widget


def error(panel, name):
    return panel.findChild(QLabel, f"error_{name}")


def type_into(qtbot, line_edit, text):
    """Select all, type, press Enter, as a person would."""
    line_edit.setFocus()
    line_edit.selectAll()
    if text:
        qtbot.keyClicks(line_edit, text)
    else:
        qtbot.keyClick(line_edit, Qt.Key.Key_Delete)
    qtbot.keyClick(line_edit, Qt.Key.Key_Return)


def click_box(qtbot, box):
    """Click a check box on its indicator, where a person would."""
    option = QStyleOptionButton()
    box.initStyleOption(option)
    rect = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=rect.center())


def test_shows_selected_service(panel, selection):
    selection.set(["crisis"])
    assert panel.target == ("node", "crisis")
    assert panel.findChild(QLabel, "inspector_heading").text() == "Service"
    assert panel.findChild(QLineEdit, "inspector_id").text() == "crisis"  # in the fold
    assert field(panel, "name").text() == "Crisis team"
    assert field(panel, "capacity").text() == "40"
    assert field(panel, "wait_target_days").text() == ""  # unknown, not 0
    assert field(panel, "category", QComboBox).currentText() == "crisis"
    assert field(panel, "age_group", QComboBox).currentText() == "(unknown)"
    assert isinstance(field(panel, "pinned", QCheckBox), QCheckBox)
    assert isinstance(field(panel, "notes", QPlainTextEdit), QPlainTextEdit)
    shown = [f.name for f in node_fields("service") if f.name not in ("x", "y")]
    for name in shown:
        assert panel.field_editor(name) is not None, name
    assert panel.field_editor("x") is None


def test_valid_capacity_is_one_undo_step(qtbot, panel, doc, editor, selection):
    selection.set(["crisis"])
    type_into(qtbot, field(panel, "capacity"), "1,250")
    assert doc.node("crisis")["capacity"] == 1250
    assert editor.stack.count() == 1
    assert field(panel, "capacity").text() == "1,250"
    editor.stack.undo()
    assert doc.node("crisis")["capacity"] == 40
    assert field(panel, "capacity").text() == "40"  # refreshed after undo


def test_empty_number_means_unknown(qtbot, panel, doc, selection):
    selection.set(["crisis"])
    type_into(qtbot, field(panel, "capacity"), "")
    assert doc.node("crisis")["capacity"] is None


@pytest.mark.parametrize("item, name, text, message, good", [
    ("gp-crisis", "volume_per_year", "-5", "at least 0", "12"),
    ("crisis", "pct_within_target", "140", "at most 100", "80"),
    ("crisis", "name", "   ", "name must not be empty", "Renamed"),
    ("crisis", "capacity", "abc", "capacity must be a number", "12"),
])
def test_refused_values_show_beside_field(qtbot, panel, doc, editor, selection,
                                          item, name, text, message, good):
    selection.set([item])
    read = doc.edge if doc.has_edge(item) else doc.node
    before = dict(read(item))
    widget = field(panel, name)
    shown = widget.text()
    type_into(qtbot, widget, text)
    label = error(panel, name)
    assert message in label.text().lower()
    assert label.isVisible()
    assert widget.text() == shown        # back to the document's value
    assert dict(read(item)) == before    # nothing changed
    assert editor.stack.count() == 0     # nothing pushed
    # the next successful edit clears the message
    type_into(qtbot, widget, good)
    assert not label.isVisible()
    assert editor.stack.count() == 1


def test_choice_and_checkbox_edits(qtbot, panel, doc, editor, selection):
    selection.set(["crisis"])
    combo = field(panel, "age_group", QComboBox)
    combo.setCurrentIndex(combo.findText("older adults"))
    assert doc.node("crisis")["age_group"] == "older_adults"
    click_box(qtbot, field(panel, "pinned", QCheckBox))
    assert doc.node("crisis")["pinned"] is True
    assert editor.stack.count() == 2
    editor.stack.undo()
    editor.stack.undo()
    assert combo.currentText() == "(unknown)"
    assert not field(panel, "pinned", QCheckBox).isChecked()


def test_category_is_free_text_with_suggestions(qtbot, panel, doc, selection):
    selection.set(["orphan"])
    combo = field(panel, "category", QComboBox)
    assert combo.isEditable() and combo.findText("perinatal") >= 0
    type_into(qtbot, combo.lineEdit(), "peer support")
    assert doc.node("orphan")["category"] == "peer support"


def test_notes_commit_on_focus_out(qtbot, panel, doc, selection):
    selection.set(["crisis"])
    notes = field(panel, "notes", QPlainTextEdit)
    notes.setFocus()
    qtbot.keyClicks(notes, "Open 24/7")
    assert doc.node("crisis")["notes"] == ""
    field(panel, "name").setFocus()
    qtbot.waitUntil(lambda: doc.node("crisis")["notes"] == "Open 24/7")


def test_flow_shows_ends_and_flow_type(panel, selection):
    selection.set(["gp-crisis"])
    assert panel.findChild(QLabel, "inspector_heading").text() == "Flow"
    assert panel.findChild(QLabel, "inspector_from").text() == "GP practice"
    assert panel.findChild(QLabel, "inspector_to").text() == "Crisis team"
    assert field(panel, "flow_type", QComboBox).currentText() == "referral"
    assert field(panel, "volume_per_year").text() == "300"


def test_map_fields_when_nothing_selected(qtbot, panel, doc, editor):
    assert panel.target == ("map", None)
    assert panel.findChild(QLabel, "inspector_heading").text() == "Map"
    type_into(qtbot, field(panel, "title"), "Kent crisis map")
    assert doc.graph.graph["title"] == "Kent crisis map"
    marking = field(panel, "marking", QComboBox)
    assert marking.currentText() == "OFFICIAL"
    assert field(panel, "created").isReadOnly()
    editor.stack.undo()
    assert field(panel, "title").text() == "Untitled map"


def test_several_selected_and_removal(panel, editor, selection):
    selection.set(["crisis", "gp"])
    assert panel.findChild(QLabel, "inspector_summary").text() == "2 items selected"
    selection.set(["orphan"])
    assert panel.target == ("node", "orphan")
    editor.delete(["orphan"])
    assert panel.target == ("map", None)
    editor.stack.undo()
    assert panel.target == ("node", "orphan")


def test_pending_text_committed_when_selection_changes(qtbot, panel, doc, selection):
    selection.set(["crisis"])
    line = field(panel, "location")
    line.setFocus()
    qtbot.keyClicks(line, "Canterbury")
    selection.set(["orphan"])
    assert doc.node("crisis")["location"] == "Canterbury"
    assert doc.node("orphan")["location"] is None
