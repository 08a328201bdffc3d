"""The measures an overlay colours services by (no Qt): load against capacity, waits against
target, the DNA gap, and the rate per head of the partnership each service serves. Each gives
every service a value and a badge text ("157%", "1.4×", "4.5 pt", "18,124"), and sorts the
value into one of five bins; a measure may also say what its figures are compared with
(``reference``: the rates' map-wide rate), for the legend. An unknown value stays unknown (None,
in no bin, badge "?" or a lower bound such as "≥80%"), never 0; a figure past every edge
that has no number (over a capacity of 0, a missed wait target of 0 days) is ``math.inf``,
badge "over". Definitions of the figures: docs/analysis.md; colours, rings and badges on the
canvas: :mod:`servicemap.ui.features.analysis.overlay`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from servicemap.graph import analysis, rates
from servicemap.graph.document import Document


@dataclass(frozen=True)
class Measure:
    """One overlay: its title, bin edges (a value falls in the first bin whose upper edge it does
    not exceed) and labels, and how to read each service's value and badge from the map."""

    key: str
    title: str
    uppers: tuple[float, ...]
    labels: tuple[str, ...]
    unknown_label: str
    read: Callable[[Document], dict[str, tuple[float | None, str]]]  # doc -> {id: (value, badge)}
    explain: str = ""  # what the figure is, in one plain sentence (docs/analysis.md)
    reference: Callable[[Document], str] | None = None  # what the bins compare with, or None

    def bin_of(self, value: float | None) -> int | None:
        if value is None:
            return None
        return next(i for i, upper in enumerate(self.uppers) if value <= upper)


def _load(doc: Document) -> dict[str, tuple[float | None, str]]:
    out = {}
    for r in analysis.per_service(doc)["services"]:
        if r["load_status"] == "over capacity":
            load = r["load"]
            out[r["id"]] = (math.inf, "over") if load is None else (load, f"{load:.0%}")
        elif r["load_status"] == "within capacity":
            out[r["id"]] = (r["load"] or 0.0, f"{r['load'] or 0:.0%}")
        else:
            lower = f"≥{r['load']:.0%}" if r["load_is_lower_bound"] else "?"
            out[r["id"]] = (None, lower)
    return out


def _waits(doc: Document) -> dict[str, tuple[float | None, str]]:
    out = {}
    for r in analysis.per_service(doc)["services"]:
        ratio = r["worst_wait_ratio"]
        if ratio is None and r["wait_breaches"]:  # a target of 0 days, missed
            out[r["id"]] = (math.inf, "over")
        else:
            out[r["id"]] = (ratio, "?" if ratio is None else f"{ratio:.1f}×")
    return out


def _queue(doc: Document) -> dict[str, tuple[float | None, str]]:
    """The queueing estimate's mean wait in days (docs/analysis.md, queueing estimates); an
    unstable service (the queue grows without end) is past every edge."""
    out = {}
    for r in analysis.per_service(doc)["services"]:
        wait = r["expected_wait_days"]
        if r["queue_stable"] is False:
            out[r["id"]] = (math.inf, "∞")
        elif wait is None:
            out[r["id"]] = (None, "?")
        else:
            out[r["id"]] = (wait, _days_badge(wait))
    return out


def _days_badge(days: float) -> str:
    if days < 1 / 24:
        return f"{days * 24 * 60:.0f} min"
    if days < 1:
        return f"{days * 24:.1f} h"
    return f"{days:.1f} d" if days < 14 else f"{days / 7:.0f} wk"


def _dna(doc: Document) -> dict[str, tuple[float | None, str]]:
    return {r["id"]: (r["gap"], "?" if r["gap"] is None else f"{r['gap']:.1f} pt")
            for r in analysis.targets(doc)["dna"]["services"]}


