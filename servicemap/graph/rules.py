"""The rules a map keeps, as pure checks over plain records.

The document calls these before every change; the store and the exchange format call
:func:`check_map` on whole files before anything is built, so a bad file is refused with a
clear sentence and nothing half-built is left behind.

A *node record* is a dict with ``id``, ``kind`` and the fields of :func:`model.node_fields`;
an *edge record* has ``id``, ``kind``, ``source``, ``target`` and :func:`model.edge_fields`.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field

from servicemap.errors import ValidationError
from servicemap.graph.notes import check_note
from servicemap.graph.targets import check_targets
from servicemap.model import (
    ALLOWED_EDGES,
    COMMENT_FIELD_NAMES,
    COMMENT_STATUSES,
    DRAWN_KINDS,
    KIND_LABELS,
    MAP_FIELDS,
    PATHWAY_PROVENANCE_FIELDS,
    Comment,
    EdgeKind,
    Field,
    NodeKind,
    Note,
    Pathway,
    Target,
    edge_fields,
    node_fields,
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a map. ``severity`` is ``error`` or ``warning``."""

    message: str
    severity: str = "error"
    item: str = ""

    def __str__(self) -> str:
        return self.message if self.severity == "error" else f"warning: {self.message}"


def describe_node(node_id: str, record: Mapping[str, object] | None) -> str:
    """``service "Crisis team" (kmpt-crisis)``: how messages name a node."""
    if not record:
        return f"node {node_id!r}"
    try:
        kind = KIND_LABELS[NodeKind(record.get("kind"))]
    except ValueError:
        kind = "node"
    name = record.get("name")
    return f'{kind} "{name}" ({node_id})' if name else f"{kind} {node_id!r}"


def describe_edge(edge_id: str, record: Mapping[str, object],
                  nodes: Mapping[str, Mapping[str, object]] | None = None) -> str:
    kind = record.get("kind")
    label = "flow" if kind == EdgeKind.FLOW else f"{kind} link"
    ends = ""
    if nodes is not None:
        src = nodes.get(str(record.get("source")), {}).get("name", record.get("source"))
        dst = nodes.get(str(record.get("target")), {}).get("name", record.get("target"))
        ends = f' "{src}" -> "{dst}"'
    return f"{label}{ends} ({edge_id})"


def normalise(field: Field, value: object) -> object:
    """The stored form of a value: trimmed names, whole floats as ints, 0/1 as bools."""
    if value is None:  # unknown; a field that is never unknown takes its default, as on load
        return None if field.optional else field.default
    kind = field.type
    if field.unit in ("date", "calendar") and isinstance(value, str):
        return value.strip() or None  # an empty date or calendar is an unknown one
    if kind is str:
        return value.strip() if field.name == "name" and isinstance(value, str) else value
    if kind is bool:
        return bool(value) if type(value) is int and value in (0, 1) else value
    if type(value) is float and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


# How _clean takes each field: the common, valid values of these codes are accepted (and
# normalised) inline; anything else goes through normalise() and Field.check(), which word the
# message. A fast acceptance is exactly what the slow path would accept, with the same value.
_NAME, _STR, _NUMBER, _BOOL, _OTHER = range(5)
_BIG = sys.float_info.max  # comparisons with +-_BIG refuse infinities and NaN
_WHOLE = 2**53


def _spec(f: Field) -> tuple:
    code = _OTHER if f.unit in ("date", "calendar") else \
        (_NAME if f.name == "name" else _STR) if f.type is str else \
        _NUMBER if f.type is float else _BOOL if f.type is bool else _OTHER
    return (f.name, code, f.default, f.optional and f.default is None,
            None if f.choices is None else frozenset(f.choices),
            -_BIG if f.minimum is None else f.minimum,
            _BIG if f.maximum is None else f.maximum, f)


def _specs(fields: Iterable[Field]) -> tuple[tuple, ...]:
    return tuple(_spec(f) for f in fields)


