"""One table of results to take away: a CSV file, an Excel workbook, and the tab-separated text
and HTML a spreadsheet pastes from the clipboard (no Qt).

A :class:`ResultTable` is a header and rows of plain values: text, whole or decimal numbers, or
a ratio shown as a percentage (a column whose format is ``"0%"`` or ``"0.0%"``). Nothing a
spreadsheet could run as a formula gets through: in CSV and tab-separated text such text takes
a leading quote (:func:`servicemap.io.safety.escape_formula`, as every other export); in the
workbook it is a text cell with Excel's quote prefix (as typing ``'=x`` in Excel gives); in
HTML it is a cell marked as text for Excel (``mso-number-format``) and LibreOffice (``sdnum``):
LibreOffice 7.4 reads ``=1+2`` in a plain HTML cell as a formula, in a marked one as text. Unknown
values are the word "unknown", never an empty cell a sum would read as 0.
"""

from __future__ import annotations

import csv
import html
import io
import os
import re
from dataclasses import dataclass, field

from servicemap.errors import SaveError
from servicemap.io import safety

PERCENT_FORMATS = {"0%": 0, "0.0%": 1}
NUMBER_FORMATS = {"#,##0", "0.0", "0.00", "General"}
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
MAX_CELL_TEXT = 32_767


@dataclass(frozen=True)
class ResultTable:
    """``rows`` of values (str, int, float or None = empty); ``formats`` one Excel number
    format per column (``"0%"``, ``"0.0%"``, ``"#,##0"``, ``"0.0"`` or None for as is);
    ``about`` lines saying what the table is (the workbook's second sheet)."""

    title: str
    header: list[str]
    rows: list[list[object]]
    formats: list[str | None] = field(default_factory=list)
    about: list[str] = field(default_factory=list)

    def format_of(self, column: int) -> str | None:
        return self.formats[column] if column < len(self.formats) else None


