"""Words and units in the window: waits in hours, days or weeks with a unit drop-down,
percentages with "%", no internal ids outside the Inspector's Advanced fold, plurals in the status
bar. Driven as a person would: typing in the fields, choosing from the drop-downs, clicking."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QWidget,
)

from servicemap import store
from servicemap.ui.panels.inspector import InspectorPanel
from tests.maps import small_map


@pytest.fixture
def panel(qtbot, doc, editor, selection):
    widget = InspectorPanel(doc, editor, selection, unit_choices={})
    qtbot.addWidget(widget)
    widget.resize(380, 800)
    widget.show()
    return widget


def box(panel, name) -> QLineEdit:
    widget = panel.findChild(QLineEdit, f"field_{name}")
    assert widget is not None and widget.isVisible(), name
    return widget


def unit_box(panel, name) -> QComboBox:
    widget = panel.findChild(QComboBox, f"unit_{name}")
    assert widget is not None and widget.isVisible(), name
    return widget


def type_into(qtbot, line_edit, text):
    line_edit.setFocus()
    line_edit.selectAll()
    qtbot.keyClicks(line_edit, text)
    qtbot.keyClick(line_edit, Qt.Key.Key_Return)


def choose(qtbot, combo: QComboBox, text: str) -> None:
    """Pick an entry of a drop-down with the keyboard, as a person would."""
    combo.setFocus()
    index = combo.findText(text)
    assert index >= 0, text
    while combo.currentIndex() != index:
        qtbot.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < index else Qt.Key.Key_Up)


# ----- waits and targets ----------------------------------------------------------------------
def test_typing_hours_in_a_wait_field_keeps_days_in_one_undo_step(qtbot, panel, doc, editor,
                                                                  selection):
    selection.set(["crisis"])
    type_into(qtbot, box(panel, "wait_target_days"), "4 hours")
    assert doc.node("crisis")["wait_target_days"] == pytest.approx(4 / 24)
    assert editor.stack.count() == 1
    assert editor.stack.undoText() == "Change wait target"
    assert box(panel, "wait_target_days").text() == "4"
    assert unit_box(panel, "wait_target_days").currentText() == "hours"
    editor.stack.undo()
    assert doc.node("crisis")["wait_target_days"] is None
    assert box(panel, "wait_target_days").text() == ""


@pytest.mark.parametrize("typed, days, number, unit", [
    ("4h", 4 / 24, "4", "hours"), ("2 weeks", 14, "2", "weeks"), ("10 days", 10, "10", "days"),
    ("3d", 3, "3", "days"), ("12", 12, "12", "days"),
])
def test_typed_units_are_understood(qtbot, panel, doc, selection, typed, days, number, unit):
    selection.set(["gp-crisis"])  # a flow: median wait and wait target
    type_into(qtbot, box(panel, "median_wait_days"), typed)
    assert doc.edge("gp-crisis")["median_wait_days"] == pytest.approx(days)
    assert box(panel, "median_wait_days").text() == number
    assert unit_box(panel, "median_wait_days").currentText() == unit


def test_values_show_in_the_unit_that_reads_best(panel, doc, editor, selection):
    editor.update_node("crisis", {"wait_target_days": 0.1667})
    editor.update_node("helpline", {"wait_target_days": 28})
    editor.update_node("orphan", {"wait_target_days": 10})
    for node, number, unit in (("crisis", "4", "hours"), ("helpline", "4", "weeks"),
                               ("orphan", "10", "days")):
        selection.set([node])
        assert (box(panel, "wait_target_days").text(),
                unit_box(panel, "wait_target_days").currentText()) == (number, unit), node


def test_switching_the_unit_changes_what_shows_not_the_map(qtbot, panel, doc, editor,
                                                           selection):
    editor.update_node("crisis", {"wait_target_days": 4 / 24})
    editor.update_node("helpline", {"wait_target_days": 0.5})
    count = editor.stack.count()
    selection.set(["crisis"])
    choose(qtbot, unit_box(panel, "wait_target_days"), "days")
    assert box(panel, "wait_target_days").text() == "0.17"  # rounded for reading
    assert doc.node("crisis")["wait_target_days"] == 4 / 24 and editor.stack.count() == count
    # Enter on the rounded text leaves the exact value alone
    type_into(qtbot, box(panel, "wait_target_days"), "0.17")
    assert doc.node("crisis")["wait_target_days"] == 4 / 24 and editor.stack.count() == count
    # a plain number is in the unit beside it
    type_into(qtbot, box(panel, "wait_target_days"), "2")
    assert doc.node("crisis")["wait_target_days"] == 2 and editor.stack.count() == count + 1
    # the choice holds for that field on other items in this session, not for other fields
    selection.set(["helpline"])
    assert (box(panel, "wait_target_days").text(),
            unit_box(panel, "wait_target_days").currentText()) == ("0.5", "days")
    assert panel.unit_choices == {"wait_target_days": "days"}
    selection.set(["gp-crisis"])
    editor.update_edge("gp-crisis", {"median_wait_days": 0.25})
    assert unit_box(panel, "median_wait_days").currentText() == "hours"
    assert box(panel, "median_wait_days").text() == "6"


def test_unit_choice_is_remembered_by_the_window_not_the_file(qtbot, open_window, tmp_path):
    path = tmp_path / "waits.smap"
    doc = small_map()
    doc.update_edge("f1", {"median_wait_days": 14})
    store.save(doc, path)
    window = open_window(path)
    window.selection.set(["f1"])
    inspector = window.docks["inspector"].widget()
    assert unit_box(inspector, "median_wait_days").currentText() == "weeks"
    choose(qtbot, unit_box(inspector, "median_wait_days"), "days")
    assert box(inspector, "median_wait_days").text() == "14"
    assert window.session.units == {"median_wait_days": "days"}
    assert not window.files.dirty  # showing another unit is not an edit
    window.set_document(store.load(path))  # another map: a new Inspector, the same session
    window.selection.set(["f1"])
    inspector = window.docks["inspector"].widget()
    assert unit_box(inspector, "median_wait_days").currentText() == "days"
    assert store.load(path).edge("f1")["median_wait_days"] == 14


def test_a_refused_duration_says_why_beside_the_field(qtbot, panel, doc, editor, selection):
    selection.set(["crisis"])
    type_into(qtbot, box(panel, "wait_target_days"), "4 fortnights")
    error = panel.findChild(QLabel, "error_wait_target_days")
    assert error.isVisible() and "hours, days or weeks" in error.text()
    assert error.text().startswith("⚠ Wait target must be")
    type_into(qtbot, box(panel, "wait_target_days"), "-2 days")
    assert "at least 0" in error.text()
    assert doc.node("crisis")["wait_target_days"] is None and editor.stack.count() == 0


def test_unit_drop_down_works_in_a_read_only_map(qtbot, doc, selection):
    from servicemap.ui.editing.editor import Editor

    doc.update_node("crisis", {"wait_target_days": 14})
    editor = Editor(doc, editable=lambda: False)
    panel = InspectorPanel(doc, editor, selection, unit_choices={})
    qtbot.addWidget(panel)
    panel.show()
    selection.set(["crisis"])
    assert box(panel, "wait_target_days").isReadOnly()
    choose(qtbot, unit_box(panel, "wait_target_days"), "days")
    assert box(panel, "wait_target_days").text() == "14"
    editor.dispose()


# ----- percentages ----------------------------------------------------------------------------
def test_percentages_take_and_show_a_percent_sign(qtbot, panel, doc, editor, selection):
    selection.set(["crisis"])
    type_into(qtbot, box(panel, "pct_within_target"), "85%")
    assert doc.node("crisis")["pct_within_target"] == 85 and editor.stack.count() == 1
    assert box(panel, "pct_within_target").text() == "85%"
    type_into(qtbot, box(panel, "dna_rate_most_deprived"), "87.5")
    assert doc.node("crisis")["dna_rate_most_deprived"] == 87.5
    assert box(panel, "dna_rate_most_deprived").text() == "87.5%"
    type_into(qtbot, box(panel, "pct_within_target"), "85%")  # unchanged: nothing pushed
    assert editor.stack.count() == 2
    type_into(qtbot, box(panel, "pct_within_target"), "lots")
    error = panel.findChild(QLabel, "error_pct_within_target")
    assert "% within target must be a number" in error.text()


def test_labels_leave_the_unit_to_the_box(panel, selection):
    selection.set(["crisis"])
    texts = [label.text() for label in panel.findChildren(QLabel)]
    assert "Wait target" in texts and "DNA rate, most deprived" in texts
    assert not any("(days)" in t or "(%)" in t for t in texts)


# ----- no ids ---------------------------------------------------------------------------------
def shown_texts(panel) -> list[str]:
    """Every text and tooltip a person can see in the panel, outside the Advanced fold."""
    out = []
    for widget in panel.findChildren(QWidget):
        if not widget.isVisibleTo(panel) or panel.advanced.isAncestorOf(widget) \
                or widget is panel.advanced:
            continue
        out.append(widget.toolTip())
        if isinstance(widget, (QLabel, QLineEdit, QAbstractButton)):
            out.append(widget.text())
        elif isinstance(widget, QComboBox):
            out += [widget.itemText(i) for i in range(widget.count())] + [widget.currentText()]
        elif isinstance(widget, QListWidget):
            out += [widget.item(i).text() for i in range(widget.count())]
    return out


def test_inspector_shows_no_id_outside_the_advanced_fold(qtbot, panel, doc, editor,
                                                         selection):
    service = editor.add_node("service", "Home treatment", (0, 0))
    flow = editor.add_flow(service, "done", "discharge")
    editor.set_parent(service, "dir")
    toggle = panel.findChild(QAbstractButton, "inspector_advanced")
    id_box = panel.findChild(QLineEdit, "inspector_id")
    for item in (service, flow):
        selection.set([item])
        assert not any(item in text for text in shown_texts(panel)), item
        assert toggle.isVisible() and not toggle.isChecked()  # closed by default
        assert not id_box.isVisibleTo(panel)
    qtbot.mouseClick(toggle, Qt.MouseButton.LeftButton)
    assert id_box.isVisible() and id_box.text() == flow and id_box.isReadOnly()
    id_box.selectAll()
    assert id_box.selectedText() == flow  # selectable for copying
    selection.set([service])
    assert id_box.isVisible() and id_box.text() == service  # stays open while used
    selection.set([])
    assert not toggle.isVisible() and not id_box.isVisibleTo(panel)  # the map has no id


def test_a_refusal_names_the_item_without_its_id(qtbot, open_window, map_file):
    window = open_window(map_file)
    window.editor.add_flow("crisis", "gp", "referral")  # into an access point: refused
    message = window.statusBar().currentMessage()
    assert "cannot go from" in message
    assert "(gp)" not in message and "(crisis)" not in message and '"GP practice"' in message
    window.selection.set(["crisis"])
    assert window.selected_label.text() == 'Selected: service "Crisis team"'


def test_a_refusal_in_a_structure_row_names_no_id(qtbot, panel, doc, editor, selection):
    doc.add_node("directorate", "Community", "dir2")
    selection.set(["crisis"])
    error = editor.set_parent("dir2", "crisis")  # a directorate cannot be part of a service
    assert error and "(dir2)" not in error and "(crisis)" not in error


# ----- counts ---------------------------------------------------------------------------------
def test_status_bar_counts_are_singular_for_one(qtbot, open_window, map_file):
    window = open_window(map_file)
    assert window.counts_label.text() == ("3 services · 1 access point · 1 exit · 4 flows · "
                                          "1 pathway")
    window.editor.delete(["ward", "tt"])
    assert window.counts_label.text() == ("1 service · 1 access point · 1 exit · 1 flow · "
                                          "1 pathway")
    window.selection.set(["crisis", "gp"])
    assert window.selected_label.text() == "2 items selected"
    assert window.editor.stack.undoText() == "Delete 2 services"


# ----- measures in plain words ----------------------------------------------------------------
@pytest.fixture
def analysis_window(open_window, tmp_path):
    from tests.maps import analysis_map

    path = tmp_path / "analysis.smap"
    store.save(analysis_map(), path)
    return open_window(path, size=(1400, 900))


def test_every_measure_and_column_explains_itself(qtbot, analysis_window):
    from servicemap.ui.features.analysis.feature import AnalysisFeature

    f = analysis_window.host.feature(AnalysisFeature)
    f.show_analysis("critical")
    panel = f.panel
    for i, table in enumerate(panel.tables):
        assert panel.chooser.itemData(i, Qt.ItemDataRole.ToolTipRole) == table.explain
        assert table.explain.endswith(".") and table.explain.count(". ") <= 1, table.key
        panel.show_measure(table.key)
        model = panel.current_view().model()
        for c in range(model.columnCount()):
            tip = model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
            if model.headerData(c, Qt.Orientation.Horizontal) != "Service":
                assert tip, (table.key, c)
    panel.show_measure("critical")
    headers = [model.headerData(c, Qt.Orientation.Horizontal)
               for model in [panel.current_view().model()] for c in range(model.columnCount())]
    assert headers == ["Rank", "Service", "People cut off a year", "Unknown flows",
                       "Services cut off", "Share of busy journeys (betweenness)"]
    assert panel.current_view().model().data(panel.current_view().model().index(0, 5)) \
        .endswith("%")
    assert not panel.explain.isVisible()
    qtbot.mouseClick(panel.help_button, Qt.MouseButton.LeftButton)
    assert panel.explain.isVisible() and "journeys" in panel.explain.text()
    panel.show_measure("dead_ends")  # the explanation follows the measure shown
    assert "cannot leave" in panel.explain.text()


def test_waits_in_the_analysis_read_in_units(analysis_window):
    from servicemap.ui.features.analysis.feature import AnalysisFeature

    f = analysis_window.host.feature(AnalysisFeature)
    f.show_analysis("bottlenecks")
    model = f.panel.current_view().model()
    waits = [model.data(model.index(r, 5)) for r in range(model.rowCount())]
    assert "10 days against a target of 1 week, from GP practice" in waits
    assert "Median wait: 10 days" in analysis_window.scene.tooltip("f3")
    analysis_window.editor.update_edge("f3", {"wait_target_days": 4 / 24})
    assert "Wait target: 4 hours" in analysis_window.scene.tooltip("f3")


def test_overlay_menu_and_legend_explain_the_measure(qtbot, analysis_window):
    from servicemap.graph.measures import MEASURES
    from servicemap.ui.features.analysis.feature import AnalysisFeature

    f = analysis_window.host.feature(AnalysisFeature)
    assert f.overlay_menu.toolTipsVisible()
    for key, measure in MEASURES.items():
        assert measure.explain and measure.explain in f.overlay_actions[key].toolTip()
    f.overlay_actions["waits"].trigger()
    legend = f.legend
    assert legend.help_button.toolTip() == MEASURES["waits"].explain
    qtbot.mouseClick(legend.help_button, Qt.MouseButton.LeftButton)
    assert legend.explain.isVisibleTo(legend)
    assert legend.explain.text() == MEASURES["waits"].explain


def test_length_of_stay_reads_and_types_in_weeks_and_occupancy_as_a_percentage(
        qtbot, panel, doc, editor, selection):
    selection.set(["crisis"])
    type_into(qtbot, box(panel, "length_of_stay_days"), "3 weeks")
    assert doc.node("crisis")["length_of_stay_days"] == 21 and editor.stack.count() == 1
    assert editor.stack.undoText() == "Change length of stay"
    assert (box(panel, "length_of_stay_days").text(),
            unit_box(panel, "length_of_stay_days").currentText()) == ("3", "weeks")
    type_into(qtbot, box(panel, "target_occupancy_pct"), "85%")
    assert doc.node("crisis")["target_occupancy_pct"] == 85 and editor.stack.count() == 2
    assert box(panel, "target_occupancy_pct").text() == "85%"
    occupancy = box(panel, "target_occupancy_pct")
    occupancy.setFocus()
    occupancy.selectAll()
    qtbot.keyClick(occupancy, Qt.Key.Key_Delete)
    qtbot.keyClick(occupancy, Qt.Key.Key_Return)
    assert doc.node("crisis")["target_occupancy_pct"] is None  # empty: the default again
