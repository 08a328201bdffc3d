"""What each of a map's targets measures (docs/analysis.md, "Targets").

A target's **scope** is the services of its organisation, directly or through its directorates,
narrowed to one type of service when the target names one (a category, or the part of a name
before the first comma). Over the scope the **value** is patient-weighted: the mean of each
service's figure weighted by its people a year (people in; for follow-up after discharge,
people out), skipping, and listing as unknown, services whose figure or weight is unknown.
Unknown is never read as 0 or as meeting the target.
"""

from __future__ import annotations

import math
import statistics

from servicemap.graph.targets import target_words
from servicemap.model import TARGET_MEASURES, EdgeKind, NodeKind, Target
from servicemap.units import format_duration

WAIT, DNA, FOLLOW_UP = "patients_within_wait_target", "dna_gap", "followed_up_within_72_hours"
# Without a target of a measure, ``targets.wait`` and ``targets.dna`` read every service
# against KCHFT's "We care" figures, as before targets were map data.
DEFAULTS = {WAIT: 87.0, DNA: 1.0}


def _r(value: float | None, places: int = 4) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, places)


def in_scope(ix, target: Target) -> list[str]:
    """The ids of the services ``target`` covers, in map order."""
    kind = (target.service_type or "").strip().casefold()
    found = []
    for s in ix.services:
        if ix.org(s) != target.organisation:
            continue
        a = ix.attrs[s]
        if kind and kind not in ((a.get("category") or "").strip().casefold(),
                                 a["name"].split(",")[0].strip().casefold()):
            continue
        found.append(s)
    return found


def _figure(measure: str, a) -> tuple[float | None, str]:
    """A service's own figure for ``measure`` and, when unknown, why."""
    if measure == WAIT:
        value = a.get("pct_within_target")
        return value, "" if value is not None else "% within target unknown"
    if measure == FOLLOW_UP:
        value = a.get("pct_followed_up_72h")
        return value, "" if value is not None else "% followed up within 72 hours unknown"
    most, least = a.get("dna_rate_most_deprived"), a.get("dna_rate_least_deprived")
    if most is None or least is None:
        return None, "a DNA rate unknown"
    return most - least, ""


def _weight(measure: str, row: dict) -> tuple[float | None, str]:
    """The people a year a service's figure stands for, and why not when unknown or 0."""
    side = "out" if measure == FOLLOW_UP else "in"
    people, unknown = row[f"people_{side}"], row[f"{side}_unknown_flows"]
    if unknown:
        return None, f"{unknown} flows {side} of unknown volume"
    if not people:
        return None, f"no people {side}"
    return people, ""


def _wait_mismatch(target: Target, a) -> str:
    """Why a service's share within its own wait target is not the share this target counts."""
    if target.wait_days is None:
        return ""
    own = a.get("wait_target_days")
    if own is None:
        return "its wait target is unknown"
    if math.isclose(own, target.wait_days, rel_tol=1e-6, abs_tol=1e-9):
        return ""
    return (f"its wait target is {format_duration(own)}, not the "
            f"{format_duration(target.wait_days)} this target counts")


def evaluate(ix, rows_by_id: dict[str, dict], target: Target) -> dict:
    """One target measured on the map (an entry of ``targets.list``)."""
    scope = in_scope(ix, target)
    measure = target.measure
    rows, unknown = [], []
    for s in scope:
        a = ix.attrs[s]
        value, why = _figure(measure, a)
        if not why and measure == WAIT:
            why = _wait_mismatch(target, a)
            value = None if why else value
        weight, why_weight = _weight(measure, rows_by_id[s])
        reason = why or why_weight
        rows.append({"id": s, "name": a["name"], "value": _r(value), "weight": weight,
                     "counted": not reason, "reason": reason})
        if reason:
            unknown.append({"id": s, "name": a["name"], "reason": reason})
    counted = [r for r in rows if r["counted"]]
    total = sum(r["weight"] for r in counted)
    value = _r(sum(r["weight"] * r["value"] for r in counted) / total) if total else None
    at_least = TARGET_MEASURES[measure][1] == "at least"
    meets = None if value is None else (value >= target.threshold if at_least
                                        else value < target.threshold)
    known = [r["value"] for r in rows if r["value"] is not None]
    return {**target.to_dict(), "organisation_name": ix.name(target.organisation),
            "direction": TARGET_MEASURES[measure][1],
            "unit": "points" if measure == DNA else "%", "value": value, "meets": meets,
            "services": scope, "services_counted": len(counted),
            "people_counted": _r(total) if counted else None,
            "unweighted_mean": _r(statistics.fmean(known)) if known else None,
            "unknown": unknown, "rows": rows}


def _first(doc, measure: str) -> Target | None:
    return next((t for t in doc.targets.values() if t.measure == measure), None)


