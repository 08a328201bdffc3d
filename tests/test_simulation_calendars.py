"""The simulation with calendars (docs/analysis.md, "Simulation with calendars"): maps without
them run exactly as before; places change without pre-emption; arrivals follow the rate's
integral; the engine against ciw (ciw.Schedule, ciw.dists.PoissonIntervals) on one and two
services; Little's law; the start date; the assumptions in words; simulate --start."""

from __future__ import annotations

import datetime
import json
import math
import random

import pytest

from servicemap import calendars, demo, store
from servicemap.cli import main
from servicemap.errors import ServiceMapError
from servicemap.graph import sim_calendars
from servicemap.graph.document import Document
from servicemap.graph.sim_engine import next_arrival
from servicemap.graph.sim_model import Network, Station, build
from servicemap.graph.simulate import run_ciw, run_one, simulate
from tests.maps import sample_map
from tests.test_simulation import blocked_map, jackson, littles_law

START = datetime.date(2027, 1, 4)  # a Monday


def set_calendar(doc: Document, node: str, field: str, text: str) -> None:
    doc.update_node(node, {field: text or None})


def clinic(capacity_calendar: str = "", arrivals_calendar: str = "") -> Document:
    """A GP referring 2 a day to a clinic of 3 places (half-day stays)."""
    doc = Document()
    doc.add_node("access_point", "GP", "gp", arrivals_per_year=2 * 365)
    doc.add_node("service", "Clinic", "c", capacity=3, capacity_unit="places",
                 length_of_stay_days=0.5)
    doc.add_node("exit", "Home", "x")
    doc.add_edge("flow", "gp", "c", "f1", flow_type="referral", share_pct=100)
    doc.add_edge("flow", "c", "x", "f2", flow_type="discharge", share_pct=100)
    set_calendar(doc, "c", "capacity_calendar", capacity_calendar)
    set_calendar(doc, "gp", "arrivals_calendar", arrivals_calendar)
    return doc


# Recorded from 47a94fe (before calendars): one run of each map, seed 11, as (sum of places
# held, of people served a year, of mean waits, of refusals a year; mean time in the map).
BEFORE = [
    (lambda: blocked_map(True), 400, 20,
     (2.1152893735800884, 150.5625, 3.45443090602772, 0.0, 11.214822567760873)),
    (lambda: blocked_map(False), 400, 20,
     (2.131058040556462, 158.775, 3.9183358822669225, 20.075, 10.036842119774676)),
    (jackson, 400, 20, (5.102217397730084, 1244.65, 1.3950203044892957, 0.0, 3.515346164833615)),
    (sample_map, 400, 20, (0.0, 1205.4125000000001, 0, 0.0, 0.0)),
    (demo.kent_and_medway, 40, 10,
     (6916.2516587028995, 278458.5, 1.5372505527473264, 0.0, 0.729139963448332)),
]


@pytest.mark.parametrize("make, days, warm_up, before", BEFORE)
def test_maps_without_calendars_run_exactly_as_before(make, days, warm_up, before):
    network = build(make(), START, days, warm_up)
    assert all(s.places_steps is None and s.arrival_steps is None for s in network.stations)
    r = run_one(network, days, warm_up, 11)
    st = r["stations"]
    now = (sum(s["occupancy_mean"] for s in st), sum(s["throughput_per_year"] for s in st),
           sum(s["wait_mean_days"] or 0 for s in st), sum(s["refused_per_year"] for s in st),
           r["system"]["time_in_system_mean_days"])
    assert now == pytest.approx(before, rel=1e-12)


def test_blank_calendars_are_no_calendars():
    network = build(clinic(" ; ", ""), START, 10, 0)
    assert network.stations[0].places_steps is None and not network.assumptions


