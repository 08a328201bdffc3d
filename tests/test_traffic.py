"""Derived volumes (docs/analysis.md): the traffic equations, solved over chains and loops;
unknown stays unknown; a closed loop has no answer; shares not making 100% and recorded volumes
that disagree are reported, in analyse and in validate."""

from __future__ import annotations

import json
import random
import time

import pytest

from servicemap import store
from servicemap.cli import main
from servicemap.graph import traffic
from servicemap.graph.analysis import analyse
from servicemap.graph.document import Document
from servicemap.graph.traffic import FlowRecord, derive


def _solve(kinds, arrivals, flows):
    return derive(kinds, arrivals, [FlowRecord(*f) for f in flows])


def test_a_chain_multiplies_its_shares():
    kinds = {"a": "access_point", "s": "service", "t": "service", "x": "exit"}
    r = _solve(kinds, {"a": 1000}, [("f1", "a", "s", 100, None), ("f2", "s", "t", 40, None),
                                     ("f3", "s", "x", 60, None), ("f4", "t", "x", 100, None)])
    assert r["people_in"] == {"s": 1000, "t": 400}
    assert r["flow_volume"]["f3"] == 600 and r["flow_derived"]["f4"]


def test_a_loop_is_solved_exactly():
    # s -> t 50%, t -> s 20%: s = 1000 + 0.2 t, t = 0.5 s, so s = 1000 / 0.9
    kinds = {"a": "access_point", "s": "service", "t": "service", "x": "exit"}
    r = _solve(kinds, {"a": 1000}, [("f1", "a", "s", 100, None), ("f2", "s", "t", 50, None),
                                     ("f3", "t", "s", 20, None), ("f4", "s", "x", 50, None),
                                     ("f5", "t", "x", 80, None)])
    assert r["people_in"]["s"] == pytest.approx(1000 / 0.9, rel=1e-9)
    assert r["people_in"]["t"] == pytest.approx(500 / 0.9, rel=1e-9)


def test_a_closed_loop_is_unknown_and_says_why():
    kinds = {"a": "access_point", "s": "service", "t": "service"}
    r = _solve(kinds, {"a": 10}, [("f1", "a", "s", 100, None), ("f2", "s", "t", 100, None),
                                   ("f3", "t", "s", 100, None)])
    assert r["people_in"] == {"s": None, "t": None}
    assert "keeps everyone" in r["why"]["s"]


def test_recorded_volumes_fill_in_and_unknown_stays_unknown():
    kinds = {"a": "access_point", "b": "access_point", "s": "service", "t": "service"}
    r = _solve(kinds, {"a": 100, "b": None},
               [("f1", "a", "s", 100, None), ("f2", "b", "s", 100, 50),  # recorded stands in
                ("f3", "s", "t", 10, None), ("f4", "b", "t", None, None)])  # unknown
    assert r["people_in"]["s"] == 150 and r["derived"]["s"]
    assert r["people_in"]["t"] is None and "neither a volume nor a share" in r["why"]["t"]
    assert r["flow_volume"]["f2"] == 50 and not r["flow_derived"]["f2"]


def test_shares_not_making_100_are_reported():
    kinds = {"a": "access_point", "s": "service", "x": "exit", "y": "exit"}
    names = {k: k.upper() for k in kinds}
    flows = [FlowRecord("f1", "a", "s", 100, None), FlowRecord("f2", "s", "x", 70, None),
             FlowRecord("f3", "s", "y", None, None)]
    rows = traffic.share_problems(kinds, names, flows)
    assert [r["id"] for r in rows] == ["s"]
    assert rows[0]["problem"] == ("the shares of its flows out add up to 70%, not 100%, and 1 "
                                  "of its 2 flows out has no share")


