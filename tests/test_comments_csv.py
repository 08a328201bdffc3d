"""Comments as CSV: UTF-8 with a BOM, threads in order with numbered replies, removed items
named, and every cell a spreadsheet could run as a formula escaped."""

from __future__ import annotations

import csv
import io

import pytest

from servicemap.errors import SaveError
from servicemap.io.comments_csv import (
    COLUMNS,
    comment_numbers,
    escape_cell,
    rows,
    to_csv_text,
    write_comments_csv,
)


@pytest.fixture
def reviewed(sample_doc):
    doc = sample_doc
    doc.add_comment("Capacity looks low", "crisis", "Dr Lee", comment_id="a",
                    created="2026-03-01T09:00:00+00:00")
    doc.add_comment("On the map as a whole", "", "Dr Ng", comment_id="b")
    doc.add_comment("Checking", reply_to="a", author="Planner", comment_id="a1")
    doc.add_comment("=HYPERLINK(\"http://evil\",\"click\")", "f_gp_crisis", "@mallory",
                    comment_id="c")
    doc.add_comment("Thanks", reply_to="a1", author="Dr Lee", comment_id="a2")
    doc.update_comment("b", status="resolved")
    return doc


def read_back(path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM, for Excel
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_numbers_threads_and_replies(reviewed):
    assert comment_numbers(reviewed) == {"a": "1", "b": "2", "a1": "1.1", "c": "3",
                                         "a2": "1.2"}


def test_rows_list_threads_in_order_with_replies_under_them(reviewed):
    out = rows(reviewed)
    assert [r["id"] for r in out] == ["a", "a1", "a2", "b", "c"]
    assert [r["number"] for r in out] == ["1", "1.1", "1.2", "2", "3"]
    assert out[0]["on"] == "service" and out[0]["item"] == "Crisis team"
    assert out[3]["on"] == "map" and out[3]["item"] == "(the map)"
    assert out[3]["status"] == "resolved"
    assert out[1]["status"] == "open"  # a reply shows its thread's status
    assert out[4]["on"] == "flow" and out[4]["item"] == "GP practice → Crisis team"


def test_written_file_is_utf8_with_bom_and_escapes_formulas(reviewed, tmp_path):
    path = tmp_path / "comments.csv"
    write_comments_csv(reviewed, path)
    back = read_back(path)
    assert list(back[0]) == list(COLUMNS)
    by_id = {r["id"]: r for r in back}
    assert by_id["c"]["text"] == "'=HYPERLINK(\"http://evil\",\"click\")"
    assert by_id["c"]["author"] == "'@mallory"
    assert by_id["a"]["text"] == "Capacity looks low"
    assert by_id["a"]["created"] == "2026-03-01T09:00:00+00:00"
    assert [p.name for p in tmp_path.iterdir()] == ["comments.csv"]


@pytest.mark.parametrize("text", ["=1+1", "+44 1234", "-2", "@SUM(A1)", "\tx=1", "\r=1"])
def test_each_formula_start_is_escaped(text):
    assert escape_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Plain", "", "a=b", "1+1", "'quoted"])
def test_ordinary_text_is_left_alone(text):
    assert escape_cell(text) == text


def test_escaping_reaches_every_column(sample_doc):
    sample_doc.update_node("crisis", {"name": "=cmd|' /C calc'!A0"})
    sample_doc.add_comment("-1 bed", "crisis", "+author", comment_id="=id")
    text = to_csv_text(sample_doc)
    row = next(csv.DictReader(io.StringIO(text, newline="")))
    for column in ("id", "item", "author", "text"):
        assert row[column].startswith("'"), column


def test_comment_on_a_removed_item_names_it(reviewed):
    reviewed.remove_node("crisis")
    first = rows(reviewed)[0]
    assert first["on"] == "removed item"
    assert first["item"] == "Crisis team" and first["item_id"] == "crisis"


def test_unwritable_place_raises_save_error(reviewed, tmp_path):
    with pytest.raises(SaveError, match="could not be written"):
        write_comments_csv(reviewed, tmp_path / "missing" / "c.csv")
