"""Every file format servicemap reads or writes, in one table (no Qt).

Each :class:`Format` has its suffixes, a label, the file-dialog filter made from them, and a
reader (path -> Document) and/or a writer (Document, path). What it is for:

* ``MAP``: a whole map — the ``.smap`` file, and the ``.json`` exchange file that File > Open
  also opens (:func:`open_map` is the one rule for opening either);
* ``DATA``: data exchange — Excel, OpenDocument (LibreOffice), zipped CSV, GraphML, draw.io
  and a folder of CSV files (the two spreadsheets also write the template);
* ``PICTURE``: PNG, SVG and PDF. Only their label and filter are here: pictures are drawn
  and written by :mod:`servicemap.render.export` (Qt), which ``io`` never imports.

Readers and writers import their module on first use, so a command that needs one format
does not load openpyxl or the XML parsers. The filter helpers give the plain strings a Qt
file dialog takes (``"Excel workbook (*.xlsx);;..."``).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # readers and writers import them (and networkx) when first called
    from servicemap.graph.document import Document
    from servicemap.io.report import Imported

MAP, DATA, PICTURE = "map", "data", "picture"
ALL_FILES = "All files (*)"


def _lazy(module: str, name: str) -> Callable:
    """``module.name``, imported when first called."""
    def call(*args, **kwargs):
        return getattr(importlib.import_module(module), name)(*args, **kwargs)
    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"{module}.{name}, imported when first called."
    return call


@dataclass(frozen=True)
class Format:
    """One file format. ``suffixes`` is empty for a folder; ``read`` and ``write`` are None
    where servicemap cannot read or write it here (pictures: see the module docstring).
    ``load`` (path, undirected=) -> :class:`Imported` also says what the reader filled in;
    formats without one say nothing (see :meth:`import_file`)."""

    label: str
    suffixes: tuple[str, ...]
    role: str
    read: Callable[[Path], Document] | None = None
    write: Callable[[Document, Path], None] | None = None
    load: Callable[..., Imported] | None = None
    template: Callable[[Path], None] | None = None  # writes the spreadsheet template

    def import_file(self, path: str | os.PathLike, undirected: str | None = None) -> Imported:
        """The map in ``path`` with the reader's notices (defaults filled in, warnings).
        ``undirected``: ``"one-way"`` or ``"both-ways"`` for a graph without direction."""
        if self.load is not None:
            return self.load(Path(path), undirected=undirected)
        from servicemap.io.report import Imported

        return Imported(self.read(Path(path)))

    @property
    def suffix(self) -> str:
        """The first suffix ("" for a folder)."""
        return self.suffixes[0] if self.suffixes else ""

    @property
    def is_folder(self) -> bool:
        return not self.suffixes

    @property
    def dialog_filter(self) -> str:
        """``"Excel workbook (*.xlsx)"``; "" for a folder (dialogs choose folders without)."""
        if self.is_folder:
            return ""
        return f"{self.label} ({' '.join('*' + s for s in self.suffixes)})"


SMAP = Format("servicemap map", (".smap",), MAP, _lazy("servicemap.store", "load"),
              _lazy("servicemap.store", "save"))
JSON = Format("JSON exchange file", (".json",), MAP,
              _lazy("servicemap.io.exchange", "read_json"),
              _lazy("servicemap.io.exchange", "write_json"),
              _lazy("servicemap.io.exchange", "import_json"))
PNG = Format("PNG image", (".png",), PICTURE)
SVG = Format("SVG drawing", (".svg",), PICTURE)
PDF = Format("PDF document", (".pdf",), PICTURE)
XLSX = Format("Excel workbook", (".xlsx",), DATA, _lazy("servicemap.io.xlsx", "read_xlsx"),
              _lazy("servicemap.io.xlsx", "write_xlsx"),
              template=_lazy("servicemap.io.xlsx", "write_template"))
ODS = Format("OpenDocument spreadsheet", (".ods",), DATA,
             _lazy("servicemap.io.ods", "read_ods"), _lazy("servicemap.io.ods", "write_ods"),
             template=_lazy("servicemap.io.ods", "write_template"))
CSV_ZIP = Format("CSV files, zipped", (".zip",), DATA,
                 _lazy("servicemap.io.csvfiles", "read_csv_zip"),
                 _lazy("servicemap.io.csvfiles", "write_csv_zip"))
GRAPHML = Format("GraphML for yEd, Gephi, Cytoscape", (".graphml",), DATA,
                 _lazy("servicemap.io.graphml_read", "read_graphml"),
                 _lazy("servicemap.io.graphml", "write_graphml"),
                 _lazy("servicemap.io.graphml_read", "import_graphml"))
DRAWIO = Format("draw.io diagram", (".drawio",), DATA,
                write=_lazy("servicemap.io.drawio", "write_drawio"))
CSV_FOLDER = Format("Folder of CSV files", (), DATA,
                    _lazy("servicemap.io.csvfiles", "read_csv_folder"),
                    _lazy("servicemap.io.csvfiles", "write_csv_folder"))

# A second way of writing a suffix of the table: flat GraphML, for igraph, networkx, Gephi and
# Cytoscape (every node at the top level, no yEd graphics). Not in FORMATS, where each suffix
# names one format (``.graphml`` is read by GRAPHML's reader whichever was written): Export
# data… offers it as a choice of its own and the command line as ``export ... --flat``.
GRAPHML_FLAT = Format("Flat GraphML for igraph, networkx, Gephi", (".graphml",), DATA,
                      write=_lazy("servicemap.io.graphml", "write_flat_graphml"))
VARIANTS: dict[Format, tuple[Format, ...]] = {GRAPHML: (GRAPHML_FLAT,)}

# PathSimR's templates (servicemap.io.pathsimr): two files, a network and a calendar, and a
# time unit the files do not record, so no reader of the table's shape (path -> map) fits and
# it is not in FORMATS; File > Import… offers its suffix and asks for the rest, the command
# line reads it as ``import NETWORK.csv OUT.smap --calendar CALENDAR.csv --time-unit ...``.
PATHSIMR = Format("PathSimR network template", (".csv",), DATA)

# In the order the command line lists them in its messages.
FORMATS: tuple[Format, ...] = (SMAP, JSON, PNG, SVG, PDF, XLSX, ODS, CSV_ZIP, GRAPHML, DRAWIO,
                               CSV_FOLDER)
PICTURES: tuple[Format, ...] = tuple(f for f in FORMATS if f.role == PICTURE)
MAPS: tuple[Format, ...] = tuple(f for f in FORMATS if f.role == MAP)
TEMPLATES: tuple[Format, ...] = tuple(f for f in FORMATS if f.template is not None)


def by_suffix(suffix: str) -> Format | None:
    """The format of a suffix such as ``".XLSX"`` (case ignored), or None."""
    suffix = suffix.lower()
    return next((f for f in FORMATS if suffix in f.suffixes), None)


def for_path(path: str | os.PathLike) -> Format | None:
    """The format of ``path``: a folder of CSV files for an existing folder, else by suffix."""
    path = Path(path)
    return CSV_FOLDER if path.is_dir() else by_suffix(path.suffix)


def map_format(path: str | os.PathLike) -> Format:
    """How File > Open and the command line read a map: ``.json`` as the exchange file,
    anything else as a ``.smap`` file (whose checks name what is wrong with it)."""
    return JSON if Path(path).suffix.lower() in JSON.suffixes else SMAP


def open_map(path: str | os.PathLike) -> Document:
    """Open a ``.smap`` map, or a ``.json`` map in the exchange format."""
    from servicemap.io.report import ImportProblems

    try:
        return map_format(path).read(Path(path))
    except ImportProblems as exc:
        raise exc.when_opening() from None


def exchange_formats(*, reads: bool = False, writes: bool = False) -> list[Format]:
    """The formats of File > Import… (``reads``) or Export data… (``writes``): data exchange
    formats, then the JSON exchange file; never the ``.smap`` file or a picture."""
    return [f for f in (*(f for f in FORMATS if f.role == DATA), JSON)
            if (not reads or f.read is not None) and (not writes or f.write is not None)]


def with_variants(formats: Iterable[Format]) -> list[Format]:
    """``formats`` with each one's :data:`VARIANTS` after it (the choices of a save dialog)."""
    return [v for f in formats for v in (f, *VARIANTS.get(f, ()))]


