"""Analysis measures on small hand-made maps with known answers (unknown numbers never count as
0), on the Kent and Medway map, on random documents, and through ``servicemap analyse``."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicemap import demo
from servicemap.cli import EXIT_BAD_INPUT, EXIT_OK, main
from servicemap.graph import analysis as an
from servicemap.graph import criticality
from servicemap.graph.analysis_report import report_lines
from servicemap.graph.document import Document
from servicemap.io.exchange import write_json

KEYS = ["per_service", "bottlenecks", "dead_ends", "unreachable", "boundary_crossings",
        "transitions_at_18", "coverage_gaps", "targets", "critical_services", "flow_balance",
        "rates", "derived_volumes"]


def make(services=(), flows=(), parents=None, serves=None) -> Document:
    """A map: org "o1" (directorates "d1", "d2") and org "o2"; access point "gp"; exit "out";
    ``services`` as (id, fields); ``flows`` as (source, target, fields); parents and serves by
    service id."""
    d = Document()
    d.add_node("organisation", "Trust one", "o1")
    d.add_node("organisation", "Trust two", "o2")
    for dir_id in ("d1", "d2"):
        d.add_node("directorate", f"Directorate {dir_id}", dir_id)
        d.add_edge("part_of", dir_id, "o1")
    d.add_node("access_point", "GP", "gp")
    d.add_node("exit", "Home", "out")
    for sid, fields in services:
        d.add_node("service", fields.pop("name", sid), sid, **fields)
    for sid, parent in (parents or {}).items():
        d.add_edge("part_of", sid, parent)
    for sid, places in (serves or {}).items():
        for place in places:
            if not d.has_node(place):
                d.add_node("partnership", place.upper(), place)
            d.add_edge("serves", sid, place)
    for i, (u, v, fields) in enumerate(flows):
        d.add_edge("flow", u, v, f"f{i}", **{"flow_type": "referral", **fields})
    return d


def rows_by_id(rows):
    return {r["id"]: r for r in rows}


# ----- per service and load -----------------------------------------------------------------
@pytest.mark.parametrize("capacity, unit, expected", [
    (10, "per week", 520), (2, "assessments per day", 730), (5, "a month", 60),
    (100, "courses per year", 100), (20, "visits per evening", 7300), (3, "weekly", 156),
    (400, None, 400), (400, "  ", 400), (0, "per day", 0),
    (170, "beds", None), (60, "caseload", None), (None, "per week", None),
])
def test_capacity_per_year(capacity, unit, expected):
    per_year, why = an.capacity_per_year(capacity, unit)
    assert per_year == expected
    assert bool(why) == (expected is None or not (unit or "").strip())


def test_people_in_out_net_and_load():
    d = make([("a", {"capacity": 100}), ("b", {"capacity": 10, "capacity_unit": "per week"})],
             [("gp", "a", {"volume_per_year": 150}), ("a", "b", {"volume_per_year": 40}),
              ("a", "out", {"volume_per_year": 60}, ), ("b", "out", {"volume_per_year": 40})])
    rows = rows_by_id(an.per_service(d)["services"])
    assert rows["a"]["people_in"] == 150 and rows["a"]["people_out"] == 100
    assert rows["a"]["net"] == 50
    assert rows["a"]["load"] == 1.5 and rows["a"]["load_status"] == "over capacity"
    assert rows["b"]["capacity_per_year"] == 520 and rows["b"]["load_status"] == "within capacity"
    assert rows["b"]["load"] == round(40 / 520, 4) and rows["b"]["net"] == 0


def test_unknown_volumes_are_not_zero():
    d = make([("a", {"capacity": 100}), ("b", {"capacity": 100}), ("c", {"capacity": 100})],
             [("gp", "a", {"volume_per_year": 40}), ("gp", "a", {"flow_type": "signpost"}),
              ("gp", "b", {}), ("gp", "c", {"volume_per_year": 30}),
              ("gp", "c", {"flow_type": "transfer", "volume_per_year": 90}), ("c", "out", {})])
    rows = rows_by_id(an.per_service(d)["services"])
    a, b, c = rows["a"], rows["b"], rows["c"]
    # a: 40 known + one unknown -> a lower bound; within so far, so the load is unknown
    assert a["people_in"] == 40 and a["in_unknown_flows"] == 1 and a["net"] is None
    assert a["load"] == 0.4 and a["load_is_lower_bound"] and a["load_status"] == "unknown"
    assert "unknown volume" in a["load_note"]
    # b: every volume unknown -> unknown, not 0
    assert b["people_in"] is None and b["load"] is None and b["load_status"] == "unknown"
    # c: out volume unknown -> net unknown; in known
    assert c["people_in"] == 120 and c["people_out"] is None and c["net"] is None
    assert c["load_status"] == "over capacity"
    # a lower bound above capacity is still over
    d.update_edge("f0", {"volume_per_year": 140})
    assert rows_by_id(an.per_service(d)["services"])["a"]["load_status"] == "over capacity"


def test_unknown_or_stock_capacity_is_load_unknown_not_overloaded():
    d = make([("a", {}), ("ward", {"capacity": 10, "capacity_unit": "beds"}), ("z", {})],
             [("gp", "a", {"volume_per_year": 9999}), ("gp", "ward", {"volume_per_year": 200})])
    result = an.per_service(d)
    rows = rows_by_id(result["services"])
    assert rows["a"]["load_status"] == "unknown" and rows["a"]["load_note"] == "capacity unknown"
    assert rows["ward"]["load"] is None and "beds" in rows["ward"]["load_note"]
    assert rows["ward"]["per_place"] == 20
    assert rows["z"]["people_in"] == 0 and rows["z"]["load_note"] == "no flows in"
    assert result["load_unknown"] == 3
    assert an.bottlenecks(d)["services"] == []


# ----- bottlenecks ---------------------------------------------------------------------------
def test_bottlenecks_by_capacity_and_by_wait():
    d = make([("full", {"capacity": 50}), ("slow", {"wait_target_days": 14}),
              ("fine", {"wait_target_days": 14}), ("vague", {}), ("ok", {"capacity": 500})],
             [("gp", "full", {"volume_per_year": 80}),
              ("gp", "slow", {"median_wait_days": 20}),               # service target 14
              ("gp", "fine", {"median_wait_days": 20, "wait_target_days": 28}),  # flow's wins
              ("full", "fine", {"median_wait_days": 10}),
              ("gp", "vague", {"median_wait_days": 300}),             # no target anywhere
              ("gp", "ok", {"volume_per_year": 80, "median_wait_days": 3,
                            "wait_target_days": 2})])
    result = an.bottlenecks(d)
    rows = rows_by_id(result["services"])
    assert set(rows) == {"full", "slow", "ok"}
    assert rows["full"]["reasons"] == ["over capacity"] and rows["full"]["load"] == 1.6
    assert rows["slow"]["reasons"] == ["wait over target"]
    assert rows["slow"]["wait_breaches"] == [{"flow": "f1", "from": "gp", "median_wait_days": 20,
                                              "target_days": 14, "target_from": "service"}]
    assert rows["ok"]["wait_breaches"][0]["target_from"] == "flow"
    assert result["services"][0]["id"] == "full"  # over capacity first
    assert result["wait_unknown"] == 2  # "vague" and "full" (no median on its flow in)
    ratios = rows_by_id(an.per_service(d)["services"])
    assert ratios["fine"]["worst_wait_ratio"] == round(20 / 28, 4)
    assert ratios["vague"]["worst_wait_ratio"] is None


def test_zero_wait_target():
    d = make([("a", {}), ("b", {})], [("gp", "a", {"median_wait_days": 1, "wait_target_days": 0}),
                                      ("gp", "b", {"median_wait_days": 0, "wait_target_days": 0})])
    rows = rows_by_id(an.per_service(d)["services"])
    assert rows["a"]["wait_breaches"] and rows["a"]["worst_wait_ratio"] is None
    assert not rows["b"]["wait_breaches"] and rows["b"]["worst_wait_ratio"] == 1.0
    json.dumps(an.analyse(d), allow_nan=False)


# ----- routes --------------------------------------------------------------------------------
def test_dead_ends_and_unreachable():
    d = make([(s, {}) for s in ("a", "stuck", "loop1", "loop2", "island", "orphan1", "orphan2")],
             [("gp", "a", {}), ("a", "out", {}), ("a", "stuck", {"volume_per_year": 5}),
              ("a", "loop1", {}), ("loop1", "loop2", {}), ("loop2", "loop1", {}),
              ("orphan1", "orphan2", {}), ("orphan2", "out", {})])
    dead = rows_by_id(an.dead_ends(d)["services"])
    assert dead["stuck"]["reason"] == "no flow out" and dead["stuck"]["people_in"] == 5
    assert dead["loop1"]["reason"] == dead["loop2"]["reason"] == "no route to an exit"
    assert dead["loop1"]["people_in"] is None  # every volume in unknown
    assert set(dead) == {"stuck", "loop1", "loop2"}  # island has no flow in: not entered
    lost = an.unreachable(d)
    assert rows_by_id(lost["services"]) == {
        "island": {"id": "island", "name": "island", "reason": "no flows in"},
        "orphan1": {"id": "orphan1", "name": "orphan1", "reason": "no flows in"},
        "orphan2": {"id": "orphan2", "name": "orphan2",
                    "reason": "only from unreachable services"}}
    assert lost["access_points"] == 1


def test_no_access_points_means_everything_unreachable():
    d = Document()
    d.add_node("service", "A", "a")
    d.add_node("exit", "Out", "out")
    d.add_edge("flow", "a", "out", flow_type="discharge")
    assert [r["id"] for r in an.unreachable(d)["services"]] == ["a"]
    assert an.dead_ends(d)["services"] == []


# ----- boundaries ----------------------------------------------------------------------------
def test_boundary_crossings_and_hand_offs():
    d = make([(s, {}) for s in ("a", "b", "c", "e", "f")],
             [("gp", "a", {"volume_per_year": 100}), ("a", "b", {"volume_per_year": 30}),
              ("b", "c", {"volume_per_year": 20}), ("c", "e", {}), ("a", "e", {}),
              ("e", "f", {"volume_per_year": 7}), ("a", "out", {}), ("b", "a", {})],
             parents={"a": "d1", "b": "d1", "c": "d2", "e": "o2"})  # f has no parent
    d.add_pathway("Route", ["gp", "a", "b", "c", "e", "f", "out"], pathway_id="p")
    d.add_pathway("Empty", [], pathway_id="q")
    result = an.boundary_crossings(d)
    flows = {r["id"]: r["kind"] for r in result["flows"]}
    assert flows == {"f2": "directorate", "f3": "organisation", "f4": "organisation"}
    assert result["unknown_flows"] == 1  # e -> f: f has no parent
    assert result["totals"]["organisation"] == {"flows": 2, "volume": 0.0,
                                                "volume_unknown_flows": 2}
    assert result["totals"]["directorate"] == {"flows": 1, "volume": 20.0,
                                               "volume_unknown_flows": 0}
    p, q = result["pathways"]
    assert (p["hand_offs"], p["unknown_steps"]) == (2, 1)
    assert [(c["from"], c["to"], c["kind"], c["flow"]) for c in p["crossings"]] == [
        ("b", "c", "directorate", "f2"), ("c", "e", "organisation", "f3")]
    assert (q["hand_offs"], q["crossings"]) == (0, [])


# ----- transition at 18 ----------------------------------------------------------------------
def test_transitions_at_18():
    d = make([("camhs", {"age_group": "children"}),
              ("cyp", {"category": "Children and young people", "age_group": "all"}),
              ("lonely", {"age_group": "children"}), ("vague_kids", {"age_group": "children"}),
              ("adult", {"age_group": "adults"}), ("allage", {"age_group": "all"}),
              ("old", {"age_group": "older_adults"}), ("unknown", {}),
              ("kids_ward", {"age_group": "children"})],
             [("camhs", "adult", {"flow_type": "transition", "volume_per_year": 50}),
              ("cyp", "allage", {"volume_per_year": 12}), ("cyp", "kids_ward", {}),
              ("kids_ward", "old", {}), ("lonely", "out", {}), ("vague_kids", "unknown", {}),
              ("camhs", "cyp", {})])
    result = an.transitions_at_18(d)
    assert {(r["source"], r["target"]) for r in result["flows"]} == {
        ("camhs", "adult"), ("cyp", "allage"), ("kids_ward", "old")}
    assert result["volume"] == 62 and result["volume_unknown_flows"] == 1
    assert [(r["id"], r["via_unknown_age"]) for r in result["no_adult_route"]] == [
        ("lonely", False), ("vague_kids", True)]
    assert [r["target"] for r in result["unknown_age_flows"]] == ["unknown"]
    assert result["children_services"] == 5


# ----- coverage ------------------------------------------------------------------------------
def test_coverage_gaps():
    d = make([("st1", {"name": "Street Triage, Thanet", "category": "crisis"}),
              ("st2", {"name": "Street Triage, Medway", "category": "crisis"}),
              ("cr1", {"name": "Crisis team", "category": "Crisis"}),
              ("cr2", {"name": "Crisis team 2", "category": "crisis"}),
              ("inherit", {"name": "Memory clinic", "category": "older adults"}),
              ("nowhere", {"name": "Helpline", "category": "crisis"}),
              ("plain", {"name": "Befriending"})],
             parents={"inherit": "d1"},
             serves={"st1": ["east"], "st2": ["medway"], "cr1": ["east", "west"],
                     "cr2": ["medway"], "d1": ["west"], "plain": ["east", "west", "medway"]})
    result = an.coverage(d)
    assert [p["id"] for p in result["partnerships"]] == ["east", "medway", "west"]
    gaps = {(g["level"], g["label"]): g for g in result["gaps"]}
    assert set(gaps) == {("service type", "Street Triage"), ("category", "older adults")}
    street = gaps[("service type", "Street Triage")]
    assert street["present"] == {"east": ["st1"], "medway": ["st2"]}
    assert street["missing"] == ["west"] and street["category"] == "crisis"
    assert gaps[("category", "older adults")]["present"] == {"west": ["inherit"]}  # from d1
    crisis = next(r for r in result["rows"] if r["label"].casefold() == "crisis")
    assert crisis["missing"] == [] and sorted(crisis["services"]) == ["cr1", "cr2", "st1", "st2"]
    assert result["unplaced"] == ["nowhere"] and result["uncategorised"] == ["plain"]


def test_one_partnership_has_no_gaps():
    d = make([("a", {"category": "crisis"}), ("b", {"category": "inpatient"})],
             serves={"a": ["only"], "b": ["only"]})
    assert an.coverage(d)["gaps"] == []


# ----- targets -------------------------------------------------------------------------------
def test_wait_target_share_weighted_and_unknowns_skipped():
    d = make([("big", {"pct_within_target": 90}), ("small", {"pct_within_target": 50}),
              ("exact", {"pct_within_target": 87}), ("nopct", {}),
              ("novol", {"pct_within_target": 99}), ("noflow", {"pct_within_target": 99})],
             [("gp", "big", {"volume_per_year": 600}), ("gp", "small", {"volume_per_year": 300}),
              ("gp", "exact", {"volume_per_year": 100}), ("gp", "nopct", {"volume_per_year": 5}),
              ("gp", "novol", {})])
    wait = an.targets(d)["wait"]
    assert wait["share_pct"] == 70.0 and wait["meets"] is False  # (600 + 100) / 1000
    assert wait["patients_within_target_pct"] == round((600 * 90 + 300 * 50 + 100 * 87) / 1000, 4)
    assert (wait["services_counted"], wait["pct_unknown"], wait["volume_unknown"]) == (3, 1, 2)
    d.update_edge("f1", {"volume_per_year": 10})
    assert an.targets(d)["wait"]["meets"] is True  # 700 / 710


def test_dna_gap_flagged_above_one_point():
    d = make([("wide", {"dna_rate_most_deprived": 12, "dna_rate_least_deprived": 6}),
              ("edge", {"dna_rate_most_deprived": 5, "dna_rate_least_deprived": 4}),
              ("neg", {"dna_rate_most_deprived": 3, "dna_rate_least_deprived": 5}),
              ("half", {"dna_rate_most_deprived": 9}), ("novol", {
                  "dna_rate_most_deprived": 30, "dna_rate_least_deprived": 0})],
             [("gp", "wide", {"volume_per_year": 100}), ("gp", "edge", {"volume_per_year": 100}),
              ("gp", "neg", {"volume_per_year": 200})])
    dna = an.targets(d)["dna"]
    rows = rows_by_id(dna["services"])
    assert (rows["wide"]["gap"], rows["wide"]["flagged"]) == (6, True)
    assert (rows["edge"]["gap"], rows["edge"]["flagged"]) == (1, False)  # exactly 1: not above
    assert (rows["neg"]["gap"], rows["neg"]["flagged"]) == (-2, False)
    assert rows["half"]["gap"] is None and rows["half"]["flagged"] is None
    assert dna["overall_gap"] == 0.75 and dna["overall_flagged"] is False  # (600+100-400)/400
    assert dna["mean_gap"] == round((6 + 1 - 2 + 30) / 4, 4)
    assert (dna["services_counted"], dna["services_flagged"], dna["rates_unknown"],
            dna["volume_unknown"]) == (4, 2, 1, 1)


# ----- critical services ---------------------------------------------------------------------
def test_betweenness_chain_exact():
    d = make([("a", {}), ("b", {})], [("gp", "a", {"volume_per_year": 10}),
                                      ("a", "b", {"volume_per_year": 10}),
                                      ("b", "out", {"volume_per_year": 10})])
    result = criticality.critical_services(an.Index(d))
    assert result["method"] == "exact"
    assert [(r["id"], r["betweenness"]) for r in result["services"]] == [
        ("a", round(2 / 6, 6)), ("b", round(2 / 6, 6))]


def test_betweenness_prefers_busy_routes_and_unknown_is_neutral():
    d = make([("busy", {}), ("quiet", {}), ("vague", {})],
             [("gp", "busy", {"volume_per_year": 100}), ("busy", "out", {"volume_per_year": 100}),
              ("gp", "quiet", {"volume_per_year": 1}), ("quiet", "out", {"volume_per_year": 1}),
              ("gp", "vague", {"volume_per_year": 0}), ("vague", "out", {})])
    result = criticality.critical_services(an.Index(d))
    assert [r["id"] for r in result["services"]] == ["busy"]
    assert result["neutral_volume"] == 50.5  # median of the known, non-zero volumes
    # vague -> out unknown counts as the median (100 now): the route ties with the busy one
    d.update_edge("f4", {"volume_per_year": 100})
    result = criticality.critical_services(an.Index(d))
    assert result["neutral_volume"] == 100
    assert [(r["id"], r["betweenness"]) for r in result["services"]] == [
        ("busy", round(0.5 / 12, 6)), ("vague", round(0.5 / 12, 6))]


def test_betweenness_estimate_on_large_maps_is_deterministic(monkeypatch):
    monkeypatch.setattr(criticality, "BETWEENNESS_WORK", 10)
    monkeypatch.setattr(criticality, "MIN_SAMPLES", 20)
    doc = demo.synthetic(100)
    first = criticality.critical_services(an.Index(doc))
    second = criticality.critical_services(an.Index(doc))
    assert first["method"].startswith("estimated from 20 of ")
    assert first == second and first["services"]


def cut_off(d):
    return {r["id"]: (r["people_cut_off"], r["cut_off_unknown_flows"], r["services_cut_off"])
            for r in criticality.critical_services(an.Index(d))["cut_off"]}


def test_people_cut_off_by_hand():
    # gp -100-> a -> b -> out; gp -30-> c -> b; c -> d -> out; gp -5-> e (no route out)
    # closing b: a loses its only route (100 in from gp), c still reaches out via d: 100 + b's 0
    # closing a: only a (100); closing c: c (30); d: nobody else (c has b), d itself has no gp
    # flow; e never had a route, so closing anything (e too) cuts nobody off through e.
    d = make([(s, {}) for s in "abcde"],
             [("gp", "a", {"volume_per_year": 100}), ("a", "b", {}), ("b", "out", {}),
              ("gp", "c", {"volume_per_year": 30}), ("c", "b", {}), ("c", "d", {}),
              ("d", "out", {}), ("gp", "e", {"volume_per_year": 5})])
    assert cut_off(d) == {"a": (100, 0, 1), "b": (100, 0, 2), "c": (30, 0, 1),
                          "d": (0, 0, 1), "e": (0.0, 0, 0)}
    ranked = criticality.critical_services(an.Index(d))["cut_off"]
    assert [r["id"] for r in ranked] == ["b", "a", "c", "d", "e"]  # ties: more services first
    assert [r["rank"] for r in ranked] == [1, 2, 3, 4, 5]
    assert ranked[1]["betweenness"] > 0  # the second figure stays beside it


def test_people_cut_off_unknown_volume_is_never_zero():
    # gp -?-> a -> b -> out and gp -20-> b: closing b cuts off a's unknown and b's 20 (a lower
    # bound, one unknown flow); closing a cuts off only people of unknown number
    d = make([("a", {}), ("b", {})],
             [("gp", "a", {}), ("a", "b", {}), ("b", "out", {}),
              ("gp", "b", {"volume_per_year": 20})])
    assert cut_off(d) == {"b": (20, 1, 2), "a": (None, 1, 1)}


def test_people_cut_off_second_route_saves_and_no_route_cuts_nobody():
    # a reaches out directly and through b: closing b cuts off only b; z has no way out, so
    # closing it cuts nobody off (it never had a route)
    d = make([("a", {}), ("b", {}), ("z", {})],
             [("gp", "a", {"volume_per_year": 7}), ("a", "out", {}), ("a", "b", {}),
              ("b", "out", {}), ("gp", "b", {"volume_per_year": 3}),
              ("gp", "z", {"volume_per_year": 9})])
    assert cut_off(d) == {"a": (7, 0, 1), "b": (3, 0, 1), "z": (0.0, 0, 0)}


def test_people_cut_off_in_analyse_json():
    d = make([("a", {})], [("gp", "a", {"volume_per_year": 4}), ("a", "out", {})])
    result = an.analyse(d)["critical_services"]
    assert {"method", "neutral_volume", "services", "cut_off"} <= set(result)
    assert result["cut_off"] == [{"id": "a", "name": "a", "rank": 1, "people_cut_off": 4,
                                  "cut_off_unknown_flows": 0, "services_cut_off": 1,
                                  "betweenness": 0.5}]  # gp -> out through a: 1 / (2 x 1)


# ----- rates per head ------------------------------------------------------------------------
def rates_of(d):
    return {r["id"]: r for r in an.analyse(d)["rates"]["partnerships"]}


def test_rates_split_a_shared_service_by_population():
    # "shared" (300 in) serves p1 (100,000) and p2 (200,000): 100 to p1, 200 to p2; "own" (50 in)
    # serves p1 only: p1 has 150 people, 150 per 100,000; p2 200 in 200,000, 100 per 100,000
    d = make([("shared", {"category": "crisis"}), ("own", {"category": "therapy"})],
             [("gp", "shared", {"volume_per_year": 300}), ("gp", "own", {"volume_per_year": 50})],
             serves={"shared": ["p1", "p2"], "own": ["p1"]})
    d.update_node("p1", {"population": 100_000})
    d.update_node("p2", {"population": 200_000})
    r = rates_of(d)
    assert (r["p1"]["people_in"], r["p1"]["rate_per_100k"], r["p1"]["lower_bound"]) == \
        (150, 150, False)
    assert (r["p2"]["people_in"], r["p2"]["rate_per_100k"]) == (200, 100)
    assert [(c["category"], c["people_in"], c["rate_per_100k"])
            for c in r["p1"]["by_category"]] == [("crisis", 100, 100), ("therapy", 50, 50)]
    assert r["p1"]["services"] == 2 and r["p2"]["services"] == 1


def test_rates_unknown_is_a_lower_bound_never_zero():
    # "vague" (volume unknown) and "part" (40 known + one unknown flow) serve p1; "split"
    # serves p1 and p2 whose population is unknown: its 90 cannot be split
    d = make([("vague", {}), ("part", {}), ("split", {}), ("home", {})],
             [("gp", "vague", {}), ("gp", "part", {"volume_per_year": 40}),
              ("vague", "part", {}), ("gp", "split", {"volume_per_year": 90}),
              ("gp", "home", {"volume_per_year": 7})],
             serves={"vague": ["p1"], "part": ["p1"], "split": ["p1", "p2"]})
    d.update_node("p1", {"population": 50_000})
    r = rates_of(d)
    assert r["p1"]["people_in"] == 40 and r["p1"]["rate_per_100k"] == 80
    assert r["p1"]["lower_bound"] is True
    assert r["p1"]["unknown_services"] == ["vague", "part", "split"]
    assert r["p2"]["rate_per_100k"] is None and r["p2"]["people_in"] == 0  # population unknown
    assert r["p2"]["unknown_services"] == ["split"]
    assert an.analyse(d)["rates"]["unplaced"] == ["home"]


def test_rates_follow_a_directorate_serving_its_partnership():
    d = make([("a", {"category": "crisis"})], [("gp", "a", {"volume_per_year": 12})],
             parents={"a": "d1"}, serves={"d1": ["p1"]})
    d.update_node("p1", {"population": 3_000})
    assert rates_of(d)["p1"]["rate_per_100k"] == 400


# ----- whole maps ----------------------------------------------------------------------------
def test_empty_map():
    result = an.analyse(Document())
    assert list(result) == KEYS
    assert result["per_service"]["services"] == [] and result["bottlenecks"]["services"] == []
    assert result["targets"]["wait"]["share_pct"] is None
    assert result["targets"]["dna"]["overall_gap"] is None
    assert result["critical_services"]["services"] == []
    json.dumps(result, allow_nan=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_maps_analyse_to_strict_json(doc_strategy, data):
    doc = data.draw(doc_strategy)
    result = an.analyse(doc)
    text = json.dumps(result, allow_nan=False)
    assert json.loads(text) == json.loads(json.dumps(result))
    services = {n for n, k in doc.graph.nodes(data="kind") if k == "service"}
    assert {r["id"] for r in result["per_service"]["services"]} == services
    for key in ("bottlenecks", "dead_ends", "unreachable"):
        assert {r["id"] for r in result[key]["services"]} <= services
    report_lines(doc, result)


def test_kent_and_medway_gives_sensible_results():
    doc = demo.kent_and_medway()
    r = an.analyse(doc)
    gaps = {g["label"]: g for g in r["coverage_gaps"]["gaps"]}
    assert sorted(gaps["Street Triage"]["present"]) == ["hcp-east-kent", "hcp-medway-swale"]
    assert sorted(gaps["Street Triage"]["missing"]) == ["hcp-dgs", "hcp-west-kent"]
    t = r["transitions_at_18"]
    # the eating disorders service is all-age (NELFT): no change of service at 18 into it
    assert {f["target"] for f in t["flows"]} == {
        "kmpt-cmht-north-kent", "kmpt-cmht-east-kent", "kmpt-cmht-west-kent"}
    assert all(f["source"] == "cyp-mh-service" for f in t["flows"]) and t["volume"] == 320
    assert t["no_adult_route"] == []
    # KCHFT's targets over KCHFT's own services (issue #16): 90.5% of patients within target
    # (met), a DNA gap of 2.4 points (not met); not pooled over every service of the map
    wait, dna = r["targets"]["wait"], r["targets"]["dna"]
    kchft = [n for n in doc.nodes_of_kind("service") if doc.parent(n) == "kchft"
             or doc.parent(doc.parent(n) or n) == "kchft"]
    assert wait["organisation"] == "kchft" and wait["service_ids"] == kchft
    people = {s["id"]: s["people_in"] for s in r["per_service"]["services"]}
    pct = {n: doc.node(n)["pct_within_target"] for n in kchft}
    known = [n for n in kchft if pct[n] is not None and people[n]]
    assert wait["patients_within_target_pct"] == round(
        sum(people[n] * pct[n] for n in known) / sum(people[n] for n in known), 4)
    assert dna["organisation"] == "kchft" and dna["service_ids"] == kchft
    assert dna["overall_flagged"] is True and dna["meets"] is False
    assert dna["rates_unknown"] > 0  # unknown rates are skipped, not zero gaps
    listed = {e["id"]: e for e in r["targets"]["list"]}
    assert listed["eip-2-weeks"]["meets"] is True and len(listed["eip-2-weeks"]["services"]) == 3
    assert len(listed["core-24-one-hour"]["services"]) == 7  # one liaison team per hospital
    assert listed["talking-therapies-18-weeks"]["value"] is None  # no 18-week figure yet
    bottlenecks = rows_by_id(r["bottlenecks"]["services"])
    assert bottlenecks["kmpt-cjld"]["reasons"] == ["over capacity"]
    assert "kmpt-cmht-north-kent" in bottlenecks  # the transition waits 45 days against 28
    # beds with a length of stay: about 95% used against the 85% recommended for beds (the
    # domain's planning scale), so over target occupancy but not over capacity
    assert bottlenecks["kmpt-acute-wards"]["reasons"] == ["over target occupancy"]
    assert r["dead_ends"]["services"] == [] and r["unreachable"]["services"] == []
    assert r["boundary_crossings"]["totals"]["organisation"]["flows"] >= 4
    hand_offs = {p["id"]: p["hand_offs"] for p in r["boundary_crossings"]["pathways"]}
    assert hand_offs["pathway-transition-18"] == 1 and hand_offs["pathway-talking-therapies"] == 0
    top = [s["id"] for s in r["critical_services"]["services"]]
    assert top[0] == "kmpt-acute-wards" and len(top) == 10


# ----- the command line ----------------------------------------------------------------------
@pytest.fixture
def kent_file(tmp_path):
    path = tmp_path / "kent.json"
    write_json(demo.kent_and_medway(), path)
    return path


def test_cli_text_report(kent_file, capsys):
    assert main(["analyse", str(kent_file)]) == EXIT_OK
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == "Kent and Medway mental health and community services"
    for heading in ("Bottlenecks", "Dead ends: none", "Unreachable from any access point: none",
                    "Boundary crossings:", "Transition at 18 (320 people a year): 3",
                    "Coverage gaps: 2", "Targets", "Critical services"):
        assert any(line.startswith(heading) for line in lines), heading
    assert any("Street Triage (service type, crisis)" in line for line in lines)


def test_cli_json(kent_file, capsys):
    assert main(["analyse", str(kent_file), "--json"]) == EXIT_OK
    out, err = capsys.readouterr()
    result = json.loads(out)
    assert list(result) == KEYS and err == ""
    assert "kmpt-street-triage-thanet" in {
        s for g in result["coverage_gaps"]["gaps"] for s in g["services"]}
    assert all("id" in row for row in result["bottlenecks"]["services"])


def test_cli_long_lists_are_cut_in_text(tmp_path, capsys):
    path = tmp_path / "big.json"
    write_json(demo.synthetic(300), path)
    assert main(["analyse", str(path)]) == EXIT_OK
    assert "more (--json lists them all)" in capsys.readouterr().out


def test_cli_bad_input(tmp_path, capsys):
    assert main(["analyse", str(tmp_path / "missing.smap")]) == EXIT_BAD_INPUT
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["analyse", str(bad)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "Traceback" not in err
