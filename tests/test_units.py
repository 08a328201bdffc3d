"""Waits and targets in hours, days or weeks; percentages; plurals; messages without ids.
All Qt-free (servicemap.units, servicemap.words)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicemap import model, units
from servicemap.units import (
    DAYS,
    HOURS,
    UNITS,
    WEEKS,
    best_unit,
    format_duration,
    format_percent,
    number_text,
    parse_duration,
    parse_percent,
)
from servicemap.words import plural, plural_of, without_ids

ALL_FIELDS = [f for kind in model.NodeKind for f in model.node_fields(kind)] + \
    list(model.FLOW_FIELDS) + list(model.MAP_FIELDS)


# ----- which fields ---------------------------------------------------------------------------
def test_every_days_field_is_a_duration_and_only_those():
    durations = {f.name for f in ALL_FIELDS if units.is_duration(f)}
    assert durations == {f.name for f in ALL_FIELDS if f.name.endswith("_days")}
    assert durations == {"wait_target_days", "median_wait_days", "length_of_stay_days",
                         "transfer_delay_days", "los_sd_days"}
    assert all(f.type is float and f.minimum == 0 for f in ALL_FIELDS if units.is_duration(f))


def test_percentages_are_the_0_to_100_fields():
    percentages = {f.name for f in ALL_FIELDS if units.is_percentage(f)}
    assert percentages == {"pct_within_target", "dna_rate_most_deprived",
                           "dna_rate_least_deprived", "target_occupancy_pct",
                           "pct_followed_up_72h", "share_pct"}
    assert all((f.minimum, f.maximum) == (0, 100) for f in ALL_FIELDS if units.is_percentage(f))


# ----- reading durations ----------------------------------------------------------------------
@pytest.mark.parametrize("days, shown", [
    (4 / 24, "4 hours"),
    (0.1667, "4 hours"),       # as a spreadsheet rounds it
    (1 / 24, "1 hour"),
    (0.5, "12 hours"),
    (1, "1 day"),
    (1.5, "1.5 days"),
    (10, "10 days"),
    (7, "1 week"),
    (14, "2 weeks"),
    (126, "18 weeks"),
    (365, "365 days"),
    (0, "0 days"),
    (None, "unknown"),
])
def test_shown_in_the_unit_that_reads_best(days, shown):
    assert format_duration(days) == shown


@pytest.mark.parametrize("days, unit, shown", [
    (4 / 24, DAYS, "0.17 days"),
    (14, DAYS, "14 days"),
    (10, WEEKS, "1.43 weeks"),
    (3, HOURS, "72 hours"),
    (7, WEEKS, "1 week"),
])
def test_shown_in_a_chosen_unit_and_rounded(days, unit, shown):
    assert format_duration(days, unit) == shown


@pytest.mark.parametrize("value, text", [
    (4, "4"), (0.16666666, "0.17"), (1250, "1,250"), (87.5, "87.5"), (0.024, "0.024"),
    (0.0001234, "0.00012"), (-0.0001, "-0.0001"), (2.0, "2"), (-0.001, "-0.001"),
])
def test_number_text(value, text):
    assert number_text(value) == text


@pytest.mark.parametrize("text, unit, days, typed", [
    ("4 hours", DAYS, 4 / 24, HOURS),
    ("4h", DAYS, 4 / 24, HOURS),
    ("4 hrs", DAYS, 4 / 24, HOURS),
    ("1 hour", WEEKS, 1 / 24, HOURS),
    ("2 weeks", DAYS, 14, WEEKS),
    ("2w", DAYS, 14, WEEKS),
    ("1.5 wk", DAYS, 10.5, WEEKS),
    ("10 days", HOURS, 10, DAYS),
    ("3d", WEEKS, 3, DAYS),
    ("3 D", HOURS, 3, DAYS),
    ("3", DAYS, 3, None),           # a plain number is in the unit shown beside it
    ("3", HOURS, 3 / 24, None),
    ("2", WEEKS, 14, None),
    ("1,000 days", DAYS, 1000, DAYS),
    (" 0.5 days. ", DAYS, 0.5, DAYS),
    ("", DAYS, None, None),         # empty: unknown, not 0
    ("   ", HOURS, None, None),
])
def test_typed_durations_are_understood(text, unit, days, typed):
    got, got_unit = parse_duration(text, unit)
    assert got_unit == typed
    assert got == pytest.approx(days) if days is not None else got is None


def test_whole_days_are_whole_numbers():
    days, _ = parse_duration("2 weeks")
    assert days == 14 and isinstance(days, int)


@pytest.mark.parametrize("text", ["soon", "4 fortnights", "4 hours 3", "h4", "..", "1e999"])
def test_anything_else_is_refused_with_a_reason(text):
    with pytest.raises(ValueError, match="must be"):
        parse_duration(text)


durations = st.floats(min_value=0, max_value=10_000, allow_nan=False, allow_infinity=False)


def tolerance(days: float, unit: str) -> float:
    """Half the last digit shown, in days (two decimals, or two significant figures)."""
    return 0.5 * 10 ** -units.decimals(units.in_unit(days, unit)) * units.DAYS_IN[unit] + 1e-12


@given(durations)
def test_round_trip_in_the_best_unit(days):
    unit = best_unit(days)
    back, typed = parse_duration(format_duration(days))
    assert typed == unit
    assert abs(back - days) <= tolerance(days, unit)


@given(durations, st.sampled_from(UNITS))
def test_round_trip_in_any_unit(days, unit):
    back, typed = parse_duration(format_duration(days, unit), DAYS)
    assert typed == unit
    assert abs(back - days) <= tolerance(days, unit)
    # the number alone, typed back into a box showing that unit, means the same
    number = units.number_text(units.in_unit(days, unit))
    alone, _ = parse_duration(number, unit)
    assert abs(alone - days) <= tolerance(days, unit)


@given(durations)
def test_rounding_never_shows_long_decimals(days):
    number = format_duration(days).split()[0].replace(",", "")
    assert len(number.partition(".")[2]) <= max(2, units.decimals(float(number) or 1))


# ----- percentages ----------------------------------------------------------------------------
@pytest.mark.parametrize("value, shown", [(85, "85%"), (87.5, "87.5%"), (100, "100%"),
                                          (0, "0%"), (87.456, "87.46%"), (None, "unknown")])
def test_percent_shown(value, shown):
    assert format_percent(value) == shown


@pytest.mark.parametrize("text, value", [("85%", 85), ("85", 85), (" 85 % ", 85),
                                         ("87.5%", 87.5), ("", None), ("140%", 140)])
def test_percent_typed(text, value):
    assert parse_percent(text) == value


@pytest.mark.parametrize("text", ["most", "85%%", "%", "85 percent"])
def test_percent_refused(text):
    with pytest.raises(ValueError, match="must be"):
        parse_percent(text)


@given(st.floats(min_value=0, max_value=100, allow_nan=False))
def test_percent_round_trip(value):
    back = parse_percent(format_percent(value))
    assert math.isclose(back, value, abs_tol=0.5 * 10 ** -units.decimals(value) + 1e-12)


# ----- words ----------------------------------------------------------------------------------
@pytest.mark.parametrize("n, word, text", [
    (1, "service", "1 service"), (0, "service", "0 services"), (2, "service", "2 services"),
    (1, "access point", "1 access point"), (3, "access point", "3 access points"),
    (2, "entry", "2 entries"), (2, "day", "2 days"), (2, "box", "2 boxes"),
    (1250, "flow", "1,250 flows"), (2, "person", "2 people"), (1, "person", "1 person"),
])
def test_plural(n, word, text):
    assert plural(n, word, "people" if word == "person" else None) == text


def test_plural_of_keeps_capitals():
    assert plural_of("Bottleneck") == "Bottlenecks"


def test_ids_leave_messages():
    names = {"crisis": "Crisis team", "f1": "GP → Crisis team"}.get
    assert without_ids('service "Crisis team" (crisis): capacity must be at least 0', names) \
        == 'service "Crisis team": capacity must be at least 0'
    assert without_ids('flow "GP" -> "Crisis team" (f1): there is already a referral flow') \
        == 'flow "GP" -> "Crisis team": there is already a referral flow'
    assert without_ids("step 2 refers to node 'crisis', which does not exist", names) == \
        "step 2 refers to node “Crisis team”, which does not exist"
    # other quoted words and bracketed phrases stay
    assert without_ids("has no field 'colour' (and 2 more problems)", names) == \
        "has no field 'colour' (and 2 more problems)"