def _number_text(value: float) -> str:
    """A number as a spreadsheet reads it back exactly (no thousands separator)."""
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def plain_cell(table: ResultTable, column: int, value: object) -> str:
    """The cell as text for CSV and tab-separated text: percentages with "%", numbers exact,
    text escaped against formulas."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        places = PERCENT_FORMATS.get(table.format_of(column))
        if places is not None:
            return f"{_number_text(round(value * 100, 6))}%"
        return _number_text(value)
    return safety.escape_formula(str(value))


# ----- CSV --------------------------------------------------------------------------------------
def csv_text(table: ResultTable) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safety.escape_formula(h) for h in table.header])
    for row in table.rows:
        writer.writerow([plain_cell(table, i, v) for i, v in enumerate(row)])
    return buffer.getvalue()


def write_csv(table: ResultTable, path: str | os.PathLike) -> None:
    """UTF-8 with a byte-order mark (Excel then reads accents and arrows), written atomically."""
    data = csv_text(table).encode("utf-8-sig")
    _write(path, lambda fh: fh.write(data))


# ----- the clipboard ----------------------------------------------------------------------------
def _one_line(text: str) -> str:
    return " ".join(text.replace("\t", " ").splitlines())


def tsv_text(table: ResultTable) -> str:
    """Tab-separated lines (header first) as Excel and LibreOffice paste them into cells; tabs
    and line breaks inside a cell become spaces."""
    lines = ["\t".join(_one_line(safety.escape_formula(h)) for h in table.header)]
    lines += ["\t".join(_one_line(plain_cell(table, i, v)) for i, v in enumerate(row))
              for row in table.rows]
    return "\r\n".join(lines) + "\r\n"


def html_text(table: ResultTable) -> str:
    """An HTML table (bold header, numbers right-aligned) for word processors, e-mail and
    spreadsheets. Text cells are marked as text for Excel (``mso-number-format:"\\@"``) and
    LibreOffice (``sdnum``), so neither runs them; numbers carry their value and format for
    both (``x:num``, ``sdval``), so a percentage shown "320%" pastes as the number 3.2."""
    text_cell = ' style="mso-number-format:\'\\@\'" sdnum="1033;0;@"'
    out = ["<html><head><meta charset=\"utf-8\"></head><body>",
           f"<table border=\"1\" cellspacing=\"0\" cellpadding=\"3\" "
           f"summary=\"{html.escape(table.title)}\">",
           "<tr>" + "".join(f"<th{text_cell}>{html.escape(h)}</th>" for h in table.header)
           + "</tr>"]
    for row in table.rows:
        cells = []
        for i, value in enumerate(row):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                fmt = table.format_of(i) or "General"
                number = _number_text(value)
                cells.append(f'<td align="right" x:num="{number}" sdval="{number}" '
                             f'sdnum="1033;0;{html.escape(fmt)}" '
                             f"style=\"mso-number-format:'{html.escape(fmt)}'\">"
                             f"{html.escape(plain_cell(table, i, value))}</td>")
            else:
                cells.append(f"<td{text_cell}>{html.escape('' if value is None else str(value))}"
                             "</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table></body></html>")
    return "".join(out)


def tsv_tables(tables: list[ResultTable]) -> str:
    """Several tables as tab-separated text, one after the other with an empty line between
    (each with its header), as a spreadsheet pastes them into blocks of cells."""
    return "\r\n".join(tsv_text(t) for t in tables)


def html_tables(tables: list[ResultTable]) -> str:
    """Several tables in one HTML document, each under its title and as :func:`html_text`
    writes it (text marked as text, numbers with their values and formats)."""
    parts = []
    for t in tables:
        one = html_text(t)
        start, end = one.index("<table"), one.rindex("</table>") + len("</table>")
        parts.append(f"<p><b>{html.escape(t.title)}</b></p>{one[start:end]}")
    return ("<html><head><meta charset=\"utf-8\"></head><body>" + "<br>".join(parts)
            + "</body></html>")


def csv_tables(tables: list[ResultTable]) -> str:
    """Several tables in one CSV text, each with its header, an empty row between them."""
    return "\r\n".join(csv_text(t) for t in tables)


def write_csv_tables(tables: list[ResultTable], path: str | os.PathLike) -> None:
    """As :func:`write_csv`, with the tables one after the other (:func:`csv_tables`)."""
    data = csv_tables(tables).encode("utf-8-sig")
    _write(path, lambda fh: fh.write(data))


# ----- Excel --------------------------------------------------------------------------------------
def sheet_name(title: str) -> str:
    """The title as an Excel sheet name: no ``[]:*?/\\``, at most 31 characters."""
    name = SHEET_NAME_BAD.sub(" ", title).strip().strip("'") or "Results"
    return name[:31]


def write_xlsx(table: ResultTable, path: str | os.PathLike) -> None:
    """A workbook: the table on its first sheet (bold frozen header, filter, widths fitted,
    number formats), then an About sheet; written atomically."""
    write_xlsx_tables([table], path)


def write_xlsx_tables(tables: list[ResultTable], path: str | os.PathLike) -> None:
    """A workbook of one sheet per table (as :func:`write_xlsx`'s, each named for its
    table's title), then an About sheet of the first table's ``about``; written atomically."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    from servicemap.io.sheets import letter
    from servicemap.io.template import (
        BODY_FONT_NAME,
        BODY_FONT_SIZE,
        HEADER_FONT_NAME,
        HEADER_FONT_SIZE,
        column_widths,
    )

    for table in tables:  # before the workbook is begun
        for n, row in enumerate(table.rows, start=2):
            for value in row:
                if isinstance(value, str) and len(value) >= MAX_CELL_TEXT:
                    raise SaveError(f"row {n}: a text of {len(value):,} characters is too "
                                    f"long for an Excel cell (at most {MAX_CELL_TEXT - 1:,}).")
    header_font = Font(name=HEADER_FONT_NAME, size=HEADER_FONT_SIZE, bold=True, color="FFFFFF")
    body_font = Font(name=BODY_FONT_NAME, size=BODY_FONT_SIZE)
    fill = PatternFill("solid", fgColor="005EB8")
    wb = openpyxl.Workbook(write_only=True)
    names: set[str] = set()
    for table in tables:
        name = sheet_name(table.title)
        while name.casefold() in names or name.casefold() == "about":
            name = name[:29] + " 2"
        names.add(name.casefold())
        ws = wb.create_sheet(name)
        ws.freeze_panes = "A2"
        shown = [[plain_cell(table, i, v) if isinstance(v, (int, float)) and table.format_of(i)
                  in PERCENT_FORMATS else v for i, v in enumerate(row)] for row in table.rows]
        for i, width in enumerate(column_widths([table.header, *shown])):
            ws.column_dimensions[letter(i)].width = width
        if table.header:
            ws.auto_filter.ref = f"A1:{letter(len(table.header) - 1)}{len(table.rows) + 1}"
        heads = []
        for h in table.header:
            cell = _text_cell(ws, WriteOnlyCell, h)
            cell.font, cell.fill = header_font, fill
            heads.append(cell)
        ws.append(heads)
        for row in table.rows:
            cells = []
            for i, value in enumerate(row):
                if value is None or value == "":
                    cells.append(None)
                    continue
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    cell = WriteOnlyCell(ws, value=value)
                    fmt = table.format_of(i)
                    if fmt:
                        cell.number_format = fmt
                else:
                    cell = _text_cell(ws, WriteOnlyCell, str(value))
                cell.font = body_font
                cells.append(cell)
            ws.append(cells)
    about = wb.create_sheet("About")
    about.column_dimensions["A"].width = 110
    for k, line in enumerate(tables[0].about or [tables[0].title]):
        cell = _text_cell(about, WriteOnlyCell, line)
        cell.font = Font(name=BODY_FONT_NAME, size=13 if k == 0 else BODY_FONT_SIZE, bold=k == 0)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        about.append([cell])
    _write(path, wb.save)


def _text_cell(ws, cell_type, text: str):
    """A text cell that is never a formula: openpyxl would take text starting with "=" as one,
    so such text (and any a spreadsheet could run) is stored as text with the quote prefix."""
    text = safety.xml_safe(text)
    cell = cell_type(ws, value=text)
    if text and text[0] in safety.FORMULA_STARTS:
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _write(path: str | os.PathLike, write) -> None:
    try:
        safety.write_atomically(path, write)
    except OSError as exc:
        name = os.fspath(path)
        raise SaveError(f"{os.path.basename(name)} could not be written "
                        f"({exc.strerror or exc}).") from None
