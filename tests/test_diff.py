"""Comparing two versions of a map: exactly the known differences, JSON-ready, and the
``servicemap diff OLD NEW [--json]`` command (exit 0 same, 1 different, 2 bad input)."""

from __future__ import annotations

import json

import pytest

from servicemap import store
from servicemap.cli import EXIT_BAD_INPUT, EXIT_OK, EXIT_PROBLEMS, main
from servicemap.graph.diff import changed_ids, diff, report_lines
from servicemap.io.exchange import from_node_link, to_node_link, write_json


def copy_of(doc):
    return from_node_link(to_node_link(doc))


def changed_version(base):
    """The sample map with known differences (listed in KNOWN)."""
    doc = copy_of(base)
    doc.add_node("service", "Liaison team", "liaison", category="liaison", x=0.0, y=200.0)
    doc.add_edge("flow", "gp", "liaison", "f_gp_liaison", flow_type="signpost")
    doc.remove_node("home")  # takes f_crisis_home, f_cmht_home and the pathway steps with it
    doc.update_node("crisis", {"capacity": 45, "hours": "8-8"})
    doc.update_edge("f_gp_crisis", {"volume_per_year": 1300})
    doc.update_pathway("p_cmht", name="Community route")
    doc.remove_pathway("p_crisis")
    doc.add_pathway("Liaison", ["gp", "liaison"], pathway_id="p_liaison")
    doc.set_map_fields({"title": "Sample map v2", "modified": "2026-05-05T00:00:00Z"})
    doc.move_nodes({"ward": (999.0, 999.0)})  # layout only: not reported by default
    doc.add_comment("a comment is not a change to the map", "crisis")
    return doc


KNOWN = {
    "added": {"liaison", "f_gp_liaison", "p_liaison"},
    "removed": {"home", "f_crisis_home", "f_cmht_home", "p_crisis"},
    "changed": {"crisis", "f_gp_crisis", "p_cmht"},
}


def test_identical_maps_have_no_differences(sample_doc):
    result = diff(sample_doc, copy_of(sample_doc))
    assert result["identical"]
    assert result["counts"] == {"added": 0, "removed": 0, "changed": 0}
    assert report_lines(result) == ["No differences."]


def test_exactly_the_known_differences(sample_doc):
    result = diff(sample_doc, changed_version(sample_doc))
    assert changed_ids(result) == KNOWN
    assert not result["identical"]
    assert result["counts"] == {"added": 3, "removed": 4, "changed": 4}  # 3 items + the map
    crisis = next(n for n in result["nodes"]["changed"] if n["id"] == "crisis")
    assert crisis["fields"] == {"capacity": {"old": 40, "new": 45},
                                "hours": {"old": "24/7", "new": "8-8"}}
    flow = result["edges"]["changed"][0]
    assert flow["fields"] == {"volume_per_year": {"old": 1200, "new": 1300}}
    assert flow["name"] == "GP practice → Crisis team" and flow["flow_type"] == "referral"
    pathway = result["pathways"]["changed"][0]
    # the name changed, and the removed exit left the steps
    assert pathway["fields"]["name"] == {"old": "Community", "new": "Community route"}
    assert pathway["fields"]["steps"] == {"old": ["gp", "crisis", "cmht", "home"],
                                          "new": ["gp", "crisis", "cmht"]}
    assert result["map"]["changed"] == {"title": {"old": "Sample map", "new": "Sample map v2"}}
    removed = {n["id"]: n for n in result["nodes"]["removed"]}
    assert removed["home"] == {"id": "home", "kind": "exit", "name": "Back to GP care"}


def test_result_is_json_ready(sample_doc):
    result = diff(sample_doc, changed_version(sample_doc))
    assert json.loads(json.dumps(result)) == result


def test_layout_changes_only_when_asked(sample_doc):
    moved = copy_of(sample_doc)
    moved.move_nodes({"ward": (1.0, 2.0)})
    moved.update_node("crisis", {"pinned": False})
    assert diff(sample_doc, moved)["identical"]
    result = diff(sample_doc, moved, include_layout=True)
    assert changed_ids(result)["changed"] == {"ward", "crisis"}
    ward = next(n for n in result["nodes"]["changed"] if n["id"] == "ward")
    assert ward["fields"] == {"x": {"old": 340.0, "new": 1.0}, "y": {"old": 0.0, "new": 2.0}}


