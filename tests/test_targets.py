"""Targets as map data with an owner (issue #16): the document, the hand-checked measures
(scope and patient weighting), the file and every exchange format, and validate."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

from servicemap import store
from servicemap.errors import FileFormatError, ValidationError
from servicemap.graph import analysis as an
from servicemap.io import exchange, formats
from servicemap.model import Target
from tests.conftest import as_version
from tests.test_analysis import make, rows_by_id
from tests.test_store_comments import edit, tables_of, version_of


def wait_target(**changes) -> Target:
    fields = {"id": "t-wait", "name": "87% within wait target", "organisation": "o1",
              "measure": "patients_within_wait_target", "threshold": 87, "due": "2027-03-31",
              "notes": "We care 2023-2028"} | changes
    return Target(**fields)


def two_trusts():
    """Trust one (o1) runs "a" (through directorate d1), "b" (d2) and "c" (directly); Trust
    two (o2) runs "x". Hand-checked figures are in each test."""
    return make([("a", {"pct_within_target": 90, "dna_rate_most_deprived": 12,
                        "dna_rate_least_deprived": 10, "category": "community"}),
                 ("b", {"pct_within_target": 80, "dna_rate_most_deprived": 9,
                        "dna_rate_least_deprived": 5, "category": "crisis"}),
                 ("c", {"pct_within_target": 60, "category": "community"}),
                 ("x", {"pct_within_target": 10, "dna_rate_most_deprived": 40,
                        "dna_rate_least_deprived": 0, "category": "community"})],
                [("gp", "a", {"volume_per_year": 600}), ("gp", "b", {"volume_per_year": 300}),
                 ("gp", "c", {}), ("gp", "x", {"volume_per_year": 5000}),
                 ("a", "out", {"volume_per_year": 600}), ("b", "out", {"volume_per_year": 100})],
                parents={"a": "d1", "b": "d2", "c": "o1", "x": "o2"})


# ----- scope and weighting, by hand --------------------------------------------------------------
def test_scope_is_the_organisations_services_directly_or_through_directorates():
    d = two_trusts()
    d.add_target(wait_target())
    entry = an.targets(d)["list"][0]
    assert entry["services"] == ["a", "b", "c"]  # not "x", which Trust two runs
    # (600 x 90 + 300 x 80) / 900 = 86.6667: patient-weighted, "c" (volume unknown) skipped
    assert entry["value"] == round((600 * 90 + 300 * 80) / 900, 4) == 86.6667
    assert entry["meets"] is False and entry["people_counted"] == 900
    assert entry["unknown"] == [{"id": "c", "name": "c", "reason": "1 flows in of unknown volume"}]
    assert entry["unweighted_mean"] == round((90 + 80 + 60) / 3, 4)  # shown, never the headline
    d.update_edge("f1", {"volume_per_year": 100})  # b: 100 people, so (54000 + 8000) / 700
    assert an.targets(d)["list"][0]["value"] == round(62000 / 700, 4) == 88.5714
    assert an.targets(d)["list"][0]["meets"] is True


def test_wait_and_dna_are_the_first_target_of_each_measure_scoped():
    d = two_trusts()
    d.add_target(wait_target(organisation="o2", id="t-other", name="Trust two waits"))
    d.add_target(wait_target())
    d.add_target(Target("t-dna", "DNA gap under 1 point", "o1", "dna_gap", 1))
    result = an.targets(d)
    wait, dna = result["wait"], result["dna"]
    assert (wait["target"], wait["organisation"], wait["service_ids"]) == ("t-other", "o2", ["x"])
    assert wait["patients_within_target_pct"] == 10 and wait["meets"] is False
    assert [r["id"] for r in wait["services"]] == ["x"]
    # gaps a = 2 (600 people), b = 4 (300): (1200 + 1200) / 900 = 2.6667 points, not met
    assert (dna["target"], dna["organisation"], dna["service_ids"]) == ("t-dna", "o1",
                                                                        ["a", "b", "c"])
    assert dna["overall_gap"] == round(2400 / 900, 4) and dna["meets"] is False
    assert dna["rates_unknown"] == 1  # c has no DNA rates
    assert [e["id"] for e in result["list"]] == ["t-other", "t-wait", "t-dna"]
    dna_entry = result["list"][2]
    assert dna_entry["value"] == dna["overall_gap"] and dna_entry["direction"] == "below"
    assert dna_entry["unit"] == "points"


def test_without_targets_wait_and_dna_read_every_service_against_kchfts_figures():
    result = an.targets(two_trusts())
    assert result["list"] == [] and result["wait"]["target"] is None
    assert result["wait"]["target_pct"] == 87 and result["dna"]["limit_points"] == 1
    assert result["wait"]["service_ids"] == ["a", "b", "c", "x"]


def test_service_type_narrows_the_scope_and_below_means_strictly_below():
    d = two_trusts()
    d.add_target(Target("t", "Crisis DNA gap", "o1", "dna_gap", 4, service_type="Crisis"))
    entry = an.targets(d)["list"][0]
    assert entry["services"] == ["b"] and entry["value"] == 4
    assert entry["meets"] is False  # 4 points is not below 4
    d.update_target("t", {"threshold": 4.5})
    assert an.targets(d)["list"][0]["meets"] is True


def test_a_standards_wait_counts_only_services_whose_wait_target_is_that_wait():
    d = make([("eip", {"name": "Early Intervention in Psychosis, North", "wait_target_days": 14,
                       "pct_within_target": 70}),
              ("eip2", {"name": "Early Intervention in Psychosis, South",
                        "wait_target_days": 28, "pct_within_target": 99}),
              ("cmht", {"wait_target_days": 14, "pct_within_target": 10})],
             [("gp", "eip", {"volume_per_year": 100}), ("gp", "eip2", {"volume_per_year": 100}),
              ("gp", "cmht", {"volume_per_year": 100})],
             parents={"eip": "o1", "eip2": "o1", "cmht": "o1"})
    d.add_target(Target("eip-2w", "EIP: 60% start within 2 weeks", "o1",
                        "patients_within_wait_target", 60,
                        service_type="early intervention in psychosis", wait_days=14))
    entry = an.targets(d)["list"][0]
    assert entry["services"] == ["eip", "eip2"]  # the type before the comma, any case
    assert entry["value"] == 70 and entry["meets"] is True
    assert entry["unknown"] == [{"id": "eip2", "name": "Early Intervention in Psychosis, South",
                                 "reason": "its wait target is 4 weeks, not the 2 weeks this "
                                           "target counts"}]


def test_follow_up_within_72_hours_is_weighted_by_people_out():
    d = make([("ward", {"pct_followed_up_72h": 90}), ("picu", {"pct_followed_up_72h": 60}),
              ("unit", {})],
             [("gp", "ward", {"volume_per_year": 5}), ("ward", "out", {"volume_per_year": 300}),
              ("picu", "out", {"volume_per_year": 100}), ("unit", "out", {})],
             parents={"ward": "d1", "picu": "d1", "unit": "d1"})
    d.add_target(Target("fu", "Followed up within 72 hours", "o1",
                        "followed_up_within_72_hours", 80))
    entry = an.targets(d)["list"][0]
    assert entry["value"] == (300 * 90 + 100 * 60) / 400 == 82.5 and entry["meets"] is True
    assert [u["id"] for u in entry["unknown"]] == ["unit"]


def test_unknown_everywhere_is_unknown_never_met():
    d = make([("a", {})], [("gp", "a", {})], parents={"a": "o1"})
    d.add_target(wait_target())
    entry = an.targets(d)["list"][0]
    assert (entry["value"], entry["meets"], entry["services_counted"]) == (None, None, 0)
    assert an.targets(d)["wait"]["meets"] is None


# ----- the document -------------------------------------------------------------------------------
def test_mutators_emit_one_event_each_and_restore_in_place():
    d = two_trusts()
    events = []
    for name in ("target_added", "target_changed", "target_removed"):
        getattr(d, name).connect(lambda *a, n=name: events.append((n, *a)))
    d.add_target(wait_target())
    d.add_target(Target("t2", "Gap", "o2", "dna_gap", 1))
    assert d.update_target("t-wait", {"threshold": 90}) == {"threshold": 87}
    assert d.target("t-wait").threshold == 90.0
    removed = d.remove_target("t-wait")
    d.restore_target(removed)
    assert list(d.targets) == ["t-wait", "t2"]
    assert events == [("target_added", "t-wait"), ("target_added", "t2"),
                      ("target_changed", "t-wait", ("threshold",)),
                      ("target_removed", "t-wait"), ("target_added", "t-wait")]


@pytest.mark.parametrize("changes, words", [
    ({"organisation": "nowhere"}, "organisation 'nowhere' is not an organisation in the map"),
    ({"organisation": "a"}, "organisation 'a' is not an organisation"),  # a service
    ({"measure": "beds"}, "measure 'beds' is not one servicemap knows"),
    ({"threshold": 101}, "threshold must be a number from 0 to 100"),
    ({"threshold": None}, "threshold must be a number"),
    ({"due": "31/03/2027"}, "due date '31/03/2027' is not a date written YYYY-MM-DD"),
    ({"due": "2027-02-30"}, "is not a date"),
    ({"name": "  "}, "name must not be empty"),
    ({"id": "a"}, "id is already used"),  # a service's id
    ({"wait_days": -1}, "the wait it counts must be a number of days"),
])
def test_bad_targets_are_refused_in_one_sentence(changes, words):
    d = two_trusts()
    with pytest.raises(ValidationError, match=words):
        d.add_target(wait_target(**changes))
    assert d.targets == {}


def test_deleting_an_organisation_takes_its_targets_and_undo_puts_them_back():
    d = two_trusts()
    d.add_target(Target("t0", "Trust two", "o2", "dna_gap", 1))
    d.add_target(wait_target())
    d.add_target(Target("t2", "Trust two again", "o2", "dna_gap", 2))
    removed = d.remove_node("o2")
    assert list(d.targets) == ["t-wait"]
    d.restore_node(removed)
    assert list(d.targets) == ["t0", "t-wait", "t2"]


# ----- files and formats --------------------------------------------------------------------------
@pytest.fixture
def targeted():
    d = two_trusts()
    d.add_target(wait_target(notes="=SUM(A1) stays text; “quotes”"))
    d.add_target(Target("t-dna", "DNA gap", "o1", "dna_gap", 1.5, service_type="crisis"))
    d.add_target(Target("t-core24", "Core 24: one hour", "o2", "patients_within_wait_target",
                        95, "2026-04-01", wait_days=1 / 24))
    d.add_target(Target("t-fu", "72-hour follow-up", "o1", "followed_up_within_72_hours", 80))
    return d


ROUND_TRIPS = [formats.SMAP, formats.JSON, formats.XLSX, formats.ODS, formats.CSV_ZIP,
               formats.CSV_FOLDER, formats.GRAPHML]


@pytest.mark.parametrize("fmt", ROUND_TRIPS, ids=lambda f: f.label)
def test_every_exchange_format_keeps_every_target_exactly(targeted, fmt, tmp_path):
    path = tmp_path / (f"out{fmt.suffix}" if fmt.suffix else "folder")
    fmt.write(targeted, path)
    back = fmt.read(path)
    assert list(back.targets.values()) == list(targeted.targets.values())
    assert an.targets(back) == an.targets(targeted)


def test_graphml_keeps_the_targets_as_graph_data_networkx_reads(targeted, tmp_path):
    import networkx as nx

    path = tmp_path / "m.graphml"
    formats.GRAPHML.write(targeted, path)
    graph = nx.read_graphml(path)
    assert [t["id"] for t in json.loads(graph.graph["targets"])] == list(targeted.targets)


def test_schema_6_keeps_targets_in_order_and_a_version_5_file_has_none(targeted, tmp_path,
                                                                       file_state):
    path = tmp_path / "m.smap"
    store.save(targeted, path)
    assert version_of(path) == store.SCHEMA_VERSION >= 6 and "targets" in tables_of(path)
    assert [t.id for t in store.read_targets(path)] == list(targeted.targets)
    edit(path, *as_version(5))
    before = file_state(path)
    old = store.load(path)
    assert file_state(path) == before and old.targets == {}
    assert old.node("a")["pct_followed_up_72h"] is None


def test_a_target_row_naming_a_missing_organisation_is_refused(targeted, tmp_path):
    path = tmp_path / "m.smap"
    store.save(targeted, path)
    edit(path, "UPDATE targets SET organisation = 'gone' WHERE id = 't-dna'")
    with pytest.raises(FileFormatError, match="organisation 'gone' is not an organisation"):
        store.load(path)


def test_json_targets_absent_mean_none(targeted):
    data = exchange.to_node_link(targeted)
    assert [t["id"] for t in data["graph"]["targets"]] == list(targeted.targets)
    assert set(data["graph"]["targets"][0]) == {"id", "name", "organisation", "measure",
                                                 "threshold", "due", "notes", "service_type",
                                                 "wait_days"}
    del data["graph"]["targets"]
    assert exchange.from_node_link(data).targets == {}


# ----- the command line ---------------------------------------------------------------------------
def run(*args):
    done = subprocess.run([sys.executable, "-m", "servicemap", *map(str, args)],
                          capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout, done.stderr


def test_validate_says_each_bad_target_in_one_sentence(targeted, tmp_path):
    path = tmp_path / "m.json"
    exchange.write_json(targeted, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["graph"]["targets"][0].update(organisation="nobody")
    data["graph"]["targets"][1].update(measure="speed")
    data["graph"]["targets"][2].update(threshold="lots")
    data["graph"]["targets"][3].update(due="March 2027")
    path.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = run("validate", path)
    assert code == 1, (out, err)
    lines = out.splitlines()
    assert lines == [
        "target \"87% within wait target\" (t-wait): organisation 'nobody' is not an "
        "organisation in the map.",
        "target \"DNA gap\" (t-dna): measure 'speed' is not one servicemap knows (use "
        "patients_within_wait_target, dna_gap, followed_up_within_72_hours).",
        "target \"Core 24: one hour\" (t-core24): its threshold must be a number from 0 to 100 "
        "(got 'lots').",
        "target \"72-hour follow-up\" (t-fu): its due date 'March 2027' is not a date written "
        "YYYY-MM-DD (or empty)."]
    smap = tmp_path / "m.smap"
    code, _, err = run("import", path, smap)
    assert code == 2 and "Traceback" not in err
    assert "m.json has 4 problems" in err and "(got 'lots')" in err


def test_validate_of_a_smap_lists_target_problems_and_analyse_json_lists_targets(targeted,
                                                                                tmp_path):
    path = tmp_path / "m.smap"
    store.save(targeted, path)
    assert run("validate", path)[0] == 0
    code, out, _ = run("analyse", path, "--json")
    result = json.loads(out)["targets"]
    assert code == 0 and [e["id"] for e in result["list"]] == list(targeted.targets)
    first = result["list"][0]
    assert (first["value"], first["meets"], first["services"]) == (86.6667, False,
                                                                   ["a", "b", "c"])
    assert [u["id"] for u in first["unknown"]] == ["c"]
    conn = sqlite3.connect(path)
    conn.execute("UPDATE targets SET due = '2027-13-01', threshold = -3 WHERE id = 't-fu'")
    conn.commit()
    conn.close()
    code, out, _ = run("validate", path)
    assert code == 1
    assert out.splitlines() == [
        "target \"72-hour follow-up\" (t-fu): its threshold must be a number from 0 to 100 "
        "(got -3.0).",
        "target \"72-hour follow-up\" (t-fu): its due date '2027-13-01' is not a date written "
        "YYYY-MM-DD (or empty)."]


def test_analyse_report_prints_each_target(targeted, tmp_path):
    path = tmp_path / "m.smap"
    store.save(targeted, path)
    code, out, _ = run("analyse", path)
    assert code == 0
    assert "87% within wait target (Trust one): 86.7% of patients, target at least 87%" \
        " by 2027-03-31: not met" in out


def test_rows_list_every_service_in_scope(targeted):
    entry = an.targets(targeted)["list"][0]
    rows = rows_by_id(entry["rows"])
    assert list(rows) == ["a", "b", "c"]
    assert rows["a"] == {"id": "a", "name": "a", "value": 90, "weight": 600, "counted": True,
                         "reason": ""}


# ----- what people type in a spreadsheet ----------------------------------------------------------
def test_a_targets_sheet_names_its_owner_and_says_each_problem_by_row_and_column(targeted):
    import datetime

    from servicemap.io import sheets
    from servicemap.io.sheet_reader import document_from_tables
    from tests.test_sheets import tables_of

    rows = sheets.rows_for(targeted)
    header = rows["Targets"][0]
    assert rows["Targets"][1][header.index("organisation")] == "Trust one"  # by name
    typed = dict(zip(header, rows["Targets"][1], strict=True))
    typed.update(id=None, due=datetime.datetime(2027, 3, 31), measure="DNA gap")
    rows["Targets"].append([typed[c] if c != "measure" else "dna_gap" for c in header])
    rows["Targets"][-1][header.index("name")] = "Typed by hand"
    rows["Targets"][-1][header.index("due")] = datetime.datetime(2027, 3, 31)  # a date cell
    back = document_from_tables(tables_of(rows), "typed.xlsx")
    made = back.target("typed-by-hand")  # an id made from the name
    assert (made.due, made.organisation, made.measure) == ("2027-03-31", "o1", "dna_gap")
    rows["Targets"][2][header.index("organisation")] = "Nobody"
    rows["Targets"][3][header.index("threshold")] = "lots"
    rows["Targets"][4][header.index("due")] = "soon"
    with pytest.raises(sheets.SheetProblems) as info:
        document_from_tables(tables_of(rows), "typed.xlsx")
    assert [str(p) for p in info.value.problems] == [
        "Targets, row 3, column organisation: there is no 'Nobody' on the Organisations sheet",
        "Targets, row 4, column threshold: must be a number (got 'lots')",
        "Targets, row 5, column due: 'soon' is not a date written YYYY-MM-DD"]


def test_diff_lists_targets_added_removed_and_changed(targeted):
    from servicemap.graph import diff

    old = exchange.from_node_link(exchange.to_node_link(targeted))
    targeted.update_target("t-wait", {"threshold": 90, "due": ""})
    targeted.remove_target("t-fu")
    targeted.add_target(Target("t-new", "New one", "o2", "dna_gap", 2))
    result = diff.diff(old, targeted)
    assert result["targets"]["added"] == [{"id": "t-new", "name": "New one"}]
    assert result["targets"]["removed"] == [{"id": "t-fu", "name": "72-hour follow-up"}]
    assert result["targets"]["changed"][0]["fields"] == {
        "threshold": {"old": 87.0, "new": 90.0}, "due": {"old": "2027-03-31", "new": ""}}
    assert result["counts"] == {"added": 1, "removed": 1, "changed": 1}
    lines = diff.report_lines(result, old, targeted)
    assert "  ~ target “87% within wait target” (t-wait): threshold 87 → 90; due " \
           "“2027-03-31” → (empty)" in lines


def test_validate_warns_of_a_target_that_covers_no_services_and_exits_0(targeted, tmp_path):
    targeted.update_target("t-dna", {"service_type": "crisis teams"})  # misspelt
    for path in (tmp_path / "m.smap", tmp_path / "m.json"):
        (store.save if path.suffix == ".smap" else exchange.write_json)(targeted, path)
        code, out, _ = run("validate", path)
        assert code == 0
        assert [line for line in out.splitlines() if "target" in line] == [
            "warning: target \"DNA gap\" (t-dna) covers no services: Trust one runs no "
            "service of the type 'crisis teams', so it can never be measured"]


def test_the_bundled_map_validates_and_every_target_covers_services():
    code, out, err = run("validate", "resources/kent_medway.json")
    assert code == 0, err
    assert "covers no services" not in out
