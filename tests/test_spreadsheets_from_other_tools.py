"""Workbooks that went through LibreOffice and then a script (tests/data/README.md): read,
compared with the map they were made from, and round-tripped."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from servicemap.io import xlsx
from servicemap.io.sheets import SheetProblems
from tests.maps import sample_map
from tests.test_sheets import canonical

DATA = Path(__file__).parent / "data"
FILLED = DATA / "libreoffice-then-openpyxl.xlsx"


def test_the_fixture_has_libreoffice_s_formulas_without_saved_values():
    wb = openpyxl.load_workbook(FILLED)
    pinned = [c.value for c in wb["Services"]["U"][1:]]
    assert pinned == ["=TRUE()", "=FALSE()", "=FALSE()", "=FALSE()", "=FALSE()", "=TRUE"]
    values = openpyxl.load_workbook(FILLED, data_only=True)
    assert all(c.value is None for c in values["Services"]["U"][1:])


def test_libreoffice_then_openpyxl_reads_as_the_map_it_was_made_from():
    doc = xlsx.read_xlsx(FILLED)
    nodes, edges, paths, fields, notes, targets = canonical(doc)
    want_nodes, want_edges, want_paths, want_fields, _, _ = canonical(sample_map())
    assert notes == [] and targets == []  # the file has no Notes or Targets sheet
    added = {n for n in nodes if n not in want_nodes}
    assert added == {"home-treatment-team"}
    home = nodes.pop("home-treatment-team")
    assert (home["pinned"], home["capacity"], home["kind"]) == (True, 12, "service")
    assert nodes == want_nodes and edges == want_edges and paths == want_paths
    assert fields == want_fields
    assert doc.node("crisis")["pinned"] is True and doc.node("ward")["pinned"] is False


def test_it_round_trips(tmp_path):
    doc = xlsx.read_xlsx(FILLED)
    out = tmp_path / "again.xlsx"
    xlsx.write_xlsx(doc, out)
    assert canonical(xlsx.read_xlsx(out)) == canonical(doc)


def test_any_other_formula_without_a_value_is_named_with_its_cell(tmp_path):
    path = tmp_path / "summed.xlsx"
    shutil.copy(FILLED, path)
    wb = openpyxl.load_workbook(path)
    wb["Services"]["I3"] = "=SUM(I2:I2)"
    wb.save(path)
    with pytest.raises(SheetProblems) as caught:
        xlsx.read_xlsx(path)
    (p,) = caught.value.problems
    assert str(p) == ("Services, row 3, column I: formulas are not allowed (this cell has the "
                      "formula =SUM(I2:I2) and no saved value); type the value instead")
