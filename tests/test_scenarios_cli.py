"""servicemap scenarios MAP and analyse MAP --scenario NAME (issue #17)."""

from __future__ import annotations

import json

from servicemap import store
from tests.test_cli import bad_input, run
from tests.test_scenarios import with_scenarios


def saved(tmp_path):
    path = tmp_path / "plans.smap"
    store.save(with_scenarios(), path)
    return path


def test_scenarios_lists_names_and_counts(tmp_path, capsys):
    path = saved(tmp_path)
    code, out, err = run(capsys, "scenarios", path)
    assert code == 0 and err == ""
    assert out == "20 more beds: 5 changes (Ward grows)\nNothing yet: 0 changes (Empty for now)\n"
    code, out, _ = run(capsys, "scenarios", path, "--json")
    assert json.loads(out) == {"scenarios": [
        {"name": "20 more beds", "description": "Ward grows", "changes": 5, "skipped": []},
        {"name": "Nothing yet", "description": "Empty for now", "changes": 0, "skipped": []}]}


def test_a_map_with_no_scenarios_says_so(saved_map, capsys):
    code, out, _ = run(capsys, "scenarios", saved_map)
    assert code == 0 and out.endswith("has no scenarios (only the baseline).\n")


def test_analyse_a_scenario_changes_the_numbers_and_not_the_baseline(tmp_path, capsys):
    path = saved(tmp_path)
    before = path.read_bytes()
    _, base_out, _ = run(capsys, "analyse", path, "--json")
    code, out, _ = run(capsys, "analyse", path, "--scenario", "20 MORE BEDS", "--json")
    base, plan = json.loads(base_out), json.loads(out)
    assert code == 0 and plan["scenario"] == "20 more beds" and "scenario" not in base
    rows = {r["id"]: r for r in plan["per_service"]["services"]}
    base_rows = {r["id"]: r for r in base["per_service"]["services"]}
    assert rows["ward"]["capacity"] == 38 and base_rows["ward"]["capacity"] == 18
    assert rows["crisis"]["people_in"] == 960 + 0 and base_rows["crisis"]["people_in"] == 1200
    assert "cafe" in rows and "cmht" not in rows and "cmht" in base_rows
    code, text, _ = run(capsys, "analyse", path, "--scenario", "Nothing yet")
    assert code == 0 and "Scenario: Nothing yet (0 changes to the baseline)" in text
    assert path.read_bytes() == before


def test_an_unknown_scenario_is_bad_input_naming_the_scenarios(tmp_path, capsys):
    err = bad_input(capsys, "analyse", saved(tmp_path), "--scenario", "More nurses")
    assert err == ("servicemap: There is no scenario called “More nurses” in this map; its "
                   "scenarios are “20 more beds”, “Nothing yet”.\n")


def test_export_a_scenario_as_a_picture_and_as_data(tmp_path, capsys):
    from servicemap.io import exchange
    from tests.pdftext import pdf_lines

    path = saved(tmp_path)
    code, _, err = run(capsys, "export", path, tmp_path / "beds.pdf", "--scenario", "20 more beds")
    assert code == 0, err
    text = " ".join(pdf_lines((tmp_path / "beds.pdf").read_bytes()))
    assert "scenario “20 more beds”" in text and "Crisis cafe" in text
    code, _, _ = run(capsys, "export", path, tmp_path / "beds.json", "--scenario", "20 more beds")
    view = exchange.read_json(tmp_path / "beds.json")
    assert view.node("ward")["capacity"] == 38 and not view.has_node("cmht")
    assert view.scenarios == {} and view.graph.graph["title"] == "Sample map"
    err = bad_input(capsys, "export", path, tmp_path / "x.pdf", "--scenario", "Nope")
    assert "There is no scenario called “Nope”" in err


def test_validate_reports_a_scenario_opening_would_refuse(tmp_path, capsys):
    import sqlite3

    path = saved(tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE scenarios SET name = 'Baseline' WHERE id = 's2'")
    conn.commit()
    conn.close()
    code, out, _ = run(capsys, "validate", path)
    assert code == 1
    assert "scenario \"Baseline\": “Baseline” is the map as it is" in out
    bad_input(capsys, "info", path)  # opening refuses it, so info does too


def test_simulate_the_baseline_then_each_scenario_named(tmp_path, capsys):
    """simulate MAP --scenario NAME...: one result per scenario, the baseline (null) first;
    more places in the scenario mean less waiting there, the baseline left as it was."""
    from servicemap.graph.scenarios import Change, Scenario
    from tests.test_simulation import one_service

    doc = one_service(3.0, 4)  # 4 places, 3 a day, stays of a day: people wait
    doc.add_scenario(Scenario("s1", "Six places", "", [
        Change("set", "node", "c", {"capacity": 6.0})]))
    path = tmp_path / "clinic.smap"
    store.save(doc, path)
    before = path.read_bytes()
    code, out, _ = run(capsys, "simulate", path, "--days", "2000", "--warm-up", "20",
                       "--runs", "2", "--seed", "3", "--scenario", "six places", "--json")
    assert code == 0
    base, plan = json.loads(out)["results"]
    assert (base["scenario"], plan["scenario"]) == (None, "Six places")
    [base_row], [plan_row] = base["services"], plan["services"]
    assert plan_row["wait_mean_days"] < base_row["wait_mean_days"] / 3
    assert path.read_bytes() == before
    err = bad_input(capsys, "simulate", path, "--days", "5", "--runs", "1",
                    "--scenario", "More nurses")
    assert "There is no scenario called “More nurses”" in err
