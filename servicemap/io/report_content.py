"""What the scenario report says (no Qt; servicemap.render.scenario_report lays it out as a
PDF): the list of changes in words, the comparison tables (each side and the change), the
simulation's figures for both, the charts and the assumptions behind the figures.

The comparison is servicemap.graph.scenario_compare's (the figures ``analyse`` gives); the
simulation, when there is one, is ``servicemap simulate``'s for each side.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from servicemap.graph import chart_choice, charts
from servicemap.graph.scenario_compare import compare
from servicemap.graph.scenarios import changes_between, describe_change
from servicemap.io.compare_tables import BOTTLENECK_WORDS, CHANGE_WORDS, SYSTEM_LABELS, about_lines
from servicemap.words import plural

SIMULATED_SERVICES = 12  # services in the simulation's tables (graph.chart_choice's order)
CHARTED_SERVICES = 3  # services whose places held over time and waits are drawn (the same)
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
    groups: list[tuple[str, int]] = field(default_factory=list)  # (title, columns) above


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
    if kind == "pt":  # already in percent: a change is in percentage points
        return f"{value:+,.0f} pts" if delta else f"{value:,.0f}%"
    if kind == "%":  # a change of shares is in percentage points
        return f"{value * 100:+,.0f} pts" if delta else f"{value:.0%}"
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


def _groups_header(lead: list[str], measures, a: str, b: str) -> tuple[list, list, list]:
    """The header of a table of (a, b, change) column groups: (groups, header, numeric)."""
    groups = [("", len(lead))] + [(title, 3) for _k, title, _f in measures]
    header = [*lead] + [h for _m in measures for h in (a, b, "Δ")]
    numeric = [False] * len(lead) + [True] * (3 * len(measures))
    return groups, header, numeric


def _triple(va, vb, kind: str) -> list[str]:
    delta = None if va is None or vb is None else round(vb - va, 6)
    return [fmt(va, kind), fmt(vb, kind), "" if delta is None else fmt(delta, kind, True)]


# (measure, column group title, format): the report's two service tables, each of (a, b,
# change) groups so neither is too wide for A4 (docs/analysis.md, the scenario report)
PEOPLE_MEASURES = (("people_in", "People in a year", "0"), ("load", "Load", "%"),
                   ("occupancy_pct", "Occupancy", "pt"))
WAIT_MEASURES = (("longest_wait_days", "Longest median wait, days", "1"),
                 ("expected_wait_days", "Expected wait, days (estimate)", "2"),
                 ("probability_of_wait", "Probability of waiting (estimate)", "%"),
                 ("refused_per_year", "Refused a year (estimate)", "0"))


def _service_tables(result: dict, a: str, b: str, order: list[str],
                    changed: set[str]) -> list[Table]:
    """The services that differ, that the scenario changes (even when their figures are
    unknown in both) or whose bottleneck appears or clears, in ``order``: their people and
    places, then their waits and refusals, the service's name in both."""
    rank = {sid: k for k, sid in enumerate(order)}
    differ = sorted((r for r in result["services"] if r["change"] or r["id"] in changed
                     or r["bottleneck"] in ("appears", "clears")),
                    key=lambda r: rank.get(r["id"], len(rank)))
    same = len(result["services"]) - len(differ)
    note = (f"{plural(same, 'other service')} {'is' if same == 1 else 'are'} the same in both."
            if same else "")
    groups, header, numeric = _groups_header(["Service", "Change"], PEOPLE_MEASURES, a, b)
    groups.append(("", 1))
    people = Table("Services that differ: people and places", header + ["Bottleneck"],
                   [], numeric + [False], groups=groups)
    groups, header, numeric = _groups_header(["Service"], WAIT_MEASURES, a, b)
    waits = Table("Services that differ: waits and refusals", header, [], numeric, note,
                  groups=groups)
    for r in differ:
        row = [r["name"], CHANGE_WORDS[r["change"] or "changed"]]
        for m, _title, kind in PEOPLE_MEASURES:
            row += _triple(r[m]["a"], r[m]["b"], kind)
        people.rows.append(row + [BOTTLENECK_WORDS[r["bottleneck"]]])
        row = [r["name"]]
        for m, _title, kind in WAIT_MEASURES:
            row += _triple(r[m]["a"], r[m]["b"], kind)
        waits.rows.append(row)
    return [people, waits]


