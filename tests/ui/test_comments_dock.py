"""The Comments dock driven through the UI: threads, replies, resolving and reopening, filters,
a row selecting its item, badges on the canvas, comments surviving delete and undo of their
item, saving and reopening, the author's name and the CSV export."""

from __future__ import annotations

import csv

import pytest
from PySide6.QtCore import Qt

from servicemap.ui.features.comments import CommentBadge, CommentsFeature, author_name
from servicemap.ui.file_safety import user_name

from .test_main_window import at, viewport


@pytest.fixture
def window(open_window, map_file):
    return open_window(map_file, readable=True)


def feature(window):
    return window.host.feature(CommentsFeature)


def panel(window):
    f = feature(window)
    f.dock.raise_()  # tabbed behind the Inspector: show it, as a person would
    return f.panel


def answer(window, *texts):
    """The next questions for comment text get these answers, in order."""
    queue = list(texts)
    panel(window).ask_text = lambda title, label: queue.pop(0)


def badge_text(window, item_id) -> str | None:
    item = window.scene.nodes.get(item_id) or window.scene.flows.get(item_id)
    badges = [c for c in item.childItems() if isinstance(c, CommentBadge)] if item else []
    assert len(badges) <= 1
    return badges[0].text if badges else None


def settle(qtbot):
    qtbot.wait(5)  # let the deferred badge and list refreshes run


# ----- the dock -----------------------------------------------------------------------------
def test_dock_is_tabbed_with_the_inspector(window):
    dock = feature(window).dock
    assert dock.objectName() == "comments"
    assert dock in window.tabifiedDockWidgets(window.docks["inspector"])
    assert feature(window).add_action.shortcut().toString() == "Ctrl+Alt+M"


def test_add_comment_on_the_selected_item_through_the_button(window, qtbot):
    qtbot.mouseClick(viewport(window), Qt.LeftButton, pos=at(window, "crisis"))
    answer(window, "Is 40 the caseload?")
    qtbot.mouseClick(panel(window).add_button, Qt.LeftButton)
    [cid] = window.doc.comments
    c = window.doc.comments[cid]
    assert (c.target, c.text, c.status, c.author) == ("crisis", "Is 40 the caseload?", "open",
                                                       user_name())
    assert panel(window).row_texts(cid) == ["1", "Is 40 the caseload?", "Crisis team",
                                            user_name()]
    assert "(open)" in panel(window).detail.text()
    assert window.editor.stack.undoText() == "Comment on Crisis team"
    assert window.isWindowModified()
    settle(qtbot)
    assert badge_text(window, "crisis") == "1"


def test_nothing_selected_comments_on_the_map_and_many_selected_is_refused(window, qtbot):
    window.selection.set([])
    answer(window, "Whole map looks good")
    cid = feature(window).add_comment()
    assert window.doc.comments[cid].target == ""
    assert panel(window).row_texts(cid)[2] == "the map"
    window.selection.set(["crisis", "ward"])
    assert feature(window).add_comment() is None
    assert "Select one item" in panel(window).error.text()
    assert len(window.doc.comments) == 1


def test_comment_on_a_flow_and_on_a_pathway(window, qtbot):
    window.selection.set(["f2"])
    answer(window, "Escalations look low", "Add the step-down")
    flow_comment = feature(window).add_comment()
    window.selection.set([])
    window.docks["pathways"].widget().select_pathway("p1")
    pathway_comment = feature(window).add_comment()
    assert window.doc.comments[flow_comment].target == "f2"
    assert window.doc.comments[pathway_comment].target == "p1"
    assert panel(window).row_texts(pathway_comment)[2] == "Crisis care"
    settle(qtbot)
    assert badge_text(window, "f2") == "1"


def test_thread_reply_and_resolve_through_the_ui(window, qtbot):
    p = panel(window)
    window.selection.set(["ward"])
    answer(window, "Beds?", "18 beds", "Thanks")
    root = feature(window).add_comment()
    p.select_comment(root)
    qtbot.mouseClick(p.reply_button, Qt.LeftButton)
    reply = p.current_comment
    qtbot.mouseClick(p.reply_button, Qt.LeftButton)
    again = p.current_comment
    assert window.doc.comments[reply].reply_to == root
    assert window.doc.comments[again].reply_to == reply
    assert p.visible_comment_ids() == [root, reply, again]
    assert p.row_texts(reply)[0] == "1.1" and p.row_texts(again)[0] == "1.2"
    # the tree nests replies under what they answer
    top = p.tree.topLevelItem(0)
    assert top.childCount() == 1 and top.child(0).child(0).data(0, Qt.UserRole) == again
    # resolve from a reply resolves the thread
    p.select_comment(again)
    assert p.resolve_button.text() == "Resolve"
    qtbot.mouseClick(p.resolve_button, Qt.LeftButton)
    assert window.doc.comments[root].status == "resolved"
    assert p.row_texts(root)[0] == "1 ✓"
    assert p.row_texts(reply)[0] == "1.1"
    assert "(resolved)" in p.detail.text()
    assert p.resolve_button.text() == "Reopen"
    assert window.editor.stack.undoText() == "Resolve comment"
    settle(qtbot)
    assert badge_text(window, "ward") == "✓"
    qtbot.mouseClick(p.resolve_button, Qt.LeftButton)
    assert window.doc.comments[root].status == "open"
    window.editor.stack.undo()
    assert window.doc.comments[root].status == "resolved"


