"""Excel workbooks (.xlsx): the template, export and import of the sheets in
:mod:`servicemap.io.sheets`.

Writing: openpyxl (write-only) makes the workbook's frame — the Instructions sheet, bold
frozen header rows, column widths, drop-down lists (data validation) fed from a hidden Lists
sheet — and the data rows are streamed into each sheet's ``<sheetData>`` directly, about
four times faster than openpyxl's cells for a 10,000-service map (benchmarks/README.md). Text
is escaped twice over: formula starts get a leading quote (:func:`safety.escape_formula`), and
characters XML cannot hold use Excel's own ``_xHHHH_`` escapes, so every text comes back
exactly.

Reading works like openpyxl's ``read_only=True, data_only=True``, about three times faster:
the size and zip-bomb checks run first; the small parts are parsed by defusedxml and the
worksheets by expat with defusedxml's guards (:func:`safety.expat_parser`: no DTDs, no
entities); each cell's saved value is used. A formula without a saved value is read only
when it is a constant (:func:`constant`: ``TRUE()``, ``FALSE()``, ``=TRUE``, a number, a
quoted text — LibreOffice writes booleans as ``TRUE()``, and openpyxl drops saved values);
any other is a problem naming the cell and the formula ("formulas are not allowed").
Formulas are never evaluated and macros are never run (``.xlsm`` files are refused; a macro
part in an ``.xlsx`` is never read).
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from servicemap.errors import FileFormatError, SaveError
from servicemap.gcpause import gc_paused
from servicemap.graph.document import Document
from servicemap.io import safety, sheets
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

MAX_CELL_TEXT = 32_767  # Excel's limit on one cell
_X_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)|[\x00-\x08\x0b\x0c\x0e-\x1f\r\ufffe\uffff]")
_X_UNESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
REL_OFFICE = "officeDocument"
HEADER_FONT = Font(name=HEADER_FONT_NAME, size=HEADER_FONT_SIZE, bold=True, color="FFFFFF")
# Text starting with these gets the quote prefix. Text starting with a quote keeps the
# visible extra quote instead: LibreOffice drops the prefix from text that cannot be a formula.
FORMULA_PREFIXES = safety.FORMULA_STARTS
HEADER_FILL = PatternFill("solid", fgColor="005EB8")


# ----- text in cells --------------------------------------------------------------------------
def cell_text(text: str) -> str:
    """Text as stored in a cell: formula starts quoted, non-XML characters ``_xHHHH_``."""
    return x_escape(safety.escape_formula(text))


def x_escape(text: str) -> str:
    """Characters XML cannot hold (and ``_`` before ``xHHHH_``) as Excel's ``_xHHHH_``."""
    if _X_ESCAPE.search(text):
        text = _X_ESCAPE.sub(lambda m: "_x005F_" if m.group() == "_" else
                             f"_x{ord(m.group()):04X}_", text)
    return text


def text_from_cell(text: str) -> str:
    """Undo Excel's ``_xHHHH_`` escapes (formula quotes are undone by the sheet reader)."""
    return _X_UNESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def rows_xml(rows: list[list[object]], sheet: str, first: int = 2,
             quote_style: int | None = None) -> str:
    """``<row>`` elements for typed values (str, int, float, bool; None and "" are blank
    cells). Text a spreadsheet could run as a formula gets the cell style ``quote_style``
    (Excel's quote prefix, as typing ``'=x`` in Excel gives) or, without one, a leading
    quote in the text."""
    width = max((len(r) for r in rows), default=0)
    letters = [letter(i) for i in range(width)]
    out = []
    for n, row in enumerate(rows, start=first):
        cells = []
        for i, value in enumerate(row):
            kind = type(value)
            if kind is str:
                if not value:
                    continue
                if len(value) >= MAX_CELL_TEXT:
                    raise SaveError(f"{sheet}, row {n}: a text of {len(value):,} characters is "
                                    f"too long for an Excel cell (at most {MAX_CELL_TEXT - 1:,}).")
                if quote_style is not None and value[0] in FORMULA_PREFIXES \
                        and safety.escape_formula(value) != value:
                    cells.append(f'<c r="{letters[i]}{n}" s="{quote_style}" t="inlineStr"><is>'
                                 f'<t xml:space="preserve">{_xml(x_escape(value))}</t></is></c>')
                    continue
                cells.append(f'<c r="{letters[i]}{n}" t="inlineStr"><is><t xml:space="preserve">'
                             f'{_xml(cell_text(value))}</t></is></c>')
            elif kind is bool:
                cells.append(f'<c r="{letters[i]}{n}" t="b"><v>{int(value)}</v></c>')
            elif kind is int or kind is float:
                cells.append(f'<c r="{letters[i]}{n}"><v>{value!r}</v></c>')
            elif value is not None:
                cells.append(f'<c r="{letters[i]}{n}" t="inlineStr"><is><t xml:space="preserve">'
                             f'{_xml(cell_text(str(value)))}</t></is></c>')
        out.append(f'<row r="{n}">{"".join(cells)}</row>')
    return "".join(out)


