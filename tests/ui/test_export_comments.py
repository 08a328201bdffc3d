"""Review comments in exports: numbers on the map and a numbered appendix page in PDF."""

from __future__ import annotations

import re
import shutil
import subprocess

from servicemap import store
from servicemap.cli import main
from servicemap.graph.document import Document
from servicemap.render import export
from servicemap.render.comment_marks import CommentMark, appendix_lines
from servicemap.render.export import ExportOptions, prepare
from servicemap.ui.features.export.dialog import ExportDialog
from tests.maps import commented_map


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", data))


def test_marks_sit_on_the_commented_items(qapp):
    picture = prepare(commented_map(), ExportOptions(comments=True))
    try:
        marks = [i for i in picture.scene.items() if isinstance(i, CommentMark)]
        assert sorted(m.text for m in marks) == ["C1", "C2"]
        box = picture.scene.nodes["crisis"].sceneBoundingRect()
        on_box = next(m for m in marks if m.text == "C1")
        assert box.adjusted(-20, -20, 20, 20).contains(on_box.sceneBoundingRect().center())
        on_flow = next(m for m in marks if m.text == "C2").sceneBoundingRect().center()
        middle = picture.scene.flows["f1"].midpoint()
        assert abs(on_flow.x() - middle.x()) < 2 and 0 < middle.y() - on_flow.y() < 30
    finally:
        picture.close()
    plain = prepare(commented_map(), ExportOptions())
    try:
        assert not [i for i in plain.scene.items() if isinstance(i, CommentMark)]
    finally:
        plain.close()


def test_appendix_lists_threads_with_replies_in_order(qapp):
    lines = appendix_lines(commented_map())
    assert [h.split(" on ")[0].strip() for h, _ in lines] == ["C1", "reply C1.1", "C2"]
    assert lines[0][1] == "Is the 24/7 cover funded?"
    assert "Crisis team" in lines[0][0] and "Dr Lee" in lines[0][0]


def test_pdf_gains_an_appendix_page(qapp, tmp_path):
    doc = commented_map()
    without = export.export_file(doc, tmp_path / "a.pdf", ExportOptions()).read_bytes()
    with_comments = export.export_file(doc, tmp_path / "b.pdf",
                                       ExportOptions(comments=True)).read_bytes()
    assert pdf_pages(without) == 1 and pdf_pages(with_comments) == 2
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(tmp_path / "b.pdf"), "-"],
                              capture_output=True, text=True).stdout
        assert "Comments on Reviewed map" in text and "Volume looks low." in text


def test_cli_comments_flag(qapp, tmp_path):
    path = tmp_path / "m.smap"
    store.save(commented_map(), path)
    assert main(["export", str(path), str(tmp_path / "m.pdf"), "--comments"]) == 0
    assert pdf_pages((tmp_path / "m.pdf").read_bytes()) == 2


def test_dialog_offers_comments_only_when_there_are_some(qtbot):
    dialog = ExportDialog(commented_map(), suffix=".pdf")
    qtbot.addWidget(dialog)
    dialog.comments_check.setChecked(True)
    assert dialog.options().comments
    empty = ExportDialog(Document(), suffix=".pdf")
    qtbot.addWidget(empty)
    assert empty.comments_check.isHidden() and not empty.options().comments
