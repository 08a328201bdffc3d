"""Rates per head (docs/analysis.md, "Rates per head"): per partnership, people coming into its
services in a year per 100,000 population, in total and by category. A service serving several
partnerships splits its people in by their populations; unknown stays unknown (a rate with any
unknown part is a lower bound, never a rate of 0 for the unknown part)."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import TYPE_CHECKING

from servicemap.model import NodeKind

if TYPE_CHECKING:
    from servicemap.graph.analysis import Index

PER = 100_000
UNCATEGORISED = "uncategorised"


def _r(value: float | None, places: int = 2) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, places)


def places_served(ix: Index, s: str) -> list[str]:
    """The partnerships a service serves: its own serves links, else its parent's (as coverage)."""
    home = ix.parent.get(s)
    return list(dict.fromkeys(ix.serves.get(s) or (ix.serves.get(home, []) if home else [])))


def rates(ix: Index, services: dict) -> dict:
    """``partnerships``: one row per partnership with ``population``, ``people_in`` (its share of
    its services' people in), ``rate_per_100k``, ``lower_bound``, ``unknown_services`` (services
    of unknown people in, unknown in part, or of unknown split) and ``by_category``;
    ``unplaced``: services with people in that serve no partnership."""
    people = {r["id"]: (r["people_in"], r["in_unknown_flows"]) for r in services["services"]}
    parts = sorted((n for n, k in ix.kind.items() if k == NodeKind.PARTNERSHIP),
                   key=lambda n: (ix.name(n).casefold(), n))
    population = {p: ix.attrs[p].get("population") for p in parts}
    total: dict[str, float] = defaultdict(float)
    by_cat: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    unknown: dict[str, list[str]] = defaultdict(list)
    cat_unknown: dict[str, set[str]] = defaultdict(set)
    count: dict[str, int] = defaultdict(int)
    unplaced = []
    for s in ix.services:
        people_in, in_unknown = people.get(s, (None, 0))
        if not ix.flows_in.get(s):
            continue  # nobody comes in: nothing to count, nothing unknown
        places = places_served(ix, s)
        if not places:
            unplaced.append(s)
            continue
        category = (ix.attrs[s].get("category") or "").strip() or UNCATEGORISED
        pops = [population[p] for p in places]
        known_split = len(places) == 1 or all(v is not None and v > 0 for v in pops)
        whole = sum(pops) if known_split and len(places) > 1 else None
        for p, pop in zip(places, pops, strict=True):
            count[p] += 1
            if people_in is None or not known_split:
                unknown[p].append(s)
                cat_unknown[p].add(category)
                continue
            if in_unknown:
                unknown[p].append(s)
                cat_unknown[p].add(category)
            share = 1.0 if whole is None else pop / whole
            total[p] += people_in * share
            by_cat[p][category] += people_in * share

    def rate(value: float, pop) -> float | None:
        return _r(value * PER / pop) if pop else None

    rows = []
    for p in parts:
        pop = population[p]
        cats = sorted(set(by_cat[p]) | cat_unknown[p], key=str.casefold)
        rows.append({
            "id": p, "name": ix.name(p), "population": pop, "services": count[p],
            "people_in": _r(total[p]), "rate_per_100k": rate(total[p], pop),
            "lower_bound": bool(unknown[p]), "unknown_services": unknown[p],
            "by_category": [{"category": c, "people_in": _r(by_cat[p].get(c, 0.0)),
                             "rate_per_100k": rate(by_cat[p].get(c, 0.0), pop),
                             "lower_bound": c in cat_unknown[p]} for c in cats]})
    return {"per": PER, "partnerships": rows, "unplaced": unplaced}