# ----- writing --------------------------------------------------------------------------------
def _frame(rows: dict[str, list[list[object]]]) -> bytes:
    """The workbook without data rows: instructions, headers, widths and drop-downs."""
    wb = openpyxl.Workbook(write_only=True)
    info = wb.create_sheet("Instructions")
    info.column_dimensions["A"].width = 120
    for line, bold in instructions():
        cell = WriteOnlyCell(info, value=line)
        cell.font = Font(name=BODY_FONT_NAME, bold=bold, size=13 if bold else 11)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        info.append([cell])
    lists: dict[tuple[str, ...], str] = {}
    for sheet in SHEETS:
        for c in sheet.columns:
            choices = c.choices or (("TRUE", "FALSE") if c.field and c.field.type is bool
                                    else None)
            if choices and choices not in lists:
                lists[choices] = letter(len(lists))
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.name)
        ws.freeze_panes = "A2"
        widths = column_widths(rows[sheet.name])
        header = []
        for i, c in enumerate(sheet.columns):
            ws.column_dimensions[letter(i)].width = widths[i]
            cell = WriteOnlyCell(ws, value=c.name)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            header.append(cell)
            _validate(ws, c, letter(i), lists)
        ws.auto_filter.ref = f"A1:{letter(len(sheet.columns) - 1)}{len(rows[sheet.name])}"
        ws.append(header)
    ws = wb.create_sheet("Lists")
    ws.sheet_state = "hidden"
    longest = max(len(c) for c in lists)
    for i in range(longest):
        ws.append([choices[i] if i < len(choices) else None for choices in lists])
    quoted = WriteOnlyCell(ws, value="'")  # registers the quote-prefix style (found later)
    quoted.quotePrefix = True
    ws.append([quoted])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _validate(ws, column: sheets.Column, col: str, lists: dict) -> None:
    """A drop-down for ``column``: its choices, or the names on the sheet it refers to."""
    choices = column.choices or (("TRUE", "FALSE") if column.field and
                                 column.field.type is bool else None)
    if choices:
        source = f"Lists!${lists[choices]}$1:${lists[choices]}${len(choices)}"
    elif column.ref and not column.many:
        names = letter(sheets.SHEET[column.ref].columns.index(
            sheets.SHEET[column.ref].column("name")))
        source = f"'{column.ref}'!${names}$2:${names}$100000"
    else:
        return
    strict = bool(column.choices) and not column.free
    dv = DataValidation(type="list", formula1=source, allow_blank=True,
                        showErrorMessage=strict, errorStyle="stop")
    dv.error = f"Choose one of the listed values for {column.name}."
    dv.prompt, dv.showInputMessage = column.help, True
    dv.add(f"{col}2:{col}1048576")
    ws.data_validations.append(dv)


