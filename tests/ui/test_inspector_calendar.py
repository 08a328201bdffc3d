"""The Inspector's calendar fields as a person uses them: the text typed (a bad one says why
beside it), **Edit calendar…** opening the table, rows typed, added and removed, OK writing the
canonical text in one undo step, Cancel changing nothing; the queueing lines and the canvas's
tooltip saying the places follow a calendar."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QPushButton

from servicemap.ui.panels.calendar_dialog import CalendarDialog
from servicemap.ui.panels.inspector import InspectorPanel
from tests.ui.test_inspector import error, field, type_into


@pytest.fixture
def panel(qtbot, doc, editor, selection):
    widget = InspectorPanel(doc, editor, selection)
    qtbot.addWidget(widget)
    widget.resize(420, 1400)
    widget.show()
    return widget


def open_table(qtbot, panel, name="capacity_calendar") -> CalendarDialog:
    qtbot.mouseClick(panel.findChild(QPushButton, f"edit_{name}"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.findChild(CalendarDialog) is not None
                    and panel.findChild(CalendarDialog).isVisible())
    return panel.findChild(CalendarDialog)


def type_cell(qtbot, dialog: CalendarDialog, row: int, column: int, text: str) -> None:
    """Double-click the cell, type over it and press Enter, as a person would."""
    table = dialog.table
    table.setCurrentCell(row, column)
    table.editItem(table.item(row, column))
    editor = table.indexWidget(table.currentIndex())  # the cell's editor, open
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def press(qtbot, dialog: CalendarDialog, which) -> None:
    qtbot.mouseClick(dialog.box.button(which), Qt.MouseButton.LeftButton)


def test_the_table_writes_the_canonical_text_in_one_undo_step(qtbot, panel, doc, editor,
                                                              selection):
    selection.set(["crisis"])
    steps = editor.stack.count()
    dialog = open_table(qtbot, panel)
    assert dialog.table.rowCount() == 1  # an empty calendar: one row to fill
    for column, text in ((1, "mon-fri"), (2, "08:00"), (3, "20:00"), (4, "12")):
        type_cell(qtbot, dialog, 0, column, text)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    type_cell(qtbot, dialog, 1, 1, "Sat,Sun")
    type_cell(qtbot, dialog, 1, 4, "4")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    type_cell(qtbot, dialog, 2, 4, "99")
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)  # the row just added
    press(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    text = "Mon-Fri 08:00-20:00 12; Sat,Sun 4"
    assert doc.node("crisis")["capacity_calendar"] == text
    assert field(panel, "capacity_calendar").text() == text
    assert field(panel, "capacity_calendar").toolTip().startswith(
        "12 places on weekdays 08:00-20:00, 4 places at weekends\n")
    assert editor.stack.count() == steps + 1
    editor.stack.undo()
    assert doc.node("crisis")["capacity_calendar"] is None
    assert field(panel, "capacity_calendar").text() == ""


def test_the_table_shows_the_calendar_and_cancel_changes_nothing(qtbot, panel, doc, editor,
                                                                 selection):
    editor.update_node("crisis", {"capacity_calendar": "from 2027-04-01 Fri 22:00-06:00 3; 2"})
    selection.set(["crisis"])
    steps = editor.stack.count()
    dialog = open_table(qtbot, panel)
    assert dialog.rows() == [("2027-04-01", "Fri", "22:00", "06:00", "3"),
                             ("", "", "", "", "2")]
    type_cell(qtbot, dialog, 1, 4, "7")
    press(qtbot, dialog, QDialogButtonBox.StandardButton.Cancel)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert doc.node("crisis")["capacity_calendar"] == "from 2027-04-01 Fri 22:00-06:00 3; 2"
    assert editor.stack.count() == steps


def test_a_row_that_cannot_be_read_says_so_and_the_table_stays_open(qtbot, panel, doc,
                                                                    selection):
    selection.set(["gp"])
    dialog = open_table(qtbot, panel, "arrivals_calendar")
    type_cell(qtbot, dialog, 0, 1, "Mon-Fry")
    type_cell(qtbot, dialog, 0, 4, "5000")
    press(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    assert dialog.isVisible() and dialog.error.isVisible()
    assert dialog.error.text() == '⚠ Row 1: "Fry" is not a day; use Mon, Tue, Wed, Thu, Fri, ' \
                                  "Sat or Sun"
    type_cell(qtbot, dialog, 0, 1, "Mon-Fri")
    type_cell(qtbot, dialog, 0, 2, "09:00")  # no end: to midnight
    press(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert doc.node("gp")["arrivals_calendar"] == "Mon-Fri 09:00-24:00 5000"


def test_typed_text_is_checked_and_a_bad_one_says_why_beside_the_field(qtbot, panel, doc,
                                                                       selection):
    selection.set(["crisis"])
    line = field(panel, "capacity_calendar")
    type_into(qtbot, line, "Mon-Fri 12; Sat 4:00-9 2")
    assert error(panel, "capacity_calendar").isVisible()
    assert error(panel, "capacity_calendar").text().startswith(
        '⚠ Capacity calendar cannot be read: entry 2 ("Sat 4:00-9 2"): ')
    assert doc.node("crisis")["capacity_calendar"] is None
    type_into(qtbot, line, "Mon-Fri 12; Sat,Sun 4")
    assert doc.node("crisis")["capacity_calendar"] == "Mon-Fri 12; Sat,Sun 4"
    assert not error(panel, "capacity_calendar").isVisible()


def test_the_queueing_lines_use_the_calendars_mean(qtbot, panel, doc, editor, selection):
    editor.update_node("crisis", {"capacity": 8, "capacity_unit": "places",
                                  "length_of_stay_days": 1})
    editor.update_node("gp", {"arrivals_per_year": 1460})
    editor.update_edge("gp-crisis", {"share_pct": 100})
    selection.set(["crisis"])
    qtbot.waitUntil(lambda: "Queueing model: M/M/c" in panel.queueing.text())
    assert "calendar" not in panel.queueing.text()
    # weekdays 12 from 08:00 to 20:00 (8 otherwise), weekends 4: (5 x 10 + 2 x 4) / 7
    type_into(qtbot, field(panel, "capacity_calendar"), "Mon-Fri 08:00-20:00 12; Sat,Sun 4")
    qtbot.waitUntil(lambda: "with the calendar's mean of 8.3 places" in panel.queueing.text())
    assert "Places held (mean): 4.0 of 8" in panel.queueing.text()
    type_into(qtbot, field(panel, "capacity_calendar"), "Mon-Sun 2")  # 4 a day, 2 places
    qtbot.waitUntil(lambda: "grows without end" in panel.queueing.text())
    selection.set(["gp"])
    type_into(qtbot, field(panel, "arrivals_calendar"), "Sat,Sun 0")  # 5/7 of 1,460
    qtbot.waitUntil(lambda: "Arrivals: the calendar's mean of 1,043 a year" in
                    panel.queueing.text())


def test_hovering_a_service_whose_places_follow_a_calendar_says_so(open_window, tmp_path):
    from servicemap import store
    from tests.maps import small_map

    doc = small_map()
    doc.update_node("ward", {"capacity": 18, "capacity_unit": "beds",
                             "capacity_calendar": "Mon-Fri 08:00-20:00 12; Sat,Sun 4"})
    doc.update_node("gp", {"arrivals_calendar": "Sat,Sun 0"})
    store.save(doc, tmp_path / "timed.smap")
    window = open_window(tmp_path / "timed.smap")
    tip = window.scene.tooltip("ward").splitlines()
    assert "Capacity: 18 beds" in tip
    assert "Places follow a calendar: 12 on weekdays 08:00-20:00, 4 at weekends" in tip
    assert "Arrivals follow a calendar: 0 a year at weekends" in \
        window.scene.tooltip("gp").splitlines()
    assert "calendar" not in window.scene.tooltip("crisis")


def test_a_map_that_may_not_be_changed_shows_the_calendar_without_the_table(qtbot, doc,
                                                                            selection):
    from servicemap.ui.editing.editor import Editor

    doc.update_node("crisis", {"capacity_calendar": "Sat,Sun 4"})
    editor = Editor(doc, editable=lambda: False)
    panel = InspectorPanel(doc, editor, selection)
    qtbot.addWidget(panel)
    selection.set(["crisis"])
    assert field(panel, "capacity_calendar").text() == "Sat,Sun 4"
    assert field(panel, "capacity_calendar").isReadOnly()
    assert not panel.findChild(QPushButton, "edit_capacity_calendar").isEnabled()
    editor.dispose()


def test_in_the_window_the_table_is_one_edit_that_edit_undo_takes_back(open_window, map_file,
                                                                       qtbot):
    window = open_window(map_file)
    window.selection.set(["ward"])
    dialog = open_table(qtbot, window)
    type_cell(qtbot, dialog, 0, 1, "Sat,Sun")
    type_cell(qtbot, dialog, 0, 4, "0")
    press(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    qtbot.waitUntil(lambda: window.doc.node("ward")["capacity_calendar"] == "Sat,Sun 0")
    undo = window.actions.action("edit.undo")
    assert undo.text() == "Undo Change capacity calendar"
    undo.trigger()
    assert window.doc.node("ward")["capacity_calendar"] is None
    assert "Places follow a calendar" not in window.scene.tooltip("ward")
