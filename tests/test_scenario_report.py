"""servicemap export MAP OUT.pdf --scenario NAME --report, run as a process: the scenario's map,
its changes in words, the comparison, the charts, the assumptions, and the marking and date on
every page (read back with pdftotext)."""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import sys

import pytest

from servicemap import store
from tests.test_scenarios import with_scenarios

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext")


def run(*args):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "servicemap", *map(str, args)], env=env,
                          capture_output=True, text=True, timeout=120)


def pages(pdf) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return [p for p in text.split("\f") if p.strip()]


def test_the_report_holds_every_part_and_marks_every_page(tmp_path):
    doc = with_scenarios()
    doc.set_map_fields({"marking": "OFFICIAL-SENSITIVE"})
    path = tmp_path / "plans.smap"
    store.save(doc, path)
    out = tmp_path / "report.pdf"
    done = run("export", path, out, "--scenario", "20 more beds", "--report", "--runs", "2",
               "--days", "30", "--warm-up", "5", "--start", "2027-04-01")
    assert done.returncode == 0, done.stderr
    text = pages(out)
    assert len(text) >= 3
    today = datetime.date.today().strftime("%d %B %Y").lstrip("0")
    for page in text:
        assert page.count("OFFICIAL-SENSITIVE") >= 2 and today in page
    assert "20 more beds" in text[0] and "Acute ward" in text[0]  # the scenario's map
    body = "\n".join(text[1:])
    assert "Changed service “Acute ward”: capacity 18 → 38" in body
    assert "Added service “Crisis cafe”" in body and "Removed service “Community team”" in body
    assert "Services that differ" in body and "Whole system and targets" in body
    assert "People in a year: Baseline and 20 more beds" in body  # a bar chart's title
    assert "Places held at" in body and "days after the warm-up" in body  # a band chart
    assert "Waits before service starts at" in body and "people starting service" in body
    assert "Assumptions" in body
    assert "Simulated 30 days from 2027-04-01 after a 5-day warm-up" in body
    assert f"page 2 of {len(text)}" in text[1]


@pytest.mark.parametrize("args, words", [
    ((), "--report needs --scenario NAME"),
    (("--scenario", "Nope"), "There is no scenario called “Nope”"),
    (("--scenario", "20 more beds", "--start", "2027-13-01"),
     "--start must be a date written YYYY-MM-DD, e.g. 2027-04-01 (got '2027-13-01')"),
])
def test_bad_report_requests_are_one_sentence_exit_2(tmp_path, args, words):
    path = tmp_path / "plans.smap"
    store.save(with_scenarios(), path)
    done = run("export", path, tmp_path / "r.pdf", "--report", *args)
    assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "r.pdf").exists()


def test_a_report_is_a_pdf(tmp_path):
    path = tmp_path / "plans.smap"
    store.save(with_scenarios(), path)
    done = run("export", path, tmp_path / "r.png", "--report", "--scenario", "20 more beds")
    assert done.returncode == 2 and "r.png" in done.stderr


def test_the_reports_text_is_readable_on_a4_and_the_service_tables_are_split(tmp_path):
    """Every word after the map page is drawn at 7 pt or more (read from the PDF: each text's
    font size through its transforms), nothing is cut short with an ellipsis, and the
    services that differ come in two tables (people and places; waits and refusals), the
    service's name in both."""
    from tests.pdftext import pdf_text_sizes

    path = tmp_path / "plans.smap"
    store.save(with_scenarios(), path)
    out = tmp_path / "report.pdf"
    done = run("export", path, out, "--scenario", "20 more beds", "--report", "--runs", "2",
               "--days", "30", "--warm-up", "5")
    assert done.returncode == 0, done.stderr
    sized = pdf_text_sizes(out.read_bytes())
    assert len(sized) == len(pages(out)) >= 3
    after_map = [(text, size) for page in sized[1:] for text, size in page]
    assert after_map and min(size for _t, size in after_map) >= 7.0, \
        sorted(after_map, key=lambda ts: ts[1])[:5]
    assert not [t for t, _s in after_map if "…" in t]  # no cell elided
    body = "\n".join(pages(out)[1:])
    people = body.index("Services that differ: people and places")
    waits = body.index("Services that differ: waits and refusals")
    simulated = body.index("Simulated people and places")
    assert people < waits < simulated
    for part in (body[people:waits], body[waits:simulated]):
        assert "Acute ward" in part and "Baseline" in part and "20 more beds" in part
    assert "Longest median wait, days" in body[waits:simulated]
    assert "Occupancy" in body[people:waits] and "Bottleneck" in body[people:waits]


def test_a_short_table_moves_whole_to_the_next_page_and_a_long_one_carries_its_header():
    from servicemap.io.report_content import Table
    from servicemap.render.scenario_report import SMALL_TABLE, Block, paginate

    def table_blocks(rows: int) -> tuple[Table, list[Block]]:
        table = Table("t", ["a"], [["x"]] * rows, [False])
        return table, [Block("heading", 20, "t"), Block("header", 20, table=table),
                       *[Block("row", 10, table=table) for _ in range(rows)]]

    filler = [Block("text", 70, "words")]
    short, blocks = table_blocks(SMALL_TABLE)
    pages = paginate(filler + blocks, 150)  # room for the heading, header and 4 rows
    assert [b.kind for b in pages[0]] == ["text"]
    assert sum(1 for b in pages[1] if b.kind == "row") == SMALL_TABLE
    long, blocks = table_blocks(SMALL_TABLE + 12)
    pages = paginate(filler + blocks, 150)
    assert [b.kind for b in pages[0]][:3] == ["text", "heading", "header"]
    assert pages[1][0].kind == "header" and pages[1][0].table is long  # carried over
    assert sum(1 for p in pages for b in p if b.kind == "row") == SMALL_TABLE + 12
