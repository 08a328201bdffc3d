"""The spreadsheet form of a map, shared by the Excel (.xlsx) and CSV formats.

One sheet per kind of thing, one header row of field names, one row per item:

* **Organisations**, **Partnerships**: ``id``, ``name`` and their fields.
* **Directorates**: ``organisation`` names the organisation it is part of; ``partnerships``
  names the partnerships it serves, separated by ``;``.
* **Services**: services, access points and exits, told apart by the ``kind`` column (empty
  means service). A service names its ``directorate`` or (if it sits straight under one) its
  ``organisation``, and the ``partnerships`` it serves.
* **Flows**: ``from`` and ``to`` name rows of the Services sheet; ``flow_type`` and numbers.
* **Pathways**: one row per step: ``pathway`` (name), ``step`` (1, 2, ...), ``service`` (a
  name on the Services sheet); ``pathway_id``, ``description`` and the pathway's provenance
  (``source``, ``as_of``, ``verified``) may be given on any row. A
  pathway with no steps is one row with ``step`` and ``service`` empty.
* **Map**: ``field`` / ``value`` rows for the map's title, source, marking, ...
* **Notes**: the canvas's text boxes (not part of the analysis): ``id``, ``text``, ``x``,
  ``y`` (the top-left corner), ``width``; in drawing order.

A reference cell holds a name (or, where names repeat, an id). ``id`` columns are optional:
empty ids are made from names (``Crisis team`` -> ``crisis-team``); given ids are kept, so an
exported map comes back exactly. ``part_of_id`` and ``serves_ids`` keep the ids of the
structural links for the same reason; ``part_of_source``, ``part_of_as_of`` and
``part_of_verified`` keep the provenance of the link to the row's directorate or organisation
(notes on those links, and the provenance of the links to partnerships, have no cell and are
not kept; each row's own ``source``, ``as_of`` and ``verified`` are, and a flow's source is
its ``source_ref`` column).
A reference is looked up as an id first, then as a name (exactly, then ignoring case); the
export writes a name wherever that finds the same row, else the id. Reading is all or nothing:
every problem is collected as (sheet, row, column, reason) and :class:`SheetProblems` is raised
before anything is built. An empty optional text cell reads as unknown (None).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time

from servicemap import model
from servicemap.graph import rules
from servicemap.graph.document import Document
from servicemap.graph.scenarios import ITEMS as SCENARIO_ITEMS
from servicemap.graph.scenarios import OPS as SCENARIO_OPS
from servicemap.io.report import ImportProblems
from servicemap.io.safety import unescape_formula
from servicemap.model import (
    DRAWN_KINDS,
    MAP_FIELDS,
    NOTE_MAX_WIDTH,
    NOTE_MIN_WIDTH,
    NOTE_WIDTH,
    SUGGESTED_CATEGORIES,
    Field,
    NodeKind,
    edge_fields,
    node_fields,
)

LIST_SEPARATOR = ";"
NODE_SHEETS = {"Organisations": NodeKind.ORGANISATION, "Partnerships": NodeKind.PARTNERSHIP,
               "Directorates": NodeKind.DIRECTORATE, "Services": NodeKind.SERVICE}
TRUE_WORDS, FALSE_WORDS = {"true", "yes", "y", "1"}, {"false", "no", "n", "0"}


@dataclass(frozen=True)
class Column:
    """One column of a sheet. ``field`` converts and checks its cells; ``ref`` is the sheet
    whose rows it names; ``choices`` fill the drop-down (``free``: suggestions only)."""

    name: str
    help: str
    field: Field | None = None
    required: bool = False
    ref: str | None = None
    many: bool = False
    choices: tuple[str, ...] | None = None
    free: bool = False


@dataclass(frozen=True)
class Sheet:
    name: str
    help: str
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _field_columns(kind: str, names: tuple[str, ...]) -> tuple[Column, ...]:
    fields = {f.name: f for f in node_fields(kind)}
    cols = []
    for name in names:
        f = fields[name]
        help_text = f.title + (" (0-100)" if f.maximum == 100 else
                               " (a number, 0 or more)" if f.minimum == 0 else
                               CALENDAR_HELP if f.unit == "calendar" else "")
        choices = SUGGESTED_CATEGORIES if name == "category" else f.choices
        cols.append(Column(name, help_text, f, required=name == "name", choices=choices,
                           free=name == "category"))
    return tuple(cols)


CALENDAR_HELP = (': entries separated by ";", each [from YYYY-MM-DD] [days] [HH:MM-HH:MM] '
                 'value, such as "Mon-Fri 08:00-20:00 12; Sat,Sun 4"; where none applies the '
                 'plain figure holds')
ID = Column("id", "Leave empty to make one from the name; kept when given")
TAIL = ("notes", "x", "y", "pinned", model.SOURCE, model.AS_OF, model.VERIFIED)
# The provenance of the link to its parent (a part_of edge): column -> the edge's field.
PART_OF_PROVENANCE = {"part_of_source": model.PROVENANCE_EDGE_FIELDS[0],
                      "part_of_as_of": model.PROVENANCE_EDGE_FIELDS[1],
                      "part_of_verified": model.PROVENANCE_EDGE_FIELDS[2]}
LINK_IDS = (Column("part_of_id", "Id of the link to its parent (leave empty)"),
            Column("part_of_source", "Where that it is part of its directorate or "
                                     "organisation comes from (text or a web address)"),
            Column("part_of_as_of", "The date that link describes, as YYYY-MM-DD"),
            Column("part_of_verified", "TRUE when that link is checked against its source "
                                       "(empty: FALSE)"),
            Column("serves_ids", "Ids of the links to its partnerships, ';'-separated "
                                 "(leave empty)", many=True))
KIND_FIELD = Field("kind", str, choices=tuple(k.value for k in DRAWN_KINDS))  # plain text
SERVICE_ONLY = tuple(f.name for f in node_fields("service")
                     if f.name not in {g.name for g in node_fields("exit")})

ACCESS_ONLY = tuple(f.name for f in node_fields("access_point")
                    if f.name not in {g.name for g in node_fields("exit")})

NOTE_FIELDS = {f.name: f for f in model.NOTE_FIELDS}
TARGET_FIELDS = {f.name: f for f in model.TARGET_FIELDS}

SHEETS: tuple[Sheet, ...] = (
    Sheet("Organisations", "Trusts, the ICB, councils, voluntary and primary care bodies.",
          (ID, *_field_columns("organisation", ("name", "org_type", "ods_code") + TAIL))),
    Sheet("Partnerships", "Health and care partnerships and other places served.",
          (ID, *_field_columns("partnership", ("name", "population") + TAIL))),
    Sheet("Directorates", "Operational parts of an organisation.",
          (ID, *_field_columns("directorate", ("name",)),
           Column("organisation", "Name of the organisation it is part of", ref="Organisations"),
           Column("partnerships", "Names of the partnerships it serves, ';'-separated",
                  ref="Partnerships", many=True),
           *_field_columns("directorate", TAIL), *LINK_IDS)),
    Sheet("Services", "Services, access points and exits (see the kind column).",
          (ID, Column("kind", "service (if empty), access_point or exit", KIND_FIELD,
                      choices=KIND_FIELD.choices),
           *_field_columns("service", ("name",)),
           Column("directorate", "Name of the directorate it is part of", ref="Directorates"),
           Column("organisation", "Or: the organisation it sits straight under",
                  ref="Organisations"),
           Column("partnerships", "Names of the partnerships it serves, ';'-separated",
                  ref="Partnerships", many=True),
           *_field_columns("service", ("category",) + SERVICE_ONLY),
           *_field_columns("access_point", ACCESS_ONLY),
           *_field_columns("service", TAIL), *LINK_IDS)),
    Sheet("Flows", "People moving from one row of the Services sheet to another.",
          (ID, Column("from", "Name of the access point or service people come from",
                      required=True, ref="Services"),
           Column("to", "Name of the service or exit people go to", required=True,
                  ref="Services"),
           *(Column(f.name, f.title, f, required=f.name == "flow_type", choices=f.choices)
             for f in model.FLOW_FIELDS),
           Column("notes", "Notes", edge_fields("flow")[0]),
           *(Column(f.name, f.title, f) for f in model.PROVENANCE_EDGE_FIELDS))),
    Sheet("Pathways", "Named routes: one row per step, in step order.",
          (Column("pathway_id", "Leave empty to make one from the name"),
           Column("pathway", "Name of the pathway", required=True),
           Column("description", "What the pathway is (on any one of its rows)"),
           Column("step", "Step number: 1, 2, 3, ..."),
           Column("service", "Name of the access point, service or exit", ref="Services"),
           *(Column(f.name, f"{f.title} (on any one of its rows)", f)
             for f in model.PATHWAY_PROVENANCE_FIELDS))),
    Sheet("Map", "The map itself: one row per field.",
          (Column("field", "title, description, source, marking, illustrative, created, "
                           "modified", required=True),
           Column("value", "The field's value"))),
    Sheet("Notes", "Text boxes on the canvas (not part of the analysis), in drawing order.",
          (Column("id", "Leave empty to make one; kept when given"),
           Column("text", "The note's text", NOTE_FIELDS["text"]),
           Column("x", "Its left edge on the canvas", NOTE_FIELDS["x"], required=True),
           Column("y", "Its top edge on the canvas", NOTE_FIELDS["y"], required=True),
           Column("width", f"Its width ({NOTE_MIN_WIDTH:g} to {NOTE_MAX_WIDTH:g}; empty: "
                           f"{NOTE_WIDTH:g})", NOTE_FIELDS["width"]))),
    Sheet("Targets", "What an organisation holds itself to, measured over its services.",
          (Column("id", "Leave empty to make one from the name; kept when given"),
           Column("name", "What the target is called", TARGET_FIELDS["name"], required=True),
           Column("organisation", "Name of the organisation that owns it (its services, "
                                  "directly or through its directorates, are in scope)",
                  required=True, ref="Organisations"),
           Column("measure", "patients_within_wait_target (percent of patients, at least), "
                             "dna_gap (percentage points, below) or followed_up_within_72_hours "
                             "(percent of discharges, at least)", TARGET_FIELDS["measure"],
                  required=True, choices=TARGET_FIELDS["measure"].choices),
           Column("threshold", "The figure to reach: a percentage, or points for dna_gap",
                  TARGET_FIELDS["threshold"], required=True),
           Column("due", "When it is due, as YYYY-MM-DD (may be empty)", TARGET_FIELDS["due"]),
           Column("notes", "Notes", TARGET_FIELDS["notes"]),
           Column("service_type", "Only the organisation's services of this category or type "
                                  "(the name before a comma); empty: all of them",
                  TARGET_FIELDS["service_type"]),
           Column("wait_days", "For a waiting-time standard: the wait it counts, in days (a "
                               "service counts when its wait target is this wait)",
                  TARGET_FIELDS["wait_days"]))),
    Sheet("Scenarios", "Named sets of changes to the map (docs/data-model.md, Scenarios): one "
          "row per change, in order; a scenario with no changes yet is one row with no op.",
          (Column("scenario_id", "Leave empty to make one; kept when given"),
           Column("scenario", "The scenario's name (rows of one name make one scenario)",
                  required=True),
           Column("description", "What the scenario is (on its first row)"),
           Column("op", f"{', '.join(SCENARIO_OPS)}: fields changed, a new node or edge, or "
                        "one taken away"),
           Column("item", " or ".join(SCENARIO_ITEMS)),
           Column("item_id", "The id of the node or edge changed (an id made from its name "
                             "when its sheet leaves ids empty: Acute ward is acute-ward)"),
           Column("fields", "The changed fields as one JSON object, such as "
                            '{"capacity": 30} (empty for remove)'))),
)
SHEET = {s.name: s for s in SHEETS}
ALIASES = {"source": "from", "target": "to", "type": "flow_type", "name": "pathway"}


def key(text: object) -> str:
    """How sheet names, headings and choices are matched: trimmed, casefolded, '_' for spaces."""
    return re.sub(r"[\s\-]+", "_", str(text).strip().casefold())


def letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based column index (0 -> A, 26 -> AA)."""
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(65 + rest) + text
    return text


