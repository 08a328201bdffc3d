"""``servicemap export MAP OUT.png|svg|pdf``: each format, each option and each bad input
(exit 2 with one sentence on stderr), in-process and once as a separate process with no
display."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from defusedxml import ElementTree
from PySide6.QtGui import QImage

from servicemap import store
from servicemap.cli import EXIT_BAD_INPUT, EXIT_OK, main
from tests.maps import export_map

from .test_export import svg_texts

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def map_file(tmp_path, qapp) -> Path:
    path = tmp_path / "map.smap"
    store.save(export_map(), path)
    return path


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def bad_input(capsys, *argv) -> str:
    code, out, err = run(capsys, *argv)
    assert code == EXIT_BAD_INPUT, err
    assert out == "" and "Traceback" not in err
    assert err.startswith("servicemap: ") and err.endswith(".\n") and err.count("\n") == 1
    return err


def png_size(path: Path) -> tuple[int, int]:
    image = QImage(str(path))
    assert not image.isNull()
    return image.width(), image.height()


def media_box(path: Path) -> tuple[int, int]:
    found = re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", path.read_bytes())
    return round(float(found[1])), round(float(found[2]))


def test_each_format(map_file, tmp_path, capsys):
    for suffix in (".png", ".svg", ".pdf", ".PNG"):
        out = tmp_path / f"out{suffix}"
        assert run(capsys, "export", map_file, out) == (EXIT_OK, "", "")
        data = out.read_bytes()
        if suffix.lower() == ".png":
            assert data.startswith(b"\x89PNG")
        elif suffix == ".svg":
            root = ElementTree.fromstring(data)
            assert root.tag.endswith("svg") and b"foreignObject" not in data
        else:
            assert data.startswith(b"%PDF") and media_box(out) == (842, 595)  # a wide map


def test_dpi_sets_the_pixel_size(map_file, tmp_path, capsys):
    run(capsys, "export", map_file, tmp_path / "a.png", "--dpi", "96")
    run(capsys, "export", map_file, tmp_path / "b.png", "--dpi", "288")
    (w1, h1), (w3, h3) = png_size(tmp_path / "a.png"), png_size(tmp_path / "b.png")
    assert abs(w3 - 3 * w1) <= 1 and abs(h3 - 3 * h1) <= 1
    run(capsys, "export", map_file, tmp_path / "c.png")  # default 150 DPI
    assert abs(png_size(tmp_path / "c.png")[0] - w1 * 150 / 96) <= 1


def test_page_and_landscape(map_file, tmp_path, capsys):
    out = tmp_path / "out.pdf"
    assert run(capsys, "export", map_file, out, "--page", "A3", "--landscape")[0] == EXIT_OK
    assert media_box(out) == (1191, 842)


def test_pathway_by_name(map_file, tmp_path, capsys):
    out = tmp_path / "p.svg"
    assert run(capsys, "export", map_file, out, "--pathway", "  CRISIS care ")[0] == EXIT_OK
    joined = "\n".join(svg_texts(out.read_bytes()))
    assert "Crisis team" in joined and "Talking therapies" not in joined


def test_legend_numbers_and_suppression_flags(map_file, tmp_path, capsys):
    default, plain, bare = (tmp_path / n for n in ("a.svg", "b.svg", "c.svg"))
    run(capsys, "export", map_file, default)
    run(capsys, "export", map_file, plain, "--no-suppression")
    run(capsys, "export", map_file, bare, "--no-legend", "--no-flow-numbers")
    texts = [set(svg_texts(p.read_bytes())) for p in (default, plain, bare)]
    assert "10" in texts[0] and "12" not in texts[0] and "*" in texts[0]
    assert "12" in texts[1] and "*" not in texts[1]
    assert "Referral" in texts[0] and "Referral" not in texts[2] and "300" not in texts[2]


def test_unknown_pathway(map_file, tmp_path, capsys):
    err = bad_input(capsys, "export", map_file, tmp_path / "p.png", "--pathway", "Nope")
    assert "no pathway named 'Nope'" in err and "Crisis care" in err
    assert not (tmp_path / "p.png").exists()


def test_empty_pathway(map_file, tmp_path, capsys):
    err = bad_input(capsys, "export", map_file, tmp_path / "p.png", "--pathway", "empty")
    assert "no steps" in err


@pytest.mark.parametrize("dpi", ["95", "601", "abc", "150.5"])
def test_bad_dpi(map_file, tmp_path, capsys, dpi):
    assert "--dpi" in bad_input(capsys, "export", map_file, tmp_path / "o.png", "--dpi", dpi)


def test_bad_page(map_file, tmp_path, capsys):
    assert "--page" in bad_input(capsys, "export", map_file, tmp_path / "o.pdf", "--page", "a5")


def test_unknown_format_lists_every_format(map_file, tmp_path, capsys):
    err = bad_input(capsys, "export", map_file, tmp_path / "out.gif")
    for suffix in (".json", ".png", ".svg", ".pdf"):
        assert suffix in err


def test_existing_output_and_missing_folder(map_file, tmp_path, capsys):
    out = tmp_path / "out.png"
    out.write_bytes(b"keep")
    assert "already exists" in bad_input(capsys, "export", map_file, out)
    assert out.read_bytes() == b"keep"
    assert run(capsys, "export", map_file, out, "--force")[0] == EXIT_OK
    assert "does not exist" in bad_input(capsys, "export", map_file, tmp_path / "no" / "o.svg")


def test_missing_map(tmp_path, capsys):
    bad_input(capsys, "export", tmp_path / "missing.smap", tmp_path / "o.png")


def test_separate_process_without_a_display(map_file, tmp_path, child_env):
    env = {k: v for k, v in child_env.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = tmp_path / "out.png"
    done = subprocess.run([sys.executable, "-m", "servicemap", "export", str(map_file),
                           str(out)], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"\x89PNG")