def partnership_rates(doc: Document) -> tuple[dict[str, tuple[float | None, str]],
                                               float | None]:
    """Per service: (its partnerships' rate per 100,000 as a multiple of the map-wide rate, the
    badge), and the map-wide rate. A service serving several partnerships takes their rate
    together (their people in over their population); a rate with an unknown part is a lower
    bound ("≥18,124"), unknown on the scale; no partnership or population: unknown, "?".
    The map-wide rate is over the partnerships whose rate is known in full."""
    ix = analysis.Index(doc)
    rows = {p["id"]: p for p in rates.rates(ix, analysis.per_service(doc, ix))["partnerships"]}
    full = [p for p in rows.values() if p["rate_per_100k"] is not None and not p["lower_bound"]]
    whole = sum(p["population"] for p in full)
    overall = sum(p["people_in"] for p in full) * rates.PER / whole if whole else None
    out: dict[str, tuple[float | None, str]] = {}
    for s in ix.services:
        places = [rows[p] for p in rates.places_served(ix, s) if p in rows]
        if not places or any(not p["population"] for p in places):
            out[s] = (None, "?")
            continue
        rate = sum(p["people_in"] or 0 for p in places) * rates.PER / \
            sum(p["population"] for p in places)
        if any(p["lower_bound"] for p in places):
            out[s] = (None, f"≥{rate:,.0f}")
        else:
            out[s] = (rate / overall if overall else None, f"{rate:,.0f}")
    return out, overall


def partnership_own_rates(doc: Document) -> dict[str, tuple[float | None, str]]:
    """Per partnership: (its own rate per 100,000 as a multiple of the map-wide rate, the rate
    as text, "18,124"), for the overlay on partnership containers. A lower bound is "≥18,124"
    and unknown on the scale; no population or no known rate: unknown, "?"."""
    ix = analysis.Index(doc)
    rows = rates.rates(ix, analysis.per_service(doc, ix))["partnerships"]
    overall = partnership_rates(doc)[1]
    out: dict[str, tuple[float | None, str]] = {}
    for row in rows:
        rate = row["rate_per_100k"]
        if rate is None:
            out[row["id"]] = (None, "?")
        elif row["lower_bound"]:
            out[row["id"]] = (None, f"≥{rate:,.0f}")
        else:
            out[row["id"]] = (rate / overall if overall else None, f"{rate:,.0f}")
    return out


def _rates_reference(doc: Document) -> str:
    overall = partnership_rates(doc)[1]
    return ("Map-wide: unknown" if overall is None
            else f"Map-wide: {overall:,.0f} per 100,000")


MEASURES: dict[str, Measure] = {m.key: m for m in (
    Measure("load", "Load against capacity", (0.5, 0.85, 1.0, 1.5, math.inf),
            ("up to 50%", "50–85%", "85–100%", "100–150% (over capacity)", "over 150%"),
            "Load unknown", _load,
            "People coming into the service in a year as a share of what it can take in a "
            "year: 100% is full, and a capacity held at once (beds, a caseload) is unknown."),
    Measure("waits", "Waits against target", (0.5, 0.9, 1.0, 1.5, math.inf),
            ("up to half the target", "0.5–0.9× target", "0.9–1× target",
             "1–1.5× target (over)", "over 1.5× target"),
            "Wait or target unknown", _waits,
            "The longest median wait on a flow into the service as a multiple of its wait "
            "target: 1× is on target, 2× twice as long."),
    Measure("queue", "Queueing: expected wait", (1 / 24, 1.0, 7.0, 28.0, math.inf),
            ("under an hour", "1 hour to a day", "1–7 days", "1–4 weeks",
             "over 4 weeks, or growing without end"),
            "Places, stay or people in unknown", _queue,
            "The mean wait for a place that the queueing formulas give (Erlang C, or M/M/c/K "
            "with a queue limit) from the people in, the places and the length of stay; ∞: "
            "more people arrive than the places can serve."),
    Measure("dna", "Missed-appointment (DNA) gap", (0.0, 1.0, 3.0, 5.0, math.inf),
            ("none or reversed", "up to 1 point (meets target)", "1–3 points",
             "3–5 points", "over 5 points"),
            "DNA rate unknown", _dna,
            "How many percentage points more often people from the most deprived areas miss "
            "appointments (did not attend) than people from the least deprived; KCHFT aims "
            "for under 1 point."),
    Measure("rates", "Rates per head by partnership", (0.8, 0.95, 1.05, 1.2, math.inf),
            ("under 80% of map-wide", "80–95% of map-wide", "95–105% (about the same)",
             "105–120% of map-wide", "over 120% of map-wide"),
            "Unknown, or a lower bound (≥)", lambda d: partnership_rates(d)[0],
            "People coming into services in a year per 100,000 population of the partnership "
            "each service serves (a service serving several: those partnerships together), "
            "against the rate over the whole map; the badge gives the rate per 100,000.",
            _rates_reference),
)}
