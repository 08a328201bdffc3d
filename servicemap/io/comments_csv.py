"""Review comments as a CSV file, for a spreadsheet or an action log.

UTF-8 with a byte-order mark (so Excel reads accents and arrows), one row per comment, threads
in order with their replies under them. A cell that a spreadsheet would run as a formula (it
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with a leading
single quote, so a comment such as ``=HYPERLINK(...)`` stays text (the same escaping as every
other export: :func:`servicemap.io.safety.escape_formula`).

:func:`comment_numbers` gives each thread a number (1, 2, ...) and each reply ``N.k``; the
Comments dock, the CSV and exports that mark comments on the map use the same numbers.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from servicemap.errors import SaveError
from servicemap.graph.document import Document
from servicemap.io.safety import escape_formula
from servicemap.model import KIND_LABELS, EdgeKind, NodeKind

COLUMNS = ("number", "status", "on", "item", "item_id", "author", "created", "text", "id",
           "reply_to")


def escape_cell(value: object) -> str:
    """Text for a CSV cell that no spreadsheet will run as a formula."""
    return escape_formula("" if value is None else str(value))


def thread_root(doc: Document, comment_id: str) -> str:
    """The first comment of the thread a comment belongs to."""
    seen = set()
    while doc.comments[comment_id].reply_to and comment_id not in seen:
        seen.add(comment_id)
        comment_id = doc.comments[comment_id].reply_to
    return comment_id


def comment_numbers(doc: Document) -> dict[str, str]:
    """``{comment id: "N"}`` for threads in order, ``"N.k"`` for their replies in order."""
    numbers: dict[str, str] = {}
    replies: dict[str, int] = {}
    for cid, comment in doc.comments.items():
        if not comment.reply_to:
            numbers[cid] = str(sum(1 for n in numbers.values() if "." not in n) + 1)
        else:
            root = thread_root(doc, cid)
            replies[root] = replies.get(root, 0) + 1
            numbers[cid] = f"{numbers[root]}.{replies[root]}"
    return numbers


def threads(doc: Document) -> list[list[str]]:
    """Comment ids grouped by thread: each list starts with the thread's first comment."""
    groups: dict[str, list[str]] = {}
    for cid in doc.comments:
        groups.setdefault(thread_root(doc, cid), []).append(cid)
    return list(groups.values())


def item_kind(doc: Document, item_id: str) -> str:
    """What an item is, in words: "service", "flow", "pathway", "map" or "removed item"."""
    if not item_id:
        return "map"
    if doc.has_node(item_id):
        return KIND_LABELS[NodeKind(doc.node(item_id)["kind"])]
    if doc.has_edge(item_id):
        kind = doc.edge(item_id)["kind"]
        return "flow" if kind == EdgeKind.FLOW else str(kind).replace("_", " ") + " link"
    if item_id in doc.pathways:
        return "pathway"
    return "removed item"


def rows(doc: Document) -> list[dict[str, str]]:
    """One dict per comment (keys :data:`COLUMNS`), threads in order, replies after each."""
    numbers = comment_numbers(doc)
    out = []
    for thread in threads(doc):
        status = doc.comments[thread[0]].status  # resolving a thread resolves its replies
        for cid in thread:
            c = doc.comments[cid]
            exists = doc.comment_target_exists(c)
            out.append({
                "number": numbers[cid], "status": status, "on": item_kind(doc, c.target),
                "item": (doc.comment_item_name(c.target) if exists else c.target_name)
                if c.target else "(the map)",
                "item_id": c.target, "author": c.author, "created": c.created, "text": c.text,
                "id": c.id, "reply_to": c.reply_to})
    return out


def to_csv_text(doc: Document) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows(doc):
        writer.writerow([escape_cell(row[c]) for c in COLUMNS])
    return buffer.getvalue()


def write_comments_csv(doc: Document, path: str | os.PathLike) -> None:
    """Write the comments atomically (temporary file, then rename)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            fh.write(to_csv_text(doc))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise SaveError(f"{path.name} could not be written ({reason}).") from None
    finally:
        if tmp.exists():
            tmp.unlink()
