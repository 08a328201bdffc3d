"""Analysis > Compare scenarios…: the Charts tab (the comparison's bars; simulated, each
service's places held over time and waits for both views) and Report… (the PDF), driven
through the dialog's buttons."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PySide6.QtCore import Qt

from servicemap.ui.features.compare_scenarios.feature import CompareScenariosFeature
from tests.ui.test_compare_scenarios import planned_map


@pytest.fixture
def feature(open_window, tmp_path):
    window = open_window(planned_map(tmp_path / "plans.smap"))
    window.host.action("analysis.compare_scenarios").trigger()
    found = window.host.feature(CompareScenariosFeature)
    found.simulation.settings.update(days=40, warm_up=5, runs=2)  # short runs for the test
    return found


def test_charts_tab_has_the_bars_then_the_simulated_time_and_waits(qtbot, feature):
    dialog = feature.dialog
    dialog.tabs.setCurrentIndex(dialog.tabs.count() - 1)
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Charts"
    made = dialog.charts.charts()
    assert [c.y_label for c in made] == ["people a year", "occupancy (% of places)", "days"]
    assert [s.name for s in made[1].series] == ["Baseline", "Fewer beds"]
    assert "Acute ward" in made[1].categories
    # the services the scenario changes come first (the ward's places, the removed
    # therapies), and the titles say so
    assert set(made[0].categories[:2]) == {"Acute ward", "Talking therapies"}
    assert "the 2 services the scenario changes, then" in made[0].title, made[0].title
    qtbot.mouseClick(dialog.simulate_button, Qt.LeftButton)
    assert not dialog.simulate_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.simulate_button.isEnabled(), timeout=60_000)
    assert dialog.sim_status.text() == ("Simulated Baseline and Fewer beds: 40 days after a "
                                        "5-day warm-up, 2 runs each.")
    combo = dialog.charts.service
    assert combo.count() >= 1
    assert combo.itemText(0) == "Acute ward"  # changed first (the therapies are gone)
    combo.setCurrentIndex(combo.findText("Acute ward"))
    made = dialog.charts.charts()
    assert [c.kind for c in made] == ["bars", "bars", "bars", "band", "bars"]
    assert made[3].title.startswith("Places held at Acute ward (changed by the scenario)")
    assert made[4].title.endswith("(changed by the scenario)")
    assert [s.name for s in made[3].series] == ["Baseline", "Fewer beds"]
    assert len(made[3].x) == 41
    assert made[4].categories[0] == "none"
    # an edit makes the simulation stale: the time and wait charts go until simulated again
    feature.host.session.editor.update_node("ward", {"capacity": 7.0})
    qtbot.waitUntil(lambda: len(dialog.charts.charts()) == 3, timeout=5_000)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext")
def test_report_writes_the_pdf_after_simulating_both(qtbot, feature, tmp_path):
    out = tmp_path / "fewer beds"
    feature.ask_report_path = lambda: str(out)
    qtbot.mouseClick(feature.dialog.report_button, Qt.LeftButton)
    written = tmp_path / "fewer beds.pdf"
    qtbot.waitUntil(written.exists, timeout=60_000)
    text = subprocess.run(["pdftotext", str(written), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Fewer beds compared with Baseline" in text
    assert "Changed service “Acute ward”: capacity 10 → 5" in text
    assert "Removed service “Talking therapies”" in text
    assert "Places held at" in text and "Assumptions" in text


def _start_long(qtbot, feature):
    feature.simulation.settings.update(days=100_000, warm_up=0, runs=40)
    dialog = feature.dialog
    dialog.tabs.setCurrentIndex(dialog.tabs.count() - 1)
    qtbot.mouseClick(dialog.simulate_button, Qt.LeftButton)
    qtbot.wait(300)
    assert feature.simulation.running and dialog.sim_cancel.isEnabled()
    assert dialog.sim_progress.maximum() == 80  # two views of 40 runs


def test_cancel_stops_simulate_both_and_the_dialog_works_again(qtbot, feature):
    import multiprocessing

    dialog = feature.dialog
    _start_long(qtbot, feature)
    assert not dialog.simulate_button.isEnabled() and not dialog.report_button.isEnabled()
    qtbot.mouseClick(dialog.sim_cancel, Qt.LeftButton)
    qtbot.waitUntil(lambda: not feature.simulation.running, timeout=20_000)
    assert dialog.sim_status.text().startswith("Cancelled"), dialog.sim_status.text()
    assert feature.fresh_sims() is None and len(dialog.charts.charts()) == 3  # bars only
    assert dialog.charts.service.count() == 0
    assert multiprocessing.active_children() == []  # the workers were stopped
    assert dialog.simulate_button.isEnabled() and not dialog.sim_cancel.isEnabled()
    feature.simulation.settings.update(days=40, warm_up=5, runs=2)
    qtbot.mouseClick(dialog.simulate_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dialog.simulate_button.isEnabled(), timeout=60_000)
    assert dialog.sim_status.text().startswith("Simulated Baseline and Fewer beds")
    assert dialog.sim_progress.value() == 4 and dialog.charts.service.count() >= 1


def test_closing_the_dialog_while_simulating_cancels(qtbot, feature, tmp_path):
    dialog = feature.dialog
    out = tmp_path / "never"
    feature.ask_report_path = lambda: str(out)
    feature.simulation.settings.update(days=100_000, warm_up=0, runs=40)
    qtbot.mouseClick(dialog.report_button, Qt.LeftButton)  # Report… simulates first
    qtbot.wait(300)
    assert feature.simulation.running
    dialog.close()
    qtbot.waitUntil(lambda: not feature.simulation.running, timeout=20_000)
    assert feature.fresh_sims() is None
    assert not (tmp_path / "never.pdf").exists()  # no report from cancelled runs
    feature.host.action("analysis.compare_scenarios").trigger()
    assert dialog.isVisible() and dialog.simulate_button.isEnabled()
    assert dialog.sim_status.text().startswith("Cancelled")
