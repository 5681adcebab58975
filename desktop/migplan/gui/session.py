"""One open plan: the document, its file, its undo stack, and the signal views listen to."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from migplan.core.changes import ChangeSummary
from migplan.core.commands import Command
from migplan.core.document import PlanDocument
from migplan.gui.undo import CoreUndoCommand


class DocumentSession(QObject):
    """Views read ``doc`` and refresh on ``changed``; they never keep state of their own.

    ``reset`` is emitted when a different document is loaded (views rebuild everything).
    """

    changed = Signal(object)  # ChangeSummary
    reset = Signal()
    path_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.doc = PlanDocument()
        self.path: Path | None = None
        self.undo_stack = QUndoStack(self)

    def execute(self, command: Command) -> ChangeSummary:
        """Apply ``command`` as one undoable step. Raises ``CommandError`` (nothing changes)."""
        result = self.doc.apply(command)
        self.undo_stack.push(CoreUndoCommand(self.doc, command, self._emit, result))
        return result[1]

    def _emit(self, summary: ChangeSummary) -> None:
        self.changed.emit(summary)

    def replace(self, doc: PlanDocument, path: Path | None) -> None:
        self.doc = doc
        self.path = path
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.reset.emit()
        self.path_changed.emit()

    def mark_saved(self, path: Path) -> None:
        self.path = path
        self.undo_stack.setClean()
        self.path_changed.emit()

    def mark_recovered(self) -> None:
        """The document holds recovered changes that are not in its file: make it dirty
        (an empty macro on the stack, so Undo has nothing surprising to undo)."""
        self.undo_stack.beginMacro("Recover unsaved changes")
        self.undo_stack.endMacro()
        self.undo_stack.setClean()
        self.undo_stack.resetClean()
        self.path_changed.emit()

    @property
    def modified(self) -> bool:
        return not self.undo_stack.isClean()

    @property
    def display_name(self) -> str:
        return self.path.name if self.path else "Untitled"
