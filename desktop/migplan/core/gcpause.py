"""Pausing the cyclic garbage collector around bulk work.

Imports and assessments allocate millions of small acyclic objects (cells, rows, keys,
numbers); each allocation burst triggers a full collection that walks every object alive,
the whole plan included, which made a 300,000-row import three times slower and rebuilds of
a 10k-workload assessment markedly slower. Nothing built there forms cycles, so pausing the
collector for the duration is safe; it is re-enabled (if it was on) even on error.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