# ----- problems -----------------------------------------------------------------------------
@dataclass(frozen=True)
class SheetProblem:
    """One thing wrong with a sheet: where (sheet, row, column) and why."""

    sheet: str
    row: int | None
    column: str
    reason: str

    def __str__(self) -> str:
        where = [p for p in (self.sheet, f"row {self.row}" if self.row else "",
                             f"column {self.column}" if self.column else "") if p]
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


class SheetProblems(ImportProblems):
    """The sheets have problems; nothing was imported. ``problems`` lists every one, each a
    :class:`SheetProblem` (sheet, row, column, reason)."""

    problems: list[SheetProblem]


@dataclass
class Table:
    """One sheet as read from a file: ``rows`` of (row number, {column index: raw value}).

    Raw values are str, int, float, bool, datetime or None; the first non-empty row is the
    header. Cell-level problems the reader found (formulas, errors, encoding) go in
    ``problems``."""

    name: str
    rows: list[tuple[int, dict[int, object]]]
    problems: list[SheetProblem] = field(default_factory=list)


# ----- cell values --------------------------------------------------------------------------
def text_of(value: object) -> str | None:
    """A raw cell as text (formula escaping undone); numbers without a stray ``.0``."""
    if value is None:
        return None
    if isinstance(value, str):
        return unescape_formula(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return repr(value) if isinstance(value, float) else str(value)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def convert(f: Field, raw: object) -> tuple[object, str | None]:
    """The value of a cell for field ``f`` and, if it is not allowed, why."""
    if f.type is str:
        if f.unit == "date" and isinstance(raw, datetime):
            raw = raw.date()  # a spreadsheet made the typed date a date cell: its day
        text = text_of(raw)
        if text and (f.name == "name" or f.unit == "date"):
            text = text.strip()
        if not text:
            if f.name in ("name", "flow_type"):
                return None, "must not be empty"
            return (None if f.optional else f.default if f.default is not None else ""), None
        if f.choices is not None and text not in f.choices:
            text = next((c for c in f.choices if key(c) == key(text)), text)
        return text, f.check(text)
    if f.type is bool:
        if is_blank(raw):
            return bool(f.default), None
        if isinstance(raw, bool) or (type(raw) in (int, float) and raw in (0, 1)):
            return bool(raw), None
        word = key(text_of(raw))
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS, None
        return None, f"must be TRUE or FALSE (got {text_of(raw)!r})"
    if isinstance(raw, str):
        text = unescape_formula(raw).strip()
        if not text:
            return None, None
        try:
            raw = int(text)
        except ValueError:
            try:
                raw = float(text)
            except ValueError:
                return None, f"must be a number (got {text!r})"
    if raw is None or isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return None, None if raw is None else f"must be a number (got {text_of(raw)!r})"
    value = rules.normalise(f, raw)
    return value, f.check(value)


def slug(text: str, fallback: str) -> str:
    """A readable id from a name: ``Crisis Team (East)`` -> ``crisis-team-east``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    made = re.sub(r"[^a-z0-9]+", "-", ascii_text.casefold()).strip("-")[:60].strip("-")
    return made or fallback


def split_list(text: str | None) -> list[str]:
    """The parts of a ';'-separated cell (written ``"a; b"``), without the one space after
    each separator; empty parts are left out. References try the part as it is, then trimmed,
    so ids with spaces at their ends still round-trip."""
    out = []
    for i, part in enumerate((text or "").split(LIST_SEPARATOR)):
        part = part[1:] if i and part.startswith(" ") else part
        if part.strip():
            out.append(part)
    return out


# ----- writing: document -> rows ------------------------------------------------------------
class _Namer:
    """What a reference cell says for a node: its name, or its id where the name would be
    ambiguous (repeated, equal to another row's id, or holding the list separator)."""

    def __init__(self, doc: Document, node_ids: list[str]) -> None:
        self.nodes = doc.graph.nodes
        self.ids = set(node_ids)
        self.count = Counter(self.nodes[n]["name"] for n in node_ids)

    def __call__(self, node_id: str, listed: bool = False) -> str:
        name = self.nodes[node_id]["name"]
        if self.count[name] == 1 and (name == node_id or name not in self.ids) \
                and not (listed and LIST_SEPARATOR in name):
            return name
        return node_id


def rows_for(doc: Document, blank_ids: bool = False) -> dict[str, list[list[object]]]:
    """Every sheet's rows, header first, as typed values (text is escaped by the writer).

    ``blank_ids`` leaves id columns empty (for the template, whose ids are made on import)."""
    nodes = doc.graph.nodes
    by_kind: dict[str, list[str]] = {}
    for n, kind in nodes(data="kind"):
        by_kind.setdefault("service" if kind in DRAWN_KINDS else kind, []).append(n)
    namers = {name: _Namer(doc, by_kind.get(str(kind), [])) for name, kind in NODE_SHEETS.items()}
    id_columns = {"id", "part_of_id", "serves_ids", "pathway_id", "scenario_id"} if blank_ids \
        else set()
    out: dict[str, list[list[object]]] = {}

    def table(sheet: Sheet, records) -> None:
        out[sheet.name] = [[c.name for c in sheet.columns]] + [
            [None if c.name in id_columns else rec.get(c.name) for c in sheet.columns]
            for rec in records]

    for sheet_name, kind in NODE_SHEETS.items():
        records = []
        for n in by_kind.get(str(kind), []):
            rec = {**nodes[n], "id": n}
            serves = []
            for _, target, k, data in doc.graph.out_edges(n, keys=True, data="kind"):
                if data == "part_of":
                    column = "directorate" if nodes[target]["kind"] == "directorate" and \
                        sheet_name == "Services" else "organisation"
                    rec[column] = namers[column.capitalize() + "s"](target)
                    rec["part_of_id"] = k
                    link = doc.graph.edges[n, target, k]
                    rec.update((name, link.get(f.name)) for name, f in PART_OF_PROVENANCE.items())
                elif data == "serves":
                    serves.append((namers["Partnerships"](target, listed=True), k))
            if serves:
                rec["partnerships"] = "; ".join(s for s, _ in serves)
                rec["serves_ids"] = "; ".join(k for _, k in serves)
            records.append(rec)
        table(SHEET[sheet_name], records)
    name = namers["Services"]
    table(SHEET["Flows"], [{**d, "id": k, "from": name(u), "to": name(v)}
                           for u, v, k, d in doc.graph.edges(keys=True, data=True)
                           if d["kind"] == "flow"])
    steps = []
    for p in doc.pathways.values():
        first = {"pathway_id": p.id, "pathway": p.name, "description": p.description or None,
                 **p.provenance()}
        steps.append(first)
        for i, step in enumerate(p.steps):
            if i:
                steps.append({"pathway_id": p.id, "pathway": p.name})
            steps[-1].update(step=i + 1, service=name(step))
    table(SHEET["Pathways"], steps)
    table(SHEET["Map"], [{"field": f.name, "value": doc.graph.graph.get(f.name)}
                         for f in MAP_FIELDS])
    table(SHEET["Notes"], [n.to_dict() for n in doc.notes.values()])
    table(SHEET["Targets"], [{**t.to_dict(), "organisation": namers["Organisations"](
        t.organisation)} for t in doc.targets.values()])
    table(SHEET["Scenarios"], scenario_rows(doc))
    return out


def scenario_rows(doc: Document) -> list[dict[str, object]]:
    """The Scenarios sheet: one row per change (the description on a scenario's first row)."""
    rows: list[dict[str, object]] = []
    for scenario in doc.scenarios.values():
        first = {"scenario": scenario.name, "scenario_id": scenario.id,
                 "description": scenario.description or None}
        if not scenario.changes:
            rows.append(first)
        for i, change in enumerate(scenario.changes):
            row = first if i == 0 else {"scenario": scenario.name,
                                        "scenario_id": scenario.id}
            row.update(op=change.op, item=change.item, item_id=change.id,
                       fields=json.dumps(dict(change.fields), ensure_ascii=False)
                       if change.fields else None)
            rows.append(row)
    return rows
