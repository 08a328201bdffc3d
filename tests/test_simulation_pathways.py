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
