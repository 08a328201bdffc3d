"""Review comments as a CSV file, for a spreadsheet or an action log.

UTF-8 with a byte-order mark (so Excel reads accents and arrows), one row per comment, threads
in order with their replies under them. A cell that a spreadsheet would run as a formula (it
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with a leading
single quote, so a comment such as ``=HYPERLINK(...)`` stays text (the same escaping as every
other export: :func:`servicemap.io.safety.escape_formula`). The rows, their numbers and
threads come from :mod:`servicemap.graph.comments`.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from servicemap.errors import SaveError
from servicemap.graph.comments import rows
from servicemap.graph.document import Document
from servicemap.io import safety
from servicemap.io.safety import escape_formula

COLUMNS = ("number", "status", "on", "item", "item_id", "author", "created", "text", "id",
           "reply_to")


def escape_cell(value: object) -> str:
    """Text for a CSV cell that no spreadsheet will run as a formula."""
    return escape_formula("" if value is None else str(value))


def to_csv_text(doc: Document) -> str:
    """The comments as CSV text: a header of :data:`COLUMNS`, then one escaped row each."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows(doc):
        writer.writerow([escape_cell(row[c]) for c in COLUMNS])
    return buffer.getvalue()


def write_comments_csv(doc: Document, path: str | os.PathLike) -> None:
    """Write the comments atomically (temporary file, then rename)."""
    path = Path(path)
    try:
        data = to_csv_text(doc).encode("utf-8-sig")
    except ValueError as exc:  # text that cannot be written as UTF-8 (lone surrogates)
        raise SaveError(f"{path.name} could not be written ({exc}).") from None
    safety.write_atomically(path, lambda fh: fh.write(data))
