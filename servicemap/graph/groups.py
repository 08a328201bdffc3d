"""Which group a service belongs to (directorate, partnership or organisation), and the
container a group is drawn in.

Plain Python, no Qt: the grouped layout and the canvas's containers both read from here, so a
container drawn on the canvas is the one the layout packed.

- directorate: the directorate the service is ``part_of``; a service that hangs straight off
  an organisation goes in that organisation's group (as the canvas colours it);
- organisation: the organisation of that directorate, or the one the service is part of directly;
- partnership: the partnership the service ``serves`` (else the one its directorate serves).
  A service that serves several partnerships is *shared*: it goes in one more group,
  :data:`WIDE` ("Kent and Medway-wide"), which is no node of the map.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from servicemap.graph.document import Document
from servicemap.model import EdgeKind, NodeKind

GROUPINGS = ("directorate", "partnership", "organisation")

# Container geometry, in scene units: padding around the members' boxes, and the band at the
# top that holds the title.
CONTAINER_PAD = 18.0
CONTAINER_TITLE = 26.0

# The group of services that serve several partnerships (grouping by partnership).
WIDE = "kent-and-medway-wide"
WIDE_NAME = "Kent and Medway-wide"

Box = tuple[float, float, float, float]   # centre x, centre y, width, height
Rect = tuple[float, float, float, float]  # left, top, width, height


@dataclass
class Grouping:
    """Services sorted into groups. ``members`` keeps groups in a stable order (by name, the
    :data:`WIDE` group first)."""

    by: str
    members: dict[str, list[str]] = field(default_factory=dict)   # group id -> service ids
    group_of: dict[str, str] = field(default_factory=dict)        # service id -> group id
    names: dict[str, str] = field(default_factory=dict)           # group id -> name
    shared: dict[str, list[str]] = field(default_factory=dict)    # service -> all its groups
    ungrouped: list[str] = field(default_factory=list)            # services in no group


def _targets(doc: Document, node_id: str, kind: EdgeKind) -> list[str]:
    return [v for _, v, k in doc.graph.out_edges(node_id, data="kind") if k == kind]


def _directorate(doc: Document, service: str) -> str | None:
    parent = doc.parent(service)
    if parent is not None and doc.graph.nodes[parent]["kind"] == NodeKind.DIRECTORATE:
        return parent
    return None


def _organisation(doc: Document, service: str) -> str | None:
    parent = doc.parent(service)
    if parent is None:
        return None
    if doc.graph.nodes[parent]["kind"] == NodeKind.ORGANISATION:
        return parent
    return doc.parent(parent)


def _partnerships(doc: Document, service: str) -> list[str]:
    """The partnerships a service serves, in map order (else those its directorate serves)."""
    served = list(dict.fromkeys(_targets(doc, service, EdgeKind.SERVES)))
    if not served:
        directorate = _directorate(doc, service)
        if directorate is not None:
            served = list(dict.fromkeys(_targets(doc, directorate, EdgeKind.SERVES)))
    return served


def groups_of(doc: Document, service: str, by: str) -> list[str]:
    """Every group (map node) ``service`` belongs to under grouping ``by``; more than one only
    by partnership, where the service then goes in :data:`WIDE`."""
    if by == "directorate":
        found = doc.parent(service)
        return [] if found is None else [found]
    if by == "organisation":
        found = _organisation(doc, service)
        return [] if found is None else [found]
    if by == "partnership":
        return _partnerships(doc, service)
    raise ValueError(f"unknown grouping {by!r}; use one of {', '.join(GROUPINGS)}")


def group_services(doc: Document, by: str) -> Grouping:
    """Sort the map's services into groups by directorate, partnership or organisation."""
    grouping = Grouping(by)
    found: dict[str, list[str]] = {}
    for service in doc.nodes_of_kind(NodeKind.SERVICE):
        groups = groups_of(doc, service, by)
        if not groups:
            grouping.ungrouped.append(service)
            continue
        home = groups[0] if len(groups) == 1 else WIDE
        found.setdefault(home, []).append(service)
        grouping.group_of[service] = home
        if len(groups) > 1:
            grouping.shared[service] = groups
    nodes = doc.graph.nodes
    if WIDE in found:
        grouping.members[WIDE] = found.pop(WIDE)
        grouping.names[WIDE] = WIDE_NAME
    for group in sorted(found, key=lambda g: (nodes[g]["name"].casefold(), g)):
        grouping.members[group] = found[group]
        grouping.names[group] = nodes[group]["name"]
    return grouping


def title_width(title: str) -> float:
    """The width a container keeps for its title (an estimate: about 8 units a character,
    up to 60 characters; longer titles are cut short with an ellipsis)."""
    return 8.0 * min(len(title), 60) + 2 * CONTAINER_PAD


def container_rect(boxes: list[Box], title: str = "") -> Rect:
    """The container around member boxes: their bounding box, padded, with a title band on top,
    and at least as wide as the title needs."""
    left = min(x - w / 2 for x, _, w, _ in boxes) - CONTAINER_PAD
    right = max(x + w / 2 for x, _, w, _ in boxes) + CONTAINER_PAD
    top = min(y - h / 2 for _, y, _, h in boxes) - CONTAINER_PAD - CONTAINER_TITLE
    bottom = max(y + h / 2 for _, y, _, h in boxes) + CONTAINER_PAD
    return left, top, max(right - left, title_width(title)), bottom - top


def containers(grouping: Grouping, positions: dict[str, tuple[float, float]],
               sizes: dict[str, tuple[float, float]]) -> dict[str, Rect]:
    """The container of every group that has a placed member (``positions``: id -> centre)."""
    rects = {}
    for group, members in grouping.members.items():
        boxes = [(*positions[m], *sizes[m]) for m in members if positions.get(m) is not None]
        if boxes:
            rects[group] = container_rect(boxes, grouping.names[group])
    return rects
