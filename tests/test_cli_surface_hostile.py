"""The whole command line on every hostile fixture (issue #19): each command `servicemap
--help` lists is run on each hostile map, import file or output made in tests/hostile/, and
must exit 2 with one line on stderr naming the file, no traceback, no hang, nothing written.

All the commands run in one fresh process, through ``servicemap.cli.main`` exactly as the
``servicemap`` console script calls it (a process per command would take minutes), with a
timeout so that a hang (a FIFO read) fails the test. A command added to ``--help`` without a
case here fails the coverage test."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.hostile import fixtures

# Run each argv through the real entry point, stderr and stdout captured, exit code kept.
DRIVER = textwrap.dedent("""
    import contextlib, io, json, sys, traceback
    from servicemap.cli import main
    results = []
    for argv in json.loads(sys.stdin.read()):
        err, out = io.StringIO(), io.StringIO()
        try:
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
                code = main(argv)
        except BaseException:
            code, err = "exception", io.StringIO(traceback.format_exc())
        results.append({"argv": argv, "code": code, "stderr": err.getvalue()})
    print(json.dumps(results))
""")


def _commands_in_help() -> set[str]:
    proc = subprocess.run([sys.executable, "-m", "servicemap", "--help"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0
    return set(re.search(r"\{([a-z,]+)\}", proc.stdout).group(1).split(","))


def _map_cases(bad: Path, folder: Path) -> dict[str, list[list[str]]]:
    good = str(fixtures.good_map(folder))
    bad = str(bad)
    return {
        "info": [["info", bad], ["info", bad, "--json"]],
        "validate": [["validate", bad]],
        "analyse": [["analyse", bad], ["analyse", bad, "--json"],
                    ["analyse", bad, "--scenario", "Plan"]],
        "scenarios": [["scenarios", bad], ["scenarios", bad, "--json"]],
        "simulate": [["simulate", bad, "--days", "5", "--runs", "1"],
                     ["simulate", bad, "--days", "5", "--runs", "1", "--json"],
                     ["simulate", bad, "--days", "5", "--runs", "1", "--scenario", "Plan"]],
        "diff": [["diff", bad, good], ["diff", good, bad]],
        "layout": [["layout", bad, "--method", "tidy"],
                   ["layout", bad, "--method", "layered", "-o", str(folder / "out.smap")]],
        "export": [["export", bad, str(folder / "out.json")],
                   ["export", bad, str(folder / "out.xlsx")],
                   ["export", bad, str(folder / "out.png")],
                   ["export", bad, "--csv", str(folder / "out-csv")]],
    }


def _import_cases(bad: Path, folder: Path) -> dict[str, list[list[str]]]:
    return {"import": [["import", str(bad), str(folder / "out.smap")]]}


def _output_cases(out: Path, folder: Path) -> dict[str, list[list[str]]]:
    good, source, out = str(fixtures.good_map(folder)), str(fixtures.good_json(folder)), str(out)
    cases = {"export": [["export", good, out, "--force"]]}
    if out.endswith(".smap"):
        cases |= {"demo": [["demo", out, "--force"], ["demo", out, "--services", "5",
                                                     "--force"]],
                  "import": [["import", source, out, "--force"]],
                  "layout": [["layout", good, "--method", "tidy", "-o", out, "--force"]]}
    if out.endswith(".xlsx"):
        cases["template"] = [["template", out, "--force"]]
    return cases


def _fixture_id(item) -> str:
    maker, *suffix = item if isinstance(item, tuple) else (item,)
    return maker.__name__ + "".join(suffix)


CASES = ([("map", maker) for maker in fixtures.MAPS]
         + [("import", maker) for maker in fixtures.IMPORTS]
         + [("output", (maker, ".smap")) for maker in fixtures.SMAP_OUTPUTS]
         + [("output", (maker, suffix)) for maker in fixtures.OUTPUTS
            for suffix in (".xlsx", ".json", ".ods", ".png")])


def _state(folder: Path) -> dict[str, object]:
    """Every entry in the folder, with its bytes (a regular file) or its kind."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not (path.is_file() or path.is_dir()):
            found[str(path)] = "special"
        elif path.is_dir():
            found[str(path)] = "folder"
        else:
            found[str(path)] = path.read_bytes()
    return found


@pytest.fixture(scope="module")
def surface(tmp_path_factory):
    """Every case's fixture made in a folder of its own, then all their commands run in one
    process: ``{case id: (bad file, results, folder state before, folder state after)}``."""
    made, argvs = {}, []
    for role, item in CASES:
        name = _fixture_id(item)
        folder = tmp_path_factory.mktemp(name)
        maker, suffix = item if isinstance(item, tuple) else (item, None)
        fixtures.good_map(folder)
        fixtures.good_json(folder)
        bad = maker(folder) if suffix is None else maker(folder, suffix)
        cases = {"map": _map_cases, "import": _import_cases, "output": _output_cases}[role](
            bad, folder)
        runs = [argv for group in cases.values() for argv in group]
        made[name] = (bad, folder, _state(folder), len(argvs), len(runs))
        argvs += runs
    proc = subprocess.run([sys.executable, "-c", DRIVER], input=json.dumps(argvs),
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout.strip().splitlines()[-1])
    return {name: (bad, results[start:start + count], before, _state(folder))
            for name, (bad, folder, before, start, count) in made.items()}


@pytest.mark.parametrize("case", [_fixture_id(i) for _, i in CASES])
def test_every_command_refuses_a_hostile_file_in_one_line(surface, case):
    bad, results, before, after = surface[case]
    assert results
    for result in results:
        argv, stderr = result["argv"], result["stderr"]
        lines = stderr.strip().splitlines()
        assert result["code"] == 2, (argv, stderr)
        assert len(lines) == 1 and lines[0].startswith("servicemap: "), (argv, stderr)
        assert "Traceback" not in stderr and ".tmp" not in stderr, (argv, stderr)
        assert Path(bad).name[:30] in lines[0] or "no-such-folder" in lines[0], (argv, stderr)
    assert after == before  # nothing written, nothing removed


def test_every_command_in_help_has_hostile_cases(tmp_path):
    fixtures.good_map(tmp_path)
    fixtures.good_json(tmp_path)
    covered = set()
    for cases in (_map_cases(tmp_path / "x.smap", tmp_path),
                  _import_cases(tmp_path / "x.json", tmp_path),
                  _output_cases(tmp_path / "x.smap", tmp_path),
                  _output_cases(tmp_path / "x.xlsx", tmp_path)):
        covered |= set(cases)
    assert _commands_in_help() == covered
