"""Editor.transaction: several edits as one undo step, rolled back whole when one is refused."""

from __future__ import annotations

import pytest

from servicemap.ui.editing.editor import Editor


def names(doc):
    return {n: a["name"] for n, a in doc.graph.nodes(data=True)}


def test_edits_in_a_transaction_are_one_undo_step(editor, doc):
    with editor.transaction("Rename two") as tx:
        editor.rename("crisis", "Crisis line")
        editor.rename("helpline", "Help line")
    assert tx.ok and editor.stack.count() == 1
    assert editor.stack.undoText() == "Rename two"
    editor.stack.undo()
    assert doc.node("crisis")["name"] == "Crisis team"
    assert doc.node("helpline")["name"] == "Trust helpline"
    editor.stack.redo()
    assert doc.node("crisis")["name"] == "Crisis line"
    assert doc.node("helpline")["name"] == "Help line"


def test_a_refused_step_rolls_the_whole_transaction_back(editor, doc):
    before = names(doc)
    edges = set(doc.graph.edges(keys=True))
    refusals = []
    editor.refused.connect(refusals.append)
    ran_after = []
    with editor.transaction("Add 2 missing flows") as tx:
        assert editor.add_flow("crisis", "done", "discharge") is not None
        editor.add_flow("done", "gp", "referral")  # out of an exit: refused
        ran_after.append(True)
    assert not tx.ok and "exit" in tx.error.lower()
    assert ran_after == []  # the block stops at the refusal
    assert set(doc.graph.edges(keys=True)) == edges and names(doc) == before
    assert editor.stack.count() == 0  # nothing half-done on the undo stack
    assert refusals == [tx.error]


def test_an_empty_transaction_pushes_nothing(editor):
    with editor.transaction("Pin 0 services") as tx:
        pass
    assert tx.ok and tx.command is None and editor.stack.count() == 0


def test_a_nested_transaction_joins_the_outer_one(editor, doc):
    with editor.transaction("Outer") as outer:
        editor.rename("crisis", "A")
        with editor.transaction("Inner") as inner:
            editor.rename("helpline", "B")
    assert outer.ok and inner.ok and editor.stack.count() == 1
    editor.stack.undo()
    assert doc.node("crisis")["name"] == "Crisis team"
    assert doc.node("helpline")["name"] == "Trust helpline"


def test_a_refusal_in_a_nested_transaction_undoes_the_outer_one(editor, doc):
    with editor.transaction("Outer") as outer:
        editor.rename("crisis", "A")
        with editor.transaction("Inner"):
            editor.rename("helpline", "B")
            editor.rename("orphan", "   ")  # an empty name: refused
    assert not outer.ok
    assert doc.node("crisis")["name"] == "Crisis team"
    assert doc.node("helpline")["name"] == "Trust helpline"
    assert editor.stack.count() == 0


def test_an_error_in_the_block_undoes_what_it_did_and_propagates(editor, doc):
    with pytest.raises(RuntimeError):
        with editor.transaction("Boom"):
            editor.rename("crisis", "A")
            raise RuntimeError("boom")
    assert doc.node("crisis")["name"] == "Crisis team" and editor.stack.count() == 0


def test_a_map_that_may_not_change_refuses_but_takes_comments(doc):
    from servicemap.ui.editing.comment_commands import AddComment

    editor = Editor(doc, editable=lambda: False)
    try:
        assert editor.rename("crisis", "x") is not None
        assert editor.push_comment(AddComment(doc, "Looks right", "crisis")) is None
        assert len(doc.comments) == 1
    finally:
        editor.dispose()


def test_add_items_keeps_their_ids_as_one_step_or_adds_nothing(editor, doc):
    nodes = [{"id": "new1", "kind": "service", "name": "Crisis team", "capacity": 12},
             {"id": "new2", "kind": "exit", "name": "Home"}]
    edges = [{"id": "newf", "kind": "flow", "source": "new1", "target": "new2",
              "flow_type": "discharge"},
             {"id": "newp", "kind": "part_of", "source": "new1", "target": "dir"}]
    assert editor.add_items(nodes, edges, "Paste 1 service, 1 exit and 1 flow") is None
    assert editor.stack.count() == 1 and doc.node("new1")["capacity"] == 12
    assert doc.parent("new1") == "dir" and doc.find_flow("new1", "new2") == "newf"
    editor.stack.undo()
    assert not doc.has_node("new1") and not doc.has_edge("newf")
    bad = edges + [{"id": "back", "kind": "flow", "source": "new2", "target": "new1",
                    "flow_type": "referral"}]  # out of an exit: refused
    error = editor.add_items(nodes, bad, "Paste")
    assert error is not None and "exit" in error
    assert not doc.has_node("new1") and editor.stack.count() == 1  # only the undone step
