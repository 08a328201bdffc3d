"""What changed between two versions of a map: nodes, edges, pathways and targets added,
removed and changed (field by field, pathway steps as lists), and the map's own fields.

Items are matched by id (ids are stable: see docs/data-model.md). The result is plain JSON-ready
data (:func:`diff`), with a plain-text report (:func:`report_lines`) for ``servicemap diff``.
Left out: the map's ``modified`` time (every save changes it), review comments (they are about
the map, not part of it) and, unless asked for, the layout fields ``x``, ``y`` and ``pinned``.
"""

from __future__ import annotations

from servicemap import units
from servicemap.graph.document import Document
from servicemap.model import (
    COMMON_NODE_FIELDS,
    FLOW_FIELDS,
    KIND_FIELDS,
    KIND_LABELS,
    MAP_FIELDS,
    TARGET_FIELD_NAMES,
    TARGET_FIELDS,
    EdgeKind,
)

LAYOUT_FIELDS = frozenset({"x", "y", "pinned"})
IGNORED_MAP_FIELDS = frozenset({"modified"})
PATHWAY_FIELDS = ("name", "description", "steps")
# Fields by name, for how a change is written: waits in hours, days or weeks, percentages with %
_FIELDS = {f.name: f for fields in (COMMON_NODE_FIELDS, FLOW_FIELDS, *KIND_FIELDS.values(),
                                   TARGET_FIELDS) for f in fields}
SECTIONS = ("nodes", "edges", "pathways", "targets")
_ENDS = frozenset({"source", "target"})


def _node_summary(doc: Document, node_id: str) -> dict[str, object]:
    attrs = doc.node(node_id)
    return {"id": node_id, "kind": attrs["kind"], "name": attrs["name"]}


def _edge_summary(doc: Document, edge_id: str) -> dict[str, object]:
    attrs = doc.edge(edge_id)
    u, v = doc.edge_ends(edge_id)
    summary = {"id": edge_id, "kind": attrs["kind"], "source": u, "target": v,
               "name": f"{doc.node(u)['name']} → {doc.node(v)['name']}"}
    if attrs["kind"] == EdgeKind.FLOW:
        summary["flow_type"] = attrs.get("flow_type")
    return summary


def _fields(old: dict, new: dict, skip: frozenset[str] = frozenset()) -> dict[str, dict]:
    """``{field: {"old": a, "new": b}}`` for every field whose value differs."""
    changes = {}
    for name in dict.fromkeys([*old, *new]):
        if name in skip:
            continue
        a, b = old.get(name), new.get(name)
        if a != b:
            changes[name] = {"old": a, "new": b}
    return changes


def diff(old: Document, new: Document, include_layout: bool = False) -> dict:
    """The differences from ``old`` to ``new`` as JSON-ready data::

        {"identical": bool,
         "counts": {"added": n, "removed": n, "changed": n},
         "map": {"changed": {field: {"old": a, "new": b}}},
         "nodes": {"added": [summary], "removed": [summary],
                   "changed": [summary + {"fields": {field: {"old": a, "new": b}}}]},
         "edges": {... the same, summaries with source, target, name "From → To"},
         "pathways": {... the same; "fields" among name, description, steps},
         "targets": {... the same, summaries {id, name}; "fields" any of the target's}}

    A node summary is ``{id, kind, name}`` (the new name for changed nodes, the old one for
    removed ones); lists follow the new map's order (removed items: the old map's).
    """
    skip = frozenset() if include_layout else LAYOUT_FIELDS
    result: dict = {"map": {"changed": _fields(
        {f.name: old.graph.graph.get(f.name) for f in MAP_FIELDS},
        {f.name: new.graph.graph.get(f.name) for f in MAP_FIELDS}, IGNORED_MAP_FIELDS)}}

    nodes = {"added": [], "removed": [], "changed": []}
    for node_id, attrs in new.graph.nodes(data=True):
        if not old.has_node(node_id):
            nodes["added"].append(_node_summary(new, node_id))
            continue
        fields = _fields(dict(old.node(node_id)), dict(attrs), skip)
        if fields:
            nodes["changed"].append({**_node_summary(new, node_id), "fields": fields})
    nodes["removed"] = [_node_summary(old, n) for n in old.graph if not new.has_node(n)]
    result["nodes"] = nodes

    edges = {"added": [], "removed": [], "changed": []}
    for edge_id in new.edge_ids():
        if not old.has_edge(edge_id):
            edges["added"].append(_edge_summary(new, edge_id))
            continue
        (ou, ov), (nu, nv) = old.edge_ends(edge_id), new.edge_ends(edge_id)
        fields = _fields({"source": ou, "target": ov, **old.edge(edge_id)},
                         {"source": nu, "target": nv, **new.edge(edge_id)})
        if fields:
            edges["changed"].append({**_edge_summary(new, edge_id), "fields": fields})
    edges["removed"] = [_edge_summary(old, e) for e in old.edge_ids() if not new.has_edge(e)]
    result["edges"] = edges

    pathways = {"added": [], "removed": [], "changed": []}
    for pid, pathway in new.pathways.items():
        if pid not in old.pathways:
            pathways["added"].append({"id": pid, "name": pathway.name})
            continue
        before = old.pathways[pid]
        fields = _fields({k: getattr(before, k) for k in PATHWAY_FIELDS},
                         {k: getattr(pathway, k) for k in PATHWAY_FIELDS})
        if fields:
            pathways["changed"].append({"id": pid, "name": pathway.name, "fields": fields})
    pathways["removed"] = [{"id": pid, "name": p.name} for pid, p in old.pathways.items()
                           if pid not in new.pathways]
    result["pathways"] = pathways

    targets = {"added": [], "removed": [], "changed": []}
    for tid, target in new.targets.items():
        if tid not in old.targets:
            targets["added"].append({"id": tid, "name": target.name})
            continue
        fields = _fields({k: getattr(old.targets[tid], k) for k in TARGET_FIELD_NAMES[1:]},
                         {k: getattr(target, k) for k in TARGET_FIELD_NAMES[1:]})
        if fields:
            targets["changed"].append({"id": tid, "name": target.name, "fields": fields})
    targets["removed"] = [{"id": tid, "name": t.name} for tid, t in old.targets.items()
                          if tid not in new.targets]
    result["targets"] = targets

    sections = (nodes, edges, pathways, targets)
    result["counts"] = {
        "added": sum(len(s["added"]) for s in sections),
        "removed": sum(len(s["removed"]) for s in sections),
        "changed": sum(len(s["changed"]) for s in sections) + bool(result["map"]["changed"]),
    }
    result["identical"] = not any(result["counts"].values())
    return result


