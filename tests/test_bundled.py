"""The bundled files (map, fonts, icon) are found, and a damaged install is named plainly."""

import shutil

from servicemap import bundled


def test_a_checkout_has_every_bundled_file():
    assert bundled.missing() == []
    assert bundled.path(bundled.MAP_FILE).is_file()
    assert bundled.path(bundled.ICON_ICO).stat().st_size > 1000


def test_each_missing_file_is_named_with_what_it_is_for(tmp_path):
    shutil.copytree(bundled.resources_dir(), tmp_path / "resources")
    (tmp_path / "resources" / bundled.FONT_FILES[1]).unlink()
    (tmp_path / "resources" / bundled.MAP_FILE).unlink()
    problems = bundled.missing(tmp_path / "resources")
    assert problems == [
        f"the bundled Kent and Medway map (kent_medway.json) is missing from "
        f"{tmp_path / 'resources'}",
        f"a font the exports use (fonts/LiberationSans-Bold.ttf) is missing from "
        f"{tmp_path / 'resources'}"]
    message = bundled.missing_message(problems)
    assert message.startswith("servicemap is incomplete: the bundled Kent and Medway map")
    assert message.endswith("Reinstall servicemap (or unpack the whole folder again).")
    assert "\n" not in message


def test_the_bundled_font_is_loaded_only_where_no_preferred_font_is_installed(qapp):
    from servicemap.render.app import fonts_to_load

    loaded = fonts_to_load({"Bitstream Charter", "Nimbus Roman"})
    assert [p.name for p in loaded] == ["LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf",
                                        "LiberationSans-Italic.ttf"]
    assert all(p.stat().st_size > 100_000 for p in loaded)
    assert fonts_to_load({"Arial", "Nimbus Roman"}) == []
    assert fonts_to_load({"DejaVu Sans"}) == []


def test_each_bundled_font_is_a_font_qt_reads(qapp):
    from PySide6.QtGui import QRawFont

    for name in bundled.FONT_FILES:  # read without adding it to this process's fonts
        font = QRawFont(str(bundled.path(name)), 12)
        assert font.isValid() and font.familyName() == "Liberation Sans"
