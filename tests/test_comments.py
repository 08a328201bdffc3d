"""Review comments in the document: adding, replying, resolving, removing and restoring; the
rules they keep; what happens to them when their item is deleted; the JSON exchange format."""

from __future__ import annotations

import json

import pytest

from servicemap.errors import FileFormatError, ValidationError
from servicemap.graph.document import Document
from servicemap.io.exchange import from_node_link, to_node_link
from servicemap.model import Comment


def comment_events(doc: Document) -> list[tuple]:
    events: list[tuple] = []
    for name in ("comment_added", "comment_changed", "comment_removed"):
        getattr(doc, name).connect(lambda *args, n=name: events.append((n, *args)))
    return events


def test_comment_on_each_kind_of_item_records_its_name(sample_doc):
    doc = sample_doc
    on_node = doc.add_comment("Is the capacity right?", "crisis", "Dr Lee")
    on_flow = doc.add_comment("Volume looks high", "f_gp_crisis", "Dr Lee")
    on_pathway = doc.add_comment("Add the step-down", "p_crisis", "Dr Lee")
    on_map = doc.add_comment("Whole map reviewed", "", "Dr Lee")
    assert doc.comments[on_node].target_name == "Crisis team"
    assert doc.comments[on_flow].target_name == "GP practice → Crisis team"
    assert doc.comments[on_pathway].target_name == "Crisis and back"
    assert doc.comments[on_map].target == "" and doc.comments[on_map].target_name == ""
    assert list(doc.comments) == [on_node, on_flow, on_pathway, on_map]
    c = doc.comments[on_node]
    assert (c.author, c.status, c.reply_to, c.text) == ("Dr Lee", "open", "",
                                                         "Is the capacity right?")
    assert c.created  # now, ISO 8601
    assert all(doc.comment_target_exists(i) for i in doc.comments)


def test_add_emits_one_event_and_trims_text(sample_doc):
    events = comment_events(sample_doc)
    cid = sample_doc.add_comment("  spaced  ", "ward", "me", comment_id="c1",
                                 created="2026-03-01T10:00:00+00:00")
    assert cid == "c1"
    assert sample_doc.comments["c1"].text == "spaced"
    assert sample_doc.comments["c1"].created == "2026-03-01T10:00:00+00:00"
    assert events == [("comment_added", "c1")]


@pytest.mark.parametrize("kwargs, words", [
    ({"text": "x", "target": "nowhere"}, "no such item"),
    ({"text": "   ", "target": "crisis"}, "text must not be empty"),
    ({"text": "x", "target": "crisis", "status": "closed"}, "status must be one of"),
    ({"text": "x", "reply_to": "missing"}, "no comment 'missing'"),
    ({"text": 5, "target": "crisis"}, "text must be text"),
])
def test_refused_comments_change_nothing(sample_doc, kwargs, words):
    events = comment_events(sample_doc)
    with pytest.raises(ValidationError, match=words):
        sample_doc.add_comment(**kwargs)
    assert sample_doc.comments == {} and events == []


def test_duplicate_comment_id_is_refused(sample_doc):
    sample_doc.add_comment("first", "crisis", comment_id="c1")
    with pytest.raises(ValidationError, match="already used"):
        sample_doc.add_comment("second", "ward", comment_id="c1")
    assert sample_doc.comments["c1"].text == "first"


def test_reply_is_on_the_same_item_as_its_thread(sample_doc):
    root = sample_doc.add_comment("Why two crisis steps?", "p_crisis", "Dr Lee")
    reply = sample_doc.add_comment("The person comes back", reply_to=root, author="Planner")
    again = sample_doc.add_comment("Thanks", reply_to=reply, author="Dr Lee")
    assert sample_doc.comments[reply].target == "p_crisis"
    assert sample_doc.comments[reply].target_name == "Crisis and back"
    assert sample_doc.comment_replies(root) == [reply]
    assert sample_doc.comment_replies(reply) == [again]


def test_update_text_and_status_returns_old_values(sample_doc):
    cid = sample_doc.add_comment("Check", "crisis", "a")
    events = comment_events(sample_doc)
    assert sample_doc.update_comment(cid, status="resolved") == {"status": "open"}
    assert sample_doc.update_comment(cid, text=" Checked ") == {"text": "Check"}
    assert sample_doc.comments[cid].status == "resolved"
    assert sample_doc.comments[cid].text == "Checked"
    assert events == [("comment_changed", cid, ("status",)), ("comment_changed", cid, ("text",))]


@pytest.mark.parametrize("changes, words", [
    ({"status": "done"}, "status must be one of"),
    ({"text": ""}, "text must not be empty"),
    ({"author": "someone else"}, "cannot change 'author'"),
])
def test_refused_updates_change_nothing(sample_doc, changes, words):
    cid = sample_doc.add_comment("Check", "crisis", "a")
    before = Comment(**sample_doc.comments[cid].to_dict())
    with pytest.raises(ValidationError, match=words):
        sample_doc.update_comment(cid, **changes)
    assert sample_doc.comments[cid] == before
    with pytest.raises(ValidationError, match="no comment"):
        sample_doc.update_comment("missing", status="resolved")


