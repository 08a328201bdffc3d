"""A save killed at a random moment leaves the target (and its .bak) as one whole map: the old
one or the new one, never a mixture or a damaged file."""

from __future__ import annotations

import os
import pickle
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from servicemap import demo, store

KILLS = 50
LONGEST_WAIT = 0.06  # seconds before a kill: up to about five saves of these maps
MORE_KILLS = 50  # if one of the maps was never seen whole, this many more with longer waits

# The child loads two maps and says "ready". With "fork" it is a fork server: for each line
# ``N`` it forks a saver that saves the maps alternately (starting with map N % 2) to the
# target until it is killed, prints the saver's pid, then the status it ended with. Without
# fork (Windows) it waits for one line and is the saver itself.
CHILD = """
import os, pickle, sys, traceback
import sqlite_utils  # saving imports it on first use: load it once, before forking
from servicemap import store
target, first, second, mode = sys.argv[1:5]
docs = [pickle.loads(open(p, "rb").read()) for p in (first, second)]

def save_forever(i):
    while True:
        store.save(docs[i % 2], target)
        i += 1

print("ready", flush=True)
if mode == "fork":
    for line in sys.stdin:
        pid = os.fork()
        if pid == 0:
            try:
                save_forever(int(line))
            except BaseException:
                traceback.print_exc()
            os._exit(1)
        print(pid, flush=True)
        print(os.waitpid(pid, 0)[1], flush=True)
else:
    save_forever(int(sys.stdin.readline()))
"""


def identity(doc) -> tuple:
    return doc.graph.graph["title"], tuple(sorted(doc.counts().items())), \
        tuple(doc.node_records()[-1].items())


class Savers:
    """Child processes that save the two maps to the target over and over, killed at will."""

    def __init__(self, args: list[str], log, env: dict[str, str]) -> None:
        self.args, self.log, self.env = args, log, env
        self.forking = hasattr(os, "fork")
        self.server = self._child("fork") if self.forking else None
        self.spare = None if self.forking else self._child("once")

    def _child(self, mode: str) -> subprocess.Popen:
        child = subprocess.Popen([sys.executable, "-c", CHILD, *self.args, mode],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
                                 text=True, env=self.env)
        if child.stdout.readline().strip() != "ready":
            child.kill()
            child.wait()
            pytest.fail(f"the saving child did not start: {Path(self.log.name).read_text()}")
        return child

    def start(self, first: int):
        """A saver that begins with map ``first % 2``; returns what :meth:`kill` needs."""
        if self.forking:
            self.server.stdin.write(f"{first}\n")
            self.server.stdin.flush()
            return int(self.server.stdout.readline())
        saver, self.spare = self.spare, None
        saver.stdin.write(f"{first}\n")
        saver.stdin.flush()
        self.spare = self._child("once")  # the next one starts up while this one saves
        return saver

    def kill(self, saver) -> None:
        """Kill the saver as a crash or power cut would: no clean-up runs."""
        if self.forking:
            os.kill(saver, signal.SIGKILL)
            status = int(self.server.stdout.readline())
            assert os.WIFSIGNALED(status), Path(self.log.name).read_text()[-2000:]
        else:
            saver.kill()
            saver.wait()
            assert saver.returncode != 0, Path(self.log.name).read_text()[-2000:]

    def close(self) -> None:
        for child in (self.server, self.spare):
            if child is not None:
                child.kill()
                child.wait()


@pytest.mark.slow
def test_killed_saves_leave_a_whole_map(tmp_path, child_env):
    maps = [demo.synthetic(100, seed=1), demo.synthetic(100, seed=2)]
    expected = {identity(doc) for doc in maps}
    assert len(expected) == 2
    pickles = []
    for i, doc in enumerate(maps):
        pickles.append(tmp_path / f"map{i}.pickle")
        pickles[-1].write_bytes(pickle.dumps(doc))
    folder = tmp_path / "maps"
    folder.mkdir()
    target = folder / "target.smap"
    started = time.perf_counter()
    store.save(maps[0], target)
    # On a busy machine a save takes longer: wait up to about five saves as measured here.
    longest = max(LONGEST_WAIT, 5 * (time.perf_counter() - started))
    rng = random.Random(12345)
    seen = set()
    log_path = tmp_path / "child.log"
    with log_path.open("w") as log:
        savers = Savers([str(target), *map(str, pickles)], log, child_env)
        try:
            for kill in range(KILLS + MORE_KILLS):
                if kill >= KILLS and seen == expected:
                    break
                if kill >= KILLS and kill % 10 == 0:  # saves are slow here: wait longer
                    longest *= 2
                saver = savers.start(kill)
                time.sleep(rng.uniform(0.0, longest))
                savers.kill(saver)
                found = identity(store.load(target))
                assert found in expected
                seen.add(found)
                bak = store.backup_path(target)
                if kill % 5 == 0 and bak.exists():  # every fifth time: loading costs time
                    assert identity(store.load(bak)) in expected
        finally:
            savers.close()
    assert "Traceback" not in log_path.read_text()
    assert seen == expected, "no save finished before its kill: the test proved nothing"
