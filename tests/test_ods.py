"""OpenDocument spreadsheets (.ods): export and import of the same sheets as Excel, the
template, LibreOffice's own file (tests/data/README.md), exact text, hostile files."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from servicemap import demo, store
from servicemap.errors import FileFormatError
from servicemap.io import formats, ods, xlsx
from servicemap.io.exchange import to_node_link
from servicemap.io.sheets import SheetProblems
from tests.maps import sample_map
from tests.test_sheets import canonical

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parent.parent


def test_the_bundled_map_round_trips_exactly(tmp_path):
    doc = demo.kent_and_medway()
    ods.write_ods(doc, tmp_path / "km.ods")
    assert canonical(ods.read_ods(tmp_path / "km.ods")) == canonical(doc)


def test_same_sheets_as_the_workbook(tmp_path):
    ods.write_ods(sample_map(), tmp_path / "s.ods")
    xlsx.write_xlsx(sample_map(), tmp_path / "s.xlsx")
    names = [t.name for t in ods.read_tables(tmp_path / "s.ods")]
    assert names == [t.name for t in xlsx.read_tables(tmp_path / "s.xlsx")]
    assert canonical(ods.read_ods(tmp_path / "s.ods")) == \
        canonical(xlsx.read_xlsx(tmp_path / "s.xlsx"))
    with zipfile.ZipFile(tmp_path / "s.ods") as archive:
        first = archive.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        assert archive.read("mimetype") == ods.MIMETYPE.encode()


@pytest.mark.parametrize("text", [
    "two  spaces", " leading", "trailing ", "   ", "tab\there", "line one\nline two",
    "=SUM(A1:A2)", "'=quoted", "''", "+44 1622", "a & b <c>", "carriage\rreturn",
    "three   inner\n\n blank lines ", "@home", "-"])
def test_text_comes_back_exactly(tmp_path, text):
    doc = sample_map()
    doc.update_node("crisis", {"notes": text, "location": text})
    ods.write_ods(doc, tmp_path / "t.ods")
    back = ods.read_ods(tmp_path / "t.ods").node("crisis")
    assert (back["notes"], back["location"]) == (text, text)


def test_libreoffice_s_own_file_reads_as_the_map_it_was_made_from(tmp_path):
    path = DATA / "libreoffice-from-xlsx.ods"
    with zipfile.ZipFile(path) as archive:
        content = archive.read("content.xml").decode()
    assert 'table:formula="of:=TRUE()"' in content
    assert 'table:number-columns-repeated="16361"' in content
    doc = ods.read_ods(path)
    assert canonical(doc) == canonical(sample_map())
    ods.write_ods(doc, tmp_path / "again.ods")
    assert canonical(ods.read_ods(tmp_path / "again.ods")) == canonical(doc)


def test_a_formula_without_a_value(tmp_path):
    ods.write_ods(sample_map(), tmp_path / "f.ods")
    rewritten = tmp_path / "g.ods"
    with zipfile.ZipFile(tmp_path / "f.ods") as src, zipfile.ZipFile(rewritten, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "content.xml":
                text = data.decode()
                text = text.replace('<table:table-cell office:value-type="float" '
                                    'calcext:value-type="float" office:value="40">'
                                    "<text:p>40</text:p></table:table-cell>",
                                    '<table:table-cell table:formula="of:=SUM([.I3:.I4])"/>', 1)
                text = text.replace('<table:table-cell office:value-type="boolean" '
                                    'calcext:value-type="boolean" office:boolean-value="false">'
                                    "<text:p>FALSE</text:p></table:table-cell>",
                                    '<table:table-cell table:formula="of:=TRUE()"/>', 1)
                data = text.encode()
            out.writestr(info, data)
    with pytest.raises(SheetProblems) as caught:
        ods.read_ods(rewritten)
    (problem,) = caught.value.problems
    assert str(problem) == ("Services, row 2, column I: formulas are not allowed (this cell "
                            "has the formula of:=SUM([.I3:.I4]) and no saved value); type the "
                            "value instead")


def test_repeated_cells_have_a_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(ods, "MAX_CELLS", 50)
    ods.write_ods(sample_map(), tmp_path / "s.ods")
    with pytest.raises(FileFormatError, match="repeats its cells more than 50 times"):
        ods.read_ods(tmp_path / "s.ods")


def test_not_a_spreadsheet(tmp_path):
    path = tmp_path / "letter.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<x/>")
    with pytest.raises(FileFormatError, match="letter.ods is not an OpenDocument spreadsheet"):
        ods.read_ods(path)
    path.write_bytes(b"not a zip")
    with pytest.raises(FileFormatError, match="not an OpenDocument spreadsheet"):
        ods.read_ods(path)


def test_registered_for_the_command_line_and_the_window():
    assert formats.by_suffix(".ODS") is formats.ODS
    assert formats.ODS in formats.exchange_formats(reads=True)
    assert formats.ODS in formats.exchange_formats(writes=True)
    assert formats.TEMPLATES == (formats.XLSX, formats.ODS)
    assert "OpenDocument spreadsheet (*.ods)" in formats.dialog_filters(formats.exchange_formats())


def test_command_line_export_template_and_import(tmp_path, child_env):
    def run(*argv):
        return subprocess.run([sys.executable, "-m", "servicemap", *map(str, argv)],
                              capture_output=True, text=True, cwd=REPO, timeout=120,
                              env=child_env)
    saved = tmp_path / "s.smap"
    store.save(sample_map(), saved)
    assert run("export", saved, tmp_path / "s.ods").returncode == 0
    proc = run("import", tmp_path / "s.ods", tmp_path / "back.smap")
    assert (proc.returncode, proc.stderr) == (0, "")
    assert to_node_link(store.load(tmp_path / "back.smap"))["nodes"] == \
        to_node_link(sample_map())["nodes"]
    assert run("template", tmp_path / "t.ods").returncode == 0
    assert run("import", tmp_path / "t.ods", tmp_path / "t.smap").returncode == 0
    assert store.load(tmp_path / "t.smap").counts()["services"] == 3
    bad = run("template", tmp_path / "t.csv")
    assert bad.returncode == 2 and "use .xlsx or .ods" in bad.stderr


def test_our_ods_through_libreoffice_to_xlsx_reads_as_the_map():
    """tests/data/libreoffice-from-ods.xlsx: this module's .ods, saved as .xlsx by LibreOffice."""
    assert canonical(xlsx.read_xlsx(DATA / "libreoffice-from-ods.xlsx")) == canonical(sample_map())
