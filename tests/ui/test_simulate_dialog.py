"""Analysis > Simulate…, driven as a person would: open it from the menu, set the days, warm-up
and runs, Run (worker processes; the window keeps answering), read the table, copy and export
it; a long simulation cancelled from its Cancel button leaves no results."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from servicemap import store
from servicemap.ui.features.simulation import SimulationFeature
from tests.test_simulation import jackson


@pytest.fixture
def window(open_window, tmp_path):
    path = tmp_path / "jackson.smap"
    store.save(jackson(), path)
    return open_window(path)


def open_dialog(window):
    menu = next(a.menu() for a in window.menuBar().actions()
                if a.text().replace("&", "") == "Analysis")
    action = next(a for a in menu.actions() if a.text().replace("&", "") == "Simulate…")
    action.trigger()
    return window.host.feature(SimulationFeature).dialog


def set_value(qtbot, box, value: int) -> None:
    box.selectAll()
    qtbot.keyClicks(box.lineEdit(), str(value))
    qtbot.keyClick(box, Qt.Key_Tab)  # Return would press Run, the dialog's default button
    assert box.value() == value


def test_a_short_simulation_from_the_menu_fills_the_table(qtbot, window, tmp_path):
    dialog = open_dialog(window)
    set_value(qtbot, dialog.days, 200)
    set_value(qtbot, dialog.warm_up, 10)
    set_value(qtbot, dialog.runs, 2)
    qtbot.mouseClick(dialog.run_button, Qt.LeftButton)
    assert dialog.running and dialog.cancel_button.isEnabled()
    ticks = []
    timer_check = lambda: ticks.append(1)  # noqa: E731 - the window's own loop keeps running
    qtbot.waitUntil(lambda: (timer_check(), not dialog.running)[1], timeout=60_000)
    assert len(ticks) > 1
    assert dialog.table.rowCount() == 2
    names = {dialog.table.item(r, 0).text() for r in range(2)}
    assert names == {"Assessment", "Treatment"}
    assert "2 runs of 200 days" in dialog.status.text(), dialog.status.text()
    assert dialog.progress.value() == 2, (dialog.progress.value(), dialog.progress.maximum())
    qtbot.mouseClick(dialog.copy_button, Qt.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith("Service\tPlaces held (mean)") and "Treatment" in copied
    out = tmp_path / "sim.csv"
    dialog.ask_path = lambda: str(out)
    qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
    assert "Assessment" in out.read_text(encoding="utf-8-sig")


def test_cancel_stops_a_long_simulation(qtbot, window):
    dialog = open_dialog(window)
    set_value(qtbot, dialog.days, 100_000)
    set_value(qtbot, dialog.runs, 40)
    qtbot.mouseClick(dialog.run_button, Qt.LeftButton)
    qtbot.wait(300)
    assert dialog.running
    qtbot.mouseClick(dialog.cancel_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not dialog.running, timeout=20_000)
    assert dialog.status.text().startswith("Cancelled")
    assert dialog.result is None and dialog.table.rowCount() == 0
    assert dialog.run_button.isEnabled() and not dialog.copy_button.isEnabled()


def test_the_charts_tab_draws_the_chosen_services_time_and_waits(qtbot, window):
    dialog = open_dialog(window)
    set_value(qtbot, dialog.days, 60)
    set_value(qtbot, dialog.warm_up, 10)
    set_value(qtbot, dialog.runs, 2)
    qtbot.mouseClick(dialog.run_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    dialog.tabs.setCurrentWidget(dialog.charts)
    combo = dialog.charts.service
    assert combo.count() == 2 and combo.isVisibleTo(dialog)
    first = combo.currentText()
    made = dialog.charts.charts()
    assert [c.kind for c in made] == ["band", "bars", "bars", "bars", "bars"]
    assert made[0].title.startswith(f"Places held at {first}")
    assert len(made[0].series) == 1 and len(made[0].x) == 61  # a point a day, both ends
    assert made[1].y_label == "people starting service"
    other = 1 - combo.currentIndex()
    combo.setCurrentIndex(other)
    assert dialog.charts.charts()[0].title.startswith(f"Places held at {combo.itemText(other)}")
    picture = dialog.charts.views[0].grab().toImage()  # painted: not one flat colour
    assert len({picture.pixel(x, y) for x in range(0, picture.width(), 7)
                for y in range(0, picture.height(), 7)}) > 3


def test_the_pathways_table_gives_days_from_entry_to_exit(qtbot, open_window, tmp_path):
    from tests.test_simulation_pathways import chain

    path = tmp_path / "chain.smap"
    store.save(chain(), path)
    window = open_window(path)
    dialog = open_dialog(window)
    assert not dialog.pathway_table.isVisible()
    set_value(qtbot, dialog.days, 2000)
    set_value(qtbot, dialog.runs, 2)
    qtbot.mouseClick(dialog.run_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    table = dialog.pathway_table
    assert table.isVisible() and table.rowCount() == 3
    rows = {table.item(r, 0).text(): [table.item(r, c).text() for c in range(1, 5)]
            for r in range(3)}
    people, mean, ci, p95 = rows["Clinic then ward"]
    assert 6 < float(mean) < 10 and "–" in ci and float(p95) > float(mean)
    assert int(people.replace(",", "")) > 0
    assert rows["Straight to the ward"] == ["0", "unknown", "unknown", "unknown"]
    # Copy takes both tables: the services, then (after an empty line) the pathways
    qtbot.mouseClick(dialog.copy_button, Qt.LeftButton)
    copied = QGuiApplication.clipboard().mimeData()
    blocks = copied.text().split("\r\n\r\n")
    assert len(blocks) == 2, copied.text()
    assert blocks[0].startswith("Service\tPlaces held (mean)") and "\r\nWard\t" in blocks[0]
    lines = blocks[1].strip().split("\r\n")
    assert lines[0].split("\t") == ["Pathway", "People (a run)", "Days entry to exit (mean)",
                                     "95% interval low", "95% interval high",
                                     "Days (95th percentile)"]
    pasted = {line.split("\t")[0]: line.split("\t") for line in lines[1:]}
    assert set(pasted) == {"Clinic then ward", "Clinic only", "Straight to the ward"}
    assert 6 < float(pasted["Clinic then ward"][2]) < 10
    assert pasted["Straight to the ward"][1:] == ["0"] + ["unknown"] * 4  # never an empty 0
    html = copied.html()
    assert html.count("<table") == 2 and html.index("Clinic then ward") > html.index("Ward")
    out = tmp_path / "sim.xlsx"  # Export…: a sheet each, then About
    dialog.ask_path = lambda: str(out)
    qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
    from openpyxl import load_workbook

    book = load_workbook(out)
    assert book.sheetnames == ["Simulation", "Pathways", "About"]
    sheet = [row for row in book["Pathways"].iter_rows(values_only=True)]
    assert sheet[0][0] == "Pathway" and len(sheet) == 4
    assert {r[0] for r in sheet[1:]} == set(pasted)
    csv_out = tmp_path / "sim.csv"  # CSV: one table after the other
    dialog.ask_path = lambda: str(csv_out)
    qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
    text = csv_out.read_text(encoding="utf-8-sig")
    assert text.index("Pathway,People (a run)") > text.index("Service,") > -1
    assert "Straight to the ward,0,unknown,unknown,unknown,unknown" in text


def test_the_start_date_is_typed_and_said_with_the_results(qtbot, window):
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QDateTimeEdit

    dialog = open_dialog(window)
    assert dialog.start.date() == QDate.currentDate()  # today unless changed
    set_value(qtbot, dialog.days, 30)
    set_value(qtbot, dialog.warm_up, 5)
    set_value(qtbot, dialog.runs, 1)
    dialog.start.setFocus()  # as a click on the year: each part moves on when it is full
    dialog.start.setSelectedSection(QDateTimeEdit.Section.YearSection)
    qtbot.keyClicks(dialog.start, "20270401")
    qtbot.keyClick(dialog.start, Qt.Key_Tab)
    assert dialog.start.date() == QDate(2027, 4, 1)
    qtbot.mouseClick(dialog.run_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    assert "measured from 2027-04-01" in dialog.status.text(), dialog.status.text()


def test_a_map_with_calendars_runs_from_the_start_date_and_says_them(qtbot, open_window,
                                                                      tmp_path):
    from PySide6.QtCore import QDate

    from tests.test_simulation_calendars import clinic

    path = tmp_path / "clinic.smap"
    store.save(clinic("Mon-Fri 08:00-20:00 5; Sat,Sun 2", "from 2027-07-01 7300"), path)
    dialog = open_dialog(open_window(path))
    set_value(qtbot, dialog.days, 60)
    set_value(qtbot, dialog.warm_up, 0)
    set_value(qtbot, dialog.runs, 1)
    arrivals = {}
    for start in (QDate(2027, 3, 1), QDate(2027, 7, 1)):
        dialog.start.setDate(start)
        qtbot.mouseClick(dialog.run_button, Qt.LeftButton)
        qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
        arrivals[start.month()] = dialog.result["system"]["arrivals_per_year"]
    assert arrivals[3] < 2000 < arrivals[7]  # 730 a year, then the step to 7,300
    said = dialog.assumed.toPlainText().splitlines()
    assert "Assumed: Clinic: places follow a calendar (5 on weekdays 08:00-20:00, 2 at " \
        "weekends, otherwise 3)" in said
    assert "Assumed: GP: arrivals follow a calendar (7,300 a year from 1 July 2027)" in said
