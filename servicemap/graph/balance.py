"""Flow balance: where people enter a service, or the map, and are not seen to leave.

Plain Python over node kinds, names and flows (no networkx, no Qt), so ``servicemap validate``
can check a map's records without building it. Defined exactly in docs/analysis.md (flow
balance); unknown volumes are never read as 0.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping

from servicemap.model import EdgeKind, NodeKind

LEAK_SHARE = 0.10  # a service leaks when more than 10% of its people in are unaccounted for


def _r(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, 4)


def _sum(volumes: list) -> tuple[float | None, int]:
    """The known volumes' sum (None when there are flows and none is known) and the unknowns."""
    known = [v for v in volumes if v is not None]
    unknown = len(volumes) - len(known)
    return (None if volumes and not known else _r(sum(known))), unknown


def flow_balance(kinds: Mapping[str, str], names: Mapping[str, str],
                 flows: Iterable[tuple[str, str, float | None]]) -> dict:
    """Per service people in, out and unaccounted; the map's total; the services that leak.
    ``flows`` are (source, target, volume per year)."""
    ins, outs = defaultdict(list), defaultdict(list)
    entering, leaving = [], []
    for u, v, volume in flows:
        outs[u].append(volume)
        ins[v].append(volume)
        if kinds[u] == NodeKind.ACCESS_POINT and kinds[v] != NodeKind.EXIT:
            entering.append(volume)
        if kinds[v] == NodeKind.EXIT and kinds[u] != NodeKind.ACCESS_POINT:
            leaving.append(volume)
    rows, leaks = [], []
    for s, kind in kinds.items():
        if kind != NodeKind.SERVICE:
            continue
        people_in, in_unknown = _sum(ins.get(s, []))
        people_out, out_unknown = _sum(outs.get(s, []))
        lost = _r(people_in - people_out) if not in_unknown and not out_unknown \
            and people_in is not None and people_out is not None else None  # None: overflow
        share = _r(lost / people_in) if lost is not None and people_in else None
        row = {"id": s, "name": names[s], "in": people_in, "out": people_out,
               "in_unknown_flows": in_unknown, "out_unknown_flows": out_unknown,
               "unaccounted": lost, "unaccounted_share": share}
        rows.append(row)
        if share is not None and share > LEAK_SHARE:
            leaks.append(row)
    leaks.sort(key=lambda r: (-r["unaccounted"], r["name"].casefold(), r["id"]))
    total_in, unknown_in = _sum(entering)
    total_out, unknown_out = _sum(leaving)
    total = {"in": total_in, "out": total_out,
             "in_unknown_flows": unknown_in, "out_unknown_flows": unknown_out,
             "unaccounted": _r(total_in - total_out) if not unknown_in and not unknown_out
             and total_in is not None and total_out is not None else None}
    return {"services": rows, "total": total, "leaks": leaks, "leak_share": LEAK_SHARE}


def record_leaks(nodes: Iterable[Mapping[str, object]],
                 edges: Iterable[Mapping[str, object]]) -> list[str]:
    """One plain sentence per leaking service of a map given as plain records (``validate``)."""
    kinds, names = {}, {}
    for n in nodes:
        kinds[n["id"]], names[n["id"]] = n["kind"], n.get("name")
    flows = [(e["source"], e["target"], e.get("volume_per_year")) for e in edges
             if e.get("kind") == EdgeKind.FLOW and e.get("source") in kinds
             and e.get("target") in kinds]
    return [f"{r['name']} ({r['id']}): {r['in']:,.0f} people a year in, {r['out']:,.0f} out; "
            f"{r['unaccounted']:,.0f} ({r['unaccounted_share']:.0%}) are not seen to leave"
            for r in flow_balance(kinds, names, flows)["leaks"]]
