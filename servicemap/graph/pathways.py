"""Looking pathways up (no Qt): by name (or id), in name order, through a node, and the flow that
joins each step to the next. The command line, the export, the canvas's highlight and the
Pathways dock all read pathways through these."""

from __future__ import annotations

from servicemap.graph.document import Document
from servicemap.model import Pathway


def _folded(name: str) -> str:
    return name.strip().casefold()


def find_pathway(doc: Document, name: str) -> str | None:
    """The id of the pathway called ``name``: the first one named exactly so, else the first
    whose name matches with case and surrounding spaces ignored; None when none does."""
    exact = next((pid for pid, p in doc.pathways.items() if p.name == name), None)
    if exact is not None:
        return exact
    wanted = _folded(name)
    return next((pid for pid, p in doc.pathways.items() if _folded(p.name) == wanted), None)


def find_pathway_or_id(doc: Document, text: str) -> str | None:
    """The pathway ``text`` names (as :func:`find_pathway`), else the one whose id it is
    (the command line's ``--pathway NAME_OR_ID``); None when neither."""
    found = find_pathway(doc, text)
    if found is None and text.strip() in doc.pathways:
        found = text.strip()
    return found


def pathways_by_name(doc: Document) -> list[Pathway]:
    """The map's pathways in name order (case ignored; same names in the map's order)."""
    return sorted(doc.pathways.values(), key=lambda p: p.name.casefold())


def pathways_through(doc: Document, node_id: str) -> list[str]:
    """The ids of the pathways that have ``node_id`` as a step, in the map's order."""
    return [pid for pid, p in doc.pathways.items() if node_id in p.steps]


def step_flows(doc: Document, pathway_id: str) -> list[str | None]:
    """For each step but the last, the flow from it to the next step (None where no flow
    joins them): what the canvas highlights and the Pathways dock warns about."""
    steps = doc.pathways[pathway_id].steps
    return [doc.find_flow(a, b) for a, b in zip(steps, steps[1:], strict=False)]
