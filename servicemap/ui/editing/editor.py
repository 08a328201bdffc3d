"""The editor owns the undo stack and is the only code that pushes commands.

Every edit from any gesture (canvas, outline, inspector, menus, features) comes here. A refused
edit returns the document's one-sentence reason and pushes nothing, so undo, the dirty marker
and the canvas stay in step with the document.

Several edits that make one step go in a :meth:`Editor.transaction`: they are pushed as one
command when the block ends, or, when any of them is refused, every edit already made in the
block is rolled back and nothing reaches the undo stack.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from servicemap.errors import ValidationError
from servicemap.graph.document import Document, new_id
from servicemap.graph.notes import note_snippet
from servicemap.model import (
    KIND_LABELS,
    MAP_FIELDS,
    NOTE_WIDTH,
    TARGET_FIELDS,
    EdgeKind,
    NodeKind,
    Note,
    Pathway,
    Target,
    edge_fields,
    node_fields,
)
from servicemap.ui.editing import commands as c
from servicemap.ui.editing.comment_commands import CommentCommand
from servicemap.ui.editing.note_commands import AddNote, RemoveNote, UpdateNote
from servicemap.ui.editing.scenario_commands import (
    AddScenario,
    RemoveScenario,
    ScenarioCommand,
    UpdateScenario,
)
from servicemap.ui.editing.target_commands import AddTarget, RemoveTarget, UpdateTarget
from servicemap.words import plural, without_ids

READ_ONLY_REASON = "This map is open read-only; changes are not allowed."
SCENARIO_REASON = ("Scenario “{}” is shown: it changes services, access points, exits, "
                   "organisations and their flows and links; pathways, notes, targets, comments "
                   "and the map's details belong to the baseline (choose Baseline to change "
                   "them).")
# What a scenario's edits may be: changes to nodes and edges (docs/data-model.md, scenarios).
SCENARIO_COMMANDS = (c.AddNode, c.AddEdge, c.RemoveItems, c.MoveNodes, ScenarioCommand)
TARGET_TITLES = {f.name: f.title.removesuffix(" (days)") for f in TARGET_FIELDS}


class Refused(Exception):
    """An edit inside a transaction was refused; the transaction rolls back."""


class Transaction:
    """What :meth:`Editor.transaction` yields: ``error`` is the reason it was refused (None
    while it stands), ``command`` the one step it pushed (None when nothing was done)."""

    def __init__(self, command: c.Composite) -> None:
        self.command = command
        self.error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _field_words(changes, fields) -> str:
    """The changed fields as the Edit menu names them: "wait target", "% within target"."""
    titles = {f.name: f.title.lower().removesuffix(" (days)").removesuffix(" (%)")
              for f in fields if f.label}
    return ", ".join(titles.get(k, k.replace("_", " ")) for k in changes)


class Editor(QObject):
    refused = Signal(str)  # the reason an edit was refused, for the status bar or a field

    def __init__(self, document: Document, parent: QObject | None = None,
                 editable: Callable[[], bool] | None = None,
                 scenario: str | None = None) -> None:
        """``editable`` says whether the map may be changed now (the session's mode); review
        comments are allowed either way. ``scenario``: the name of the scenario whose view
        ``document`` is; its edits are then to nodes and edges only (what a scenario holds)."""
        super().__init__(parent)
        self.doc = document
        self.scenario = scenario
        self.stack = QUndoStack(self)
        self._editable = editable or (lambda: True)
        self._open: list[c.Composite] = []

    @property
    def editable(self) -> bool:
        return self._editable()

    def dispose(self) -> None:
        """Delete the undo history now, while every command is still alive.

        Left to the garbage collector, PySide can free the Python commands before the C++
        stack that owns them, and the stack's destructor then crashes the process.
        """
        self.stack.clear()

    # ----- the one way in -------------------------------------------------------------
    def push(self, command: c.DocumentCommand) -> str | None:
        """Run the command once; if the document refuses it, return why and push nothing.
        Inside a :meth:`transaction` the command joins it, and a refusal ends the block."""
        if not self.editable and not isinstance(command, CommentCommand):
            return self._refuse(READ_ONLY_REASON)
        if self.scenario is not None and not self._in_scenario(command):
            return self._refuse(SCENARIO_REASON.format(self.scenario))
        try:
            command.do()
        except ValidationError as exc:
            return self._refuse(str(exc))
        if self._open:
            self._open[-1].children.append(command)
            return None
        command.skip_redo = True
        self.stack.push(command)
        return None

    @staticmethod
    def _in_scenario(command: c.DocumentCommand) -> bool:
        """Whether a scenario's view may take ``command`` (its changes are to nodes and edges)."""
        if isinstance(command, c.UpdateFields):
            return command.target_kind in ("node", "edge")
        return isinstance(command, SCENARIO_COMMANDS)

    def push_comment(self, command: CommentCommand) -> str | None:
        """Like :meth:`push`, for review comments only: they are allowed on a map open
        read-only (review mode), since they change nothing else in the map."""
        if not isinstance(command, CommentCommand):
            raise TypeError("push_comment takes comment commands only")
        return self.push(command)

    def _refuse(self, reason: str) -> str:
        reason = self.plain(reason)
        if self._open:
            raise Refused(reason)  # caught by transaction(), which rolls the block back
        self.refused.emit(reason)
        return reason

    def plain(self, message: str) -> str:
        """A message of the document's for people: its items named by name, without their
        internal ids (every refusal the editor returns or emits has been through this)."""
        return without_ids(message, self._name_of)

    def _name_of(self, item_id: str) -> str | None:
        doc = self.doc
        if doc.has_node(item_id) or doc.has_edge(item_id) or item_id in doc.pathways:
            return doc.comment_item_name(item_id)
        if doc.has_note(item_id):
            return note_snippet(doc.note(item_id).text) or "empty"
        if doc.has_target(item_id):
            return doc.target(item_id).name
        return None

    @contextmanager
    def transaction(self, text: str) -> Iterator[Transaction]:
        """Edits made in the block become one undo step named ``text``. When any of them is
        refused the block stops there, every edit it made is undone, nothing is pushed,
        ``refused`` is emitted once and the yielded transaction's ``error`` says why.
        A transaction inside another joins the outer one."""
        command = c.Composite(self.doc, text)
        tx = Transaction(command)
        outer = bool(self._open)
        self._open.append(command)
        try:
            yield tx
        except Refused as refused:
            tx.error = str(refused)
        except BaseException:
            self._open.pop()
            command.undo_it()
            raise
        if self._open and self._open[-1] is command:
            self._open.pop()
        if tx.error is not None:
            command.undo_it()
            tx.command = None
            if outer:
                raise Refused(tx.error)
            self.refused.emit(tx.error)
            return
        if outer:
            self._open[-1].children.append(command)
        elif command.children:
            command.skip_redo = True
            self.stack.push(command)
        else:
            tx.command = None

    # ----- nodes ----------------------------------------------------------------------
    def add_node(self, kind: NodeKind | str, name: str, pos: tuple[float, float] | None = None,
                 **fields) -> str | None:
        """Add a node; returns its id, or None when refused."""
        node_id = new_id()
        if pos is not None:
            fields = {**fields, "x": float(pos[0]), "y": float(pos[1])}
        label = KIND_LABELS[NodeKind(kind)]
        error = self.push(c.AddNode(self.doc, kind, name, node_id, fields, f"Add {label}"))
        return None if error else node_id

    def rename(self, node_id: str, name: str) -> str | None:
        return self.push(c.UpdateFields(self.doc, "node", node_id, {"name": name},
                                        f"Rename to “{name.strip()}”"))

    def update_node(self, node_id: str, changes: dict) -> str | None:
        fields = node_fields(self.doc.node(node_id)["kind"]) if self.doc.has_node(node_id) \
            else ()
        return self.push(c.UpdateFields(self.doc, "node", node_id, changes,
                                        f"Change {_field_words(changes, fields)}"))

    def update_edge(self, edge_id: str, changes: dict) -> str | None:
        fields = edge_fields(self.doc.edge(edge_id)["kind"]) if self.doc.has_edge(edge_id) \
            else ()
        return self.push(c.UpdateFields(self.doc, "edge", edge_id, changes,
                                        f"Change {_field_words(changes, fields)}"))

    def update_map(self, changes: dict) -> str | None:
        return self.push(c.UpdateFields(self.doc, "map", None, changes,
                                        f"Change map {_field_words(changes, MAP_FIELDS)}"))

    def move(self, old: dict, new: dict, nudge: bool = False, text: str | None = None) \
            -> str | None:
        """Move nodes (``old``/``new``: id -> (x, y) or None) as one undo step; a layout passes
        ``text="Layout"`` so the Edit menu names it."""
        moved = [n for n in new if old.get(n) != new[n]]
        if not moved:
            return None
        notes = [n for n in moved if self.doc.has_note(n)]  # dragged with the boxes
        nodes = [n for n in moved if n not in set(notes)]
        if text is None:
            kinds = {self.doc.node(n)["kind"] for n in nodes} | ({"note"} if notes else set())
            kind = kinds.pop() if len(kinds) == 1 else "item"
            word = KIND_LABELS[NodeKind(kind)] if kind not in ("note", "item") else kind
            text = f"Move {plural(len(moved), word)}"
        if not notes:
            return self.push(c.MoveNodes(self.doc, {n: old.get(n) for n in moved},
                                         {n: new[n] for n in moved}, text, nudge))
        with self.transaction(text) as tx:
            if nodes:
                self.push(c.MoveNodes(self.doc, {n: old.get(n) for n in nodes},
                                      {n: new[n] for n in nodes}, text))
            for n in notes:
                x, y = new[n]
                self.push(UpdateNote(self.doc, n, {"x": float(x), "y": float(y)}, text))
        return tx.error

    def positions(self, node_ids=None) -> dict:
        """Current positions (id -> (x, y) or None), for building a move or layout step."""
        nodes, notes = self.doc.graph.nodes, self.doc.notes
        ids = nodes if node_ids is None else node_ids
        return {n: (notes[n].x, notes[n].y) if n in notes else
                None if nodes[n]["x"] is None else (nodes[n]["x"], nodes[n]["y"]) for n in ids}

    def delete(self, ids) -> str | None:
        nodes = [i for i in ids if self.doc.has_node(i)]
        edges = [i for i in ids if self.doc.has_edge(i)]
        notes = [i for i in ids if self.doc.has_note(i)]
        if notes:  # with the boxes and flows, as one step
            what = plural(len(nodes) + len(edges) + len(notes), "item" if nodes or edges
                          else "note")
            with self.transaction(f"Delete {what}") as tx:
                if nodes or edges:
                    self.delete(nodes + edges)
                for note_id in notes:
                    self.push(RemoveNote(self.doc, note_id, "Delete note"))
            return tx.error
        if not nodes and not edges:
            return None
        parts = []
        if nodes:
            kinds = {self.doc.node(n)["kind"] for n in nodes}
            word = KIND_LABELS[NodeKind(kinds.pop())] if len(kinds) == 1 else "item"
            parts.append(plural(len(nodes), word))
        if edges:
            parts.append(plural(len(edges), "flow"))
        return self.push(c.RemoveItems(self.doc, nodes, edges, f"Delete {' and '.join(parts)}"))

    # ----- edges ----------------------------------------------------------------------
    def add_flow(self, source: str, target: str, flow_type: str, **fields) -> str | None:
        """Join two nodes with a flow; returns its id, or None when refused."""
        edge_id = new_id()
        error = self.push(c.AddEdge(self.doc, EdgeKind.FLOW, source, target, edge_id,
                                    {"flow_type": flow_type, **fields},
                                    f"Add {flow_type.replace('_', '-')} flow"))
        return None if error else edge_id

    def add_items(self, nodes, edges, text: str, notes=()) -> str | None:
        """Add node records (``id``, ``kind``, ``name`` and fields) and then edge records
        (``id``, ``kind``, ``source``, ``target`` and fields), keeping their ids, and
        notes (:class:`Note`), as one undo step named ``text`` (a paste); returns why not, or None.
        Nothing is added when any of them is refused."""
        with self.transaction(text) as tx:
            for note in notes:
                self.push(AddNote(self.doc, note, "Add note"))
            for rec in nodes:
                fields = {k: v for k, v in rec.items() if k not in ("id", "kind", "name")}
                self.push(c.AddNode(self.doc, rec["kind"], rec["name"], rec["id"], fields,
                                    "Add node"))
            for rec in edges:
                fields = {k: v for k, v in rec.items()
                          if k not in ("id", "kind", "source", "target")}
                self.push(c.AddEdge(self.doc, rec["kind"], rec["source"], rec["target"],
                                    rec["id"], fields, "Add link"))
        return tx.error

    def reconnect_flow(self, edge_id: str, end: str, node_id: str) -> str | None:
        """Move the ``end`` ("source" or "target") of a flow to ``node_id`` (same id and
        fields), as one undo step; why not, or None."""
        source, target = self.doc.edge_ends(edge_id)
        source, target = (node_id, target) if end == "source" else (source, node_id)
        if (source, target) == self.doc.edge_ends(edge_id):
            return None
        fields = {k: v for k, v in self.doc.edge(edge_id).items() if k != "kind"}
        names = self.doc.graph.nodes
        with self.transaction(f"Re-connect flow to {names[source]['name']} → "
                              f"{names[target]['name']}") as tx:
            self.push(c.RemoveItems(self.doc, [], [edge_id], "Remove flow"))
            self.push(c.AddEdge(self.doc, EdgeKind.FLOW, source, target, edge_id, fields,
                                "Add flow"))
        return tx.error

    def reverse_flow(self, edge_id: str) -> str | None:
        """Turn a flow round (same id and fields), as one undo step; why not, or None."""
        attrs = dict(self.doc.edge(edge_id))
        source, target = self.doc.edge_ends(edge_id)
        names = self.doc.graph.nodes
        fields = {k: v for k, v in attrs.items() if k != "kind"}
        with self.transaction(f"Reverse flow to {names[target]['name']} → "
                              f"{names[source]['name']}") as tx:
            self.push(c.RemoveItems(self.doc, [], [edge_id], "Remove flow"))
            self.push(c.AddEdge(self.doc, EdgeKind.FLOW, target, source, edge_id, fields,
                                "Add flow"))
        return tx.error

    # ----- notes: text boxes on the canvas (not part of the graph) ------------------------
    def add_note(self, pos: tuple[float, float], text: str = "", width: float = NOTE_WIDTH) \
            -> str | None:
        """A note with its top-left corner at ``pos``; returns its id, or None when refused."""
        note = Note(new_id(), text, float(pos[0]), float(pos[1]), float(width))
        error = self.push(AddNote(self.doc, note, "Add note"))
        return None if error else note.id

    def update_note(self, note_id: str, changes: dict) -> str | None:
        """Change a note's text, width or place as one undo step; why not, or None."""
        if not self.doc.has_note(note_id):
            return self._refuse(f"There is no note {note_id!r} in the map.")
        note = self.doc.note(note_id)
        changes = {k: v for k, v in changes.items() if getattr(note, k, object()) != v}
        if not changes:
            return None
        text = ("Edit note text" if set(changes) == {"text"} else
                "Resize note" if set(changes) == {"width"} else
                "Move note" if set(changes) <= {"x", "y"} else "Change note")
        return self.push(UpdateNote(self.doc, note_id, changes, text))

    # ----- targets: what organisations hold themselves to (beside the graph) -------------
    def add_target(self, target: Target) -> str | None:
        """Add a target as one undo step; returns its id, or None when refused."""
        error = self.push(AddTarget(self.doc, target, f"Add target “{target.name}”"))
        return None if error else target.id

    def update_target(self, target_id: str, changes: dict) -> str | None:
        """Change a target's fields as one undo step; why not, or None."""
        if not self.doc.has_target(target_id):
            return self._refuse(f"There is no target {target_id!r} in the map.")
        target = self.doc.target(target_id)
        changes = {k: v for k, v in changes.items() if getattr(target, k, object()) != v}
        if not changes:
            return None
        words = ", ".join(TARGET_TITLES.get(k, k).lower() for k in changes)
        return self.push(UpdateTarget(self.doc, target_id, changes,
                                      f"Change target “{target.name}” ({words})"))

    def remove_target(self, target_id: str) -> str | None:
        """Delete a target as one undo step; why not, or None."""
        if not self.doc.has_target(target_id):
            return self._refuse(f"There is no target {target_id!r} in the map.")
        return self.push(RemoveTarget(self.doc, target_id,
                                      f"Delete target “{self.doc.target(target_id).name}”"))

    # ----- structure: organisations, directorates, partnerships ---------------------------
    def add_directorate(self, name: str, organisation: str | None, **fields) -> str | None:
        """A directorate, in ``organisation`` when given, as one undo step."""
        node_id = new_id()
        with self.transaction(f"Add directorate “{name.strip()}”") as tx:
            self.push(c.AddNode(self.doc, NodeKind.DIRECTORATE, name, node_id, fields,
                                "Add directorate"))
            if organisation:
                self._link(EdgeKind.PART_OF, node_id, organisation)
        return node_id if tx.ok else None

    def set_parent(self, node_id: str, parent: str | None) -> str | None:
        """Put a node in a directorate or organisation (None: in none), as one undo step;
        returns why not, or None."""
        old = self.doc.parent(node_id)
        if old == parent:
            return None
        name = self.doc.node(node_id)["name"]
        text = (f"Move “{name}” to {self.doc.node(parent)['name']}" if parent else
                f"Take “{name}” out of {self.doc.node(old)['name']}")
        with self.transaction(text) as tx:
            self._unlink(node_id, EdgeKind.PART_OF)
            if parent:
                self._link(EdgeKind.PART_OF, node_id, parent)
        return tx.error

    def set_serves(self, node_id: str, partnerships) -> str | None:
        """The partnerships a service or directorate serves, as one undo step."""
        wanted = list(dict.fromkeys(partnerships))
        current = self.served(node_id)
        if set(current) == set(wanted):
            return None
        name = self.doc.node(node_id)["name"]
        with self.transaction(f"Change what “{name}” serves") as tx:
            self._unlink(node_id, EdgeKind.SERVES, keep=set(wanted))
            for partnership in wanted:
                if partnership not in current:
                    self._link(EdgeKind.SERVES, node_id, partnership)
        return tx.error

    def served(self, node_id: str) -> list[str]:
        """The partnerships ``node_id`` serves."""
        return [v for _, v, kind in self.doc.graph.out_edges(node_id, data="kind")
                if kind == EdgeKind.SERVES]

    def _link(self, kind: EdgeKind, source: str, target: str) -> None:
        self.push(c.AddEdge(self.doc, kind, source, target, new_id(), {}, "Link"))

    def _unlink(self, node_id: str, kind: EdgeKind, keep=frozenset()) -> None:
        edges = [k for _, v, k, d in self.doc.graph.out_edges(node_id, keys=True, data="kind")
                 if d == kind and v not in keep]
        if edges:
            self.push(c.RemoveItems(self.doc, [], edges, "Unlink"))

    # ----- pathways -------------------------------------------------------------------
    def add_pathway(self, name: str, steps=(), description: str = "") -> str | None:
        pathway = Pathway(new_id(), name, description, list(steps))
        error = self.push(c.AddPathway(self.doc, pathway, f"Add pathway “{name}”"))
        return None if error else pathway.id

    def remove_pathway(self, pathway_id: str) -> str | None:
        name = self.doc.pathways[pathway_id].name
        return self.push(c.RemovePathway(self.doc, pathway_id, f"Delete pathway “{name}”"))

    def update_pathway(self, pathway_id: str, **changes) -> str | None:
        return self.push(c.UpdatePathway(self.doc, pathway_id, changes, "Change pathway"))

    # ----- scenarios: named sets of changes, held by the baseline --------------------------
    def add_scenario(self, baseline: Document, scenario, text: str | None = None) -> str | None:
        """Add a scenario to the baseline's set as one undo step; why not, or None."""
        return self.push(AddScenario(baseline, scenario,
                                     text or f"New scenario “{scenario.name}”"))

    def rename_scenario(self, baseline: Document, scenario_id: str, name: str) -> str | None:
        old = baseline.scenario(scenario_id).name
        if name.strip() == old:
            return None
        return self.push(UpdateScenario(baseline, scenario_id, {"name": name},
                                        f"Rename scenario “{old}” to “{name.strip()}”"))

    def remove_scenario(self, baseline: Document, scenario_id: str) -> str | None:
        name = baseline.scenario(scenario_id).name
        return self.push(RemoveScenario(baseline, scenario_id, f"Delete scenario “{name}”"))
