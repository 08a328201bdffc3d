"""Copy in one servicemap process, paste in another: two real windows on a virtual X screen
(Xvfb, Qt's xcb platform), driven with Ctrl+C, Ctrl+V and Ctrl+S, sharing the system clipboard
as two planners' windows do (:mod:`tests.ui.clipboard_process` is each process)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from servicemap import store
from servicemap.model import Note
from tests.maps import exchange_map, small_map

pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or shutil.which("Xvfb") is None,
    reason="needs Xvfb (Debian: apt-get install xvfb) to run two windows on one X clipboard")


@pytest.fixture
def display():
    """A fresh Xvfb server; its display name (":N")."""
    read, write = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0",
                               "1280x800x24", "-nolisten", "tcp"], pass_fds=(write,),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    if not number:
        server.kill()
        pytest.skip("Xvfb did not start")
    yield f":{number}"
    server.terminate()
    server.wait(timeout=10)


def start(role, map_path, folder, env, *ids):
    return subprocess.Popen([sys.executable, "-m", "tests.ui.clipboard_process", role,
                             str(map_path), str(folder), ",".join(ids)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_ctrl_c_in_one_process_and_ctrl_v_in_another(display, child_env, tmp_path):
    source, target = tmp_path / "source.smap", tmp_path / "target.smap"
    doc = small_map()
    doc.add_note(Note("note-a", "Crisis figures are from March", 250.0, -120.0, 220.0))
    store.save(doc, source)
    store.save(exchange_map(), target)  # another map, with its own crisis team
    before = store.load(target)
    env = {**child_env, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    env.pop("WAYLAND_DISPLAY", None)
    copier = start("copy", source, tmp_path, env, "crisis", "ward", "note-a")
    paster = start("paste", target, tmp_path, env)
    try:
        code = paster.wait(timeout=60)
        out = paster.stdout.read()
    finally:
        (tmp_path / "done").write_text("", encoding="utf-8")
        copier.wait(timeout=30)
    copier_out = copier.stdout.read()
    if "could not load the Qt platform plugin \"xcb\"" in out + copier_out:
        pytest.skip("Qt's xcb platform plugin cannot load here (missing libxcb-cursor0 and "
                    "friends; .ci/run installs them)")
    for role in ("copy", "paste"):
        error = tmp_path / f"{role}.error"
        assert not error.exists(), error.read_text(encoding="utf-8")
    assert code == 0 and copier.returncode == 0, out + copier_out
    assert (tmp_path / "copied").read_text(encoding="utf-8").splitlines() == \
        ["Crisis team", "Acute ward", "Crisis figures are from March"]
    assert (tmp_path / "pasted").read_text(encoding="utf-8") == \
        "Pasted 2 services, 1 flow and 1 note."
    after = store.load(target)
    new = [n for n in after.graph.nodes if not before.has_node(n)]
    names = sorted(after.node(n)["name"] for n in new)
    assert names == ["Acute ward", "Crisis team"]
    crisis = next(n for n in new if after.node(n)["name"] == "Crisis team")
    ward = next(n for n in new if after.node(n)["name"] == "Acute ward")
    flow = after.find_flow(crisis, ward, "escalation")
    assert flow is not None and after.edge(flow)["volume_per_year"] == 40
    assert after.parent(crisis) == "dir"  # the target map has the same directorate id
    (note,) = after.notes.values()
    assert note.text == "Crisis figures are from March" and note.id != "note-a"
    assert after.counts()["services"] == before.counts()["services"] + 2
    assert store.load(source).notes.keys() == {"note-a"}  # the source map is unchanged

