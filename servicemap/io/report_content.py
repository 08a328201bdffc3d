"""What the scenario report says (no Qt; servicemap.render.scenario_report lays it out as a
PDF): the list of changes in words, the comparison tables (each side and the change), the
simulation's figures for both, the charts and the assumptions behind the figures.

The comparison is servicemap.graph.scenario_compare's (the figures ``analyse`` gives); the
simulation, when there is one, is ``servicemap simulate``'s for each side.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from servicemap.graph import charts
from servicemap.graph.scenario_compare import compare
from servicemap.graph.scenarios import changes_between, describe_change
from servicemap.io.compare_tables import BOTTLENECK_WORDS, CHANGE_WORDS, SYSTEM_LABELS, about_lines
from servicemap.words import plural

SIMULATED_SERVICES = 12  # busiest services in the simulation's table
CHARTED_SERVICES = 3  # busiest services whose places held over time and waits are drawn
ESTIMATES = ("The estimates assume people arrive at random (Poisson) and stay for exponential "
             "times; the queueing formulas are Erlang C, Erlang B or M/M/c/K by the queue "
             "limit (docs/analysis.md).")


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list[str]]
    numeric: list[bool]  # right-aligned columns
    note: str = ""


@dataclass
class Report:
    title: str
    a: str
    b: str
    marking: str
    date: datetime.date
    changes: list[str]
    summary: str
    tables: list[Table] = field(default_factory=list)
    charts: list[charts.Chart] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)


def fmt(value, kind: str = "", delta: bool = False) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, str):
        return value
    sign = "+" if delta else ""
    if kind == "%":
        return f"{value:{sign}.0%}"
    if kind == "0":
        return f"{value:{sign},.0f}"
    return f"{value:{sign},.1f}" if kind == "1" else f"{value:{sign},.2f}"


def _system_table(result: dict, a: str, b: str) -> Table:
    rows = [[SYSTEM_LABELS[k], fmt(result["system"][k]["a"], "0"),
             fmt(result["system"][k]["b"], "0"),
             "" if result["system"][k]["delta"] is None
             else fmt(result["system"][k]["delta"], "0", True)] for k in SYSTEM_LABELS]
    words = {True: "met", False: "not met", None: "unknown"}
    rows += [[f"Target “{t['name']}”", words[t["meets_a"]], words[t["meets_b"]], ""]
             for t in result["targets"]]
    return Table("Whole system and targets", ["Whole system", a, b, "Change"], rows,
                 [False, True, True, True])


# (measure, column title, format): the report's service table
SERVICE_MEASURES = (("people_in", "People in a year", "0"), ("load", "Load", "%"),
                    ("occupancy_pct", "Occupancy", "%"),
                    ("longest_wait_days", "Longest wait, days", "1"))


def _service_table(result: dict, a: str, b: str) -> Table:
    header, numeric = ["Service", "Change"], [False, False]
    for _m, title, _f in SERVICE_MEASURES:
        header += [f"{title} ({a})", f"({b})", "Δ"]
        numeric += [True, True, True]
    header.append("Bottleneck")
    numeric.append(False)
    differ = [r for r in result["services"] if r["change"] or r["bottleneck"] in
              ("appears", "clears")]
    rows = []
    for r in differ:
        row = [r["name"], CHANGE_WORDS[r["change"]]]
        for m, _title, kind in SERVICE_MEASURES:
            delta = r[m]["delta"]
            row += [fmt(r[m]["a"], kind), fmt(r[m]["b"], kind),
                    "" if delta is None else fmt(delta, kind, True)]
        row.append(BOTTLENECK_WORDS[r["bottleneck"]])
        rows.append(row)
    same = len(result["services"]) - len(differ)
    note = (f"{plural(same, 'other service')} {'is' if same == 1 else 'are'} the same in both."
            if same else "")
    return Table("Services that differ", header, rows, numeric, note)


SIMULATED = (("throughput_per_year", "Served a year", "0"),
             ("occupancy_mean", "Places held", "1"), ("wait_mean_days", "Wait, days", "2"),
             ("refused_per_year", "Refused a year", "0"))


def _simulated_table(sims: list[tuple[str, dict]]) -> Table:
    (a, ra), (b, rb) = sims[0], sims[-1]
    ids = [r["id"] for r in charts.busiest_simulated(rb, SIMULATED_SERVICES)]
    by_a = {r["id"]: r for r in ra["services"]}
    by_b = {r["id"]: r for r in rb["services"]}
    header, numeric = ["Service"], [False]
    for _k, title, _f in SIMULATED:
        header += [f"{title} ({a})", f"({b})", "Δ"]
        numeric += [True, True, True]
    rows = []
    for sid in ids:
        row = [by_b[sid]["name"]]
        for key, _title, kind in SIMULATED:
            va, vb = by_a.get(sid, {}).get(key), by_b[sid].get(key)
            row += [fmt(va, kind), fmt(vb, kind),
                    "" if va is None or vb is None else fmt(vb - va, kind, True)]
        rows.append(row)
    system = [("Arriving a year", "arrivals_per_year", "0"),
              ("Refused a year", "refused_per_year", "0"),
              ("Places held (mean)", "occupancy_mean", "1"),
              ("Days from entry to exit (mean)", "time_in_system_mean_days", "1")]
    for label, key, kind in system:
        va, vb = ra["system"].get(key), rb["system"].get(key)
        rows.append([f"Whole system: {label.lower()}", fmt(va, kind), fmt(vb, kind),
                     "" if va is None or vb is None else fmt(vb - va, kind, True)]
                    + [""] * (len(header) - 4))
    return Table(f"Simulated, busiest {len(ids)} services (means over the runs)", header, rows,
                 numeric)


def build(a_doc, b_doc, a: str, b: str, sims: list[tuple[str, dict]] | None = None,
          settings: dict | None = None, date: datetime.date | None = None) -> Report:
    """The report of ``b_doc`` (named ``b``) against ``a_doc`` (``a``); ``sims``: each side's
    simulate result, (a, b) in that order, run with ``settings`` (days, warm_up, runs,
    seed)."""
    result = compare(a_doc, b_doc)
    changes = [describe_change(a_doc, c, b_doc) for c in changes_between(a_doc, b_doc)]
    fields = b_doc.graph.graph
    title = (fields.get("title") or "").strip() or "Map"
    appear, clear = result["bottlenecks"]["appear"], result["bottlenecks"]["clear"]
    summary = (f"{b} compared with {a}: {plural(len(changes), 'change')}; "
               f"{plural(sum(1 for r in result['services'] if r['change']), 'service')} "
               f"differ; bottlenecks that appear: {', '.join(appear) or 'none'}; that clear: "
               f"{', '.join(clear) or 'none'}.")
    report = Report(f"{title}: scenario report, {b} compared with {a}", a, b,
                    (fields.get("marking") or "").strip(), date or datetime.date.today(),
                    changes, summary)
    report.tables = [_system_table(result, a, b), _service_table(result, a, b)]
    report.charts = charts.compare_charts(result, a, b)
    report.assumptions = [*about_lines(a, b), ESTIMATES]
    if sims:
        report.tables.append(_simulated_table(sims))
        report.charts += charts.simulated_bars(sims)[1:]  # places held and waits
        for entry in charts.busiest_simulated(sims[-1][1], CHARTED_SERVICES):
            sid = entry["id"]
            sides = [(label, r["series"][sid], k) for k, (label, r) in enumerate(sims)
                     if sid in r.get("series", {})]
            if sides:
                report.charts.append(charts.occupancy_chart(sides, entry["name"]))
                report.charts.append(charts.wait_chart(
                    [(label, s["waits"], k) for label, s, k in sides], entry["name"]))
        s = settings or {}
        report.assumptions.append(
            f"Simulated {s.get('days', 365):,g} days"
            f"{' from ' + s['start'].isoformat() if s.get('start') else ''} after a "
            f"{s.get('warm_up', 90):,g}-day "
            f"warm-up, {plural(s.get('runs', 10), 'run')} from seed {s.get('seed', 1)} for each "
            "side; places held over time are counted at the start of each day, the band "
            "runs from the 5th to the 95th percentile over the runs.")
        seen: set[str] = set()
        for label, r in sims:
            for text in r["assumptions"]:
                if text not in seen:
                    seen.add(text)
                    report.assumptions.append(f"Simulation ({label}): {text}")
    return report