# ----- arrivals -------------------------------------------------------------------------------
def test_arrivals_in_each_window_match_the_rates_integral():
    cal = calendars.parse("Mon-Fri 08:00-12:00 3650; Mon-Fri 12:00-18:00 730; Sat 0")
    steps, _ = sim_calendars.rate_steps(cal, 365, datetime.datetime(2027, 1, 4), 7000)
    rng, t, k, times = random.Random(4), 0.0, 0, []
    while True:
        t, k = next_arrival(rng, steps, k, t)
        if t >= 7000:
            break
        times.append(t)
    # per week (1,000 weeks): mornings 10 a day x 4/24, afternoons 2 x 6/24, the rest 1 a day
    # over 14 h on weekdays and all Sunday; no one on Saturdays
    counts = {"morning": 0, "afternoon": 0, "weekday rest": 0, "saturday": 0, "sunday": 0}
    for t in times:
        day, hour = int(t) % 7, (t % 1) * 24
        if day == 5:
            counts["saturday"] += 1
        elif day == 6:
            counts["sunday"] += 1
        elif 8 <= hour < 12:
            counts["morning"] += 1
        elif 12 <= hour < 18:
            counts["afternoon"] += 1
        else:
            counts["weekday rest"] += 1
    expected = {"morning": 1000 * 5 * 10 * 4 / 24, "afternoon": 1000 * 5 * 2 * 6 / 24,
                "weekday rest": 1000 * 5 * 14 / 24, "saturday": 0, "sunday": 1000}
    for window, mean in expected.items():
        assert abs(counts[window] - mean) <= 4 * math.sqrt(mean) + 1e-9, window


def test_a_rate_of_0_to_the_end_means_no_more_arrivals():
    rng = random.Random(1)
    assert next_arrival(rng, [(0.0, 5.0), (1.0, 0.0)], 1, 1.5) == (math.inf, 1)
    t, k = next_arrival(rng, [(0.0, 0.0), (2.0, 0.0), (3.0, 100.0)], 0, 0.0)
    assert 3.0 < t < 3.2 and k == 2


def test_the_engines_arrivals_follow_the_calendar():
    doc = clinic(arrivals_calendar="Mon-Fri 08:00-20:00 2920")  # 8 a day, else 2 a day
    result = run_one(build(doc, START, 2800, 0), 2800, 0, 3)
    mean = (5 * (8 * 0.5 + 2 * 0.5) + 2 * 2) / 7 * 365
    assert result["system"]["arrivals_per_year"] == pytest.approx(mean, rel=0.02)


# ----- places ---------------------------------------------------------------------------------
def test_a_fall_lets_those_in_service_finish_and_a_rise_starts_the_waiting_at_once():
    # 100 people arrive in the first 0.01 days; stays of exactly 1 day; places 2, then 1 from
    # day 1.25, then 4 from day 2.25. Held at the start of each day: 0; 2; 2 (both in service
    # at 1.25 finish first, though the places are 1); 4 (the waiting start at 2.25).
    station = Station("c", "Clinic", 2, ("fixed", 1.0), arrivals_per_day=100,
                      arrival_steps=[(0.0, 10_000.0), (0.01, 0.0)],
                      places_steps=[(0.0, 2.0), (1.25, 1.0), (2.25, 4.0)])
    result = run_one(Network([station], []), 5, 0, 2)
    assert result["stations"][0]["occupancy_daily"][:5] == [0, 2, 2, 4, 4]


def test_places_of_0_close_a_service():
    doc = clinic(capacity_calendar="Sat,Sun 0")
    doc.update_node("c", {"los_distribution": "fixed"})  # half a day exactly
    network = build(doc, START, 700, 0)
    assert network.stations[0].places_steps[:3] == [(0.0, 3), (5.0, 0.0), (7.0, 3)]
    row = run_one(network, 700, 0, 5)["stations"][0]
    sundays = row["occupancy_daily"][6::7]  # held at 00:00 on Sunday: no one since Saturday
    assert len(sundays) == 100 and set(sundays) == {0} and max(row["occupancy_daily"]) > 0
    # a weekend arrival waits at least until Monday: a day on average, 2/7 of the arrivals
    assert row["wait_mean_days"] > 2 / 7


