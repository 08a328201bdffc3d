"""A save killed at a random moment leaves the target (and its .bak) as one whole map: the old
one or the new one, never a mixture or a damaged file."""

from __future__ import annotations

import os
import pickle
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from servicemap import demo, store

REPO = Path(__file__).resolve().parent.parent
KILLS = 50

# The child loads two maps, says "ready", waits for "go", then saves them alternately to the
# target until it is killed.
CHILD = """
import pickle, sys
from servicemap import store
target, first, second = sys.argv[1:4]
docs = [pickle.loads(open(p, "rb").read()) for p in (first, second)]
print("ready", flush=True)
sys.stdin.readline()
i = 0
while True:
    store.save(docs[i % 2], target)
    i += 1
"""


def identity(doc) -> tuple:
    return doc.graph.graph["title"], tuple(sorted(doc.counts().items())), \
        tuple(doc.node_records()[-1].items())


def start_child(target: Path, first: Path, second: Path, log) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-c", CHILD, str(target), str(first), str(second)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                            text=True, cwd=REPO, env=env)


def wait_ready(child: subprocess.Popen, log_path: Path) -> None:
    line = child.stdout.readline()
    if line.strip() != "ready":
        child.kill()
        child.wait()
        pytest.fail(f"the saving child did not start: {log_path.read_text()[-2000:]}")


@pytest.mark.slow
def test_killed_saves_leave_a_whole_map(tmp_path):
    maps = [demo.synthetic(1500, seed=1), demo.synthetic(1500, seed=2)]
    expected = {identity(doc) for doc in maps}
    assert len(expected) == 2
    pickles = []
    for i, doc in enumerate(maps):
        pickles.append(tmp_path / f"map{i}.pickle")
        pickles[-1].write_bytes(pickle.dumps(doc))
    folder = tmp_path / "maps"
    folder.mkdir()
    target = folder / "target.smap"
    store.save(maps[0], target)
    rng = random.Random(12345)
    log_path = tmp_path / "child.log"
    with log_path.open("w") as log:
        # One child saves while the next one starts up, so the kills come quickly.
        spare = start_child(target, *pickles, log)
        try:
            for kill in range(KILLS):
                child = spare
                wait_ready(child, log_path)
                spare = start_child(target, *pickles, log)
                child.stdin.write("go\n")
                child.stdin.flush()
                time.sleep(rng.uniform(0.05, 0.6))
                child.kill()
                child.wait()
                assert child.returncode != 0, log_path.read_text()[-2000:]
                assert identity(store.load(target)) in expected
                bak = store.backup_path(target)
                if kill % 5 == 0 and bak.exists():  # every fifth time: loading costs time
                    assert identity(store.load(bak)) in expected
        finally:
            spare.kill()
            spare.wait()
    assert "Traceback" not in log_path.read_text()