def test_report_lines_list_every_difference(sample_doc):
    new = changed_version(sample_doc)
    lines = report_lines(diff(sample_doc, new), sample_doc, new)
    text = "\n".join(lines)
    assert "Added (3):" in text and "Removed (4):" in text and "Changed (4):" in text
    assert "  + service “Liaison team” (liaison)" in lines
    assert "  - exit “Back to GP care” (home)" in lines
    assert "  ~ service “Crisis team” (crisis): capacity 40 → 45; hours “24/7” → “8-8”" in lines
    assert "  ~ map: title “Sample map” → “Sample map v2”" in lines
    assert any("steps GP practice → Crisis team → Community team → Back to GP care ⇒ "
               "GP practice → Crisis team → Community team" in line for line in lines)
    assert lines[-1] == "3 added, 4 removed, 4 changed."


# ----- the command --------------------------------------------------------------------------
@pytest.fixture
def versions(tmp_path, sample_doc):
    old, new = tmp_path / "old.smap", tmp_path / "new.smap"
    store.save(sample_doc, old)
    store.save(changed_version(sample_doc), new)
    return old, new


def test_cli_diff_lists_exactly_the_differences_and_exits_1(versions, capsys):
    old, new = versions
    code = main(["diff", str(old), str(new)])
    out, err = capsys.readouterr()
    assert code == EXIT_PROBLEMS and err == ""
    lines = out.splitlines()
    assert lines[0] == "old.smap → new.smap"
    marked = [line for line in lines if line.startswith(("  +", "  -", "  ~"))]
    ids = {line.rsplit("(", 1)[1].split(")")[0] for line in marked if "map:" not in line}
    assert ids == set().union(*KNOWN.values())
    assert len(marked) == 11  # 10 items and the map's title


def test_cli_diff_json(versions, capsys):
    old, new = versions
    code = main(["diff", str(old), str(new), "--json"])
    out, _ = capsys.readouterr()
    assert code == EXIT_PROBLEMS
    result = json.loads(out)
    assert changed_ids(result) == KNOWN


def test_cli_diff_same_map_exits_0(versions, tmp_path, capsys, sample_doc):
    old, _ = versions
    as_json = tmp_path / "same.json"
    write_json(sample_doc, as_json)
    code = main(["diff", str(old), str(as_json)])
    out, _ = capsys.readouterr()
    assert code == EXIT_OK
    assert out.splitlines()[-1] == "No differences."


def test_cli_diff_layout_flag(tmp_path, sample_doc, capsys):
    moved = copy_of(sample_doc)
    moved.move_nodes({"ward": (1.0, 2.0)})
    a, b = tmp_path / "a.smap", tmp_path / "b.smap"
    store.save(sample_doc, a)
    store.save(moved, b)
    assert main(["diff", str(a), str(b)]) == EXIT_OK
    assert main(["diff", str(a), str(b), "--layout"]) == EXIT_PROBLEMS
    capsys.readouterr()


@pytest.mark.parametrize("args", [["diff"], ["diff", "one.smap"],
                                  ["diff", "missing.smap", "other.smap"]])
def test_cli_diff_bad_input(args, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = main(args)
    out, err = capsys.readouterr()
    assert code == EXIT_BAD_INPUT and out == ""
    assert err.startswith("servicemap: ") and err.count("\n") == 1


def test_cli_review_flag_parses_and_needs_a_map(monkeypatch, saved_map, capsys):
    calls = []
    import servicemap.ui.app as app

    monkeypatch.setattr(app, "run", lambda path=None, review=False: calls.append((path, review))
                        or 0)
    assert main([str(saved_map), "--review"]) == EXIT_OK
    assert main([str(saved_map)]) == EXIT_OK
    assert calls == [(str(saved_map), True), (str(saved_map), False)]
    assert main(["--review"]) == EXIT_BAD_INPUT
    assert "--review needs a MAP" in capsys.readouterr().err


def test_field_changes_write_units_and_flow_ends_by_name():
    from servicemap.graph.diff import field_changes

    text = field_changes({"wait_target_days": {"old": 1, "new": 4 / 24},
                          "pct_within_target": {"old": None, "new": 85},
                          "source": {"old": "gp", "new": "crisis"}},
                         {"gp": "GP practice", "crisis": "Crisis team"})
    assert text == ("wait target 1 day → 4 hours; % within target (empty) → 85%; "
                    "from “GP practice” → “Crisis team”")


def test_describe_without_the_id():
    from servicemap.graph.diff import describe

    item = {"id": "crisis", "kind": "service", "name": "Crisis team"}
    assert describe(item, "nodes") == "service “Crisis team” (crisis)"
    assert describe(item, "nodes", with_id=False) == "service “Crisis team”"
