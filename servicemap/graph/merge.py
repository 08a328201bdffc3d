"""Merging one map into another: what would be added and changed, before anything is.

Items of the incoming map are matched to the open map's by id, then by kind and name (a
unique name only); matched items take the incoming values that are known (an empty cell never
blanks a field, an unset pin never unpins), new items are added with a free id, and nothing
is deleted. A service given a new parent loses its old ``part_of`` link. Targets come in too
(matched by id, else by name and organisation; a new one's organisation is its match in the open
map), and notes (matched by id, else by the very same text). :class:`MergePlan`
lists the changes (one plain sentence each, for a preview); the window's import applies them
as one undo step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from servicemap.graph.document import Document, new_id
from servicemap.model import (
    KIND_LABELS,
    NOTE_FIELD_NAMES,
    NodeKind,
    Note,
    Pathway,
    Target,
)


def _show(value: object) -> str:
    if value is None:
        return "unknown"
    if value == "":
        return "none"
    text = f"{value:,g}" if isinstance(value, (int, float)) and not isinstance(value, bool) \
        else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _listed(changes: dict, old: dict) -> str:
    """``capacity 40 → 55, hours unknown → 24/7``."""
    return ", ".join(f"{k.replace('_', ' ')} {_show(old.get(k))} → {_show(v)}"
                     for k, v in changes.items())


POSITION_SLACK = 0.5  # scene units: a box moved less than this has not moved


def _same(key: str, new: object, old: object) -> bool:
    """True when a planner would see no change: equal values, positions within half a unit,
    numbers equal but for the last digits a spreadsheet or GraphML round trip leaves."""
    if new == old:
        return True
    numbers = (int, float)
    if not (isinstance(new, numbers) and isinstance(old, numbers)) or \
            isinstance(new, bool) or isinstance(old, bool):
        return False
    if key in ("x", "y"):
        return abs(new - old) < POSITION_SLACK
    return math.isclose(new, old, rel_tol=1e-9, abs_tol=1e-9)


def _changes(new: dict, old: dict) -> dict:
    """The known imported values that differ (empty notes, an unset pin and an unticked
    verified change nothing: the file may just not say)."""
    return {k: v for k, v in new.items() if k != "kind" and v is not None
            and not _same(k, v, old.get(k))
            and not (k == "notes" and v == "") and not (k in ("pinned", "verified") and v is False)}


@dataclass
class MergePlan:
    """What merging ``incoming`` into ``doc`` adds and changes; ids are the open map's."""

    doc: Document
    incoming: Document
    node_ids: dict[str, str] = field(default_factory=dict)       # incoming id -> map id
    new_nodes: list[str] = field(default_factory=list)           # incoming ids
    node_changes: dict[str, dict] = field(default_factory=dict)  # map id -> changes
    removed_edges: list[str] = field(default_factory=list)       # old parents' links
    new_edges: list[tuple[str, dict]] = field(default_factory=list)
    edge_changes: dict[str, dict] = field(default_factory=dict)
    new_pathways: list[Pathway] = field(default_factory=list)
    pathway_changes: dict[str, dict] = field(default_factory=dict)
    new_targets: list[Target] = field(default_factory=list)       # map ids, organisations
    target_changes: dict[str, dict] = field(default_factory=dict)
    new_notes: list[Note] = field(default_factory=list)
    note_changes: dict[str, dict] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.new_nodes or self.node_changes or self.new_edges or self.edge_changes
                    or self.new_pathways or self.pathway_changes or self.new_targets
                    or self.target_changes or self.new_notes or self.note_changes)

    def lines(self) -> list[str]:
        """One plain sentence per added or changed item, for the preview."""
        src = self.incoming.graph.nodes
        out = [f"Add {KIND_LABELS[NodeKind(src[n]['kind'])]} “{src[n]['name']}”"
               for n in self.new_nodes]
        out += [f"Change {self.doc.describe(n)}: {_listed(ch, self.doc.node(n))}"
                for n, ch in self.node_changes.items()]
        names = {**{n: a["name"] for n, a in self.doc.graph.nodes(data=True)},
                 **{self.node_ids[n]: src[n]["name"] for n in self.new_nodes}}
        for _, rec in self.new_edges:
            what = f"{rec['flow_type']} flow" if rec["kind"] == "flow" else \
                rec["kind"].replace("_", " ") + " link"
            out.append(f"Add {what} “{names[rec['source']]}” → “{names[rec['target']]}”")
        out += [f"Change {self.doc.describe(e)}: {_listed(ch, self.doc.edge(e))}"
                for e, ch in self.edge_changes.items()]
        out += [f"Add pathway “{p.name}”" for p in self.new_pathways]
        out += [f"Change pathway “{self.doc.pathways[p].name}”: {', '.join(ch)}"
                for p, ch in self.pathway_changes.items()]
        orgs = {**{n: a["name"] for n, a in self.doc.graph.nodes(data=True)}, **names}
        out += [f"Add target “{t.name}” ({orgs.get(t.organisation, t.organisation)})"
                for t in self.new_targets]
        out += [f"Change target “{self.doc.targets[t].name}”: "
                f"{_listed(ch, self.doc.targets[t].to_dict())}"
                for t, ch in self.target_changes.items()]
        out += [f"Add note “{_show(n.text.strip() or '(empty)')}”" for n in self.new_notes]
        out += [f"Change note “{_show(self.doc.notes[n].text.strip() or '(empty)')}”: "
                f"{_listed(ch, self.doc.notes[n].to_dict())}"
                for n, ch in self.note_changes.items()]
        return out