def wait_summary(ix, rows_by_id: dict[str, dict], target: Target | None) -> dict:
    """``targets.wait``: the first waiting-time target (or every service at 87%)."""
    threshold = DEFAULTS[WAIT] if target is None else target.threshold
    scope = ix.services if target is None else in_scope(ix, target)
    rows = []
    for s in scope:
        a = ix.attrs[s]
        pct = a.get("pct_within_target")
        if target is not None and pct is not None and _wait_mismatch(target, a):
            pct = None
        weight, _ = _weight(WAIT, rows_by_id[s])
        rows.append({"id": s, "name": a["name"], "pct_within_target": pct, "people_in": weight,
                     "meets": None if pct is None else pct >= threshold})
    counted = [r for r in rows if r["meets"] is not None and r["people_in"]]
    total = sum(r["people_in"] for r in counted)
    share = _r(100 * sum(r["people_in"] for r in counted if r["meets"]) / total) \
        if total else None
    within = _r(sum(r["people_in"] * r["pct_within_target"] for r in counted) / total) \
        if total else None
    return {"target": None if target is None else target.id,
            "organisation": None if target is None else target.organisation,
            "target_pct": threshold, "patients_within_target_pct": within,
            "meets": None if within is None else within >= threshold,
            "share_pct": share, "services_counted": len(counted),
            "pct_unknown": sum(1 for r in rows if r["meets"] is None),
            "volume_unknown": sum(1 for r in rows if r["meets"] is not None
                                  and not r["people_in"]),
            "service_ids": list(scope), "services": rows}


def dna_summary(ix, rows_by_id: dict[str, dict], target: Target | None) -> dict:
    """``targets.dna``: the first DNA-gap target (or every service at 1 point)."""
    limit = DEFAULTS[DNA] if target is None else target.threshold
    scope = ix.services if target is None else in_scope(ix, target)
    rows = []
    for s in scope:
        a = ix.attrs[s]
        most, least = a.get("dna_rate_most_deprived"), a.get("dna_rate_least_deprived")
        gap = None if most is None or least is None else most - least
        rows.append({"id": s, "name": a["name"], "most_deprived": most,
                     "least_deprived": least, "gap": _r(gap),
                     "flagged": None if gap is None else gap > limit,
                     "people_in": _weight(DNA, rows_by_id[s])[0]})
    known = [r for r in rows if r["gap"] is not None]
    weighted = [r for r in known if r["people_in"]]
    w_total = sum(r["people_in"] for r in weighted)
    overall = _r(sum(r["people_in"] * r["gap"] for r in weighted) / w_total) if w_total \
        else None
    return {"target": None if target is None else target.id,
            "organisation": None if target is None else target.organisation,
            "limit_points": limit, "overall_gap": overall,
            "overall_flagged": None if overall is None else overall > limit,
            "meets": None if overall is None else overall < limit,
            "mean_gap": _r(statistics.fmean(r["gap"] for r in known)) if known else None,
            "services_counted": len(known), "services_flagged": sum(r["flagged"] for r in known),
            "rates_unknown": len(rows) - len(known),
            "volume_unknown": len(known) - len(weighted),
            "service_ids": list(scope), "services": rows}


def targets(doc, ix, services: dict) -> dict:
    """``analyse --json`` ``targets``: ``wait`` and ``dna`` (the first target of each measure,
    scoped) and ``list``, every target of the map measured."""
    rows_by_id = {r["id"]: r for r in services["services"]}
    return {"wait": wait_summary(ix, rows_by_id, _first(doc, WAIT)),
            "dna": dna_summary(ix, rows_by_id, _first(doc, DNA)),
            "list": [evaluate(ix, rows_by_id, t) for t in doc.targets.values()]}


class _Records:
    """What :func:`in_scope` reads (``services``, ``attrs``, ``org``), from plain records."""

    def __init__(self, nodes, edges) -> None:
        self.attrs = {n["id"]: n for n in nodes}
        self.kind = {i: n.get("kind") for i, n in self.attrs.items()}
        self.services = [i for i, k in self.kind.items() if k == NodeKind.SERVICE]
        self.parent = {e["source"]: e["target"] for e in edges if e.get("kind") == EdgeKind.PART_OF}

    def org(self, node_id: str) -> str | None:
        home = self.parent.get(node_id)
        if home is not None and self.kind.get(home) == NodeKind.DIRECTORATE:
            return self.parent.get(home)
        return home


def empty_scopes(nodes, edges, targets) -> list[str]:
    """One sentence per target that covers no service (``validate`` warns: a type of service
    misspelt, or an owner with no services yet), from a valid map's plain records."""
    ix = _Records(list(nodes), list(edges))
    out = []
    for t in targets:
        if in_scope(ix, t) or t.organisation not in ix.attrs:
            continue
        owner = ix.attrs[t.organisation].get("name") or t.organisation
        which = f" of the type {t.service_type!r}" if t.service_type.strip() else ""
        out.append(f"{target_words(t)} covers no services: {owner} runs no service{which}, "
                   "so it can never be measured")
    return out
