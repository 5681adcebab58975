"""A Qt-free progress and cancel protocol for slow core and io work (Orange's ``TaskState``).

Slow functions take a ``Progress`` and call ``progress.step(done, total, message)`` now and
then; the call raises ``Cancelled`` when the user asked to stop. The GUI passes an object that
forwards to a progress dialog; headless callers pass ``NullProgress()``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

from migplan.core.errors import MigPlanError


class Cancelled(MigPlanError):
    """The user cancelled; whatever was being built is discarded."""

    def __init__(self, message: str = "cancelled by the user") -> None:
        super().__init__(message)


class Progress(Protocol):
    def step(self, done: int, total: int, message: str = "") -> None: ...

    @property
    def cancelled(self) -> bool: ...


class NullProgress:
    """Reports nowhere and is never cancelled."""

    cancelled = False

    def step(self, done: int, total: int, message: str = "") -> None:
        return None


class CallbackProgress:
    """Thread-safe progress that forwards at most ``rate`` reports per second to ``callback``.

    ``cancel()`` may be called from any thread; the worker sees it at its next ``step``.
    """

    def __init__(
        self, callback: Callable[[int, int, str], None] | None = None, rate: float = 20.0
    ) -> None:
        self._callback = callback
        self._event = threading.Event()
        self._interval = 1.0 / rate if rate > 0 else 0.0
        self._last = 0.0

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def step(self, done: int, total: int, message: str = "") -> None:
        if self._event.is_set():
            raise Cancelled()
        if self._callback is None:
            return
        now = time.monotonic()
        if now - self._last >= self._interval or done >= total:
            self._last = now
            self._callback(done, total, message)
