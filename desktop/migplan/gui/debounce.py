"""Work done once a burst of changes is over: a single-shot timer that ``start()`` restarts."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


def debounced(parent: QObject, ms: int, slot: Callable[[], object]) -> QTimer:
    """A timer, owned by ``parent``, that calls ``slot`` ``ms`` after its last ``start()``:
    ten edits in a row cost one ``slot``, not ten."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(ms)
    timer.timeout.connect(slot)
    return timer
