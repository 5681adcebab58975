"""Pausing the cyclic garbage collector around bulk work, and keeping its later passes short.

Imports and assessments allocate millions of small acyclic objects (cells, rows, keys,
numbers); each allocation burst triggers a full collection that walks every object alive,
the whole plan included, which made a 300,000-row import three times slower and rebuilds of
a 10k-workload assessment markedly slower. Nothing built there forms cycles, so pausing the
collector for the duration is safe; it is re-enabled (if it was on) even on error.

The collector is one for the whole process, and a collection holds the interpreter lock: a
worker's full collection over a 100,000-workload plan froze the window for 0.4-0.7 s (issue
11, point 5). So pauses nest across threads (the collector comes back when the last one
ends), and bulk work ends with ``gc.freeze()``: what it built and kept (a plan, an index) is
long-lived, and later collections no longer walk it. Objects frozen are still freed by
reference counting when dropped; only cycles among them would outlive their use, so bulk
work freezes only when it succeeded: a failed or cancelled import leaves its readers (which
hold temporary files and threads) in cycles with the exception, and those must stay
collectable. Without the freeze, the first collection after a pause walks everything the
pause allocated: 0.56 s with the window waiting, after reading 100,000 rows.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False
_freeze = False


@contextmanager
def gc_paused(freeze: bool = False) -> Iterator[None]:
    """No collections while the block runs (in any thread); ``freeze`` after bulk work."""
    global _depth, _was_enabled, _freeze
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            _freeze = False
            gc.disable()
        _depth += 1
    succeeded = False
    try:
        yield
        succeeded = True
    finally:
        with _lock:
            # Only after success: a failed or cancelled run leaves cycles (a traceback and
            # its frames, readers holding temporary files) that must stay collectable.
            _freeze = _freeze or (freeze and succeeded)
            _depth -= 1
            if _depth == 0:
                if _freeze:
                    gc.freeze()
                if _was_enabled:
                    gc.enable()
