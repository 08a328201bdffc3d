"""File > Import… into the open map (merge) brings the incoming map's targets and notes, listed
in the preview and undone in one step; importing as a new map keeps ``graph.targets`` from
JSON, Excel and OpenDocument files."""

from __future__ import annotations

import pytest

from servicemap import store
from servicemap.io import formats
from servicemap.model import Note, Target
from servicemap.ui.features.exchange import ExchangeFeature
from tests.maps import exchange_map


@pytest.fixture
def window(open_window, tmp_path):
    path = tmp_path / "open.smap"
    doc = exchange_map()
    doc.add_note(Note("n-old", "Check the crisis team's hours", 0.0, -200.0))
    doc.add_target(Target("t-wait", "Waits", "org", "patients_within_wait_target", 80.0))
    store.save(doc, path)
    return open_window(path, show=False)


@pytest.fixture
def feature(window) -> ExchangeFeature:
    f = window.host.feature(ExchangeFeature)
    f.errors, f.previews = [], []
    f.tell_error = f.errors.append
    f.confirm_merge = lambda plan: f.previews.append(plan.lines()) or True
    f.show_notices = lambda name, notices: None
    return f


def incoming(tmp_path, fmt):
    """The same map from a colleague: the wait target raised, a DNA target and a note added.
    Its organisation has another id, so the targets must follow the match by name."""
    doc = exchange_map()
    doc.add_note(Note("n-old", "Check the crisis team's hours", 0.0, -200.0))
    doc.add_note(Note("n-new", "Ask Medway about the new ward", 400.0, -200.0, 260.0))
    doc.add_target(Target("t-wait", "Waits", "org", "patients_within_wait_target", 87.0,
                          "2027-03-31"))
    doc.add_target(Target("t-dna", "DNA gap", "org", "dna_gap", 1.0, notes="We care"))
    path = tmp_path / f"colleague{fmt.suffix}"
    fmt.write(doc, path)
    return path


@pytest.mark.parametrize("fmt", [formats.JSON, formats.XLSX, formats.ODS, formats.CSV_ZIP],
                         ids=lambda f: f.label)
def test_a_merge_brings_targets_and_notes_in_one_undo_step(window, feature, tmp_path, fmt):
    doc, stack = window.doc, window.editor.stack
    before = stack.count()
    feature.ask_mode = lambda name, can_merge: "merge"
    assert feature.import_path(incoming(tmp_path, fmt))
    assert stack.count() == before + 1
    (lines,) = feature.previews
    assert "Add target “DNA gap” (Trust)" in lines
    assert "Change target “Waits”: threshold 80 → 87, due none → 2027-03-31" in lines
    assert "Add note “Ask Medway about the new ward”" in lines
    assert not any("Check the crisis team" in line for line in lines)  # already there
    assert [t.name for t in doc.targets.values()] == ["Waits", "DNA gap"]
    assert doc.targets["t-wait"].threshold == 87 and doc.targets["t-wait"].due == "2027-03-31"
    dna = next(t for t in doc.targets.values() if t.name == "DNA gap")
    assert dna.organisation == "org" and dna.notes == "We care"
    assert sorted(n.text for n in doc.notes.values()) == [
        "Ask Medway about the new ward", "Check the crisis team's hours"]
    new = next(n for n in doc.notes.values() if n.text.startswith("Ask"))
    assert (new.x, new.y, new.width) == (400.0, -200.0, 260.0)
    stack.undo()
    assert list(doc.targets) == ["t-wait"] and doc.targets["t-wait"].threshold == 80
    assert [n.text for n in doc.notes.values()] == ["Check the crisis team's hours"]
    stack.redo()
    assert len(doc.targets) == 2 and len(doc.notes) == 2


def test_a_merged_target_whose_id_is_taken_gets_a_free_one(window, feature, tmp_path):
    doc = exchange_map()
    doc.add_target(Target("n-old", "Crisis waits", "org", "patients_within_wait_target",
                          90.0))  # "n-old" is a note's id in the open map
    path = tmp_path / "other.json"
    formats.JSON.write(doc, path)
    feature.ask_mode = lambda name, can_merge: "merge"
    assert feature.import_path(path)
    (target,) = [t for t in window.doc.targets.values() if t.name == "Crisis waits"]
    assert target.id != "n-old" and window.doc.notes["n-old"].text.startswith("Check")


@pytest.mark.parametrize("fmt", [formats.JSON, formats.XLSX, formats.ODS],
                         ids=lambda f: f.label)
def test_importing_as_a_new_map_keeps_its_targets(window, feature, tmp_path, fmt):
    feature.ask_mode = lambda name, can_merge: "new"
    window.files.maybe_save = lambda: True
    assert feature.import_path(incoming(tmp_path, fmt))
    doc = window.doc
    assert [(t.id, t.name, t.threshold) for t in doc.targets.values()] == [
        ("t-wait", "Waits", 87.0), ("t-dna", "DNA gap", 1.0)]
    assert len(doc.notes) == 2