def write_xlsx(doc: Document, path: str | os.PathLike, template: bool = False) -> None:
    """Write the map as a workbook (atomically). ``template`` leaves id columns empty."""
    rows = sheets.rows_for(doc, blank_ids=template)
    frame = _frame(rows)
    with zipfile.ZipFile(io.BytesIO(frame)) as src:
        found, _, rels = _sheet_paths(src, "the new workbook")
        paths = {p: name for name, p in found}
        quotes = _styles(src, rels, "the new workbook")[1]
        quote_style = min(quotes) if quotes else None

        def write(fh) -> None:
            with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as out:
                for info in src.infolist():
                    data = src.read(info)
                    name = paths.get(info.filename)
                    if name in rows and len(rows[name]) > 1:
                        text = data.decode("utf-8")
                        at = text.rindex("</sheetData>")
                        body = rows_xml(rows[name][1:], name, quote_style=quote_style)
                        data = (text[:at] + body + text[at:]).encode("utf-8")
                    out.writestr(info, data, zipfile.ZIP_DEFLATED)

        safety.write_atomically(path, write)


def write_template(path: str | os.PathLike) -> None:
    """Write the spreadsheet template: instructions, drop-downs and a small example map."""
    write_xlsx(example_document(), path, template=True)


# ----- reading --------------------------------------------------------------------------------
def _tag(tag: str) -> str:
    return tag[tag.rfind("}") + 1:]


def _rels(archive: zipfile.ZipFile, part: str, name: str) -> dict[str, tuple[str, str]]:
    """Relationships of ``part``: id -> (type's last word, member path)."""
    folder, file = posixpath.split(part)
    rels_path = posixpath.join(folder, "_rels", f"{file}.rels")
    if rels_path not in archive.namelist():
        return {}
    root = safety.parse_xml(safety.read_member(archive, rels_path, name), name)
    out = {}
    for rel in root:
        target = rel.get("Target") or ""
        target = target.lstrip("/") if target.startswith("/") else \
            posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id")] = ((rel.get("Type") or "").rsplit("/", 1)[-1], target)
    return out


def _sheet_paths(archive: zipfile.ZipFile, name: str):
    """([(sheet name, member path)], workbook element, relationships of the workbook)."""
    top = _rels(archive, "", name)
    book = next((t for kind, t in top.values() if kind == REL_OFFICE), "xl/workbook.xml")
    if book not in archive.namelist():
        raise FileFormatError(f"{name} is not an Excel workbook: it has no workbook part.")
    root = safety.parse_xml(safety.read_member(archive, book, name), name)
    rels = _rels(archive, book, name)
    found = []
    for el in root.iter():
        if _tag(el.tag) == "sheet":
            rid = next((v for k, v in el.attrib.items() if _tag(k) == "id"), None)
            if rid in rels:
                found.append((el.get("name") or "", rels[rid][1]))
    return found, root, rels


def _local(tag: str) -> str:
    """``x:row`` -> ``row`` (expat without namespace processing keeps prefixes)."""
    return tag[tag.index(":") + 1:] if ":" in tag else tag


def _shared_strings(data: bytes, name: str) -> list[str]:
    """The workbook's shared strings (phonetic runs left out)."""
    items: list[str] = []
    state = {"buf": [], "text": False, "phonetic": 0}

    def start(tag, attrs) -> None:
        local = _local(tag)
        if local == "si":
            state["buf"] = []
        elif local == "rPh":
            state["phonetic"] += 1
        elif local == "t" and not state["phonetic"]:
            state["text"] = True

    def end(tag) -> None:
        local = _local(tag)
        if local == "t":
            state["text"] = False
        elif local == "rPh":
            state["phonetic"] -= 1
        elif local == "si":
            items.append(text_from_cell("".join(state["buf"])))

    def text(chunk: str) -> None:
        if state["text"]:
            state["buf"].append(chunk)

    parser = safety.expat_parser()
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = text
    safety.parse_with(parser, data, name)
    return items


