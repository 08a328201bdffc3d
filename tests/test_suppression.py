"""Small-number suppression of exported flow numbers (no Qt)."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from servicemap.suppression import FOOTNOTE, UNSUPPRESSED_NOTE, footnote, label, suppress


@pytest.mark.parametrize(("count", "shown"), [
    (0, "0"), (1, "*"), (7, "*"), (8, "10"), (12, "10"), (13, "15"),
])
def test_rules_at_the_edges(count, shown):
    assert suppress(count) == shown


@pytest.mark.parametrize(("count", "shown"), [
    (2, "*"), (5, "*"), (10, "10"), (15, "15"), (17, "15"), (18, "20"), (22, "20"),
    (23, "25"), (1232, "1,230"), (1233, "1,235"), (12_000, "12,000"), (0.0, "0"),
    (7.4, "*"), (7.5, "10"), (0.2, "*"), (12.5, "15"), (1e6, "1,000,000"),
])
def test_rounding_to_the_nearest_five(count, shown):
    assert suppress(count) == shown


def test_no_suppressed_count_shows_as_five():
    """Counts from 1 to 7 are '*', so a published 5 would give a small number away."""
    assert {suppress(n) for n in range(1, 13)} == {"*", "10"}


def test_results_are_multiples_of_five_near_the_count():
    for n in range(8, 2000):
        shown = int(suppress(n).replace(",", ""))
        assert shown % 5 == 0 and abs(shown - n) <= 2.5


def test_unknown_count_shows_nothing():
    assert suppress(None) == ""
    assert label(None) == "" and label(None, suppressed=False) == ""


@pytest.mark.parametrize("bad", [-1, -0.5, math.nan, math.inf])
def test_impossible_counts_are_refused(bad):
    with pytest.raises(ValueError):
        suppress(bad)


def test_true_labels_match_the_canvas():
    assert label(12, suppressed=False) == "12"
    assert label(1200, suppressed=False) == "1,200"
    assert label(6.5, suppressed=False) == "6.5"
    assert label(12) == "10"


def test_footnote_says_what_was_done():
    assert footnote() == FOOTNOTE and "rounded to the nearest 5" in FOOTNOTE
    assert "* means 1 to 7" in FOOTNOTE
    assert footnote(False) == UNSUPPRESSED_NOTE and "not rounded" in UNSUPPRESSED_NOTE


def test_module_does_not_import_qt(child_env):
    code = "import sys, servicemap.suppression; sys.exit('PySide6' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], env=child_env).returncode == 0
