"""Which services a scenario's charts and tables show first (no Qt): those the scenario itself
changes, then those whose results move most, then the busiest, each with the reason it was
chosen, so a chart's title can say why (docs/analysis.md, the scenario report).

"Changed by the scenario" is a service the scenario's own changes touch: one it adds, removes
or sets a field on, and both ends of a flow it adds, removes or changes. "Moves most" ranks the
rest by their largest relative change between the two views: in the comparison (people in,
load, occupancy, the queueing estimates) and, when both were simulated, in the simulation
(places held and mean wait), ignoring moves too small to read (under 2%, under half a place,
under a tenth of a day) and simulated ones whose 95% intervals overlap. The rest follow
busiest first (most places held in the second view's simulation, else the comparison's
occupancy, then people in).
"""

from __future__ import annotations

from dataclasses import dataclass

from servicemap.model import NodeKind

CHANGED, MOVES, BUSIEST = "changed by the scenario", "moves most", "busiest"
COMPARED = ("people_in", "load", "occupancy_pct", "expected_wait_days", "probability_of_wait",
            "refused_per_year")
SIMULATED = (("occupancy_mean", 0.5), ("wait_mean_days", 0.1))  # (figure, smallest move read)
LEAST_SHARE = 0.02


@dataclass(frozen=True)
class Choice:
    id: str
    name: str
    why: str  # CHANGED, MOVES or BUSIEST
    move: float = 0.0  # the largest relative move (MOVES)


def changed_services(a_doc, b_doc, changes) -> set[str]:
    """The ids of services the scenario's ``changes`` (scenarios.changes_between) touch."""
    def service(node: str) -> bool:
        for doc in (a_doc, b_doc):
            attrs = doc.graph.nodes.get(node)
            if attrs is not None:
                return attrs.get("kind") == NodeKind.SERVICE
        return False

    ends: dict[str, tuple[str, str]] = {}
    for doc in (a_doc, b_doc):
        for u, v, k in doc.graph.edges(keys=True):
            ends.setdefault(k, (u, v))
    out: set[str] = set()
    for c in changes:
        touched = [c.id] if c.item == "node" else list(ends.get(c.id, ()))
        if c.item == "edge" and c.op == "add":
            touched += [c.fields.get("source"), c.fields.get("target")]
        out.update(n for n in touched if n and service(n))
    return out


def _relative(a, b, least: float = 0.0) -> float:
    if a is None or b is None or a == b:
        return 0.0
    if abs(b - a) < least:
        return 0.0
    share = abs(b - a) / max(abs(a), abs(b))
    return share if share >= LEAST_SHARE else 0.0


def _simulated_move(ra: dict, rb: dict, key: str, least: float) -> float:
    """A simulated figure's relative move, 0 when the two means' 95% intervals overlap (a
    difference the runs cannot tell from chance)."""
    ca, cb = ra.get(f"{key}_ci"), rb.get(f"{key}_ci")
    if ca and cb and None not in (*ca, *cb) and ca[0] <= cb[1] and cb[0] <= ca[1]:
        return 0.0
    return _relative(ra.get(key), rb.get(key), least)


def choose(comparison: dict, changed: set[str], sims: list | None = None,
           top: int | None = None) -> list[Choice]:
    """The compared services in the order the charts show them (the module's docstring);
    ``sims``: each side's simulate result, (a, b), or None. Services only in the first view
    (removed) are left out when ``sims`` is given (the second view cannot chart them)."""
    by_a = {r["id"]: r for r in sims[0][1]["services"]} if sims else {}
    by_b = {r["id"]: r for r in sims[-1][1]["services"]} if sims else {}
    rows = [r for r in comparison["services"] if not sims or r["id"] in by_b]
    first, moving, rest = [], [], []
    for r in rows:
        if r["id"] in changed:
            first.append(Choice(r["id"], r["name"], CHANGED))
            continue
        move = max([_relative(r[m]["a"], r[m]["b"]) for m in COMPARED]
                   + [_simulated_move(by_a.get(r["id"], {}), by_b.get(r["id"], {}), k, least)
                      for k, least in SIMULATED])
        (moving if move > 0 else rest).append((move, r))

    def busy(r) -> tuple:
        held = (by_b.get(r["id"]) or {}).get("occupancy_mean")
        occ = r["occupancy_pct"]["b"] if r["occupancy_pct"]["b"] is not None \
            else r["occupancy_pct"]["a"]
        people = r["people_in"]["b"] if r["people_in"]["b"] is not None else r["people_in"]["a"]
        return (-(held or 0), -(occ or 0), -(people or 0), r["name"].casefold())

    moving.sort(key=lambda mr: (-mr[0], *busy(mr[1])))
    rest.sort(key=lambda mr: busy(mr[1]))
    out = first + [Choice(r["id"], r["name"], MOVES, m) for m, r in moving] \
        + [Choice(r["id"], r["name"], BUSIEST) for _m, r in rest]
    return out if top is None else out[:top]


def why_words(chosen: list[Choice]) -> str:
    """What a chart of ``chosen`` shows, in words: "1 service the scenario changes, then the
    2 whose results move most, then the busiest 5"."""
    counts = {w: sum(1 for c in chosen if c.why == w) for w in (CHANGED, MOVES, BUSIEST)}
    parts = []
    if counts[CHANGED]:
        n = counts[CHANGED]
        parts.append(f"the {'service' if n == 1 else f'{n} services'} the scenario changes")
    if counts[MOVES]:
        n = counts[MOVES]
        parts.append(f"the {'one' if n == 1 else n} whose results move most")
    if counts[BUSIEST]:
        n = counts[BUSIEST]
        parts.append("the busiest" if n == 1 else f"the busiest {n}")
    return ", then ".join(parts) or "no services"


def reason(choice: Choice) -> str:
    """One chart's reason in a few words."""
    if choice.why == CHANGED:
        return "changed by the scenario"
    if choice.why == MOVES:
        return f"its figures move by {choice.move:.0%}"
    return "busiest"
