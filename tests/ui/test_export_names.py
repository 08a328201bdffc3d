"""Exports draw every service's name and every flow number at any size (issue #15): the
canvas's level of detail never applies to them. PDF text is read with tests/pdftext.py (pure
Python), so these checks run everywhere."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from defusedxml import ElementTree
from PySide6.QtGui import QFont, QFontMetricsF

from servicemap import demo
from servicemap.model import DRAWN_KINDS
from servicemap.render import export
from servicemap.render.export import ExportOptions
from servicemap.ui.canvas.scene import CanvasScene
from tests.pdftext import pdf_lines

SVG = "{http://www.w3.org/2000/svg}"
SIZES = (10, 150, 2000)


@pytest.fixture(scope="module", params=SIZES)
def exported(request, qapp, tmp_path_factory):
    """One synthetic map of each size, exported once as SVG and once as PDF (A4, the default
    page). PNG is painted from the same scene by the same items, so it is not read back."""
    doc = demo.synthetic(request.param)
    options = ExportOptions()
    picture = export.prepare(doc, options)
    try:
        numbers = Counter(item.label for item in picture.scene.flows.values()
                          if item.show_label and item.label)
        svg = export.svg_bytes(doc, picture, options)
        pdf = export.pdf_bytes(doc, picture, options)
    finally:
        picture.close()
    names = [str(doc.node(n)["name"]) for n in doc.graph.nodes
             if doc.node(n).get("kind") in DRAWN_KINDS]
    return {"doc": doc, "names": names, "numbers": numbers, "svg": svg, "pdf": pdf}


def svg_lines(data: bytes) -> list[str]:
    root = ElementTree.fromstring(data)
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def missing_names(names: list[str], lines: list[str]) -> list[str]:
    """Names not drawn in full: each must appear as its own run of consecutive lines (a box's
    wrapped label), not elided and not as part of a longer line."""
    text = "\n" + "\n".join(line.strip() for line in lines) + "\n"
    wanted = Counter(names)
    return [name for name, count in wanted.items()
            if len(re.findall("\n" + r"[ \n]".join(map(re.escape, name.split())) + "\n",
                              text)) < count]


def missing_numbers(numbers: Counter, lines: list[str]) -> Counter:
    return numbers - Counter(line.strip() for line in lines)


@pytest.mark.parametrize("fmt", ["svg", "pdf"])
def test_every_name_and_flow_number_is_real_text(exported, fmt):
    lines = svg_lines(exported["svg"]) if fmt == "svg" else pdf_lines(exported["pdf"])
    assert len(exported["names"]) >= len(exported["doc"].nodes_of_kind("service"))
    assert missing_names(exported["names"], lines) == []
    assert exported["numbers"] and missing_numbers(exported["numbers"], lines) == Counter()


def test_svg_names_a_font_stack_ending_in_a_generic_family(exported):
    root = ElementTree.fromstring(exported["svg"])
    families = {el.get("font-family") for el in root.iter() if el.get("font-family")}
    assert families == {export.SVG_FONT_FAMILY}
    assert export.SVG_FONT_FAMILY.endswith("sans-serif")
    assert export.SVG_FONT_FAMILY.startswith("Arial,")


def test_the_canvas_keeps_its_level_of_detail_and_exports_do_not(qapp):
    doc = demo.synthetic(10)
    canvas = CanvasScene(doc)
    picture = export.prepare(doc, ExportOptions())
    try:
        assert canvas.full_detail is False and picture.scene.full_detail is True
    finally:
        picture.close()
        canvas.detach()


def test_svg_font_stack_never_touches_the_text(qapp):
    doc = demo.synthetic(10)
    service = doc.nodes_of_kind("service")[0]
    doc.update_node(service, {"name": '<b font-family="x">A&B'})  # one line
    doc.graph.graph["title"] = 'Map <i font-family="y"> & "more"'
    options = ExportOptions()
    picture = export.prepare(doc, options)
    try:
        data = export.svg_bytes(doc, picture, options)
    finally:
        picture.close()
    lines = svg_lines(data)  # still well-formed XML
    assert missing_names(['<b font-family="x">A&B', 'Map <i font-family="y"> & "more"'],
                         lines) == []


def _matrix(transform: str | None) -> tuple[float, ...]:
    found = re.fullmatch(r"matrix\(([^)]*)\)", (transform or "").strip())
    return tuple(float(v) for v in found[1].split(",")) if found else (1, 0, 0, 1, 0, 0)


def _times(m, n):
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + c * b2, b * a2 + d * b2, a * c2 + c * d2, b * c2 + d * d2,
            a * e2 + c * f2 + e, b * e2 + d * f2 + f)


def text_extents(data: bytes, wider: float = 1.08) -> tuple[float, list[tuple[str, float]]]:
    """The view box width and, for each ``<text>``, where its right end falls in view box
    units: x plus its width in DejaVu Sans (the widest common sans-serif, what a viewer
    lacking the stack falls back to here) times ``wider`` (a fallback wider still), through
    the transforms."""
    root = ElementTree.fromstring(data)
    width = float(root.get("viewBox").split()[2])
    ends = []

    def advance(el, text):
        font = QFont("DejaVu Sans")
        font.setPixelSize(max(1, round(float(el.get("font-size")) * 64)))
        font.setBold(el.get("font-weight") == "700")
        return QFontMetricsF(font).horizontalAdvance(text) / 64

    def walk(el, m):
        m = _times(m, _matrix(el.get("transform")))
        if el.tag == f"{SVG}text":
            text = "".join(el.itertext())
            x = float(el.get("x", 0)) + wider * advance(el, text)
            ends.append((text, m[0] * x + m[2] * float(el.get("y", 0)) + m[4]))
        for child in el:
            walk(child, m)

    walk(root, (1, 0, 0, 1, 0, 0))
    return width, ends


def test_every_svg_text_is_inside_the_view_box(exported):
    width, ends = text_extents(exported["svg"])
    assert [(text, round(end)) for text, end in ends if end > width] == []