def test_filters_by_status_and_author(window, qtbot, monkeypatch):
    p = panel(window)
    answer(window, "open one", "resolved one", "by someone else")
    a = p.add_comment("crisis")
    b = p.add_comment("ward")
    p.select_comment(b)
    p.toggle_resolved()
    monkeypatch.setattr(p, "author", lambda: "Dr Ng")
    c = p.add_comment("")
    p.set_filters("open")
    assert p.visible_comment_ids() == [a, c]
    p.set_filters("resolved")
    assert p.visible_comment_ids() == [b]
    p.set_filters("all", "Dr Ng")
    assert p.visible_comment_ids() == [c]
    assert p.author_filter.findData("Dr Ng") > 0
    p.set_filters("all", "")
    assert p.visible_comment_ids() == [a, b, c]


def test_choosing_a_row_selects_its_item(window, qtbot):
    p = panel(window)
    answer(window, "on the crisis team", "on the flow", "on the pathway", "on the map")
    on_node, on_flow = p.add_comment("crisis"), p.add_comment("f1")
    on_pathway, on_map = p.add_comment("p1"), p.add_comment("")
    p.select_comment(on_flow)
    assert window.selection.ids == ["f1"]
    p.select_comment(on_node)
    assert window.selection.ids == ["crisis"]
    assert window.scene.nodes["crisis"].isSelected()
    p.select_comment(on_pathway)
    assert window.docks["pathways"].widget().current_pathway == "p1"
    p.select_comment(on_map)
    assert window.selection.ids == []


def test_comments_survive_delete_and_undo_of_their_item(window, qtbot):
    p = panel(window)
    answer(window, "Keep this team?", "Is this flow real?")
    on_node, on_flow = p.add_comment("crisis"), p.add_comment("f2")
    settle(qtbot)
    assert badge_text(window, "crisis") == "1"
    qtbot.mouseClick(viewport(window), Qt.LeftButton, pos=at(window, "crisis"))
    qtbot.keyClick(window.view, Qt.Key_Delete)
    assert not window.doc.has_node("crisis")
    settle(qtbot)
    assert set(window.doc.comments) == {on_node, on_flow}
    assert p.row_texts(on_node)[2] == "Crisis team (removed item)"
    assert p.row_texts(on_flow)[2] == "Crisis team → Acute ward (removed item)"
    p.select_comment(on_node)
    assert window.selection.ids == []
    assert "removed item" in window.statusBar().currentMessage()
    qtbot.keyClick(window.view, Qt.Key_Z, Qt.ControlModifier)
    settle(qtbot)
    assert window.doc.has_node("crisis")
    assert p.row_texts(on_node)[2] == "Crisis team"
    assert p.row_texts(on_flow)[2] == "Crisis team → Acute ward"
    assert badge_text(window, "crisis") == "1" and badge_text(window, "f2") == "1"


def test_badge_follows_a_rename_and_a_moved_flow(window, qtbot):
    p = panel(window)
    answer(window, "on the flow")
    p.add_comment("f4")
    settle(qtbot)
    badge = next(c for c in window.scene.flows["f4"].childItems()
                 if isinstance(c, CommentBadge))
    before = badge.pos()
    window.editor.move({"tt": (300.0, 300.0)}, {"tt": (300.0, 500.0)})
    settle(qtbot)
    assert badge.pos() != before
    window.editor.rename("tt", "Talking therapies (adults)")
    settle(qtbot)
    assert p.row_texts(p.visible_comment_ids()[0])[2] == "GP practice → Talking therapies " \
                                                         "(adults)"


def test_comments_persist_across_save_and_reopen(window, qtbot, map_file):
    p = panel(window)
    answer(window, "First", "A reply")
    root = p.add_comment("ward")
    p.select_comment(root)
    p.reply()
    p.toggle_resolved()
    qtbot.keyClick(window, Qt.Key_S, Qt.ControlModifier)
    assert not window.isWindowModified()
    before = dict(window.doc.comments)
    window.files.close_map()  # lets go of the map's lock
    assert window.doc.comments == {}
    assert window.files.open_path(map_file, ask_save=False)
    assert window.doc.comments == before
    assert panel(window).visible_comment_ids() == list(before)
    settle(qtbot)
    assert badge_text(window, "ward") == "✓"


def test_set_your_name_is_used_for_later_comments(window, window_settings):
    f = feature(window)
    assert author_name(window.settings) == user_name()
    f.ask_name = lambda current: "  Dr A. Lee  "
    f.name_action.trigger()
    assert author_name(window.settings) == "Dr A. Lee"
    assert window_settings.store.value("author") == "Dr A. Lee"  # kept in this test's file
    answer(window, "Signed")
    cid = panel(window).add_comment("")
    assert window.doc.comments[cid].author == "Dr A. Lee"


def test_export_comments_to_csv(window, tmp_path):
    f = feature(window)
    answer(window, "=cmd|' /C calc'!A0")
    panel(window).add_comment("crisis")
    out = tmp_path / "review"
    f.ask_csv_path = lambda: str(out)
    f.export_action.trigger()
    written = tmp_path / "review.csv"
    assert written.read_bytes().startswith(b"\xef\xbb\xbf")
    with written.open(encoding="utf-8-sig", newline="") as fh:
        [row] = list(csv.DictReader(fh))
    assert row["text"] == "'=cmd|' /C calc'!A0" and row["item"] == "Crisis team"


def test_export_with_no_comments_says_so(window):
    f = feature(window)
    f.ask_csv_path = lambda: pytest.fail("no file is asked for")
    assert not f.export_csv()
    assert "no comments" in window.statusBar().currentMessage()


def test_context_menu_comment_entry(window):
    f = feature(window)
    [action] = f.context_actions("tt")
    answer(window, "From the menu")
    action.trigger()
    assert [c.target for c in window.doc.comments.values()] == ["tt"]
