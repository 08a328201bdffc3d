"""Comments as CSV: UTF-8 with a BOM, a header row, and every cell a spreadsheet could run
as a formula escaped (the rows themselves: tests/test_comment_threads.py)."""

from __future__ import annotations

import csv
import io

import pytest

from servicemap.errors import SaveError
from servicemap.io.comments_csv import (
    COLUMNS,
    escape_cell,
    to_csv_text,
    write_comments_csv,
)


def read_back(path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM, for Excel
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


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


def test_unwritable_place_raises_save_error(reviewed, tmp_path):
    with pytest.raises(SaveError, match="could not be written"):
        write_comments_csv(reviewed, tmp_path / "missing" / "c.csv")
