"""Which services the scenario report's and the Compare dialog's charts show first
(servicemap.graph.chart_choice): the services the scenario changes, then those whose results
move most, then the busiest; the titles say why. On a map whose busiest service the scenario
leaves alone."""

from __future__ import annotations

import datetime

from servicemap.graph import chart_choice
from servicemap.graph.document import Document
from servicemap.graph.scenario_compare import compare
from servicemap.graph.scenarios import Change, Scenario, apply_scenario, changes_between
from servicemap.graph.simulate import simulate
from servicemap.io import report_content


def moving_map() -> Document:
    """A busy clinic the scenario leaves alone; a small team it gives more places, with twice
    the people from its GP, so the follow-up after it (unchanged itself) moves."""
    doc = Document()
    doc.add_node("access_point", "Big GP", "gp1", arrivals_per_year=5000)
    doc.add_node("access_point", "Small GP", "gp2", arrivals_per_year=100)
    doc.add_node("service", "Busy clinic", "busy", capacity=500, capacity_unit="places",
                 length_of_stay_days=30)
    doc.add_node("service", "Small team", "small", capacity=3, capacity_unit="places",
                 length_of_stay_days=5)
    doc.add_node("service", "Follow-up", "follow", capacity=5, capacity_unit="places",
                 length_of_stay_days=10)
    doc.add_node("exit", "Home", "home")
    doc.add_edge("flow", "gp1", "busy", "f1", flow_type="referral", share_pct=100)
    doc.add_edge("flow", "busy", "home", "f2", flow_type="discharge", share_pct=100)
    doc.add_edge("flow", "gp2", "small", "f3", flow_type="referral", share_pct=100)
    doc.add_edge("flow", "small", "follow", "f4", flow_type="transfer", share_pct=100)
    doc.add_edge("flow", "follow", "home", "f5", flow_type="discharge", share_pct=100)
    doc.add_scenario(Scenario("s1", "More small", changes=[
        Change("set", "node", "small", {"capacity": 6.0}),
        Change("set", "node", "gp2", {"arrivals_per_year": 200.0})]))
    return doc


def sides():
    doc = moving_map()
    return doc, apply_scenario(doc, doc.scenarios["s1"]).doc


def test_changed_first_then_moving_then_busiest():
    a, b = sides()
    changed = chart_choice.changed_services(a, b, changes_between(a, b))
    assert changed == {"small"}  # the access point's change is not a service's
    chosen = chart_choice.choose(compare(a, b), changed)
    assert [(c.id, c.why) for c in chosen] == [("small", chart_choice.CHANGED),
                                               ("follow", chart_choice.MOVES),
                                               ("busy", chart_choice.BUSIEST)]
    assert chart_choice.why_words(chosen) == ("the service the scenario changes, then the one "
                                              "whose results move most, then the busiest")


def test_a_changed_flow_counts_both_its_ends():
    a = moving_map()
    a.add_scenario(Scenario("s2", "Shorter", changes=[
        Change("set", "edge", "f4", {"transfer_delay_days": 2.0})]))
    b = apply_scenario(a, a.scenarios["s2"]).doc
    assert chart_choice.changed_services(a, b, changes_between(a, b)) == {"small", "follow"}


def test_the_report_charts_the_changed_service_first_and_says_why():
    a, b = sides()
    settings = {"days": 200, "warm_up": 20, "runs": 2, "seed": 1}
    sims = [(label, simulate(doc, workers=1, **settings)) for label, doc in
            (("Baseline", a), ("More small", b))]
    report = report_content.build(a, b, "Baseline", "More small", sims, settings,
                                  datetime.date(2026, 12, 2))
    bars = report.charts[0]
    assert bars.categories == ["Small team", "Follow-up", "Busy clinic"]
    assert bars.title == ("People in a year: Baseline and More small, the service the "
                          "scenario changes, then the one whose results move most, then "
                          "the busiest")
    timed = [c for c in report.charts if c.kind == "band"]
    assert timed[0].title.startswith("Places held at Small team (changed by the scenario)")
    assert timed[1].title.startswith("Places held at Follow-up (its figures move by ")
    waits = [c.title for c in report.charts if c.title.startswith("Waits before")]
    assert waits[0] == "Waits before service starts at Small team (changed by the scenario)"
    simulated = next(t for t in report.tables if t.title.startswith("Simulated people"))
    assert [r[0] for r in simulated.rows] == ["Small team", "Follow-up", "Busy clinic"]
    assert simulated.note.startswith("The services shown: the service the scenario changes")
