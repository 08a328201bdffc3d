"""File > Import… of a PathSimR network template (issue #17): the small dialog asks for the
calendar template (guessed beside the network where PathSimR's naming allows) and the time
unit, and the templates open as a new map, laid out."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from servicemap import store
from servicemap.ui.features.exchange import ExchangeFeature
from servicemap.ui.pathsimr_dialog import PathSimRDialog, calendar_beside
from tests.maps import exchange_map

DATA = Path(__file__).parents[1] / "data" / "pathsimr"
NETWORK = DATA / "A&E_Network_Template.csv"


@pytest.fixture
def feature(open_window, tmp_path):
    path = tmp_path / "open.smap"
    store.save(exchange_map(), path)
    window = open_window(path, show=False)
    f = window.host.feature(ExchangeFeature)
    f.errors, f.problems, f.notices = [], [], []
    f.tell_error = f.errors.append
    f.show_problems = f.problems.append
    f.show_notices = lambda name, notices: f.notices.append((name, notices))
    f.ask_mode = lambda name, can_merge: "new"
    f.window = window
    return f


def test_the_calendar_is_guessed_from_pathsimrs_names(tmp_path):
    assert calendar_beside(NETWORK) == DATA / "A&E_Calendar_Template.csv"
    assert calendar_beside(DATA / "input_template_3.csv") == DATA / "cal_input_3.csv"
    assert calendar_beside(DATA / "input_template_1 - Error.csv") == \
        DATA / "cal_input_1 - Error.csv"
    (tmp_path / "Network.csv").write_text("", "utf-8")
    assert calendar_beside(tmp_path / "Network.csv") is None  # no Calendar.csv beside it


def test_import_waits_for_a_calendar_file_and_a_time_unit(qtbot, tmp_path):
    dialog = PathSimRDialog(tmp_path / "mine.csv")
    qtbot.addWidget(dialog)
    assert dialog.calendar.text() == "" and not dialog.ok.isEnabled()
    dialog.ask_calendar_path = lambda: str(DATA / "cal_input_1.csv")
    qtbot.mouseClick(dialog.browse, Qt.LeftButton)
    assert dialog.calendar.text() == str(DATA / "cal_input_1.csv")
    assert not dialog.ok.isEnabled()  # no unit yet: PathSimR's files do not say
    dialog.unit.setCurrentIndex(dialog.unit.findData("days"))
    assert dialog.ok.isEnabled()
    dialog.calendar.setText(str(tmp_path / "missing.csv"))
    assert not dialog.ok.isEnabled()


def _answer(unit: str) -> None:
    """As a person answers the dialog once it is up: choose the unit, press Import."""
    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PathSimRDialog):
            QTimer.singleShot(20, answer)
            return
        dialog.unit.setCurrentIndex(dialog.unit.findData(unit))
        dialog.ok.click()
    QTimer.singleShot(0, answer)


def test_file_import_opens_the_templates_as_a_new_laid_out_map(feature):
    feature.ask_import_path = lambda: str(NETWORK)
    _answer("hours")
    feature.import_action.trigger()
    doc = feature.window.doc
    assert feature.errors == [] and feature.problems == []
    assert doc.counts()["services"] == 6 and doc.counts()["access_points"] == 4
    assert doc.node("shock-room")["capacity"] == pytest.approx(4.5)
    assert doc.node("arrivals-shock-room")["arrivals_per_year"] == pytest.approx(2518.5)
    assert all(a["x"] is not None for _, a in doc.graph.nodes(data=True))
    assert feature.window.files.dirty and feature.window.files.path is None


def test_a_malformed_template_lists_its_problems_and_opens_nothing(feature):
    before = feature.window.doc
    feature.ask_import_path = lambda: str(DATA / "input_template_1 - Error.csv")
    feature.ask_pathsimr = lambda network: (DATA / "cal_input_1.csv", "days")
    feature.import_action.trigger()
    (problems,) = feature.problems
    assert len(problems.problems) == 3 and "column B (to A)" in problems.problems[0]
    assert feature.window.doc is before


def test_cancel_imports_nothing(feature):
    before = feature.window.doc
    feature.ask_import_path = lambda: str(NETWORK)
    feature.ask_pathsimr = lambda network: None
    feature.import_action.trigger()
    assert feature.window.doc is before and feature.errors == []


# ----- File > Export PathSimR templates… ------------------------------------------------------
@pytest.fixture
def exporter(feature):
    from servicemap.ui.features.pathsimr import PathSimRFeature

    f = feature.window.host.feature(PathSimRFeature)
    f.errors, f.problems, f.overwrites = [], [], []
    f.tell_error = f.errors.append
    f.show_problems = lambda summary, problems: f.problems.append((summary, problems))
    f.confirm_overwrite = lambda paths: f.overwrites.append(paths) or True
    f.ask_unit = lambda: "hours"
    f.window = feature.window
    return f


def test_export_writes_the_templates_back(feature, exporter, tmp_path):
    feature.ask_import_path = lambda: str(NETWORK)
    feature.ask_pathsimr = lambda network: (DATA / "A&E_Calendar_Template.csv", "hours")
    feature.import_action.trigger()
    exporter.ask_folder = lambda: str(tmp_path / "out")
    exporter.export_action.trigger()
    calendar = (tmp_path / "out" / "calendar_template.csv").read_bytes().decode("utf-8")
    assert "cap,Shock_room,0,8,3\r\ncap,Shock_room,8,20,6\r\ncap,Shock_room,20,24,3\r\n" \
        in calendar
    assert exporter.errors == [] and exporter.problems == [] and exporter.overwrites == []
    assert "Wrote network_template.csv and calendar_template.csv" in \
        exporter.window.statusBar().currentMessage()
    exporter.export_action.trigger()  # again: asks before replacing both
    (paths,) = exporter.overwrites
    assert [p.name for p in paths] == ["network_template.csv", "calendar_template.csv"]


def test_export_of_a_map_pathsimr_cannot_take_lists_why(exporter, tmp_path):
    exporter.ask_folder = lambda: str(tmp_path / "out")
    exporter.export_action.trigger()
    ((summary, problems),) = exporter.problems
    assert "nothing was written" in summary
    assert any("has no length of stay" in p for p in problems)
    dialog = exporter.problems_dialog(summary, problems)
    assert dialog.list.count() == len(problems)
    assert dialog.list.item(0).text() == 'service "Crisis team" has no length of stay'  # no ids
    assert not (tmp_path / "out").exists()
