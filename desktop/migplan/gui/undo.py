"""The thin Qt wrapper around core commands (Orange's pattern): a ``QUndoCommand`` that
applies a core command on redo and its inverse on undo."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from migplan.core.changes import ChangeSummary
from migplan.core.commands import Command
from migplan.core.document import PlanDocument


class CoreUndoCommand(QUndoCommand):
    """Pushing it applies the command; ``notify`` tells the session what changed each time."""

    def __init__(
        self,
        doc: PlanDocument,
        command: Command,
        notify: Callable[[ChangeSummary], None],
        first_result: tuple[Command, ChangeSummary],
    ) -> None:
        super().__init__(command.label)
        self._doc = doc
        self._notify = notify
        # The command was already applied by the session (so a refused command never reaches
        # the stack); the first redo() that QUndoStack.push makes only reports it.
        self._inverse, self._first_summary = first_result
        self._redo_command: Command | None = None

    def redo(self) -> None:
        if self._first_summary is not None:
            summary, self._first_summary = self._first_summary, None
            self._notify(summary)
            return
        assert self._redo_command is not None
        self._inverse, summary = self._doc.apply(self._redo_command)
        self._notify(summary)

    def undo(self) -> None:
        self._redo_command, summary = self._doc.apply(self._inverse)
        self._notify(summary)
