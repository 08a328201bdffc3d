"""The .ods export's drop-down lists and frozen header rows (issue #18), as the Excel workbook
has them: read back from the XML written, and from a copy LibreOffice 7.4 opened and saved again
(tests/data/libreoffice-resaved-template.ods: ``servicemap template t.ods``, opened in
LibreOffice through UNO, where every sheet showed its first row frozen and the lists below, then
stored as .ods; LibreOffice keeps only the lists it understood)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from servicemap.io import ods
from servicemap.io.sheets import SHEET, SHEETS
from tests.maps import sample_map
from tests.test_sheets import canonical

DATA = Path(__file__).parent / "data"
NS = {"table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
      "config": "urn:oasis:names:tc:opendocument:xmlns:config:1.0",
      "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0"}
T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
CONFIG_NAME = "{urn:oasis:names:tc:opendocument:xmlns:config:1.0}name"


def part(path: Path, name: str) -> ET.Element:
    with zipfile.ZipFile(path) as archive:
        return ET.fromstring(archive.read(name))


def lists(content: ET.Element) -> dict[str, dict]:
    return {v.get(f"{T}name"): {"condition": v.get(f"{T}condition"),
                                "stop": v.find("table:error-message", NS).get(f"{T}display")
                                == "true"}
            for v in content.iterfind(".//table:content-validation", NS)}


def column_lists(content: ET.Element, sheet: str, column: str) -> list[tuple[int, str]]:
    """(rows, list name) down the column, repeated rows counted."""
    index = [c.name for c in SHEET[sheet].columns].index(column)
    table = next(t for t in content.iterfind(".//table:table", NS) if t.get(f"{T}name") == sheet)
    out = []
    for row in table.iterfind("table:table-row", NS):
        col = 0
        for cell in row:
            repeat = int(cell.get(f"{T}number-columns-repeated", "1"))
            if col <= index < col + repeat:
                out.append((int(row.get(f"{T}number-rows-repeated", "1")),
                            cell.get(f"{T}content-validation-name")))
                break
            col += repeat
        else:
            out.append((int(row.get(f"{T}number-rows-repeated", "1")), None))
    return out


def test_the_template_has_the_workbooks_drop_downs_to_the_last_row(tmp_path):
    path = tmp_path / "template.ods"
    ods.write_template(path)
    content = part(path, "content.xml")
    found = lists(content)
    by_column = {}
    for sheet, column in (("Services", "kind"), ("Services", "category"),
                          ("Flows", "flow_type"), ("Flows", "from"), ("Services", "pinned")):
        rows = column_lists(content, sheet, column)
        assert rows[0] == (1, None)  # the header row has no list
        names = {name for _, name in rows[1:]}
        assert len(names) == 1 and None not in names, (sheet, column)
        assert sum(n for n, _ in rows) == ods.LAST_ROW
        by_column[(sheet, column)] = found[names.pop()]
    assert by_column[("Services", "kind")] == {
        "condition": 'of:cell-content-is-in-list("service";"access_point";"exit")', "stop": True}
    assert by_column[("Flows", "flow_type")]["condition"].startswith(
        'of:cell-content-is-in-list("referral";"transfer";"discharge";')
    assert by_column[("Flows", "flow_type")]["stop"]
    category = by_column[("Services", "category")]  # suggestions: other values are allowed
    assert '"crisis";"community"' in category["condition"] and not category["stop"]
    assert by_column[("Flows", "from")] == {
        "condition": "of:cell-content-is-in-list([$'Services'.$C$2:.$C$1048576])",
        "stop": False}  # the names on the Services sheet
    assert by_column[("Services", "pinned")]["condition"] == \
        'of:cell-content-is-in-list("TRUE";"FALSE")'
    ids = column_lists(content, "Services", "id")  # no list on a column of ids
    assert {name for _, name in ids} == {None} and sum(n for n, _ in ids) == ods.LAST_ROW


def test_each_sheet_opens_with_its_header_row_frozen(tmp_path):
    path = tmp_path / "map.ods"
    ods.write_ods(sample_map(), path)
    settings = part(path, "settings.xml")
    tables = settings.find(".//config:config-item-map-named[@config:name='Tables']", NS)
    frozen = {}
    for entry in tables:
        items = {i.get(CONFIG_NAME): i.text for i in entry}
        frozen[entry.get(CONFIG_NAME)] = (
            items["VerticalSplitMode"], items["VerticalSplitPosition"], items["PositionBottom"],
            items["HorizontalSplitMode"])
    assert frozen == {s.name: ("2", "1", "1", "0") for s in SHEETS}
    active = settings.find(".//config:config-item[@config:name='ActiveTable']", NS)
    assert active.text == "Instructions"
    assert canonical(ods.read_ods(path)) == canonical(sample_map())  # still reads back exactly


def test_libreoffice_kept_every_list_and_reads_as_the_template(tmp_path):
    ours = tmp_path / "template.ods"
    ods.write_template(ours)
    content = part(ours, "content.xml")
    mine, theirs = lists(content), lists(part(
        DATA / "libreoffice-resaved-template.ods", "content.xml"))
    assert len(theirs) == len(mine) >= 12  # 18 since the queueing columns
    unquoted = sorted(re.sub(r"\$'([A-Za-z]+)'", r"$\1", v["condition"])  # as LibreOffice
                      for v in mine.values())
    assert unquoted == sorted(v["condition"] for v in theirs.values())
    assert sorted(v["stop"] for v in mine.values()) == sorted(v["stop"] for v in theirs.values())
    back = ods.read_ods(DATA / "libreoffice-resaved-template.ods")
    assert back.counts() == ods.read_ods(ours).counts()
    names = sorted(a["name"] for _, a in back.graph.nodes(data=True))
    assert names == sorted(a["name"] for _, a in ods.read_ods(ours).graph.nodes(data=True))
