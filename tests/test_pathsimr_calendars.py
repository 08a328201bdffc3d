"""PathSimR's calendars as servicemap's and back (servicemap.io.pathsimr_calendars): a period
of a day becomes hours of every day, a week days of the week from Monday, any other period
none; back, a calendar's day or week as PathSimR's rows."""

from __future__ import annotations

import pytest

from servicemap.calendars import parse
from servicemap.io import pathsimr_calendars as pc


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
