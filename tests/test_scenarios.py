"""Scenarios (issue #17): change records, the scenario's view, the changes a view's edits make,
the document's scenario set, and round trips through .smap (and its migration) and JSON."""

from __future__ import annotations

import sqlite3

import pytest

from servicemap import store
from servicemap.errors import FileFormatError, ValidationError
from servicemap.graph.scenarios import (
    Change,
    Scenario,
    apply_scenario,
    changes_between,
    check_scenarios,
    describe_change,
)
from servicemap.io import exchange
from tests.conftest import as_version
from tests.maps import sample_map


def more_beds() -> Scenario:
    return Scenario("s1", "20 more beds", "Ward grows", [
        Change("set", "node", "ward", {"capacity": 38.0}),
        Change("add", "node", "cafe", {"kind": "service", "name": "Crisis cafe",
                                       "category": "crisis"}),
        Change("add", "edge", "f_gp_cafe", {"kind": "flow", "source": "gp", "target": "cafe",
                                            "flow_type": "referral", "volume_per_year": 240.0}),
        Change("set", "edge", "f_gp_crisis", {"volume_per_year": 960.0}),
        Change("remove", "node", "cmht"),
    ])


def test_the_view_makes_each_change_and_leaves_the_baseline_alone():
    base = sample_map()
    before = exchange.to_node_link(base)
    view = apply_scenario(base, more_beds())
    doc = view.doc
    assert view.skipped == []
    assert doc.node("ward")["capacity"] == 38 and base.node("ward")["capacity"] == 18
    assert doc.node("cafe")["name"] == "Crisis cafe" and not base.has_node("cafe")
    assert doc.edge_ends("f_gp_cafe") == ("gp", "cafe")
    assert doc.edge("f_gp_crisis")["volume_per_year"] == 960
    # Removing a node takes its flows, links and pathway steps, as deleting it does.
    assert not doc.has_node("cmht") and not doc.has_edge("f_crisis_cmht")
    assert not doc.has_edge("po_cmht") and "cmht" not in doc.pathways["p_cmht"].steps
    assert exchange.to_node_link(base) == before


def test_changes_between_a_view_and_its_baseline_give_the_scenario_back():
    base = sample_map()
    doc = apply_scenario(base, more_beds()).doc
    changes = changes_between(base, doc)
    assert sorted(c.as_dict()["id"] for c in changes) == sorted(
        c.id for c in more_beds().changes)  # the removed node's flows are implied
    again = apply_scenario(base, Scenario("s", "again", changes=changes)).doc
    assert exchange.to_node_link(again) == exchange.to_node_link(doc)


def test_edits_in_a_view_become_change_records():
    base = sample_map()
    doc = apply_scenario(base, Scenario("s", "Edits")).doc
    assert changes_between(base, doc) == []
    doc.move_nodes({"ward": (400.0, 20.0)})
    doc.update_edge("f_crisis_ward", {"volume_per_year": 120})
    doc.remove_edge("f_ward_crisis")
    record = doc.remove_edge("f_crisis_home")  # re-connected: same id, new end
    doc.add_edge("flow", "ward", "home", "f_crisis_home",
                 flow_type=record["flow_type"])
    got = {(c.op, c.item, c.id): dict(c.fields) for c in changes_between(base, doc)}
    assert got[("set", "node", "ward")] == {"x": 400.0, "y": 20.0}
    assert got[("set", "edge", "f_crisis_ward")] == {"volume_per_year": 120.0}
    assert ("remove", "edge", "f_ward_crisis") in got
    assert ("remove", "edge", "f_crisis_home") in got
    assert got[("add", "edge", "f_crisis_home")]["source"] == "ward"
    assert describe_change(base, Change("set", "node", "ward", {"capacity": 30})) == \
        "Changed service “Acute ward”: capacity 18 → 30"
    assert describe_change(base, Change("set", "node", "ward", {"x": 1.0, "y": 2.0})) == \
        "Moved service “Acute ward”"
    assert describe_change(base, Change("remove", "edge", "f_ward_crisis")) == \
        "Removed flow Acute ward → Crisis team"


def test_a_change_to_an_item_the_baseline_lost_is_skipped_and_said():
    base = sample_map()
    base.remove_node("ward")
    view = apply_scenario(base, more_beds())
    assert view.skipped == ["node 'ward' is no longer in the map, so its change cannot be made"]
    assert view.doc.has_node("cafe")


def test_a_view_that_breaks_the_rules_is_refused_in_one_sentence():
    bad = Scenario("s", "Bad", changes=[Change("set", "node", "ward", {"capacity": -1})])
    with pytest.raises(ValidationError, match="^scenario \"Bad\" cannot be shown: .*capacity"):
        apply_scenario(sample_map(), bad)


def test_scenario_records_are_checked():
    problems = check_scenarios([
        Scenario("a", "Baseline"), Scenario("b", "Plan"), Scenario("c", " plan "),
        Scenario("d", "Odd", changes=[Change("grow", "node", "x")]),
        Scenario("e", "Add", changes=[Change("add", "node", "x", {"name": "X"})]),
        Scenario("f", "Empty", changes=[Change("set", "edge", "e", {})])])
    assert problems == [
        "scenario \"Baseline\": “Baseline” is the map as it is; choose another name for a "
        "scenario.",
        "scenario \" plan \": there is already a scenario called “Plan”.",
        "scenario \"Odd\": a change's operation must be one of set, add, remove (got 'grow').",
        "scenario \"Add\": the added node 'x' needs its kind.",
        "scenario \"Empty\": the change to 'e' changes no field."]


