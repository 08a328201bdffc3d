"""A readable text report of :func:`servicemap.graph.analysis.analyse` (``servicemap analyse``):
one section per measure, each measure defined in docs/analysis.md."""

from __future__ import annotations

from servicemap.graph.document import Document
from servicemap.words import plural


def _n(value: float | None) -> str:
    return "unknown" if value is None else f"{value:,.0f}" if value >= 10 else f"{value:g}"


def report_lines(doc: Document, result: dict, limit: int = 25) -> list[str]:
    """The result of :func:`analyse` as a plain-text report, one section per measure (at most
    ``limit`` rows each)."""
    name = lambda n: doc.graph.nodes[n]["name"] if n in doc.graph else n  # noqa: E731
    out = []

    def section(title: str, rows: list, line, empty: str = "none") -> None:
        out.append(f"{title}: {len(rows) if rows else empty}")
        out.extend(f"  {line(r)}" for r in rows[:limit])
        if len(rows) > limit:
            out.append(f"  ... and {len(rows) - limit:,} more (--json lists them all)")

    b = result["bottlenecks"]
    section(f"Bottlenecks (load unknown for {b['load_unknown']} services, waits unknown for "
            f"{b['wait_unknown']})", b["services"], lambda r: f"{r['name']}: " + "; ".join(
                ([f"{100 * r['load']:.0f}% of capacity ({_n(r['people_in'])} in a year, "
                  f"capacity {_n(r['capacity_per_year'])})"] if r["load"] is not None and
                 "over capacity" in r["reasons"] else []) +
                ([f"{_n(r['occupancy_pct'])}% occupied, target {r['target_occupancy_pct']:g}%"]
                 if "over target occupancy" in r["reasons"] else []) +
                [f"median wait {w['median_wait_days']:g} days from {name(w['from'])}, target "
                 f"{w['target_days']:g}" for w in r["wait_breaches"]]))
    section("Dead ends", result["dead_ends"]["services"], lambda r: f"{r['name']} ({r['reason']})")
    section("Unreachable from any access point", result["unreachable"]["services"],
            lambda r: f"{r['name']} ({r['reason']})")
    c = result["boundary_crossings"]
    t = c["totals"]
    out.append(f"Boundary crossings: {t['organisation']['flows']} flows between organisations "
               f"({_n(t['organisation']['volume'])} a year), {t['directorate']['flows']} between "
               f"directorates ({_n(t['directorate']['volume'])} a year); "
               f"{c['unknown_flows']} flows with a service of unknown parent")
    out.extend(f"  {p['name']}: {plural(p['hand_offs'], 'hand-off')}"
               for p in c["pathways"][:limit])
    tr = result["transitions_at_18"]
    section(f"Transition at 18 ({_n(tr['volume'])} people a year)", tr["flows"],
            lambda r: f"{name(r['source'])} -> {name(r['target'])}: {_n(r['volume'])} a year")
    section("Children's services with no onward adult route", tr["no_adult_route"],
            lambda r: r["name"])
    parts = {p["id"]: p["name"] for p in result["coverage_gaps"]["partnerships"]}
    kind = lambda r: ", ".join(filter(None, [r["level"], r["level"] != "category"  # noqa: E731
                                             and r["category"]]))
    section("Coverage gaps", result["coverage_gaps"]["gaps"], lambda r: (
        f"{r['label']} ({kind(r)}): in {', '.join(parts[p] for p in r['present'])}; "
        f"missing in {', '.join(parts[p] for p in r['missing'])}"))
    out += target_lines(result["targets"], limit)
    section("Rates per head (people in a year per 100,000 population)",
            result["rates"]["partnerships"],
            lambda r: f"{r['name']}: " + ("unknown (population unknown)"
                                          if r["rate_per_100k"] is None else
                                          f"{'at least ' if r['lower_bound'] else ''}"
                                          f"{r['rate_per_100k']:,.0f}"))
    cs = result["critical_services"]
    section("Critical services (people a year with no way to an exit if the service closed)",
            [r for r in cs["cut_off"] if r["people_cut_off"] != 0][:10],
            lambda r: f"{r['rank']}. {r['name']}: "
            + ("unknown" if r["people_cut_off"] is None else
               f"{'at least ' if r['cut_off_unknown_flows'] else ''}{r['people_cut_off']:,.0f}")
            + f" ({plural(r['services_cut_off'], 'service')})")
    section("Second figure: share of the busiest journeys through each service (of the busiest "
            "routes between any two points of the map, the share that pass through it, even if "
            f"they have another way round; {cs['method']} betweenness on flows, weighted by "
            "volume)",
            cs["services"], lambda r: f"{r['rank']}. {r['name']} ({r['betweenness']:.1%})")
    out += queue_lines(doc, result, limit)
    return out


