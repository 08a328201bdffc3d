"""Smoke-test the frozen one-folder build in dist/servicemap/ (run by .ci/run after the build).

    uv run python packaging/smoke.py

Checks, as a user of the folder would see them: ``--help``; ``info --json`` of the bundled
map (written by the frozen ``demo``); ``export`` to PNG and PDF (non-empty files, the PDF's
text holds service names); export to xlsx, ods and GraphML and import again; the definitions
page (docs/analysis.md) shipped for Help > What the measures mean; ``validate``
of a broken file (exit 2, one sentence, no traceback); the window opening under Xvfb and
staying up for a few seconds with its title shown and nothing on stderr. Exits 1 with the
failures listed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dist" / "servicemap" / ("servicemap.exe" if sys.platform == "win32" else "servicemap")
failures: list[str] = []


def run(*args: str, env=None, timeout=120) -> subprocess.CompletedProcess:
    started = time.perf_counter()
    done = subprocess.run([str(APP), *args], capture_output=True, text=True, timeout=timeout,
                          env=env)
    print(f"  servicemap {' '.join(args)}: exit {done.returncode} "
          f"in {time.perf_counter() - started:.2f} s")
    return done


def check(ok: bool, what: str) -> None:
    print(f"{'ok  ' if ok else 'FAIL'} {what}")
    if not ok:
        failures.append(what)


def headless_env() -> dict:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def commands(folder: Path) -> None:
    env = headless_env()
    done = run("--help", env=env)
    check(done.returncode == 0 and "usage: servicemap" in done.stdout, "--help prints usage")
    smap = folder / "km.smap"
    done = run("demo", str(smap), env=env)
    check(done.returncode == 0 and smap.is_file(), "demo writes the bundled map")
    done = run("info", "--json", str(smap), env=env)
    counts = json.loads(done.stdout) if done.returncode == 0 else {}
    check(counts.get("services", 0) > 0 and counts.get("flows", 0) > 0,
          f"info --json reports the bundled map ({counts})")
    for ext in ("png", "pdf"):
        out = folder / f"km.{ext}"
        done = run("export", str(smap), str(out), env=env)
        size = out.stat().st_size if out.is_file() else 0
        check(done.returncode == 0 and size > 10_000, f"export to {ext.upper()} ({size} bytes)")
    pdftotext = shutil.which("pdftotext")
    if pdftotext and (folder / "km.pdf").is_file():
        text = subprocess.run([pdftotext, str(folder / "km.pdf"), "-"], capture_output=True,
                              text=True).stdout
        check("Crisis" in text, "the PDF's text holds service names")
    for ext in ("xlsx", "ods", "graphml"):  # readers and writers the app loads when first used
        out, back = folder / f"km.{ext}", folder / f"km-from-{ext}.smap"
        done = run("export", str(smap), str(out), env=env)
        again = run("import", str(out), str(back), env=env)
        check(done.returncode == 0 and again.returncode == 0 and back.is_file(),
              f"export to {ext} and import it again ({again.stderr.strip()[:200]})")
    measures = APP.parent / "_internal" / "servicemap" / "resources" / "docs" / "analysis.md"
    check(measures.is_file() and "Unknown is not zero" in measures.read_text("utf-8"),
          "Help > What the measures mean has docs/analysis.md beside the app")
    broken = folder / "broken.smap"
    broken.write_bytes(b"this is not a map\n" * 10)
    done = run("validate", str(broken), env=env)
    message = done.stderr.strip()
    check(done.returncode == 2 and message.count("\n") == 0 and "Traceback" not in message
          and message != "", f"validate of a broken file: exit 2, one sentence ({message!r})")


def window(folder: Path) -> None:
    xvfb = shutil.which("Xvfb")
    if sys.platform == "win32" or xvfb is None:
        print("skip the window check: no Xvfb here")
        return
    display = f":{os.getpid() % 500 + 100}"
    server = subprocess.Popen([xvfb, display, "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.0)
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb")
        err = folder / "window.err"
        with err.open("w") as stderr:
            app = subprocess.Popen([str(APP), str(folder / "km.smap")], env=env,
                                   stdout=subprocess.DEVNULL, stderr=stderr)
            titled, started = False, time.perf_counter()
            while time.perf_counter() - started < 20 and app.poll() is None:
                time.sleep(0.5)
                tree = subprocess.run(["xwininfo", "-root", "-tree"], env=env,
                                      capture_output=True, text=True).stdout \
                    if shutil.which("xwininfo") else ""
                if "km.smap" in tree or "Kent and Medway" in tree:
                    titled = True
                    break
            time.sleep(3.0)
            alive = app.poll() is None
            app.terminate()
            app.wait(10)
        check(alive, "the window stays up")
        if shutil.which("xwininfo"):
            check(titled, f"the window shows, titled for the map "
                          f"(after {time.perf_counter() - started:.1f} s)")
        problems = err.read_text(errors="replace")
        check("Traceback" not in problems and "incomplete" not in problems,
              f"nothing alarming on the window's stderr ({problems.strip()[:300]!r})")
    finally:
        server.terminate()
        server.wait(10)


def main() -> int:
    if not APP.is_file():
        print(f"no build at {APP}: run `uv run python packaging/build.py` first")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        commands(Path(tmp))
        window(Path(tmp))
    print("smoke test passed" if not failures else f"{len(failures)} smoke check(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