def plan_merge(doc: Document, incoming: Document) -> MergePlan:
    """Match ``incoming`` to ``doc`` (by id, then kind and name) and list the changes."""
    plan = MergePlan(doc, incoming)
    used: set[str] = set()

    def fresh(item_id: str) -> str:
        free = not (doc.has_node(item_id) or doc.has_edge(item_id) or item_id in doc.pathways
                    or item_id in doc.notes or item_id in doc.targets or item_id in used)
        made = item_id if free else new_id()
        used.add(made)
        return made

    by_name: dict[tuple, list[str]] = {}
    for n, attrs in doc.graph.nodes(data=True):
        by_name.setdefault((attrs["kind"], attrs["name"]), []).append(n)
    matched: set[str] = set()
    for n, attrs in incoming.graph.nodes(data=True):
        target = n if doc.has_node(n) and doc.node(n)["kind"] == attrs["kind"] else None
        same = by_name.get((attrs["kind"], attrs["name"]), [])
        target = target or (same[0] if len(same) == 1 else None)
        if target is None or target in matched:
            plan.node_ids[n] = fresh(n)
            plan.new_nodes.append(n)
            continue
        matched.add(target)
        plan.node_ids[n] = target
        if changes := _changes(attrs, doc.node(target)):
            plan.node_changes[target] = changes
    # an incoming edge matches the edge of the same id and ends, else the next unmatched one
    # of the same kind, ends and type: parallel flows match one each, in order
    existing: dict[tuple, list[str]] = {}
    for u, v, k, a in doc.graph.edges(keys=True, data=True):
        existing.setdefault((a["kind"], u, v, a.get("flow_type")), []).append(k)
    ends = {(k, plan.node_ids[u], plan.node_ids[v])
            for u, v, k in incoming.graph.edges(keys=True)}
    used = {k for k, mu, mv in ends if doc.has_edge(k) and doc.edge_ends(k) == (mu, mv)}
    for u, v, k, attrs in incoming.graph.edges(keys=True, data=True):
        mu, mv = plan.node_ids[u], plan.node_ids[v]
        kind = attrs["kind"]
        if k in used and doc.edge(k)["kind"] == kind:
            found = k
        else:
            free = [e for e in existing.get((kind, mu, mv, attrs.get("flow_type")), [])
                    if e not in used]
            found = free[0] if free else None
            if found is not None:
                used.add(found)
        if found is not None:
            if changes := _changes(attrs, doc.edge(found)):
                plan.edge_changes[found] = changes
            continue
        if kind == "part_of" and doc.has_node(mu) and doc.parent(mu) is not None:
            plan.removed_edges += [e for _, p, e, d in doc.graph.out_edges(mu, keys=True,
                                                                           data="kind")
                                   if d == "part_of"]
        plan.new_edges.append((fresh(k), {**attrs, "source": mu, "target": mv}))
    for p in incoming.pathways.values():
        steps = [plan.node_ids[s] for s in p.steps]
        same = [q for q in doc.pathways.values() if q.name == p.name]
        target = p.id if p.id in doc.pathways else (same[0].id if len(same) == 1 else None)
        if target is None:
            plan.new_pathways.append(replace(p, id=fresh(p.id), steps=steps))
            continue
        old = doc.pathways[target]
        pairs = (("name", p.name), ("description", p.description), ("steps", steps),
                 *p.provenance().items())
        changes = {k: v for k, v in pairs if v not in ("", [], None)
                   and not (k == "verified" and v is False) and v != getattr(old, k)}
        if changes:
            plan.pathway_changes[target] = changes
    _plan_targets(plan, fresh)
    _plan_notes(plan, fresh)
    return plan


def _plan_targets(plan: MergePlan, fresh) -> None:
    """Targets: matched by id, else by name and (matched) organisation; a new one gets a free
    id and its organisation's id in the open map."""
    doc = plan.doc
    by_name: dict[tuple, list[str]] = {}
    for t in doc.targets.values():
        by_name.setdefault((t.name, t.organisation), []).append(t.id)
    for t in plan.incoming.targets.values():
        org = plan.node_ids.get(t.organisation, t.organisation)
        same = by_name.get((t.name, org), [])
        found = t.id if t.id in doc.targets else (same[0] if len(same) == 1 else None)
        record = {**t.to_dict(), "organisation": org}
        if found is None:
            record["id"] = fresh(t.id)
            plan.new_targets.append(Target(**record))
            continue
        old = doc.targets[found].to_dict()
        changes = {k: v for k, v in record.items() if k != "id" and v not in (None, "")
                   and not _same(k, v, old.get(k))}
        if changes:
            plan.target_changes[found] = changes


def _plan_notes(plan: MergePlan, fresh) -> None:
    """Notes: matched by id, else by the very same text; a new one gets a free id."""
    doc = plan.doc
    by_text: dict[str, list[str]] = {}
    for n in doc.notes.values():
        by_text.setdefault(n.text, []).append(n.id)
    for n in plan.incoming.notes.values():
        same = by_text.get(n.text, [])
        found = n.id if n.id in doc.notes else (same[0] if len(same) == 1 else None)
        record = n.to_dict()
        if found is None:
            record["id"] = fresh(n.id)
            plan.new_notes.append(Note(**{k: record[k] for k in NOTE_FIELD_NAMES}))
            continue
        old = doc.notes[found].to_dict()
        changes = {k: v for k, v in record.items() if k != "id" and not _same(k, v, old.get(k))}
        if changes:
            plan.note_changes[found] = changes
