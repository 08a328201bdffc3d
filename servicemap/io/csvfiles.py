"""CSV files: one file per sheet of :mod:`servicemap.io.sheets` (``Services.csv``,
``Flows.csv``, ...), in a folder or a zip file.

Written as Excel likes them: UTF-8 with a byte-order mark, comma-separated, CRLF line ends,
fields quoted where needed; text that a spreadsheet could run as a formula is escaped with a
leading quote (and unescaped on import, so text round-trips exactly). Read as UTF-8 only
(with or without the byte-order mark): anything else is a problem on that file, because
guessing an encoding silently garbles names. The separator is taken from the header line
(comma, semicolon or tab: whichever shows the most known column names), for spreadsheets set
to a European locale.
"""

from __future__ import annotations

import csv
import io
import os
import posixpath
import shutil
import stat
import time
import uuid
import zipfile
from pathlib import Path

from servicemap import atomic
from servicemap.errors import FileFormatError, SaveError
from servicemap.gcpause import gc_paused
from servicemap.graph.document import Document
from servicemap.io import safety, sheets
from servicemap.io.sheet_reader import document_from_tables
from servicemap.io.sheets import SHEETS, SheetProblem, Table

NOT_UTF8 = "is not UTF-8 text (save it as 'CSV UTF-8' in Excel)"
BOM = "\ufeff"


def csv_file_names() -> list[str]:
    """The names of the files a CSV export writes, one per sheet."""
    return [f"{s.name}.csv" for s in SHEETS]


def cell(value: object) -> str:
    """How one value is written in a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, str):
        return safety.escape_formula(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return repr(value) if isinstance(value, float) else str(value)


def csv_text(rows: list[list[object]]) -> str:
    """The CSV text of one sheet (with a byte-order mark)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([cell(v) for v in row] for row in rows)
    return BOM + buffer.getvalue()


def csv_files(doc: Document) -> dict[str, bytes]:
    """File name -> bytes for every sheet of the map."""
    return {f"{name}.csv": csv_text(rows).encode("utf-8")
            for name, rows in sheets.rows_for(doc).items()}


