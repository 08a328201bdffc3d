"""The measures an overlay colours services by (no Qt): load against capacity, waits against
target and the DNA gap. Each gives every service a value and a badge text ("157%", "1.4×",
"4.5 pt"), and sorts the value into one of five bins. An unknown value stays unknown (None,
in no bin, badge "?" or a lower bound such as "≥80%"), never 0; a figure past every edge
that has no number (over a capacity of 0, a missed wait target of 0 days) is ``math.inf``,
badge "over". Definitions of the figures: docs/analysis.md; colours, rings and badges on the
canvas: :mod:`servicemap.ui.features.analysis.overlay`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from servicemap.graph import analysis
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


def _dna(doc: Document) -> dict[str, tuple[float | None, str]]:
    return {r["id"]: (r["gap"], "?" if r["gap"] is None else f"{r['gap']:.1f} pt")
            for r in analysis.targets(doc)["dna"]["services"]}


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
    Measure("dna", "Missed-appointment (DNA) gap", (0.0, 1.0, 3.0, 5.0, math.inf),
            ("none or reversed", "up to 1 point (meets target)", "1–3 points",
             "3–5 points", "over 5 points"),
            "DNA rate unknown", _dna,
            "How many percentage points more often people from the most deprived areas miss "
            "appointments (did not attend) than people from the least deprived; KCHFT aims "
            "for under 1 point."),
)}