def test_the_document_holds_scenarios_with_one_event_each():
    doc = sample_map()
    seen = []
    for name in ("scenario_added", "scenario_changed", "scenario_removed"):
        getattr(doc, name).connect(lambda *args, name=name: seen.append(name))
    doc.add_scenario(more_beds())
    old = doc.update_scenario("s1", name="Beds", changes=[])
    assert old["name"] == "20 more beds" and len(old["changes"]) == 5
    with pytest.raises(ValidationError, match="already a scenario called “Beds”"):
        doc.add_scenario(Scenario("s2", "beds"))
    removed = doc.remove_scenario("s1")
    doc.restore_scenario(removed)
    assert doc.scenario_named(" BEDS ").id == "s1"
    assert seen == ["scenario_added", "scenario_changed", "scenario_removed",
                              "scenario_added"]


def with_scenarios():
    doc = sample_map()
    doc.add_scenario(more_beds())
    doc.add_scenario(Scenario("s2", "Nothing yet", "Empty for now"))
    return doc


def test_scenarios_round_trip_through_smap_and_json(tmp_path):
    doc = with_scenarios()
    store.save(doc, tmp_path / "m.smap")
    loaded = store.load(tmp_path / "m.smap")
    assert [s.as_dict() for s in loaded.scenarios.values()] == \
        [s.as_dict() for s in doc.scenarios.values()]
    exchange.write_json(loaded, tmp_path / "m.json")
    back = exchange.read_json(tmp_path / "m.json")
    assert [s.as_dict() for s in back.scenarios.values()] == \
        [s.as_dict() for s in doc.scenarios.values()]
    assert exchange.to_node_link(back) == exchange.to_node_link(doc)


def test_a_version_6_map_opens_with_no_scenarios(tmp_path):
    path = tmp_path / "old.smap"
    store.save(with_scenarios(), path)
    conn = sqlite3.connect(path)
    for sql in as_version(6):
        conn.execute(sql)
    conn.commit()
    conn.close()
    assert store.load(path).scenarios == {}
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 6  # unchanged


def test_an_unreadable_change_is_one_sentence(tmp_path):
    path = tmp_path / "m.smap"
    store.save(with_scenarios(), path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE scenario_changes SET fields = '{oops' WHERE item_id = 'ward'")
    conn.commit()
    conn.close()
    with pytest.raises(FileFormatError, match="^m.smap has a scenario change to 'ward' whose "
                                              "fields cannot be read.$"):
        store.load(path)
    data = exchange.to_node_link(with_scenarios())
    data["graph"]["scenarios"][0]["changes"][0]["op"] = "grow"
    with pytest.raises(FileFormatError, match="operation must be one of set, add, remove"):
        exchange.from_node_link(data)


def test_comparing_the_baseline_with_a_scenario_per_service_and_system():
    from servicemap.graph.scenario_compare import compare

    base = sample_map()
    base.update_node("ward", {"length_of_stay_days": 73})  # 18 beds x 365 / 73 = 90 a year
    base.update_edge("f_crisis_ward", {"volume_per_year": 120})  # over capacity: 120 > 90
    plan = Scenario("s", "Beds", changes=[Change("set", "node", "ward", {"capacity": 30.0}),
                                          Change("remove", "node", "cmht")])
    result = compare(base, apply_scenario(base, plan).doc)
    rows = {r["id"]: r for r in result["services"]}
    ward = rows["ward"]
    assert ward["load"] == {"a": round(120 / 90, 4), "b": round(120 / 150, 4),
                            "delta": round(round(120 / 150, 4) - round(120 / 90, 4), 4)}
    assert ward["bottleneck"] == "clears" and ward["change"] == "changed"
    assert rows["cmht"]["change"] == "removed" and rows["cmht"]["people_in"]["b"] is None
    assert rows["crisis"]["change"] is None and rows["crisis"]["people_in"]["delta"] == 0
    assert result["bottlenecks"] == {"appear": [], "clear": ["Acute ward"]}
    assert result["system"]["people_in"] == {"a": 1200, "b": 1200, "delta": 0}
    assert result["system"]["bottlenecks"]["delta"] == -1
    assert result["system"]["over_capacity"] == {"a": 1, "b": 0, "delta": -1}


@pytest.mark.parametrize("name", ["XLSX", "ODS", "CSV_ZIP", "CSV_FOLDER"])
def test_scenarios_round_trip_through_spreadsheets(tmp_path, name):
    from servicemap.io import formats

    fmt = getattr(formats, name)
    doc = with_scenarios()
    path = tmp_path / (f"m{fmt.suffix}" if fmt.suffix else "folder")
    fmt.write(doc, path)
    back = fmt.read(path)
    assert [s.as_dict() for s in back.scenarios.values()] == \
        [s.as_dict() for s in doc.scenarios.values()]
    view = apply_scenario(back, back.scenario_named("20 more beds")).doc
    assert view.node("ward")["capacity"] == 38 and view.has_edge("f_gp_cafe")


def test_a_scenarios_sheet_cell_that_is_not_json_is_one_problem_naming_its_row(tmp_path):
    import openpyxl

    from servicemap.io import formats
    from servicemap.io.report import ImportProblems

    path = tmp_path / "m.xlsx"
    formats.XLSX.write(with_scenarios(), path)
    book = openpyxl.load_workbook(path)
    sheet = book["Scenarios"]
    header = [c.value for c in sheet[1]]
    sheet.cell(2, header.index("fields") + 1, "{oops")
    book.save(path)
    with pytest.raises(ImportProblems) as caught:
        formats.XLSX.read(path)
    assert "Scenarios" in str(caught.value) and "is not one JSON object" in str(caught.value)
