"""The live analysis of the open plan: one core ``Assessment`` kept up to date after every
command, which the wave table, the risk panel and the validation list read."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from migplan.core.assess.assessment import Assessment
from migplan.core.changes import ChangeSummary
from migplan.core.document import PlanDocument
from migplan.core.progress import Progress
from migplan.gui.session import DocumentSession
from migplan.gui.tasks import BackgroundTask, progress_dialog

#: Plans at least this large are assessed off the GUI thread when opened (about a second
#: and a half at 10,000 workloads would otherwise freeze the window).
ASYNC_WORKLOADS = 3000


class AnalysisService(QObject):
    """Refreshes the assessment incrementally from each change summary.

    ``updated`` carries the set of wave ids whose risk changed (all of them after a rebuild).
    A refresh of the workloads touched runs on the GUI thread: moving one workload at 10,000
    workloads takes tens of milliseconds (tests/benchmarks/bench_rescore.py). A full rebuild
    (about a second per 10,000 workloads) of a plan of ``async_workloads`` or more runs on a
    worker behind a progress dialog, after opening as after an import or a settings change.
    """

    updated = Signal(object)
    #: Everything was recomputed (a new plan, or a structural edit): per-workload results
    #: such as fit and class may have changed for any workload.
    rebuilt = Signal()

    def __init__(
        self,
        session: DocumentSession,
        dialog_parent: QWidget | None = None,
        async_workloads: int = ASYNC_WORKLOADS,
    ) -> None:
        super().__init__(session)
        self._session = session
        self._dialog_parent = dialog_parent
        self.async_workloads = async_workloads
        self.assessment: Assessment | None = None
        #: The background build of a newly opened plan, while it runs.
        self.task: BackgroundTask | None = None
        self._stale = False
        session.reset.connect(self._on_session_reset)
        session.changed.connect(self._on_session_changed)
        self._on_session_reset()

    @property
    def building(self) -> bool:
        return self.task is not None and self.task.running

    def current_for(self, doc: PlanDocument) -> Assessment | None:
        """The assessment when it describes ``doc`` as it is now, else None."""
        assessment = self.assessment
        if assessment is not None and assessment.doc is doc and assessment.revision == doc.revision:
            return assessment
        return None

    def _on_session_reset(self) -> None:
        doc = self._session.doc
        if len(doc.workloads) < self.async_workloads:
            self._install(Assessment(doc))
            return
        self.assessment = None
        self._stale = False
        self.rebuilt.emit()
        self.updated.emit(set())
        self._build_in_background(doc)

    def _build_in_background(self, doc: PlanDocument) -> None:
        """Assess ``doc`` on a pool thread behind a window-modal progress dialog, so the window
        repaints but nothing can edit the plan while the worker reads it."""

        def work(progress: Progress) -> Assessment:
            return Assessment(doc, progress)

        task = BackgroundTask(work, self)
        dialog = progress_dialog(
            task,
            self._dialog_parent,
            "Assessing",
            "Assessing the plan…",
            "analysis-progress",
            cancellable=False,
            describe=lambda message: f"Assessing the plan: {message}…",
        )

        def finished(result: object) -> None:
            dialog.reset()
            if self._session.doc is not doc:
                return  # another plan was opened meanwhile; its own build takes over
            assessment = result if isinstance(result, Assessment) else Assessment(doc)
            if self._stale:
                assessment.refresh(None)  # edited while building: bring it up to date
            self._install(assessment)

        task.succeeded.connect(finished)
        # A worker that tripped over a concurrent edit is simply redone here.
        task.failed.connect(lambda _msg: finished(None))
        self.task = task
        task.start_soon()

    def _install(self, assessment: Assessment) -> None:
        self.assessment = assessment
        self._stale = False
        self.rebuilt.emit()
        self.updated.emit(set(assessment.risks))

    def _on_session_changed(self, summary: ChangeSummary) -> None:
        if self.building:
            self._stale = True
            return
        if self.assessment is None or self.assessment.doc is not self._session.doc:
            self._on_session_reset()
            return
        if len(
            self._session.doc.workloads
        ) >= self.async_workloads and self.assessment.needs_rebuild(summary):
            # An import, or a change of settings, on a large plan: seconds of work, done
            # behind the same progress as opening it, never on the window's thread.
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
