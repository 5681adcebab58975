"""Slow work off the GUI thread (Anki's ``QueryOp``, Orange's ``TaskState``).

``BackgroundTask(fn)`` runs ``fn(progress)`` on the global ``QThreadPool``; ``progress`` is
the core's Qt-free protocol. Results, errors and progress come back as signals delivered on
the GUI thread. ``cancel()`` asks the work to stop at its next progress step.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from migplan.core.errors import MigPlanError
from migplan.core.progress import CallbackProgress, Cancelled, Progress


class _Signals(QObject):
    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()


class _Runner(QRunnable):
    def __init__(
        self,
        fn: Callable[[Progress], Any],
        signals: _Signals,
        progress: CallbackProgress,
        what: str,
    ) -> None:
        super().__init__()
        self._what = what
        self._fn = fn
        self._signals = signals
        self._progress = progress

    def run(self) -> None:  # runs on a pool thread: only emit signals from here
        try:
            result = self._fn(self._progress)
        except Cancelled:
            self._emit(self._signals.cancelled)
        except MigPlanError as exc:
            self._emit(self._signals.failed, str(exc))
        except Exception as exc:  # one message, never a traceback; the traceback is logged
            from migplan.crashlog import unexpected

            self._emit(self._signals.failed, unexpected(exc, self._what))
        else:
            self._emit(self._signals.succeeded, result)

    @staticmethod
    def _emit(signal: Any, *args: object) -> None:
        # The task may have gone with its window while the work ran: nobody is left to tell.
        with suppress(RuntimeError):
            signal.emit(*args)


class BackgroundTask(QObject):
    """One run of ``fn``; connect to ``progressed``, ``succeeded``, ``failed``, ``cancelled``."""

    def __init__(
        self,
        fn: Callable[[Progress], Any],
        parent: QObject | None = None,
        what: str = "The task",
    ) -> None:
        """``what`` names the work in the message of an unforeseen failure ("Opening x")."""
        super().__init__(parent)
        # The signals object lives in the GUI thread, so queued connections deliver there.
        self._signals = _Signals(self)
        self.progressed = self._signals.progressed
        self.succeeded = self._signals.succeeded
        self.failed = self._signals.failed
        self.cancelled = self._signals.cancelled
        self._progress = CallbackProgress(self._signals.progressed.emit, rate=15)
        self._runner = _Runner(fn, self._signals, self._progress, what)
        self._runner.setAutoDelete(False)
        self.running = False
        for signal in (self.succeeded, self.failed, self.cancelled):
            signal.connect(self._on_done)

    def start(self) -> None:
        self.running = True
        QThreadPool.globalInstance().start(self._runner)

    def start_soon(self) -> None:
        """Running from now on, but handed to a worker once the window's thread has finished
        what it is doing (taking in an import of 100,000 workloads, say): the worker does not
        compete with it for the interpreter meanwhile."""
        self.running = True
        QTimer.singleShot(0, lambda: QThreadPool.globalInstance().start(self._runner))

    def cancel(self) -> None:
        self._progress.cancel()

    def _on_done(self, *args: object) -> None:
        self.running = False


def progress_dialog(
    task: BackgroundTask,
    parent: QWidget | None,
    title: str,
    label: str,
    name: str,
    *,
    cancellable: bool = True,
    describe: Callable[[str], str] | None = None,
) -> QProgressDialog:
    """A window-modal dialog that follows ``task``'s progress and keeps the plan from being
    edited meanwhile; it shows after 300 ms, so quick work shows nothing. Its Cancel (when
    ``cancellable``) cancels the task. ``describe`` turns a progress message into the label
    (by default the message itself; an empty one keeps the label)."""
    dialog = QProgressDialog(label, "Cancel" if cancellable else "", 0, 0, parent)
    dialog.setObjectName(name)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    if cancellable:
        dialog.canceled.connect(task.cancel)
    else:
        dialog.setCancelButton(None)  # type: ignore[arg-type]

    def progressed(done: int, total: int, message: str) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, total))
        text = describe(message) if describe is not None else message
        if text:
            dialog.setLabelText(text)

    task.progressed.connect(progressed)
    return dialog


@dataclass
class Outcome:
    """How a ``wait_for`` ended: a value, an error message, or cancelled by the user."""

    value: Any = None
    error: str | None = None
    cancelled: bool = False


def wait_for(
    fn: Callable[[Progress], Any],
    parent: QWidget,
    title: str,
    label: str,
    *,
    what: str = "The task",
    cancellable: bool = True,
) -> Outcome:
    """Run ``fn`` on a worker while the window's event loop keeps turning, and return how it
    ended: for work the caller needs before going on (opening, saving).

    The window repaints and answers; a window-modal progress dialog (after 300 ms, so quick
    work shows nothing) keeps the plan from being edited meanwhile and offers Cancel.
    """
    task = BackgroundTask(fn, parent, what)
    outcome = Outcome()
    loop = QEventLoop()
    dialog = progress_dialog(task, parent, title, label, "wait-progress", cancellable=cancellable)

    def ended(**what: Any) -> None:
        for key, value in what.items():
            setattr(outcome, key, value)
        loop.quit()

    task.succeeded.connect(lambda value: ended(value=value))
    task.failed.connect(lambda message: ended(error=message))
    task.cancelled.connect(lambda: ended(cancelled=True))
    task.start()
    loop.exec()
    if cancellable:
        dialog.canceled.disconnect(task.cancel)
    dialog.reset()
    dialog.deleteLater()
    return outcome
