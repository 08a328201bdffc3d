"""Per pathway: days from entry to exit in the simulation (docs/analysis.md, simulation), on a
two-service chain checked by hand: an M/M/1 clinic (its wait and stay, theory's) then a 70%
transfer with a day in transit to a ward of a fixed 3 days; its pathways' times are the sums of
their waits, stays and delays, and the people on each split by the shares."""

from __future__ import annotations

import json
import math

import pytest

from servicemap import store
from servicemap.cli import main
from servicemap.graph.document import Document
from servicemap.graph.simulate import simulate

LAMBDA, MU = 0.25, 0.5  # a day: the clinic's arrivals and its rate of service (1 place)


def chain() -> Document:
    doc = Document()
    doc.add_node("access_point", "GP", "gp", arrivals_per_year=LAMBDA * 365)
    doc.add_node("service", "Clinic", "c", capacity=1, capacity_unit="places",
                 length_of_stay_days=1 / MU)
    doc.add_node("service", "Ward", "w", length_of_stay_days=3, los_distribution="fixed")
    doc.add_node("exit", "Home", "x")
    doc.add_edge("flow", "gp", "c", "f1", flow_type="referral", share_pct=100)
    doc.add_edge("flow", "c", "w", "f2", flow_type="transfer", share_pct=70,
                 transfer_delay_days=1)
    doc.add_edge("flow", "c", "x", "f3", flow_type="discharge", share_pct=30)
    doc.add_edge("flow", "w", "x", "f4", flow_type="discharge", share_pct=100)
    doc.add_pathway("Clinic then ward", ["gp", "c", "w", "x"], pathway_id="p1")
    doc.add_pathway("Clinic only", ["gp", "c", "x"], pathway_id="p2")
    doc.add_pathway("Straight to the ward", ["gp", "w", "x"], pathway_id="p3")
    return doc


def test_a_pathways_time_is_the_sum_of_its_waits_stays_and_delays():
    result = simulate(chain(), days=20_000, warm_up=200, runs=4, workers=1)
    clinic, ward = result["services"]
    by_id = {p["id"]: p for p in result["pathways"]}
    assert [p["id"] for p in result["pathways"]] == ["p1", "p2", "p3"]
    wait = LAMBDA / MU / (MU - LAMBDA)  # M/M/1: rho / (mu - lambda) = 2 days
    assert clinic["wait_mean_days"] == pytest.approx(wait, rel=0.05)
    sojourn = wait + 1 / MU  # 4 days at the clinic, exponential (M/M/1)
    both, only = by_id["p1"], by_id["p2"]
    assert both["time_mean_days"] == pytest.approx(sojourn + 1 + 3, rel=0.05)
    assert only["time_mean_days"] == pytest.approx(sojourn, rel=0.05)
    # the same sum from the simulation's own figures per service
    own = (clinic["wait_mean_days"] + clinic["length_of_stay_mean_days"] + 1
           + ward["wait_mean_days"] + ward["length_of_stay_mean_days"])
    assert both["time_mean_days"] == pytest.approx(own, rel=0.05)
    low, high = both["time_mean_days_ci"]
    assert low <= both["time_mean_days"] <= high
    # an M/M/1 time in the system is exponential: its 95th percentile is mean x ln 20
    assert only["time_p95_days"] == pytest.approx(sojourn * math.log(20), rel=0.05)
    assert both["time_p95_days"] == pytest.approx(sojourn * math.log(20) + 4, rel=0.05)
    # the people on each: 70% and 30% of those arriving over the 20,000 days
    arriving = LAMBDA * 20_000
    assert both["people"] == pytest.approx(0.7 * arriving, rel=0.05)
    assert only["people"] == pytest.approx(0.3 * arriving, rel=0.05)
    assert by_id["p3"] == {"id": "p3", "name": "Straight to the ward", "people": 0,
                           "time_mean_days": None, "time_mean_days_ci": None,
                           "time_p95_days": None}


def test_people_refused_on_the_way_are_on_no_pathway():
    doc = chain()
    doc.update_node("w", {"capacity": 1, "capacity_unit": "beds", "queue_limit": 0})
    result = simulate(doc, days=5_000, warm_up=100, runs=2, workers=1)
    by_id = {p["id"]: p for p in result["pathways"]}
    ward = result["services"][1]
    assert ward["refused_per_year"] > 0
    # those reaching the ward are served there; the rest were refused and counted nowhere
    assert by_id["p1"]["people"] == pytest.approx(ward["throughput_per_year"] / 365 * 5_000,
                                                  rel=0.05)
    assert by_id["p2"]["people"] == pytest.approx(0.3 * LAMBDA * 5_000, rel=0.1)


