"""Analysis > Compare scenarios… and View > Overlay: change between scenarios (issue #17),
driven through the menus: the table per service and for the system, bottlenecks that appear
or clear, Copy and Export, and the marks on the canvas with their legend."""

from __future__ import annotations

import csv

from PySide6.QtGui import QGuiApplication

from servicemap import store
from servicemap.graph.scenarios import Change, Scenario
from servicemap.ui.features.compare_scenarios import overlay
from servicemap.ui.features.compare_scenarios.feature import CompareScenariosFeature
from servicemap.ui.features.scenarios import ScenariosFeature
from tests.maps import small_map


def planned_map(path):
    doc = small_map()
    doc.update_node("ward", {"capacity": 10, "capacity_unit": "beds",
                             "length_of_stay_days": 73})  # 50 a year: 40 in is 80%
    doc.add_scenario(Scenario("s1", "Fewer beds", changes=[
        Change("set", "node", "ward", {"capacity": 5.0}),  # 25 a year: 40 in is 160%
        Change("remove", "node", "tt")]))
    store.save(doc, path)
    return path


def test_compare_baseline_with_a_scenario(qtbot, open_window, tmp_path, monkeypatch):
    window = open_window(planned_map(tmp_path / "plans.smap"))
    window.host.action("analysis.compare_scenarios").trigger()
    feature = window.host.feature(CompareScenariosFeature)
    dialog = feature.dialog
    assert dialog.isVisible()
    assert (dialog.first.currentText(), dialog.second.currentText()) == ("Baseline",
                                                                         "Fewer beds")
    assert "Bottlenecks that appear: Acute ward." in dialog.summary.text()
    services = {dialog.services.item(r, 0).text(): r for r in range(dialog.services.rowCount())}
    ward = services["Acute ward"]
    header = [dialog.services.horizontalHeaderItem(c).text()
              for c in range(dialog.services.columnCount())]
    cell = {h: dialog.services.item(ward, c).text() for c, h in enumerate(header)}
    assert cell["Load (Baseline)"] == "80%" and cell["Load (Fewer beds)"] == "160%"
    assert cell["Δ load"] == "+80%" and cell["Bottleneck"] == "appears"
    assert dialog.services.item(services["Talking therapies"], 1).text() == "removed"
    # Swap the two: the bottleneck clears.
    dialog.first.setCurrentIndex(1)
    dialog.second.setCurrentIndex(0)
    dialog.first.activated.emit(1)
    assert "Bottlenecks that clear: Acute ward." in dialog.summary.text()
    # Copy and Export take the table shown.
    dialog.tabs.setCurrentWidget(dialog.services)
    assert feature.copy_table()
    assert "Acute ward" in QGuiApplication.clipboard().text()
    out = tmp_path / "compare.csv"
    feature.ask_table_path = lambda title: (str(out), "")
    assert feature.export_table() == out
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][0] == "Service" and any(r[0] == "Acute ward" for r in rows)


def overlay_entry(window):
    """View > Overlay: change between scenarios, found in the menu as a person would."""
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    return next(a for a in view.actions() if a.text() == "Overlay: change between scenarios")


def test_the_change_overlay_marks_services_on_the_canvas(qtbot, open_window, tmp_path):
    window = open_window(planned_map(tmp_path / "plans.smap"))
    scenarios = window.host.feature(ScenariosFeature)
    scenarios.show("s1")  # the canvas shows the scenario
    overlay_entry(window).trigger()
    feature = window.host.feature(CompareScenariosFeature)
    marks = {anchor: item for anchor, item in window.scene.decorations(overlay.LAYER)}
    assert marks["ward"].key == "more" and marks["ward"].badge == "+80 pts"
    assert marks["crisis"].key == "same" and "tt" not in marks
    assert feature.legend_dock.isVisible()
    assert "(1)" in feature.legend.rows["removed"].text()
    # An edit in the scenario: the overlay follows.
    window.editor.update_node("ward", {"capacity": 10})
    qtbot.waitUntil(lambda: dict(window.scene.decorations(overlay.LAYER))["ward"].key
                    == "same", timeout=3000)
    overlay_entry(window).trigger()
    assert window.scene.decorations(overlay.LAYER) == []


def test_the_comparison_shows_the_queueing_estimates(qtbot, open_window, tmp_path):
    from servicemap.graph.queueing import estimate

    window = open_window(planned_map(tmp_path / "plans.smap"))
    window.host.action("analysis.compare_scenarios").trigger()
    dialog = window.host.feature(CompareScenariosFeature).dialog
    table = dialog.services
    header = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    ward = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "Acute ward")
    cell = {h: table.item(ward, c).text() for c, h in enumerate(header)}
    # 40 a year staying 73 days: 8 people at once; 10 beds wait (Erlang C), 5 cannot keep up
    theory = estimate(40 / 365, 73, 10, None)
    assert cell["Expected wait, days (Baseline)"] == f"{theory['expected_wait_days']:.2f}"
    assert cell["Probability of waiting (Baseline)"] == \
        f"{theory['probability_of_wait']:.0%}"
    assert cell["Expected wait, days (Fewer beds)"] == "unknown"
    assert cell["Δ expected wait (days)"] == "unknown"
    assert cell["Refused a year (Baseline)"] == "0" and cell["Bottleneck"] == "appears"
    system = dialog.system
    rows = {system.item(r, 0).text(): [system.item(r, c).text() for c in (1, 2, 3)]
            for r in range(system.rowCount())}
    assert rows["Services whose queue grows without end"] == ["0", "1", "+1"]
    assert rows["People into the system a year (from access points)"] == \
        ["1,500", "300", "-1,200"]  # talking therapies removed
    dialog.tabs.setCurrentWidget(dialog.system)
    assert window.host.feature(CompareScenariosFeature).copy_table()
    assert "Expected wait per visit to a service" in QGuiApplication.clipboard().text()
