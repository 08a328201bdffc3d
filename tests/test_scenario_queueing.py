"""The queueing estimates in a comparison of scenarios (issue #17): per service and for the
system, with deltas, on a map small enough to work out by hand (Erlang C at a clinic of 2 or
3 places, Erlang B at a ward of 1 or 2 beds and no queue), and in ``analyse --scenario --json``."""

from __future__ import annotations

import json

import pytest

from servicemap import store
from servicemap.graph.document import Document
from servicemap.graph.scenario_compare import compare
from servicemap.graph.scenarios import Change, Scenario, apply_scenario
from tests.test_cli import run


def clinic_and_ward() -> Document:
    """365 a year into a clinic (1-day stays, 2 places: a = 1, c = 2), half of them on to a
    ward (1-day stays, 1 bed, no queue: a = 0.5, Erlang B)."""
    doc = Document()
    doc.add_node("access_point", "GP", "gp")
    doc.add_node("service", "Clinic", "c", capacity=2, capacity_unit="places",
                 length_of_stay_days=1)
    doc.add_node("service", "Ward", "w", capacity=1, capacity_unit="beds",
                 length_of_stay_days=1, queue_limit=0)
    doc.add_node("exit", "Home", "x")
    doc.add_edge("flow", "gp", "c", "f1", flow_type="referral", volume_per_year=365)
    doc.add_edge("flow", "c", "w", "f2", flow_type="transfer", volume_per_year=182.5)
    doc.add_edge("flow", "c", "x", "f3", flow_type="discharge", volume_per_year=182.5)
    doc.add_edge("flow", "w", "x", "f4", flow_type="discharge", volume_per_year=182.5)
    doc.add_scenario(Scenario("s1", "More places", changes=[
        Change("set", "node", "c", {"capacity": 3.0}),
        Change("set", "node", "w", {"capacity": 2.0})]))
    return doc


def test_the_comparison_has_the_queueing_estimates_with_deltas():
    base = clinic_and_ward()
    result = compare(base, apply_scenario(base, base.scenario_named("More places")).doc)
    rows = {r["id"]: r for r in result["services"]}
    clinic, ward = rows["c"], rows["w"]
    # Erlang C, a = 1: c = 2 waits with 1/3 for 1/3 day; c = 3 with 1/11 for 1/22 day
    assert clinic["probability_of_wait"]["a"] == pytest.approx(1 / 3, abs=1e-3)
    assert clinic["probability_of_wait"]["b"] == pytest.approx(1 / 11, abs=1e-3)
    assert clinic["expected_wait_days"]["a"] == pytest.approx(1 / 3, abs=1e-3)
    assert clinic["expected_wait_days"]["b"] == pytest.approx(1 / 22, abs=1e-3)
    assert clinic["expected_wait_days"]["delta"] == pytest.approx(1 / 22 - 1 / 3, abs=1e-3)
    # Erlang B, a = 0.5: 1 bed refuses 1/3 of 182.5, 2 beds 1/13
    assert ward["refused_per_year"]["a"] == pytest.approx(182.5 / 3, abs=0.01)
    assert ward["refused_per_year"]["b"] == pytest.approx(182.5 / 13, abs=0.01)
    assert ward["refused_per_year"]["delta"] == pytest.approx(182.5 / 13 - 182.5 / 3, abs=0.02)
    assert ward["expected_wait_days"] == {"a": 0.0, "b": 0.0, "delta": 0.0}
    assert clinic["change"] == ward["change"] == "changed"
    system = result["system"]
    # per visit, weighted by people in: 365 at the clinic, 182.5 at the ward (no wait)
    assert system["expected_wait_days"]["a"] == pytest.approx(365 / 3 / 547.5, abs=1e-3)
    assert system["expected_wait_days"]["b"] == pytest.approx(365 / 22 / 547.5, abs=1e-3)
    assert system["probability_of_wait"]["b"] == pytest.approx(365 / 11 / 547.5, abs=1e-3)
    assert system["refused_per_year"]["a"] == pytest.approx(182.5 / 3, abs=0.01)
    assert system["refused_per_year"]["delta"] == pytest.approx(182.5 / 13 - 182.5 / 3,
                                                                abs=0.02)
    assert system["queues_without_end"] == {"a": 0, "b": 0, "delta": 0}


def test_a_queue_without_end_is_counted_and_makes_the_system_wait_unknown():
    base = clinic_and_ward()
    fewer = Scenario("s2", "One place", changes=[Change("set", "node", "c", {"capacity": 1.0})])
    result = compare(base, apply_scenario(base, fewer).doc)
    clinic = {r["id"]: r for r in result["services"]}["c"]
    assert clinic["expected_wait_days"]["b"] is None  # a = 1 at 1 place: grows without end
    assert clinic["expected_wait_days"]["delta"] is None
    system = result["system"]
    assert system["queues_without_end"] == {"a": 0, "b": 1, "delta": 1}
    assert system["expected_wait_days"] == {"a": pytest.approx(365 / 3 / 547.5, abs=1e-3),
                                            "b": None, "delta": None}
    assert system["probability_of_wait"]["b"] is None
    assert system["refused_per_year"]["b"] == pytest.approx(182.5 / 3, abs=0.01)


def test_analyse_scenario_json_has_the_scenarios_queueing_estimates(tmp_path, capsys):
    path = tmp_path / "plans.smap"
    store.save(clinic_and_ward(), path)
    _, out, _ = run(capsys, "analyse", path, "--json")
    _, plan_out, _ = run(capsys, "analyse", path, "--scenario", "More places", "--json")
    base = {r["id"]: r for r in json.loads(out)["per_service"]["services"]}
    plan = {r["id"]: r for r in json.loads(plan_out)["per_service"]["services"]}
    assert base["c"]["expected_wait_days"] == pytest.approx(1 / 3, abs=1e-3)
    assert plan["c"]["expected_wait_days"] == pytest.approx(1 / 22, abs=1e-3)
    assert plan["c"]["probability_of_wait"] == pytest.approx(1 / 11, abs=1e-3)
    assert base["w"]["refused_per_year"] == pytest.approx(182.5 / 3, abs=0.01)
    assert plan["w"]["refused_per_year"] == pytest.approx(182.5 / 13, abs=0.01)
    assert plan["c"]["expected_occupancy"] == pytest.approx(1.0, abs=1e-3)
