"""Maps to start from: the bundled Kent and Medway map, and synthetic maps of any size.

Synthetic maps look like real ones (organisations > directorates > services serving
partnerships, access points and exits, about two flows per service, pathways that follow flows,
positions grouped by directorate) so tests and benchmarks exercise realistic shapes. The same
size and seed always give the same map.
"""

from __future__ import annotations

import random
from pathlib import Path

from servicemap import bundled
from servicemap.graph.document import Document
from servicemap.io.exchange import read_json
from servicemap.model import FlowType, Pathway


def bundled_map_path() -> Path:
    return bundled.path(bundled.MAP_FILE)


def kent_and_medway() -> Document:
    """The bundled Kent and Medway mental health and community services map."""
    return read_json(bundled_map_path())


CATEGORIES = [
    ("crisis", "Crisis resolution team", "adults", 40, "caseload"),
    ("community", "Community mental health team", "adults", 300, "caseload"),
    ("inpatient", "Acute ward", "adults", 18, "beds"),
    ("liaison", "Liaison psychiatry", "adults", 2000, "assessments per year"),
    ("talking therapies", "Talking therapies", "adults", 3000, "courses per year"),
    ("children and young people", "Children's mental health team", "children", 250, "caseload"),
    ("older adults", "Memory service", "older_adults", 400, "assessments per year"),
    ("rehabilitation", "Rehabilitation unit", "adults", 20, "beds"),
    ("community health", "Community nursing", "all", 800, "caseload"),
    ("forensic", "Forensic community team", "adults", 60, "caseload"),
]
ACCESS = ["GP practice", "Self-referral", "NHS 111", "Emergency department", "Police",
          "Courts and prisons"]
EXITS = ["Back to GP care", "Recovered", "Moved away"]
GAP_X, GAP_Y = 240.0, 110.0


def synthetic(services: int, seed: int = 1) -> Document:
    """A realistic synthetic map with ``services`` services and about twice as many flows."""
    rng = random.Random(seed)
    n_orgs = max(2, services // 400)
    n_dirs = max(2, services // 25)
    n_parts = max(2, min(12, services // 100 + 2))
    nodes: list[dict] = []
    edges: list[dict] = []

    def node(node_id: str, kind: str, name: str, x: float, y: float, **fields) -> str:
        nodes.append({"id": node_id, "kind": kind, "name": name, "x": x, "y": y, **fields})
        return node_id

    def edge(kind: str, source: str, target: str, **fields) -> None:
        edges.append({"id": f"e{len(edges)}", "kind": kind, "source": source,
                      "target": target, **fields})

    orgs = [node(f"org{i}", "organisation", f"Provider trust {i + 1}", i * GAP_X, -3 * GAP_Y,
                 org_type="trust", ods_code=f"R{i:02d}") for i in range(n_orgs)]
    parts = [node(f"hcp{i}", "partnership", f"Health and care partnership {i + 1}",
                  i * GAP_X, -2 * GAP_Y, population=rng.randrange(150_000, 750_000, 1000))
             for i in range(n_parts)]
    dirs = []
    for i in range(n_dirs):
        dirs.append(node(f"dir{i}", "directorate", f"Directorate {i + 1}", i * GAP_X, -GAP_Y))
        edge("part_of", dirs[-1], orgs[i % n_orgs])
        edge("serves", dirs[-1], parts[i % n_parts])
    access = [node(f"ap{i}", "access_point", name, -GAP_X, i * GAP_Y, category="primary care")
              for i, name in enumerate(ACCESS)]
    # Services in bands by directorate; columns follow the care stage so flows run rightwards.
    per_dir = -(-services // n_dirs)
    cols = max(4, min(12, per_dir))
    svc: list[str] = []
    stage: dict[str, int] = {}
    for i in range(services):
        d = i % n_dirs
        k = i // n_dirs
        cat, label, age, cap, unit = CATEGORIES[rng.randrange(len(CATEGORIES))]
        col, row = k % cols, d * (-(-per_dir // cols)) + k // cols
        sid = node(f"s{i}", "service", f"{label} {i + 1}", col * GAP_X, row * GAP_Y,
                   category=cat, age_group=age, capacity=cap * rng.uniform(0.5, 1.5) // 1,
                   capacity_unit=unit, wait_target_days=rng.choice([1, 7, 28, 42, 126]),
                   pct_within_target=round(rng.uniform(55, 99), 1),
                   dna_rate_most_deprived=round(rng.uniform(5, 20), 1),
                   dna_rate_least_deprived=round(rng.uniform(3, 12), 1),
                   hours=rng.choice(["24/7", "Mon-Fri 9-5", "8am-8pm"]))
        svc.append(sid)
        stage[sid] = col
        edge("part_of", sid, dirs[d])
        edge("serves", sid, parts[d % n_parts])
    exits = [node(f"exit{i}", "exit", name, (cols + 1) * GAP_X, i * GAP_Y,
                  category="discharge") for i, name in enumerate(EXITS)]
    # About two flows per service: one into it (from an access point or an earlier stage) and
    # one onwards (to a later stage or an exit).
    seen: set[tuple[str, str, str]] = set()

    def flow(source: str, target: str, flow_type: str) -> None:
        if (source, target, flow_type) in seen or source == target:
            return
        seen.add((source, target, flow_type))
        edge("flow", source, target, flow_type=flow_type,
             volume_per_year=rng.choice([3, 12, 40, 120, 350, 900, 2400]),
             median_wait_days=rng.choice([None, 2, 10, 30, 60]),
             wait_target_days=rng.choice([None, 7, 28]))

    by_dir = [svc[d::n_dirs] for d in range(n_dirs)]
    for i, sid in enumerate(svc):
        group = by_dir[i % n_dirs]
        earlier = [s for s in group if stage[s] < stage[sid]]
        later = [s for s in group if stage[s] > stage[sid]]
        if earlier and rng.random() < 0.6:
            flow(rng.choice(earlier), sid, rng.choice(["referral", "transfer", "step_down"]))
        else:
            flow(rng.choice(access), sid, "referral")
        if later:
            flow(sid, rng.choice(later), rng.choice(["referral", "transfer", "escalation"]))
        else:
            flow(sid, rng.choice(exits), str(FlowType.DISCHARGE))
    # Pathways follow flows from an access point.
    succ: dict[str, list[str]] = {}
    for e in edges:
        if e["kind"] == "flow":
            succ.setdefault(e["source"], []).append(e["target"])
    pathways = []
    for p in range(max(1, services // 50)):
        step = rng.choice(access)
        steps = [step]
        while step in succ and len(steps) < 8:
            step = rng.choice(succ[step])
            if step in steps:
                break
            steps.append(step)
        pathways.append(Pathway(f"pathway{p}", f"Pathway {p + 1}", "Synthetic route", steps))
    map_fields = {"title": f"Synthetic map of {services} services (seed {seed})",
                  "description": "Generated by servicemap demo for tests and benchmarks; "
                                 "every figure is made up.",
                  "source": "servicemap demo generator", "marking": "OFFICIAL",
                  "illustrative": True, "created": "2026-01-01T00:00:00Z",
                  "modified": "2026-01-01T00:00:00Z"}
    return Document.from_records(map_fields, nodes, edges, pathways)