def queue_lines(doc: Document, result: dict, limit: int = 25) -> list[str]:
    """Queueing estimates (longest expected wait first), then the derived volumes' problems."""
    name = lambda n: doc.graph.nodes[n]["name"] if n in doc.graph else n  # noqa: E731
    rows = [r for r in result["per_service"]["services"] if r["queue_model"] is not None]
    rows.sort(key=lambda r: (r["queue_stable"] is not False, -(r["expected_wait_days"] or 0),
                             r["name"].casefold()))
    out = [f"Queueing estimates ({len(rows)} services with places, a length of stay and "
           "people in; longest expected wait first): " + ("none" if not rows else "")]
    for r in rows[:limit]:
        if r["queue_stable"] is False:
            out.append(f"  {r['name']}: the queue grows without end ({r['queue_model']}, "
                       f"{_fmt(r['utilisation'], '.0%')} of its places)")
            continue
        refused = f"; {_fmt(r['refused_per_year'], ',.0f')} refused a year" \
            if r["refused_per_year"] else ""
        out.append(f"  {r['name']} ({r['queue_model']}): expected wait "
                   f"{_fmt(r['expected_wait_days'], '.2f')} days, "
                   f"{_fmt(r['probability_of_wait'], '.0%')} wait, "
                   f"{_fmt(r['expected_occupancy'], ',.1f')} places held{refused}")
    if len(rows) > limit:
        out.append(f"  ... and {len(rows) - limit:,} more (--json lists them all)")
    dv = result["derived_volumes"]
    out.append(f"Derived volumes: {plural(dv['derived_services'], 'service')} from arrivals "
               f"and shares; {plural(len(dv['disagreements']), 'recorded volume')} disagreeing")
    out.extend(f"  {name(d['source'])} -> {name(d['target'])}: {_fmt(d['recorded'], ',.0f')} "
               f"recorded, {_fmt(d['derived'], ',.0f')} derived"
               for d in dv["disagreements"][:limit])
    out.extend(f"  {p['name']}: {p['problem']}" for p in dv["share_problems"][:limit])
    return out


def target_lines(targets: dict, limit: int = 25) -> list[str]:
    """The Targets section: each of the map's targets, its patient-weighted value and whether
    it is met (or, with none, KCHFT's figures over every service)."""
    met = {None: "unknown", True: "met", False: "not met"}
    entries = targets["list"]
    if not entries:
        w, d = targets["wait"], targets["dna"]
        return ["Targets: none in the map; KCHFT's figures over every service:",
                f"  Waits: {_pct(w['patients_within_target_pct'])} of patients within their "
                f"wait target (87%: {met[w['meets']]}); {w['services_counted']} services "
                f"counted, {w['pct_unknown']} with % unknown, {w['volume_unknown']} with volume "
                "unknown",
                f"  DNA gap: {_pts(d['overall_gap'])}, weighted by people a year (below 1 "
                f"point: {met[d['meets']]}); {d['rates_unknown']} services unknown"]
    out = [f"Targets: {len(entries)}"]
    for e in entries[:limit]:
        unit = "points" if e["unit"] == "points" else "%"
        value = "unknown" if e["value"] is None else (
            f"{e['value']:.1f} points" if unit == "points" else f"{e['value']:.1f}%"
            + (" of patients" if e["measure"] == "patients_within_wait_target"
               else " of discharges"))
        goal = (f"{e['threshold']:g} point" + ("" if e["threshold"] == 1 else "s")
                if unit == "points" else f"{e['threshold']:g}%")
        due = f" by {e['due']}" if e["due"] else ""
        out.append(f"  {e['name']} ({e['organisation_name']}): {value}, target "
                   f"{e['direction']} {goal}{due}: {met[e['meets']]}; "
                   f"{plural(e['services_counted'], 'service')} of {len(e['services'])} "
                   f"counted, {len(e['unknown'])} unknown")
    if len(entries) > limit:
        out.append(f"  ... and {len(entries) - limit:,} more (--json lists them all)")
    return out


def _fmt(value: float | None, spec: str) -> str:
    return "unknown" if value is None else format(value, spec)


def _pct(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.0f}%"


def _pts(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.1f} points"
