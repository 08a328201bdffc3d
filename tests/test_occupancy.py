"""Length of stay and target occupancy: Little's law on hand-checked maps, the new bottleneck
reason, the length-of-stay check, the schema-4 migration of older files and round trips of the
two fields through every exchange format."""

from __future__ import annotations

import json
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicemap import store
from servicemap.cli import EXIT_OK, main
from servicemap.graph import analysis as an
from servicemap.io.exchange import to_node_link, write_json
from tests.conftest import as_version
from tests.roundtrip import FORMATS, through
from tests.test_analysis import make, rows_by_id


def ward_map(**ward):
    """A 20-bed ward taking 365 people a year from the GP; a caseload team of 50 taking 100."""
    return make([("ward", {"capacity": 20, "capacity_unit": "beds", **ward}),
                 ("team", {"capacity": 50, "capacity_unit": "caseload",
                           "length_of_stay_days": 146})],
                [("gp", "ward", {"volume_per_year": 365}),
                 ("ward", "out", {"volume_per_year": 365}),
                 ("gp", "team", {"volume_per_year": 100}), ("team", "out", {})])


def test_littles_law_turns_beds_into_people_a_year():
    # 20 beds x 365 / 20 days = 365 people a year; 365 in -> 100% occupied, over 85%
    rows = rows_by_id(an.per_service(ward_map(length_of_stay_days=20))["services"])
    ward = rows["ward"]
    assert ward["capacity_per_year"] == 365 and ward["capacity_is_stock"]
    assert ward["load"] == 1.0 and ward["load_status"] == "within capacity"
    assert ward["occupancy_pct"] == 100 and ward["target_occupancy_pct"] == 85
    assert ward["target_occupancy_from"] == "default" and ward["over_target_occupancy"] is True
    # 365 a year x 20 days / 365 / 0.85 = 23.53 beds needed
    assert ward["required_places"] == 23.53
    assert ward["implied_length_of_stay_days"] == 20 and ward["length_of_stay_flagged"] is False
    assert ward["per_place"] == 18.25
    # caseload 50 x 365 / 146 days = 125 a year; 100 in = 80%, default target 100% (not beds)
    team = rows["team"]
    assert team["capacity_per_year"] == 125 and team["occupancy_pct"] == 80
    assert team["target_occupancy_pct"] == 100 and team["over_target_occupancy"] is False
    assert team["required_places"] == 40  # 100 x 146 / 365 / 1.0
    # implied 50 x 365 / 100 = 182.5 days against 146 recorded: 20% off, not more than 20%
    assert team["implied_length_of_stay_days"] == 182.5 and team["length_of_stay_flagged"] is False


def test_over_target_occupancy_is_a_bottleneck_reason_below_capacity():
    result = an.bottlenecks(ward_map(length_of_stay_days=20))
    rows = rows_by_id(result["services"])
    assert rows["ward"]["reasons"] == ["over target occupancy"]
    assert rows["ward"]["occupancy_pct"] == 100 and rows["ward"]["target_occupancy_pct"] == 85
    assert "team" not in rows
    # a recorded target of 100% is met at exactly 100% occupancy
    assert an.bottlenecks(ward_map(length_of_stay_days=20, target_occupancy_pct=100))[
        "services"] == []
    # over capacity (30 days: 243.33 a year, 150%) is reported as over capacity alone
    over = rows_by_id(an.bottlenecks(ward_map(length_of_stay_days=30))["services"])["ward"]
    assert over["reasons"] == ["over capacity"] and over["load"] == 1.5


def test_recorded_length_of_stay_far_from_the_implied_one_is_flagged():
    # 20 beds, 365 people a year imply 20 days; 25 recorded is 25% away, 15 is 25% away
    for stay, flagged in ((25, True), (15, True), (23.9, False), (16.1, False)):
        ward = rows_by_id(an.per_service(ward_map(length_of_stay_days=stay))["services"])["ward"]
        assert ward["length_of_stay_flagged"] is flagged, stay


