"""Provenance: source, as_of and verified on every node and edge; the schema migration; every
exchange format; ``validate --stale DATE``; the "facts as of" line under exported pictures."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from servicemap import store
from servicemap.errors import ValidationError
from servicemap.graph import provenance
from servicemap.io import xlsx
from servicemap.io.exchange import to_node_link, write_json
from tests.conftest import as_version
from tests.maps import sample_map
from tests.pdftext import pdf_lines
from tests.roundtrip import FORMATS, assert_kept, through

REPO = Path(__file__).resolve().parent.parent


def dated() -> object:
    doc = sample_map()
    doc.update_node("crisis", {"source": "https://www.kmpt.nhs.uk/our-services",
                               "as_of": "2023-04-01", "verified": True})
    doc.update_node("org1", {"source": "KMPT annual report 2024", "as_of": "2024-07-31"})
    doc.update_node("gp", {"as_of": "2017-09-30"})
    doc.update_edge("f_gp_crisis", {"source_ref": "Illustrative (team estimate)",
                                    "as_of": "2025-01-15", "verified": False})
    doc.update_edge("po_crisis", {"source_ref": "KMPT operational model", "as_of": "2023-04-01",
                                  "verified": True})
    return doc


# ----- the model ------------------------------------------------------------------------------
def test_new_items_carry_unknown_provenance_and_are_not_verified():
    doc = sample_map()
    assert (doc.node("ward")["source"], doc.node("ward")["as_of"]) == (None, None)
    assert doc.node("ward")["verified"] is False
    assert doc.edge("f_crisis_ward")["source_ref"] is None
    assert doc.edge("f_crisis_ward")["verified"] is False


@pytest.mark.parametrize("bad", ["31/03/2025", "2025-02-30", "2025-3-1", "yesterday",
                                 "20250331"])
def test_a_bad_date_is_refused_in_one_sentence_naming_the_item(bad):
    doc = sample_map()
    with pytest.raises(ValidationError) as info:
        doc.update_node("crisis", {"as_of": bad})
    message = str(info.value)
    assert message.startswith('service "Crisis team"')
    assert f"as of must be a date written YYYY-MM-DD, such as 2025-03-31 (got {bad!r})" in \
        message
    assert message.count(". ") == 0
    with pytest.raises(ValidationError, match=r'^flow "GP practice" -> "Crisis team"'):
        doc.update_edge("f_gp_crisis", {"as_of": bad})
    assert doc.node("crisis")["as_of"] is None


def test_an_empty_date_is_unknown_and_surrounding_spaces_go():
    doc = sample_map()
    doc.update_node("crisis", {"as_of": " 2024-01-31 "})
    assert doc.node("crisis")["as_of"] == "2024-01-31"
    doc.update_node("crisis", {"as_of": "  "})
    assert doc.node("crisis")["as_of"] is None


def test_a_file_with_a_bad_date_is_refused_naming_the_item(tmp_path):
    path = tmp_path / "m.smap"
    store.save(sample_map(), path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE nodes SET as_of = '1 April 2023' WHERE id = 'ward'")
    conn.commit()
    conn.close()
    with pytest.raises(Exception, match=r'service "Acute ward" \(ward\): as of must be a date'):
        store.load(path)


# ----- the file: schema version 5 -------------------------------------------------------------
def test_version_4_file_opens_unverified_and_undated_and_is_left_alone(tmp_path, file_state):
    path = tmp_path / "v4.smap"
    store.save(sample_map(), path)
    conn = sqlite3.connect(path)
    for statement in as_version(4):
        conn.execute(statement)
    conn.commit()
    conn.close()
    before = file_state(path)
    doc = store.load(path)
    assert file_state(path) == before  # migrated in memory only
    assert doc.node("crisis")["verified"] is False and doc.node("crisis")["as_of"] is None
    assert doc.edge("f_gp_crisis")["source_ref"] is None
    doc.update_node("crisis", {"as_of": "2025-06-01"})
    store.save(doc, tmp_path / "v5.smap")
    assert store.load(tmp_path / "v5.smap").node("crisis")["as_of"] == "2025-06-01"
    conn = sqlite3.connect(tmp_path / "v5.smap")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    conn.close()


# ----- every exchange format ------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_provenance_round_trips_through_every_format(fmt, tmp_path):
    doc = dated()
    doc.update_edge("po_dir1", {"source_ref": "KMPT structure chart", "as_of": "2024-02-29"})
    doc.update_edge("po_cmht", {"as_of": "2022-10-01", "verified": True})
    back = through(fmt, doc, tmp_path)
    assert_kept(back, doc, dict.fromkeys(("crisis", "org1", "gp", "ward"),
                                         ("source", "as_of", "verified")),
                {"f_gp_crisis": ("source_ref", "as_of", "verified")})
    assert back.edge("f_gp_crisis")["source_ref"] == "Illustrative (team estimate)"
    # the part_of links' own provenance too (a service's, a directorate's, one under an
    # organisation; the sheets' part_of_source, part_of_as_of and part_of_verified)
    assert_kept(back, doc, edges=dict.fromkeys(("po_crisis", "po_dir1", "po_cmht", "po_ward"),
                                               ("source_ref", "as_of", "verified")))
    assert back.edge("po_crisis")["source_ref"] == "KMPT operational model"
    assert back.edge("po_crisis")["verified"] is True
    if fmt in ("smap", "json"):
        assert to_node_link(back) == to_node_link(doc)


def test_the_sheets_name_the_part_of_links_provenance_and_explain_it(tmp_path):
    from servicemap.io import csvfiles
    from servicemap.io.template import instructions

    csvfiles.write_csv_folder(dated(), tmp_path / "csv")
    for sheet in ("Services", "Directorates"):
        lines = (tmp_path / "csv" / f"{sheet}.csv").read_text(encoding="utf-8-sig").splitlines()
        header = lines[0].split(",")
        at = header.index("part_of_id")
        assert header[at:at + 4] == ["part_of_id", "part_of_source", "part_of_as_of",
                                     "part_of_verified"]
    words = [text for text, _heading in instructions()]
    assert any(w.startswith("part_of_as_of: The date that link describes") for w in words)


@pytest.mark.parametrize(("row", "column", "words"), [
    (["Crisis team", "Acute", "31/03/2025", None], "part_of_as_of",
     "must be a date written YYYY-MM-DD"),
    (["Crisis team", "Acute", None, "perhaps"], "part_of_verified", "must be TRUE or FALSE"),
    (["Crisis team", None, "2025-03-31", None], "part_of_as_of",
     "describes the link to its directorate or organisation, but the row names neither"),
])
def test_a_bad_part_of_provenance_cell_is_named_and_nothing_is_read(row, column, words):
    from servicemap.io.sheet_reader import document_from_tables
    from servicemap.io.sheets import SheetProblems
    from tests.test_sheets import tables_of

    rows = {"Organisations": [["name"], ["Trust"]],
            "Directorates": [["name", "organisation"], ["Acute", "Trust"]],
            "Services": [["name", "directorate", "part_of_as_of", "part_of_verified"], row]}
    with pytest.raises(SheetProblems) as caught:
        document_from_tables(tables_of(rows), "m.xlsx")
    [problem] = caught.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("Services", 2, column)
    assert words in problem.reason


def test_json_names_the_fields_as_the_data_model_does(tmp_path):
    data = to_node_link(dated())
    crisis = next(n for n in data["nodes"] if n["id"] == "crisis")
    assert (crisis["source"], crisis["as_of"], crisis["verified"]) == (
        "https://www.kmpt.nhs.uk/our-services", "2023-04-01", True)
    flow = next(e for e in data["edges"] if e["id"] == "f_gp_crisis")
    assert flow["source"] == "gp" and flow["source_ref"] == "Illustrative (team estimate)"


def test_a_spreadsheet_date_cell_reads_as_its_day(tmp_path):
    import openpyxl

    path = tmp_path / "m.xlsx"
    xlsx.write_xlsx(dated(), path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Services"]
    header = [c.value for c in ws[1]]
    col = header.index("as_of") + 1
    import datetime

    for row in range(2, ws.max_row + 1):  # as LibreOffice makes a typed date a date cell
        if ws.cell(row, header.index("id") + 1).value == "crisis":
            ws.cell(row, col).value = datetime.datetime(2022, 7, 1)
    wb.save(path)
    assert xlsx.read_xlsx(path).node("crisis")["as_of"] == "2022-07-01"


def test_merging_a_file_that_does_not_say_verified_keeps_the_tick():
    from servicemap.graph.merge import plan_merge

    doc, incoming = dated(), sample_map()
    incoming.update_node("crisis", {"as_of": "2025-09-30"})
    plan = plan_merge(doc, incoming)
    assert plan.node_changes["crisis"] == {"as_of": "2025-09-30"}  # verified stays true


# ----- how old the facts are -------------------------------------------------------------------
def test_fact_dates_count_nodes_flows_and_dated_links_only():
    doc = dated()
    dates = provenance.fact_dates(doc.node_records(), doc.edge_records())
    nodes, flows = doc.graph.number_of_nodes(), len(doc.edge_ids("flow"))
    assert dates.counted == nodes + flows + 1  # the one dated part_of link
    assert (dates.oldest, dates.newest, dates.dated) == ("2017-09-30", "2025-01-15", 5)
    assert provenance.footer(dates) == (
        f"Facts as of 30 September 2017 (the oldest; the newest 15 January 2025); "
        f"{dates.counted - 5:,} of {dates.counted:,} items carry no date.")


def test_no_footer_when_nothing_is_dated_and_no_range_for_one_date():
    doc = sample_map()
    assert provenance.footer(provenance.fact_dates(doc.node_records(), [])) is None
    records = [{"id": "a", "kind": "service", "as_of": "2024-03-31"}]
    assert provenance.footer(provenance.fact_dates(records, [])) == "Facts as of 31 March 2024."


def test_stale_lists_older_items_then_undated_ones():
    doc = dated()
    lines = provenance.stale(doc.node_records(), doc.edge_records(), "2024-01-01")
    assert lines[:2] == [
        'service "Crisis team" (crisis): facts as of 2023-04-01, older than 2024-01-01',
        'access point "GP practice" (gp): facts as of 2017-09-30, older than 2024-01-01']
    assert 'part_of link "Crisis team" -> "Acute directorate" (po_crisis): facts as of ' \
        '2023-04-01, older than 2024-01-01' in lines
    assert 'service "Acute ward" (ward): no as-of date, so its facts may be stale' in lines
    assert not any("org1" in line or "sv_crisis" in line for line in lines)  # newer; undated link
    assert not any("f_gp_crisis" in line for line in lines)


# ----- the command line, as a person runs it ---------------------------------------------------
def servicemap(*argv, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "servicemap", *map(str, argv)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_validate_stale_warns_and_keeps_the_exit_code(tmp_path):
    path = tmp_path / "m.smap"
    store.save(dated(), path)
    plain = servicemap("validate", path, cwd=tmp_path)
    assert plain.returncode == 0 and "stale" not in plain.stdout
    stale = servicemap("validate", path, "--stale", "2024-01-01", cwd=tmp_path)
    assert stale.returncode == 0, stale.stderr
    lines = stale.stdout.splitlines()
    assert 'warning: stale: access point "GP practice" (gp): facts as of 2017-09-30, older ' \
        'than 2024-01-01' in lines
    assert sum("no as-of date" in line for line in lines) > 0
    write_json(dated(), tmp_path / "m.json")
    as_json = servicemap("validate", tmp_path / "m.json", "--stale", "2024-01-01", cwd=tmp_path)
    assert as_json.returncode == 0 and as_json.stdout == stale.stdout


@pytest.mark.parametrize("bad", ["2024-13-01", "01/01/2024", ""])
def test_validate_stale_with_a_bad_date_is_bad_input(tmp_path, bad):
    path = tmp_path / "m.smap"
    store.save(dated(), path)
    proc = servicemap("validate", path, "--stale", bad, cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (f"servicemap: --stale must be a date written YYYY-MM-DD, such as "
                           f"2025-03-31 (got {bad!r}).\n")


def test_validate_stale_on_a_broken_map_still_exits_1(tmp_path):
    path = tmp_path / "m.smap"
    store.save(dated(), path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE nodes SET as_of = 'soon' WHERE id = 'ward'")
    conn.commit()
    conn.close()
    proc = servicemap("validate", path, "--stale", "2024-01-01", cwd=tmp_path)
    assert proc.returncode == 1
    assert 'service "Acute ward" (ward): as of must be a date written YYYY-MM-DD' in proc.stdout


def test_exported_pdf_says_how_old_the_facts_are(tmp_path):
    path = tmp_path / "m.smap"
    store.save(dated(), path)
    proc = servicemap("export", path, tmp_path / "m.pdf", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    text = " ".join(pdf_lines((tmp_path / "m.pdf").read_bytes()))
    assert "Facts as of 30 September 2017 (the oldest; the newest 15 January 2025)" in text
