"""Exchange with PathSimR (issue #17): its own templates (tests/data/pathsimr, copied unchanged
from its repository) import as maps whose numbers are checked against the templates by hand,
export back to the same cells, and round-trip import -> export -> import to the same map."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from servicemap.graph.analysis import analyse
from servicemap.graph.layout import left_to_right_share
from servicemap.io import pathsimr as ps
from servicemap.io.pathsimr_read import import_pathsimr, read_pathsimr
from servicemap.io.pathsimr_write import ExportProblems, pathsimr_tables, write_pathsimr
from servicemap.io.report import ImportProblems

DATA = Path(__file__).parent / "data" / "pathsimr"
# (network, calendar, time unit): the use cases' calendars run over a 24-hour day
TEMPLATES = [
    ("A&E_Network_Template.csv", "A&E_Calendar_Template.csv", "hours"),
    ("Obstetrics_Network_Template.csv", "Obstetrics_Calendar_Template.csv", "hours"),
    ("Stroke_Network_Template.csv", "Stroke_Calendar_Template.csv", "days"),
    ("Urology_Network_Template.csv", "Urology_Calendar_Template.csv", "hours"),
    *((f"input_template_{i}.csv", f"cal_input_{i}.csv", "days") for i in (1, 2, 3, 4)),
]
IDS = [t[0].split("_")[0] + t[0][-5] for t in TEMPLATES]


def load(network: str, calendar: str, unit: str):
    return import_pathsimr(DATA / network, DATA / calendar, unit)


def approx(value: float) -> object:
    return pytest.approx(value, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(("network", "calendar", "unit"), TEMPLATES, ids=IDS)
def test_every_template_imports_laid_out_left_to_right(network, calendar, unit):
    doc = load(network, calendar, unit).document
    rows = list(csv.reader((DATA / network).open(encoding="utf-8-sig")))[1:]
    assert len(doc.graph) == len(rows) + len(doc.nodes_of_kind("access_point"))
    assert all(a["x"] is not None and a["y"] is not None for _, a in doc.graph.nodes(data=True))
    assert left_to_right_share(doc) > 0.75
    assert doc.problems() == []


def test_stroke_in_days_by_hand():
    """HASU: exp rate 0.303030303 a day, 40 beds, 5.14 arrivals a day, ext_queue 999; 42% to
    ASU, whose int_queue is 0 (so HASU blocks); exp delays of rate 0.666666667, 2 and 0.5."""
    imported = load(*TEMPLATES[2])
    doc = imported.document
    hasu = doc.node("hasu")
    assert hasu["name"] == "HASU" and hasu["kind"] == "service"
    assert hasu["length_of_stay_days"] == approx(1 / 0.303030303)
    assert hasu["los_distribution"] == "exponential" and hasu["los_sd_days"] is None
    assert hasu["capacity"] == 40 and hasu["capacity_unit"] == "places"
    assert hasu["queue_limit"] == 999 and hasu["blocking"] is True
    arrivals = doc.node("arrivals-hasu")
    assert arrivals["kind"] == "access_point"
    assert arrivals["arrivals_per_year"] == approx(5.14 * 365)
    assert [doc.node(n)["name"] for n in doc.nodes_of_kind("access_point")] == ["Arrivals to HASU"]
    assert doc.edge("hasu-to-asu")["share_pct"] == approx(42)
    assert doc.edge("hasu-to-asu")["flow_type"] == "transfer"
    assert doc.edge("hasu-to-death")["flow_type"] == "discharge"
    assert doc.node("death")["name"] == "Death"  # the template's "Death " trimmed
    assert doc.edge("hasu-to-homeesd")["transfer_delay_days"] == approx(1 / 0.666666667)
    assert doc.edge("hasu-to-repat")["transfer_delay_days"] == approx(2)
    assert "PathSimR delay: exp 0.5 (days)" in doc.edge("hasu-to-repat")["notes"]
    assert doc.node("sa1")["blocking"] is False  # Complex1 and Simple1 are exits
    assert "18 delays on routes no one takes" in imported.notices[0]


def test_ae_in_hours_by_hand():
    """Shock room: lnorm(-0.88056, 1.1467) hours, capacity 3, 6 then 3 over the day (4.5 on
    average), arrivals 0.1725, 0.345, 0.3335, 0.299 an hour in 6-hour steps."""
    doc = load(*TEMPLATES[0]).document
    shock = doc.node("shock-room")
    assert shock["name"] == "Shock room"
    mean_hours = math.exp(-0.88056 + 1.1467 ** 2 / 2)
    assert shock["length_of_stay_days"] == approx(mean_hours / 24)
    assert shock["los_sd_days"] == approx(mean_hours * math.sqrt(math.expm1(1.1467 ** 2)) / 24)
    assert shock["los_distribution"] == "lognormal"
    assert shock["capacity"] == approx((3 * 8 + 6 * 12 + 3 * 4) / 24)
    assert shock["capacity_calendar"] == "00:00-08:00 3; 08:00-20:00 6; 20:00-24:00 3"
    assert "calendar" not in shock["notes"]  # the calendar holds it, not a notes line
    assert shock["queue_limit"] == 0
    per_hour = (0.1725 + 0.345 + 0.3335 + 0.299) * 6 / 24
    assert doc.node("arrivals-shock-room")["arrivals_per_year"] == approx(per_hour * 24 * 365)
    assert doc.node("arrivals-shock-room")["arrivals_calendar"] == (
        "00:00-06:00 1511.1; 06:00-12:00 3022.2; 12:00-18:00 2921.46; 18:00-24:00 2619.24")
    assert doc.node("arrivals-shock-room")["notes"] == ""
    assert doc.node("observation")["capacity_calendar"] is None  # one row: the field alone
    assert doc.edge("intensive-treatment-to-admission")["transfer_delay_days"] == approx(0.5 / 24)
    assert doc.node("intensive-treatment")["queue_limit"] == 0
    assert doc.node("observation")["queue_limit"] == 999
    assert not doc.has_node("arrivals-intensive-treatment")  # its ext_arr is 0


def test_obstetrics_gamma_and_uniform_by_hand():
    doc = load(*TEMPLATES[1]).document
    pp, pacu = doc.node("pp"), doc.node("pacu")
    assert pp["los_distribution"] == "gamma"
    assert pp["length_of_stay_days"] == approx(3.45 / 0.0738 / 24)
    assert pp["los_sd_days"] == approx(math.sqrt(3.45) / 0.0738 / 24)
    assert pacu["los_distribution"] == "uniform"
    assert pacu["length_of_stay_days"] == approx(3.5 / 24)
    assert pacu["los_sd_days"] == approx(1 / math.sqrt(12) / 24)
    assert doc.edge("triage-to-apm")["share_pct"] == 1.62  # 0.0162 x 100 without the noise


def test_imported_rates_drive_the_traffic_equations_and_littles_law():
    """The analysis's derived people in follow the imported arrivals and shares (worked out
    by hand), and its expected occupancy is Little's law: people admitted a day (those in,
    less those refused where the queue limit is 0) x stay."""
    doc = load(*TEMPLATES[2]).document
    services = {s["id"]: s for s in analyse(doc)["per_service"]["services"]}
    hasu_in = 5.14 * 365
    expected = {"hasu": hasu_in, "asu": hasu_in * 0.42, "sa1": hasu_in * 0.42 * 0.35,
                "sa2": hasu_in * 0.42 * 0.225}
    for sid, people_in in expected.items():
        s = services[sid]
        assert s["people_in_derived"] is True
        assert s["people_in"] == pytest.approx(people_in, rel=1e-4)
        admitted = s["people_in"] - s["refused_per_year"]
        littles = admitted / 365 * doc.node(sid)["length_of_stay_days"]
        assert s["expected_occupancy"] == pytest.approx(littles, rel=1e-3, abs=1e-3)


def test_weibull_becomes_gamma_of_the_same_moments_and_exports_back(tmp_path):
    network = (DATA / "input_template_1.csv").read_text(encoding="utf-8")
    (tmp_path / "n.csv").write_text(network.replace("exp,0.1", "weibull,1.5;12"), "utf-8")
    imported = import_pathsimr(tmp_path / "n.csv", DATA / "cal_input_1.csv", "hours")
    a = imported.document.node("a")
    mean = 12 * math.gamma(1 + 1 / 1.5)
    assert a["los_distribution"] == "gamma"
    assert a["length_of_stay_days"] == approx(mean / 24)
    assert "Weibull" in imported.notices[0]
    network_rows, _ = pathsimr_tables(imported.document, "hours")
    assert network_rows[1][3:5] == ["weibull", "1.5;12"]


@pytest.mark.parametrize(("network", "calendar", "unit"), TEMPLATES, ids=IDS)
@pytest.mark.parametrize("export_unit", ["days", "hours"])
def test_import_export_import_gives_the_same_map(network, calendar, unit, export_unit, tmp_path):
    doc = load(network, calendar, unit).document
    written = write_pathsimr(doc, tmp_path / "out", export_unit)
    assert [p.name for p in written] == [ps.NETWORK_FILE, ps.CALENDAR_FILE]
    back = read_pathsimr(*written, export_unit)
    assert sorted(back.graph.nodes) == sorted(doc.graph.nodes)
    assert sorted(back.edge_ids()) == sorted(doc.edge_ids())
    for node_id, attrs in doc.graph.nodes(data=True):
        _same(attrs, back.node(node_id), ignore=("x", "y", "notes"))
        for metric in ps.METRICS:
            steps = ps.noted_calendar(attrs["notes"], metric, "days") or []
            again = ps.noted_calendar(back.node(node_id)["notes"], metric, "days") or []
            assert [x for step in again for x in step] == \
                pytest.approx([x for step in steps for x in step], rel=1e-9)
    for edge_id in doc.edge_ids():
        _same(doc.edge(edge_id), back.edge(edge_id), ignore=("notes",))


def _same(a: dict, b: dict, ignore: tuple[str, ...]) -> None:
    for key, value in a.items():
        if key in ignore:
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            assert b[key] == approx(value), key
        else:
            assert b[key] == value, key


def _cells(path: Path) -> list[list[str]]:
    def norm(cell: str) -> str:
        cell = cell.strip()
        if cell in ("", "NA"):
            return "NA"
        try:
            return ";".join(repr(float(p)) for p in cell.split(";"))
        except ValueError:
            return cell
    return [[norm(c) for c in row] for row in csv.reader(path.open(encoding="utf-8-sig"))]


@pytest.mark.parametrize(("network", "calendar", "unit"),
                         [t for t in TEMPLATES if t[0][:6] not in ("Stroke", "input_")]
                         + [TEMPLATES[4], TEMPLATES[6], TEMPLATES[7]])
def test_export_in_the_templates_unit_gives_back_its_cells(network, calendar, unit, tmp_path):
    """PathSimR's own columns, order and layout: each cell as the template has it (the
    templates whose delays on untaken routes are dropped, Stroke and input_template_2, are
    left out; the header's delay columns take PathSimR's NAME_delay_dist names)."""
    doc = load(network, calendar, unit).document
    net, cal = write_pathsimr(doc, tmp_path, unit)
    original = _cells(DATA / network)
    assert _cells(net)[1:] == original[1:]
    assert _cells(net)[0][:len(original) + 4] == original[0][:len(original) + 4]
    by_key = sorted(map(tuple, _cells(DATA / calendar)[1:]))
    assert sorted(map(tuple, _cells(cal)[1:])) == by_key


def test_a_planners_change_wins_over_the_notes(tmp_path):
    doc = load(*TEMPLATES[0]).document
    doc.update_node("shock-room", {"capacity": 7, "capacity_calendar": None})
    doc.update_node("arrivals-shock-room", {"arrivals_per_year": 365 * 24,
                                            "arrivals_calendar": None})
    doc.update_edge("intensive-treatment-to-admission", {"transfer_delay_days": 1})
    network, calendar = pathsimr_tables(doc, "days")
    assert ["cap", "Shock_room", "0", "NA", "7"] in calendar
    assert ["ext_arr", "Shock_room", "0", "NA", "24"] in calendar
    header = network[0]
    row = next(r for r in network if r[0] == "Intensive_treatment")
    assert row[header.index("Admission_delay_dist")] == "unif"
    assert row[header.index("Admission_delay_params")] == "1;1"


def test_blocking_turned_off_upstream_frees_the_internal_queue():
    doc = load(*TEMPLATES[2]).document
    doc.update_node("hasu", {"blocking": False})
    network, _ = pathsimr_tables(doc)
    asu = next(r for r in network if r[0] == "ASU")
    assert asu[network[0].index("int_queue")] == "Inf"


def test_a_map_pathsimr_cannot_take_names_every_problem(tmp_path):
    doc = load(*TEMPLATES[4]).document
    doc.update_node("a", {"length_of_stay_days": None, "capacity": None})
    doc.update_edge("a-to-b", {"share_pct": 60})
    with pytest.raises(ExportProblems) as caught:
        write_pathsimr(doc, tmp_path / "out")
    assert caught.value.problems == [
        'service "A" (a) has no length of stay', 'service "A" (a) has no capacity',
        'service "A" (a): the shares of its flows out sum to 60%, not 100%']
    assert not (tmp_path / "out").exists()


# ----- bad input: one sentence per malformed row or cell, naming file, row and column ------
def test_pathsimrs_own_error_templates_are_refused_cell_by_cell():
    with pytest.raises(ImportProblems) as caught:
        load("input_template_1 - Error.csv", "cal_input_1.csv", "days")
    name = "input_template_1 - Error.csv"
    assert caught.value.problems == [
        f"{name}, row 2 ('A'), column B (to A): must be at least 0 (got '-1')",
        f"{name}, row 2 ('A'), column E (serv_dist_param): is empty: exp is written rate "
        "(got '')",
        f"{name}, row 2 ('A'), column K (delay parameters to B): must be numbers: unif is "
        "written min;max (got 'NA;0.1')"]
    with pytest.raises(ImportProblems) as caught:
        load("input_template_1.csv", "cal_input_1 - Error.csv", "days")
    name = "cal_input_1 - Error.csv"
    assert caught.value.problems == [
        f"{name}, row 4, column B (node): 'B' is an exit; only service points have calendars",
        f"{name}, row 3, column E (value): is empty; it needs a number",
        f"{name}, row 3, column C (start): must be 10, where the row before ends (the steps "
        "meet end to start)",
        f"{name}, row 3, column D (end): must be after the start (11)",
        f"{name} has no ext_arr row for service point 'A' (its external arrivals; 0 if none)"]


BASE = ",A,B,serv_dist,serv_dist_param,ext_queue,int_queue,A,B,A,B\n"


@pytest.mark.parametrize(("network", "expected"), [
    (BASE + "A,0,0.9,exp,0.1,Inf,0,,,,\nB,,,,,,,,,,\n",
     "n.csv, row 2 ('A'): the transitions (columns B to C) must sum to 1 (they sum to 0.9)"),
    (BASE + "A,0,1,norm,0.1,Inf,0,,,,\nB,,,,,,,,,,\n",
     "n.csv, row 2 ('A'), column D (serv_dist): the service distribution must be one of exp, "
     "lnorm, gamma, unif, weibull (got 'norm')"),
    (BASE + "A,0,1,lnorm,0.1,Inf,0,,,,\nB,,,,,,,,,,\n",
     "n.csv, row 2 ('A'), column E (serv_dist_param): lnorm takes 2 parameters "
     "(meanlog;sdlog): lnorm is written meanlog;sdlog (got '0.1')"),
    (BASE + "A,0,1,exp,0.1,2.5,0,,,,\nB,,,,,,,,,,\n",
     "n.csv, row 2 ('A'), column F (ext_queue): must be a whole number or Inf (got '2.5')"),
    (BASE + "A,0,1,exp,0.1,Inf,,,,,\nB,,,,,,,,,,\n",
     "n.csv, row 2 ('A'), column G (int_queue): is empty; it needs a number"),
    (BASE + "A,0,1,exp,0.1,Inf,0,,unif,,\nB,,,,,,,,,,\n",
     "n.csv, row 2 ('A'), column K (delay parameters to B): is empty, but the delay's "
     "distribution are given"),
    (BASE + "A,0,1,exp,0.1,Inf,0,,,,\nB,,,exp,,,,,,,\n",
     "n.csv, row 3 ('B'), column D (serv_dist): must be empty: the row has no transitions, so "
     "'B' is an exit"),
    (BASE.replace(",B,serv", ",C,serv") + "A,0,1,exp,0.1,Inf,0,,,,\nB,,,,,,,,,,\n",
     "n.csv, row 1, column C (to B): must be the name of row 3, 'B' (the transition matrix "
     "lists the nodes in the rows' order)"),
    (BASE.replace(",int_queue", "") + "A,0,1,exp,0.1,Inf,0,,,,\nB,,,,,,,,,,\n",
     "n.csv, row 1: has 10 columns, but a network of 2 nodes has 11: the names, 2 transition "
     "columns, serv_dist, serv_dist_param, ext_queue, int_queue, 2 delay distributions and 2 "
     "delay parameters"),
])
def test_a_malformed_network_cell_is_one_sentence(tmp_path, network, expected):
    (tmp_path / "n.csv").write_text(network, encoding="utf-8")
    with pytest.raises(ImportProblems) as caught:
        import_pathsimr(tmp_path / "n.csv", DATA / "cal_input_1.csv", "days")
    assert caught.value.problems == [expected]


@pytest.mark.parametrize(("calendar", "expected"), [
    ("metric,node,start,end,value\ncap,A,0,,20\next_arr,A,0,,1\nbeds,A,0,,3\n",
     "c.csv, row 4, column A (metric): must be cap or ext_arr (got 'beds')"),
    ("metric,node,start,end,value\ncap,A,0,,20\next_arr,A,0,,1\next_arr,Z,0,,1\n",
     "c.csv, row 4, column B (node): 'Z' is not a node of the network; only service points "
     "have calendars"),
    ("metric,node,start,end,value\ncap,A,1,,20\next_arr,A,0,,1\n",
     "c.csv, row 2, column C (start): must be 0: a node's cap calendar starts at 0"),
    ("metric,node,start,end,value\ncap,A,0,12,0\ncap,A,12,24,0\next_arr,A,0,,1\n",
     "c.csv, row 2, column E (value): is 0 at every step: a service point needs some capacity"),
    ("metric,node,start,end,value\ncap,A,0,12,4\ncap,A,12,,2\next_arr,A,0,,1\n",
     "c.csv, row 3, column D (end): is empty; it needs a number"),
    ("metric,node,start,end,value\ncap,A,0,,-2\next_arr,A,0,,1\n",
     "c.csv, row 2, column E (value): must be at least 0 (got '-2')"),
    ("metric,node,begin,end,value\ncap,A,0,,2\next_arr,A,0,,1\n",
     "c.csv, row 1, column C (begin): must be start (got 'begin'): the calendar's columns are "
     "metric, node, start, end, value"),
])
def test_a_malformed_calendar_cell_is_one_sentence(tmp_path, calendar, expected):
    (tmp_path / "c.csv").write_text(calendar, encoding="utf-8")
    with pytest.raises(ImportProblems) as caught:
        import_pathsimr(DATA / "input_template_1.csv", tmp_path / "c.csv", "days")
    assert caught.value.problems == [expected]


def test_a_file_that_is_not_utf8_is_one_sentence(tmp_path):
    (tmp_path / "c.csv").write_bytes("metric,node,start,end,value\ncap,Caf\xe9,0,,1\n"
                                     .encode("cp1252"))
    with pytest.raises(ImportProblems) as caught:
        import_pathsimr(DATA / "input_template_1.csv", tmp_path / "c.csv", "days")
    assert caught.value.problems == [
        "c.csv is not UTF-8 text (save it as 'CSV UTF-8' in Excel)"]


@pytest.mark.parametrize(("kind", "sd", "expected"), [
    ("lognormal", None, ("lnorm", (math.log(4) - math.log(2) / 2, math.sqrt(math.log(2))))),
    ("gamma", 2.0, ("gamma", (4.0, 1.0))),
    ("uniform", 10.0, ("unif", (0.0, 8.0))),  # its lower end kept at 0, as the model keeps it
    ("fixed", None, ("unif", (4.0, 4.0))),
    (None, None, ("exp", (0.25,))),
])
def test_a_maps_length_of_stay_as_pathsimr_takes_it(kind, sd, expected):
    """An empty spread is the mean's, as the queueing model reads it (docs/data-model.md)."""
    dist, params = ps.pathsimr_of(kind, 4.0, sd)
    assert dist == expected[0] and params == pytest.approx(expected[1])
    if kind in ("lognormal", "gamma"):
        assert ps.moments(dist, params) == pytest.approx((4.0, sd or 4.0))