class _Cells:
    """Expat handlers turning one worksheet into rows of {column index: value}."""

    def __init__(self, sheet: str, strings: list[str], dates: set[int], epoch,
                 quotes: set[int] = frozenset()) -> None:
        self.sheet, self.strings, self.dates, self.epoch = sheet, strings, dates, epoch
        self.quotes = {str(i) for i in quotes}
        self.rows: list[tuple[int, dict[int, object]]] = []
        self.problems: list[SheetProblem] = []
        self.row_n, self.col, self.cells = 0, -1, {}
        self.buf: list[str] | None = None
        self.phonetic = 0

    def parse(self, data: bytes, name: str) -> None:
        parser = safety.expat_parser()
        parser.StartElementHandler, parser.EndElementHandler = self.start, self.end
        parser.CharacterDataHandler = self.data
        safety.parse_with(parser, data, name)

    def start(self, tag, attrs) -> None:
        if ":" in tag:
            tag = tag[tag.index(":") + 1:]
        if tag == "c":
            ref = attrs.get("r")
            self.col = _column(ref) if ref else self.col + 1
            self.type, self.style = attrs.get("t", "n"), attrs.get("s")
            self.value, self.formula, self.inline = None, None, []
        elif tag == "v" or (tag == "t" and not self.phonetic):
            self.buf = []
        elif tag == "row":
            ref = attrs.get("r")
            self.row_n = int(ref) if ref and ref.isdigit() else self.row_n + 1
            self.col, self.cells = -1, {}
        elif tag == "f":
            self.formula, self.buf = "", []
        elif tag == "rPh":
            self.phonetic += 1

    def end(self, tag) -> None:
        if ":" in tag:
            tag = tag[tag.index(":") + 1:]
        if tag == "c":
            value = self._value()
            if value is not None:
                self.cells[self.col] = value
        elif tag == "v":
            self.value, self.buf = "".join(self.buf), None
        elif tag == "f" and self.buf is not None:
            self.formula, self.buf = "".join(self.buf), None
        elif tag == "t" and self.buf is not None:
            self.inline.append("".join(self.buf))
            self.buf = None
        elif tag == "row":
            self.rows.append((self.row_n, self.cells))
        elif tag == "rPh":
            self.phonetic -= 1

    def data(self, text: str) -> None:
        if self.buf is not None:
            self.buf.append(text)

    def _problem(self, reason: str) -> None:
        self.problems.append(SheetProblem(self.sheet, self.row_n, letter(self.col), reason))

    def _quoted(self, text: str) -> str:
        """Text in a cell with the quote prefix is text as it stands: escaped here so that
        the sheet reader's unescaping gives it back exactly."""
        return safety.escape_formula(text) if self.style in self.quotes else text

    def _value(self) -> object:
        kind, raw = self.type, self.value
        if kind == "inlineStr":
            return self._quoted(text_from_cell("".join(self.inline)))
        if self.formula is not None and not raw:
            value = constant(self.formula)
            if value is None:
                shown = f" ={self.formula.strip()}" if self.formula.strip() else ""
                self._problem(f"formulas are not allowed (this cell has the formula{shown} "
                              "and no saved value); type the value instead")
            return value
        if raw is None or raw == "":
            return None
        if kind == "s":
            try:
                return self._quoted(self.strings[int(raw)])
            except (ValueError, IndexError):
                self._problem("the cell refers to text that is missing from the file")
                return None
        if kind in ("str", "d"):
            return self._quoted(text_from_cell(raw))
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "e":
            self._problem(f"the cell holds the error {raw}")
            return None
        try:
            number = int(raw) if raw.lstrip("-").isdigit() else float(raw)
        except ValueError:
            self._problem(f"the cell is marked as a number but holds {raw!r}")
            return None
        if self.style is not None and self.style.isdigit() and int(self.style) in self.dates:
            try:
                return from_excel(number, self.epoch)
            except (ValueError, OverflowError):
                return number
        return number


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def constant(formula: str) -> object:
    """The value of a formula that is only a constant, or None: ``TRUE()``, ``FALSE()``,
    ``TRUE`` (LibreOffice writes booleans as these, and openpyxl drops their saved values
    when it saves), a number, or a quoted text. Nothing else is worked out."""
    text = formula.strip().removeprefix("=").strip()
    word = text.upper().replace(" ", "")
    if word in ("TRUE()", "TRUE"):
        return True
    if word in ("FALSE()", "FALSE"):
        return False
    if _NUMBER.fullmatch(text):
        number = float(text)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if len(text) >= 2 and text[0] == text[-1] == '"' and '"' not in text[1:-1].replace('""', ""):
        return text_from_cell(text[1:-1].replace('""', '"'))
    return None