def shared_map() -> Document:
    doc = Document()
    doc.add_node("access_point", "NHS 111", "a", arrivals_per_year=1000)
    doc.add_node("service", "Crisis team", "s", capacity=10, capacity_unit="caseload",
                 length_of_stay_days=2)
    doc.add_node("service", "Ward", "w", capacity=5, capacity_unit="beds",
                 length_of_stay_days=10)
    doc.add_node("exit", "Home", "x")
    doc.add_edge("flow", "a", "s", "f1", flow_type="referral", share_pct=100)
    doc.add_edge("flow", "s", "w", "f2", flow_type="escalation", share_pct=20,
                 volume_per_year=100)  # the share makes 200
    doc.add_edge("flow", "s", "x", "f3", flow_type="discharge", share_pct=70)
    doc.add_edge("flow", "w", "x", "f4", flow_type="discharge", share_pct=100)
    return doc


def test_analyse_marks_derived_volumes_and_flags_a_disagreeing_one():
    result = analyse(shared_map())
    rows = {r["id"]: r for r in result["per_service"]["services"]}
    assert rows["s"]["people_in"] == 1000 and rows["s"]["people_in_derived"]
    assert rows["w"]["derived_people_in"] == 200 and rows["w"]["people_in"] == 100
    section = result["derived_volumes"]
    assert [d["id"] for d in section["disagreements"]] == ["f2"]
    assert section["disagreements"][0]["derived"] == 200
    assert [p["id"] for p in section["share_problems"]] == ["s"]


def test_derived_volumes_follow_every_edit():
    doc = shared_map()
    doc.update_node("a", {"arrivals_per_year": 2000})
    rows = {r["id"]: r for r in analyse(doc)["per_service"]["services"]}
    assert rows["s"]["people_in"] == 2000 and rows["w"]["derived_people_in"] == 400


def test_validate_warns_of_shares_and_disagreements_without_failing(tmp_path, capsys):
    path = tmp_path / "m.smap"
    store.save(shared_map(), path)
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Crisis team (s): the shares of its flows out add up to 90%, not 100%" in out
    assert "flow Crisis team -> Ward (f2): 100 people a year recorded, but its share makes " \
           "200" in out


def test_analyse_json_has_the_section(tmp_path, capsys):
    path = tmp_path / "m.smap"
    store.save(shared_map(), path)
    assert main(["analyse", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["derived_volumes"]["derived_services"] == 2


def test_ten_thousand_services_with_loops_solve(capsys):
    """Correctness on a big random network with loops (its speed: benchmarks/bench_queue.py):
    the solution satisfies every traffic equation."""
    rng = random.Random(4)
    n = 10_000
    kinds = {f"s{i}": "service" for i in range(n)} | {"a": "access_point", "x": "exit"}
    flows = [FlowRecord("in", "a", "s0", 100, None)]
    for i in range(n):
        targets = ({rng.randrange(n) for _ in range(2)} | {(i + 1) % n}) - {i}
        share = 60 / len(targets)
        flows += [FlowRecord(f"e{i}-{t}", f"s{i}", f"s{t}", share, None) for t in targets]
        flows.append(FlowRecord(f"x{i}", f"s{i}", "x", 40, None))
    start = time.perf_counter()
    r = derive(kinds, {"a": 1000}, flows)
    assert time.perf_counter() - start < 60  # a hang, not a speed check
    people = r["people_in"]
    into = {s: 0.0 for s in people}
    for f in flows:
        if f.target in into:
            into[f.target] += 1000 * f.share / 100 if f.source == "a" else \
                (people[f.source] or 0) * f.share / 100
    assert all(people[s] is not None for s in people)
    for s in people:
        assert people[s] == pytest.approx(into[s], rel=1e-8, abs=1e-9)


def test_the_analyse_report_says_the_estimates_and_the_problems(tmp_path, capsys):
    path = tmp_path / "m.smap"
    store.save(shared_map(), path)
    assert main(["analyse", str(path)]) == 0
    out = capsys.readouterr().out
    assert "  Ward: the queue grows without end (M/M/c, 110% of its places)" in out
    assert "  Crisis team -> Ward: 100 recorded, 200 derived" in out
