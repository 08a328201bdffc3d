"""Review comments read as threads (no Qt, no files): numbers, threads, what each is on, the
table of comments, and bringing one copy's comments into another.

:func:`comment_numbers` gives each thread a number (1, 2, ...) and each reply ``N.k``; the
Comments dock, the CSV file and exports that mark comments on the map use the same numbers.
:func:`rows` is the table the CSV file and the exported appendix list.
"""

from __future__ import annotations

from dataclasses import replace

from servicemap.graph.document import Document
from servicemap.model import KIND_LABELS, EdgeKind, NodeKind


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
    """One dict per comment, threads in order, replies after each: ``number``, ``status``
    (a reply shows its thread's), ``on`` (:func:`item_kind`), ``item`` (its name, as it
    was named when the item has been removed), ``item_id``, ``author``, ``created``,
    ``text``, ``id`` and ``reply_to``."""
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


def merge_comments(target: Document, source: Document) -> int:
    """Bring ``source``'s comments into ``target`` (the same map as saved by someone else):
    new comments are added in order, changed text or status is applied, and comments only
    ``target`` has are kept. Returns how many comments were added or changed."""
    changed = 0
    for comment in source.comments.values():
        mine = target.comments.get(comment.id)
        if mine is not None:
            updates = {k: getattr(comment, k) for k in ("text", "status")
                       if getattr(comment, k) != getattr(mine, k)}
            if updates:
                target.update_comment(comment.id, **updates)
                changed += 1
            continue
        if comment.reply_to and comment.reply_to not in target.comments:
            comment = replace(comment, reply_to="")  # its thread was deleted meanwhile
        target.restore_comments([(len(target.comments), replace(comment))])
        changed += 1
    return changed