def _clean(record: Mapping[str, object], specs: tuple[tuple, ...], what, attrs: dict,
           problems: list[str]) -> dict:
    """Normalise each field of ``record`` into ``attrs``; add a message per broken rule.

    ``specs`` come from :func:`_specs`. ``what`` is a zero-argument callable naming the item,
    called only when there is a problem (naming costs more than checking, and most records
    are fine). This runs once per field of every record a file holds, so it is written for
    speed: see the codes above.
    """
    get = record.get
    for name, code, default, skip_none, choices, lo, hi, f in specs:
        value = get(name)
        if value is None:
            if skip_none:
                attrs[name] = None
                continue
            value = default  # a missing notes or pinned takes its default, unchecked
        else:
            vtype = type(value)
            if code == _STR:
                if vtype is str and (choices is None or value in choices):
                    attrs[name] = value
                    continue
            elif code == _NUMBER:
                if (vtype is float or (vtype is int and -_WHOLE <= value <= _WHOLE)) \
                        and lo <= value <= hi:
                    if vtype is float and value.is_integer() and -_WHOLE < value < _WHOLE:
                        value = int(value)
                    attrs[name] = value
                    continue
            elif code == _NAME:
                if vtype is str:
                    value = value.strip()
                    if value:
                        attrs[name] = value
                        continue
            elif code == _BOOL:
                if vtype is bool:
                    attrs[name] = value
                    continue
                if vtype is int and (value == 0 or value == 1):
                    attrs[name] = value == 1
                    continue
            value = normalise(f, value)
        attrs[name] = value
        if name == "name" and value == "":
            problems.append(f"{what()}: name must not be empty")
            continue
        why = f.check(value)
        if why:
            problems.append(f"{what()}: {f.title.lower() if f.label else name} {why}")
    return attrs


def check_fields(record: Mapping[str, object], fields: Iterable[Field], what: str) -> list[str]:
    """Messages for every field of ``record`` that breaks its rule (missing ones count as None)."""
    problems: list[str] = []
    _clean(record, _specs(fields), lambda: what, {}, problems)
    return problems


_NODE_FIELDS = {str(k): _specs(node_fields(k)) for k in NodeKind}
_EDGE_FIELDS = {str(k): _specs(edge_fields(k)) for k in EdgeKind}
_MAP_SPECS = _specs(MAP_FIELDS)


def node_attrs(record: Mapping[str, object]) -> tuple[dict[str, object], list[str]]:
    """The node's attributes (no id): every field of its kind, normalised; and its problems."""
    node_id = record.get("id")
    kind = record.get("kind")
    if not isinstance(node_id, str) or not node_id.strip():
        return {}, [f"{describe_node(str(node_id), record)}: id must be non-empty text"]
    fields = _NODE_FIELDS.get(kind) if isinstance(kind, str) else None
    if fields is None:
        return {}, [f"node {node_id!r}: kind must be one of {', '.join(NodeKind)} "
                    f"(got {kind!r})"]
    problems: list[str] = []
    attrs = _clean(record, fields, lambda: describe_node(node_id, record),
                   {"kind": kind}, problems)
    return attrs, problems


def edge_attrs(record: Mapping[str, object], nodes=None) -> tuple[dict[str, object], list[str]]:
    """The edge's attributes (no id, source or target), normalised; and its problems."""
    edge_id = record.get("id")
    kind = record.get("kind")
    if not isinstance(edge_id, str) or not edge_id.strip():
        return {}, [f"{describe_edge(str(edge_id), record, nodes)}: id must be non-empty text"]
    fields = _EDGE_FIELDS.get(kind) if isinstance(kind, str) else None
    if fields is None:
        return {}, [f"edge {edge_id!r}: kind must be one of {', '.join(EdgeKind)} "
                    f"(got {kind!r})"]
    problems: list[str] = []
    attrs = _clean(record, fields, lambda: describe_edge(edge_id, record, nodes),
                   {"kind": kind}, problems)
    return attrs, problems


def clean_node(record: Mapping[str, object]) -> dict[str, object]:
    return node_attrs(record)[0]


def clean_edge(record: Mapping[str, object]) -> dict[str, object]:
    return edge_attrs(record)[0]


def check_node(record: Mapping[str, object]) -> list[str]:
    return node_attrs(record)[1]


