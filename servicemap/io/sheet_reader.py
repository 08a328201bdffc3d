"""Reading the sheets of :mod:`servicemap.io.sheets`: tables -> validated records -> Document.

Reading is all or nothing: every problem is collected as (sheet, row, column, reason) and
:class:`~servicemap.io.sheets.SheetProblems` is raised before anything is built. The rules for
ids and references are described in :mod:`servicemap.io.sheets`.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from servicemap.errors import FileFormatError, ValidationError
from servicemap.graph import rules
from servicemap.graph.document import Document
from servicemap.graph.scenarios import Scenario, change_from_dict
from servicemap.io.ids import Taken, unique
from servicemap.io.sheets import (
    ACCESS_ONLY,
    ALIASES,
    KIND_FIELD,
    NODE_SHEETS,
    NOTE_FIELDS,
    PART_OF_PROVENANCE,
    SHEET,
    SHEETS,
    TARGET_FIELDS,
    Sheet,
    SheetProblem,
    SheetProblems,
    Table,
    convert,
    is_blank,
    key,
    letter,
    slug,
    split_list,
    text_of,
)
from servicemap.model import (
    KIND_LABELS,
    MAP_FIELDS,
    PATHWAY_PROVENANCE_FIELDS,
    Field,
    NodeKind,
    Note,
    Pathway,
    Target,
    edge_fields,
    map_defaults,
    node_fields,
)

# ----- reading: tables -> records -----------------------------------------------------------
PATHWAY_FIELDS = {f.name: f for f in PATHWAY_PROVENANCE_FIELDS}
STEP = Field("step", int, minimum=1, optional=False)
_DUE = re.compile(r"\d{4}-\d{2}-\d{2}")


# What an access point's or exit's row may name beside its fields: the organisation it is part
# of (an emergency department's acute trust) and that link's id.
END_LINKS = frozenset({"organisation", "part_of_id"})


@dataclass
class _Row:
    """One item read from a sheet, before references are resolved."""

    sheet: str
    row: int
    kind: str
    id: str | None                      # as given (None: made from the name)
    values: dict[str, object]           # field values, converted
    cells: dict[str, object]            # reference and link-id cells, as text
    final: str = ""                     # the id it ends up with
    part_of: dict[str, object] | None = None  # its part_of link's provenance (edge fields)


class _Index:
    """Finds the rows of one sheet that a reference cell names: by id, then by name."""

    def __init__(self, sheet: str, rows: list[_Row], builder: _Builder) -> None:
        self.sheet = sheet
        self.ids = {r.final: r for r in rows}
        self.names: dict[str, list[_Row]] = {}
        self.folded: dict[str, list[_Row]] = {}
        for r in rows:
            name = r.values.get("name")
            if isinstance(name, str) and name:
                self.names.setdefault(name, []).append(r)
                self.folded.setdefault(name.casefold(), []).append(r)
        self.reported: set[str] = set()  # repeated names already reported on their rows
        for name, same in self.names.items():
            if len(same) > 1 and any(r.id is None for r in same):
                self.reported.add(name)
                for r in same[1:]:
                    builder.problem(sheet, r.row, "name", f"the name {name!r} is also used on "
                                    f"row {same[0].row}; names must differ (or give each row "
                                    "its own id)")

    def find(self, text: str) -> tuple[_Row | None, str | None]:
        for candidate in (text, text.strip()):
            if candidate in self.ids:
                return self.ids[candidate], None
        text = text.strip()
        if text in self.reported:
            return None, ""  # the repeated name is the problem, reported once on its rows
        for table, probe in ((self.names, text), (self.folded, text.casefold())):
            rows = table.get(probe)
            if rows and len(rows) == 1:
                return rows[0], None
            if rows:
                return None, f"more than one row of the {self.sheet} sheet is called " \
                             f"{text!r}; use its id"
        return None, f"there is no {text!r} on the {self.sheet} sheet"


class _Builder:
    """Reads every sheet into records, collecting (sheet, row, column, reason) problems."""

    def __init__(self, tables: list[Table], where: str) -> None:
        self.where = where
        self.problems: list[SheetProblem] = []
        self.tables: dict[str, Table] = {}
        for t in tables:
            self.problems += t.problems
            sheet = next((s for s in SHEETS if key(s.name) == key(t.name)), None)
            if sheet is not None and sheet.name in self.tables:
                self.problem(sheet.name, None, "", f"is given twice (also as {t.name!r})")
            elif sheet is not None:
                self.tables[sheet.name] = t
        if not self.tables and not self.problems:
            raise FileFormatError(f"{where} has none of the sheets "
                                  f"{', '.join(s.name for s in SHEETS)}, so it is not a "
                                  "servicemap spreadsheet.")
        self.claimed: dict[str, tuple[str, int]] = {}
        self.present: dict[str, set[str]] = {}  # the columns each sheet has
        self.plans: dict[tuple[str, str], list] = {}  # see fields()
        self.rows: dict[str, list[_Row]] = {s.name: [] for s in SHEETS}

    def problem(self, sheet: str, row: int | None, column: str, reason: str) -> None:
        self.problems.append(SheetProblem(sheet, row, column, reason))

    def claim(self, text: object, sheet: str, row: int, column: str) -> str | None:
        """Register an id given in a cell (None when the cell is empty)."""
        given = text_of(text)
        if not given or not given.strip():
            return None
        if given in self.claimed:
            other = self.claimed[given]
            self.problem(sheet, row, column, f"the id {given!r} is already used "
                         f"({other[0]}, row {other[1]})")
        self.claimed.setdefault(given, (sheet, row))
        return given

    def records(self, sheet: Sheet):
        """(row number, {column name: raw value}) for each non-empty row below the header."""
        table = self.tables.get(sheet.name)
        rows = [(n, cells) for n, cells in (table.rows if table else [])
                if any(not is_blank(v) for v in cells.values())]
        if not rows:
            return
        header_row, header = rows[0]
        names = [c.name for c in sheet.columns]
        columns: dict[int, str] = {}
        for index, raw in sorted(header.items()):
            name = key(text_of(raw) or "")
            if name and name not in names and ALIASES.get(name) in names:
                name = ALIASES[name]
            if not name:
                continue
            if name not in names:
                self.problem(sheet.name, header_row, (text_of(raw) or "").strip(),
                             "is not a column of this sheet (the Instructions sheet lists them)")
            elif name in columns.values():
                self.problem(sheet.name, header_row, name, "this column appears twice")
            else:
                columns[index] = name
        self.present[sheet.name] = set(columns.values())
        for c in sheet.columns:
            if c.required and c.name not in columns.values():
                self.problem(sheet.name, header_row, c.name, "this required column is missing")
        unnamed: set[int] = set()
        for n, cells in rows[1:]:
            out = {}
            for index, raw in cells.items():
                if index in columns:
                    out[columns[index]] = raw
                elif not is_blank(raw) and is_blank(header.get(index)) and index not in unnamed:
                    unnamed.add(index)
                    self.problem(sheet.name, n, letter(index), "has a value but the column has "
                                 "no heading")
            yield n, out

    def fields(self, sheet: Sheet, n: int, cells: dict, kind: str) -> dict:
        """The converted field values of one row; a problem for each value not allowed."""
        plan = self.plans.get((sheet.name, kind))
        if plan is None:  # per sheet and kind: (column, field or None, value of an empty cell)
            allowed = {f.name: f for f in (edge_fields(kind) if kind == "flow"
                                           else node_fields(kind))}
            plan = self.plans[(sheet.name, kind)] = [
                (c.name, allowed.get(c.name), convert(allowed[c.name], None)
                 if c.name in allowed else None)
                for c in sheet.columns if c.field is not None and c.name != "kind"]
        values = {}
        for name, f, empty in plan:
            raw = cells.get(name)
            if f is None:
                if not is_blank(raw):
                    self.problem(sheet.name, n, name, "only access points have this field"
                                 if name in ACCESS_ONLY else "only services have this field")
                continue
            value, why = empty if raw is None else convert(f, raw)
            if why:
                self.problem(sheet.name, n, name, why)
            values[name] = value
        return values

    # ----- each sheet ---------------------------------------------------------------------
    def read_map(self) -> dict[str, object]:
        fields = {f.name: f for f in MAP_FIELDS}
        values, seen = map_defaults(), {}
        for n, cells in self.records(SHEET["Map"]):
            text = (text_of(cells.get("field")) or "").strip()
            name = key(text)
            if name not in fields:
                self.problem("Map", n, "field", f"{text!r} is not a map field (use one of "
                             f"{', '.join(fields)})")
            elif name in seen:
                self.problem("Map", n, "field", f"{name} is given twice (also on row "
                             f"{seen[name]})")
            else:
                seen[name] = n
                values[name], why = convert(fields[name], cells.get("value"))
                if why:
                    self.problem("Map", n, "value", why)
        return values

    def read_notes(self) -> list[Note]:
        """The Notes sheet's rows (an empty id gets a fresh one)."""
        notes = []
        for n, cells in self.records(SHEET["Notes"]):
            values = {}
            for name, f in NOTE_FIELDS.items():
                raw = cells.get(name)
                if f.default is None and is_blank(raw):
                    self.problem("Notes", n, name, "must be a number")
                    continue
                value, why = convert(f, raw)
                if why:
                    self.problem("Notes", n, name, why)
                values[name] = f.default if value is None else value
            note_id = self.claim(cells.get("id"), "Notes", n, "id") or uuid.uuid4().hex
            if len(values) == len(NOTE_FIELDS):
                notes.append(Note(note_id, **values))
        return notes

    def read_scenarios(self) -> list[Scenario]:
        """The Scenarios sheet's rows: rows of one name make one scenario, each row with an
        op one change (its fields one JSON object)."""
        scenarios: dict[str, Scenario] = {}
        for n, cells in self.records(SHEET["Scenarios"]):
            text = {k: (text_of(v) or "").strip() for k, v in cells.items()}
            name = text.get("scenario", "")
            if not name:
                self.problem("Scenarios", n, "scenario", "must not be empty")
                continue
            scenario = scenarios.get(name.casefold())
            if scenario is None:
                scenario_id = text.get("scenario_id") or unique(slug(name, "scenario"),
                                                                self.taken)
                self.taken.add(scenario_id)
                scenario = scenarios[name.casefold()] = Scenario(
                    scenario_id, name, text.get("description", ""))
            if not text.get("op"):
                continue
            try:
                fields = json.loads(text["fields"]) if text.get("fields") else {}
            except ValueError:
                self.problem("Scenarios", n, "fields", "is not one JSON object such as "
                             '{"capacity": 30}')
                continue
            try:
                scenario.changes.append(change_from_dict(
                    {"op": text["op"], "item": text.get("item"), "id": text.get("item_id"),
                     "fields": fields}, f'scenario "{name}"'))
            except ValidationError as exc:
                self.problem("Scenarios", n, "op", str(exc).rstrip("."))
        return list(scenarios.values())

    def read_targets(self, organisations: _Index) -> list[Target]:
        """The Targets sheet's rows, their organisations found by name or id on the
        Organisations sheet (an empty id is made from the name)."""
        targets = []
        for n, cells in self.records(SHEET["Targets"]):
            values: dict[str, object] = {}
            for name, f in TARGET_FIELDS.items():
                raw = cells.get(name)
                if name == "due" and isinstance(raw, (datetime, date)):
                    raw = (raw.date() if isinstance(raw, datetime) else raw).isoformat()
                if name == "organisation":
                    text = text_of(raw)
                    found, why = organisations.find(text) if text and text.strip() else \
                        (None, "must name a row of the Organisations sheet")
                    if why:
                        self.problem("Targets", n, name, why)
                    if found is not None:
                        values[name] = found.final
                    continue
                value, why = convert(f, raw)
                if why or (value is None and not f.optional):
                    self.problem("Targets", n, name, why or "must not be empty")
                    continue
                values[name] = f.default if value is None and f.default is not None else value
            if _DUE.fullmatch(str(values.get("due") or "")) is None and values.get("due"):
                self.problem("Targets", n, "due", f"{values['due']!r} is not a date written "
                             "YYYY-MM-DD")
            given = self.claim(cells.get("id"), "Targets", n, "id")
            target_id = given or unique(slug(str(values.get("name") or ""), "target"),
                                        self.taken)
            self.taken.add(target_id)
            if len(values) == len(TARGET_FIELDS):
                targets.append(Target(target_id, **values))
        return targets

    def read_nodes(self, sheet: Sheet) -> None:
        links = [c.name for c in sheet.columns if c.ref or c.name in ("part_of_id", "serves_ids")]
        for n, cells in self.records(sheet):
            kind = str(NODE_SHEETS[sheet.name])
            if "kind" in cells and not is_blank(cells["kind"]):
                kind, why = convert(KIND_FIELD, cells["kind"])
                if why:
                    self.problem(sheet.name, n, "kind", why)
                    kind = "service"
            values = self.fields(sheet, n, cells, kind)
            if kind in ("access_point", "exit"):  # may sit under an organisation (its ED)
                for name in links:
                    if name not in END_LINKS and not is_blank(cells.get(name)):
                        self.problem(sheet.name, n, name, "only services have this field, not "
                                     f"{KIND_LABELS[NodeKind(kind)]}s")
            self.claim(cells.get("part_of_id"), sheet.name, n, "part_of_id")
            for part in split_list(text_of(cells.get("serves_ids"))):
                self.claim(part, sheet.name, n, "serves_ids")
            self.rows[sheet.name].append(_Row(
                sheet.name, n, kind, self.claim(cells.get("id"), sheet.name, n, "id"), values,
                {name: text_of(cells.get(name)) for name in links},
                part_of=self.link_provenance(sheet.name, n, cells)))

    def link_provenance(self, sheet: str, n: int, cells: dict) -> dict[str, object]:
        """The source, as-of date and verified of a row's link to its parent, from the
        ``part_of_*`` columns, by the link's field names (only what is given)."""
        return {PART_OF_PROVENANCE[column].name: value for column, value
                in self.given(sheet, n, cells, PART_OF_PROVENANCE).items()}

    def given(self, sheet: str, n: int, cells: dict, fields: dict[str, Field]) \
            -> dict[str, object]:
        """The converted values of the cells a row gives for ``fields`` (column -> field),
        by column; a problem for each value not allowed."""
        out = {}
        for column, f in fields.items():
            raw = cells.get(column)
            if raw is None or raw == "" or (f.type is not str and is_blank(raw)):
                continue  # text keeps its spaces, as every other text cell does
            value, why = convert(f, raw)
            if why:
                self.problem(sheet, n, column, why)
            else:
                out[column] = value
        return out

    def read_flows(self) -> None:
        sheet = SHEET["Flows"]
        for n, cells in self.records(sheet):
            values = self.fields(sheet, n, cells, "flow")
            ends = {name: text_of(cells.get(name)) for name in ("from", "to")}
            for name, text in ends.items():
                if (not text or not text.strip()) and name in self.present["Flows"]:
                    self.problem("Flows", n, name, "must name a row of the Services sheet")
            self.rows["Flows"].append(_Row("Flows", n, "flow",
                                           self.claim(cells.get("id"), "Flows", n, "id"),
                                           values, ends))

    def read_pathways(self) -> None:
        lines = []
        for n, cells in self.records(SHEET["Pathways"]):
            pid = text_of(cells.get("pathway_id"))
            name = (text_of(cells.get("pathway")) or "").strip()
            if not name and not (pid and pid.strip()):
                self.problem("Pathways", n, "pathway", "must not be empty")
                continue
            lines.append((n, pid if pid and pid.strip() else None, name, cells))
        named = {}
        for _n, pid, name, _cells in lines:
            if pid is not None and name:
                named.setdefault(name, set()).add(pid)
        groups: dict[tuple, _Row] = {}
        for n, pid, name, cells in lines:
            if pid is None and len(named.get(name, ())) == 1:
                pid = next(iter(named[name]))
            group_key = ("id", pid) if pid is not None else ("name", name)
            row = groups.get(group_key)
            if row is None:
                row = groups[group_key] = _Row("Pathways", n, "pathway",
                                               self.claim(pid, "Pathways", n, "pathway_id"),
                                               {"name": name, "description": "",
                                                **dict.fromkeys(PATHWAY_FIELDS)}, {"steps": {}})
            self.read_pathway_provenance(row, n, cells)
            for column, text in (("name", name), ("description",
                                                  text_of(cells.get("description")) or "")):
                if text and not row.values[column]:
                    row.values[column] = text
                elif text and text != row.values[column]:
                    self.problem("Pathways", n, "pathway" if column == "name" else column,
                                 f"differs from row {row.row} of the same pathway")
            self.read_step(row, n, cells)
        for row in groups.values():
            if not row.values["name"]:
                self.problem("Pathways", row.row, "pathway", "must not be empty")
        self.rows["Pathways"] = list(groups.values())

    def read_pathway_provenance(self, row: _Row, n: int, cells: dict) -> None:
        """A pathway's source, as-of date and verified, from whichever of its rows gives them
        (a second, different value is a problem)."""
        for name, value in self.given("Pathways", n, cells, PATHWAY_FIELDS).items():
            if row.values[name] is None:
                row.values[name] = value
            elif value != row.values[name]:
                self.problem("Pathways", n, name, f"differs from row {row.row} of the same "
                             "pathway")

    def read_step(self, row: _Row, n: int, cells: dict) -> None:
        service, step = text_of(cells.get("service")), cells.get("step")
        if is_blank(service) and is_blank(step):
            return
        if is_blank(service):
            self.problem("Pathways", n, "service", "must name a row of the Services sheet")
            return
        number, why = convert(STEP, step)
        if why or number is None:
            self.problem("Pathways", n, "step", why or "must be a step number: 1, 2, 3, ...")
        elif number in row.cells["steps"]:
            self.problem("Pathways", n, "step", f"step {number} is given twice (also on row "
                         f"{row.cells['steps'][number][1]})")
        else:
            row.cells["steps"][number] = (service, n)

    # ----- ids, references, records ---------------------------------------------------------
    def build(self) -> Document:
        map_fields = self.read_map()
        for sheet in SHEETS[:4]:
            self.read_nodes(sheet)
        self.read_flows()
        self.read_pathways()
        notes = self.read_notes()
        taken = Taken(self.claimed)
        for name in (*NODE_SHEETS, "Pathways"):
            for r in self.rows[name]:
                r.final = r.id if r.id is not None else unique(
                    slug(str(r.values.get("name") or ""), r.kind.replace("_", "-")), taken)
                taken.add(r.final)
        self.taken = taken
        index = {name: _Index(name, self.rows[name], self) for name in NODE_SHEETS}
        targets = self.read_targets(index["Organisations"])
        scenarios = self.read_scenarios()
        nodes = [{"id": r.final, "kind": r.kind, **r.values}
                 for name in NODE_SHEETS for r in self.rows[name]]
        edges: list[dict] = []
        self.link_nodes(index, edges)
        self.link_flows(index, edges)
        pathways = []
        for r in self.rows["Pathways"]:
            steps = []
            for number in sorted(r.cells["steps"]):
                text, n = r.cells["steps"][number]
                found, why = index["Services"].find(text)
                if why:
                    self.problem("Pathways", n, "service", why)
                elif found is not None:
                    steps.append(found.final)
            pathways.append(Pathway(r.final, r.values["name"], r.values["description"], steps,
                                    r.values["source"], r.values["as_of"],
                                    bool(r.values["verified"])))
        if self.problems:
            order = {s.name: i for i, s in enumerate(SHEETS)}
            self.problems.sort(key=lambda p: (order.get(p.sheet, -1), p.row or 0))
            raise SheetProblems(self.where, self.problems)
        try:
            return Document.from_records(map_fields, nodes, edges, pathways, notes=notes,
                                         targets=targets, scenarios=scenarios)
        except ValidationError as exc:  # a rule the checks above do not cover
            raise SheetProblems(self.where, [SheetProblem("", None, "", str(exc))]) from None

    def ref(self, r: _Row, column: str, index: _Index) -> _Row | None:
        text = r.cells.get(column)
        if not text or not text.strip():
            return None
        found, why = index.find(text)
        if why:
            self.problem(r.sheet, r.row, column, why)
        return found

    def new_id(self, given: object, base: str) -> str:
        if given:
            return str(given)
        made = unique(base, self.taken)
        self.taken.add(made)
        return made

    def link_nodes(self, index: dict[str, _Index], edges: list[dict]) -> None:
        """part_of and serves links from the Directorates and Services sheets (an access point
        or exit has only its organisation)."""
        org_of: dict[str, str] = {}
        for r in self.rows["Directorates"] + self.rows["Services"]:
            if r.kind in ("access_point", "exit"):
                org = self.ref(r, "organisation", index["Organisations"])
                if org is not None:
                    edges.append({"id": self.new_id(r.cells.get("part_of_id"),
                                                    f"{r.final}-in-{org.final}"),
                                  "kind": "part_of", "source": r.final, "target": org.final,
                                  **r.part_of})
                else:
                    self.unlinked(r)
                continue
            if r.kind not in ("directorate", "service"):
                continue
            parent = org = self.ref(r, "organisation", index["Organisations"])
            if r.kind == "directorate" and org is not None:
                org_of[r.final] = org.final
            if r.kind == "service":
                directorate = self.ref(r, "directorate", index["Directorates"])
                if directorate is not None and org is not None \
                        and org_of.get(directorate.final) != org.final:
                    self.problem(r.sheet, r.row, "organisation", "the directorate "
                                 f"{directorate.values['name']!r} is not part of "
                                 f"{org.values['name']!r}; give the directorate or the "
                                 "organisation, not both")
                parent = directorate or org
            if parent is not None:
                edges.append({"id": self.new_id(r.cells.get("part_of_id"),
                                                f"{r.final}-in-{parent.final}"),
                              "kind": "part_of", "source": r.final, "target": parent.final,
                              **r.part_of})
            else:
                self.unlinked(r)
            names = split_list(r.cells.get("partnerships"))
            ids = split_list(r.cells.get("serves_ids"))
            if ids and len(ids) != len(names):
                self.problem(r.sheet, r.row, "serves_ids", f"gives {len(ids)} ids for "
                             f"{len(names)} partnerships")
                ids = []
            for i, name in enumerate(names):
                found, why = index["Partnerships"].find(name)
                if found is None:
                    if why:
                        self.problem(r.sheet, r.row, "partnerships", why)
                    continue
                edges.append({"id": self.new_id(ids[i] if ids else None,
                                                f"{r.final}-serves-{found.final}"),
                              "kind": "serves", "source": r.final, "target": found.final})

    def unlinked(self, r: _Row) -> None:
        """A row with no parent cannot keep its link's provenance: a problem, not a loss."""
        given = {name: value for name, value in (r.part_of or {}).items() if value}
        named = any(r.cells.get(c) and r.cells[c].strip() for c in ("directorate", "organisation"))
        if given and not named:  # (a name that finds no row is a problem of its own)
            column = next(c for c, f in PART_OF_PROVENANCE.items() if f.name in given)
            self.problem(r.sheet, r.row, column, "describes the link to its directorate or "
                         "organisation, but the row names neither")

    def link_flows(self, index: dict[str, _Index], edges: list[dict]) -> None:
        """Each row one flow: two rows of one type between the same services are two
        parallel flows (the map's checks warn of them)."""
        for r in self.rows["Flows"]:
            src = self.ref(r, "from", index["Services"])
            dst = self.ref(r, "to", index["Services"])
            if src is None or dst is None:
                continue
            why = rules.check_join("flow", src.kind, dst.kind)
            if why:
                self.problem("Flows", r.row, "from" if src.kind == "exit" else "to", why)
                continue
            edges.append({"id": self.new_id(r.id, f"{src.final}-to-{dst.final}"),
                          "kind": "flow", "source": src.final, "target": dst.final,
                          **r.values})


def document_from_tables(tables: list[Table], where: str) -> Document:
    """Build a map from sheets, or raise :class:`SheetProblems` listing every problem."""
    return _Builder(tables, where).build()

