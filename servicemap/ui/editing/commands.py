"""Undo commands: each one calls one document mutator (and its inverse), nothing else.

Commands never touch graphics items; the scene follows the document's events. The editor runs
a command's first ``redo`` itself so that a refused change raises before anything is pushed.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from servicemap.graph.document import Document, RemovedNode
from servicemap.model import Pathway

NUDGE_ID = 1


class DocumentCommand(QUndoCommand):
    def __init__(self, document: Document, text: str) -> None:
        super().__init__(text)
        self.doc = document
        self.skip_redo = False

    def redo(self) -> None:  # noqa: D401 - Qt override
        if self.skip_redo:
            self.skip_redo = False
            return
        self.do()

    def undo(self) -> None:
        self.undo_it()

    def do(self) -> None:
        raise NotImplementedError

    def undo_it(self) -> None:
        raise NotImplementedError


class Composite(DocumentCommand):
    """Several commands as one undo step (what :meth:`Editor.transaction` pushes); done in
    order, undone in reverse."""

    def __init__(self, document: Document, text: str) -> None:
        super().__init__(document, text)
        self.children: list[DocumentCommand] = []

    def do(self) -> None:
        for child in self.children:
            child.do()

    def undo_it(self) -> None:
        for child in reversed(self.children):
            child.undo_it()


class AddNode(DocumentCommand):
    def __init__(self, document, kind, name, node_id, fields, text):
        super().__init__(document, text)
        self.kind, self.name, self.node_id, self.fields = kind, name, node_id, fields

    def do(self):
        self.doc.add_node(self.kind, self.name, self.node_id, **self.fields)

    def undo_it(self):
        self.doc.remove_node(self.node_id)


class AddEdge(DocumentCommand):
    def __init__(self, document, kind, source, target, edge_id, fields, text):
        super().__init__(document, text)
        self.args = (kind, source, target, edge_id)
        self.fields = fields

    def do(self):
        self.doc.add_edge(*self.args, **self.fields)

    def undo_it(self):
        self.doc.remove_edge(self.args[3])


class RemoveItems(DocumentCommand):
    """Delete edges and nodes; a node takes its flows and pathway steps with it."""

    def __init__(self, document, node_ids, edge_ids, text):
        super().__init__(document, text)
        self.node_ids, self.edge_ids = list(node_ids), list(edge_ids)
        self.removed_edges: list[dict] = []
        self.removed_nodes: list[RemovedNode] = []

    def do(self):
        self.removed_edges = [self.doc.remove_edge(e) for e in self.edge_ids
                              if self.doc.has_edge(e)]
        self.removed_nodes = [self.doc.remove_node(n) for n in self.node_ids]

    def undo_it(self):
        for removed in reversed(self.removed_nodes):
            self.doc.restore_node(removed)
        for record in reversed(self.removed_edges):
            self.doc.restore_edge(record)


class MoveNodes(DocumentCommand):
    """Positions before and after; keyboard nudges of the same nodes merge into one step."""

    def __init__(self, document, old, new, text, nudge=False):
        super().__init__(document, text)
        self.old, self.new, self.nudge = dict(old), dict(new), nudge

    def do(self):
        self.doc.move_nodes(self.new)

    def undo_it(self):
        self.doc.move_nodes(self.old)

    def id(self) -> int:
        return NUDGE_ID if self.nudge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, MoveNodes) or not other.nudge or set(other.new) != set(self.new):
            return False
        self.new = dict(other.new)
        return True


class UpdateFields(DocumentCommand):
    """Change fields of a node, an edge, or the map (``target`` None)."""

    def __init__(self, document, target_kind, target_id, changes, text):
        super().__init__(document, text)
        self.target_kind, self.target_id = target_kind, target_id
        self.changes, self.old = dict(changes), {}

    def _apply(self, changes):
        if self.target_kind == "node":
            return self.doc.update_node(self.target_id, changes)
        if self.target_kind == "edge":
            return self.doc.update_edge(self.target_id, changes)
        return self.doc.set_map_fields(changes)

    def do(self):
        self.old = self._apply(self.changes)

    def undo_it(self):
        self._apply(self.old)


class AddPathway(DocumentCommand):
    def __init__(self, document, pathway: Pathway, text):
        super().__init__(document, text)
        self.pathway = pathway

    def do(self):
        p = self.pathway
        self.doc.add_pathway(p.name, p.steps, p.description, p.id,
                             provenance=p.provenance())

    def undo_it(self):
        self.doc.remove_pathway(self.pathway.id)


class RemovePathway(DocumentCommand):
    def __init__(self, document, pathway_id, text):
        super().__init__(document, text)
        self.pathway_id = pathway_id
        self.removed: tuple[Pathway, int] | None = None

    def do(self):
        self.removed = self.doc.remove_pathway(self.pathway_id)

    def undo_it(self):
        p, index = self.removed
        self.doc.add_pathway(p.name, p.steps, p.description, p.id, index,
                             provenance=p.provenance())


class UpdatePathway(DocumentCommand):
    def __init__(self, document, pathway_id, changes, text):
        super().__init__(document, text)
        self.pathway_id, self.changes, self.old = pathway_id, dict(changes), {}

    def do(self):
        self.old = self.doc.update_pathway(self.pathway_id, **self.changes)

    def undo_it(self):
        self.doc.update_pathway(self.pathway_id, **self.old)
