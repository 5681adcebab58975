"""The live analysis of the open plan: one core ``Assessment`` kept up to date after every
command, which the wave table, the risk panel and the validation list read."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from migplan.core.assess.assessment import Assessment
from migplan.core.changes import ChangeSummary
from migplan.gui.session import DocumentSession


class AnalysisService(QObject):
    """Refreshes the assessment incrementally from each change summary.

    ``updated`` carries the set of wave ids whose risk changed (all of them after a rebuild).
    The refresh runs on the GUI thread: moving one workload at 10,000 workloads takes tens of
    milliseconds (tests/benchmarks/bench_rescore.py), a full rebuild about a second.
    """

    updated = Signal(object)
    #: Everything was recomputed (a new plan, or a structural edit): per-workload results
    #: such as fit and class may have changed for any workload.
    rebuilt = Signal()

    def __init__(self, session: DocumentSession) -> None:
        super().__init__(session)
        self._session = session
        self.assessment: Assessment | None = None
        session.reset.connect(self._on_session_reset)
        session.changed.connect(self._on_session_changed)
        self._on_session_reset()

    def _on_session_reset(self) -> None:
        self.assessment = Assessment(self._session.doc)
        self.rebuilt.emit()
        self.updated.emit(set(self.assessment.risks))

    def _on_session_changed(self, summary: ChangeSummary) -> None:
        if self.assessment is None or self.assessment.doc is not self._session.doc:
            self._on_session_reset()
            return
        changed = self.assessment.refresh(summary)
        if _structural(summary):
            self.rebuilt.emit()
        self.updated.emit(changed)


def _structural(summary: ChangeSummary) -> bool:
    """Edits after which any workload's fit or class may change (the graph or settings)."""
    from migplan.core.enums import EntityKind

    if summary.settings or summary.structural(EntityKind.WORKLOAD):
        return True
    return any(
        summary.touches(k)
        for k in (EntityKind.DEPENDENCY, EntityKind.APPLICATION, EntityKind.EXTERNAL)
    )
