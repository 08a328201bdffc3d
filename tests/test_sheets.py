"""The spreadsheet model shared by Excel and CSV: rows <-> records, ids, references, and the
all-or-nothing check that lists every problem as (sheet, row, column, reason)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicemap.errors import FileFormatError
from servicemap.io import sheets
from servicemap.io.safety import FORMULA_STARTS, escape_formula, unescape_formula
from servicemap.io.sheet_reader import document_from_tables
from servicemap.io.sheets import SHEET, SheetProblem, SheetProblems, Table

FLOWS = ["id", "from", "to", "flow_type", "volume_per_year"]


def tables_of(rows_by_sheet: dict[str, list[list]]) -> list[Table]:
    """Tables as a writer leaves them: text escaped, empty cells left out."""
    out = []
    for name, rows in rows_by_sheet.items():
        out.append(Table(name, [(n, {i: escape_formula(v) if isinstance(v, str) else v
                                     for i, v in enumerate(row) if v is not None})
                                for n, row in enumerate(rows, start=1)]))
    return out


def canonical(doc) -> tuple:
    """What a spreadsheet keeps: every record by id (empty optional text is unknown; the
    part_of and serves links are columns of their rows, without notes of their own; a part_of
    link keeps its provenance in the part_of_* columns, a serves link not)."""
    lost = {"part_of": {"notes"}, "serves": {"notes", "source_ref", "as_of", "verified"}}

    def clean(attrs: dict) -> dict:
        return {k: (None if v == "" and k != "notes" else v) for k, v in attrs.items()
                if k not in lost.get(attrs.get("kind"), ())}
    nodes = {r["id"]: clean(r) for r in doc.node_records()}
    edges = {r["id"]: clean(r) for r in doc.edge_records()}
    paths = [p.to_dict() for p in doc.pathways.values()]
    notes = [n.to_dict() for n in doc.notes.values()]  # the Notes sheet, in order
    targets = [t.to_dict() for t in doc.targets.values()]  # the Targets sheet, in order
    return nodes, edges, paths, clean(doc.map_fields()), notes, targets


def basic(**extra) -> dict[str, list[list]]:
    rows = {
        "Services": [["kind", "name", "capacity", "pct_within_target"],
                     ["access_point", "GP practice", None, None],
                     [None, "Crisis team", 40, 80],
                     ["service", "Acute ward", 18, None],
                     ["exit", "Recovered", None, None]],
        "Flows": [list(FLOWS), [None, "GP practice", "Crisis team", "referral", 1200],
                  [None, "Crisis team", "Acute ward", "escalation", 90]],
    }
    rows.update(extra)
    return rows


def problems_of(rows: dict[str, list[list]]) -> list[SheetProblem]:
    with pytest.raises(SheetProblems) as caught:
        document_from_tables(tables_of(rows), "test.xlsx")
    return caught.value.problems


# ----- round trips --------------------------------------------------------------------------
def test_sample_round_trips_exactly(sample_doc):
    back = document_from_tables(tables_of(sheets.rows_for(sample_doc)), "sample")
    assert canonical(back) == canonical(sample_doc)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_maps_round_trip(doc_strategy, data):
    doc = data.draw(doc_strategy)
    back = document_from_tables(tables_of(sheets.rows_for(doc)), "random")
    assert canonical(back) == canonical(doc)


def test_repeated_names_are_written_as_ids(sample_doc):
    sample_doc.update_node("ward", {"name": "Crisis team"})
    sample_doc.update_node("cmht", {"name": "crisis"})  # a name that is another row's id
    flows = sheets.rows_for(sample_doc)["Flows"]
    ends = {row[0]: (row[1], row[2]) for row in flows[1:]}
    assert ends["f_crisis_ward"] == ("crisis", "ward")
    assert ends["f_crisis_cmht"] == ("crisis", "cmht")
    assert ends["f_gp_crisis"] == ("GP practice", "crisis")
    back = document_from_tables(tables_of(sheets.rows_for(sample_doc)), "x")
    assert canonical(back) == canonical(sample_doc)


# ----- reading what people type -------------------------------------------------------------
def test_ids_are_made_from_names():
    rows = basic(Services=[["name"], ["Crisis Team (East)"], ["Café"], ["★"]],
                 Flows=[FLOWS])
    rows["Pathways"] = [["pathway"], ["Crisis team"]]
    doc = document_from_tables(tables_of(rows), "x")
    assert sorted(doc.graph.nodes) == ["cafe", "crisis-team-east", "service"]
    assert list(doc.pathways) == ["crisis-team"]


def test_given_ids_are_kept_and_flows_get_readable_ids():
    rows = basic()
    rows["Services"] = [["id", "kind", "name"], ["gp", "access_point", "GP practice"],
                        ["", "service", "Crisis team"], ["w", None, "Acute ward"]]
    doc = document_from_tables(tables_of(rows), "x")
    assert set(doc.graph.nodes) == {"gp", "crisis-team", "w"}
    assert set(doc.edge_ids()) == {"gp-to-crisis-team", "crisis-team-to-w"}


def test_two_rows_of_one_type_are_two_parallel_flows():
    rows = basic()
    rows["Flows"].append([None, "GP practice", "Crisis team", "referral", 3])
    doc = document_from_tables(tables_of(rows), "x")
    flows = doc.find_flows("gp-practice", "crisis-team", "referral")
    assert [doc.edge(f)["volume_per_year"] for f in flows] == [1200, 3]
    again = document_from_tables(tables_of(sheets.rows_for(doc)), "again")
    assert canonical(again) == canonical(doc)


def test_headings_choices_and_references_are_forgiving():
    rows = {"Services": [[" Name ", "Kind", "Age group"], ["Crisis team", "Service", "Adults"],
                         ["GP", "Access point", None]],
            "flows": [["From", "To", "Flow type"], ["gp", "crisis TEAM", "Step-down"]]}
    doc = document_from_tables(tables_of(rows), "x")
    assert doc.node("crisis-team")["age_group"] == "adults"
    assert doc.node("gp")["kind"] == "access_point"
    assert doc.edge("gp-to-crisis-team")["flow_type"] == "step_down"


def test_structure_sheets():
    rows = {
        "Organisations": [["name", "org_type"], ["Kent Trust", "trust"]],
        "Partnerships": [["name", "population"], ["East Kent", "700,000".replace(",", "")]],
        "Directorates": [["name", "organisation", "partnerships"],
                         ["Acute", "Kent Trust", "East Kent"]],
        "Services": [["name", "directorate", "organisation", "partnerships"],
                     ["Crisis team", "Acute", "Kent Trust", "East Kent"],
                     ["Helpline", None, "Kent Trust", None]],
    }
    doc = document_from_tables(tables_of(rows), "x")
    assert doc.parent("crisis-team") == "acute" and doc.parent("helpline") == "kent-trust"
    assert doc.parent("acute") == "kent-trust"
    assert doc.node("east-kent")["population"] == 700000
    kinds = sorted(d["kind"] for *_, d in doc.graph.edges(data=True))
    assert kinds == ["part_of", "part_of", "part_of", "serves", "serves"]


def test_pathways_by_step_number_with_description_on_any_row():
    rows = basic(Pathways=[["pathway", "step", "service", "description"],
                           ["Crisis care", 2, "Crisis team", None],
                           ["Crisis care", 1, "GP practice", "From the GP"],
                           ["Crisis care", 3, "Acute ward", None],
                           ["Waiting", None, None, "No steps yet"]])
    doc = document_from_tables(tables_of(rows), "x")
    crisis, waiting = doc.pathways.values()
    assert crisis.steps == ["gp-practice", "crisis-team", "acute-ward"]
    assert crisis.description == "From the GP"
    assert (waiting.name, waiting.steps, waiting.description) == ("Waiting", [], "No steps yet")


def test_map_sheet_and_defaults():
    doc = document_from_tables(tables_of(basic()), "x")
    assert doc.graph.graph["title"] == "Untitled map"
    rows = basic(Map=[["field", "value"], ["title", "Kent"], ["illustrative", "yes"],
                      ["marking", "official-sensitive"]])
    doc = document_from_tables(tables_of(rows), "x")
    assert doc.graph.graph["title"] == "Kent" and doc.graph.graph["illustrative"] is True
    assert doc.graph.graph["marking"] == "OFFICIAL-SENSITIVE"


def test_no_known_sheet_is_not_a_map():
    with pytest.raises(FileFormatError, match="none of the sheets"):
        document_from_tables([Table("Sheet1", [(1, {0: "a"})])], "odd.xlsx")


# ----- every bad row names sheet, row, column and reason; nothing is built ------------------
@pytest.mark.parametrize(("change", "where", "words"), [
    (lambda r: r["Flows"].append([None, "GP practice", "Day centre", "referral", 5]),
     ("Flows", 4, "to"), "there is no 'Day centre' on the Services sheet"),
    (lambda r: r["Services"].append([None, "Crisis team", None, None]),
     ("Services", 6, "name"), "the name 'Crisis team' is also used on row 3"),
    (lambda r: [row.pop(1) for row in r["Flows"]],
     ("Flows", 1, "from"), "required column is missing"),
    (lambda r: r["Flows"][1].__setitem__(4, -5),
     ("Flows", 2, "volume_per_year"), "must be at least 0 (got -5)"),
    (lambda r: r["Services"][2].__setitem__(3, 120),
     ("Services", 3, "pct_within_target"), "must be at most 100 (got 120)"),
    (lambda r: r["Flows"][1].__setitem__(3, "refer"),
     ("Flows", 2, "flow_type"), "must be one of referral"),
    (lambda r: r["Flows"][1].__setitem__(4, "lots"),
     ("Flows", 2, "volume_per_year"), "must be a number (got 'lots')"),
    (lambda r: r["Services"][1].__setitem__(2, 10),
     ("Services", 2, "capacity"), "only services have this field"),
    (lambda r: r["Flows"].append([None, "Recovered", "Crisis team", "referral", 1]),
     ("Flows", 4, "from"), "a flow cannot go from an exit to a service"),
    (lambda r: r["Services"][0].append("colour"),
     ("Services", 1, "colour"), "is not a column of this sheet"),
    (lambda r: r["Services"][3].__setitem__(0, "ward"),
     ("Services", 4, "kind"), "must be one of service, access_point, exit"),
])
def test_bad_rows(change, where, words):
    rows = basic()
    change(rows)
    problems = problems_of(rows)
    assert len(problems) == 1, problems
    p = problems[0]
    assert (p.sheet, p.row, p.column) == where
    assert words in p.reason


def test_every_problem_is_listed_and_named_in_the_message():
    rows = basic()
    rows["Flows"][1][4] = -1
    rows["Flows"][2][2] = "Nowhere"
    rows["Services"].append([None, "", 5, None])
    with pytest.raises(SheetProblems) as caught:
        document_from_tables(tables_of(rows), "plan.xlsx")
    exc = caught.value
    assert [(p.sheet, p.row, p.column) for p in exc.problems] == [
        ("Services", 6, "name"), ("Flows", 2, "volume_per_year"), ("Flows", 3, "to")]
    assert str(exc).startswith("plan.xlsx has 3 problems, so nothing was imported: Services, "
                               "row 6, column name: must not be empty")
    assert isinstance(exc, FileFormatError)


def test_duplicate_ids_and_steps():
    rows = basic()
    rows["Services"][0].insert(0, "id")
    for i, row in enumerate(rows["Services"][1:]):
        row.insert(0, "same" if i < 2 else None)
    rows["Pathways"] = [["pathway", "step", "service"], ["P", 1, "Acute ward"],
                        ["P", 1, "Recovered"], ["P", "x", "Recovered"]]
    found = {(p.sheet, p.row, p.column): p.reason for p in problems_of(rows)}
    assert "the id 'same' is already used (Services, row 2)" in found[("Services", 3, "id")]
    assert "step 1 is given twice" in found[("Pathways", 3, "step")]
    assert "must be a number" in found[("Pathways", 4, "step")]


def test_directorate_and_organisation_must_agree():
    rows = {"Organisations": [["name"], ["A"], ["B"]],
            "Directorates": [["name", "organisation"], ["D", "A"]],
            "Services": [["name", "directorate", "organisation"], ["S", "D", "B"]]}
    (p,) = problems_of(rows)
    assert (p.sheet, p.row, p.column) == ("Services", 2, "organisation")
    assert "not part of 'B'" in p.reason


# ----- formula escaping ---------------------------------------------------------------------
@given(st.text())
def test_formula_escape_is_exactly_reversible(text):
    escaped = escape_formula(text)
    assert unescape_formula(escaped) == text
    assert not escaped or escaped[0] not in FORMULA_STARTS


@pytest.mark.parametrize(("text", "escaped"), [
    ("=SUM(A1)", "'=SUM(A1)"), ("+44 1234", "'+44 1234"), ("-5", "'-5"), ("@x", "'@x"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("'=x", "''=x"), ("''", "'''"), ("'x", "'x"),
    ("plain", "plain"), ("", ""), ("'", "'"),
])
def test_formula_escape_examples(text, escaped):
    assert escape_formula(text) == escaped


def test_sheet_columns_cover_every_field():
    from servicemap.model import edge_fields, node_fields
    services = {c.name for c in SHEET["Services"].columns}
    assert {f.name for f in node_fields("service")} <= services
    assert {f.name for f in edge_fields("flow")} <= {c.name for c in SHEET["Flows"].columns}
    assert {f.name for f in node_fields("organisation")} <= \
        {c.name for c in SHEET["Organisations"].columns}
