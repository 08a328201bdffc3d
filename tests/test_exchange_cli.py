"""The command line for data exchange: ``template``, ``export`` to xlsx/zip/graphml/drawio or
``--csv DIR``, ``import`` from xlsx/zip/graphml/CSV folder; exit codes 0 and 2."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

from servicemap import store
from servicemap.cli import EXIT_BAD_INPUT, EXIT_OK, main
from servicemap.io import graphml_read
from tests.test_sheets import canonical


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(capsys, *argv) -> str:
    code, out, err = run(capsys, *argv)
    assert code == EXIT_BAD_INPUT and out == ""
    assert err.startswith("servicemap: ") and err.endswith(".\n") and err.count("\n") == 1
    return err


def test_template(tmp_path, capsys):
    out = tmp_path / "template.xlsx"
    assert run(capsys, "template", out) == (EXIT_OK, "", "")
    assert "Services" in openpyxl.load_workbook(out).sheetnames
    assert "already exists" in one_line_error(capsys, "template", out)
    assert run(capsys, "template", out, "--force")[0] == EXIT_OK
    assert "use .xlsx" in one_line_error(capsys, "template", tmp_path / "t.csv")
    back = tmp_path / "template.smap"
    assert run(capsys, "import", out, back) == (EXIT_OK, "", "")
    assert store.load(back).counts()["services"] == 3


@pytest.mark.parametrize("suffix", [".xlsx", ".zip", ".graphml"])
def test_export_then_import_round_trips(saved_map, sample_doc, tmp_path, capsys, suffix):
    out, back = tmp_path / f"map{suffix}", tmp_path / "back.smap"
    assert run(capsys, "export", saved_map, out) == (EXIT_OK, "", "")
    assert run(capsys, "import", out, back) == (EXIT_OK, "", "")
    assert canonical(store.load(back)) == canonical(sample_doc)


def test_export_csv_folder_and_import_it(saved_map, sample_doc, tmp_path, capsys):
    folder = tmp_path / "csv"
    assert run(capsys, "export", saved_map, "--csv", folder) == (EXIT_OK, "", "")
    assert (folder / "Services.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert "Organisations.csv already exists" in one_line_error(capsys, "export", saved_map,
                                                           "--csv", folder)
    assert run(capsys, "export", saved_map, "--csv", folder, "--force")[0] == EXIT_OK
    back = tmp_path / "back.smap"
    assert run(capsys, "import", folder, back) == (EXIT_OK, "", "")
    assert canonical(store.load(back)) == canonical(sample_doc)


def test_export_drawio(saved_map, tmp_path, capsys):
    out = tmp_path / "map.drawio"
    assert run(capsys, "export", saved_map, out) == (EXIT_OK, "", "")
    assert out.read_text("utf-8").startswith("<mxfile")


@pytest.mark.parametrize(("argv", "words"), [
    (["export", "{map}"], "export needs OUT or --csv DIR (see 'servicemap export --help')"),
    (["export", "{map}", "{tmp}/o.xlsx", "--csv", "{tmp}/d"], "not both"),
    (["export", "{map}", "--csv", "{tmp}/no/such/dir"], "does not exist"),
    (["export", "{map}", "--csv", "{map}"], "is a file, not a folder"),
    (["export", "{map}", "{tmp}/o.txt"], "use .json or"),
    (["import", "{tmp}/in.csv", "{tmp}/o.smap"], "use .json, "),
])
def test_bad_arguments(saved_map, tmp_path, capsys, argv, words):
    (tmp_path / "in.csv").write_text("name\nA\n", "utf-8")
    argv = [a.format(map=saved_map, tmp=tmp_path) for a in argv]
    assert words in one_line_error(capsys, *argv)
    assert not (tmp_path / "o.smap").exists() and not (tmp_path / "o.xlsx").exists()


def test_sheet_problems_are_listed_one_per_line(tmp_path, capsys):
    source = tmp_path / "plan.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Services"
    ws.append(["name", "pct_within_target"])
    ws.append(["Crisis team", 120])
    ws.append(["Crisis team", 50])
    flows = wb.create_sheet("Flows")
    flows.append(["from", "to", "flow_type", "volume_per_year"])
    flows.append(["Crisis team", "Day centre", "referral", -5])
    wb.save(source)
    out = tmp_path / "plan.smap"
    code, stdout, err = run(capsys, "import", source, out)
    assert code == EXIT_BAD_INPUT and stdout == ""
    lines = err.splitlines()
    assert lines == [
        "plan.xlsx: Services, row 2, column pct_within_target: must be at most 100 (got 120)",
        "plan.xlsx: Services, row 3, column name: the name 'Crisis team' is also used on row "
        "2; names must differ (or give each row its own id)",
        "plan.xlsx: Flows, row 2, column volume_per_year: must be at least 0 (got -5)",
        "plan.xlsx: Flows, row 2, column to: there is no 'Day centre' on the Services sheet",
        "servicemap: plan.xlsx has 4 problems, so nothing was imported.",
    ]
    assert not out.exists()


def test_hostile_files_exit_2(tmp_path, capsys):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Services.csv", b"name\n" + b"0" * (40 * 2**20))
    assert "zip bomb" in one_line_error(capsys, "import", bomb, tmp_path / "o.smap")
    lol = tmp_path / "lol.graphml"
    lol.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><graphml/>', "utf-8")
    assert "DTD" in one_line_error(capsys, "import", lol, tmp_path / "o.smap")
    assert not (tmp_path / "o.smap").exists()


def test_graphml_from_another_tool(tmp_path, capsys):
    source = tmp_path / "g.graphml"
    source.write_text("""<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
<graph edgedefault="directed"><node id="a"/><node id="b"/><edge source="a" target="b"/>
</graph></graphml>""", "utf-8")
    out = tmp_path / "g.smap"
    assert run(capsys, "import", source, out) == (EXIT_OK, "", (
        "g.graphml: imported with 2 notes on what was filled in or changed:\n"
        "  Kind set to service for 2 nodes with none.\n"
        "  Kind set to flow, type referral, for 1 edge with none.\n"))
    assert store.load(out).counts()["flows"] == 1
    assert graphml_read.read_graphml(source).counts()["services"] == 2