# ----- against ciw ----------------------------------------------------------------------------
def _mean(results, i, key):
    return sum(r["stations"][i][key] for r in results) / len(results)


def test_one_service_with_calendars_agrees_with_ciw():
    doc = clinic("Mon-Fri 08:00-20:00 5; Sat,Sun 2", "08:00-20:00 2920")
    network = build(doc, START, 4000, 20)
    ours = [run_one(network, 4000, 20, seed) for seed in (1, 2, 3)]
    theirs = [run_ciw(network, 4000, 20, seed) for seed in (1, 2, 3)]
    for key in ("occupancy_mean", "throughput_per_year"):
        assert _mean(ours, 0, key) == pytest.approx(_mean(theirs, 0, key), rel=0.05), key
    assert _mean(ours, 0, "wait_mean_days") == pytest.approx(
        _mean(theirs, 0, "wait_mean_days"), rel=0.15)
    for r in ours + theirs:
        littles_law({"name": "Clinic", **r["stations"][0]}, 0.03)


def test_two_services_with_calendars_agree_with_ciw():
    doc = jackson()  # assessment (3 places) -> treatment (4 places), and back
    set_calendar(doc, "a", "capacity_calendar", "Mon-Fri 09:00-17:00 5; Sat,Sun 2")
    set_calendar(doc, "t", "capacity_calendar", "from 2026-06-01 5")
    set_calendar(doc, "gp", "arrivals_calendar", "Mon-Fri 1095; Sat,Sun 365")
    network = build(doc, datetime.date(2026, 1, 5), 3000, 20)
    assert [s.places_steps is not None for s in network.stations] == [True, True]
    ours = [run_one(network, 3000, 20, seed) for seed in (1, 2, 3)]
    theirs = [run_ciw(network, 3000, 20, seed) for seed in (1, 2, 3)]
    for i in (0, 1):
        for key in ("occupancy_mean", "throughput_per_year"):
            assert _mean(ours, i, key) == pytest.approx(_mean(theirs, i, key), rel=0.05), (i, key)
        for r in ours:
            littles_law({"name": str(i), **r["stations"][i]}, 0.03)


# ----- the start date and the words -----------------------------------------------------------
def test_the_start_date_places_a_dated_step():
    doc = clinic(arrivals_calendar="from 2027-07-01 7300")  # 20 a day from July
    before = simulate(doc, days=60, warm_up=10, runs=1, workers=1, start=START)
    after = simulate(doc, days=60, warm_up=10, runs=1, workers=1,
                     start=datetime.date(2027, 7, 1))
    assert before["system"]["arrivals_per_year"] == pytest.approx(730, rel=0.25)
    assert after["system"]["arrivals_per_year"] == pytest.approx(7300, rel=0.1)
    network = build(doc, datetime.date(2027, 6, 21), 20, 0)  # the step on day 10
    assert network.stations[0].arrival_steps == [(0.0, 2.0), (10.0, 20.0)]


def test_the_assumptions_say_each_calendar_in_words():
    doc = clinic("Mon-Fri 08:00-20:00 12; Sat,Sun 4", "Mon-Fri 1000")
    network = build(doc, START, 30, 0)
    assert "Clinic: places follow a calendar (12 on weekdays 08:00-20:00, 4 at weekends, " \
        "otherwise 3)" in network.assumptions
    assert "GP: arrivals follow a calendar (1,000 a year on weekdays, otherwise 730 a year)" \
        in network.assumptions
    doc = clinic("Mon-Fri 5")
    doc.update_node("c", {"capacity": None})  # no field: the calendar alone, gaps unlimited
    assert build(doc, START, 30, 0).assumptions == [
        "Clinic: places follow a calendar (5 on weekdays, otherwise no limit)"]
    doc = clinic("5")
    doc.update_node("c", {"capacity_unit": "appointments a week"})
    assert any("its calendar of places is not used" in a
               for a in build(doc, START, 30, 0).assumptions)


