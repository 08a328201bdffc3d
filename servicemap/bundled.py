"""The files servicemap ships beside its code (the Kent and Medway map, fonts for exports,
the app icon, the definitions of the measures), where to find them, and which are missing.

They sit in the repository's top-level ``resources/`` when run from a checkout, in
``servicemap/resources/`` when installed from a wheel, and in the one-folder build's
``_internal/servicemap/resources/`` (the same place relative to this module). The pages of
``docs/`` the app shows (:data:`DOCS`: Help > What the measures mean) are in the checkout's
``docs/`` and go to ``resources/docs/`` in a wheel (pyproject.toml's force-include) and in the
one-folder build (packaging/servicemap.spec)."""

from __future__ import annotations

from pathlib import Path

MAP_FILE = "kent_medway.json"
FONT_FILES = ("fonts/LiberationSans-Regular.ttf", "fonts/LiberationSans-Bold.ttf",
              "fonts/LiberationSans-Italic.ttf")
ICON_PNG = "icon/servicemap.png"
ICON_ICO = "icon/servicemap.ico"
MEASURES_DOC = "analysis.md"
DOCS = (MEASURES_DOC,)  # pages of docs/ shipped with the app
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


def doc_path(name: str) -> Path:
    """The shipped page ``name`` of docs/ (``analysis.md``): in the resources' ``docs/`` when
    installed or frozen, else the checkout's ``docs/``."""
    shipped = resources_dir() / "docs" / name
    if shipped.is_file():
        return shipped
    return Path(__file__).resolve().parent.parent / "docs" / name


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
