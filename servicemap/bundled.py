"""The files servicemap ships beside its code (the Kent and Medway map, fonts for exports,
the app icon), where to find them, and which are missing.

They sit in the repository's top-level ``resources/`` when run from a checkout, in
``servicemap/resources/`` when installed from a wheel, and in the one-folder build's
``_internal/servicemap/resources/`` (the same place relative to this module)."""

from __future__ import annotations

from pathlib import Path

MAP_FILE = "kent_medway.json"
FONT_FILES = ("fonts/LiberationSans-Regular.ttf", "fonts/LiberationSans-Bold.ttf",
              "fonts/LiberationSans-Italic.ttf")
ICON_PNG = "icon/servicemap.png"
ICON_ICO = "icon/servicemap.ico"
REQUIRED = {MAP_FILE: "the bundled Kent and Medway map",
            **{font: "a font the exports use" for font in FONT_FILES},
            ICON_PNG: "the app icon"}


def resources_dir() -> Path:
    """The folder holding the bundled files (the first candidate that has the map, else the
    repository's ``resources/``, so a message can name where they were looked for)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "resources", here.parent / "resources"):
        if (candidate / MAP_FILE).exists():
            return candidate
    return here.parent / "resources"


def path(name: str) -> Path:
    """The bundled file ``name`` (a path relative to the resources folder)."""
    return resources_dir() / name


def missing(folder: Path | None = None) -> list[str]:
    """One plain phrase per required bundled file that is not in ``folder`` (by default the
    resources folder); empty when all are there."""
    folder = resources_dir() if folder is None else folder
    return [f"{what} ({name}) is missing from {folder}"
            for name, what in REQUIRED.items() if not (folder / name).is_file()]


def missing_message(problems: list[str]) -> str:
    """What to tell the user when bundled files are missing."""
    listed = "; ".join(problems)
    return (f"servicemap is incomplete: {listed}. Reinstall servicemap "
            "(or unpack the whole folder again).")
