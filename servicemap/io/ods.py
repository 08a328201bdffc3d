"""OpenDocument spreadsheets (.ods, LibreOffice's own format): the same sheets as the Excel
workbook (:mod:`servicemap.io.sheets`), its template included.

Writing: odfdo (a maintained, pure-Python OpenDocument library; its one compiled dependency,
lxml, has wheels for Windows) makes the document's frame — the Instructions sheet, the
styles (a named header font, columns fitted to their text) and each sheet's header row —
and the data rows are streamed into each table as XML, as the Excel writer does. Cells are
typed (text, float, boolean); an empty value is a blank cell. An OpenDocument text cell is
never a formula, so text starting with ``=`` is written as it stands. Like the workbook, each
sheet's header row is frozen and the same columns have drop-down lists
(:mod:`servicemap.io.ods_lists`).

Reading never uses odfdo: after the size and zip-bomb checks, ``content.xml`` is streamed
through expat with defusedxml's guards (:func:`safety.expat_parser`), rows and columns
repeated by ``number-*-repeated`` are expanded (with a limit), comments are skipped, each
cell's saved value is used, and a formula without one is read only when it is a constant
(:func:`servicemap.io.xlsx.constant`); otherwise it is a problem naming the cell.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from servicemap.errors import FileFormatError
from servicemap.gcpause import gc_paused
from servicemap.graph.document import Document
from servicemap.io import safety, sheets
from servicemap.io.ods_lists import LAST_ROW, blank_rows, drop_downs, freeze_headers, list_cell
from servicemap.io.sheet_reader import document_from_tables
from servicemap.io.sheets import SHEETS, SheetProblem, Table, letter
from servicemap.io.template import (
    BODY_FONT_NAME,
    HEADER_FONT_NAME,
    HEADER_FONT_SIZE,
    column_widths,
    example_document,
    instructions,
)

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
MAX_CELLS = 5_000_000  # cells after expanding repeats: more is a "repeat bomb"
CM_PER_CHARACTER = 0.21
_STYLES = (
    f'<style:style style:name="smHeader" style:family="table-cell">'
    f'<style:table-cell-properties fo:background-color="#005EB8"/>'
    f'<style:text-properties fo:font-family="{HEADER_FONT_NAME}" '
    f'fo:font-size="{HEADER_FONT_SIZE}pt" fo:font-weight="bold" fo:color="#FFFFFF"/>'
    f'</style:style>',
    f'<style:style style:name="smHeading" style:family="table-cell">'
    f'<style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="top"/>'
    f'<style:text-properties fo:font-family="{BODY_FONT_NAME}" fo:font-size="13pt" '
    f'fo:font-weight="bold"/></style:style>',
    f'<style:style style:name="smLine" style:family="table-cell">'
    f'<style:table-cell-properties fo:wrap-option="wrap" style:vertical-align="top"/>'
    f'<style:text-properties fo:font-family="{BODY_FONT_NAME}" fo:font-size="11pt"/>'
    f'</style:style>',
)


# ----- writing --------------------------------------------------------------------------------
def _xml(text: str) -> str:
    return safety.xml_safe(text).replace("&", "&amp;").replace("<", "&lt;") \
        .replace(">", "&gt;").replace("\r", "&#13;")


def paragraphs(text: str) -> str:
    """``<text:p>`` elements holding ``text`` exactly: one per line, runs of spaces as
    ``<text:s text:c="n"/>`` (XML would fold them), tabs as ``<text:tab/>``."""
    out = []
    for line in text.split("\n"):
        parts, i = [], 0
        while i < len(line):
            ch = line[i]
            if ch == " ":
                j = i
                while j < len(line) and line[j] == " ":
                    j += 1
                run = j - i
                keep = 0 if i == 0 or j == len(line) else 1  # a lone inner space stays text
                parts.append(" " * keep)
                if run - keep:
                    parts.append(f'<text:s text:c="{run - keep}"/>' if run - keep > 1
                                 else "<text:s/>")
                i = j
            elif ch == "\t":
                parts.append("<text:tab/>")
                i += 1
            else:
                j = i
                while j < len(line) and line[j] not in " \t":
                    j += 1
                parts.append(_xml(line[i:j]))
                i = j
        out.append(f"<text:p>{''.join(parts)}</text:p>")
    return "".join(out)


def cell_xml(value: object) -> str:
    """One typed ``<table:table-cell>`` (None and "" are blank cells)."""
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, bool):
        word = "true" if value else "false"
        return (f'<table:table-cell office:value-type="boolean" calcext:value-type="boolean" '
                f'office:boolean-value="{word}"><text:p>{word.upper()}</text:p>'
                "</table:table-cell>")
    if isinstance(value, (int, float)):
        return (f'<table:table-cell office:value-type="float" calcext:value-type="float" '
                f'office:value="{value!r}"><text:p>{value!r}</text:p></table:table-cell>')
    return (f'<table:table-cell office:value-type="string" calcext:value-type="string">'
            f"{paragraphs(str(value))}</table:table-cell>")


def rows_xml(rows: list[list[object]], lists: list[str | None] | None = None) -> str:
    """Data rows; ``lists`` names each column's drop-down (None: none), kept on its cells
    blank or not."""
    lists = lists or []
    last = max((i for i, name in enumerate(lists) if name), default=-1)
    out = []
    for row in rows:
        while len(row) > last + 1 and (row[-1] is None or row[-1] == ""):
            row = row[:-1]
        cells = []
        for i, value in enumerate(row):
            cell = cell_xml(value)
            name = lists[i] if i < len(lists) else None
            if name:
                cell = cell.replace("<table:table-cell",
                                    f'<table:table-cell table:content-validation-name="{name}"', 1)
            cells.append(cell)
        cells += [list_cell(lists[i]) for i in range(len(row), last + 1)]
        out.append(f"<table:table-row>{''.join(cells)}</table:table-row>")
    return "".join(out)


def _frame(rows: dict[str, list[list[object]]]) -> bytes:
    """The document without data rows: instructions, styles, widths and header rows."""
    from odfdo import Cell, Column, Element, Row, Table
    from odfdo import Document as OdfDocument

    doc = OdfDocument("spreadsheet")
    for xml in _STYLES:
        doc.insert_style(Element.from_tag(xml), automatic=True)
    body = doc.body
    body.clear()
    lists, validations = drop_downs()
    body.append(Element.from_tag("<table:content-validations>" + "".join(validations)
                                 + "</table:content-validations>"))

    def column_style(n: int, width_cm: float) -> str:
        name = f"smCol{n}"
        doc.insert_style(Element.from_tag(
            f'<style:style style:name="{name}" style:family="table-column">'
            f'<style:table-column-properties style:column-width="{width_cm:.2f}cm"/>'
            "</style:style>"), automatic=True)
        return name

    info = Table("Instructions")
    info.append(Column(style=column_style(0, 25.0)))
    for line, heading in instructions():
        row = Row()
        row.append(Cell(line, style="smHeading" if heading else "smLine"))
        info.append(row)
    body.append(info)
    styles: dict[str, str] = {}
    for sheet in SHEETS:
        table = Table(sheet.name)
        for width in column_widths(rows[sheet.name]):
            cm = round(width * CM_PER_CHARACTER + 0.2, 2)
            key = f"{cm:.2f}"
            if key not in styles:
                styles[key] = column_style(len(styles) + 1, cm)
            table.append(Column(style=styles[key]))
        header = Row()
        for c in sheet.columns:
            header.append(Cell(c.name, style="smHeader"))
        table.append(header)
        body.append(table)
    freeze_headers(doc, [sheet.name for sheet in SHEETS], info.name)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _with_rows(content: str, rows: dict[str, list[list[object]]]) -> str:
    """``content.xml`` with each sheet's data rows after its header row, then blank rows
    keeping the drop-downs down to the last row."""
    lists = drop_downs()[0]
    for sheet in SHEETS:
        data = rows[sheet.name][1:]
        start = content.index(f'<table:table table:name="{sheet.name}"')
        end = content.index("</table:table>", start)
        body = rows_xml(data, lists[sheet.name]) + blank_rows(LAST_ROW - 1 - len(data),
                                                               lists[sheet.name])
        content = content[:end] + body + content[end:]
    return content


def write_ods(doc: Document, path: str | os.PathLike, template: bool = False) -> None:
    """Write the map as an OpenDocument spreadsheet (atomically); ``template`` leaves id
    columns empty."""
    rows = sheets.rows_for(doc, blank_ids=template)
    with zipfile.ZipFile(io.BytesIO(_frame(rows))) as src:
        def write(fh) -> None:
            with zipfile.ZipFile(fh, "w") as out:
                for info in src.infolist():  # mimetype first and stored, as ODF requires
                    data = src.read(info)
                    if info.filename == "content.xml":
                        data = _with_rows(data.decode("utf-8"), rows).encode("utf-8")
                    kind = zipfile.ZIP_STORED if info.filename == "mimetype" \
                        else zipfile.ZIP_DEFLATED
                    out.writestr(info, data, kind)

        safety.write_atomically(path, write)


def write_template(path: str | os.PathLike) -> None:
    """Write the spreadsheet template as .ods: instructions and a small example map."""
    write_ods(example_document(), path, template=True)


# ----- reading --------------------------------------------------------------------------------
class _Content:
    """Expat handlers turning ``content.xml`` into :class:`Table` objects."""

    def __init__(self, wanted: set[str], name: str) -> None:
        self.wanted, self.name = wanted, name
        self.tables: list[Table] = []
        self.table: Table | None = None
        self.cells_seen = 0
        self.row_n = 0
        self.annotation = 0
        self.text: list[str] | None = None
        self.lines: list[str] = []

    def parse(self, data: bytes) -> None:
        parser = safety.expat_parser()
        parser.StartElementHandler, parser.EndElementHandler = self.start, self.end
        parser.CharacterDataHandler = self.data
        safety.parse_with(parser, data, self.name)

    def count(self, n: int) -> None:
        self.cells_seen += n
        if self.cells_seen > MAX_CELLS:
            raise FileFormatError(f"{self.name} repeats its cells more than {MAX_CELLS:,} times; "
                                  "servicemap refuses it (it may be a repeat bomb).")

    def start(self, tag: str, attrs: dict) -> None:
        local = tag[tag.find(":") + 1:]
        if self.annotation:
            if local == "annotation":
                self.annotation += 1
            return
        if local == "table" and tag.startswith("table:"):
            name = attrs.get("table:name", "")
            self.table = Table(name, []) if sheets.key(name) in self.wanted else None
            self.row_n = 0
        elif self.table is None:
            return
        elif local == "table-row":
            self.cells, self.col = {}, 0
            self.row_repeat = _count(attrs.get("table:number-rows-repeated"))
        elif local in ("table-cell", "covered-table-cell"):
            self.cell = attrs
            self.lines, self.text = [], None
        elif local == "annotation":
            self.annotation = 1
        elif local == "p":
            self.text = []
        elif self.text is not None and local == "s":
            self.text.append(" " * _count(attrs.get("text:c")))
        elif self.text is not None and local == "tab":
            self.text.append("\t")
        elif self.text is not None and local == "line-break":
            self.text.append("\n")

    def end(self, tag: str) -> None:
        local = tag[tag.find(":") + 1:]
        if self.annotation:
            if local == "annotation":
                self.annotation -= 1
            return
        if self.table is None:
            return
        if local == "p" and self.text is not None:
            self.lines.append("".join(self.text))
            self.text = None
        elif local in ("table-cell", "covered-table-cell"):
            repeat = _count(self.cell.get("table:number-columns-repeated"))
            value = self.value(self.cell)
            if value is not None:
                self.count(repeat)
                for i in range(repeat):
                    self.cells[self.col + i] = value
            self.col += repeat
        elif local == "table-row":
            for _ in range(self.row_repeat if self.cells else 0):
                self.row_n += 1
                self.count(len(self.cells))
                self.table.rows.append((self.row_n, dict(self.cells)))
            if not self.cells:
                self.row_n += self.row_repeat
        elif local == "table":
            self.tables.append(self.table)
            self.table = None

    def data(self, text: str) -> None:
        if self.text is not None and not self.annotation:
            self.text.append(text)

    def value(self, attrs: dict) -> object:
        kind = attrs.get("office:value-type")
        formula = attrs.get("table:formula")
        if kind in ("float", "percentage", "currency"):
            raw = attrs.get("office:value", "")
            try:
                number = float(raw)
            except ValueError:
                self.problem(f"the cell is marked as a number but holds {raw!r}")
                return None
            return int(number) if number.is_integer() and abs(number) < 2**53 else number
        if kind == "boolean":
            return attrs.get("office:boolean-value", "").strip().lower() in ("true", "1")
        if kind == "date":
            return attrs.get("office:date-value")
        text = "\n".join(self.lines)
        if kind is None and formula:
            from servicemap.io.xlsx import constant

            value = constant(formula.split(":", 1)[1] if formula.startswith("of:") else formula)
            if value is None:
                self.problem(f"formulas are not allowed (this cell has the formula {formula} "
                             "and no saved value); type the value instead")
            return safety.escape_formula(value) if isinstance(value, str) else value
        if kind is None and not text:
            return None
        # OpenDocument text is never a formula: escaped here so that the sheet reader's
        # unescaping gives it back exactly
        return safety.escape_formula(attrs.get("office:string-value", text))

    def problem(self, reason: str) -> None:
        self.table.problems.append(SheetProblem(self.table.name, self.row_n + 1,
                                                letter(self.col), reason))


def _count(text: str | None) -> int:
    try:
        return max(1, int(text)) if text else 1
    except ValueError:
        return 1


MANIFEST = "META-INF/manifest.xml"
_MANIFEST_NS = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"


def _encrypted(archive: zipfile.ZipFile, name: str) -> bool:
    """Whether content.xml is encrypted: OpenDocument keeps a password-protected file's
    members as ordinary zip members of ciphertext, said only by an ``encryption-data``
    element beside the member's entry in the manifest (a damaged manifest says nothing)."""
    if MANIFEST not in archive.namelist():
        return False
    try:
        root = safety.parse_xml(safety.read_member(archive, MANIFEST, name, limit=2**20), name)
    except FileFormatError:
        return False
    for entry in root.iter(f"{_MANIFEST_NS}file-entry"):
        if entry.get(f"{_MANIFEST_NS}full-path") == "content.xml":
            return entry.find(f"{_MANIFEST_NS}encryption-data") is not None
    return False