SIMULATED_PEOPLE = (("throughput_per_year", "Served a year", "0"),
                    ("occupancy_mean", "Places held (mean)", "1"),
                    ("occupancy_p95", "Places held (95th percentile)", "0"))
SIMULATED_WAITS = (("wait_mean_days", "Wait, days", "2"),
                   ("delay_to_transfer_mean_days", "Blocked, days", "2"),
                   ("refused_per_year", "Refused a year", "0"))
SIMULATED_SYSTEM = (("Arriving a year", "arrivals_per_year", "0"),
                    ("Refused a year", "refused_per_year", "0"),
                    ("Places held (mean)", "occupancy_mean", "1"),
                    ("Days from entry to exit (mean)", "time_in_system_mean_days", "1"))


def _simulated_tables(sims: list[tuple[str, dict]], chosen: list[chart_choice.Choice]
                      ) -> list[Table]:
    (a, ra), (b, rb) = sims[0], sims[-1]
    by_a = {r["id"]: r for r in ra["services"]}
    by_b = {r["id"]: r for r in rb["services"]}
    shown = [c for c in chosen if c.id in by_b][:SIMULATED_SERVICES]
    note = f"The services shown: {chart_choice.why_words(shown)}."
    out = []
    for title, measures in (("people and places", SIMULATED_PEOPLE),
                            ("waits and refusals", SIMULATED_WAITS)):
        groups, header, numeric = _groups_header(["Service"], measures, a, b)
        rows = []
        for c in shown:
            row = [by_b[c.id]["name"]]
            for key, _title, kind in measures:
                row += _triple(by_a.get(c.id, {}).get(key), by_b[c.id].get(key), kind)
            rows.append(row)
        out.append(Table(f"Simulated {title} (means over the runs)", header, rows, numeric,
                         note, groups=groups))
    rows = [[label, *_triple(ra["system"].get(key), rb["system"].get(key), kind)]
            for label, key, kind in SIMULATED_SYSTEM]
    out.append(Table("Simulated, whole system", ["Whole system", a, b, "Change"], rows,
                     [False, True, True, True]))
    return out


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
    changed = chart_choice.changed_services(a_doc, b_doc, changes_between(a_doc, b_doc))
    order = chart_choice.choose(result, changed)
    report.tables = [_system_table(result, a, b),
                     *_service_tables(result, a, b, [c.id for c in order], changed)]
    bars = order[:charts.BUSIEST]
    report.charts = charts.compare_charts(
        result, a, b, chosen=([c.id for c in bars], chart_choice.why_words(bars)))
    report.assumptions = [*about_lines(a, b), ESTIMATES]
    if sims:
        chosen = chart_choice.choose(result, changed, sims)
        report.tables += _simulated_tables(sims, chosen)
        bars = chosen[:charts.BUSIEST]
        report.charts += charts.simulated_bars(  # places held and waits
            sims, chosen=([c.id for c in bars], chart_choice.why_words(bars)))[1:]
        for choice in chosen[:CHARTED_SERVICES]:
            sides = [(label, r["series"][choice.id], k) for k, (label, r) in enumerate(sims)
                     if choice.id in r.get("series", {})]
            if sides:
                why = chart_choice.reason(choice)
                report.charts.append(charts.occupancy_chart(sides, choice.name, why))
                report.charts.append(charts.wait_chart(
                    [(label, s["waits"], k) for label, s, k in sides], choice.name, why))
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
