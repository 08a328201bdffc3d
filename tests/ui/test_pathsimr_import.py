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
