"""File > Open of networkx's own node-link JSON: the map opens with the defaults filled in
and the same dismissable report File > Import shows; our own JSON opens with no report."""

from __future__ import annotations

from pathlib import Path

import pytest

from servicemap.io.exchange import import_json, write_json
from servicemap.ui.dialogs import notices_dialog
from tests.maps import small_map

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def window(open_window, map_file):
    w = open_window(map_file, readable=True)
    w.files.reported, w.files.errors = [], []
    w.files.show_notices = lambda name, notices: w.files.reported.append((name, notices))
    w.files.tell_error = w.files.errors.append
    return w


def open_by_menu(window, path):
    window.files.ask_open_path = lambda *args: str(path)
    window.actions.action("file.open").trigger()


def test_networkx_json_opens_with_the_report_of_its_defaults(window, qtbot):
    open_by_menu(window, DATA / "networkx-3.6-multidigraph.json")
    assert window.files.errors == []
    assert window.doc.counts()["flows"] == 5 and window.doc.node("3")["name"] == "3"
    assert len(window.doc.find_flows("0", "1", "referral")) == 2  # parallel, kept apart
    ((name, notices),) = window.files.reported
    assert name == "networkx-3.6-multidigraph.json"
    want = import_json(DATA / "networkx-3.6-multidigraph.json").notices
    assert len(notices) == len(want) == 8 and notices[1:] == want[1:]
    dialog = notices_dialog(window, name, notices, "opened")
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Opened networkx-3.6-multidigraph.json"
    assert [dialog.list.item(i).text() for i in range(dialog.list.count())] == notices
    assert [b.text() for b in dialog.buttons.buttons()] == ["Close"]  # only to dismiss
    dialog.buttons.rejected.emit()
    assert dialog.result() == 0


def test_our_own_json_opens_with_no_report(window, tmp_path):
    write_json(small_map(), tmp_path / "ours.json")
    open_by_menu(window, tmp_path / "ours.json")
    assert window.files.errors == [] and window.files.reported == []
    assert window.doc.counts() == small_map().counts()


def test_contradictions_are_said_and_the_map_stays(window, tmp_path):
    before = window.doc
    bad = tmp_path / "bad.json"
    bad.write_text('{"directed": true, "graph": {}, "nodes": [{"id": 0}], '
                   '"links": [{"source": 0, "target": 9}]}')
    open_by_menu(window, bad)
    assert window.doc is before and window.files.reported == []
    assert len(window.files.errors) == 1 and "'9', which does not exist" in \
        window.files.errors[0]
    assert window.files.errors[0].startswith("bad.json has 1 problem, so it was not opened: ")