_COLUMNS: dict[str, int] = {}


def _column(ref: str) -> int:
    """0-based column index of a cell reference such as ``AB12``."""
    letters = ref.rstrip("0123456789")
    known = _COLUMNS.get(letters)
    if known is not None:
        return known
    n = 0
    for ch in letters:
        if "A" <= ch <= "Z":
            n = n * 26 + ord(ch) - 64
        elif "a" <= ch <= "z":
            n = n * 26 + ord(ch) - 96
        else:
            break
    if len(_COLUMNS) < 20_000:
        _COLUMNS[letters] = n - 1
    return n - 1


def _styles(archive, rels: dict, name: str) -> tuple[set[int], set[int]]:
    """Indexes of the cell styles that show numbers as dates (their values become dates),
    and of those with Excel's quote prefix (their text is text, even if it starts with =)."""
    path = next((t for kind, t in rels.values() if kind == "styles"), None)
    if path is None or path not in archive.namelist():
        return set(), set()
    root = safety.parse_xml(safety.read_member(archive, path, name), name)
    formats = dict(BUILTIN_FORMATS)
    dates, quotes = set(), set()
    for el in root.iter():
        if _tag(el.tag) == "numFmt" and (el.get("numFmtId") or "").isdigit():
            formats[int(el.get("numFmtId"))] = el.get("formatCode") or ""
    xfs = next((el for el in root.iter() if _tag(el.tag) == "cellXfs"), None)
    for i, xf in enumerate(xfs if xfs is not None else []):
        fmt = xf.get("numFmtId") or "0"
        if fmt.isdigit() and is_date_format(formats.get(int(fmt), "")):
            dates.add(i)
        if xf.get("quotePrefix") in ("1", "true"):
            quotes.add(i)
    return dates, quotes


def read_tables(path: str | os.PathLike) -> list[Table]:
    """The servicemap sheets of a workbook as :class:`Table` objects (others are skipped)."""
    path = Path(path)
    if path.suffix.lower() in (".xlsm", ".xltm", ".xlsb", ".xls"):
        raise FileFormatError(f"{path.name} is not accepted: save it from Excel as an 'Excel "
                              "Workbook (.xlsx)', which cannot hold macros.")
    wanted = {sheets.key(s.name) for s in SHEETS}
    with safety.open_zip(path, "an Excel workbook (.xlsx)") as archive:
        found, book, rels = _sheet_paths(archive, path.name)
        pr = next((el for el in book.iter() if _tag(el.tag) == "workbookPr"), None)
        epoch = CALENDAR_MAC_1904 if pr is not None and pr.get("date1904") in ("1", "true") \
            else CALENDAR_WINDOWS_1900
        strings: list[str] = []
        shared = next((t for kind, t in rels.values() if kind == "sharedStrings"), None)
        if shared in archive.namelist():
            strings = _shared_strings(safety.read_member(archive, shared, path.name),
                                      path.name)
        dates, quotes = _styles(archive, rels, path.name)
        tables = []
        for sheet_name, member in found:
            if sheets.key(sheet_name) not in wanted:
                continue
            target = _Cells(sheet_name, strings, dates, epoch, quotes)
            target.parse(safety.read_member(archive, member, path.name), path.name)
            tables.append(Table(sheet_name, target.rows, target.problems))
    return tables


def read_xlsx(path: str | os.PathLike) -> Document:
    """Build a map from a workbook; :class:`sheets.SheetProblems` lists every problem."""
    with gc_paused():
        return document_from_tables(read_tables(path), Path(path).name)
