"""Calendars (servicemap.calendars): the grammar and its every error sentence, which entry wins
at a moment, and the values over time as steps."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicemap import calendars
from servicemap.calendars import Calendar, CalendarError, Entry, check, mean, parse, steps, value_at

MONDAY = datetime.datetime(2027, 3, 29)  # a Monday
ISSUE = "Mon-Fri 08:00-20:00 12; Sat,Sun 4; from 2027-04-01 30"


# ----- the grammar ----------------------------------------------------------------------------
def test_the_issues_example_reads_as_three_entries():
    cal = parse(ISSUE)
    weekdays = frozenset(range(5))
    assert cal.entries == (
        Entry(weekdays, 8 * 60, 20 * 60, None, 12.0),
        Entry(frozenset({5, 6}), 0, 1440, None, 4.0),
        Entry(calendars.ALL_DAYS, 0, 1440, datetime.date(2027, 4, 1), 30.0),
    )
    assert cal.text() == ISSUE


def test_words_in_any_case_spaces_in_lists_and_wrapping_ranges():
    assert parse("mon - FRI 3") == parse("Mon-Fri 3")
    assert parse("SAT, sun 4") == parse("Sat,Sun 4")
    assert parse("Fri-Mon 1").entries[0].days == frozenset({4, 5, 6, 0})
    assert parse("Mon-Mon 1").entries[0].days == frozenset({0})
    assert parse("FROM 2027-04-01 2").entries[0].from_date == datetime.date(2027, 4, 1)
    assert parse("08:00-20:00 Mon-Fri 3") == parse("Mon-Fri 08:00-20:00 3")


def test_empty_blank_and_trailing_semicolons():
    assert parse("") == Calendar(()) and not parse("   ")
    assert parse("Mon 3;") == parse("Mon 3") and check("") is None
    assert parse(" ; Mon 3 ;; ").text() == "Mon 3"


def test_times_reach_24_00_and_a_window_ending_before_it_starts_wraps():
    e = parse("20:00-24:00 1").entries[0]
    assert (e.start_minute, e.end_minute) == (1200, 1440)
    assert parse("20:00-00:00 1") == parse("20:00-24:00 1")
    night = parse("Fri 22:00-06:00 2").entries[0]
    assert (night.start_minute, night.end_minute) == (1320, 360)
    assert night.covers(4, 23 * 60) and night.covers(5, 5 * 60)
    assert not night.covers(4, 5 * 60) and not night.covers(5, 23 * 60)
    assert parse("00:00-24:00 5").text() == "5"


@pytest.mark.parametrize("text, sentence", [
    ("Mon-Fry 4",
     'entry 1 ("Mon-Fry 4"): "Fry" is not a day; use Mon, Tue, Wed, Thu, Fri, Sat or Sun'),
    ("Mon 3; Mon-Fry 4",
     'entry 2 ("Mon-Fry 4"): "Fry" is not a day; use Mon, Tue, Wed, Thu, Fri, Sat or Sun'),
    ("weekdays 4",
     'entry 1 ("weekdays 4"): "weekdays" is not a day; use Mon, Tue, Wed, Thu, Fri, Sat or Sun'),
    ("Sat,,Sun 4",
     'entry 1 ("Sat,,Sun 4"): "Sat,,Sun" has an empty day in its list; '
     'use Mon, Tue, Wed, Thu, Fri, Sat or Sun, e.g. "Sat,Sun"'),
    ("Mon-Wed-Fri 4",
     'entry 1 ("Mon-Wed-Fri 4"): "Mon-Wed-Fri" is not a range of days; '
     'write e.g. "Mon-Fri"'),
    ("Mon-Fri",
     'entry 1 ("Mon-Fri"): no value at the end; '
     'write the number last, e.g. "Mon-Fri 12"'),
    ("Mon 08:00-20:00",
     'entry 1 ("Mon 08:00-20:00"): no value at the end; write the number last, e.g. "Mon-Fri 12"'),
    ("from 2027-04-01",
     'entry 1 ("from 2027-04-01"): no value at the end; write the number last, e.g. "Mon-Fri 12"'),
    ("Mon twelve",
     'entry 1 ("Mon twelve"): "twelve" is not a number; '
     'end each entry with the value, e.g. "Mon-Fri 12"'),
    ("Mon inf",
     'entry 1 ("Mon inf"): "inf" is not a number; '
     'end each entry with the value, e.g. "Mon-Fri 12"'),
    ("Mon -3", 'entry 1 ("Mon -3"): the value -3 is below 0'),
    ("from", 'entry 1 ("from"): "from" needs a date after it, e.g. "from 2027-04-01 30"'),
    ("from 2027-02-30 3",
     'entry 1 ("from 2027-02-30 3"): "2027-02-30" is not a date; '
     'write YYYY-MM-DD, e.g. 2027-04-01'),
    ("from 1/4/2027 3",
     'entry 1 ("from 1/4/2027 3"): "1/4/2027" is not a date; write YYYY-MM-DD, e.g. 2027-04-01'),
    ("Mon from 2027-04-01 3",
     'entry 1 ("Mon from 2027-04-01 3"): "from" and its date come first, '
     'e.g. "from 2027-04-01 Mon-Fri 12"'),
    ("25:00-26:00 3",
     'entry 1 ("25:00-26:00 3"): "25:00" is not a time of day; write HH:MM from 00:00 to 24:00'),
    ("08:60-09:00 3",
     'entry 1 ("08:60-09:00 3"): "08:60" is not a time of day; write HH:MM from 00:00 to 24:00'),
    ("8am-9:00 3",
     'entry 1 ("8am-9:00 3"): "8am" is not a time of day; write HH:MM from 00:00 to 24:00'),
    ("08:00 3", 'entry 1 ("08:00 3"): "08:00" is not a time window; write e.g. "08:00-20:00"'),
    ("24:00-02:00 3",
     'entry 1 ("24:00-02:00 3"): the window "24:00-02:00" starts at 24:00; '
     'start it at 00:00 instead'),
    ("08:00-08:00 1",
     'entry 1 ("08:00-08:00 1"): the window "08:00-08:00" starts and ends at the same time; '
     'give two different times'),
    ("Mon 08:00-09:00 10:00-11:00 1",
     'entry 1 ("Mon 08:00-09:00 10:00-11:00 1"): two time windows; give one per entry'),
    ("Mon 08:00-09:00 Tue 1",
     'entry 1 ("Mon 08:00-09:00 Tue 1"): two lists of days; give one per entry'),
])
def test_every_error_is_one_sentence_naming_the_entry(text, sentence):
    with pytest.raises(CalendarError) as caught:
        parse(text)
    assert str(caught.value) == sentence
    assert check(text) == sentence
    assert isinstance(caught.value, ValueError) and "\n" not in sentence


_days = st.frozensets(st.integers(0, 6), min_size=1)
_window = st.integers(0, 1439).flatmap(
    lambda a: st.integers(1, 1439).map(lambda k: (a, (a + k) % 1440 or 1440)))
_entries = st.builds(
    lambda days, window, date, value: Entry(days, window[0], window[1], date, value),
    _days, _window, st.none() | st.dates(datetime.date(2000, 1, 1), datetime.date(2100, 1, 1)),
    st.floats(0, 1e6, allow_nan=False) | st.integers(0, 500).map(float))


@settings(suppress_health_check=[HealthCheck.too_slow])  # the shared machine is slow at times
@given(st.lists(_entries, max_size=6))
def test_the_canonical_text_reads_back_as_the_same_calendar(entries):
    cal = Calendar(tuple(entries))
    assert parse(cal.text()) == cal
    assert parse(parse(cal.text()).text()).text() == cal.text()


def test_days_are_written_as_runs():
    assert calendars.days_text(frozenset({0, 1, 2, 3, 4})) == "Mon-Fri"
    assert calendars.days_text(frozenset({4, 5, 6, 0})) == "Fri-Mon"
    assert calendars.days_text(frozenset({5, 6})) == "Sat,Sun"
    assert calendars.days_text(frozenset({0, 2, 4, 5, 6})) == "Wed,Fri-Mon"


# ----- which entry holds ----------------------------------------------------------------------
def test_the_latest_from_date_wins_then_the_later_entry():
    cal = parse(ISSUE)
    assert value_at(cal, 6.0, MONDAY.replace(hour=9)) == 12
    assert value_at(cal, 6.0, MONDAY.replace(hour=21)) == 6  # none applies: the field
    assert value_at(cal, 6.0, MONDAY - datetime.timedelta(days=2, hours=-3)) == 4  # Saturday
    assert value_at(cal, 6.0, datetime.datetime(2027, 4, 1, 9)) == 30  # the dated step
    later = parse("Mon 3; Mon 5")
    assert value_at(later, None, MONDAY) == 5
    earlier_text_later_date = parse("from 2027-01-01 Mon 7; Mon 5")
    assert value_at(earlier_text_later_date, None, MONDAY) == 7
    assert value_at(parse("from 2027-03-30 9"), 1.0, MONDAY) == 1.0  # not yet


def test_a_night_window_holds_into_the_next_morning():
    cal = parse("Fri 22:00-06:00 2")
    friday = MONDAY + datetime.timedelta(days=4)
    assert value_at(cal, 8.0, friday.replace(hour=23)) == 2
    assert value_at(cal, 8.0, friday + datetime.timedelta(days=1, hours=5, minutes=59)) == 2
    assert value_at(cal, 8.0, friday + datetime.timedelta(days=1, hours=6)) == 8
    assert value_at(cal, 8.0, friday.replace(hour=5)) == 8


# ----- steps ----------------------------------------------------------------------------------
def test_steps_over_a_week_of_the_issues_example():
    got = steps(parse(ISSUE), 6.0, MONDAY, 9)
    hours = [(round(t * 24, 6), v) for t, v in got]
    assert hours == [(0, 6), (8, 12), (20, 6), (32, 12), (44, 6), (56, 12), (68, 6), (72, 30)]


def test_steps_start_mid_day_merge_equal_neighbours_and_keep_unknown():
    cal = parse("Mon-Fri 08:00-20:00 12; Sat,Sun 12")
    got = steps(cal, None, MONDAY + datetime.timedelta(days=4, hours=12), 2)
    # Friday noon: 12 until 20:00, unknown to midnight, then 12 all weekend.
    assert [(round(t * 24, 6), v) for t, v in got] == [(0, 12), (8, None), (12, 12)]
    assert steps(Calendar(()), 5.0, MONDAY, 3) == [(0.0, 5.0)]
    assert steps(parse("3"), None, MONDAY, 100) == [(0.0, 3.0)]


def test_steps_agree_with_the_value_at_every_quarter_hour_of_a_fortnight():
    cal = parse("Mon-Fri 08:00-20:00 12; Sat,Sun 4; Fri 22:00-06:00 2; "
                "from 2027-04-03 Sat 09:30-10:15 40; from 2027-04-05 20")
    start = MONDAY + datetime.timedelta(hours=7, minutes=10)
    got = steps(cal, 6.0, start, 14)
    for k in range(14 * 96):
        t = k / 96
        moment = start + datetime.timedelta(days=t)
        expected = value_at(cal, 6.0, moment.replace(second=0, microsecond=0))
        held = [v for s, v in got if s <= t + 1e-12][-1]
        assert held == expected, moment
    assert all(a[1] != b[1] for a, b in zip(got, got[1:], strict=False))
    assert got[0][0] == 0 and all(a[0] < b[0] for a, b in zip(got, got[1:], strict=False))


def test_a_year_of_hourly_changes():
    cal = parse("; ".join(f"{h:02d}:00-{h + 1:02d}:00 {h % 2}" for h in range(24)))
    got = steps(cal, None, MONDAY, 365)
    assert len(got) == 365 * 24 and got[1] == (pytest.approx(1 / 24), 1.0)


def test_mean_weights_by_time_and_is_unknown_when_part_is():
    cal = parse(ISSUE)
    # 5 weekdays of 12 h at 12 and 12 h at 6, 2 weekend days at 4: (5*(6+3) + 2*4) / 7.
    assert mean(cal, 6.0, datetime.date(2027, 3, 1)) == pytest.approx((5 * 9 + 8) / 7)
    assert mean(cal, 6.0, datetime.date(2027, 4, 1)) == 30
    assert mean(cal, None, datetime.date(2027, 3, 1)) is None
    assert mean(Calendar(()), 3.0, datetime.date(2027, 3, 1)) == 3.0
    assert mean(Calendar(()), None, datetime.date(2027, 3, 1)) is None


def test_a_calendar_in_words():
    cal = parse("Mon-Fri 08:00-20:00 12; Sat,Sun 4; 20:00-08:00 6; Fri 22:00-06:00 1250.5; "
                "from 2027-04-01 30; 3; Wed,Fri-Mon 2")
    assert calendars.describe(cal) == (
        "12 on weekdays 08:00-20:00, 4 at weekends, 6 from 20:00 to 08:00, "
        "1,250.5 on Fridays 22:00-06:00, 30 from 1 April 2027, 3 every day, 2 on Wed,Fri-Mon")
    assert calendars.describe(parse("Mon 3"), " a year") == "3 a year on Mondays"


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=60)
@given(st.lists(_entries, min_size=1, max_size=5),
       st.datetimes(datetime.datetime(2026, 1, 1), datetime.datetime(2028, 1, 1)),
       st.lists(st.floats(0, 20, exclude_max=True), min_size=1, max_size=20))
def test_steps_hold_the_value_at_every_moment(entries, start, offsets):
    cal = Calendar(tuple(entries))
    start = start.replace(second=0, microsecond=0)
    got = steps(cal, -1.0, start, 20)
    assert got[0][0] == 0 and all(a[1] != b[1] for a, b in zip(got, got[1:], strict=False))
    for t in offsets:
        moment = (start + datetime.timedelta(days=t)).replace(second=0, microsecond=0)
        t = (moment - start).total_seconds() / 86400
        held = [v for s, v in got if s <= t + 1e-9][-1]
        assert held == value_at(cal, -1.0, moment), (cal.text(), moment)


def test_the_mean_of_huge_values_stays_finite():
    """A week of values near the largest float averages to one of them, not to infinity
    (the estimates' formulas cannot take an infinite number of places)."""
    cal = calendars.parse("Mon-Fri 1e308; Sat,Sun 1e308")
    assert calendars.mean(cal, None, datetime.date(2027, 1, 4)) == pytest.approx(1e308)
