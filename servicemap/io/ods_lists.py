"""The drop-down lists and frozen header rows of the OpenDocument spreadsheet
(:mod:`servicemap.io.ods`), as the Excel workbook has them (:func:`servicemap.io.xlsx._validate`).

odfdo has no helper for either, so they are written as LibreOffice writes them: each list is a
``<table:content-validation>`` (a list of choices, or the names on the sheet a column refers
to; a stop message only where the choices are the only values allowed), named on every cell of
its column down to the sheet's last row (the rows past the data as one repeated row); the
frozen row is each sheet's split settings in ``settings.xml``, set through odfdo's elements.
"""

from __future__ import annotations

from html import escape

from servicemap.io import sheets
from servicemap.io.sheets import SHEETS, letter

LAST_ROW = 1_048_576  # LibreOffice's (and Excel's) rows: drop-downs reach the last one
FROZEN = (("HorizontalSplitMode", "short", "0"), ("VerticalSplitMode", "short", "2"),
          ("HorizontalSplitPosition", "int", "0"), ("VerticalSplitPosition", "int", "1"),
          ("ActiveSplitRange", "short", "2"), ("PositionLeft", "int", "0"),
          ("PositionRight", "int", "0"), ("PositionTop", "int", "0"),
          ("PositionBottom", "int", "1"))  # a split below row 1, frozen, as LibreOffice writes


def _esc(text: str) -> str:
    return escape(text, quote=True)


def list_cell(name: str | None) -> str:
    return (f'<table:table-cell table:content-validation-name="{name}"/>' if name
            else "<table:table-cell/>")


def blank_rows(count: int, lists: list[str | None]) -> str:
    """``count`` empty rows (one repeated row) whose cells keep their columns' drop-downs."""
    last = max((i for i, name in enumerate(lists) if name), default=-1)
    if count <= 0 or last < 0:
        return ""
    cells, i = [], 0
    while i <= last:
        j = i
        while j <= last and lists[j] == lists[i]:
            j += 1
        repeat = f' table:number-columns-repeated="{j - i}"' if j - i > 1 else ""
        name = f' table:content-validation-name="{lists[i]}"' if lists[i] else ""
        cells.append(f"<table:table-cell{repeat}{name}/>")
        i = j
    return (f'<table:table-row table:number-rows-repeated="{count}">{"".join(cells)}'
            "</table:table-row>")


def _formula_text(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def drop_downs() -> tuple[dict[str, list[str | None]], list[str]]:
    """Each sheet's drop-down name per column, and the ``<table:content-validation>``
    elements: the workbook's lists (:func:`servicemap.io.xlsx._validate`) in OpenDocument."""
    names: dict[str, list[str | None]] = {}
    elements: list[str] = []
    by_source: dict[tuple, str] = {}
    for sheet in SHEETS:
        names[sheet.name] = []
        for i, column in enumerate(sheet.columns):
            choices = column.choices or (("TRUE", "FALSE") if column.field and
                                         column.field.type is bool else None)
            if choices:
                condition = ("of:cell-content-is-in-list("
                             + ";".join(_formula_text(c) for c in choices) + ")")
            elif column.ref and not column.many:
                target = sheets.SHEET[column.ref]
                col = letter(target.columns.index(target.column("name")))
                condition = (f"of:cell-content-is-in-list([$'{column.ref}'.${col}$2:"
                             f".${col}${LAST_ROW}])")
            else:
                names[sheet.name].append(None)
                continue
            strict = bool(column.choices) and not column.free
            key = (condition, strict, column.help, column.name)
            if key not in by_source:
                name = f"smList{len(by_source) + 1}"
                by_source[key] = name
                message = _esc(f"Choose one of the listed values for {column.name}.")
                elements.append(
                    f'<table:content-validation table:name="{name}" '
                    f'table:condition="{_esc(condition)}" '
                    f'table:allow-empty-cell="true" table:display-list="unsorted" '
                    f'table:base-cell-address="$\'{sheet.name}\'.${letter(i)}$2">'
                    f'<table:help-message table:title="{_esc(column.name)}" '
                    f'table:display="true"><text:p>{_esc(column.help)}</text:p>'
                    f'</table:help-message>'
                    f'<table:error-message table:message-type="stop" '
                    f'table:display="{"true" if strict else "false"}">'
                    f"<text:p>{message}</text:p></table:error-message>"
                    "</table:content-validation>")
            names[sheet.name].append(by_source[key])
    return names, elements


def freeze_headers(doc, tables: list[str], active: str) -> None:
    """Freeze the first row of each of ``tables`` and open on ``active``: the view settings
    LibreOffice keeps per sheet (``settings.xml``), written through odfdo's elements."""
    from odfdo import Element

    settings = doc.settings
    found = settings.get_element("//config:config-item-map-named[@config:name='Tables']")
    found.clear()
    found.set_attribute("config:name", "Tables")
    for name in tables:
        items = "".join(f'<config:config-item config:name="{key}" config:type="{kind}">'
                        f"{value}</config:config-item>" for key, kind, value in FROZEN)
        found.append(Element.from_tag(
            f'<config:config-item-map-entry config:name="{_esc(name)}">{items}'
            "</config:config-item-map-entry>"))
    active_name = active
    active = settings.get_element("//config:config-item[@config:name='ActiveTable']")
    if active is not None:
        active.text = active_name
