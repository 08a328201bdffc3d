"""Writing one table of results to the file a person chose in a Save dialog (the Analysis
dock's and Compare scenarios' Export…): CSV or xlsx by the name's ending, else by the dialog's
filter; a failure told in one sentence, nothing written."""

from __future__ import annotations

from pathlib import Path

from servicemap.errors import ServiceMapError
from servicemap.io import table_file


def write_chosen(host, table, target: str, chosen: str, csv_filter: str) -> Path | None:
    """Write ``table`` to ``target`` (a name without .csv or .xlsx takes the ending of the
    filter ``chosen``: CSV when it is ``csv_filter``); the path written, or None after telling
    the error."""
    path = Path(target)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        suffix = ".csv" if chosen == csv_filter else ".xlsx"
        path = path.with_name(path.name + suffix)
    try:
        (table_file.write_csv if suffix == ".csv" else table_file.write_xlsx)(table, path)
    except ServiceMapError as exc:
        host.tell_error(str(exc))
        return None
    return path