def test_simulate_json_and_report_have_the_pathways(tmp_path, capsys):
    path = tmp_path / "chain.smap"
    store.save(chain(), path)
    assert main(["simulate", str(path), "--days", "400", "--warm-up", "20", "--runs", "2",
                 "--json"]) == 0
    [result] = json.loads(capsys.readouterr().out)["results"]
    row = result["pathways"][0]
    assert set(row) == {"id", "name", "people", "time_mean_days", "time_mean_days_ci",
                        "time_p95_days"}
    assert (row["id"], row["name"]) == ("p1", "Clinic then ward") and row["people"] > 0
    assert main(["simulate", str(path), "--days", "400", "--runs", "2"]) == 0
    out = capsys.readouterr().out
    assert "Pathways, days from entry to exit" in out
    assert "  Clinic then ward: " in out and "95th percentile" in out


def two_doors() -> Document:
    """One clinic that two GP practices refer to (four people a day from the first, one from
    the second, the second through a day in transit), leaving 70% home and 30% to a ward
    outside the map; pathways with the same services but different access points or exits."""
    doc = Document()
    doc.add_node("access_point", "North GP", "gp_n", arrivals_per_year=4 * 365)
    doc.add_node("access_point", "South GP", "gp_s", arrivals_per_year=365)
    doc.add_node("service", "Clinic", "c", capacity=20, capacity_unit="places",
                 length_of_stay_days=2)
    doc.add_node("exit", "Home", "home")
    doc.add_node("exit", "Out-of-area ward", "away")
    doc.add_edge("flow", "gp_n", "c", "f1", flow_type="referral", share_pct=100)
    doc.add_edge("flow", "gp_s", "c", "f2", flow_type="referral", share_pct=100,
                 transfer_delay_days=1)
    doc.add_edge("flow", "c", "home", "f3", flow_type="discharge", share_pct=70)
    doc.add_edge("flow", "c", "away", "f4", flow_type="transfer", share_pct=30)
    doc.add_pathway("North to home", ["gp_n", "c", "home"], pathway_id="n_home")
    doc.add_pathway("South to home", ["gp_s", "c", "home"], pathway_id="s_home")
    doc.add_pathway("North away", ["gp_n", "c", "away"], pathway_id="n_away")
    doc.add_pathway("Any clinic visit", ["c"], pathway_id="any")
    doc.add_pathway("South, any exit", ["gp_s", "c"], pathway_id="s_any")
    return doc


def test_pathways_with_the_same_services_but_other_doors_get_other_people():
    result = simulate(two_doors(), days=4_000, warm_up=50, runs=2, workers=1)
    people = {p["id"]: p["people"] for p in result["pathways"]}
    times = {p["id"]: p["time_mean_days"] for p in result["pathways"]}
    everyone = people["any"]
    assert everyone == pytest.approx(5 * 4_000, rel=0.03)
    # the access point: four in five came in by the North GP, one in five by the South
    assert people["s_any"] == pytest.approx(everyone / 5, rel=0.05)
    # the exit: 70% home and 30% away, whichever the door
    assert people["n_home"] == pytest.approx(everyone * 0.8 * 0.7, rel=0.05)
    assert people["n_away"] == pytest.approx(everyone * 0.8 * 0.3, rel=0.05)
    assert people["s_home"] == pytest.approx(everyone * 0.2 * 0.7, rel=0.08)
    assert people["n_home"] != people["s_home"]
    # each person has one door in: the two doors' people to any exit are everyone (a run
    # counts the whole people; the result gives the mean over the runs)
    north = people["n_home"] + people["n_away"]
    assert north + people["s_any"] == pytest.approx(everyone, rel=0.03)
    # no one waits (20 places for 10 held on average): two days at the clinic, the South's
    # people a day in transit too
    assert times["n_home"] == pytest.approx(2, rel=0.05)
    assert times["s_home"] == pytest.approx(3, rel=0.05)


def test_a_pathway_whose_door_feeds_another_service_gets_no_one():
    doc = two_doors()
    doc.add_node("service", "Elsewhere", "e", capacity=5, capacity_unit="places",
                 length_of_stay_days=1)
    doc.add_node("access_point", "Walk-in", "walk", arrivals_per_year=365)
    doc.add_edge("flow", "walk", "e", "f5", flow_type="referral", share_pct=100)
    doc.add_edge("flow", "e", "home", "f6", flow_type="discharge", share_pct=100)
    doc.add_pathway("Walk-in to the clinic", ["walk", "c", "home"], pathway_id="walk_c")
    result = simulate(doc, days=500, warm_up=10, runs=1, workers=1)
    people = {p["id"]: p["people"] for p in result["pathways"]}
    assert people["walk_c"] == 0 and people["n_home"] > 0


def test_simulate_json_tells_the_doors_apart(tmp_path, capsys):
    path = tmp_path / "doors.smap"
    store.save(two_doors(), path)
    assert main(["simulate", str(path), "--days", "1000", "--warm-up", "20", "--runs", "2",
                 "--json"]) == 0
    [result] = json.loads(capsys.readouterr().out)["results"]
    people = {p["id"]: p["people"] for p in result["pathways"]}
    assert people["n_home"] > 2 * people["s_home"] > 0  # four in five by the North GP
    assert people["n_home"] + people["n_away"] + people["s_any"] == pytest.approx(
        people["any"], rel=0.03)
