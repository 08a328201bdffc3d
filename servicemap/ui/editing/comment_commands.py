"""Undo commands for review comments. They change comments and nothing else, which is why the
editor lets them through on a map open for review (:meth:`Editor.push_comment`)."""

from __future__ import annotations

from servicemap.model import Comment
from servicemap.ui.editing.commands import DocumentCommand


class CommentCommand(DocumentCommand):
    """A command that changes only the map's comments."""


class AddComment(CommentCommand):
    """A new comment on an item (``target``; empty for the map) or a reply (``reply_to``)."""

    def __init__(self, document, text: str, target: str = "", author: str = "",
                 reply_to: str = "", comment_id: str | None = None, label: str = "") -> None:
        super().__init__(document, label or ("Reply" if reply_to else "Add comment"))
        self.text, self.target, self.author, self.reply_to = text, target, author, reply_to
        self.comment_id = comment_id
        self.added: Comment | None = None  # as first made, so redo gives it back unchanged

    def do(self) -> None:
        if self.added is None:
            self.comment_id = self.doc.add_comment(self.text, self.target, self.author,
                                                   reply_to=self.reply_to,
                                                   comment_id=self.comment_id)
            self.added = self.doc.comments[self.comment_id]
        else:
            self.doc.restore_comments([(len(self.doc.comments), self.added)])

    def undo_it(self) -> None:
        self.doc.remove_comment(self.comment_id)


class UpdateComment(CommentCommand):
    """Change a comment's ``text`` or ``status`` (resolve, reopen)."""

    def __init__(self, document, comment_id: str, changes: dict, label: str = "") -> None:
        status = changes.get("status")
        default = {"resolved": "Resolve comment", "open": "Reopen comment"}.get(status,
                                                                                 "Edit comment")
        super().__init__(document, label or default)
        self.comment_id, self.changes, self.old = comment_id, dict(changes), {}

    def do(self) -> None:
        self.old = self.doc.update_comment(self.comment_id, **self.changes)

    def undo_it(self) -> None:
        self.doc.update_comment(self.comment_id, **self.old)
