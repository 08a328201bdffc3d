"""PathSimR's calendars as servicemap's and back (servicemap.io.pathsimr_calendars): a period
of a day becomes hours of every day, a week days of the week from Monday, any other period
none; back, a calendar's day or week as PathSimR's rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from servicemap.calendars import parse
from servicemap.io import pathsimr_calendars as pc
from servicemap.io.pathsimr_read import import_pathsimr
from servicemap.io.pathsimr_write import ExportProblems, pathsimr_tables


def test_a_days_calendar_in_hours_becomes_hours_of_every_day():
    cal, why = pc.to_calendar([(0, 8, 3), (8, 20, 6), (20, 24, 3)], "hours", "cap")
    assert why == "" and cal.text() == "00:00-08:00 3; 08:00-20:00 6; 20:00-24:00 3"
    cal, _ = pc.to_calendar([(0, 0.25, 1), (0.25, 1, 2)], "days", "cap")
    assert cal.text() == "00:00-06:00 1; 06:00-24:00 2"


def test_arrivals_become_people_a_year():
    cal, _ = pc.to_calendar([(0, 6, 0.1725), (6, 24, 0.345)], "hours", "ext_arr")
    assert cal.text() == "00:00-06:00 1511.1; 06:00-24:00 3022.2"  # x 24 x 365
    cal, _ = pc.to_calendar([(0, 5, 2), (5, 7, 1)], "days", "ext_arr")
    assert cal.text() == "Mon-Fri 730; Sat,Sun 365"


def test_a_weeks_calendar_becomes_days_from_monday():
    cal, _ = pc.to_calendar([(0, 24, 1), (24, 36, 5), (36, 168, 2)], "hours", "cap")
    assert cal.text() == "Mon 1; Tue 00:00-12:00 5; Tue 12:00-24:00 2; Wed-Sun 2"


@pytest.mark.parametrize("steps, unit, why", [
    ([(0, 6, 1), (6, 12, 5)], "hours", "repeats every 12 hours, neither a day nor a week"),
    ([(0, 1, 1), (1, 2, 5)], "days", "repeats every 2 days, neither a day nor a week"),
    ([(0, 0.01, 1), (0.01, 24, 5)], "hours",
     "has a step that does not start or end on a whole minute"),
])
def test_other_periods_are_no_calendar(steps, unit, why):
    assert pc.to_calendar(steps, unit, "cap") == (None, why)


@pytest.mark.parametrize("text, unit, rows", [
    ("00:00-08:00 3; 08:00-20:00 6; 20:00-24:00 3", "hours",
     [(0, 8, 3), (8, 20, 6), (20, 24, 3)]),
    ("08:00-20:00 6", "days", [(0, 1 / 3, 4), (1 / 3, 5 / 6, 6), (5 / 6, 1, 4)]),
    ("Mon-Fri 10; Sat,Sun 0", "hours", [(0, 120, 10), (120, 168, 0)]),
    ("Sat 1; Sun 1; 1", "days", [(0, None, 1)]),
])
def test_back_to_pathsimr_rows(text, unit, rows):
    cal = parse(text)
    period = 1 if pc.is_daily(cal) else 7
    got = pc.rows_of(pc.day_steps(cal, 4.0, period), period, unit)
    assert [(a, b, v) for a, b, v in got] == [
        (pytest.approx(a), None if b is None else pytest.approx(b), v) for a, b, v in rows]


def test_a_dated_step_has_no_pathsimr_form():
    assert pc.problem(parse("Mon 3; from 2027-04-01 5")) == (
        "a dated step (from 2027-04-01), which PathSimR's repeating calendars cannot hold")
    assert pc.problem(parse("Mon 3")) is None


# ----- import and export of whole templates ----------------------------------------------
DATA = Path(__file__).parent / "data" / "pathsimr"
WEEK = ("metric,node,start,end,value\ncap,A,0,5,20\ncap,A,5,7,8\n"
        "ext_arr,A,0,5,1.5\next_arr,A,5,7,0.5\n")


def test_a_weeks_template_imports_as_days_of_the_week_and_exports_back(tmp_path):
    (tmp_path / "c.csv").write_text(WEEK, encoding="utf-8")
    imported = import_pathsimr(DATA / "input_template_1.csv", tmp_path / "c.csv", "days")
    doc = imported.document
    assert doc.node("a")["capacity_calendar"] == "Mon-Fri 20; Sat,Sun 8"
    assert doc.node("a")["capacity"] == pytest.approx((5 * 20 + 2 * 8) / 7)
    assert doc.node("arrivals-a")["arrivals_calendar"] == "Mon-Fri 547.5; Sat,Sun 182.5"
    assert any("time 0 taken as midnight, on a Monday for a week" in n
               for n in imported.notices)
    _, calendar = pathsimr_tables(doc, "days")
    assert ["cap", "A", "0", "5", "20"] in calendar and ["cap", "A", "5", "7", "8"] in calendar
    assert ["ext_arr", "A", "0", "5", "1.5"] in calendar
    assert ["ext_arr", "A", "5", "7", "0.5"] in calendar
    _, hours = pathsimr_tables(doc, "hours")
    assert ["cap", "A", "0", "120", "20"] in hours and ["cap", "A", "120", "168", "8"] in hours


def test_a_period_neither_a_day_nor_a_week_keeps_its_mean_and_notes_line(tmp_path):
    (tmp_path / "c.csv").write_text("metric,node,start,end,value\ncap,A,0,6,20\ncap,A,6,12,8\n"
                                    "ext_arr,A,0,,1\n", encoding="utf-8")
    imported = import_pathsimr(DATA / "input_template_1.csv", tmp_path / "c.csv", "hours")
    a = imported.document.node("a")
    assert a["capacity_calendar"] is None and a["capacity"] == 14
    assert "PathSimR capacity calendar (hours): 0 to 6: 20; 6 to 12: 8" in a["notes"]
    assert ("PathSimR's capacity calendar of A repeats every 12 hours, neither a day nor a "
            "week, so it is not a calendar here: its time-weighted mean is the capacity and "
            "the calendar is kept in the notes (and exported again while the mean is "
            "unchanged)") in imported.notices
    _, calendar = pathsimr_tables(imported.document, "hours")
    assert ["cap", "A", "0", "6", "20"] in calendar and ["cap", "A", "6", "12", "8"] in calendar


def test_a_planners_calendar_exports_and_one_pathsimr_cannot_take_is_a_problem(tmp_path):
    imported = import_pathsimr(DATA / "input_template_3.csv", DATA / "cal_input_3.csv", "days")
    doc = imported.document
    doc.update_node("b", {"capacity_calendar": "08:00-20:00 20"})  # else the field's 15
    doc.update_node("arrivals-a", {"arrivals_calendar": "Sat,Sun 0"})
    _, calendar = pathsimr_tables(doc, "hours")
    assert [r for r in calendar if r[:2] == ["cap", "B"]] == [
        ["cap", "B", "0", "8", "15"], ["cap", "B", "8", "20", "20"],
        ["cap", "B", "20", "24", "15"]]
    assert [r for r in calendar if r[:2] == ["ext_arr", "A"]] == [  # 2 a day, none at weekends
        ["ext_arr", "A", "0", "120", "0.0833333333333"], ["ext_arr", "A", "120", "168", "0"]]
    doc.update_node("c", {"capacity_calendar": "from 2027-04-01 20"})
    doc.update_node("a", {"capacity_calendar": "Mon 0", "capacity": None})
    with pytest.raises(ExportProblems) as caught:
        pathsimr_tables(doc)
    assert caught.value.problems == [
        'service "A" (a) has no capacity for the times its calendar leaves out',
        "service \"C\" (c)'s calendar has a dated step (from 2027-04-01), which PathSimR's "
        "repeating calendars cannot hold"]
