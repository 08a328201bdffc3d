"""File > Import… / Export data… / New from spreadsheet template…: menus, new map or merge as
one undo step with a preview, problems listed and nothing imported, plain-text names."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtGui import QColor

from servicemap import palette, store
from servicemap.graph.merge import plan_merge
from servicemap.io import csvfiles, graphml_read, ods, xlsx
from servicemap.io.sheets import SheetProblems
from servicemap.model import DRAWN_KINDS
from servicemap.render import style
from servicemap.ui.features import exchange as exchange_feature
from servicemap.ui.features.exchange import ExchangeFeature
from servicemap.ui.session import Mode
from servicemap.words import without_ids
from tests.maps import exchange_map


@pytest.fixture
def window(open_window, tmp_path):
    path = tmp_path / "open.smap"
    store.save(exchange_map(), path)
    return open_window(path, show=False)


@pytest.fixture
def feature(window) -> ExchangeFeature:
    f = window.host.feature(ExchangeFeature)
    f.errors, f.previews, f.problems = [], [], []
    f.tell_error = f.errors.append
    f.confirm_merge = lambda plan: f.previews.append(plan.lines()) or True
    f.show_problems = f.problems.append
    f.notices, f.undirected = [], []
    f.show_notices = lambda name, notices: f.notices.append((name, notices))
    f.ask_undirected = lambda name: f.undirected.append(name) or "one-way"
    return f


def incoming_workbook(tmp_path: Path) -> Path:
    """The open map as a planner edits it: a new service and flow, a capacity changed."""
    path = tmp_path / "edited.xlsx"
    xlsx.write_xlsx(exchange_map(), path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Services"]
    headers = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "crisis":
            row[headers.index("capacity")].value = 55
    ws.append(["", "service", "Home treatment <b>team</b>", "Acute"])
    wb["Flows"].append([None, "Crisis team", "Home treatment <b>team</b>", "step_down", 80])
    wb.save(path)
    return path


# ----- menus ----------------------------------------------------------------------------------
def test_actions_sit_in_the_file_menu_before_quit(window, feature):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    texts = [a.text() for a in menu.actions()]
    ours = ["&Import…", "Import CSV &folder…", "Export &data…", "Export CS&V folder…",
            "New from spreadsheet &template…", "Export PathSi&mR templates…"]
    start = texts.index(ours[0])
    assert texts[start:start + len(ours)] == ours
    assert menu.actions()[start - 1].isSeparator()
    assert menu.actions()[start + len(ours)].isSeparator() and texts[-1] == "&Quit"


# ----- import ---------------------------------------------------------------------------------
def test_import_as_new_map_places_the_boxes(window, feature, tmp_path, sample_doc):
    for n in list(sample_doc.graph.nodes):
        sample_doc.move_nodes({n: None})
    path = tmp_path / "sample.xlsx"
    xlsx.write_xlsx(sample_doc, path)
    feature.ask_mode = lambda name, can_merge: "new"
    assert feature.import_path(path)
    doc = window.doc
    assert doc is not sample_doc and doc.counts() == sample_doc.counts()
    drawn = [n for n, k in doc.graph.nodes(data="kind") if k in DRAWN_KINDS]
    assert all(doc.node(n)["x"] is not None for n in drawn)
    assert window.files.dirty and window.files.path is None
    assert window.editor.stack.undoText() == "Place imported nodes"


def test_merge_is_one_undo_step_with_a_preview(window, feature, tmp_path):
    doc, stack = window.doc, window.editor.stack
    before = stack.count()
    feature.ask_mode = lambda name, can_merge: "merge" if can_merge else None
    assert feature.import_path(incoming_workbook(tmp_path))
    assert window.doc is doc and stack.count() == before + 1
    assert stack.undoText() == "Import edited.xlsx"
    (lines,) = feature.previews
    assert "Add service “Home treatment <b>team</b>”" in lines
    assert "Change service \"Crisis team\" (crisis): capacity 40 → 55" in lines
    assert "Add step_down flow “Crisis team” → “Home treatment <b>team</b>”" in lines
    new = next(n for n, a in doc.graph.nodes(data=True) if a["name"].startswith("Home"))
    assert doc.node("crisis")["capacity"] == 55 and doc.parent(new) == "dir"
    assert doc.node(new)["x"] is not None  # placed beside the map
    assert doc.node("gp")["x"] == 0  # matched items keep their places
    stack.undo()
    assert doc.node("crisis")["capacity"] == 40 and not doc.has_node(new)
    assert doc.counts()["flows"] == 1
    stack.redo()
    assert doc.node("crisis")["capacity"] == 55 and doc.has_node(new)


def test_merge_cancelled_at_the_preview_changes_nothing(window, feature, tmp_path):
    feature.ask_mode = lambda name, can_merge: "merge"
    feature.confirm_merge = lambda plan: False
    count = window.editor.stack.count()
    assert not feature.import_path(incoming_workbook(tmp_path))
    assert window.editor.stack.count() == count and window.doc.node("crisis")["capacity"] == 40


def test_refused_change_undoes_the_whole_merge(window, feature, tmp_path, monkeypatch):
    real = plan_merge

    def broken(doc, incoming):
        plan = real(doc, incoming)
        plan.edge_changes["f1"] = {"volume_per_year": -1}  # refused after the nodes went in
        return plan

    monkeypatch.setattr(exchange_feature, "plan_merge", broken)
    feature.ask_mode = lambda name, can_merge: "merge"
    doc = window.doc
    nodes = set(doc.graph.nodes)
    assert not feature.import_path(incoming_workbook(tmp_path))
    assert set(doc.graph.nodes) == nodes and doc.node("crisis")["capacity"] == 40
    assert feature.errors and feature.errors[0].startswith("Nothing was merged:")
    assert "at least 0" in feature.errors[0]


def test_problems_are_listed_and_nothing_is_imported(window, feature, tmp_path):
    path = tmp_path / "bad.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Flows"
    wb.active.append(["from", "to", "flow_type"])
    wb.active.append(["<i>Nowhere</i>", "Crisis team", "referral"])
    wb.save(path)
    feature.ask_mode = lambda *a: pytest.fail("no question after problems")
    doc = window.doc
    assert not feature.import_path(path)
    assert window.doc is doc and window.editor.stack.count() == 0
    (problems,) = feature.problems
    dialog = ExchangeFeature.problems_dialog(feature, problems)
    table = dialog.table
    assert table.rowCount() == len(problems.problems) == 2  # no Services sheet: both ends
    assert [table.item(0, i).text() for i in range(3)] == ["Flows", "2", "from"]
    assert "'<i>Nowhere</i>'" in table.item(0, 3).text()  # shown as typed, not as markup


def test_unreadable_files_are_reported(window, feature, tmp_path):
    (tmp_path / "notes.txt").write_text("hi", "utf-8")
    assert not feature.import_path(tmp_path / "notes.txt")
    (tmp_path / "lol.graphml").write_text('<!DOCTYPE a [<!ENTITY b "c">]><graphml/>', "utf-8")
    assert not feature.import_path(tmp_path / "lol.graphml")
    assert "not a file servicemap can import" in feature.errors[0]
    assert "DTD" in feature.errors[1]


def test_read_only_maps_cannot_merge(window, feature, tmp_path):
    window.session.set_mode(Mode.READ_ONLY)
    asked = []
    feature.ask_mode = lambda name, can_merge: asked.append(can_merge)
    feature.import_path(incoming_workbook(tmp_path))
    assert asked == [False]


# ----- dialogs are plain text -----------------------------------------------------------------
def test_preview_dialog_lists_every_line(window, feature, tmp_path):
    plan = plan_merge(window.doc, xlsx.read_xlsx(incoming_workbook(tmp_path)))
    dialog = ExchangeFeature.preview_dialog(feature, plan)
    items = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert items == [without_ids(line) for line in plan.lines()]
    assert any("<b>team</b>" in line for line in items)
    assert 'Change service "Crisis team": capacity 40 → 55' in items  # no "(crisis)"


def test_problems_dialog_is_scrollable_and_plain(window, feature):
    from servicemap.io.sheets import SheetProblem

    many = SheetProblems("x.xlsx", [SheetProblem("Services", n, "name", "<b>bad</b>")
                                    for n in range(2, 200)])
    dialog = ExchangeFeature.problems_dialog(feature, many)
    assert dialog.table.rowCount() == 198
    assert dialog.table.item(5, 3).text() == "<b>bad</b>"


# ----- export and template --------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".xlsx", ".ods", ".zip", ".graphml", ".drawio", ".json"])
def test_export_each_format(window, feature, tmp_path, suffix):
    path = tmp_path / f"out{suffix}"
    feature.ask_export_path = lambda: (str(path), None)
    window.actions.action("file.export_data").trigger()
    assert path.exists() and not feature.errors
    if suffix in (".xlsx", ".graphml", ".ods"):
        reader = {".xlsx": xlsx.read_xlsx, ".ods": ods.read_ods,
                  ".graphml": graphml_read.read_graphml}[suffix]
        assert reader(path).counts() == window.doc.counts()


def test_export_data_offers_flat_graphml_for_igraph(window, feature, tmp_path):
    from servicemap.io import formats

    filters = formats.dialog_filters(exchange_feature.EXPORT_CHOICES).split(";;")
    yed = filters.index(formats.GRAPHML.dialog_filter)
    assert filters[yed + 1] == "Flat GraphML for igraph, networkx, Gephi (*.graphml)"
    path = tmp_path / "for igraph.graphml"
    feature.ask_export_path = lambda: (str(path), formats.GRAPHML_FLAT)
    window.actions.action("file.export_data").trigger()
    assert not feature.errors
    text = path.read_text(encoding="utf-8")
    assert "yfiles" not in text and text.count("<graph ") == 1  # flat: no yEd groups
    assert graphml_read.read_graphml(path).counts() == window.doc.counts()
    plain = tmp_path / "for yed.graphml"
    feature.ask_export_path = lambda: (str(plain), formats.GRAPHML)
    window.actions.action("file.export_data").trigger()
    assert "yfiles" in plain.read_text(encoding="utf-8")


def test_an_ods_file_imports_through_the_menu(window, feature, tmp_path):
    path = tmp_path / "from libreoffice.ods"
    ods.write_ods(window.doc, path)
    feature.ask_import_path = lambda: str(path)
    feature.ask_mode = lambda name, can_merge: "new"
    counts = window.doc.counts()
    window.actions.action("file.import").trigger()
    assert window.doc.counts() == counts and window.host.session.name == "from libreoffice"
    assert feature.notices == [] and feature.errors == []


def test_export_unknown_type_and_csv_folder(window, feature, tmp_path):
    assert not feature.export_to(tmp_path / "out.pdfx")
    assert "choose .xlsx" in feature.errors[0]
    feature.ask_export_folder = lambda: str(tmp_path / "csv")
    feature.export_folder_dialog()
    assert csvfiles.read_csv_folder(tmp_path / "csv").counts() == window.doc.counts()
    feature.confirm_overwrite = lambda paths: False
    assert not feature.export_folder(tmp_path / "csv")


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_template_is_written_where_chosen(window, feature, tmp_path, suffix):
    path = tmp_path / f"template{suffix}"
    feature.ask_template_path = lambda: str(path)
    window.actions.action("file.template").trigger()
    reader = xlsx.read_xlsx if suffix == ".xlsx" else ods.read_ods
    assert reader(path).counts()["services"] == 3


# ----- the Qt-free colour maths matches Qt's, and the canvas --------------------------------
def test_palette_maths_matches_qt_and_the_canvas(window):
    for colour in palette.PALETTE + [palette.NO_GROUP]:
        q = QColor(colour)
        assert palette.tint(colour) == style.tint(q).name().upper()
        assert palette.lightness(colour) == q.lightness()
        qt_border = style.border_colour(q)
        r, g, b = (int(palette.border_colour(colour)[i:i + 2], 16) for i in (1, 3, 5))
        assert max(abs(r - qt_border.red()), abs(g - qt_border.green()),
                   abs(b - qt_border.blue())) <= 1
    colours = palette.group_colours(window.doc)
    assert colours == {g: c.name().upper() for g, c in window.scene.colours.items()}


# ----- files written by other tools -----------------------------------------------------------
DATA = Path(__file__).resolve().parent.parent / "data"


def test_networkx_json_opens_with_a_report_of_the_defaults(window, feature, tmp_path):
    feature.ask_import_path = lambda: str(DATA / "networkx-2.8-digraph.json")
    feature.ask_mode = lambda name, can_merge: "new"
    window.actions.action("file.import").trigger()
    assert window.doc.counts()["flows"] == 4 and window.doc.node("3")["name"] == "3"
    assert feature.errors == [] and feature.problems == [] and feature.undirected == []
    ((name, notices),) = feature.notices
    assert name == "networkx-2.8-digraph.json" and len(notices) == 8
    assert notices[2] == ('Kind set to service for 3 nodes with none: "Crisis team" (1), '
                          '"Acute ward" (2), \'3\'.')
    dialog = ExchangeFeature.notices_dialog(feature, name, notices)
    assert [dialog.list.item(i).text() for i in range(dialog.list.count())] == notices
    assert dialog.buttons.buttons()[0].text() == "Close"  # a report to dismiss, nothing to decide
    dialog.buttons.rejected.emit()
    assert dialog.result() == 0


def test_an_undirected_graph_asks_how_its_edges_become_flows(window, feature):
    feature.ask_import_path = lambda: str(DATA / "networkx-3.6-graph.json")
    feature.ask_mode = lambda name, can_merge: "new"
    feature.ask_undirected = lambda name: feature.undirected.append(name) or "both-ways"
    window.actions.action("file.import").trigger()
    assert feature.undirected == ["networkx-3.6-graph.json"]
    assert window.doc.counts()["flows"] == 6
    assert "The graph is undirected: 2 edges became a flow each way (4 flows)." in \
        feature.notices[0][1]


def test_networkx_contradictions_are_listed_and_nothing_is_imported(window, feature, tmp_path):
    data = json.loads((DATA / "networkx-3.6-digraph.json").read_text())
    data["edges"].append({"source": 4, "target": 1})
    path = tmp_path / "exit first.json"
    path.write_text(json.dumps(data))
    feature.ask_import_path = lambda: str(path)
    feature.ask_mode = lambda *a: pytest.fail("no question after problems")
    doc = window.doc
    window.actions.action("file.import").trigger()
    assert window.doc is doc and feature.notices == []
    (problems,) = feature.problems
    dialog = ExchangeFeature.problems_dialog(feature, problems)
    assert [dialog.list.item(i).text() for i in range(dialog.list.count())] == [
        'flow "Back to GP care" -> "Crisis team" (4-to-1): a flow cannot go from an exit to a '
        "service"]


# ----- locks: Export data… never writes over a file another session holds -------------------
def test_export_data_refuses_a_file_another_session_holds(window, feature, tmp_path):
    """As the command line does: a held file (a JSON map a command is writing, or one a window
    holds) is refused in one sentence naming who holds it; written once it is let go."""
    from servicemap import demo
    from servicemap.io.exchange import write_json
    from servicemap.ui.file_safety import MapLock

    shared = tmp_path / "shared.json"
    write_json(demo.synthetic(4, 1), shared)
    before = shared.read_bytes()
    lock = MapLock(shared)
    assert lock.acquire()
    feature.ask_export_path = lambda: (str(shared), None)
    try:
        window.actions.action("file.export_data").trigger()
    finally:
        lock.release()
    assert shared.read_bytes() == before
    assert len(feature.errors) == 1 and feature.errors[0].startswith(
        "shared.json is open in servicemap by ") and "so it was not changed" in feature.errors[0]
    window.actions.action("file.export_data").trigger()  # let go: the export goes ahead
    assert shared.read_bytes() != before and len(feature.errors) == 1
    assert sorted(p.name for p in tmp_path.glob("shared.json*")) == ["shared.json"]