def test_remove_takes_the_replies_and_restore_puts_all_back_in_order(sample_doc):
    a = sample_doc.add_comment("a", "crisis", comment_id="a")
    b = sample_doc.add_comment("b", "ward", comment_id="b")
    sample_doc.add_comment("a1", reply_to=a, comment_id="a1")
    sample_doc.add_comment("c", "", comment_id="c")
    sample_doc.add_comment("a2", reply_to="a1", comment_id="a2")
    before = [c.to_dict() for c in sample_doc.comments.values()]
    events = comment_events(sample_doc)
    removed = sample_doc.remove_comment(a)
    assert [c.id for _, c in removed] == ["a", "a1", "a2"]
    assert list(sample_doc.comments) == [b, "c"]
    assert {e[1] for e in events} == {"a", "a1", "a2"}
    sample_doc.restore_comments(removed)
    assert [c.to_dict() for c in sample_doc.comments.values()] == before


def test_deleting_an_item_keeps_its_comments_and_restoring_reattaches_them(sample_doc):
    on_node = sample_doc.add_comment("Node", "crisis")
    on_flow = sample_doc.add_comment("Flow", "f_crisis_ward")
    removed = sample_doc.remove_node("crisis")
    assert set(sample_doc.comments) == {on_node, on_flow}
    assert not sample_doc.comment_target_exists(on_node)
    assert not sample_doc.comment_target_exists(on_flow)
    assert sample_doc.comments[on_node].target_name == "Crisis team"
    # a reply on a removed item stays on it
    reply = sample_doc.add_comment("Was it meant to go?", reply_to=on_node)
    assert sample_doc.comments[reply].target == "crisis"
    sample_doc.restore_node(removed)
    assert sample_doc.comment_target_exists(on_node)
    assert sample_doc.comment_target_exists(on_flow)


def test_deleting_a_pathway_keeps_its_comments(sample_doc):
    cid = sample_doc.add_comment("Route", "p_cmht")
    pathway, index = sample_doc.remove_pathway("p_cmht")
    assert not sample_doc.comment_target_exists(cid)
    sample_doc.add_pathway(pathway.name, pathway.steps, pathway.description, pathway.id, index)
    assert sample_doc.comment_target_exists(cid)


def test_from_records_takes_comments(sample_doc):
    sample_doc.add_comment("a", "crisis", "x", comment_id="a")
    sample_doc.add_comment("b", reply_to="a", comment_id="b")
    copy = Document.from_records(sample_doc.map_fields(), sample_doc.node_records(),
                                 sample_doc.edge_records(), list(sample_doc.pathways.values()),
                                 list(sample_doc.comments.values()))
    assert copy.comments == sample_doc.comments
    assert copy.comments["a"] is not sample_doc.comments["a"]


def test_from_records_keeps_comments_on_items_that_are_gone(sample_doc):
    gone = Comment("g", "deleted-node", "x", "2026-01-01", "was here", target_name="Old team")
    copy = Document.from_records(sample_doc.map_fields(), sample_doc.node_records(),
                                 sample_doc.edge_records(), [], [gone])
    assert not copy.comment_target_exists("g")


@pytest.mark.parametrize("comments, words", [
    ([Comment("a", "", "x", "t", "hi", reply_to="b"), Comment("b", "", "x", "t", "yo")],
     "does not come before it"),
    ([Comment("a", "", "x", "t", "hi"), Comment("a", "", "x", "t", "again")], "already used"),
    ([Comment("a", "", "x", "t", "hi", status="maybe")], "status must be one of"),
    ([Comment("a", "", "x", "t", "")], "text must not be empty"),
    ([Comment("", "", "x", "t", "hi")], "needs an id"),
    ([Comment("a", None, "x", "t", "hi")], "target must be text"),
])
def test_from_records_refuses_bad_comments(sample_doc, comments, words):
    with pytest.raises(ValidationError, match=words):
        Document.from_records(sample_doc.map_fields(), sample_doc.node_records(),
                              sample_doc.edge_records(), [], comments)


# ----- the JSON exchange format -------------------------------------------------------------
def test_exchange_round_trip_keeps_comments(sample_doc):
    root = sample_doc.add_comment("On the map", "", "Dr Lee")
    sample_doc.add_comment("Reply", reply_to=root, author="Planner")
    sample_doc.add_comment("Flow", "f_gp_crisis", "Dr Lee", status="resolved")
    data = json.loads(json.dumps(to_node_link(sample_doc)))
    assert [c["text"] for c in data["graph"]["comments"]] == ["On the map", "Reply", "Flow"]
    copy = from_node_link(data)
    assert copy.comments == sample_doc.comments


def test_exchange_without_comments_is_fine(sample_doc):
    data = to_node_link(sample_doc)
    del data["graph"]["comments"]
    assert from_node_link(data).comments == {}


@pytest.mark.parametrize("comments, words", [
    ("none", "comments are not a list"),
    ([{"id": "a", "text": 3}], "comment 1 needs text fields"),
    ([7], "comment 1 needs text fields"),
    ([{"id": "a", "text": "x", "status": "gone"}], "status must be one of"),
])
def test_exchange_refuses_bad_comments(sample_doc, comments, words):
    data = to_node_link(sample_doc)
    data["graph"]["comments"] = comments
    with pytest.raises(FileFormatError, match=words):
        from_node_link(data, "map.json")
