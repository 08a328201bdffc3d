"""Provenance on pathways (source, as_of, verified, as on nodes): the model's check, schema 7
and its migration from 6, every exchange format, ``validate --stale`` and the export footer."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from servicemap import store
from servicemap.errors import ValidationError
from servicemap.graph import provenance
from servicemap.io import csvfiles
from servicemap.io.exchange import to_node_link
from tests.conftest import as_version
from tests.maps import sample_map
from tests.roundtrip import FORMATS, through

REPO = Path(__file__).resolve().parent.parent
KEPT = ("source", "as_of", "verified")


def dated():
    doc = sample_map()
    doc.update_pathway("p_crisis", source="https://www.kmpt.nhs.uk/crisis",
                       as_of="2024-04-01", verified=True)
    doc.update_pathway("p_cmht", source="Team estimate; see notes", as_of="2019-10-31")
    return doc


def test_a_new_pathway_carries_unknown_provenance_and_is_not_verified():
    p = sample_map().pathways["p_crisis"]
    assert (p.source, p.as_of, p.verified) == (None, None, False)
    assert "source" not in p.to_dict() and "verified" not in p.to_dict()


@pytest.mark.parametrize("bad", ["31/03/2025", "2025-02-30", "soon"])
def test_a_bad_date_is_refused_in_one_sentence_naming_the_pathway(bad):
    doc = sample_map()
    with pytest.raises(ValidationError) as info:
        doc.update_pathway("p_crisis", as_of=bad)
    message = str(info.value)
    assert message == (f'pathway "Crisis and back" (p_crisis): as of must be a date written '
                       f"YYYY-MM-DD, such as 2025-03-31 (got {bad!r})")
    assert doc.pathways["p_crisis"].as_of is None
    with pytest.raises(ValidationError, match='^pathway "Crisis and back" .*verified must be'):
        doc.update_pathway("p_crisis", verified="yes")


def test_an_empty_date_is_unknown():
    doc = dated()
    doc.update_pathway("p_crisis", as_of=" ")
    assert doc.pathways["p_crisis"].as_of is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_pathway_provenance_round_trips_through_every_format(fmt, tmp_path):
    doc = dated()
    back = through(fmt, doc, tmp_path)
    for pid in ("p_crisis", "p_cmht"):
        for name in KEPT:
            assert getattr(back.pathways[pid], name) == getattr(doc.pathways[pid], name), \
                (pid, name)
        assert back.pathways[pid].steps == doc.pathways[pid].steps
    assert back.pathways["p_crisis"].verified is True
    assert back.pathways["p_cmht"].verified is False


def test_a_spreadsheet_may_give_the_provenance_on_any_row_of_the_pathway(tmp_path):
    doc = dated()
    csvfiles.write_csv_folder(doc, tmp_path / "csv")
    path = tmp_path / "csv" / "Pathways.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    assert header[-3:] == ["source", "as_of", "verified"]
    # move p_cmht's date from its first row to its last
    rows = [line.split(",") for line in lines[1:]]
    cmht = [r for r in rows if r[0] == "p_cmht"]
    cmht[-1][-2], cmht[0][-2] = cmht[0][-2], ""
    path.write_text("\n".join([lines[0], *(",".join(r) for r in rows)]) + "\n",
                    encoding="utf-8")
    assert csvfiles.read_csv_folder(tmp_path / "csv").pathways["p_cmht"].as_of == "2019-10-31"
    cmht[0][-2] = "2020-01-01"  # two different dates for one pathway: refused, naming both rows
    path.write_text("\n".join([lines[0], *(",".join(r) for r in rows)]) + "\n",
                    encoding="utf-8")
    with pytest.raises(Exception, match="as_of.*differs from row"):
        csvfiles.read_csv_folder(tmp_path / "csv")


def test_json_writes_provenance_only_when_a_pathway_has_some(tmp_path):
    doc = dated()
    doc.update_pathway("p_cmht", source=None, as_of=None)
    data = to_node_link(doc)
    crisis, cmht = data["graph"]["pathways"]
    assert (crisis["source"], crisis["as_of"], crisis["verified"]) == \
        ("https://www.kmpt.nhs.uk/crisis", "2024-04-01", True)
    assert set(cmht) == {"id", "name", "description", "steps"}


def test_a_version_6_file_opens_with_undated_pathways_and_saves_as_now(tmp_path, file_state):
    path = tmp_path / "v6.smap"
    store.save(dated(), path)
    conn = sqlite3.connect(path)
    for statement in as_version(6):
        conn.execute(statement)
    conn.commit()
    conn.close()
    before = file_state(path)
    doc = store.load(path)
    assert file_state(path) == before  # migrated in memory only
    p = doc.pathways["p_crisis"]
    assert (p.source, p.as_of, p.verified) == (None, None, False)
    assert p.steps == ["gp", "crisis", "ward", "crisis", "home"]
    doc.update_pathway("p_crisis", as_of="2025-06-01")
    store.save(doc, tmp_path / "v7.smap")
    assert store.load(tmp_path / "v7.smap").pathways["p_crisis"].as_of == "2025-06-01"
    conn = sqlite3.connect(tmp_path / "v7.smap")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION >= 7
    conn.close()


def test_a_file_with_a_bad_pathway_date_is_refused_naming_the_pathway(tmp_path):
    path = tmp_path / "m.smap"
    store.save(sample_map(), path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE pathways SET as_of = 'April 2023' WHERE id = 'p_cmht'")
    conn.commit()
    conn.close()
    with pytest.raises(Exception, match=r'pathway "Community" \(p_cmht\): as of must be a date'):
        store.load(path)


def test_validate_stale_lists_old_and_undated_pathways(tmp_path):
    doc = dated()
    store.save(doc, tmp_path / "m.smap")
    run = subprocess.run([sys.executable, "-m", "servicemap", "validate",
                          str(tmp_path / "m.smap"), "--stale", "2020-01-01"],
                         capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert ('warning: stale: pathway "Community" (p_cmht): facts as of 2019-10-31, older than '
            "2020-01-01") in lines
    assert not any('pathway "Crisis and back"' in line for line in lines)
    doc.update_pathway("p_crisis", as_of=None)
    store.save(doc, tmp_path / "m.smap")
    run = subprocess.run([sys.executable, "-m", "servicemap", "validate",
                          str(tmp_path / "m.smap"), "--stale", "2020-01-01"],
                         capture_output=True, text=True, cwd=REPO)
    assert ('warning: stale: pathway "Crisis and back" (p_crisis): no as-of date, so its facts '
            "may be stale") in run.stdout.splitlines()


def test_the_export_footer_counts_pathways():
    doc = sample_map()
    for n in doc.graph.nodes:
        doc.update_node(n, {"as_of": "2024-01-01"})
    for _u, _v, k in list(doc.graph.edges(keys=True)):
        doc.update_edge(k, {"as_of": "2024-01-01"})
    doc.update_pathway("p_crisis", as_of="2018-05-31")
    dates = provenance.fact_dates((a for _, a in doc.graph.nodes(data=True)),
                                  (a for _, _, a in doc.graph.edges(data=True)),
                                  (p.provenance() for p in doc.pathways.values()))
    assert dates.oldest == "2018-05-31"
    assert dates.undated == 1  # p_cmht
    assert provenance.footer(dates) == ("Facts as of 31 May 2018 (the oldest; the newest 1 "
                                        f"January 2024); 1 of {dates.counted} items carry no "
                                        "date.")


def test_an_exported_pdf_counts_a_pathways_older_date(tmp_path):
    from tests.pdftext import pdf_lines

    doc = sample_map()
    doc.update_node("crisis", {"as_of": "2024-01-01"})
    doc.update_pathway("p_crisis", as_of="2018-05-31")
    store.save(doc, tmp_path / "m.smap")
    run = subprocess.run([sys.executable, "-m", "servicemap", "export", str(tmp_path / "m.smap"),
                          str(tmp_path / "m.pdf")], capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0, run.stderr
    text = " ".join(pdf_lines((tmp_path / "m.pdf").read_bytes()))
    assert "Facts as of 31 May 2018 (the oldest; the newest 1 January 2024)" in text
