"""CSV files in a folder or a zip: UTF-8 with BOM, formula escaping, exact round trips, bad
encodings and zip bombs refused."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicemap.errors import FileFormatError
from servicemap.graph.document import Document
from servicemap.io import csvfiles, safety
from servicemap.io.sheets import SheetProblems, text_of
from tests.test_sheets import canonical

CELLS = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
TRICKY = st.one_of(CELLS, st.sampled_from(["=1+1", "+44", "-3", "@SUM(A1)", "\t=x", "\r=x",
                                           "'=x", "''", "'", '"quoted"', "a,b", "a;b",
                                           "line\nbreak", "cr\r\nlf", "ünïcødé ☕", ""]))


def cells_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix(csvfiles.BOM), newline="")))


# ----- cells ----------------------------------------------------------------------------------
@settings(max_examples=200)
@given(st.lists(st.lists(TRICKY, min_size=1, max_size=4), min_size=1, max_size=5))
def test_cells_round_trip_exactly_and_are_escaped(rows):
    text = csvfiles.csv_text(rows)
    assert text.startswith(csvfiles.BOM)
    for row in cells_of(text):  # what a spreadsheet sees: nothing it would run
        for cell in row:
            assert not cell or cell[0] not in safety.FORMULA_STARTS
    table = csvfiles.table_from_csv("Services", text.encode("utf-8"))
    assert not table.problems
    assert [n for n, _ in table.rows] == list(range(1, len(rows) + 1))
    for (_, cells), row in zip(table.rows, rows, strict=True):
        assert [text_of(cells.get(i)) or "" for i in range(len(row))] == row


def test_values_are_written_for_excel(sample_doc):
    files = csvfiles.csv_files(sample_doc)
    assert sorted(files) == ["Directorates.csv", "Flows.csv", "Map.csv", "Notes.csv",
                             "Organisations.csv",
                             "Partnerships.csv", "Pathways.csv", "Scenarios.csv", "Services.csv",
                             "Targets.csv"]
    services = files["Services.csv"]
    assert services.startswith(b"\xef\xbb\xbf") and b"\r\n" in services
    rows = cells_of(services.decode("utf-8"))
    crisis = dict(zip(rows[0], next(r for r in rows if r[0] == "crisis"), strict=True))
    assert crisis["capacity"] == "40" and crisis["pct_within_target"] == "87.5"
    assert crisis["pinned"] == "TRUE" and crisis["directorate"] == "Acute directorate"


def test_formula_names_are_escaped_and_come_back(sample_doc, tmp_path):
    for node_id, name in (("crisis", "=HYPERLINK(\"http://x\")"), ("ward", "+ward"),
                          ("cmht", "'=already quoted"), ("gp", "@gp")):
        sample_doc.update_node(node_id, {"name": name})
    sample_doc.update_node("crisis", {"notes": "-5 beds\r\nnext line"})
    csvfiles.write_csv_folder(sample_doc, tmp_path / "out")
    rows = cells_of((tmp_path / "out" / "Services.csv").read_text("utf-8-sig"))
    names = {r[0]: r[2] for r in rows[1:]}
    assert names["crisis"] == "'=HYPERLINK(\"http://x\")" and names["ward"] == "'+ward"
    assert names["cmht"] == "''=already quoted" and names["gp"] == "'@gp"
    back = csvfiles.read_csv_folder(tmp_path / "out")
    assert canonical(back) == canonical(sample_doc)


# ----- folders and zips -----------------------------------------------------------------------
def test_folder_and_zip_round_trip(sample_doc, tmp_path):
    written = csvfiles.write_csv_folder(sample_doc, tmp_path / "csv")
    assert len(written) == 10  # one per sheet, Notes, Targets and Scenarios too
    assert canonical(csvfiles.read_csv_folder(tmp_path / "csv")) == canonical(sample_doc)
    csvfiles.write_csv_zip(sample_doc, tmp_path / "map.zip")
    assert canonical(csvfiles.read_csv_zip(tmp_path / "map.zip")) == canonical(sample_doc)


def test_zip_members_are_readable_by_everyone(sample_doc, tmp_path):
    csvfiles.write_csv_zip(sample_doc, tmp_path / "map.zip")
    with zipfile.ZipFile(tmp_path / "map.zip") as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == csvfiles.csv_file_names()
    assert {(i.create_system, oct(i.external_attr >> 16)) for i in infos} == {(3, "0o100644")}
    assert all(i.date_time[0] >= 2024 and i.compress_type == zipfile.ZIP_DEFLATED
               for i in infos)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_maps_round_trip_through_csv(doc_strategy, data, tmp_path_factory):
    doc = data.draw(doc_strategy)
    folder = tmp_path_factory.mktemp("csv")
    csvfiles.write_csv_folder(doc, folder)
    assert canonical(csvfiles.read_csv_folder(folder)) == canonical(doc)


def test_zip_with_a_top_folder_and_lowercase_names(tmp_path, sample_doc):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in csvfiles.csv_files(sample_doc).items():
            archive.writestr(f"export/{name.lower()}", data)
        archive.writestr("__MACOSX/export/._services.csv", b"\x00\x01")
    assert canonical(csvfiles.read_csv_zip(path)) == canonical(sample_doc)


def test_semicolon_separated_without_bom(tmp_path):
    (tmp_path / "Services.csv").write_bytes("name;kind\nCafé;service\nGP;access_point\n"
                                            .encode())
    (tmp_path / "Flows.csv").write_text("from;to;flow_type\nGP;Café;referral\n", "utf-8")
    doc = csvfiles.read_csv_folder(tmp_path)
    assert doc.counts()["services"] == 1 and doc.counts()["flows"] == 1


def test_not_utf8_is_a_problem_and_nothing_is_imported(tmp_path):
    (tmp_path / "Services.csv").write_bytes("name\nCrisis team\nCaf\u00e9\n".encode("cp1252"))
    with pytest.raises(SheetProblems) as caught:
        csvfiles.read_csv_folder(tmp_path)
    (problem,) = caught.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("Services", 3, "")
    assert problem.reason == "is not UTF-8 text (save it as 'CSV UTF-8' in Excel)"


def test_folder_without_sheets(tmp_path):
    (tmp_path / "notes.txt").write_text("hello", "utf-8")
    with pytest.raises(FileFormatError, match="none of the CSV files"):
        csvfiles.read_csv_folder(tmp_path)


def test_two_files_for_one_sheet(tmp_path):
    (tmp_path / "Services.csv").write_text("name\nA\n", "utf-8")
    (tmp_path / "services.csv").write_text("name\nB\n", "utf-8")
    with pytest.raises(FileFormatError, match="two CSV files for the Services sheet"):
        csvfiles.read_csv_folder(tmp_path)


# ----- hostile files --------------------------------------------------------------------------
def test_zip_bomb_is_refused_before_reading(tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Services.csv", b"name\n" + b"0" * (40 * 2**20))
    assert path.stat().st_size < 2**20
    with pytest.raises(FileFormatError, match="zip bomb"):
        csvfiles.read_csv_zip(path)


def test_zip_over_the_total_limit_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "big.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for i in range(3):
            archive.writestr(f"part{i}.csv", b"x" * 4000)
    monkeypatch.setattr(safety, "MAX_UNZIPPED_BYTES", 10_000)
    with pytest.raises(FileFormatError, match="expands to"):
        csvfiles.read_csv_zip(path)


def test_oversized_and_missing_files(tmp_path, monkeypatch):
    path = tmp_path / "map.zip"
    csvfiles.write_csv_zip(Document(), path)
    monkeypatch.setattr(safety, "MAX_FILE_BYTES", 100)
    with pytest.raises(FileFormatError, match="too large to import"):
        csvfiles.read_csv_zip(path)
    with pytest.raises(FileFormatError, match="does not exist"):
        csvfiles.read_csv_zip(tmp_path / "absent.zip")


def test_not_a_zip(tmp_path):
    path = tmp_path / "fake.zip"
    path.write_text("name\nA\n", "utf-8")
    with pytest.raises(FileFormatError, match="not a zip of CSV files"):
        csvfiles.read_csv_zip(path)
