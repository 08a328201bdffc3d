"""The one table of file formats (io.formats, no Qt): lookups by suffix and path, opening a
map, what each dialog lists, the filter strings a file dialog takes, and every reader and
writer driven as File > Import / Export data and the command line drive them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from servicemap import store
from servicemap.errors import FileFormatError
from servicemap.io import formats
from servicemap.io.exchange import write_json
from servicemap.io.formats import (
    CSV_FOLDER,
    CSV_ZIP,
    DRAWIO,
    FORMATS,
    GRAPHML,
    JSON,
    ODS,
    PICTURES,
    SMAP,
    XLSX,
    by_suffix,
    dialog_filters,
    exchange_formats,
    for_path,
    map_format,
    open_map,
    with_suffix,
)


def test_each_suffix_names_one_format():
    suffixes = [s for f in FORMATS for s in f.suffixes]
    assert len(suffixes) == len(set(suffixes))
    assert all(s.startswith(".") and s == s.lower() for s in suffixes)
    assert by_suffix(".XLSX") is XLSX and by_suffix(".smap") is SMAP
    assert by_suffix(".txt") is None and by_suffix("") is None


def test_for_path_knows_a_folder_of_csv_files(tmp_path):
    assert for_path(tmp_path) is CSV_FOLDER
    assert for_path(tmp_path / "map.GraphML") is GRAPHML
    assert for_path(tmp_path / "missing-folder") is None  # no suffix and not a folder


def test_roles():
    assert [f.suffix for f in formats.MAPS] == [".smap", ".json"]
    assert [f.suffix for f in PICTURES] == [".png", ".svg", ".pdf"]
    assert all(f.read is None and f.write is None for f in PICTURES)  # render writes them
    assert {f.role for f in FORMATS} == {formats.MAP, formats.DATA, formats.PICTURE}


def test_open_map_reads_smap_and_json(sample_doc, tmp_path):
    store.save(sample_doc, tmp_path / "a.smap")
    write_json(sample_doc, tmp_path / "a.JSON")
    for name in ("a.smap", "a.JSON"):
        assert open_map(tmp_path / name).counts() == sample_doc.counts(), name
        assert open_map(str(tmp_path / name)).graph.graph["title"] == "Sample map"
    assert map_format(tmp_path / "a.JSON") is JSON and map_format("a.smap") is SMAP


def test_open_map_reads_anything_else_as_smap_and_says_why_not(tmp_path):
    (tmp_path / "notes.txt").write_text("hello", "utf-8")
    assert map_format(tmp_path / "notes.txt") is SMAP
    with pytest.raises(FileFormatError, match="notes.txt"):
        open_map(tmp_path / "notes.txt")


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f.read and f.write],
                         ids=lambda f: f.label)
def test_every_readable_format_reads_back_what_it_wrote(fmt, sample_doc, tmp_path):
    path = tmp_path / ("out" + fmt.suffix)
    fmt.write(sample_doc, path)
    assert for_path(path) is fmt
    back = fmt.read(path)
    assert back.counts() == sample_doc.counts()
    assert {p.name for p in back.pathways.values()} == {"Crisis and back", "Community"}


def test_draw_io_is_written_only(sample_doc, tmp_path):
    assert DRAWIO.read is None
    DRAWIO.write(sample_doc, tmp_path / "map.drawio")
    assert (tmp_path / "map.drawio").read_text("utf-8").startswith("<mxfile")


def test_import_and_export_data_list_data_formats_then_json():
    assert exchange_formats(reads=True) == [XLSX, ODS, CSV_ZIP, GRAPHML, CSV_FOLDER, JSON]
    assert exchange_formats(writes=True) == [XLSX, ODS, CSV_ZIP, GRAPHML, DRAWIO, CSV_FOLDER,
                                             JSON]


def test_dialog_filter_strings():
    assert XLSX.dialog_filter == "Excel workbook (*.xlsx)" and CSV_FOLDER.dialog_filter == ""
    assert dialog_filters(formats.MAPS, all_files=True) == (
        "servicemap map (*.smap);;JSON exchange file (*.json);;All files (*)")
    assert dialog_filters(exchange_formats(reads=True), combined="Maps and data") == (
        "Maps and data (*.xlsx *.ods *.zip *.graphml *.json);;Excel workbook (*.xlsx);;"
        "OpenDocument spreadsheet (*.ods);;CSV files, zipped (*.zip);;"
        "GraphML for yEd, Gephi, Cytoscape (*.graphml);;"
        "JSON exchange file (*.json)")  # no entry for the folder


@pytest.mark.parametrize("typed, chosen, expected", [
    ("/maps/out", "GraphML for yEd, Gephi, Cytoscape (*.graphml)", "/maps/out.graphml"),
    ("/maps/out.XLSX", "JSON exchange file (*.json)", "/maps/out.XLSX"),  # as typed
    ("/maps/Kent v1.2", "Excel workbook (*.xlsx)", "/maps/Kent v1.2.xlsx"),
    ("/maps/out", "Something else (*)", "/maps/out"),  # no format chosen, no default
    ("", "Excel workbook (*.xlsx)", ""),  # cancelled
])
def test_save_dialog_names_get_the_chosen_suffix(typed, chosen, expected):
    assert with_suffix(typed, chosen, exchange_formats(writes=True)) == expected


def test_save_dialog_default_suffix():
    assert with_suffix("/t/template", "", [XLSX], XLSX) == "/t/template.xlsx"
    assert with_suffix("/t/map", "PDF document (*.pdf)", PICTURES, PICTURES[0]) == "/t/map.pdf"


def test_the_table_loads_no_reader_until_one_is_used(child_env):
    """The command line imports the table for every command: openpyxl and the XML readers
    load only when a format that needs them is read or written."""
    code = ("import sys; import servicemap.io.formats as f; "
            "print(sorted(m for m in ('openpyxl', 'servicemap.io.xlsx', 'servicemap.io.graphml',"
            " 'servicemap.store', 'PySide6') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=child_env).stdout
    assert out.strip() == "[]"
