"""Autosave and crash recovery.

While a plan has unsaved changes, a copy is written every ``interval`` seconds to the
autosave folder (never over the user's file). A clean save or close removes it. When a plan
is opened and an autosave of it is newer than the file, the window offers to recover it.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer

from migplan.core.errors import MigPlanError
from migplan.gui.session import DocumentSession

UNTITLED = "untitled"


def default_autosave_dir() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".local" / "share" / "MigPlan") / "autosave"


def autosave_path(directory: Path, plan_path: Path | None) -> Path:
    """One autosave file per plan path (a hash keeps names short and safe)."""
    key = str(plan_path.resolve()) if plan_path else UNTITLED
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()
    stem = plan_path.stem[:40] if plan_path else UNTITLED
    return directory / f"{stem}-{digest}.migplan"


class Autosaver(QObject):
    def __init__(
        self, session: DocumentSession, directory: Path | None = None, interval_s: float = 60.0
    ) -> None:
        super().__init__(session)
        self._session = session
        self.directory = directory or default_autosave_dir()
        self.last_error = ""
        self._timer = QTimer(self)
        self._timer.setInterval(int(interval_s * 1000))
        self._timer.timeout.connect(self.autosave_in_background)
        #: The background write under way, if any (one at a time).
        self._writing: threading.Thread | None = None
        self._timer.start()
        session.undo_stack.cleanChanged.connect(self._on_clean_changed)
        # Temp files of autosaves a crash cut short (their writer is gone): cleaned at start.
        from migplan.io.atomic import sweep_stale

        sweep_stale(self.directory)

    @property
    def current_path(self) -> Path:
        return autosave_path(self.directory, self._session.path)

    def autosave_in_background(self) -> threading.Thread | None:
        """What the timer does: take a snapshot of the plan (milliseconds: entities are
        immutable) and serialise and write it on a worker thread, so the window never waits
        for it. Skipped while the previous write is still under way; the thread, or None."""
        if not self._session.modified or (self._writing and self._writing.is_alive()):
            return None
        snapshot = self._session.doc.snapshot()
        target = self.current_path
        directory = self.directory

        def write() -> None:
            from migplan.io.planfile import save_plan

            try:
                directory.mkdir(parents=True, exist_ok=True)
                save_plan(snapshot, target, keep_backup=False)
            except (OSError, MigPlanError) as exc:
                self.last_error = str(exc)
            except Exception as exc:  # never disturbs the user's work; logged for a report
                from migplan.crashlog import record

                record(exc, "autosave")
                self.last_error = f"{type(exc).__name__}: {exc}"
            else:
                self.last_error = ""

        thread = threading.Thread(target=write, name="migplan-autosave", daemon=True)
        self._writing = thread
        thread.start()
        return thread

    def autosave_now(self) -> Path | None:
        """Write the autosave copy now, on this thread, if there are unsaved changes; return
        where, or None (after a recovery, and in tests; the timer writes in the background)."""
        if not self._session.modified:
            return None
        from migplan.io.planfile import save_plan

        target = self.current_path
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            save_plan(self._session.doc, target, keep_backup=False)
        except (OSError, MigPlanError) as exc:
            # An autosave that fails must never disturb the user's work; keep the reason.
            self.last_error = str(exc)
            return None
        self.last_error = ""
        return target

    def discard(self, plan_path: Path | None = None) -> None:
        """Forget the autosave of ``plan_path`` (default: the current plan). A write still
        under way is waited for first, so that it cannot bring the copy back afterwards."""
        if self._writing is not None and self._writing.is_alive():
            self._writing.join(timeout=30)
        target = (
            autosave_path(self.directory, plan_path) if plan_path is not None else self.current_path
        )
        target.unlink(missing_ok=True)

    def recoverable(self, plan_path: Path) -> Path | None:
        """An autosave of ``plan_path`` newer than the file itself, if there is one."""
        candidate = autosave_path(self.directory, plan_path)
        try:
            if candidate.stat().st_mtime > plan_path.stat().st_mtime:
                return candidate
        except OSError:
            return None
        return None

    def untitled(self) -> Path | None:
        """The autosave of a plan never saved, if there is one."""
        candidate = autosave_path(self.directory, None)
        return candidate if candidate.is_file() else None

    def _on_clean_changed(self, clean: bool) -> None:
        if clean:
            self.discard()
