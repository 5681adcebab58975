"""The line a save adds to the plan's log of saved versions (``core.metadata``).

What changed is the compare's one-line summary against the file on disk when that file is
small enough to read in a blink; otherwise (a new file, a big plan, an unreadable one) the
names of the undo steps since the last save.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from migplan.core.metadata import current_user, now
from migplan.core.settings import PlanSettings
from migplan.gui.session import DocumentSession

#: Files up to this size are read again to say what changed (about 0.1 s at 4 MB).
DIFF_UP_TO_BYTES = 4 * 1024 * 1024
#: The QSettings key of the name saves are recorded under (else the system's user name).
AUTHOR_KEY = "author"


def with_saved_version(session: DocumentSession, path: Path, settings: QSettings) -> PlanSettings:
    """The open plan's settings with one more saved version, saved now to ``path``."""
    author = str(settings.value(AUTHOR_KEY, "") or "") or current_user()
    summary = _against_disk(session, path) or _undo_steps(session)
    if not summary:
        first = not session.doc.settings.metadata.changes
        summary = "First save" if first else "Saved without changes"
    meta = session.doc.settings.metadata.saved(now(), author, summary)
    return session.doc.settings.with_changes(metadata=meta)


def _against_disk(session: DocumentSession, path: Path) -> str:
    from migplan.core.diff import compare
    from migplan.core.errors import MigPlanError
    from migplan.io.planfile import parse_plan

    if session.path is None or path.resolve() != session.path.resolve():
        return ""
    try:
        if path.stat().st_size > DIFF_UP_TO_BYTES:
            return ""
        # parse_plan, not load_plan: the old version is dropped at once (load_plan freezes
        # what it reads for the collector, a plan being long-lived).
        on_disk = parse_plan(path.read_bytes(), path)
    except (OSError, MigPlanError):
        return ""
    summary = compare(on_disk, session.doc, risk=False).summary()
    return "" if summary == "No differences" else summary


def _undo_steps(session: DocumentSession) -> str:
    stack = session.undo_stack
    clean, index = stack.cleanIndex(), stack.index()
    if clean < 0:
        clean = 0
    if clean <= index:
        labels = [stack.text(i) for i in range(clean, index)]
    else:
        labels = [f"Undo {stack.text(i)}" for i in reversed(range(index, clean))]
    labels = [label for label in labels if label]
    if len(labels) > 5:
        labels = [*labels[:4], f"and {len(labels) - 4} more steps"]
    return "; ".join(labels)