def changed_ids(result: dict) -> dict[str, set[str]]:
    """``{"added": ids, "removed": ids, "changed": ids}`` over nodes, edges and pathways."""
    return {state: {item["id"] for section in ("nodes", "edges", "pathways")
                    for item in result[section][state]}
            for state in ("added", "removed", "changed")}


# ----- the plain-text report ----------------------------------------------------------------
def _value(value: object) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return f"{value:,.0f}"
    if isinstance(value, (int, float)):
        return f"{value:,g}"
    text = str(value)
    return f"“{text}”" if text else "(empty)"


def describe(item: dict, section: str, with_id: bool = True) -> str:
    """One item of a diff, in words: 'service “Crisis team” (crisis)'; without the id in
    brackets for people who never see ids (the window's comparison list)."""
    tail = f" ({item['id']})" if with_id else ""
    if section == "nodes":
        kind = KIND_LABELS.get(item["kind"], item["kind"])  # StrEnum keys match text
        return f"{kind} {_value(item['name'])}{tail}"
    if section == "edges":
        if item["kind"] == EdgeKind.FLOW:
            what = f"{str(item.get('flow_type') or 'flow').replace('_', '-')} flow"
        else:
            what = str(item["kind"]).replace("_", " ") + " link"
        return f"{what} {item['name']}{tail}"
    if section == "targets":
        return f"target {_value(item['name'])}{tail}"
    return f"pathway {_value(item['name'])}{tail}"


def _field_value(name: str, value: object) -> str:
    field = _FIELDS.get(name)
    if value is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
        if units.is_duration(field):
            return units.format_duration(value)
        if units.is_percentage(field):
            return units.format_percent(value)
    return _value(value)


def _field_name(name: str) -> str:
    field = _FIELDS.get(name)
    if field is not None and (units.is_duration(field) or units.is_percentage(field)):
        return field.title.lower().removesuffix(" (days)").removesuffix(" (%)")
    return name.replace("_", " ")


def field_changes(fields: dict, names: dict | None = None) -> str:
    """'capacity 40 → 45; name “A” → “B”; wait target 1 day → 4 hours' (pathway steps as step
    names joined by →, a flow's moved end by the names in ``names``)."""
    parts = []
    names = names or {}
    for name, change in fields.items():
        old, new = change["old"], change["new"]
        if name == "steps":
            def steps(ids):
                return " → ".join(names.get(s, s) for s in ids) or "(no steps)"
            parts.append(f"steps {steps(old)} ⇒ {steps(new)}")
        elif name in _ENDS:
            parts.append(f"{'from' if name == 'source' else 'to'} "
                         f"{_value(names.get(old, old))} → {_value(names.get(new, new))}")
        else:
            parts.append(f"{_field_name(name)} {_field_value(name, old)} → "
                         f"{_field_value(name, new)}")
    return "; ".join(parts)


def report_lines(result: dict, old: Document | None = None,
                 new: Document | None = None) -> list[str]:
    """The diff as lines of text: added, removed, then changed items, or "No differences"."""
    if result["identical"]:
        return ["No differences."]
    names: dict[str, str] = {}
    for doc in (old, new):
        if doc is not None:
            names.update({n: a["name"] for n, a in doc.graph.nodes(data=True)})
    lines: list[str] = []
    for state, mark, title in (("added", "+", "Added"), ("removed", "-", "Removed"),
                               ("changed", "~", "Changed")):
        items = [(section, item) for section in SECTIONS
                 for item in result[section][state]]
        has_map = state == "changed" and result["map"]["changed"]
        if not items and not has_map:
            continue
        lines.append(f"{title} ({len(items) + bool(has_map)}):")
        if has_map:
            lines.append(f"  {mark} map: {field_changes(result['map']['changed'])}")
        for section, item in items:
            line = f"  {mark} {describe(item, section)}"
            if state == "changed":
                line += f": {field_changes(item['fields'], names)}"
            lines.append(line)
    counts = result["counts"]
    lines.append(f"{counts['added']} added, {counts['removed']} removed, "
                 f"{counts['changed']} changed.")
    return lines
