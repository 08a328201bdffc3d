"""The toolbar filter: show one directorate, organisation, partnership or kind; dim the rest."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from servicemap.graph.document import Document
from servicemap.model import DRAWN_KINDS, KIND_LABELS, EdgeKind, NodeKind


def filter_choices(doc: Document) -> list[tuple[str, object]]:
    """(label, key) pairs for the filter box; key None shows everything."""
    def named(kind):
        return sorted(doc.nodes_of_kind(kind), key=lambda n: doc.node(n)["name"].casefold())

    choices: list[tuple[str, object]] = [("Everything", None)]
    choices += [(f"Directorate: {doc.node(n)['name']}", ("directorate", n))
                for n in named(NodeKind.DIRECTORATE)]
    choices += [(f"Organisation: {doc.node(n)['name']}", ("organisation", n))
                for n in named(NodeKind.ORGANISATION)]
    choices += [(f"Partnership: {doc.node(n)['name']}", ("partnership", n))
                for n in named(NodeKind.PARTNERSHIP)]
    choices += [(f"Only {KIND_LABELS[k]}s", ("kind", str(k)))
                for k in DRAWN_KINDS]
    return choices


def _serves(doc: Document, node_id: str, partnership: str) -> bool:
    return any(v == partnership and k == EdgeKind.SERVES
               for _, v, k in doc.graph.out_edges(node_id, data="kind"))


def matches(doc: Document, node_id: str, key) -> bool:
    what, target = key
    attrs = doc.node(node_id)
    if what == "kind":
        return attrs["kind"] == target
    parent = doc.parent(node_id)
    if what == "directorate":
        return parent == target
    if what == "organisation":
        return parent == target or (parent is not None and doc.parent(parent) == target)
    if what == "partnership":
        return _serves(doc, node_id, target) or (parent is not None
                                                 and _serves(doc, parent, target))
    return True


def ids_outside(doc: Document, key, nodes: Iterable[str],
                flows: Mapping[str, tuple[str, str]]) -> set[str]:
    """The ids among the drawn ``nodes`` and ``flows`` (flow id -> (source, target)) that the
    filter ``key`` leaves out (to be dimmed): the nodes it does not match, and every flow
    with an end outside it."""
    nodes = set(nodes)
    keep = {n for n in nodes if matches(doc, n, key)}
    out = nodes - keep
    out |= {k for k, (source, target) in flows.items() if source not in keep or target not in keep}
    return out