def write_csv_folder(doc: Document, folder: str | os.PathLike) -> list[Path]:
    """Write one CSV file per sheet into ``folder`` (made if missing), all or none: every file
    is written into a hidden temporary folder beside it first (where a full disk stops an
    export), then each is renamed into place, the file it replaces kept until all are in. A
    rename that fails (a file open in Excel on Windows) puts the old files back, so the folder
    never holds files from two exports, which would import as a map matching neither."""
    folder = Path(folder)
    try:
        files = csv_files(doc)
    except UnicodeEncodeError as exc:
        raise SaveError(f"The CSV files could not be written: some text is not valid "
                        f"Unicode ({exc.reason}).") from None
    modes = {}  # the files replaced keep their permission bits; a read-only one is refused
    for name in files:
        if os.path.lexists(folder / name) and not (folder / name).is_file():
            raise SaveError(f"{folder.name}/{name} is not a file (a folder or a link), so the "
                            "CSV files were not written there.")
        try:
            modes[name] = atomic.existing_mode(folder / name, atomic.EXPORT_ADVICE)
        except SaveError as exc:
            raise SaveError(f"{folder.name}/{exc}".replace("not written over", "not written "
                            "over (nor any of the CSV files)", 1)) from None
    staging = folder.with_name(f".{folder.name}.{uuid.uuid4().hex[:8]}.tmp")
    existed = folder.is_dir()
    current = ""  # the file being written, named if the disk fills up
    try:
        staging.mkdir()
        for current, data in files.items():
            with (staging / current).open("xb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            if modes.get(current) is not None:
                os.chmod(staging / current, modes[current])
        current = ""
        folder.mkdir(exist_ok=True)
        _move_in(staging, folder, list(files))
        atomic.fsync_dir(folder)
    except OSError as exc:
        if not existed:
            try:
                folder.rmdir()  # made for this export: nothing of it is left
            except OSError:
                pass
        if isinstance(exc, _MoveFailed):
            current, exc = exc.name, exc.__cause__
        what = f"{folder.name}/{current}" if current else f"The CSV files in {folder.name}"
        after = "the folder is as it was" if existed else "nothing was written"
        raise SaveError(f"{what} could not be written ({atomic.reason(exc)}); "
                        f"{after}.") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [folder / name for name in files]


class _MoveFailed(OSError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _move_in(staging: Path, folder: Path, names: list[str]) -> None:
    """Rename each written file from ``staging`` into ``folder``, the old one set aside in
    ``staging`` (``NAME.old``); on a failure every file moved so far goes back."""
    moved: list[str] = []
    try:
        for name in names:
            target, old = folder / name, staging / f"{name}.old"
            if os.path.lexists(target):
                os.replace(target, old)
            moved.append(name)
            os.replace(staging / name, target)
    except OSError as exc:
        failed = name
        for name in reversed(moved):
            target, old = folder / name, staging / f"{name}.old"
            try:
                if os.path.lexists(target) and not (staging / name).exists():
                    os.replace(target, staging / name)
                if os.path.lexists(old):
                    os.replace(old, target)
            except OSError:
                pass  # best effort: the old file is still in the staging folder's name
        raise _MoveFailed(failed) from exc


MEMBER_MODE = stat.S_IFREG | 0o644  # a plain file anyone may read, whoever unzips it


def write_csv_zip(doc: Document, path: str | os.PathLike) -> None:
    """Write the CSV files into one zip file (atomically), each member readable by everyone
    (mode 0644 as a Unix unzip sets it; ``writestr`` alone would give 0600)."""
    stamp = time.localtime()[:6]

    def write(fh) -> None:
        with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in csv_files(doc).items():
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3  # Unix: the mode below is what unzip applies
                info.external_attr = MEMBER_MODE << 16
                archive.writestr(info, data)

    safety.write_atomically(path, write)


KNOWN = {c.name for s in SHEETS for c in s.columns} | set(sheets.ALIASES)


def _delimiter(text: str) -> str:
    """The separator under which the first row has the most known column names (comma when
    none is better): Excel in a European locale saves with semicolons."""
    def known(delimiter: str) -> int:
        try:
            row = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
        except csv.Error:
            return -1
        return sum(sheets.key(cell) in KNOWN for cell in row)
    return max((",", ";", "\t"), key=known)


def table_from_csv(sheet: str, data: bytes) -> Table:
    """One CSV file as a :class:`Table` (a problem, and no rows, if it is not UTF-8)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return Table(sheet, [], [SheetProblem(sheet, line, "", NOT_UTF8)])
    delimiter = _delimiter(text[:65536])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, dict[int, object]]] = []
    try:
        for n, row in enumerate(reader, start=1):
            rows.append((n, {i: v for i, v in enumerate(row) if v != ""}))
    except csv.Error as exc:
        return Table(sheet, rows, [SheetProblem(sheet, len(rows) + 1, "",
                                                f"is not valid CSV ({exc})")])
    return Table(sheet, rows)


def _pick(names: dict[str, object], where: str) -> dict[str, object]:
    """The files that are sheets, by sheet name; refuses two files for one sheet."""
    found: dict[str, object] = {}
    for file_name, item in names.items():
        stem = file_name[:-4] if file_name.lower().endswith(".csv") else None
        sheet = next((s.name for s in SHEETS if stem is not None
                      and sheets.key(s.name) == sheets.key(stem)), None)
        if sheet is None:
            continue
        if sheet in found:
            raise FileFormatError(f"{where} has two CSV files for the {sheet} sheet; keep one.")
        found[sheet] = item
    if not found:
        raise FileFormatError(f"{where} has none of the CSV files "
                              f"{', '.join(s.name + '.csv' for s in SHEETS)}, so it is not "
                              "a servicemap map.")
    return found


def read_csv_folder(folder: str | os.PathLike) -> Document:
    """Build a map from a folder of CSV files; :class:`sheets.SheetProblems` lists problems."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileFormatError(f"{folder} is not a folder of CSV files.")
    files = _pick({p.name: p for p in sorted(folder.iterdir()) if p.is_file()}, folder.name)
    total, tables = 0, []
    for sheet, path in files.items():
        total += safety.check_file_size(path)
        if total > safety.MAX_UNZIPPED_BYTES:
            raise FileFormatError(f"{folder.name} holds too much data to import (over "
                                  f"{safety.MAX_UNZIPPED_BYTES // 2**20} MB).")
        tables.append(table_from_csv(sheet, path.read_bytes()))
    with gc_paused():
        return document_from_tables(tables, folder.name)


def read_csv_zip(path: str | os.PathLike) -> Document:
    """Build a map from a zip of CSV files (in its top folder or one level down)."""
    path = Path(path)
    with safety.open_zip(path, "a zip of CSV files") as archive:
        members = {}
        for info in archive.infolist():
            if info.is_dir() or info.filename.startswith("__MACOSX/"):
                continue
            base = posixpath.basename(info.filename)
            if base in members:
                raise FileFormatError(f"{path.name} has two files named {base}; keep one.")
            members[base] = info
        tables = [table_from_csv(sheet, safety.read_member(archive, info, path.name))
                  for sheet, info in _pick(members, path.name).items()]
    with gc_paused():
        return document_from_tables(tables, path.name)
