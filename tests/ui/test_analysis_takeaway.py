"""Results you can take away (issue #16): each Analysis table's Copy and Export… buttons, driven
with the mouse, and Help > What the measures mean. The clipboard holds tab-separated text that
pastes into cells and HTML; files are CSV or Excel; nothing a spreadsheet could run as a
formula gets through; unknown is written "unknown", never 0 or an empty cell."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication, QTextTable

from servicemap import bundled, store
from servicemap.ui.features.analysis.feature import CSV_FILTER, XLSX_FILTER, AnalysisFeature
from tests.maps import analysis_map

HOSTILE = '=HYPERLINK("http://example.invalid","x")'


@pytest.fixture
def window(open_window, tmp_path):
    doc = analysis_map()
    doc.update_node("helpline", {"name": HOSTILE})  # a name a spreadsheet would run
    path = tmp_path / "takeaway.smap"
    store.save(doc, path)
    return open_window(path, size=(1400, 900))


def feature(window) -> AnalysisFeature:
    return window.host.feature(AnalysisFeature)


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.LeftButton)


def sort_by(qtbot, view, column: int) -> None:
    header = view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.LeftButton, pos=QPoint(x, header.height() // 2))


def test_copy_puts_the_table_as_shown_on_the_clipboard(window, qtbot):
    f = feature(window)
    f.show_analysis("per_service")
    view = f.panel.current_view()
    titles = [c.title for c in view.model().columns]
    sort_by(qtbot, view, titles.index("In a year"))  # ascending: Island 0, ward 40, ...
    click(qtbot, f.panel.copy_button)
    data = QGuiApplication.clipboard().mimeData()
    lines = data.text().split("\r\n")
    assert lines[-1] == ""
    rows = [line.split("\t") for line in lines[:-1]]
    assert rows[0][:3] == ["Service", "In a year", "Out a year"]
    assert "Occupancy (%)" in rows[0] and "Load" in rows[0]
    assert [r[0] for r in rows[1:]] == ["Island", "Acute ward", "'" + HOSTILE, "Crisis team"]
    crisis = dict(zip(rows[0], rows[-1], strict=True))
    assert crisis["In a year"] == "320" and crisis["Load"] == "320%"  # 320 in, capacity 100
    ward = dict(zip(rows[0], rows[2], strict=True))
    assert ward["Load"] == "unknown" and ward["Places needed"] == "unknown"  # never 0 or ""
    html = data.html()
    assert html.count("<tr>") == 5 and "<th" in html
    assert "mso-number-format:'\\@'" in html  # text cells stay text in Excel
    assert 'sdnum="1033;0;@"' in html  # and in LibreOffice
    assert "=HYPERLINK(&quot;http://example.invalid&quot;,&quot;x&quot;)" in html
    assert "Copied People in and out, load: 4 rows" in window.statusBar().currentMessage()


def test_export_writes_csv_and_a_formula_safe_workbook(window, qtbot, tmp_path):
    f = feature(window)
    f.show_analysis("critical")
    answers = [(str(tmp_path / "critical"), CSV_FILTER), (str(tmp_path / "critical.xlsx"),
                                                        XLSX_FILTER)]
    f.ask_table_path = lambda title: answers.pop(0)
    click(qtbot, f.panel.export_button)
    raw = (tmp_path / "critical.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["Rank", "Service", "People cut off a year", "Unknown flows",
                       "Services cut off", "Share of busy journeys (betweenness)"]
    assert rows[1][:3] == ["1", "Crisis team", "500"]  # 300 from the GP + the helpline's 200
    assert rows[2][:3] == ["2", "'" + HOSTILE, "200"]

    click(qtbot, f.panel.export_button)
    wb = openpyxl.load_workbook(tmp_path / "critical.xlsx")
    ws = wb.worksheets[0]
    assert ws.title == "Critical services" and wb.sheetnames == ["Critical services", "About"]
    assert ws.freeze_panes == "A2" and ws["A1"].font.b
    assert ws["B2"].value == "Crisis team" and ws["C2"].value == 500
    hostile = ws["B3"]
    assert hostile.value == HOSTILE and hostile.data_type == "s" and hostile.quotePrefix
    share = ws["F2"]
    assert isinstance(share.value, float) and share.number_format == "0.0%"
    about = [r[0].value for r in wb["About"].iter_rows()]
    assert about[0] == "Critical services: Analysis test map"
    assert any("never 0" in line for line in about)
    assert not answers


def test_export_cancelled_writes_nothing(window, qtbot, tmp_path):
    f = feature(window)
    f.show_analysis("dead_ends")
    f.ask_table_path = lambda title: ("", "")
    click(qtbot, f.panel.export_button)
    assert list(tmp_path.glob("*.csv")) == list(tmp_path.glob("*.xlsx")) == []


def test_buttons_wait_for_an_analysis(new_window):
    w = new_window()
    panel = w.host.feature(AnalysisFeature).panel
    assert not panel.copy_button.isEnabled() and not panel.export_button.isEnabled()
    assert panel.result_table() is None


def test_help_opens_the_definitions_shipped_with_the_app(window, qtbot):
    help_menu = next(a.menu() for a in window.menuBar().actions()
                     if a.text().replace("&", "") == "Help")
    entry = next(a for a in help_menu.actions()
                 if a.text().replace("&", "") == "What the measures mean")
    entry.trigger()
    page = feature(window).definitions
    qtbot.waitExposed(page)
    assert page.isVisible() and not page.isModal()
    assert page.path == bundled.doc_path(bundled.MEASURES_DOC)
    headings = page.headings()
    assert headings[0] == "servicemap: analysis"
    assert {"Unknown is not zero",
            "Rates per head (rates, servicemap/graph/rates.py)"} <= set(headings)
    text = page.browser.toPlainText()
    assert "## " not in text and "| field |" not in text  # rendered, not raw Markdown
    frame = page.browser.document().rootFrame()
    assert any(isinstance(f, QTextTable) for f in frame.childFrames())  # tables are tables
    page.find_box.setText("Little's law")
    qtbot.keyClick(page.find_box, Qt.Key_Return)
    assert page.browser.textCursor().selectedText() == "Little's law"
    entry.trigger()  # a second time raises the same window
    assert feature(window).definitions is page


def test_the_definitions_ship_in_the_wheel_and_the_one_folder_build():
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    assert bundled.doc_path(bundled.MEASURES_DOC) == root / "docs" / "analysis.md"
    config = tomllib.loads((root / "pyproject.toml").read_text())
    include = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert include["docs/analysis.md"] == "servicemap/resources/docs/analysis.md"
    spec = (root / "packaging" / "servicemap.spec").read_text()
    assert '(str(ROOT / "docs" / "analysis.md"), "servicemap/resources/docs")' in spec


def test_copy_straight_after_an_edit_takes_the_map_as_it_is_now(window, qtbot):
    f = feature(window)
    f.show_analysis("dead_ends")
    window.editor.update_node("ward", {"name": "Ward 7"})  # the analysis is due, not yet run
    click(qtbot, f.panel.copy_button)
    lines = QGuiApplication.clipboard().text().split("\r\n")
    assert lines[1].split("\t")[0] == "Ward 7"