def test_a_calendar_that_cannot_be_read_stops_the_run_in_one_sentence():
    doc = clinic()
    doc.graph.nodes["c"]["capacity_calendar"] = "Mon-Fry 4"  # as a file edited by hand might
    with pytest.raises(ServiceMapError) as caught:
        build(doc, START, 30, 0)
    assert str(caught.value) == ('Clinic: the capacity calendar cannot be read: entry 1 '
                                 '("Mon-Fry 4"): "Fry" is not a day; use Mon, Tue, Wed, Thu, '
                                 'Fri, Sat or Sun')


def test_an_access_point_with_a_calendar_and_no_rate_feeds_through_its_volumes():
    doc = clinic(arrivals_calendar="Mon-Fri 09:00-17:00 2190")  # 6 a day then, else none
    doc.update_node("gp", {"arrivals_per_year": None})
    doc.update_edge("f1", {"volume_per_year": 500.0, "share_pct": None})
    network = build(doc, START, 14, 0)
    assert network.stations[0].arrival_steps[:3] == [
        (0.0, 0.0), (pytest.approx(9 / 24), 6.0), (pytest.approx(17 / 24), 0.0)]
    assert "otherwise no one" in " ".join(network.assumptions)


def test_an_access_point_with_a_calendar_and_shares_needs_no_rate_a_year():
    doc = clinic(arrivals_calendar="1000")
    doc.update_node("gp", {"arrivals_per_year": None})
    network = build(doc, START, 14, 0)
    assert network.stations[0].arrival_steps == [(0.0, 1000 / 365)]
    assert network.stations[0].arrivals_per_day == pytest.approx(1000 / 365)


# ----- the command line -----------------------------------------------------------------------
def test_simulate_start_is_in_the_json_and_a_bad_date_is_exit_2(tmp_path, capsys):
    path = tmp_path / "m.smap"
    store.save(jackson(), path)
    assert main(["simulate", str(path), "--days", "20", "--warm-up", "2", "--runs", "1",
                 "--start", "2027-04-01", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["start"] == "2027-04-01" and data["days"] == 20 and data["results"]
    assert main(["simulate", str(path), "--days", "5", "--runs", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["start"] == datetime.date.today().isoformat()
    store.save(clinic(arrivals_calendar="from 2027-07-01 7300"), path)
    for start, per_year, otherwise in (("2027-03-01", 730, ", otherwise 730 a year"),
                                       ("2027-07-01", 7300, "")):  # the field never holds
        assert main(["simulate", str(path), "--days", "60", "--warm-up", "0", "--runs", "1",
                     "--start", start, "--json"]) == 0
        result = json.loads(capsys.readouterr().out)["results"][0]
        assert result["system"]["arrivals_per_year"] == pytest.approx(per_year, rel=0.25)
        assert f"GP: arrivals follow a calendar (7,300 a year from 1 July 2027{otherwise})" \
            in result["assumptions"]
    assert main(["simulate", str(path), "--days", "5", "--runs", "1", "--start",
                 "2027-07-01"]) == 0
    text = capsys.readouterr().out
    assert "Simulated 5 days from 2027-07-01 after a 90-day warm-up" in text
    assert "GP: arrivals follow a calendar (7,300 a year from 1 July 2027, otherwise 730 a " \
        "year)" in text  # the warm-up runs before the step
    for bad in ("2027-02-30", "1/4/2027", "tomorrow"):
        assert main(["simulate", str(path), "--start", bad]) == 2
        err = capsys.readouterr().err
        assert f"--start must be a date written YYYY-MM-DD, e.g. 2027-04-01 (got '{bad}')" \
            in err and len(err.strip().splitlines()) == 1
