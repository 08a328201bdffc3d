"""The one pause of the cyclic garbage collector: off inside, back as it was after, also
after an error, when nested and when used as a decorator."""

from __future__ import annotations

import gc

import pytest

from servicemap.gcpause import gc_paused


@pytest.fixture(autouse=True)
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_off_inside_and_on_again_after():
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_still_switches_it_back_on():
    with pytest.raises(ValueError), gc_paused():
        raise ValueError("refused")
    assert gc.isenabled()


def test_nested_pauses_leave_it_off_until_the_outer_one_ends():
    with gc_paused():
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off():
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()


def test_as_a_decorator_each_call_pauses():
    seen = []

    @gc_paused()
    def measure(x):
        seen.append(gc.isenabled())
        return x * 2

    assert measure(2) == 4 and measure(3) == 6
    assert seen == [False, False] and gc.isenabled()


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_a_shown_map_is_frozen_after_a_full_collection_and_freed_after_the_next_map():
    import weakref

    from servicemap.gcpause import freeze_after_next_full_collection

    try:
        old_map = _Cycle()
        freeze_after_next_full_collection()  # the map is shown
        assert gc.get_freeze_count() == 0  # nothing frozen until a full collection has run
        gc.collect()
        assert gc.get_freeze_count() > 0
        frozen = gc.get_freeze_count()
        gc.collect()
        assert gc.get_freeze_count() == frozen  # once per map shown
        gone = weakref.ref(old_map)
        del old_map  # the map closed: a cycle the frozen collector does not look at
        gc.collect()
        assert gone() is not None
        freeze_after_next_full_collection()  # the next map shown: the old one is collected
        gc.collect()
        assert gone() is None
    finally:
        gc.unfreeze()


def test_a_large_map_is_frozen_as_it_is_shown_without_a_full_collection():
    from servicemap.gcpause import freeze_after_next_full_collection

    try:
        gc.unfreeze()
        made = [[i] for i in range(1000)]  # a large map's records, alive while it is shown
        collections = gc.get_stats()[2]["collections"]
        freeze_after_next_full_collection(at_once=True)
        assert gc.get_freeze_count() >= len(made)  # out of every later collection's sight
        assert gc.get_stats()[2]["collections"] == collections  # none run to get there
        gc.collect()
        frozen = gc.get_freeze_count()
        gc.collect()
        assert gc.get_freeze_count() == frozen  # not frozen again after the next one
    finally:
        gc.unfreeze()
