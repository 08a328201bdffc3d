"""One table of results to take away (io/table_file.py, no Qt): CSV, tab-separated text and
HTML for the clipboard, and an Excel workbook; nothing a spreadsheet could run as a formula,
numbers exact, percentages as percentages."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest

from servicemap.errors import SaveError
from servicemap.io.table_file import (
    ResultTable,
    csv_text,
    html_text,
    sheet_name,
    tsv_text,
    write_csv,
    write_xlsx,
)

TABLE = ResultTable(
    "Load: north / south?", ["Service", "People", "Load", "Note"],
    [["=SUM(A1:A9)", 1200, 1.575, "two\tcolumns\nand lines"],
     ["-1 team", 12.5, "unknown", "+44 phone"],
     ["Plain", 0, 0.0, "'quoted"]],
    [None, "#,##0", "0%", None], ["About it"])


def test_csv_is_formula_safe_and_exact(tmp_path):
    rows = list(csv.reader(io.StringIO(csv_text(TABLE))))
    assert rows == [["Service", "People", "Load", "Note"],
                    ["'=SUM(A1:A9)", "1200", "157.5%", "two\tcolumns\nand lines"],
                    ["'-1 team", "12.5", "unknown", "'+44 phone"],
                    ["Plain", "0", "0%", "'quoted"]]
    path = tmp_path / "t.csv"
    write_csv(TABLE, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfService,")


def test_tab_separated_text_keeps_one_cell_per_value():
    lines = tsv_text(TABLE).split("\r\n")
    assert lines[1] == "'=SUM(A1:A9)\t1200\t157.5%\ttwo columns and lines"
    assert [len(line.split("\t")) for line in lines[:-1]] == [4, 4, 4, 4]


def test_html_marks_text_as_text_and_numbers_with_their_value():
    text = html_text(TABLE)
    cells = re.findall(r"<t[dh]([^>]*)>([^<]*)</t[dh]>", text)
    assert len(cells) == 16
    formula = next(attrs for attrs, shown in cells if shown == "=SUM(A1:A9)")
    assert 'sdnum="1033;0;@"' in formula and "mso-number-format:'\\@'" in formula
    load = next(attrs for attrs, shown in cells if shown == "157.5%")
    assert 'sdval="1.575"' in load and 'x:num="1.575"' in load and "0%" in load


def test_workbook_cells_are_typed_and_never_formulas(tmp_path):
    path = tmp_path / "t.xlsx"
    write_xlsx(TABLE, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Load  north   south"]
    assert [c.value for c in ws[1]] == TABLE.header
    formula, people, load = ws["A2"], ws["B2"], ws["C2"]
    assert formula.value == "=SUM(A1:A9)" and formula.data_type == "s" and formula.quotePrefix
    assert ws["A3"].quotePrefix and ws["D3"].quotePrefix and not ws["A4"].quotePrefix
    assert (people.value, people.number_format) == (1200, "#,##0")
    assert (load.value, load.number_format) == (1.575, "0%")
    assert ws["C3"].value == "unknown" and ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:D4"
    assert [r[0].value for r in wb["About"].iter_rows()] == ["About it"]


def test_sheet_names_excel_accepts():
    assert sheet_name("Target: waits (87%)") == "Target  waits (87%)"
    assert len(sheet_name("x" * 40)) == 31 and sheet_name("[]") == "Results"


def test_a_cell_too_long_for_excel_is_refused_in_a_sentence(tmp_path):
    table = ResultTable("t", ["a"], [["x" * 40_000]])
    with pytest.raises(SaveError, match="too long for an Excel cell"):
        write_xlsx(table, tmp_path / "t.xlsx")
    assert not (tmp_path / "t.xlsx").exists()
