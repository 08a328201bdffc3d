"""What the charts show, without Qt (servicemap.render.charts paints them): occupancy over time
with a 5th-95th percentile band, the wait distribution, and baseline-vs-scenario bars for the
busiest services. Each builder returns a :class:`Chart` of plain numbers, so the window, the
report and the tests read the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from servicemap.graph.sim_stats import WAIT_LABELS

BUSIEST = 8  # services in a baseline-vs-scenario bar chart


@dataclass
class Series:
    name: str
    values: list[float | None]
    low: list[float | None] | None = None  # a band's lower edge (band charts)
    high: list[float | None] | None = None
    slot: int | None = None  # its colour and pattern (default: its place in the chart)


@dataclass
class Chart:
    """``kind``: "band" (a line per series over ``x``, its band shaded) or "bars" (a group of
    bars per category, one bar per series)."""
    kind: str
    title: str
    x_label: str
    y_label: str
    series: list[Series]
    x: list[float] = field(default_factory=list)  # band charts
    categories: list[str] = field(default_factory=list)  # bar charts
    percent: bool = False  # values are shares (0-1), labelled as percentages


def occupancy_chart(entries: list[tuple], service: str, why: str = "") -> Chart:
    """Places held over the simulated days at ``service`` for each (label, result series of
    that service[, slot]) in ``entries``: the mean over the runs with its 5th-95th percentile
    band. ``slot``: the side's colour, so a side keeps its colour when the other has no such
    service."""
    series, x = [], []
    for label, entry, *slot in entries:
        occ = entry["occupancy"]
        x = occ["day"] if len(occ["day"]) > len(x) else x
        series.append(Series(label, occ["mean"], occ["p5"], occ["p95"],
                             slot=slot[0] if slot else None))
    said = f" ({why})" if why else ""
    return Chart("band", f"Places held at {service}{said}: mean over the runs, 5th–95th "
                 "percentile",
                 "days after the warm-up", "places held", series, x=list(x))


def wait_chart(entries: list[tuple], service: str, why: str = "") -> Chart:
    """The share of people starting service at ``service`` after each wait, per (label,
    shares[, slot])."""
    series = [Series(label, list(shares) if shares else [None] * len(WAIT_LABELS),
                     slot=slot[0] if slot else None) for label, shares, *slot in entries]
    return Chart("bars", f"Waits before service starts at {service}"
                 + (f" ({why})" if why else ""), "wait",
                 "people starting service", series, categories=list(WAIT_LABELS), percent=True)


def busiest_simulated(result: dict, top: int = BUSIEST) -> list[dict]:
    """The simulation's services with the most places held, most first."""
    return sorted(result["services"], key=lambda r: (-(r["occupancy_mean"] or 0),
                                                     r["name"].casefold()))[:top]


# (comparison measure, chart title, y axis): the baseline-vs-scenario bars
COMPARE_BARS = (("people_in", "People in a year", "people a year"),
                ("occupancy_pct", "Occupancy", "occupancy (% of places)"),
                ("longest_wait_days", "Longest median wait of the flows in", "days"))


def busiest_compared(comparison: dict, top: int = BUSIEST) -> list[dict]:
    """The compared services with the highest occupancy on either side (then people in)."""
    def key(row):
        occ = max(v for v in (row["occupancy_pct"]["a"], row["occupancy_pct"]["b"], -1)
                  if v is not None)
        people = max(v for v in (row["people_in"]["a"], row["people_in"]["b"], -1)
                     if v is not None)
        return (-occ, -people, row["name"].casefold())
    return sorted(comparison["services"], key=key)[:top]


def compare_charts(comparison: dict, a_label: str, b_label: str,
                   top: int = BUSIEST, chosen: tuple[list[str], str] | None = None
                   ) -> list[Chart]:
    """One bar chart per COMPARE_BARS measure: ``a_label`` against ``b_label`` for the busiest
    ``top`` services of the comparison (scenario_compare.compare), or for ``chosen``: (ids in
    order, the words saying why they were chosen: graph.chart_choice)."""
    if chosen is None:
        rows = busiest_compared(comparison, top)
        why = f"busiest {len(rows)} services"
    else:
        by_id = {r["id"]: r for r in comparison["services"]}
        rows, why = [by_id[i] for i in chosen[0][:top] if i in by_id], chosen[1]
    names = [r["name"] for r in rows]
    charts = []
    for measure, title, unit in COMPARE_BARS:
        charts.append(Chart(
            "bars", f"{title}: {a_label} and {b_label}, {why}",
            "service", unit,
            [Series(a_label, [r[measure]["a"] for r in rows]),
             Series(b_label, [r[measure]["b"] for r in rows])],
            categories=names))  # occupancy_pct is already in percent
    return charts


def simulated_bars(results: list[tuple[str, dict]], top: int = BUSIEST,
                   chosen: tuple[list[str], str] | None = None) -> list[Chart]:
    """Bars of the simulation's people served, places held and mean wait for the busiest
    services of the first result (or ``chosen``, as :func:`compare_charts` takes it), one bar
    per (label, result)."""
    if not results:
        return []
    if chosen is None:
        first = busiest_simulated(results[0][1], top)
        why = f"busiest {len(first)} services"
    else:
        known = {r["id"]: r for res in results for r in res[1]["services"]}
        first = [known[i] for i in chosen[0][:top] if i in known]
        why = chosen[1]
    ids, names = [r["id"] for r in first], [r["name"] for r in first]
    charts = []
    for key, title, unit in (("throughput_per_year", "People served a year", "people a year"),
                             ("occupancy_mean", "Places held (mean)", "places"),
                             ("wait_mean_days", "Mean wait before service", "days")):
        series = []
        for label, result in results:
            by_id = {r["id"]: r for r in result["services"]}
            series.append(Series(label, [by_id.get(i, {}).get(key) for i in ids]))
        charts.append(Chart("bars", f"{title}, {why}", "service", unit,
                            series, categories=names))
    return charts
