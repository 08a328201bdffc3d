"""Copy and paste of boxes with the flows between them, without Qt.

:func:`copy_items` takes the boxes (services, access points, exits) among some ids, with every
field, where each is drawn, its organisation or directorate (``part_of``) and the partnerships it
serves, and the flows whose both ends are taken (a flow without both ends is left behind).
:func:`to_json` is what goes on the system clipboard under :data:`MIME_TYPE` (another window or
another servicemap reads it back with :func:`read_json`, which refuses anything malformed with one
plain sentence); :func:`plain_text` lists the names for other programs.

:func:`plan_paste` says what pasting adds to a map: new ids for every box and flow, positions
offset by :data:`OFFSET` from the originals (or centred on a point, "Paste here"), moved on by
further offsets while a box would sit on top of one already there, and the ``part_of`` and
``serves`` links kept only when the map has those same organisations, directorates and
partnerships. The window adds the plan as one undo step.

Notes (the canvas's text boxes) among the ids are copied and pasted with the boxes, or alone:
the clip's ``notes`` are note records, pasted with new ids and moved by the same offset.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from servicemap.errors import ClipboardError, ValidationError
from servicemap.graph import rules
from servicemap.graph.document import Document, new_id
from servicemap.graph.notes import check_note
from servicemap.model import (
    DRAWN_KINDS,
    KIND_LABELS,
    NOTE_FIELD_NAMES,
    EdgeKind,
    NodeKind,
    Note,
    map_defaults,
)
from servicemap.words import plural

MIME_TYPE = "application/x-servicemap-items+json"
FORMAT = "servicemap-items"
VERSION = 1
OFFSET = (40.0, 40.0)   # where a paste or a duplicate lands, from the originals
MAX_TEXT = 20_000_000   # characters; more than any real map, refused unread

Point = tuple[float, float]

DAMAGED = "The servicemap items on the clipboard are damaged, so nothing was pasted."
NEWER = ("These items were copied from a newer version of servicemap; update this one to "
         "paste them.")


@dataclass
class Clip:
    """Copied boxes and flows as plain records. A node record has ``id``, ``kind``, its
    fields (``x``/``y`` where it was drawn), ``part_of`` (a structure id or None) and
    ``serves`` (partnership ids); a flow record ``id``, ``kind``, ``source``, ``target`` and
    its fields."""

    nodes: list[dict] = field(default_factory=list)
    flows: list[dict] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def summary(self) -> str:
        return summary((n["kind"] for n in self.nodes), len(self.flows), len(self.notes))

    def names(self) -> list[str]:
        return [n["name"] for n in self.nodes] + [n.text for n in self.notes if n.text]


def summary(kinds: Iterable[str], flows: int = 0, notes: int = 0) -> str:
    """``2 services, 1 access point and 3 flows``."""
    counts = Counter(NodeKind(k) for k in kinds)
    parts = [plural(counts[k], KIND_LABELS[k]) for k in DRAWN_KINDS if counts[k]]
    if flows:
        parts.append(plural(flows, "flow"))
    if notes:
        parts.append(plural(notes, "note"))
    if not parts:
        return "nothing"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


# ----- copying ------------------------------------------------------------------------------
def copy_items(doc: Document, ids: Iterable[str],
               positions: Mapping[str, Point] | None = None) -> Clip | None:
    """The boxes and notes among ``ids`` (in that order) and every flow between two of the
    boxes; None when there is neither box nor note. ``positions``: where boxes are drawn, for
    those the map has not placed (the canvas draws them on a grid)."""
    positions = positions or {}
    nodes = doc.graph.nodes
    ids = list(dict.fromkeys(ids))
    taken = [i for i in ids if doc.has_node(i) and nodes[i]["kind"] in DRAWN_KINDS]
    notes = [doc.note(i) for i in ids if doc.has_note(i)]
    if not taken and not notes:
        return None
    clip = Clip(notes=list(notes))
    for node_id in taken:
        attrs = dict(nodes[node_id])
        if attrs.get("x") is None and node_id in positions:
            attrs["x"], attrs["y"] = (float(v) for v in positions[node_id])
        serves = [v for _, v, k in doc.graph.out_edges(node_id, data="kind")
                  if k == EdgeKind.SERVES]
        clip.nodes.append({"id": node_id, **attrs, "part_of": doc.parent(node_id),
                           "serves": serves})
    inside = set(taken)
    for u, v, k, attrs in doc.graph.edges(keys=True, data=True):
        if attrs["kind"] == EdgeKind.FLOW and u in inside and v in inside:
            clip.flows.append({"id": k, **attrs, "source": u, "target": v})
    return clip


def to_json(clip: Clip) -> str:
    return json.dumps({"format": FORMAT, "version": VERSION, "nodes": clip.nodes,
                       "flows": clip.flows, "notes": [n.to_dict() for n in clip.notes]},
                      ensure_ascii=False)


def plain_text(clip: Clip) -> str:
    """The copied names, one a line, for pasting into an email or a document."""
    return "\n".join(clip.names())


def read_json(text: str) -> Clip:
    """The clip written by :func:`to_json`; raises :class:`ClipboardError` (one sentence)
    when the text is not one, is damaged, or breaks a rule of the map."""
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise ClipboardError(DAMAGED)
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise ClipboardError(DAMAGED) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ClipboardError(DAMAGED)
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ClipboardError(DAMAGED)
    if version > VERSION:
        raise ClipboardError(NEWER)
    nodes, flows, notes = data.get("nodes"), data.get("flows", []), data.get("notes", [])
    if not isinstance(nodes, list) or not isinstance(flows, list) or \
            not isinstance(notes, list) or not (nodes or notes) or \
            not all(isinstance(r, dict) for r in nodes + flows + notes):
        raise ClipboardError(DAMAGED)
    try:
        notes = [check_note(Note(**{k: n.get(k) for k in NOTE_FIELD_NAMES})) for n in notes]
    except (ValidationError, TypeError):
        raise ClipboardError(DAMAGED) from None
    for rec in nodes:
        if rec.get("kind") not in DRAWN_KINDS or not _is_id(rec.get("part_of"), none=True) or \
                not isinstance(rec.get("serves", []), list) or \
                not all(_is_id(s) for s in rec.get("serves", [])):
            raise ClipboardError(DAMAGED)
    if any(rec.get("kind") != EdgeKind.FLOW for rec in flows):
        raise ClipboardError(DAMAGED)
    cleaned: dict[str, list] = {"nodes": [], "edges": []}
    problems = rules.check_map(map_defaults(), nodes, flows, [], cleaned)
    if any(p.severity == "error" for p in problems):
        raise ClipboardError(DAMAGED)
    clip = Clip(notes=notes)
    for rec, (node_id, attrs) in zip(nodes, cleaned["nodes"], strict=True):
        clip.nodes.append({"id": node_id, **attrs, "part_of": rec.get("part_of"),
                           "serves": list(dict.fromkeys(rec.get("serves", [])))})
    for edge_id, u, v, attrs in cleaned["edges"]:
        clip.flows.append({"id": edge_id, **attrs, "source": u, "target": v})
    return clip


def _is_id(value: object, none: bool = False) -> bool:
    return (none and value is None) or (isinstance(value, str) and bool(value.strip()))


# ----- pasting ------------------------------------------------------------------------------
@dataclass
class PastePlan:
    """What pasting a clip adds: node records and edge records (flows, then ``part_of`` and
    ``serves`` links), each with its new id, ready for the editor; ``ids`` maps each copied
    id to its new one; ``unlinked`` names the boxes that came in without an organisation,
    directorate or partnership they had, because this map does not have it."""

    nodes: list[dict] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)
    unlinked: list[str] = field(default_factory=list)
    shift: Point = (0.0, 0.0)
    notes: list[Note] = field(default_factory=list)

    @property
    def new_ids(self) -> list[str]:
        """The new boxes, flows and notes (what is selected after pasting)."""
        return [n["id"] for n in self.nodes] + \
            [e["id"] for e in self.edges if e["kind"] == EdgeKind.FLOW] + \
            [n.id for n in self.notes]

    def summary(self) -> str:
        return summary((n["kind"] for n in self.nodes),
                       sum(1 for e in self.edges if e["kind"] == EdgeKind.FLOW), len(self.notes))


def _centre(points: list[Point]) -> Point:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def plan_paste(doc: Document, clip: Clip, at: Point | None = None,
               occupied: Iterable[Point] | None = None, offset: Point = OFFSET) -> PastePlan:
    """Where and how ``clip`` goes into ``doc``: offset by ``offset`` from the originals, or,
    with ``at``, centred on that point; then moved on by ``offset`` again while any box would
    land on (closer than half an offset to) a box at one of the ``occupied`` centres (default:
    the placed boxes of ``doc``). Boxes that were never placed stay unplaced."""
    if occupied is None:
        occupied = [(a["x"], a["y"]) for _, a in doc.graph.nodes(data=True)
                    if a["kind"] in DRAWN_KINDS and a["x"] is not None and a["y"] is not None]
    taken = list(occupied)
    placed = [(n["x"], n["y"]) for n in clip.nodes if n.get("x") is not None
              and n.get("y") is not None] + [(n.x, n.y) for n in clip.notes]
    if at is not None and placed:
        cx, cy = _centre(placed)
        dx, dy = at[0] - cx, at[1] - cy
    else:
        dx, dy = offset
    near_x, near_y = abs(offset[0]) / 2 or 1.0, abs(offset[1]) / 2 or 1.0

    def on_top(dx: float, dy: float) -> bool:
        return any(abs(x + dx - ox) < near_x and abs(y + dy - oy) < near_y
                   for x, y in placed for ox, oy in taken)

    for _ in range(1000):  # a finite map: this ends long before
        if not on_top(dx, dy):
            break
        dx, dy = dx + offset[0], dy + offset[1]
    plan = PastePlan(shift=(dx, dy))
    plan.notes = [Note(new_id(), n.text, n.x + dx, n.y + dy, n.width) for n in clip.notes]
    plan.ids = {n["id"]: new_id() for n in clip.nodes}
    nodes = doc.graph.nodes
    for rec in clip.nodes:
        new = {k: v for k, v in rec.items() if k not in ("part_of", "serves")}
        new["id"] = plan.ids[rec["id"]]
        if new.get("x") is not None and new.get("y") is not None:
            new["x"], new["y"] = new["x"] + dx, new["y"] + dy
        plan.nodes.append(new)
    for rec in clip.flows:
        plan.edges.append({**rec, "id": new_id(), "source": plan.ids[rec["source"]],
                           "target": plan.ids[rec["target"]]})
    for rec in clip.nodes:
        wanted = [(EdgeKind.PART_OF, rec["part_of"])] if rec.get("part_of") else []
        wanted += [(EdgeKind.SERVES, p) for p in rec.get("serves", [])]
        lost = False
        for kind, target in wanted:
            if target in nodes and rules.check_join(kind, rec["kind"],
                                                    nodes[target]["kind"]) is None:
                plan.edges.append({"id": new_id(), "kind": str(kind),
                                   "source": plan.ids[rec["id"]], "target": target})
            else:
                lost = True
        if lost:
            plan.unlinked.append(rec["name"])
    return plan