def check_edge_fields(record: Mapping[str, object], nodes=None) -> list[str]:
    return edge_attrs(record, nodes)[1]


def check_join(kind: str, source_kind: str, target_kind: str) -> str | None:
    """Why an edge of ``kind`` may not join these node kinds, or None when it may."""
    allowed = ALLOWED_EDGES[EdgeKind(kind)].get(NodeKind(source_kind), frozenset())
    if NodeKind(target_kind) in allowed:
        return None
    src = KIND_LABELS[NodeKind(source_kind)]
    dst = KIND_LABELS[NodeKind(target_kind)]
    label = "a flow" if kind == EdgeKind.FLOW else f"a {kind} link"
    return f"{label} cannot go from {_article(src)} {src} to {_article(dst)} {dst}"


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


_ALLOWED = {(str(e), str(s)): frozenset(str(t) for t in targets)
            for e, by_source in ALLOWED_EDGES.items() for s, targets in by_source.items()}
STEP_KINDS = frozenset(DRAWN_KINDS)  # a pathway steps through the boxes drawn on the map


def _parallel(key: tuple, count: int, by_id: Mapping[str, Mapping]) -> Problem:
    """The warning for ``count`` flows of one type from one node to another (they stay
    separate flows: a map may hold several, such as two referral routes with their own waits)."""
    source, target, flow_type = key
    names = [str(by_id[n].get("name") or n) for n in (source, target)]
    return Problem(f"{count} {str(flow_type).replace('_', '-')} flows join \"{names[0]}\" and "
                   f"\"{names[1]}\"; they are kept separate", "warning", source)