def test_unknowns_stay_unknown():
    rows = rows_by_id(an.per_service(ward_map())["services"])
    ward = rows["ward"]  # no length of stay: as before, load unknown
    assert ward["capacity_per_year"] is None and ward["load_status"] == "unknown"
    assert "beds" in ward["load_note"] and "length of stay" in ward["load_note"]
    assert ward["occupancy_pct"] is None and ward["required_places"] is None
    assert ward["over_target_occupancy"] is None and ward["length_of_stay_flagged"] is None
    assert ward["implied_length_of_stay_days"] == 20  # from places and people in alone
    # the team's flow out is unknown, which does not matter; an unknown flow in does
    d = ward_map(length_of_stay_days=20)
    d.add_edge("flow", "gp", "ward", "extra", flow_type="signpost")
    ward = rows_by_id(an.per_service(d)["services"])["ward"]
    assert ward["implied_length_of_stay_days"] is None and ward["length_of_stay_flagged"] is None
    assert ward["required_places_is_lower_bound"] and ward["over_target_occupancy"] is True
    # a length of stay of 0 gives no capacity a year, not infinity
    ward = rows_by_id(an.per_service(ward_map(length_of_stay_days=0))["services"])["ward"]
    assert ward["capacity_per_year"] is None and "0 days" in ward["load_note"]


def test_throughput_capacities_have_occupancy_too():
    d = make([("a", {"capacity": 10, "capacity_unit": "per week", "target_occupancy_pct": 90})],
             [("gp", "a", {"volume_per_year": 494})])
    a = rows_by_id(an.per_service(d)["services"])["a"]
    assert a["capacity_is_stock"] is False and a["occupancy_pct"] == 95
    assert a["over_target_occupancy"] is True and a["implied_length_of_stay_days"] is None
    assert an.bottlenecks(d)["services"][0]["reasons"] == ["over target occupancy"]


def test_analyse_json_carries_the_new_fields(tmp_path, capsys):
    path = tmp_path / "ward.json"
    write_json(ward_map(length_of_stay_days=20), path)
    assert main(["analyse", str(path), "--json"]) == EXIT_OK
    out = json.loads(capsys.readouterr().out)
    ward = rows_by_id(out["per_service"]["services"])["ward"]
    assert (ward["capacity_per_year"], ward["occupancy_pct"], ward["required_places"],
            ward["implied_length_of_stay_days"]) == (365, 100, 23.53, 20)
    assert rows_by_id(out["bottlenecks"]["services"])["ward"]["reasons"] == [
        "over target occupancy"]


# ----- the file: schema 4 and its migration ---------------------------------------------------
def test_version_3_file_migrates_in_memory_and_is_left_alone(tmp_path, file_state):
    doc = ward_map(length_of_stay_days=20, target_occupancy_pct=90)
    path = tmp_path / "v3.smap"
    store.save(doc, path)
    conn = sqlite3.connect(path)
    for statement in as_version(3):  # version 4 added the notes table and two node columns
        conn.execute(statement)
    conn.commit()
    conn.close()
    before = file_state(path)
    old = store.load(path)
    assert file_state(path) == before
    assert old.node("ward")["length_of_stay_days"] is None
    assert old.node("ward")["target_occupancy_pct"] is None
    assert old.node("ward")["capacity"] == 20 and old.notes == {}
    out = tmp_path / "v4.smap"
    old.update_node("ward", {"length_of_stay_days": 12.5})
    store.save(old, out)
    assert store.load(out).node("ward")["length_of_stay_days"] == 12.5


def test_version_4_file_keeps_both_fields(tmp_path):
    path = tmp_path / "m.smap"
    store.save(ward_map(length_of_stay_days=20, target_occupancy_pct=92.5), path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    conn.close()
    ward = store.load(path).node("ward")
    assert (ward["length_of_stay_days"], ward["target_occupancy_pct"]) == (20, 92.5)


# ----- every exchange format -----------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(stay=st.one_of(st.none(), st.floats(0, 1e6), st.integers(0, 10_000)),
       target=st.one_of(st.none(), st.floats(0, 100), st.integers(0, 100)))
def test_new_fields_round_trip_through_every_format(fmt, stay, target, tmp_path_factory):
    doc = ward_map(length_of_stay_days=stay, target_occupancy_pct=target)
    back = through(fmt, doc, tmp_path_factory.mktemp(fmt))
    assert back.node("ward")["length_of_stay_days"] == stay
    assert back.node("ward")["target_occupancy_pct"] == target
    assert back.node("team")["length_of_stay_days"] == 146
    assert {n["id"]: n for n in to_node_link(back)["nodes"]}["ward"] == \
        {n["id"]: n for n in to_node_link(doc)["nodes"]}["ward"]


def test_a_vanishingly_small_target_requires_no_places_instead_of_dividing_by_zero():
    from servicemap.graph import occupancy

    # 5e-324 % is a positive target whose share (5e-326) is 0.0 in floating point.
    row = occupancy.occupancy(stock=False, capacity=None, per_year=None, people_in=0,
                              in_unknown=0, length_of_stay=0, target_pct=5e-324)
    assert row["required_places"] is None
