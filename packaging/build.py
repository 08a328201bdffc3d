"""Build servicemap's one-folder app into dist/servicemap/, and a portable zip beside it.

    uv run python packaging/build.py [--zip] [--installer]

The same spec (packaging/servicemap.spec) builds on Windows and Linux. ``--zip`` also writes
``dist/servicemap-VERSION-PLATFORM.zip`` of the folder (the portable build for those who
cannot run installers); ``--installer`` (Windows, Inno Setup 6 installed) also compiles
``packaging/windows/servicemap.iss`` into ``dist/servicemap-VERSION-setup.exe``. See
docs/packaging.md."""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST, WORK = ROOT / "dist", ROOT / "build"
APP = DIST / "servicemap"
MAX_MB = 250


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]


def version_file(ver: str) -> Path:
    """Windows version information for the executables (Explorer > Properties > Details)."""
    parts = [int(p) for p in ver.split(".")[:3]] + [0]
    numbers = tuple(parts[:4])
    WORK.mkdir(exist_ok=True)
    out = WORK / "version_info.txt"
    out.write_text(f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[StringFileInfo([StringTable('080904B0', [
      StringStruct('CompanyName', 'servicemap'),
      StringStruct('FileDescription', 'servicemap: maps of how people move between NHS services'),
      StringStruct('FileVersion', '{ver}'),
      StringStruct('InternalName', 'servicemap'),
      StringStruct('OriginalFilename', 'servicemap.exe'),
      StringStruct('ProductName', 'servicemap'),
      StringStruct('ProductVersion', '{ver}')])]),
    VarFileInfo([VarStruct('Translation', [2057, 1200])])])
""", "utf-8")
    return out


def folder_mb(folder: Path) -> float:
    """Size on disk, counting each file once (the Linux build links some libraries twice)."""
    return sum(f.stat().st_size for f in folder.rglob("*")
               if f.is_file() and not f.is_symlink()) / 1e6


def build() -> None:
    import PyInstaller.__main__

    os.environ["SERVICEMAP_VERSION_FILE"] = str(version_file(version()))
    PyInstaller.__main__.run([str(ROOT / "packaging" / "servicemap.spec"), "--noconfirm",
                              "--clean", "--log-level", "WARN",
                              "--distpath", str(DIST), "--workpath", str(WORK / "pyinstaller")])


def portable_zip(ver: str) -> Path:
    system = {"Windows": "windows", "Linux": "linux", "Darwin": "macos"}.get(
        platform.system(), platform.system().lower())
    base = DIST / f"servicemap-{ver}-{system}-{platform.machine().lower()}"
    return Path(shutil.make_archive(str(base), "zip", DIST, "servicemap"))


def installer(ver: str) -> Path:
    iscc = shutil.which("iscc") or next(
        (str(p) for p in (Path(os.environ.get("ProgramFiles(x86)", "C:/Program Files (x86)"))
                          / "Inno Setup 6" / "ISCC.exe",
                          Path(os.environ.get("LOCALAPPDATA", "")) / "Programs" / "Inno Setup 6"
                          / "ISCC.exe") if p.is_file()), None)
    if sys.platform != "win32" or iscc is None:
        raise SystemExit("--installer needs Windows with Inno Setup 6 (https://jrsoftware.org); "
                         "see docs/packaging.md")
    subprocess.run([iscc, f"/DAppVersion={ver}", f"/DSourceDir={APP}", f"/DOutputDir={DIST}",
                    str(ROOT / "packaging" / "windows" / "servicemap.iss")], check=True)
    return DIST / f"servicemap-{ver}-setup.exe"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zip", action="store_true", help="also write the portable zip")
    parser.add_argument("--installer", action="store_true",
                        help="also compile the Windows installer (Inno Setup 6)")
    args = parser.parse_args()
    started = time.perf_counter()
    build()
    exe = APP / ("servicemap.exe" if sys.platform == "win32" else "servicemap")
    if not exe.is_file():
        raise SystemExit(f"the build did not make {exe}")
    size = folder_mb(APP)
    print(f"built {APP} in {time.perf_counter() - started:.0f} s: {size:.0f} MB unpacked")
    if size > MAX_MB:
        raise SystemExit(f"the folder is {size:.0f} MB, over the {MAX_MB} MB budget")
    ver = version()
    if args.zip:
        print(f"wrote {portable_zip(ver)}")
    if args.installer:
        print(f"wrote {installer(ver)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