def check_map(map_fields: Mapping[str, object], nodes: Iterable[Mapping[str, object]],
              edges: Iterable[Mapping[str, object]], pathways: list[Pathway],
              cleaned: dict[str, list] | None = None) -> list[Problem]:
    """Every problem with a whole map given as plain records, errors first then warnings.

    ``nodes`` and ``edges`` are each read once, in order, and no record is kept (a file's rows
    can stream through). When ``cleaned`` is given, its ``nodes`` and ``edges`` lists receive
    ``(id, attrs)`` and ``(id, source, target, attrs)`` for building the graph without
    normalising twice.
    """
    errors: list[str] = []
    clean_nodes = cleaned["nodes"].append if cleaned is not None else None
    clean_edges = cleaned["edges"].append if cleaned is not None else None
    _clean(map_fields, _MAP_SPECS, lambda: "map", {}, errors)
    seen: set[str] = set()
    # What messages need of each node (its kind and name), not the whole record.
    by_id: dict[str, Mapping[str, object]] = {}
    for rec in nodes:
        attrs, msgs = node_attrs(rec)
        if msgs:
            errors += msgs
        nid = rec.get("id")
        if not isinstance(nid, str):
            continue
        if clean_nodes is not None:
            clean_nodes((nid, attrs))
        if nid in seen:
            errors.append(f"{describe_node(str(nid), rec)}: id is used twice")
        seen.add(nid)
        name = rec.get("name", _ABSENT)
        by_id[nid] = {"kind": rec.get("kind")} if name is _ABSENT else \
            {"kind": rec.get("kind"), "name": name}
    parents: dict[str, str] = {}
    flow_keys: dict[tuple, int] = {}  # (source, target, flow type) -> how many flows
    part_of, flow = str(EdgeKind.PART_OF), str(EdgeKind.FLOW)
    for rec in edges:
        attrs, msgs = edge_attrs(rec, by_id)
        if msgs:
            errors += msgs
        eid = rec.get("id")
        if not isinstance(eid, str):
            continue
        source, target = rec.get("source"), rec.get("target")
        if not isinstance(source, str) or not isinstance(target, str):
            errors.append(f"{describe_edge(eid, rec)}: source and target must be node ids")
            continue
        if clean_edges is not None:
            clean_edges((eid, source, target, attrs))
        if eid in seen:
            errors.append(f"{describe_edge(str(eid), rec, by_id)}: id is used twice")
        seen.add(eid)
        src, dst = by_id.get(source), by_id.get(target)
        if src is None or dst is None:
            missing = source if src is None else target
            errors.append(f"{describe_edge(str(eid), rec, by_id)}: refers to node {missing!r}, "
                          "which does not exist")
            continue
        if msgs:
            continue
        kind = rec["kind"]
        src_kind, dst_kind = src.get("kind"), dst.get("kind")
        allowed = _ALLOWED.get((kind, src_kind))
        if allowed is None or dst_kind not in allowed:
            try:
                why = check_join(kind, src_kind, dst_kind)
            except ValueError:
                continue  # the node's own kind problem is already reported
            what = describe_edge(str(eid), rec, by_id)
            errors.append(f"{what}: {why}")
        if kind == part_of:
            if source in parents:
                what = describe_edge(str(eid), rec, by_id)
                errors.append(f"{what}: {describe_node(source, src)} is already part of "
                              f"{parents[source]!r}")
            parents[source] = target
        elif kind == flow:
            key = (source, target, rec.get("flow_type"))
            flow_keys[key] = flow_keys.get(key, 0) + 1
    warnings: list[Problem] = [_parallel(key, n, by_id) for key, n in flow_keys.items() if n > 1]
    flows = {(k[0], k[1]) for k in flow_keys}
    for p in pathways:
        what = f'pathway "{p.name}" ({p.id})'
        if not isinstance(p.name, str) or not p.name.strip():
            errors.append(f"pathway {p.id!r}: name must not be empty")
        if not isinstance(p.id, str):
            errors.append(f"pathway {p.name!r}: id must be text")
            continue
        if p.id in seen:
            errors.append(f"{what}: id is used twice")
        seen.add(p.id)
        if not isinstance(p.description, str):
            errors.append(f"{what}: description must be text")
        errors.extend(check_fields(p.provenance(), PATHWAY_PROVENANCE_FIELDS, what))
        for i, step in enumerate(p.steps, start=1):
            if not isinstance(step, str):
                errors.append(f"{what}: step {i} must be a node id (text), not "
                              f"{type(step).__name__}")
            elif step not in by_id:
                errors.append(f"{what}: step {i} refers to node {step!r}, which does not exist")
            elif by_id[step].get("kind") not in STEP_KINDS:
                errors.append(f"{what}: step {i} is {describe_node(step, by_id[step])}; steps "
                              "must be access points, services or exits")
        for i, (a, b) in enumerate(zip(p.steps, p.steps[1:], strict=False), start=1):
            if isinstance(a, str) and isinstance(b, str) and a in by_id and b in by_id \
                    and (a, b) not in flows:
                warnings.append(Problem(
                    f"{what}: no flow joins step {i} ({by_id[a].get('name')}) to step {i + 1} "
                    f"({by_id[b].get('name')})", "warning", p.id))
    return [Problem(m) for m in errors] + warnings


_ABSENT = object()


def first_problem(problems: list[Problem]) -> str | None:
    """The sentence a map with these problems is refused with: its first error, and how many
    more there are; None when there is no error (warnings alone never refuse a map)."""
    errors = [p for p in problems if p.severity == "error"]
    if not errors:
        return None
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return errors[0].message + more


# ----- review comments ------------------------------------------------------------------------
def check_comment(comment: Comment, earlier: Container[str]) -> str | None:
    """Why ``comment`` may not follow the comments whose ids are ``earlier`` (a reply comes after
    the comment it answers), or None when it may."""
    for name in COMMENT_FIELD_NAMES:
        if not isinstance(getattr(comment, name), str):
            return f"comment {getattr(comment, 'id', '')!r}: {name} must be text"
    what = f"comment {comment.id!r}"
    if not comment.id.strip():
        return "A comment needs an id."
    if comment.id in earlier:
        return f"{what}: id is already used by another comment"
    if not comment.text.strip():
        return f"{what}: text must not be empty"
    if comment.status not in COMMENT_STATUSES:
        return (f"{what}: status must be one of {', '.join(COMMENT_STATUSES)} "
                f"(got {comment.status!r})")
    if comment.reply_to and comment.reply_to not in earlier:
        return f"{what}: it replies to comment {comment.reply_to!r}, which does not come before it"
    return None


