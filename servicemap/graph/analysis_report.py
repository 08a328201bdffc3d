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
    w, d = result["targets"]["wait"], result["targets"]["dna"]
    met = {None: "unknown", True: "met", False: "not met"}
    above = {None: "unknown", True: "above the limit", False: "within the limit"}
    out += ['Targets (KCHFT "We care" 2023-2028)',
            f"  Waits: {_pct(w['share_pct'])} of services, weighted by people a year, have at "
            f"least 87% within their wait target (target 87%: {met[w['meets']]}); "
            f"{w['services_counted']} services counted, {w['pct_unknown']} with % unknown, "
            f"{w['volume_unknown']} with volume unknown",
            f"  DNA gap: {_pts(d['overall_gap'])} overall, weighted by people a year (limit 1 "
            f"point: {above[d['overall_flagged']]}); {d['services_flagged']} of "
            f"{d['services_counted']} services above 1 point; {d['rates_unknown']} unknown"]
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
    return out


def _pct(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.0f}%"


def _pts(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.1f} points"
