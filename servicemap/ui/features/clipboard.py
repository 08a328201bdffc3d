"""Edit > Cut (Ctrl+X), Copy (Ctrl+C), Paste (Ctrl+V) and Duplicate (Ctrl+D): the selected
boxes with the flows between them, within a map, between two windows and between two
servicemaps, through the system clipboard.

Copy puts the boxes (every field, where each is drawn, its organisation or directorate and
the partnerships it serves) and the flows whose both ends are copied on the clipboard as
:data:`servicemap.graph.clipboard.MIME_TYPE` JSON, with the names as plain text for other
programs. Paste adds them with new ids, offset from the originals (right-click > Paste here:
centred on the pointer), never on top of a box already there, and selects them; the planning
is :mod:`servicemap.graph.clipboard`. Paste, Duplicate (a paste that leaves the clipboard
alone) and Cut (copy, then delete) are one undo step each. A map that may not be changed
(read-only, review) disables all but Copy. Edit > Copy as image (Ctrl+Shift+C) is the export
feature's.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QMimeData, QPointF, QRectF
from PySide6.QtGui import QGuiApplication, QKeySequence

from servicemap.errors import ClipboardError
from servicemap.graph import clipboard as clip_plan
from servicemap.graph.clipboard import MIME_TYPE, Clip
from servicemap.model import DRAWN_KINDS
from servicemap.ui.api import Host
from servicemap.ui.editing.editor import READ_ONLY_REASON

NOTHING_SELECTED = ("Select one or more boxes or notes first; the flows between the boxes "
                    "come with them.")


class ClipboardFeature:
    """Cut, Copy, Paste, Duplicate and "Paste here" for one window."""

    def __init__(self, host: Host) -> None:
        self.host = host
        add = host.add_action
        where = {"menu": "edit", "section": "clipboard"}
        self.cut_action = add(
            "edit.cut", "Cu&t", self.cut, shortcut=QKeySequence.StandardKey.Cut,
            tip="Cut the selected boxes, with the flows between them, to paste elsewhere",
            enabled=lambda: self.host.session.editable and self.has_items(), **where)
        self.copy_action = add(
            "edit.copy", "&Copy", self.copy, shortcut=QKeySequence.StandardKey.Copy,
            tip="Copy the selected boxes, with the flows between them, to paste in this or "
            "another map", enabled=self.has_items, **where)
        self.paste_action = add(
            "edit.paste", "&Paste", lambda: self.paste(), shortcut=QKeySequence.StandardKey.Paste,
            tip="Paste copied boxes and their flows beside the originals", enabled="edit",
            **where)
        self.duplicate_action = add(
            "edit.duplicate", "D&uplicate", self.duplicate, shortcut="Ctrl+D",
            tip="Make a copy of the selected boxes, with the flows between them, beside them",
            enabled=lambda: self.host.session.editable and self.has_items(), **where)
        host.add_context_actions(self.context_actions)

    # ----- what is selected and drawn -------------------------------------------------------
    def boxes(self) -> list[str]:
        """The selected boxes (services, access points, exits), in the order selected."""
        doc = self.host.session.doc
        if doc is None:
            return []
        nodes = doc.graph.nodes
        return [i for i in self.host.selection.ids
                if i in nodes and nodes[i]["kind"] in DRAWN_KINDS]

    def has_items(self) -> bool:
        """Whether anything that can be copied is selected (the menus ask on every change of
        the selection: after Select all on 10,000 services, stop at the first box)."""
        doc = self.host.session.doc
        if doc is None:
            return False
        nodes = doc.graph.nodes
        return any((i in nodes and nodes[i]["kind"] in DRAWN_KINDS) or doc.has_note(i)
                   for i in self.host.selection.ids)

    def items(self) -> list[str]:
        """The selected boxes, then the selected notes (copied and pasted with them)."""
        doc = self.host.session.doc
        if doc is None:
            return []
        return self.boxes() + [i for i in self.host.selection.ids if doc.has_note(i)]

    def _drawn_at(self) -> dict[str, tuple[float, float]]:
        """Where every box is on the canvas (boxes the map has not placed are on a grid)."""
        scene = self.host.session.scene
        return {n: (item.pos().x(), item.pos().y()) for n, item in scene.nodes.items()}

    def _clip(self) -> Clip | None:
        return clip_plan.copy_items(self.host.session.doc, self.items(), self._drawn_at())

    # ----- the system clipboard -------------------------------------------------------------
    @staticmethod
    def _put(clip: Clip) -> None:
        mime = QMimeData()
        mime.setData(MIME_TYPE, QByteArray(clip_plan.to_json(clip).encode("utf-8")))
        mime.setText(clip_plan.plain_text(clip))
        QGuiApplication.clipboard().setMimeData(mime)

    @staticmethod
    def clipboard_has_items() -> bool:
        mime = QGuiApplication.clipboard().mimeData()
        return mime is not None and mime.hasFormat(MIME_TYPE)

    def _take(self) -> Clip | None:
        """The servicemap items on the clipboard, or None (and the status bar says why)."""
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None or not mime.hasFormat(MIME_TYPE):
            if mime is not None and mime.hasText() and mime.text().strip():
                self.host.status("The clipboard holds text, not servicemap boxes, so nothing "
                                 "was pasted.")
            else:
                self.host.status("The clipboard holds no servicemap boxes; copy some first "
                                 "(Ctrl+C).")
            return None
        try:
            text = bytes(mime.data(MIME_TYPE).data()).decode("utf-8")
            return clip_plan.read_json(text)
        except UnicodeDecodeError:
            self.host.status(clip_plan.DAMAGED)
        except ClipboardError as exc:
            self.host.status(str(exc))
        return None

    # ----- the actions ------------------------------------------------------------------------
    def copy(self) -> Clip | None:
        """Edit > Copy: the selected boxes and the flows between them."""
        if self.host.session.doc is None:
            return None
        clip = self._clip()
        if clip is None:
            self.host.status(NOTHING_SELECTED)
            return None
        self._put(clip)
        self.host.status(f"Copied {clip.summary()}.")
        return clip

    def cut(self) -> bool:
        """Edit > Cut: copy, then delete the copied boxes (and their flows), one undo step."""
        session = self.host.session
        if not self._may_edit():
            return False
        clip = self._clip()
        if clip is None:
            self.host.status(NOTHING_SELECTED)
            return False
        self._put(clip)
        editor = session.editor
        with editor.transaction(f"Cut {clip.summary()}") as tx:
            editor.delete([n["id"] for n in clip.nodes] + [n.id for n in clip.notes])
        if not tx.ok:
            return False
        self.host.status(f"Cut {clip.summary()}; paste them with Ctrl+V.")
        return True

    def paste(self, at: QPointF | None = None) -> list[str]:
        """Edit > Paste (``at``: centred there, as "Paste here"); the new ids."""
        if not self._may_edit():
            return []
        clip = self._take()
        if clip is None:
            return []
        return self._add(clip, "Paste", at)

    def duplicate(self) -> list[str]:
        """Edit > Duplicate: the selected boxes again, beside them; the clipboard is kept."""
        if not self._may_edit():
            return []
        clip = self._clip()
        if clip is None:
            self.host.status(NOTHING_SELECTED)
            return []
        return self._add(clip, "Duplicate", None)

    def context_actions(self, item_id: str | None) -> list:
        """The empty canvas: Paste here; a box: Cut, Copy, Duplicate."""
        session = self.host.session
        if session.doc is None:
            return []
        if item_id is None:
            pos = self.host.context_pos
            here = self.host.make_action("Paste &here", lambda: self.paste(pos))
            here.setEnabled(session.editable and self.clipboard_has_items())
            return [here]
        if item_id in self.items():
            return [self.cut_action, self.copy_action, self.duplicate_action]
        return []

    # ----- adding -----------------------------------------------------------------------------
    def _may_edit(self) -> bool:
        session = self.host.session
        if session.doc is None:
            return False
        if not session.editable:
            self.host.status(READ_ONLY_REASON)
            return False
        return True

    def _add(self, clip: Clip, verb: str, at: QPointF | None) -> list[str]:
        session = self.host.session
        drawn = self._drawn_at()
        plan = clip_plan.plan_paste(session.doc, clip,
                                    at=None if at is None else (at.x(), at.y()),
                                    occupied=drawn.values())
        error = session.editor.add_items(plan.nodes, plan.edges, f"{verb} {plan.summary()}",
                                         notes=plan.notes)
        if error is not None:
            self.host.status(f"Nothing was pasted: {error}")
            return []
        ids = plan.new_ids
        self.host.selection.set(ids)
        self._show(ids)
        message = f"{'Pasted' if verb == 'Paste' else 'Duplicated'} {plan.summary()}."
        if plan.unlinked:
            n = len(plan.unlinked)
            who = f"“{plan.unlinked[0]}”" if n == 1 else f"{n} boxes"
            message += (f" {who} came in without {'its' if n == 1 else 'their'} organisation, "
                        "directorate or partnership, which this map does not have.")
        self.host.status(message)
        return ids

    def _show(self, ids: list[str]) -> None:
        """Scroll the pasted boxes into view."""
        scene = self.host.session.scene
        rect = QRectF()
        for item_id in ids:
            item = scene.nodes.get(item_id) or scene.notes.get(item_id)
            if item is not None:
                rect = rect.united(item.sceneBoundingRect())
        if not rect.isNull():
            self.host.view.ensureVisible(rect, 40, 40)
