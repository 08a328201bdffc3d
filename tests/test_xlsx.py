"""Excel workbooks: the template, exact round trips, formulas, escaping and hostile files."""

from __future__ import annotations

import datetime
import io
import re
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from servicemap import demo
from servicemap.errors import FileFormatError, SaveError
from servicemap.io import safety, sheets, xlsx
from servicemap.io.sheets import SHEETS, SheetProblems
from tests.test_sheets import canonical

SHEET_NAMES = ["Instructions", *(s.name for s in SHEETS), "Lists"]


def rewrite(path, member: str, change) -> None:
    """Change one part of a workbook in place (``change(text) -> text``)."""
    with zipfile.ZipFile(path) as src:
        parts = {info.filename: src.read(info) for info in src.infolist()}
    parts[member] = change(parts[member].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)


def sheet_member(path, sheet: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return dict(xlsx._sheet_paths(archive, "x")[0])[sheet]


# ----- the template ---------------------------------------------------------------------------
def test_template_has_sheets_headers_dropdowns_and_examples(tmp_path):
    path = tmp_path / "template.xlsx"
    xlsx.write_template(path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == SHEET_NAMES
    assert wb["Lists"].sheet_state == "hidden"
    assert "Leave the id columns empty" in "\n".join(
        str(c.value) for c in wb["Instructions"]["A"])
    for sheet in SHEETS:
        ws = wb[sheet.name]
        assert [c.value for c in ws[1]] == [c.name for c in sheet.columns]
        assert ws.max_row > 1, sheet.name  # example rows
        assert all(c.value is None for c in ws["A"][1:] if sheet.name != "Map")  # ids empty
    services = wb["Services"]
    ranges = {str(dv.sqref): dv for dv in services.data_validations.dataValidation}
    headers = [c.value for c in services[1]]

    def validation(column: str):
        col = openpyxl.utils.get_column_letter(headers.index(column) + 1)
        return ranges[f"{col}2:{col}1048576"]

    assert validation("kind").showErrorMessage  # kinds: only the listed values
    assert not validation("category").showErrorMessage  # categories: suggestions
    assert validation("age_group").formula1.startswith("Lists!")
    assert validation("directorate").formula1.startswith("'Directorates'!")
    flows = wb["Flows"]
    flow_ranges = [dv.formula1 for dv in flows.data_validations.dataValidation]
    assert any(f.startswith("Lists!") for f in flow_ranges)  # flow types
    lists = [[c.value for c in col if c.value is not None] for col in wb["Lists"].columns]
    assert ["service", "access_point", "exit"] in lists
    assert ["referral", "transfer", "discharge", "step_down", "escalation", "transition",
            "signpost"] in lists
    assert any("trust" in col and "council" in col for col in lists)  # organisation types
    assert any("crisis" in col and "perinatal" in col for col in lists)  # categories
    assert wb["Organisations"].freeze_panes == "A2"


def test_template_fill_import_export_import(tmp_path):
    path = tmp_path / "filled.xlsx"
    xlsx.write_template(path)
    wb = openpyxl.load_workbook(path)  # as a planner would, in a spreadsheet
    services = wb["Services"]
    services.append(["", "service", "Home treatment", "Acute and crisis", None, "North HCP",
                     "crisis", "adults", 25, "caseload"])
    services.append([None, "exit", "Moved away"])
    wb["Flows"].append([None, "Crisis team", "Home treatment", "step_down", 120])
    wb["Flows"].append([None, "Home treatment", "Moved away", "discharge", None, 3])
    wb["Pathways"].append([None, "Home first", "Treated at home", 1, "GP practice"])
    wb["Pathways"].append([None, "Home first", None, 2, "Crisis team"])
    wb["Pathways"].append([None, "Home first", None, 3, "Home treatment"])
    wb.save(path)
    first = xlsx.read_xlsx(path)
    assert first.node("home-treatment")["capacity"] == 25
    assert first.parent("home-treatment") == "acute-and-crisis"
    assert first.pathways["home-first"].steps == ["gp-practice", "crisis-team",
                                                  "home-treatment"]
    assert first.graph.graph["title"] == "Example map (replace with yours)"
    again = tmp_path / "again.xlsx"
    xlsx.write_xlsx(first, again)
    assert canonical(xlsx.read_xlsx(again)) == canonical(first)


# ----- round trips ----------------------------------------------------------------------------
def test_sample_round_trips_exactly(sample_doc, tmp_path):
    path = tmp_path / "sample.xlsx"
    xlsx.write_xlsx(sample_doc, path)
    assert canonical(xlsx.read_xlsx(path)) == canonical(sample_doc)


def test_synthetic_map_round_trips(tmp_path):
    doc = demo.synthetic(120)
    xlsx.write_xlsx(doc, tmp_path / "s.xlsx")
    assert canonical(xlsx.read_xlsx(tmp_path / "s.xlsx")) == canonical(doc)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_maps_round_trip(doc_strategy, data, tmp_path_factory):
    doc = data.draw(doc_strategy)
    path = tmp_path_factory.mktemp("x") / "map.xlsx"
    xlsx.write_xlsx(doc, path)
    assert canonical(xlsx.read_xlsx(path)) == canonical(doc)


@pytest.mark.parametrize("text", ["=1+1", "+44", "'=x", "_x0041_ stays", "tab\there",
                                  "bell\x07 and nul\x00", "cr\r\nlf", "  spaced  ", "☕ café"])
def test_text_cells_round_trip(sample_doc, tmp_path, text):
    sample_doc.update_node("crisis", {"notes": text, "location": text})
    path = tmp_path / "t.xlsx"
    xlsx.write_xlsx(sample_doc, path)
    back = xlsx.read_xlsx(path)
    assert back.node("crisis")["notes"] == text and back.node("crisis")["location"] == text


def test_formula_text_is_stored_as_quoted_text(sample_doc, tmp_path):
    sample_doc.update_node("crisis", {"name": "=HYPERLINK(\"http://evil\",\"x\")"})
    path = tmp_path / "f.xlsx"
    xlsx.write_xlsx(sample_doc, path)
    ws = openpyxl.load_workbook(path)["Services"]
    cell = next(r[2] for r in ws.iter_rows(min_row=2) if r[0].value == "crisis")
    # Excel's quote prefix, as typing '=HYPERLINK(...) in Excel stores it: no apostrophe shows
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(\"http://evil\",\"x\")"
    assert cell.quotePrefix
    assert xlsx.read_xlsx(path).node("crisis")["name"] == "=HYPERLINK(\"http://evil\",\"x\")"


@pytest.mark.parametrize("text", ["=1+1", "'=1+1", "''=x", "'", "'plain", "+44 1622", "-",
                                  "@home", "\t=x", "plain"])
def test_quote_prefixed_text_round_trips_exactly(sample_doc, tmp_path, text):
    sample_doc.update_node("crisis", {"notes": text, "location": text})
    path = tmp_path / "q.xlsx"
    xlsx.write_xlsx(sample_doc, path)
    ws = openpyxl.load_workbook(path)["Services"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "crisis")
    notes = next(c for c in row if ws.cell(1, c.column).value == "notes")
    if text[0] in "=+-@\t":
        assert notes.value == text and notes.quotePrefix  # Excel's own quote prefix
    else:  # a quote of its own: one more shows (LibreOffice would drop the prefix)
        assert notes.value == safety.escape_formula(text) and not notes.quotePrefix
    back = xlsx.read_xlsx(path).node("crisis")
    assert back["notes"] == text and back["location"] == text


def test_old_files_with_a_visible_quote_still_read(tmp_path):
    path = build(tmp_path, lambda wb, ws: ws.append(["Crisis team", None, "'=1+1"]))
    assert xlsx.read_xlsx(path).node("crisis-team")["notes"] == "=1+1"


def test_text_too_long_for_a_cell(sample_doc, tmp_path):
    sample_doc.update_node("crisis", {"notes": "x" * 40_000})
    with pytest.raises(SaveError, match="too long for an Excel cell"):
        xlsx.write_xlsx(sample_doc, tmp_path / "long.xlsx")
    assert not (tmp_path / "long.xlsx").exists()


# ----- what Excel users do --------------------------------------------------------------------
def build(tmp_path, fill) -> str:
    path = tmp_path / "typed.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Services"
    ws.append(["name", "capacity", "notes"])
    fill(wb, ws)
    wb.save(path)
    return path


def test_formula_without_a_saved_value_is_a_problem(tmp_path):
    path = build(tmp_path, lambda wb, ws: ws.append(["Crisis team", "=10*4"]))
    with pytest.raises(SheetProblems) as caught:
        xlsx.read_xlsx(path)
    (p,) = caught.value.problems
    assert (p.sheet, p.row, p.column) == ("Services", 2, "B")
    assert p.reason == ("formulas are not allowed (this cell has the formula =10*4 and no "
                        "saved value); type the value instead")


@pytest.mark.parametrize(("formula", "value"), [
    ("=TRUE()", True), ("=FALSE()", False), ("=TRUE", True), ("=false", False),
    ("= TRUE ( )", True), ("=12", 12), ("=-3.5", -3.5),
    ('="Open ""all"" hours"', 'Open "all" hours'),
])
def test_a_constant_formula_without_a_saved_value_is_its_constant(tmp_path, formula, value):
    path = build(tmp_path, lambda wb, ws: ws.append(["Crisis team", None, formula]))
    assert xlsx.constant(formula) == value
    notes = xlsx.read_xlsx(path).node("crisis-team")["notes"]
    assert notes == sheets.text_of(value)


def test_formula_with_a_saved_value_uses_the_value(tmp_path):
    path = build(tmp_path, lambda wb, ws: ws.append(["Crisis team", "=10*4"]))
    member = sheet_member(path, "Services")
    rewrite(path, member, lambda text: re.sub(r"<f>10\*4</f>(<v\s*/>|<v></v>)?",
                                              "<f>10*4</f><v>40</v>", text))
    assert xlsx.read_xlsx(path).node("crisis-team")["capacity"] == 40


def test_dates_numbers_and_booleans_typed_in_excel(tmp_path):
    def fill(wb, ws):
        ws.append(["Crisis team", 40.0, 2024])
        meta = wb.create_sheet("Map")
        meta.append(["field", "value"])
        meta.append(["created", datetime.datetime(2026, 1, 31, 9, 30)])
        meta.append(["illustrative", True])
    doc = xlsx.read_xlsx(build(tmp_path, fill))
    assert doc.node("crisis-team")["capacity"] == 40
    assert doc.node("crisis-team")["notes"] == "2024"
    assert doc.graph.graph["created"] == "2026-01-31T09:30:00"
    assert doc.graph.graph["illustrative"] is True


def test_error_cells_and_other_sheets(tmp_path):
    def fill(wb, ws):
        ws.append(["Crisis team", 1])
        wb.create_sheet("My notes").append(["=SUM(1)", "anything"])
    path = build(tmp_path, fill)
    rewrite(path, sheet_member(path, "Services"),
            lambda t: t.replace('<c r="B2" t="n"><v>1</v></c>',
                                '<c r="B2" t="e"><v>#DIV/0!</v></c>'))
    with pytest.raises(SheetProblems) as caught:
        xlsx.read_xlsx(path)
    assert [str(p) for p in caught.value.problems] == [
        "Services, row 2, column B: the cell holds the error #DIV/0!"]


# ----- hostile files --------------------------------------------------------------------------
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>"""


def test_billion_laughs_in_a_sheet_is_refused(sample_doc, tmp_path):
    path = tmp_path / "lol.xlsx"
    xlsx.write_xlsx(sample_doc, path)
    rewrite(path, sheet_member(path, "Services"), lambda _: BILLION_LAUGHS)
    with pytest.raises(FileFormatError, match="DTD or entity declarations"):
        xlsx.read_xlsx(path)


def test_zip_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (60 * 2**20))
    with pytest.raises(FileFormatError, match="zip bomb"):
        xlsx.read_xlsx(path)


@pytest.mark.parametrize(("name", "content", "words"), [
    ("macros.xlsm", b"PK", "cannot hold macros"),
    ("old.xls", b"\xd0\xcf\x11\xe0", "cannot hold macros"),
    ("text.xlsx", b"name,kind\n", "not an Excel workbook"),
])
def test_files_that_are_not_workbooks(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FileFormatError, match=words):
        xlsx.read_xlsx(path)


def test_zip_without_a_workbook(tmp_path):
    path = tmp_path / "odd.xlsx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    path.write_bytes(buffer.getvalue())
    with pytest.raises(FileFormatError, match="no workbook part"):
        xlsx.read_xlsx(path)


def test_presentation_widths_fonts_and_blank_cells(sample_doc, tmp_path):
    sample_doc.update_node("crisis", {"notes": "A long note " * 10, "location": ""})
    path = tmp_path / "look.xlsx"
    xlsx.write_xlsx(sample_doc, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Services"]
    head = [c.value for c in ws[1]]
    width = {name: ws.column_dimensions[get_column_letter(i + 1)].width
             for i, name in enumerate(head)}
    names = [r[head.index("name")].value for r in ws.iter_rows(min_row=2)]
    assert width["name"] == max(len(n) for n in names) + 1  # fitted to the longest name
    assert width["notes"] == 50  # capped
    assert width["id"] == 8  # at least the minimum
    assert width["dna_rate_most_deprived"] == len("dna_rate_most_deprived") + 3
    font = ws["A1"].font
    assert (font.name, font.sz, font.b) == ("Arial", 11, True)
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "crisis")
    location = row[head.index("location")]
    assert location.value is None and location.data_type == "n"  # blank, not ""