def dialog_filters(formats: Iterable[Format], *, combined: str = "",
                   all_files: bool = False) -> str:
    """A Qt file-dialog filter string: one entry per format with a suffix, after an entry
    ``combined`` for all of them when given, and ``All files (*)`` last when asked."""
    with_suffix = [f for f in formats if not f.is_folder]
    entries = [f.dialog_filter for f in with_suffix]
    if combined:
        patterns = " ".join("*" + s for f in with_suffix for s in f.suffixes)
        entries.insert(0, f"{combined} ({patterns})")
    if all_files:
        entries.append(ALL_FILES)
    return ";;".join(entries)


def chosen_format(chosen_filter: str, formats: Iterable[Format]) -> Format | None:
    """The format whose dialog filter the user chose, or None (a combined or "All files")."""
    return next((f for f in formats if f.dialog_filter == chosen_filter), None)


def with_suffix(path: str, chosen_filter: str, formats: Iterable[Format],
                default: Format | None = None) -> str:
    """``path`` as typed in a save dialog; when it has no suffix of ``formats``, the suffix
    of the chosen filter's format (or of ``default``) is added."""
    formats = list(formats)
    if not path or any(Path(path).suffix.lower() in f.suffixes for f in formats):
        return path
    fmt = chosen_format(chosen_filter, formats) or default
    return path + fmt.suffix if fmt is not None else path
