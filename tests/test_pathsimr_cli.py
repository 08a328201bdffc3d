"""The command line's PathSimR exchange (issue #17):
``servicemap import NETWORK.csv OUT.smap --calendar CALENDAR.csv --time-unit hours|days
[--force]`` and ``servicemap export MAP OUT_DIR --pathsimr [--time-unit] [--force]``."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from servicemap import store
from servicemap.cli import EXIT_BAD_INPUT, EXIT_OK, main

DATA = Path(__file__).parent / "data" / "pathsimr"
AE = (DATA / "A&E_Network_Template.csv", DATA / "A&E_Calendar_Template.csv")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def bad_input(capsys, *argv) -> str:
    code, out, err = run(capsys, *argv)
    assert code == EXIT_BAD_INPUT and out == ""
    assert err.startswith("servicemap: ") and err.endswith(".\n") and "Traceback" not in err
    return err


@pytest.fixture
def imported(tmp_path, capsys) -> Path:
    out = tmp_path / "ae.smap"
    code, _, err = run(capsys, "import", *AE[:1], out, "--calendar", AE[1], "--time-unit",
                       "hours")
    assert code == EXIT_OK and "calendars through the day or the week became calendars" in err
    return out


def test_import_writes_the_map_in_days(imported):
    doc = store.load(imported)
    assert doc.graph.graph["title"] == "A&E"
    assert "per hour" in doc.graph.graph["description"]
    shock = doc.node("shock-room")
    assert shock["capacity"] == pytest.approx(4.5)
    assert doc.node("arrivals-shock-room")["arrivals_per_year"] == pytest.approx(2518.5)
    assert doc.edge("intensive-treatment-to-admission")["transfer_delay_days"] == \
        pytest.approx(0.5 / 24)


def test_import_prints_its_notices(tmp_path, capsys):
    code, _, err = run(capsys, "import", DATA / "Stroke_Network_Template.csv",
                       tmp_path / "s.smap", "--calendar", DATA / "Stroke_Calendar_Template.csv",
                       "--time-unit", "days")
    assert code == EXIT_OK
    assert "Stroke_Network_Template.csv: imported with 1 note" in err
    assert "18 delays on routes no one takes" in err


def test_export_then_import_again_gives_the_same_numbers(imported, tmp_path, capsys):
    folder = tmp_path / "templates"
    assert run(capsys, "export", imported, folder, "--pathsimr") == (EXIT_OK, "", "")
    rows = list(csv.reader((folder / "network_template.csv").open(encoding="utf-8")))
    assert rows[0][:3] == ["", "Shock_room", "Intensive_treatment"]
    assert rows[0][9:13] == ["serv_dist", "serv_dist_param", "ext_queue", "int_queue"]
    calendar = list(csv.reader((folder / "calendar_template.csv").open(encoding="utf-8")))
    assert calendar[:2] == [["metric", "node", "start", "end", "value"],
                            ["cap", "Shock_room", "0", "0.333333333333", "3"]]
    again = tmp_path / "again.smap"
    code, _, _ = run(capsys, "import", folder / "network_template.csv", again, "--calendar",
                     folder / "calendar_template.csv", "--time-unit", "days")
    assert code == EXIT_OK
    first, second = store.load(imported), store.load(again)
    for node_id in ("shock-room", "examination"):
        for name in ("capacity", "length_of_stay_days", "los_sd_days", "queue_limit"):
            assert second.node(node_id)[name] == pytest.approx(first.node(node_id)[name])
        assert second.node(node_id)["capacity_calendar"] == \
            first.node(node_id)["capacity_calendar"]


def test_export_in_hours(imported, tmp_path, capsys):
    folder = tmp_path / "hours"
    assert run(capsys, "export", imported, folder, "--pathsimr", "--time-unit", "hours")[0] \
        == EXIT_OK
    calendar = (folder / "calendar_template.csv").read_bytes().decode("utf-8")
    assert "cap,Shock_room,0,8,3\r\ncap,Shock_room,8,20,6\r\n" in calendar


def test_export_refuses_to_overwrite_without_force(imported, tmp_path, capsys):
    folder = tmp_path / "t"
    run(capsys, "export", imported, folder, "--pathsimr")
    err = bad_input(capsys, "export", imported, folder, "--pathsimr")
    assert "network_template.csv already exists; add --force to overwrite it" in err
    assert run(capsys, "export", imported, folder, "--pathsimr", "--force")[0] == EXIT_OK


def test_export_of_a_map_without_shares_lists_its_problems(tmp_path, capsys):
    demo = tmp_path / "km.smap"
    run(capsys, "demo", demo)
    code, out, err = run(capsys, "export", demo, tmp_path / "km", "--pathsimr")
    assert code == EXIT_BAD_INPUT and out == ""
    lines = err.splitlines()
    assert lines[0].startswith("km.smap: ") and "has no share of the people leaving" in err
    assert lines[-1].startswith("servicemap: the map cannot be written as PathSimR templates")
    assert not (tmp_path / "km").exists()


def test_import_of_a_malformed_template_names_each_cell(tmp_path, capsys):
    code, out, err = run(capsys, "import", DATA / "input_template_1 - Error.csv",
                         tmp_path / "e.smap", "--calendar", DATA / "cal_input_1.csv",
                         "--time-unit", "days")
    assert code == EXIT_BAD_INPUT and out == ""
    assert err.splitlines()[0] == ("input_template_1 - Error.csv, row 2 ('A'), column B "
                                   "(to A): must be at least 0 (got '-1')")
    assert err.splitlines()[-1] == ("servicemap: input_template_1 - Error.csv and "
                                    "cal_input_1.csv has 3 problems, so nothing was imported.")
    assert not (tmp_path / "e.smap").exists()


@pytest.mark.parametrize(("extra", "expected"), [
    (["--time-unit", "days"], "needs --calendar CALENDAR.csv and --time-unit hours or days"),
    (["--calendar", AE[1]], "needs --calendar CALENDAR.csv and --time-unit hours or days"),
    (["--calendar", AE[1], "--time-unit", "weeks"], "invalid choice: 'weeks'"),
    (["--calendar", DATA / "missing.csv", "--time-unit", "days"], "missing.csv does not exist"),
])
def test_import_arguments_are_checked(tmp_path, capsys, extra, expected):
    assert expected in bad_input(capsys, "import", AE[0], tmp_path / "o.smap", *extra)


def test_a_csv_without_calendar_says_how_to_read_pathsimr(tmp_path, capsys):
    err = bad_input(capsys, "import", AE[0], tmp_path / "o.smap")
    assert "unknown input format '.csv'" in err
    assert "PathSimR network template is read with --calendar CALENDAR.csv" in err


def test_time_unit_on_export_needs_pathsimr(imported, tmp_path, capsys):
    assert "--time-unit is for --pathsimr" in bad_input(
        capsys, "export", imported, tmp_path / "x.json", "--time-unit", "hours")
