"""Scenarios: named sets of changes to a map's baseline (the map as it is), and their views.

A :class:`Scenario` is an id, a name, a description and a list of :class:`Change` records, each
one of three explicit operations on one node or edge of the baseline:

- ``set``: ``fields`` holds the new values of the fields that differ (``{"capacity": 30}``);
- ``add``: a node or edge the baseline does not have; ``fields`` is its whole record without
  the id (a node's ``kind``, ``name`` and fields; an edge's ``kind``, ``source``, ``target``
  and fields);
- ``remove``: the baseline's node or edge is not in the scenario (``fields`` empty). Removing a
  node removes its flows and links, its pathway steps and, for an organisation, its targets,
  exactly as deleting it from the map does.

:func:`apply_scenario` is the scenario's view: a new :class:`Document` (the baseline is only
read), checked by the same rules as any map. :func:`changes_between` is the other way round:
the change records that turn the baseline into a view edited in the window. A change to an item
the baseline no longer has (it was deleted after the scenario was made) is left out of the view
and listed by :func:`apply_scenario`; an added item whose id the baseline now uses likewise.

Pathways, notes, targets, comments and the map's own fields belong to the baseline: a scenario
changes nodes and edges only (the window refuses the other edits while a scenario is shown).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from servicemap.errors import ValidationError
from servicemap.model import KIND_LABELS, edge_fields, node_fields

OPS = ("set", "add", "remove")
ITEMS = ("node", "edge")
BASELINE = "Baseline"  # what the window and the command line call the map as it is
RESERVED_NAMES = ("baseline", "as-is", "as is")
NAME_LIMIT = 80


@dataclass(frozen=True)
class Change:
    """One change a scenario makes to the baseline (see the module's docstring)."""

    op: str      # "set", "add" or "remove"
    item: str    # "node" or "edge"
    id: str      # the node's or edge's id
    fields: Mapping[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """The change as JSON writes it: ``{op, item, id, fields}``."""
        return {"op": self.op, "item": self.item, "id": self.id, "fields": dict(self.fields)}


@dataclass
class Scenario:
    """A named set of changes to the baseline."""

    id: str
    name: str
    description: str = ""
    changes: list[Change] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "description": self.description,
                "changes": [c.as_dict() for c in self.changes]}


def scenario_words(scenario: Scenario) -> str:
    name = scenario.name if isinstance(scenario.name, str) else ""
    return f'scenario "{name}"' if name.strip() else f"scenario {scenario.id!r}"


def _plain_value(value: object) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or isinstance(value, (str, bool, int))


def check_change(change: Change, what: str) -> str | None:
    """The one problem with a change record's shape (None: it is well formed)."""
    if change.op not in OPS:
        return f"{what}: a change's operation must be one of {', '.join(OPS)} (got {change.op!r})"
    if change.item not in ITEMS:
        return f"{what}: a change is to a node or an edge (got {change.item!r})"
    if not isinstance(change.id, str) or not change.id:
        return f"{what}: each change names the id of its {change.item}"
    if not isinstance(change.fields, Mapping):
        return f"{what}: the fields of the change to {change.id!r} must be an object"
    for name, value in change.fields.items():
        if not isinstance(name, str) or not _plain_value(value):
            return (f"{what}: the change to {change.id!r} has a field {name!r} whose value is "
                    "not text, a number, true/false or empty")
    if change.op == "remove" and change.fields:
        return f"{what}: removing {change.id!r} takes no fields"
    if change.op == "add":
        needed = ("kind", "name") if change.item == "node" else ("kind", "source", "target")
        missing = [n for n in needed if not isinstance(change.fields.get(n), str)]
        if missing:
            return f"{what}: the added {change.item} {change.id!r} needs its {missing[0]}"
    if change.op == "set" and not change.fields:
        return f"{what}: the change to {change.id!r} changes no field"
    return None


def check_scenario_name(name: object, others: Iterable[str] = ()) -> str | None:
    """Why ``name`` cannot name a scenario (None: it can). ``others``: the other names."""
    if not isinstance(name, str) or not name.strip():
        return "A scenario needs a name."
    name = name.strip()
    if len(name) > NAME_LIMIT:
        return f"A scenario's name is at most {NAME_LIMIT} characters."
    if name.casefold() in RESERVED_NAMES:
        return f"“{name}” is the map as it is; choose another name for a scenario."
    same = next((o.strip() for o in others if o.strip().casefold() == name.casefold()), None)
    if same is not None:
        return f"There is already a scenario called “{same}”."
    return None


def check_scenarios(scenarios: Iterable[Scenario]) -> list[str]:
    """Every problem with a map's scenarios, one sentence each: ids and names unique, names
    given, each change well formed and at most one per item."""
    problems: list[str] = []
    ids: set[str] = set()
    names: list[str] = []
    for scenario in scenarios:
        if not isinstance(scenario.id, str) or not scenario.id:
            problems.append("A scenario needs an id (text).")
            continue
        what = scenario_words(scenario)
        if scenario.id in ids:
            problems.append(f"{what}: id {scenario.id!r} is already used by another scenario.")
        ids.add(scenario.id)
        why = check_scenario_name(scenario.name, names)
        if why:
            problems.append(f"{what}: {why[0].lower()}{why[1:]}")
        if isinstance(scenario.name, str):
            names.append(scenario.name)
        if not isinstance(scenario.description, str):
            problems.append(f"{what}: its description must be text.")
        seen: set[tuple[str, str, str]] = set()
        for change in scenario.changes:
            why = check_change(change, what)
            if why:
                problems.append(why + ".")
                continue
            key = (change.op, change.item, change.id)
            if key in seen:
                problems.append(f"{what}: {change.id!r} is changed twice the same way.")
            seen.add(key)
    return problems


def change_from_dict(data: object, what: str) -> Change:
    """A change record read from JSON or a sheet; a malformed one is one sentence."""
    if not isinstance(data, Mapping):
        raise ValidationError(f"{what}: each change must be an object with op, item, id and "
                              "fields.")
    fields = data.get("fields")
    change = Change(data.get("op"), data.get("item"), data.get("id"),
                    {} if fields is None else fields)
    why = check_change(change, what)
    if why:
        raise ValidationError(why + ".")
    return replace(change, fields=dict(change.fields))


def scenario_from_dict(data: object) -> Scenario:
    """A scenario read from JSON (``{id, name, description, changes}``)."""
    if not isinstance(data, Mapping):
        raise ValidationError("Each scenario must be an object with an id, a name and changes.")
    changes = data.get("changes") or []
    name = data.get("name")
    what = f'scenario "{name}"' if isinstance(name, str) else "a scenario"
    if not isinstance(changes, list):
        raise ValidationError(f"{what}: its changes must be a list.")
    return Scenario(data.get("id"), name, data.get("description") or "",
                    [change_from_dict(c, what) for c in changes])


# ----- the view -----------------------------------------------------------------------------
@dataclass
class View:
    """What :func:`apply_scenario` gives: the scenario's document and the changes it could not
    make (one sentence each)."""

    doc: object  # servicemap.graph.document.Document
    skipped: list[str]


def apply_scenario(doc, scenario: Scenario) -> View:
    """The map as ``scenario`` changes it: a new Document; ``doc`` (the baseline) is only read.
    Raises ValidationError (naming the scenario) when the result breaks the map's rules."""
    nodes = {n: {"id": n, **attrs} for n, attrs in doc.graph.nodes(data=True)}
    edges = {k: {"id": k, "source": u, "target": v, **attrs}
             for u, v, k, attrs in doc.graph.edges(keys=True, data=True)}
    skipped: list[str] = []
    for change in scenario.changes:
        table = nodes if change.item == "node" else edges
        if change.op == "remove":
            if table.pop(change.id, None) is None:
                skipped.append(f"{change.item} {change.id!r} is no longer in the map, so it "
                               "cannot be removed")
        elif change.op == "add":
            if change.id in nodes or change.id in edges:
                skipped.append(f"the added {change.item} {change.id!r} has an id the map now "
                               "uses")
            else:
                table[change.id] = {**change.fields, "id": change.id}
        elif change.id in table:
            table[change.id].update(change.fields)
        else:
            skipped.append(f"{change.item} {change.id!r} is no longer in the map, so its "
                           "change cannot be made")
    # An edge whose end is gone goes with it, as deleting a node takes its flows.
    kept_edges = [e for e in edges.values() if e["source"] in nodes and e["target"] in nodes]
    pathways = [replace(p, steps=[s for s in p.steps if s in nodes])
                for p in doc.pathways.values()]
    targets = [t for t in doc.targets.values() if t.organisation in nodes]
    try:
        view = type(doc).from_records(doc.map_fields(), list(nodes.values()), kept_edges,
                                     pathways, doc.comments.values(), doc.notes.values(),
                                     targets)
    except ValidationError as exc:
        raise ValidationError(f"{scenario_words(scenario)} cannot be shown: {exc}") from None
    return View(view, skipped)


def changes_between(base, view) -> list[Change]:
    """The change records that turn ``base`` into ``view`` (nodes and edges only): removals
    first (a removed node's own flows and links are implied, not listed), then additions
    (nodes before edges), then changed fields, each in map order."""
    base_nodes, view_nodes = base.graph._node, view.graph._node
    removed = [Change("remove", "node", n) for n in base_nodes if n not in view_nodes]
    gone = {c.id for c in removed}
    base_edges = {k: (u, v, d) for u, v, k, d in base.graph.edges(keys=True, data=True)}
    view_edges = {k: (u, v, d) for u, v, k, d in view.graph.edges(keys=True, data=True)}
    moved_ends = {k for k, (u, v, _d) in view_edges.items()
                  if k in base_edges and base_edges[k][:2] != (u, v)}
    for k, (u, v, _d) in base_edges.items():
        if (k not in view_edges or k in moved_ends) and u not in gone and v not in gone:
            removed.append(Change("remove", "edge", k))
    added = [Change("add", "node", n, dict(attrs)) for n, attrs in view_nodes.items()
             if n not in base_nodes]
    added += [Change("add", "edge", k, {"source": u, "target": v, **d})
              for k, (u, v, d) in view_edges.items() if k not in base_edges or k in moved_ends]
    changed = []
    for n, attrs in view_nodes.items():
        old = base_nodes.get(n)
        if old is not None:
            diff = {name: value for name, value in attrs.items() if old.get(name) != value}
            if diff:
                changed.append(Change("set", "node", n, diff))
    for k, (_u, _v, d) in view_edges.items():
        if k in base_edges and k not in moved_ends:
            old = base_edges[k][2]
            diff = {name: value for name, value in d.items() if old.get(name) != value}
            if diff:
                changed.append(Change("set", "edge", k, diff))
    return removed + added + changed


# ----- words --------------------------------------------------------------------------------
def _titles(kind: str, item: str) -> dict[str, str]:
    try:
        fields = node_fields(kind) if item == "node" else edge_fields(kind)
    except ValueError:
        return {}
    return {f.name: (f.title or f.name.replace("_", " ")).lower() for f in fields}


def _value_words(value: object) -> str:
    if value is None or value == "":
        return "unknown"
    if isinstance(value, float) and value.is_integer():
        return f"{value:,.0f}"
    return str(value)


def _item_words(doc, change: Change) -> str:
    if change.item == "node":
        attrs = change.fields if change.op == "add" else (
            doc.graph.nodes[change.id] if doc.has_node(change.id) else {})
        kind = attrs.get("kind", "node")
        label = KIND_LABELS.get(kind, "node") if isinstance(kind, str) else "node"
        return f"{label} “{attrs.get('name', change.id)}”"
    if change.op == "add":
        ends = (change.fields.get("source"), change.fields.get("target"))
    elif doc.has_edge(change.id):
        ends = doc.edge_ends(change.id)
    else:
        return f"flow {change.id!r}"
    names = [doc.graph.nodes[e]["name"] if doc.has_node(e) else str(e) for e in ends]
    kind = change.fields.get("kind") if change.op == "add" else doc.edge(change.id)["kind"]
    word = "flow" if kind == "flow" else "link"
    return f"{word} {names[0]} → {names[1]}"


def describe_change(doc, change: Change, view=None) -> str:
    """A change in words for people, against the baseline ``doc`` (and the scenario's
    ``view``, for the names of items the scenario adds): 'Changed service “Acute ward”:
    capacity 20 → 30'."""
    names_from = view if change.op == "add" and change.item == "edge" and view else doc
    what = _item_words(names_from, change)
    if change.op == "add":
        return f"Added {what}"
    if change.op == "remove":
        return f"Removed {what}"
    if change.item == "node" and doc.has_node(change.id):
        old, kind = doc.graph.nodes[change.id], doc.graph.nodes[change.id]["kind"]
    elif change.item == "edge" and doc.has_edge(change.id):
        old, kind = doc.edge(change.id), doc.edge(change.id)["kind"]
    else:
        old, kind = {}, ""
    if set(change.fields) <= {"x", "y", "pinned"}:
        return f"Moved {what}" if set(change.fields) & {"x", "y"} else f"Pinned {what}"
    titles = _titles(kind, change.item)
    parts = [f"{titles.get(n, n.replace('_', ' '))} {_value_words(old.get(n))} → "
             f"{_value_words(v)}" for n, v in change.fields.items() if n not in ("x", "y")]
    return f"Changed {what}: {'; '.join(parts)}"


def find_scenario(doc, name: str) -> Scenario:
    """The scenario called ``name`` (ignoring case); a name the map does not hold is one
    sentence listing the names it does."""
    found = doc.scenario_named(name)
    if found is not None:
        return found
    names = [f"“{s.name}”" for s in doc.scenarios.values()]
    known = (f"its scenarios are {', '.join(names)}" if names else "it has none")
    raise ValidationError(f"There is no scenario called “{name}” in this map; {known}.")
