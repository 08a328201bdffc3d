"""The map document: the only code that changes the graph, positions, pathways and map fields.

Every mutator checks the change against the rules first (raising :class:`ValidationError` whose
message names the item and the field), then changes the graph, then emits one event. Mutators
that remove things return a record that the matching ``restore_*`` call puts back exactly, so the
UI's undo commands stay one call each.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

import networkx as nx

from servicemap.errors import ValidationError
from servicemap.events import Signal
from servicemap.graph import rules
from servicemap.graph.notes import NOTE_EVENTS, NotesMixin, note_words
from servicemap.graph.scenario_set import SCENARIO_EVENTS, ScenariosMixin
from servicemap.graph.scenarios import Scenario, check_scenarios
from servicemap.graph.targets import TARGET_EVENTS, TargetsMixin, check_targets, target_words
from servicemap.model import (
    COMMENT_STATUSES,
    MAP_FIELDS,
    PATHWAY_PROVENANCE_FIELDS,
    Comment,
    EdgeKind,
    NodeKind,
    Note,
    Pathway,
    Target,
    edge_defaults,
    edge_fields,
    map_defaults,
    node_defaults,
    node_fields,
)


def new_id() -> str:
    """A fresh, stable id for something made in the UI."""
    return uuid.uuid4().hex


def _fill_graph(graph: nx.MultiDiGraph, nodes: list[tuple[str, dict]],
                edges: list[tuple[str, str, str, dict]]) -> dict[str, tuple[str, str]]:
    """Put checked nodes ``(id, attrs)`` and edges ``(id, source, target, attrs)`` into an empty
    ``graph``; returns each edge's ends by id.

    This is what ``add_nodes_from`` and ``add_edges_from`` make, written straight into
    networkx's documented adjacency dicts (``_node``; ``_succ[u][v]`` is the dict of edges by
    key, shared with ``_pred[v][u]``) and keeping each ``attrs`` dict as the item's own data:
    on a large map networkx's per-edge checks and copies took longer than reading the file.
    The records are checked (every end exists, every id is new), which those methods rely on
    nobody having done. ``tests/test_document.py`` compares the result with theirs.
    """
    node, succ, pred = graph._node, graph._succ, graph._pred
    for node_id, attrs in nodes:
        node[node_id] = attrs
        succ[node_id] = {}
        pred[node_id] = {}
    ends: dict[str, tuple[str, str]] = {}
    for key, u, v, attrs in edges:
        keys = succ[u].get(v)
        if keys is None:
            keys = succ[u][v] = pred[v][u] = {}
        keys[key] = attrs
        ends[key] = (u, v)
    return ends


@dataclass
class RemovedNode:
    """What :meth:`Document.remove_node` took away, for :meth:`Document.restore_node`."""

    node: dict[str, object]
    edges: list[dict[str, object]] = field(default_factory=list)
    steps: list[tuple[str, int]] = field(default_factory=list)  # (pathway id, index), ascending
    targets: list[tuple[int, Target]] = field(default_factory=list)  # an organisation's, ascending


class Document(NotesMixin, TargetsMixin, ScenariosMixin):
    """A service map: a networkx MultiDiGraph keyed by stable string ids, plus pathways.

    Read freely through :attr:`graph`, :meth:`node`, :meth:`edge` and :attr:`pathways`; change
    only through the mutators below. Edge keys are edge ids.
    """

    def __init__(self) -> None:
        self.graph = nx.MultiDiGraph()
        self.graph.graph.update(map_defaults())
        self.pathways: dict[str, Pathway] = {}
        self._edge_ends: dict[str, tuple[str, str]] = {}
        # The rules' warnings about the records this document was built from (from_records
        # checks them anyway): what `import` prints without checking the whole map again.
        self.warnings_when_built: list[rules.Problem] = []
        # Events. Arguments are ids (and, for changes, the names of the changed fields).
        self.node_added = Signal()
        self.node_removed = Signal()
        self.node_changed = Signal()      # (id, field names)
        self.nodes_moved = Signal()       # (list of ids)
        self.edge_added = Signal()
        self.edge_removed = Signal()
        self.edge_changed = Signal()      # (id, field names)
        self.pathway_added = Signal()
        self.pathway_removed = Signal()
        self.pathway_changed = Signal()   # (id)
        self.map_changed = Signal()       # (field names)
        # Review comments (see the comments section below).
        self.comments: dict[str, Comment] = {}
        self.comment_added = Signal()     # (id)
        self.comment_changed = Signal()   # (id, field names)
        self.comment_removed = Signal()   # (id)
        self._init_notes()  # free text boxes on the canvas (graph/notes.py)
        self._init_targets()  # what organisations hold themselves to (graph/targets.py)
        self._init_scenarios()  # named sets of changes to the map (graph/scenario_set.py)

    EVENTS = ("node_added", "node_removed", "node_changed", "nodes_moved", "edge_added",
              "edge_removed", "edge_changed", "pathway_added", "pathway_removed",
              "pathway_changed", "map_changed", "comment_added", "comment_changed",
              "comment_removed", *NOTE_EVENTS, *TARGET_EVENTS, *SCENARIO_EVENTS)

    def events(self) -> list[tuple[str, Signal]]:
        """Every event the document emits, by name: what a view follows to stay current."""
        return [(name, getattr(self, name)) for name in self.EVENTS]

    # ----- building from records ---------------------------------------------------------
    @classmethod
    def from_records(cls, map_fields: Mapping[str, object],
                     nodes: Iterable[Mapping[str, object]],
                     edges: Iterable[Mapping[str, object]], pathways: list[Pathway],
                     comments: Iterable[Comment] = (), notes: Iterable[Note] = (),
                     targets: Iterable[Target] = (),
                     scenarios: Iterable[Scenario] = ()) -> Document:
        """Check every record, then build. Raises ValidationError naming the first problem.

        ``nodes`` and ``edges`` are read once, in order (a file's rows may stream through)."""
        cleaned: dict[str, list] = {"nodes": [], "edges": []}
        problems = rules.check_map(map_fields, nodes, edges, pathways, cleaned)
        refusal = rules.first_problem(problems)
        if refusal:
            raise ValidationError(refusal)
        comments = list(comments)
        refusal = rules.check_comments(comments)  # a reply comes after what it answers
        if refusal:
            raise ValidationError(refusal)
        doc = cls()
        doc.warnings_when_built = [p for p in problems if p.severity == "warning"]
        doc.graph.graph.update({f.name: rules.normalise(f, map_fields.get(f.name))
                                for f in MAP_FIELDS})
        doc._edge_ends = _fill_graph(doc.graph, cleaned.pop("nodes"), cleaned.pop("edges"))
        doc.pathways = {p.id: _normalised(replace(p, steps=list(p.steps), name=p.name.strip()))
                        for p in pathways}
        doc.comments = {comment.id: replace(comment) for comment in comments}
        for note in notes:
            note = doc._check_new_note(note)
            doc.notes[note.id] = note
        targets = list(targets)
        if targets:
            refusal = check_targets(targets, doc.organisation_ids(), doc._taken_or_note)
            if refusal:
                raise ValidationError(refusal[0] + (f" (and {len(refusal) - 1} more problems)"
                                                    if len(refusal) > 1 else ""))
            for target in targets:
                doc.add_target(target)
        scenarios = list(scenarios)
        if scenarios:
            refusal = check_scenarios(scenarios)
            if refusal:
                raise ValidationError(refusal[0])
            for scenario in scenarios:
                doc.add_scenario(scenario)
        return doc

    def node_records(self) -> list[dict[str, object]]:
        return [{"id": n, **attrs} for n, attrs in self.graph.nodes(data=True)]

    def edge_records(self) -> list[dict[str, object]]:
        return [{"id": k, "source": u, "target": v, **attrs}
                for u, v, k, attrs in self.graph.edges(keys=True, data=True)]

    def map_fields(self) -> dict[str, object]:
        return {f.name: self.graph.graph.get(f.name) for f in MAP_FIELDS}

    # ----- reading ------------------------------------------------------------------------
    def node(self, node_id: str) -> dict[str, object]:
        """The node's attributes (a live view: do not change it)."""
        try:
            return self.graph.nodes[node_id]
        except KeyError:
            raise ValidationError(f"There is no node {node_id!r} in the map.") from None

    def has_node(self, node_id: str) -> bool:
        return node_id in self.graph

    def has_edge(self, edge_id: str) -> bool:
        return edge_id in self._edge_ends

    def edge_ends(self, edge_id: str) -> tuple[str, str]:
        try:
            return self._edge_ends[edge_id]
        except KeyError:
            raise ValidationError(f"There is no edge {edge_id!r} in the map.") from None

    def edge(self, edge_id: str) -> dict[str, object]:
        u, v = self.edge_ends(edge_id)
        return self.graph.edges[u, v, edge_id]

    def edge_ids(self, kind: EdgeKind | None = None) -> list[str]:
        if kind is None:
            return list(self._edge_ends)
        return [k for u, v, k, d in self.graph.edges(keys=True, data="kind") if d == kind]

    def nodes_of_kind(self, kind: NodeKind) -> list[str]:
        return [n for n, k in self.graph.nodes(data="kind") if k == kind]

    def parent(self, node_id: str) -> str | None:
        """The directorate or organisation a node is part of, if any."""
        for _, v, kind in self.graph.out_edges(node_id, data="kind"):
            if kind == EdgeKind.PART_OF:
                return v
        return None

    def describe(self, item_id: str) -> str:
        if item_id in self.graph:
            return rules.describe_node(item_id, self.graph.nodes[item_id])
        if item_id in self._edge_ends:
            u, v = self._edge_ends[item_id]
            return rules.describe_edge(item_id, {**self.edge(item_id), "source": u, "target": v},
                                       self.graph.nodes)
        if item_id in self.pathways:
            return f'pathway "{self.pathways[item_id].name}" ({item_id})'
        if item_id in self.notes:
            return note_words(self.notes[item_id].text)
        if item_id in self.targets:
            return target_words(self.targets[item_id])
        return repr(item_id)

    def counts(self) -> dict[str, int]:
        """The number of each kind of node, of flows and of pathways (``servicemap info``)."""
        node_kinds = Counter(kind for _, kind in self.graph.nodes(data="kind"))
        # The adjacency dicts themselves (see _fill_graph): networkx's edge views cost a
        # second per 100,000 services here.
        edge_kinds = Counter(d["kind"] for nbrs in self.graph._succ.values()
                             for keys in nbrs.values() for d in keys.values())
        return rules.counts(node_kinds, edge_kinds, len(self.pathways))

    def problems(self) -> list[rules.Problem]:
        """Everything ``servicemap validate`` reports: errors, then warnings."""
        return rules.check_map(self.map_fields(), self.node_records(), self.edge_records(),
                               list(self.pathways.values()))

    # ----- nodes --------------------------------------------------------------------------
    def _taken(self, item_id: str) -> bool:
        return item_id in self.graph or item_id in self._edge_ends or item_id in self.pathways

    def _taken_or_note(self, item_id: str) -> bool:
        return self._taken(item_id) or item_id in self.notes

    def organisation_ids(self) -> set[str]:
        return set(self.nodes_of_kind(NodeKind.ORGANISATION))

    def add_node(self, kind: NodeKind | str, name: str, node_id: str | None = None,
                 **fields: object) -> str:
        """Add a node of ``kind``; returns its id."""
        try:
            defaults = node_defaults(kind)
        except ValueError:  # an unknown kind: let the rules name the item and the field
            defaults = {"kind": kind}
        record = {**defaults, **fields, "name": name, "id": node_id or new_id()}
        problems = rules.check_node(record)
        if problems:
            raise ValidationError(problems[0])
        if self._taken(record["id"]):
            raise ValidationError(f"{rules.describe_node(record['id'], record)}: id is already "
                                  "used in this map")
        self.graph.add_node(record["id"], **rules.clean_node(record))
        self.node_added.emit(record["id"])
        return record["id"]

    def update_node(self, node_id: str, changes: Mapping[str, object]) -> dict[str, object]:
        """Change fields of a node; returns the old values of the changed fields."""
        attrs = self.node(node_id)
        allowed = {f.name: f for f in node_fields(attrs["kind"])}
        what = rules.describe_node(node_id, attrs)
        for name in changes:
            if name not in allowed:
                raise ValidationError(f"{what}: has no field {name!r}")
        problems = rules.check_fields({**attrs, **changes},
                                      [allowed[n] for n in changes], what)
        if problems:
            raise ValidationError(problems[0])
        old = {name: attrs[name] for name in changes}
        for name, value in changes.items():
            attrs[name] = rules.normalise(allowed[name], value)
        self.node_changed.emit(node_id, tuple(changes))
        return old

    def move_nodes(self, positions: Mapping[str, tuple[float, float] | None]) \
            -> dict[str, tuple[float, float] | None]:
        """Place nodes at new (x, y) positions (None: unplaced); returns the old positions."""
        for node_id, pos in positions.items():
            self.node(node_id)
            if pos is not None:
                if (not isinstance(pos, (tuple, list)) or len(pos) != 2
                        or pos[0] is None or pos[1] is None):
                    raise ValidationError(
                        f"{rules.describe_node(node_id, self.node(node_id))} needs a position "
                        "of two numbers, x and y (or none at all).")
                bad = rules.check_fields({"x": pos[0], "y": pos[1]}, node_fields("exit")[2:4],
                                         rules.describe_node(node_id, self.node(node_id)))
                if bad:
                    raise ValidationError(bad[0])
        old: dict[str, tuple[float, float] | None] = {}
        for node_id, pos in positions.items():
            attrs = self.graph.nodes[node_id]
            old[node_id] = None if attrs["x"] is None else (attrs["x"], attrs["y"])
            attrs["x"], attrs["y"] = (None, None) if pos is None else (float(pos[0]),
                                                                        float(pos[1]))
        self.nodes_moved.emit(list(positions))
        return old

    def remove_node(self, node_id: str) -> RemovedNode:
        """Remove a node with its edges and pathway steps; returns what to restore."""
        attrs = self.node(node_id)
        removed = RemovedNode(node={"id": node_id, **attrs})
        for _u, _v, k, _d in list(self.graph.in_edges(node_id, keys=True, data=True)) + \
                list(self.graph.out_edges(node_id, keys=True, data=True)):
            if k in self._edge_ends:  # a self-loop appears twice
                removed.edges.append(self.remove_edge(k))
        for pid, pathway in self.pathways.items():
            indexes = [i for i, step in enumerate(pathway.steps) if step == node_id]
            if indexes:
                removed.steps += [(pid, i) for i in indexes]
                pathway.steps = [s for s in pathway.steps if s != node_id]
                self.pathway_changed.emit(pid)
        removed.targets = [(i, t) for i, t in enumerate(self.targets.values())
                           if t.organisation == node_id]  # an organisation's own targets
        for _, target in reversed(removed.targets):
            self.remove_target(target.id)
        self.graph.remove_node(node_id)
        self.node_removed.emit(node_id)
        return removed

    def restore_node(self, removed: RemovedNode) -> None:
        """Put back a node removed by :meth:`remove_node`, with its edges and pathway steps."""
        node = dict(removed.node)
        node_id = node.pop("id")
        if self._taken(node_id):
            raise ValidationError(f"{rules.describe_node(node_id, node)}: id is already used")
        self.graph.add_node(node_id, **node)
        self.node_added.emit(node_id)
        for edge in reversed(removed.edges):
            self.restore_edge(edge)
        for pid in dict.fromkeys(p for p, _ in removed.steps):
            pathway = self.pathways.get(pid)
            if pathway is None:
                continue
            for p, index in removed.steps:
                if p == pid:
                    pathway.steps.insert(index, node_id)
            self.pathway_changed.emit(pid)
        for removed_target in removed.targets:
            self.restore_target(removed_target)

    # ----- edges --------------------------------------------------------------------------
    def add_edge(self, kind: EdgeKind | str, source: str, target: str,
                 edge_id: str | None = None, **fields: object) -> str:
        """Join two nodes; returns the edge id."""
        try:
            defaults = edge_defaults(kind)
        except ValueError:  # an unknown kind: let the rules name the item and the field
            defaults = {"kind": kind}
        record = {**defaults, **fields, "id": edge_id or new_id(),
                  "source": source, "target": target}
        self._check_new_edge(record)
        eid = record["id"]
        self.graph.add_edge(source, target, key=eid, **rules.clean_edge(record))
        self._edge_ends[eid] = (source, target)
        self.edge_added.emit(eid)
        return eid

    def _check_new_edge(self, record: dict[str, object]) -> None:
        nodes = self.graph.nodes
        for end in ("source", "target"):
            if record[end] not in self.graph:
                raise ValidationError(f"A new {record['kind']} cannot join node "
                                      f"{record[end]!r}: it does not exist")
        problems = rules.check_edge_fields(record, nodes)
        if problems:
            raise ValidationError(problems[0])
        what = rules.describe_edge(record["id"], record, nodes)
        if self._taken(record["id"]):
            raise ValidationError(f"{what}: id is already used in this map")
        src, dst = record["source"], record["target"]
        why = rules.check_join(record["kind"], nodes[src]["kind"], nodes[dst]["kind"])
        if why:
            raise ValidationError(f"{what}: {why}")
        if record["kind"] == EdgeKind.PART_OF and self.parent(src) is not None:
            raise ValidationError(f"{what}: {rules.describe_node(src, nodes[src])} is already "
                                  f"part of {nodes[self.parent(src)]['name']!r}")

    def find_flow(self, source: str, target: str, flow_type: str | None = None) -> str | None:
        """The id of a flow from source to target (of ``flow_type`` if given), or None; the
        first when there are several (see :meth:`find_flows`)."""
        found = self.find_flows(source, target, flow_type)
        return found[0] if found else None

    def find_flows(self, source: str, target: str, flow_type: str | None = None) -> list[str]:
        """The ids of every flow from source to target (of ``flow_type`` if given). Several
        flows of one type may join two nodes (parallel flows: each keeps its own figures)."""
        return [k for k, d in self.graph.get_edge_data(source, target, default={}).items()
                if d["kind"] == EdgeKind.FLOW and flow_type in (None, d["flow_type"])]

    def update_edge(self, edge_id: str, changes: Mapping[str, object]) -> dict[str, object]:
        attrs = self.edge(edge_id)
        allowed = {f.name: f for f in edge_fields(attrs["kind"])}
        u, v = self._edge_ends[edge_id]
        what = rules.describe_edge(edge_id, {**attrs, "source": u, "target": v}, self.graph.nodes)
        for name in changes:
            if name not in allowed:
                raise ValidationError(f"{what}: has no field {name!r}")
        problems = rules.check_fields({**attrs, **changes}, [allowed[n] for n in changes], what)
        if problems:
            raise ValidationError(problems[0])
        old = {name: attrs[name] for name in changes}
        for name, value in changes.items():
            attrs[name] = rules.normalise(allowed[name], value)
        self.edge_changed.emit(edge_id, tuple(changes))
        return old

    def remove_edge(self, edge_id: str) -> dict[str, object]:
        """Remove an edge; returns its record for :meth:`restore_edge`."""
        u, v = self.edge_ends(edge_id)
        record = {"id": edge_id, "source": u, "target": v, **self.graph.edges[u, v, edge_id]}
        self.graph.remove_edge(u, v, key=edge_id)
        del self._edge_ends[edge_id]
        self.edge_removed.emit(edge_id)
        return record

    def restore_edge(self, record: Mapping[str, object]) -> None:
        fields = {k: v for k, v in record.items() if k not in ("id", "source", "target", "kind")}
        self.add_edge(record["kind"], record["source"], record["target"], record["id"], **fields)

    # ----- pathways -----------------------------------------------------------------------
    def _check_pathway(self, pathway: Pathway) -> None:
        what = f'pathway "{pathway.name}" ({pathway.id})'
        if not isinstance(pathway.name, str) or not pathway.name.strip():
            raise ValidationError(f"pathway {pathway.id!r}: name must not be empty")
        if not isinstance(pathway.description, str):
            raise ValidationError(f"{what}: description must be text")
        problems = rules.check_fields(pathway.provenance(), PATHWAY_PROVENANCE_FIELDS, what)
        if problems:
            raise ValidationError(problems[0])
        for i, step in enumerate(pathway.steps, start=1):
            if not isinstance(step, str):
                raise ValidationError(f"{what}: step {i} must be a node id (text), not "
                                      f"{type(step).__name__}")
            if step not in self.graph:
                raise ValidationError(f"{what}: step {i} refers to node {step!r}, which does "
                                      "not exist")
            if self.graph.nodes[step]["kind"] not in rules.STEP_KINDS:
                raise ValidationError(f"{what}: step {i} is {self.describe(step)}; steps must "
                                      "be access points, services or exits")

    def add_pathway(self, name: str, steps: Iterable[str] = (), description: str = "",
                    pathway_id: str | None = None, index: int | None = None,
                    provenance: Mapping[str, object] | None = None) -> str:
        pathway = Pathway(pathway_id or new_id(), name.strip() if isinstance(name, str) else name,
                          description, list(steps), **(provenance or {}))
        self._check_pathway(pathway)
        pathway = _normalised(pathway)
        if self._taken(pathway.id):
            raise ValidationError(f'pathway "{name}" ({pathway.id}): id is already used')
        items = list(self.pathways.items())
        items.insert(len(items) if index is None else index, (pathway.id, pathway))
        self.pathways = dict(items)
        self.pathway_added.emit(pathway.id)
        return pathway.id

    def update_pathway(self, pathway_id: str, **changes: object) -> dict[str, object]:
        """Change a pathway's ``name``, ``description``, ``steps`` or provenance (``source``,
        ``as_of``, ``verified``); returns the old values."""
        old_pathway = self.pathways.get(pathway_id)
        if old_pathway is None:
            raise ValidationError(f"There is no pathway {pathway_id!r} in the map.")
        unknown = set(changes) - {"name", "description", "steps", *PATHWAY_FIELDS}
        if unknown:
            raise ValidationError(f'pathway "{old_pathway.name}": has no field {unknown.pop()!r}')
        if "steps" in changes and (isinstance(changes["steps"], (str, bytes)) or not
                                   isinstance(changes["steps"], (list, tuple))):
            raise ValidationError(f'pathway "{old_pathway.name}": steps must be a list of '
                                  "service ids")
        new = replace(old_pathway, **changes)
        new.steps = list(new.steps)
        if isinstance(new.name, str):
            new.name = new.name.strip()
        self._check_pathway(new)
        new = _normalised(new)
        old = {k: getattr(old_pathway, k) for k in changes}
        self.pathways[pathway_id] = new
        self.pathway_changed.emit(pathway_id)
        return old

    def remove_pathway(self, pathway_id: str) -> tuple[Pathway, int]:
        """Remove a pathway; returns it and its index for :meth:`add_pathway`."""
        if pathway_id not in self.pathways:
            raise ValidationError(f"There is no pathway {pathway_id!r} in the map.")
        index = list(self.pathways).index(pathway_id)
        pathway = self.pathways.pop(pathway_id)
        self.pathway_removed.emit(pathway_id)
        return pathway, index

    # ----- the map itself -----------------------------------------------------------------
    def set_map_fields(self, changes: Mapping[str, object]) -> dict[str, object]:
        allowed = {f.name: f for f in MAP_FIELDS}
        for name in changes:
            if name not in allowed:
                raise ValidationError(f"map: has no field {name!r}")
        problems = rules.check_fields({**self.graph.graph, **changes},
                                      [allowed[n] for n in changes], "map")
        if problems:
            raise ValidationError(problems[0])
        old = {name: self.graph.graph.get(name) for name in changes}
        for name, value in changes.items():
            self.graph.graph[name] = rules.normalise(allowed[name], value)
        self.map_changed.emit(tuple(changes))
        return old

    # ----- review comments ----------------------------------------------------------------
    # Comments belong to the map, not the graph: deleting their item leaves them in place
    # ("on a removed item", named by ``target_name``), so undoing the delete re-attaches them.
    def comment_target_exists(self, comment: Comment | str) -> bool:
        """Whether the item a comment is on is in the map (the map itself always is)."""
        if isinstance(comment, str):
            comment = self.comments[comment]
        return not comment.target or self._taken(comment.target)

    def comment_item_name(self, item_id: str) -> str:
        """What an item is called: a node's or pathway's name, a flow's "From → To", "" for
        the map; the id itself for an item that is not in the map."""
        if not item_id:
            return ""
        if item_id in self.graph:
            return self.graph.nodes[item_id]["name"]
        if item_id in self._edge_ends:
            u, v = self._edge_ends[item_id]
            return f"{self.graph.nodes[u]['name']} → {self.graph.nodes[v]['name']}"
        if item_id in self.pathways:
            return self.pathways[item_id].name
        return item_id

    def comment_replies(self, comment_id: str) -> list[str]:
        """The ids of the direct replies to a comment, oldest first."""
        return [c.id for c in self.comments.values() if c.reply_to == comment_id]

    def _check_comment(self, comment: Comment) -> None:
        """Check a comment about to join :attr:`comments` (replies after what they answer)."""
        why = rules.check_comment(comment, self.comments)
        if why:
            raise ValidationError(why)

    def add_comment(self, text: str, target: str = "", author: str = "", *,
                    reply_to: str = "", comment_id: str | None = None,
                    created: str | None = None, status: str = "open",
                    target_name: str | None = None) -> str:
        """Comment on an item (``target``: a node, edge or pathway id in the map; empty for the
        map itself), or reply to a comment (``reply_to``: the reply is on the same item).
        ``created`` defaults to now; returns the comment's id."""
        if reply_to:
            parent = self.comments.get(reply_to) if isinstance(reply_to, str) else None
            if parent is None:
                raise ValidationError(f"There is no comment {reply_to!r} to reply to.")
            target = parent.target
            target_name = parent.target_name if target_name is None else target_name
        elif isinstance(target, str) and target and not self._taken(target):
            raise ValidationError(f"A comment cannot be on {target!r}: there is no such item "
                                  "in the map.")
        if target_name is None:
            target_name = self.comment_item_name(target) if isinstance(target, str) else ""
        comment = Comment(comment_id or new_id(), target, author,
                          created or datetime.now().astimezone().isoformat(timespec="seconds"),
                          text.strip() if isinstance(text, str) else text, status, reply_to,
                          target_name)
        self._check_comment(comment)
        self.comments[comment.id] = comment
        self.comment_added.emit(comment.id)
        return comment.id

    def update_comment(self, comment_id: str, **changes: object) -> dict[str, object]:
        """Change a comment's ``text`` or ``status``; returns the old values."""
        comment = self.comments.get(comment_id)
        if comment is None:
            raise ValidationError(f"There is no comment {comment_id!r} in the map.")
        unknown = set(changes) - {"text", "status"}
        if unknown:
            raise ValidationError(f"comment {comment_id!r}: cannot change {unknown.pop()!r}")
        if isinstance(changes.get("text"), str):
            changes["text"] = changes["text"].strip()
        new = replace(comment, **changes)
        if not isinstance(new.text, str) or not new.text.strip():
            raise ValidationError(f"comment {comment_id!r}: text must not be empty")
        if new.status not in COMMENT_STATUSES:
            raise ValidationError(f"comment {comment_id!r}: status must be one of "
                                  f"{', '.join(COMMENT_STATUSES)} (got {new.status!r})")
        old = {k: getattr(comment, k) for k in changes}
        self.comments[comment_id] = new
        self.comment_changed.emit(comment_id, tuple(changes))
        return old

    def remove_comment(self, comment_id: str) -> list[tuple[int, Comment]]:
        """Remove a comment and every reply under it; returns ``(index, comment)`` pairs,
        ascending, for :meth:`restore_comments`."""
        if comment_id not in self.comments:
            raise ValidationError(f"There is no comment {comment_id!r} in the map.")
        doomed = {comment_id}
        for c in self.comments.values():  # replies always come after what they answer
            if c.reply_to in doomed:
                doomed.add(c.id)
        removed = [(i, c) for i, c in enumerate(self.comments.values()) if c.id in doomed]
        self.comments = {k: v for k, v in self.comments.items() if k not in doomed}
        for _, c in reversed(removed):
            self.comment_removed.emit(c.id)
        return removed

    def restore_comments(self, removed: list[tuple[int, Comment]]) -> None:
        """Put back comments removed by :meth:`remove_comment`, where they were."""
        items = list(self.comments.items())
        for index, comment in removed:
            if comment.id in self.comments:
                raise ValidationError(f"comment {comment.id!r}: id is already used")
            items.insert(index, (comment.id, comment))
        self.comments = dict(items)
        for _, comment in removed:
            self.comment_added.emit(comment.id)


PATHWAY_FIELDS = {f.name: f for f in PATHWAY_PROVENANCE_FIELDS}


def _normalised(pathway: Pathway) -> Pathway:
    """``pathway`` with its (checked) provenance in its kept form: an empty date or source is
    unknown (None), a 0/1 verified a bool."""
    return replace(pathway, **{name: rules.normalise(f, getattr(pathway, name))
                               for name, f in PATHWAY_FIELDS.items()})
