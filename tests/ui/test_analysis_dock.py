"""The Analysis dock and the canvas overlays, driven as a person would: choose a measure, click
rows (the canvas selects), sort, edit the map (the tables follow), colour the map by a measure
and go back to directorate colours."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from servicemap import store
from servicemap.ui.features.analysis import overlay as ov
from servicemap.ui.features.analysis.feature import AnalysisFeature
from tests.maps import analysis_map


@pytest.fixture
def window(open_window, tmp_path):
    path = tmp_path / "analysis.smap"
    store.save(analysis_map(), path)
    return open_window(path, size=(1400, 900), readable=True)


def feature(window) -> AnalysisFeature:
    return window.host.feature(AnalysisFeature)


def click_row(qtbot, view, row: int, modifier=Qt.NoModifier) -> None:
    rect = view.visualRect(view.model().index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, modifier, rect.center())


def column_values(view, column: int) -> list[str]:
    model = view.model()
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def test_dock_is_tabbed_with_the_pathways_and_in_the_view_menu(window):
    f = feature(window)
    assert window.docks["analysis"] is f.dock
    assert f.dock in window.tabifiedDockWidgets(window.docks["pathways"])
    view_menu = next(a.menu() for a in window.menuBar().actions()
                     if a.text().replace("&", "") == "View")
    texts = [a.text().replace("&", "") for a in view_menu.actions()]
    assert "Analysis" in texts and "Overlay" in texts
    overlay_texts = [a.text().replace("&", "") for a in f.overlay_menu.actions() if a.text()]
    assert overlay_texts == ["Directorate colours", "Load against capacity",
                             "Waits against target", "Queueing: expected wait",
                             "Missed-appointment (DNA) gap",
                             "Rates per head by partnership"]


def test_clicking_a_row_selects_on_the_canvas(window, qtbot):
    f = feature(window)
    f.show_analysis("bottlenecks")
    view = f.panel.current_view()
    assert column_values(view, 0) == ["Crisis team", "Helpline"]
    assert "2 bottlenecks" in f.panel.summary.text()
    click_row(qtbot, view, 0)
    assert window.selection.ids == ["crisis"]
    assert window.scene.selected_ids() == ["crisis"]
    click_row(qtbot, view, 1)  # a wait bottleneck selects the service and the late flow
    assert window.selection.ids == ["helpline", "f3"]
    assert set(window.scene.selected_ids()) == {"helpline", "f3"}
    click_row(qtbot, view, 0, Qt.ControlModifier)
    assert set(window.selection.ids) == {"crisis", "helpline", "f3"}


def test_each_measure_has_its_rows(window):
    f = feature(window)
    f.show_analysis("dead_ends")
    assert column_values(f.panel.current_view(), 0) == ["Acute ward"]
    f.panel.show_measure("unreachable")
    assert column_values(f.panel.current_view(), 0) == ["Island"]
    f.panel.show_measure("crossings")
    assert column_values(f.panel.current_view(), 2) == ["directorate"]  # helpline -> crisis
    f.panel.show_measure("dna")
    view = f.panel.current_view()
    assert "1 of 1 services above 1 point" in f.panel.summary.text()
    assert column_values(view, 3).count("unknown") == 3  # unknown rates are not gaps of 0
    f.panel.show_measure("critical")
    view = f.panel.current_view()
    # closing the crisis team leaves it and the helpline (whose only way out is through it) with
    # no route to "Recovered": 300 + 200 from the GP; closing the helpline cuts off its own 200;
    # the ward never had a way out, so closing it (or the island) cuts nobody off: not listed
    assert column_values(view, 1) == ["Crisis team", "Helpline"]
    assert column_values(view, 2) == ["500", "200"]
    assert column_values(view, 4) == ["2", "1"]
    assert column_values(view, 5)[0].endswith("%")


def test_columns_sort_with_unknown_last(window, qtbot):
    f = feature(window)
    f.show_analysis("per_service")
    view = f.panel.current_view()
    load_column = [view.model().headerData(c, Qt.Horizontal)
                   for c in range(view.model().columnCount())].index("Load")
    view.sortByColumn(load_column, Qt.DescendingOrder)
    assert column_values(view, load_column) == ["320%", "20%", "unknown", "unknown"]
    view.sortByColumn(load_column, Qt.AscendingOrder)
    assert column_values(view, load_column) == ["20%", "320%", "unknown", "unknown"]
    click_row(qtbot, view, 0)
    assert window.selection.ids == ["helpline"]


def test_tables_follow_edits_and_a_new_document(window, qtbot):
    f = feature(window)
    f.show_analysis("bottlenecks")
    window.editor.update_node("crisis", {"capacity": 1000})
    qtbot.waitUntil(lambda: column_values(f.panel.current_view(), 0) == ["Helpline"])
    window.editor.stack.undo()
    qtbot.waitUntil(lambda: len(column_values(f.panel.current_view(), 0)) == 2)
    other = analysis_map()
    other.remove_node("helpline")
    window.set_document(other)
    assert f.panel.doc is other and f.overlay.scene is window.scene
    assert column_values(f.panel.current_view(), 0) == ["Crisis team"]


def test_hidden_dock_catches_up_when_shown(window, qtbot):
    f = feature(window)
    f.show_analysis("dead_ends")
    qtbot.waitUntil(lambda: f.panel.shown)
    window.docks["inspector"].raise_()
    qtbot.waitUntil(lambda: not f.panel.shown)
    window.editor.update_node("crisis", {"capacity": 1000})
    qtbot.wait(f.panel.debounce_ms + 100)
    assert f.panel.stale
    f.show_analysis("bottlenecks")
    qtbot.waitUntil(lambda: not f.panel.stale)
    assert column_values(f.panel.current_view(), 0) == ["Helpline"]


def test_refresh_button(window, qtbot):
    f = feature(window)
    f.show_analysis("dead_ends")
    window.doc.add_edge("flow", "ward", "done", "f6", flow_type="discharge")
    qtbot.mouseClick(f.panel.refresh_button, Qt.LeftButton)
    assert column_values(f.panel.current_view(), 0) == []


def test_overlay_recolours_and_directorate_colours_restore(window, qtbot):
    f = feature(window)
    crisis, ward = window.scene.nodes["crisis"], window.scene.nodes["ward"]
    before = (crisis.fill.name(), crisis.border.name(), ward.fill.name())
    f.overlay_actions["load"].trigger()
    assert f.overlay.key == "load" and f.overlay_actions["load"].isChecked()
    assert crisis.fill == ov.SCALE[4]  # 320% of capacity: the top bin
    assert f.overlay.marks["crisis"].badge == "320%"
    assert f.overlay.marks["crisis"].scene() is window.scene
    assert ward.fill == ov.UNKNOWN_FILL and f.overlay.marks["ward"].badge == "?"  # beds
    assert window.scene.nodes["helpline"].fill == ov.SCALE[0]  # 220 of 1000: 22%
    assert f.legend_dock.isVisible()
    labels = [entry[0] for entry in f.overlay.entries()]
    assert labels[-1] == "Load unknown" and f.overlay.entries()[-1][-1] == 2  # ward, island
    f.overlay_actions["waits"].trigger()
    assert window.scene.nodes["helpline"].fill == ov.SCALE[3]  # 10 days against 7: 1.4x
    assert f.overlay.marks["helpline"].badge == "1.4×"
    f.overlay_actions["dna"].trigger()
    assert crisis.fill == ov.SCALE[3] and f.overlay.marks["crisis"].badge == "5.0 pt"
    marks = list(f.overlay.marks.values())
    qtbot.mouseClick(f.legend.button, Qt.LeftButton)  # one click back
    assert f.overlay.key is None and f.overlay_actions[""].isChecked()
    assert (crisis.fill.name(), crisis.border.name(), ward.fill.name()) == before
    assert f.overlay.marks == {} and all(m.scene() is None for m in marks)
    assert not f.legend_dock.isVisible()


def test_overlay_follows_edits_and_lets_clicks_through(window, qtbot):
    f = feature(window)
    f.overlay.set_measure("load")
    window.editor.update_node("crisis", {"capacity": 400})  # 320 of 400: 80%
    qtbot.waitUntil(lambda: window.scene.nodes["crisis"].fill == ov.SCALE[1])
    assert f.overlay.marks["crisis"].badge == "80%"
    window.selection.set([])
    node = window.scene.nodes["crisis"]
    point = window.view.mapFromScene(node.pos()) + QPoint(0, 5)
    qtbot.mouseClick(window.view.viewport(), Qt.LeftButton, pos=point)
    assert window.selection.ids == ["crisis"]
    window.editor.delete(["crisis"])
    qtbot.waitUntil(lambda: "crisis" not in f.overlay.marks)
    other = analysis_map()
    window.set_document(other)
    assert f.overlay.key == "load" and window.scene.nodes["crisis"].fill == ov.SCALE[4]


def header_titles(view) -> list[str]:
    model = view.model()
    return [model.headerData(c, Qt.Horizontal) for c in range(model.columnCount())]


def test_a_length_of_stay_makes_a_ward_judged_for_occupancy(window, qtbot):
    f = feature(window)
    f.show_analysis("bottlenecks")
    assert "Acute ward" not in column_values(f.panel.current_view(), 0)
    # 20 beds for 160 days: 45.6 people a year; 40 come in: 87.7% occupied, over 85%
    window.editor.update_node("ward", {"length_of_stay_days": 160})
    qtbot.waitUntil(lambda: "Acute ward" in column_values(f.panel.current_view(), 0))
    view = f.panel.current_view()
    row = column_values(view, 0).index("Acute ward")
    assert column_values(view, header_titles(view).index("Why"))[row] == "over target occupancy"
    f.show_analysis("per_service")
    view = f.panel.current_view()
    titles = header_titles(view)
    row = column_values(view, 0).index("Acute ward")
    assert column_values(view, titles.index("Occupancy"))[row] == "87.67%"
    assert column_values(view, titles.index("Places needed"))[row] == "20.6"
    assert column_values(view, titles.index("Check stay"))[row] == "no"
    window.editor.stack.undo()
    qtbot.waitUntil(lambda: column_values(f.panel.current_view(),
                                          titles.index("Occupancy"))[row] == "unknown")


def test_rates_per_head_table(open_window, tmp_path, qtbot):
    # the crisis team (320 in a year) serves North (60,000) and South (100,000 people): 120 and
    # 200, i.e. 200 per 100,000 each; the helpline (200) serves South only: South 400 in all,
    # 400 per 100,000; the ward's 40 have no partnership
    doc = analysis_map()
    doc.add_node("partnership", "North", "north", population=60_000)
    doc.add_node("partnership", "South", "south", population=100_000)
    doc.update_node("crisis", {"category": "crisis"})
    doc.update_node("helpline", {"category": "advice"})
    for sid, place in (("crisis", "north"), ("crisis", "south"), ("helpline", "south")):
        doc.add_edge("serves", sid, place)
    path = tmp_path / "rates.smap"
    store.save(doc, path)
    window = open_window(path, size=(1400, 900), readable=True)
    f = feature(window)
    f.show_analysis("rates")
    view = f.panel.current_view()
    assert column_values(view, 0) == ["North", "↳ crisis", "South", "↳ advice", "↳ crisis"]
    assert column_values(view, 2) == ["120", "120", "400", "200", "200"]
    assert column_values(view, 3) == ["200.0", "200.0", "400.0", "200.0", "200.0"]
    assert "1 service with people in serving no partnership" in f.panel.summary.text()
    click_row(qtbot, view, 2)
    assert window.selection.ids == ["south"]