def read_tables(path: str | os.PathLike) -> list[Table]:
    """The servicemap sheets of an OpenDocument spreadsheet (others are skipped)."""
    path = Path(path)
    with safety.open_zip(path, "an OpenDocument spreadsheet (.ods)") as archive:
        names = archive.namelist()
        if "mimetype" in names and safety.read_member(archive, "mimetype", path.name,
                                                      limit=200).strip() != MIMETYPE.encode():
            raise FileFormatError(f"{path.name} is not an OpenDocument spreadsheet (it is "
                                  "another OpenDocument file).")
        if "content.xml" not in names:
            raise FileFormatError(f"{path.name} is not an OpenDocument spreadsheet: it has no "
                                  "content.xml.")
        if _encrypted(archive, path.name):
            raise FileFormatError(f"{path.name} is protected by a password (LibreOffice "
                                  "encrypted it), so it cannot be read; save a copy without "
                                  "the password (File > Save As, untick Save with password) "
                                  "and import that.")
        data = safety.read_member(archive, "content.xml", path.name)
    reader = _Content({sheets.key(s.name) for s in SHEETS}, path.name)
    reader.parse(data)
    return reader.tables


def read_ods(path: str | os.PathLike) -> Document:
    """Build a map from an OpenDocument spreadsheet; :class:`sheets.SheetProblems` lists
    every problem."""
    with gc_paused():
        return document_from_tables(read_tables(path), Path(path).name)
