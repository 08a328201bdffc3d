"""Comments read as threads (graph.comments, no Qt): numbers, threads, what each is on, the
table the CSV and the exported appendix list, and merging a reviewer's comments into the map
as it is on disk."""

from __future__ import annotations

from dataclasses import replace

from servicemap.graph.comments import (
    comment_numbers,
    item_kind,
    merge_comments,
    rows,
    thread_root,
    threads,
)
from tests.maps import sample_map


def test_numbers_threads_and_replies(reviewed):
    assert comment_numbers(reviewed) == {"a": "1", "b": "2", "a1": "1.1", "c": "3",
                                         "a2": "1.2"}


def test_rows_list_threads_in_order_with_replies_under_them(reviewed):
    out = rows(reviewed)
    assert [r["id"] for r in out] == ["a", "a1", "a2", "b", "c"]
    assert [r["number"] for r in out] == ["1", "1.1", "1.2", "2", "3"]
    assert out[0]["on"] == "service" and out[0]["item"] == "Crisis team"
    assert out[3]["on"] == "map" and out[3]["item"] == "(the map)"
    assert out[3]["status"] == "resolved"
    assert out[1]["status"] == "open"  # a reply shows its thread's status
    assert out[4]["on"] == "flow" and out[4]["item"] == "GP practice → Crisis team"


def test_comment_on_a_removed_item_names_it(reviewed):
    reviewed.remove_node("crisis")
    first = rows(reviewed)[0]
    assert first["on"] == "removed item"
    assert first["item"] == "Crisis team" and first["item_id"] == "crisis"


def test_threads_start_with_their_first_comment(reviewed):
    assert threads(reviewed) == [["a", "a1", "a2"], ["b"], ["c"]]
    assert thread_root(reviewed, "a2") == "a" and thread_root(reviewed, "b") == "b"


def test_item_kind_in_words(reviewed):
    doc = reviewed
    assert [item_kind(doc, i) for i in ("", "crisis", "gp", "home", "f_gp_crisis",
                                        "po_ward", "sv_crisis", "p_cmht", "gone")] == [
        "map", "service", "access point", "exit", "flow", "part of link", "serves link",
        "pathway", "removed item"]


def test_merge_brings_in_new_comments_replies_and_resolutions(reviewed):
    on_disk = sample_map()  # the map as the planner saved it: no comments yet
    on_disk.add_comment("Planner's own note", "ward", "Planner", comment_id="mine")
    assert merge_comments(on_disk, reviewed) == 5
    assert list(on_disk.comments) == ["mine", "a", "b", "a1", "c", "a2"]
    assert on_disk.comments["b"].status == "resolved"
    assert comment_numbers(on_disk)["a2"] == "2.2"  # numbered in the merged map's order
    assert merge_comments(on_disk, reviewed) == 0  # nothing new the second time


def test_merge_applies_changed_text_and_status_and_keeps_the_rest(reviewed):
    on_disk = sample_map()
    merge_comments(on_disk, reviewed)
    reviewed.update_comment("a", text="Capacity is too low", status="resolved")
    on_disk.update_comment("c", status="resolved")  # someone else resolved it meanwhile
    assert merge_comments(on_disk, reviewed) == 2
    assert (on_disk.comments["a"].text, on_disk.comments["a"].status) == (
        "Capacity is too low", "resolved")
    assert on_disk.comments["c"].status == "open"  # the reviewer's copy wins for its comments


def test_a_thread_deleted_on_disk_comes_back_with_the_reviewers_copy(reviewed):
    on_disk = sample_map()
    merge_comments(on_disk, reviewed)
    on_disk.remove_comment("a")  # the planner deleted the thread (and its replies)
    reviewed.add_comment("One more", reply_to="a2", author="Dr Lee", comment_id="a3")
    assert merge_comments(on_disk, reviewed) == 4  # a, a1, a2 come back; a3 is new
    assert threads(on_disk)[-1] == ["a", "a1", "a2", "a3"]


def test_a_reply_to_a_comment_neither_copy_has_starts_a_thread(reviewed):
    reviewed.comments["a1"] = replace(reviewed.comments["a1"], reply_to="lost")
    on_disk = sample_map()
    merge_comments(on_disk, reviewed)
    assert on_disk.comments["a1"].reply_to == "" and comment_numbers(on_disk)["a1"] == "3"
    assert reviewed.comments["a1"].reply_to == "lost"  # the source is only read
