"""The collector's pause around bulk work (core/gcpause.py, issue 11 point 5)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from migplan.core.gcpause import gc_paused


@pytest.fixture(autouse=True)
def thawed() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.enable()


def test_pauses_nest_across_threads_and_the_last_one_out_turns_it_back_on() -> None:
    inner_in, inner_out = threading.Event(), threading.Event()

    def worker() -> None:
        with gc_paused():
            inner_in.set()
            assert inner_out.wait(10)

    thread = threading.Thread(target=worker)
    with gc_paused():
        thread.start()
        assert inner_in.wait(10)
    # The window's pause ended first: the worker's still holds.
    assert not gc.isenabled()
    inner_out.set()
    thread.join(10)
    assert gc.isenabled()


def test_bulk_work_that_succeeds_is_frozen_and_failed_work_stays_collectable() -> None:
    with gc_paused(freeze=True):
        kept = [object() for _ in range(100)]
    assert gc.get_freeze_count() > len(kept)
    gc.unfreeze()
    with pytest.raises(RuntimeError), gc_paused(freeze=True):
        raise RuntimeError("cancelled")
    assert gc.get_freeze_count() == 0 and gc.isenabled()
