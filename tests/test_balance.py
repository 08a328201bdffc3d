"""Flow balance and whole-system hand-offs on hand-checked maps: people in, out and unaccounted
per service and for the map, leaks over 10%, unknown volumes never read as 0, ``validate``
warning about leaks with its exit code unchanged, and entries and exits owned by organisations."""

from __future__ import annotations

import json

from servicemap import store
from servicemap.cli import EXIT_OK, main
from servicemap.graph import analysis as an
from tests.test_analysis import make, rows_by_id


def liaison_map():
    """Liaison: 3,000 in from the GP, 380 out home (2,620 = 87% unaccounted); a team: 100 in,
    95 out (5%, not a leak); a triage: 50 in, one flow out of unknown volume."""
    return make([("liaison", {}), ("team", {}), ("triage", {})],
                [("gp", "liaison", {"volume_per_year": 3000}),
                 ("liaison", "out", {"volume_per_year": 380}),
                 ("gp", "team", {"volume_per_year": 100}),
                 ("team", "out", {"volume_per_year": 95}),
                 ("gp", "triage", {"volume_per_year": 50}),
                 ("triage", "out", {}),
                 ("gp", "out", {"volume_per_year": 7})])  # straight through: not counted


def test_per_service_total_and_leaks():
    result = an.analyse(liaison_map())["flow_balance"]
    rows = rows_by_id(result["services"])
    assert (rows["liaison"]["in"], rows["liaison"]["out"], rows["liaison"]["unaccounted"],
            rows["liaison"]["unaccounted_share"]) == (3000, 380, 2620, 0.8733)
    assert rows["team"]["unaccounted"] == 5 and rows["team"]["unaccounted_share"] == 0.05
    # an unknown volume out: the unaccounted number is unknown, not 50
    assert rows["triage"]["out"] is None and rows["triage"]["unaccounted"] is None
    assert [r["id"] for r in result["leaks"]] == ["liaison"]
    # the map: 3,150 enter services, 475 known to reach an exit, one flow out unknown
    assert result["total"] == {"in": 3150, "out": 475, "in_unknown_flows": 0,
                               "out_unknown_flows": 1, "unaccounted": None}


def test_map_total_when_every_volume_is_known():
    d = liaison_map()
    flow = d.find_flow("triage", "out")
    d.update_edge(flow, {"volume_per_year": 50})
    total = an.analyse(d)["flow_balance"]["total"]
    assert total["unaccounted"] == 3150 - 525


def test_exactly_ten_percent_is_not_a_leak_and_more_out_than_in_is_not_either():
    d = make([("a", {}), ("b", {})],
             [("gp", "a", {"volume_per_year": 100}), ("a", "out", {"volume_per_year": 90}),
              ("gp", "b", {"volume_per_year": 10}), ("b", "out", {"volume_per_year": 30})])
    result = an.analyse(d)["flow_balance"]
    assert result["leaks"] == []
    assert rows_by_id(result["services"])["b"]["unaccounted"] == -20


def test_validate_warns_about_leaks_and_still_passes(tmp_path, capsys):
    path = tmp_path / "leaky.smap"
    store.save(liaison_map(), path)
    assert main(["validate", str(path)]) == EXIT_OK
    out = capsys.readouterr().out.splitlines()
    assert out == ["warning: liaison (liaison): 3,000 people a year in, 380 out; 2,620 (87%) "
                   "are not seen to leave"]
    json_path = tmp_path / "leaky.json"
    assert main(["export", str(path), str(json_path)]) == EXIT_OK
    capsys.readouterr()
    assert main(["validate", str(json_path)]) == EXIT_OK
    assert capsys.readouterr().out.splitlines() == out
    assert main(["analyse", str(path), "--json"]) == EXIT_OK
    assert json.loads(capsys.readouterr().out)["flow_balance"]["leaks"][0]["id"] == "liaison"


# ----- whole-system hand-offs: access points and exits part of an organisation ---------------
def test_entry_and_exit_hand_offs():
    d = make([("liaison", {}), ("ward", {}), ("home_team", {})],
             [("gp", "liaison", {"volume_per_year": 3000}),       # ED (o2) -> o1: entry
              ("gp", "home_team", {"volume_per_year": 40}),       # ED (o2) -> o2: none
              ("liaison", "ward", {"volume_per_year": 200}),      # same directorate
              ("liaison", "out", {"volume_per_year": 380}),       # o1 -> social care (o2)
              ("ward", "out", {}),                               # o1 -> o2, volume unknown
              ("home_team", "out", {"volume_per_year": 40})],    # o2 -> o2: none
             parents={"liaison": "d1", "ward": "d1", "home_team": "o2"})
    d.add_edge("part_of", "gp", "o2")   # the emergency department belongs to the acute trust
    d.add_edge("part_of", "out", "o2")  # discharge to the council's social care
    result = an.boundary_crossings(d)
    rows = {(r["source"], r["target"]): r for r in result["flows"]}
    assert set(rows) == {("gp", "liaison"), ("liaison", "out"), ("ward", "out")}
    assert rows[("gp", "liaison")]["kind"] == "organisation"
    assert rows[("gp", "liaison")]["entry"] and not rows[("gp", "liaison")]["exit"]
    assert rows[("liaison", "out")]["exit"] and not rows[("liaison", "out")]["entry"]
    totals = result["totals"]
    assert totals["entry"] == {"flows": 1, "volume": 3000, "volume_unknown_flows": 0}
    assert totals["exit"] == {"flows": 2, "volume": 380, "volume_unknown_flows": 1}
    assert totals["organisation"]["flows"] == 3
    # an access point with no organisation is still an entry, not a hand-off
    d.remove_edge(next(e for e in d.edge_ids("part_of") if d.edge_ends(e)[0] == "gp"))
    assert {(r["source"], r["target"]) for r in an.boundary_crossings(d)["flows"]} == {
        ("liaison", "out"), ("ward", "out")}