def check_comments(comments: Iterable[Comment]) -> str | None:
    """The first problem with a map's comments in their order, or None."""
    earlier: set[str] = set()
    for comment in comments:
        why = check_comment(comment, earlier)
        if why:
            return why
        earlier.add(comment.id)
    return None


# ----- counts and whole-file checks -----------------------------------------------------------
COUNTED = (("organisations", NodeKind.ORGANISATION), ("partnerships", NodeKind.PARTNERSHIP),
           ("directorates", NodeKind.DIRECTORATE), ("services", NodeKind.SERVICE),
           ("access_points", NodeKind.ACCESS_POINT), ("exits", NodeKind.EXIT))


def counts(node_kinds: Mapping[str, int], edge_kinds: Mapping[str, int],
           pathways: int) -> dict[str, int]:
    """``servicemap info``'s counts (its JSON keys, in order) from the number of nodes and
    edges of each kind."""
    result = {key: node_kinds.get(kind, 0) for key, kind in COUNTED}
    result["flows"] = edge_kinds.get(EdgeKind.FLOW, 0)
    result["pathways"] = pathways
    return result


@dataclass
class MapCheck:
    """A whole map checked without building it: what ``servicemap validate`` and ``info``
    need."""

    map_fields: Mapping[str, object]
    problems: list[Problem]  # check_map's, errors then warnings
    comment_problem: str | None  # the first problem with the comments
    counts: dict[str, int]
    note_problem: str | None = None  # the first problem with the notes
    target_problems: list[str] = field(default_factory=list)  # every one, a sentence each

    @property
    def refusal(self) -> str | None:
        """Why building this map would be refused (what ``Document.from_records`` raises), or
        None when it can be built."""
        return first_problem(self.problems) or self.comment_problem or self.note_problem or (
            first_problem([Problem(p) for p in self.target_problems]))


def check_records(map_fields: Mapping[str, object], nodes: Iterable[Mapping[str, object]],
                  edges: Iterable[Mapping[str, object]], pathways: list[Pathway],
                  comments: Iterable[Comment] = (), notes: Iterable[Note] = (),
                  targets: Iterable[Target] = ()) -> MapCheck:
    """Check a map's records as :func:`check_map` does (reading each once) and count them;
    ``notes`` and ``targets`` as opening the map checks them (each one, and ids no other item
    uses; a target's organisation in the map)."""
    notes, targets = list(notes), list(targets)
    node_kinds: Counter = Counter()
    edge_kinds: Counter = Counter()
    # kept only when there are notes or targets to check
    ids: set | None = set() if notes or targets else None
    orgs: set | None = set() if targets else None
    problems = check_map(map_fields, _tally(nodes, node_kinds, ids, orgs),
                         _tally(edges, edge_kinds, ids), pathways)
    if ids is not None:
        ids.update(p.id for p in pathways)
    note_problem = check_notes(notes, ids)
    if targets:
        ids.update(n.id for n in notes)
    return MapCheck(map_fields, problems, check_comments(comments),
                    counts(node_kinds, edge_kinds, len(pathways)), note_problem,
                    check_targets(targets, orgs, None if ids is None else ids.__contains__))


def check_notes(notes: list[Note], taken: Container[str] | None) -> str | None:
    """The first problem with ``notes`` (each checked by :func:`graph.notes.check_note`, ids
    unique and used by no node, flow or pathway in ``taken``), or None."""
    seen: set[str] = set()
    for note in notes:
        try:
            check_note(note)
        except ValidationError as exc:
            return str(exc)
        if note.id in seen or (taken is not None and note.id in taken):
            return f"note {note.id!r}: id is already used"
        seen.add(note.id)
    return None


def _tally(records: Iterable[Mapping[str, object]], kinds: Counter, ids: set | None = None,
           organisations: set | None = None):
    for record in records:
        kinds[record.get("kind")] += 1
        if ids is not None:
            ids.add(record.get("id"))
        if organisations is not None and record.get("kind") == NodeKind.ORGANISATION:
            organisations.add(record.get("id"))
        yield record
