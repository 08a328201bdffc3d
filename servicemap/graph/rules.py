"""The rules a map keeps, as pure checks over plain records.

The document calls these before every change; the store and the exchange format call
:func:`check_map` on whole files before anything is built, so a bad file is refused with a
clear sentence and nothing half-built is left behind.

A *node record* is a dict with ``id``, ``kind`` and the fields of :func:`model.node_fields`;
an *edge record* has ``id``, ``kind``, ``source``, ``target`` and :func:`model.edge_fields`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from servicemap.model import (
    ALLOWED_EDGES,
    DRAWN_KINDS,
    KIND_LABELS,
    MAP_FIELDS,
    EdgeKind,
    Field,
    NodeKind,
    Pathway,
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
    if value is None:
        return None
    kind = field.type
    if kind is str:
        return value.strip() if field.name == "name" and isinstance(value, str) else value
    if kind is bool:
        return bool(value) if type(value) is int and value in (0, 1) else value
    if type(value) is float and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _clean(record: Mapping[str, object], fields: Iterable[Field], what, attrs: dict,
           problems: list[str]) -> dict:
    """Normalise each field of ``record`` into ``attrs``; add a message per broken rule.

    ``what`` is a zero-argument callable naming the item, called only when there is a problem
    (naming costs more than checking, and most records are fine).
    """
    get = record.get
    for f in fields:
        name = f.name
        value = get(name)
        if value is None:
            value = f.default
            attrs[name] = value
            if value is None and f.optional:
                continue
        else:
            # Fast path for the common, valid values; anything else goes through Field.check.
            kind, vtype = f.type, type(value)
            if kind is str and vtype is str:
                if name == "name":
                    value = value.strip()
                if value and f.choices is None or value in (f.choices or ()):
                    attrs[name] = value
                    continue
            elif kind is float and (vtype is int or vtype is float) and f.maximum is None \
                    and -_INF < value < _INF and value >= f.minimum_or_ninf:
                attrs[name] = int(value) if vtype is float and value.is_integer() \
                    and abs(value) < 2**53 else value
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


_INF = float("inf")


def check_fields(record: Mapping[str, object], fields: Iterable[Field], what: str) -> list[str]:
    """Messages for every field of ``record`` that breaks its rule (missing ones count as None)."""
    problems: list[str] = []
    _clean(record, fields, lambda: what, {}, problems)
    return problems


_NODE_FIELDS = {str(k): node_fields(k) for k in NodeKind}
_EDGE_FIELDS = {str(k): edge_fields(k) for k in EdgeKind}


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


def check_map(map_fields: Mapping[str, object], nodes: list[Mapping[str, object]],
              edges: list[Mapping[str, object]], pathways: list[Pathway],
              cleaned: dict[str, list] | None = None) -> list[Problem]:
    """Every problem with a whole map given as plain records, errors first then warnings.

    When ``cleaned`` is given, its ``nodes`` and ``edges`` lists receive ``(id, attrs)`` and
    ``(id, source, target, attrs)`` for building the graph without normalising twice.
    """
    errors: list[str] = []
    clean_nodes = cleaned["nodes"] if cleaned is not None else []
    clean_edges = cleaned["edges"] if cleaned is not None else []
    errors += check_fields(map_fields, MAP_FIELDS, "map")
    seen: set[str] = set()
    by_id: dict[str, Mapping[str, object]] = {}
    for rec in nodes:
        attrs, msgs = node_attrs(rec)
        errors += msgs
        nid = rec.get("id")
        if not isinstance(nid, str):
            continue
        clean_nodes.append((nid, attrs))
        if nid in seen:
            errors.append(f"{describe_node(str(nid), rec)}: id is used twice")
        seen.add(nid)
        by_id[nid] = rec
    parents: dict[str, str] = {}
    flow_keys: set[tuple] = set()
    for rec in edges:
        attrs, msgs = edge_attrs(rec, by_id)
        errors += msgs
        eid = rec.get("id")
        if not isinstance(eid, str):
            continue
        if not isinstance(rec.get("source"), str) or not isinstance(rec.get("target"), str):
            errors.append(f"{describe_edge(eid, rec)}: source and target must be node ids")
            continue
        clean_edges.append((eid, rec.get("source"), rec.get("target"), attrs))
        if eid in seen:
            errors.append(f"{describe_edge(str(eid), rec, by_id)}: id is used twice")
        seen.add(eid)
        src, dst = by_id.get(rec.get("source")), by_id.get(rec.get("target"))
        if src is None or dst is None:
            missing = rec.get("source") if src is None else rec.get("target")
            errors.append(f"{describe_edge(str(eid), rec, by_id)}: refers to node {missing!r}, "
                          "which does not exist")
            continue
        if msgs:
            continue
        src_kind, dst_kind = src.get("kind"), dst.get("kind")
        allowed = _ALLOWED.get((rec["kind"], src_kind))
        if allowed is None or dst_kind not in allowed:
            try:
                why = check_join(rec["kind"], src_kind, dst_kind)
            except ValueError:
                continue  # the node's own kind problem is already reported
            what = describe_edge(str(eid), rec, by_id)
            errors.append(f"{what}: {why}")
        if rec["kind"] == EdgeKind.PART_OF:
            if rec["source"] in parents:
                what = describe_edge(str(eid), rec, by_id)
                errors.append(f"{what}: {describe_node(rec['source'], src)} is already part of "
                              f"{parents[rec['source']]!r}")
            parents[rec["source"]] = rec["target"]
        if rec["kind"] == EdgeKind.FLOW:
            key = (rec["source"], rec["target"], rec.get("flow_type"))
            if key in flow_keys:
                what = describe_edge(str(eid), rec, by_id)
                errors.append(f"{what}: there is already a {rec.get('flow_type')} flow between "
                              "these two nodes")
            flow_keys.add(key)
    warnings: list[Problem] = []
    flows = {(k[0], k[1]) for k in flow_keys}
    for p in pathways:
        what = f'pathway "{p.name}" ({p.id})'
        if not isinstance(p.name, str) or not p.name.strip():
            errors.append(f"pathway {p.id!r}: name must not be empty")
        if p.id in seen:
            errors.append(f"{what}: id is used twice")
        seen.add(p.id)
        for i, step in enumerate(p.steps, start=1):
            if step not in by_id:
                errors.append(f"{what}: step {i} refers to node {step!r}, which does not exist")
            elif by_id[step].get("kind") not in STEP_KINDS:
                errors.append(f"{what}: step {i} is {describe_node(step, by_id[step])}; steps "
                              "must be access points, services or exits")
        for i, (a, b) in enumerate(zip(p.steps, p.steps[1:], strict=False), start=1):
            if a in by_id and b in by_id and (a, b) not in flows:
                warnings.append(Problem(
                    f"{what}: no flow joins step {i} ({by_id[a].get('name')}) to step {i + 1} "
                    f"({by_id[b].get('name')})", "warning", p.id))
    return [Problem(m) for m in errors] + warnings
