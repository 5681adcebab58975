"""``Assessment``: every analysis of a plan, cached, and refreshed incrementally after edits.

The GUI keeps one ``Assessment`` per document and calls ``refresh(summary)`` with the change
summary of each command. What it recomputes:

* workload class, fit, disposition and static risk factors only for workloads whose entity
  object changed (entities are immutable, so identity tells);
* the plan-wide arrays (wave ranks, link loads, contextual factors, coupling) in place, with
  numpy: a few milliseconds at 10,000 workloads and 50,000 dependencies;
* violations, with per-edge violations memoised;
* ``PhaseRisk`` objects (the explanations) only for the waves whose numbers changed or that
  gained or lost workloads.

Edits of waves that keep their order (names, dates, windows) only re-evaluate. Anything
else structural (dependencies, applications or waves added, removed or reordered; settings;
workloads added or removed; a change of shared-service class) rebuilds, reusing what is still
valid: fit and disposition of unchanged workload objects, their class when the graph did not
change, their static factors, and the edge arrays when dependencies and workloads did not
change. A full assessment takes about two seconds at 10,000 workloads; the rebuilds after
adding a wave or a dependency a fraction of that (tests/benchmarks/bench_rescore.py).
"""

from __future__ import annotations

import numpy as np

from migplan.core.assess.bridges import (
    PhaseBridges,
    PhaseLoads,
    phase_bridges_at,
    phase_loads,
)
from migplan.core.assess.capacity_use import DimensionUse, capacity_use
from migplan.core.assess.classify import (
    ClassFinding,
    GraphEvidence,
    classify_workload,
    graph_evidence,
)
from migplan.core.assess.fit import FitResult, assess_fit, effective_disposition
from migplan.core.assess.index import BoolArray, IntArray, PlanIndex
from migplan.core.assess.risk import GATING_RULES, PhaseRisk, build_phase_risk, with_link_peak
from migplan.core.assess.risk_arrays import PhaseArrays, phase_arrays
from migplan.core.assess.risk_factors import (
    StaticArrays,
    WorkloadStatic,
    plan_scores,
    static_factors,
)
from migplan.core.assess.risk_rubrics import RiskModel
from migplan.core.assess.validate import (
    EdgeMemo,
    Violation,
    gpu_problem,
    gpu_problems,
    validate_index,
)
from migplan.core.changes import ChangeSummary
from migplan.core.document import PlanDocument
from migplan.core.enums import DispositionKind, EntityKind, WorkloadClass
from migplan.core.gcpause import gc_paused
from migplan.core.ids import WaveId, WorkloadId
from migplan.core.models import Workload
from migplan.core.progress import NullProgress, Progress
from migplan.core.target import Phase, phase_capacity

_STRUCTURAL = (EntityKind.DEPENDENCY, EntityKind.APPLICATION, EntityKind.WAVE, EntityKind.EXTERNAL)


class Assessment:
    """Class, fit, disposition, violations, link loads and phase risk of one document."""

    def __init__(self, doc: PlanDocument, progress: Progress | None = None) -> None:
        """Assess ``doc`` in full; ``progress`` is told how far it got and may cancel."""
        self.doc = doc
        self._progress: Progress = progress or NullProgress()
        self.classes: dict[WorkloadId, ClassFinding] = {}
        self.fits: dict[WorkloadId, FitResult] = {}
        self.dispositions: dict[WorkloadId, DispositionKind] = {}
        self.violations: list[Violation] = []
        self.risks: dict[WaveId, PhaseRisk] = {}
        self.revision = -1
        self._target: tuple[int, list[Phase]] | None = None
        #: Workload id -> (entity, (class, disposition, GPU pools), static factors).
        self._static_of: dict[WorkloadId, tuple[Workload, tuple[object, ...], WorkloadStatic]] = {}
        self._rebuild()
        self._progress = NullProgress()  # later rebuilds run inside refresh(), unreported

    # -- public -------------------------------------------------------------------------

    def refresh(self, summary: ChangeSummary | None = None) -> set[WaveId]:
        """Bring the results up to date with ``doc``; return the waves whose risk changed.

        Without a summary (or after a structural change) everything is recomputed.
        """
        with gc_paused():
            return self._refresh(summary)

    def needs_rebuild(self, summary: ChangeSummary | None) -> bool:
        """Whether ``refresh(summary)`` recomputes everything (about a second per 10,000
        workloads) rather than the workloads touched (milliseconds): the window runs the
        former off its thread."""
        if summary is None:
            return True
        if self._waves_edited_in_place(summary):
            return False
        if summary.settings or any(summary.touches(k) for k in _STRUCTURAL):
            return True
        if summary.structural(EntityKind.WORKLOAD):
            return True
        # A workload moved between applications: dependencies on applications now reach
        # other workloads.
        moved_app = "application_id" in summary.fields.get(EntityKind.WORKLOAD, set())
        return moved_app and bool(self.index.app_edges)

    def _refresh(self, summary: ChangeSummary | None) -> set[WaveId]:
        if summary is not None and self._waves_edited_in_place(summary):
            self._take_in_wave_edits()
            return self._evaluate(set(range(1, self.index.k + 1)))
        if self.needs_rebuild(summary):
            self._rebuild(summary)
            return set(self.risks)
        assert summary is not None  # needs_rebuild(None) is True
        changed: list[Workload] = []
        for raw in summary.ids(EntityKind.WORKLOAD):
            wid = WorkloadId(raw)
            wl = self.doc.workloads.get(wid)
            if wl is not None and wl is not self._seen.get(wid):
                changed.append(wl)
        if not changed:
            self.revision = self.doc.revision
            return set()
        old_ranks = {int(self.index.rank[self.index.pos[w.id]]) for w in changed}
        for wl in changed:
            if self._assess_workload(wl):
                self._rebuild(summary)  # a shared service appeared or went: edges change
                return set(self.risks)
        self.index.update(changed, self.dispositions, self.classes)
        for wl in changed:  # names or fields in cached edge messages may have changed
            for e in self.index.incident(self.index.pos[wl.id]):
                self._memo.pop(e, None)
        for wl in changed:
            i = self.index.pos[wl.id]
            self.static.set(i, self._statics(wl))
            self._gpu.pop(i, None)
            why = gpu_problem(wl, self.dispositions[wl.id], self.doc)
            if why:
                self._gpu[i] = why
        new_ranks = {int(self.index.rank[self.index.pos[w.id]]) for w in changed}
        return self._evaluate(old_ranks | new_ranks | self._neighbour_ranks(changed))

    @property
    def loads(self) -> PhaseLoads:
        """Hybrid-link load and crossing counts per phase (index = wave rank)."""
        return self._loads

    def capacity_use(self, wave: WaveId) -> tuple[DimensionUse, ...]:
        """How full ``wave`` is per capacity dimension (the CAPACITY rule's numbers)."""
        return capacity_use(self.index, self.index.wave_rank[wave])

    def target_phases(self) -> list[Phase]:
        """The target after each wave (``core.target``) from this assessment's dispositions
        and classes; computed once per document revision and shared by every view."""
        if self._target is None or self._target[0] != self.doc.revision:
            classes = {w: c.workload_class.value for w, c in self.classes.items()}
            phases = phase_capacity(self.doc, self.dispositions, classes)
            self._target = (self.doc.revision, phases)
        return self._target[1]

    def violations_of(self, wave: WaveId) -> list[Violation]:
        """The violations that involve ``wave`` (the rules a wave's risk panel lists)."""
        return [v for v in self.violations if wave in v.wave_ids]

    def shared_ids(self) -> set[WorkloadId]:
        """Workloads classed shared services (by evidence or by the user), a new set."""
        return {w for w, c in self.classes.items() if c.workload_class is _SHARED}

    def evidence_class(self, wid: WorkloadId) -> ClassFinding:
        """The class the evidence gives ``wid``, ignoring a class the user set (so the window
        can show both: what was chosen, and what the inventory and the graph say)."""
        wl = self.doc.workloads[wid]
        if wl.workload_class is None:
            return self.classes[wid]
        return classify_workload(wl.model_copy(update={"workload_class": None}), self._evidence)

    def bridges_of(self, wave: WaveId) -> PhaseBridges:
        """The dependencies crossing platforms at the end of ``wave``, with the link load."""
        return phase_bridges_at(self.doc, self.index, self._loads, self.index.wave_rank[wave])

    # -- internals ----------------------------------------------------------------------

    def _waves_edited_in_place(self, summary: ChangeSummary) -> bool:
        """Whether ``summary`` only edits waves that keep their order (names, dates,
        windows, notes); changes nothing, so ``needs_rebuild`` may ask it too."""
        if summary.settings or summary.kinds != {EntityKind.WAVE}:
            return False
        if summary.structural(EntityKind.WAVE) or "order" in summary.fields.get(
            EntityKind.WAVE, {"order"}
        ):
            return False
        # A rename may reorder waves of equal order.
        return [w.id for w in self.doc.waves_in_order()] == [w.id for w in self.index.waves]

    def _take_in_wave_edits(self) -> None:
        """Take in edits of waves that keep their order (``_waves_edited_in_place``)."""
        self.index.waves = self.doc.waves_in_order()
        self._memo.clear()  # edge messages name waves
        self._signatures.clear()

    def _neighbour_ranks(self, changed: list[Workload]) -> set[int]:
        """Waves of the workloads sharing an edge with ``changed``: their crossings change."""
        index = self.index
        edges = [e for wl in changed for e in index.incident(index.pos[wl.id])]
        if not edges:
            return set()
        ra, rb = index.edge_ranks()
        return set(ra[edges].tolist()) | set(rb[edges].tolist())

    def _rebuild(self, summary: ChangeSummary | None = None) -> None:
        with gc_paused(freeze=True):
            self._rebuild_all(summary)

    def _rebuild_all(self, summary: ChangeSummary | None) -> None:
        """Recompute everything, reusing per-workload results ``summary`` leaves valid.

        Fit and disposition depend only on the workload object, so an unchanged object keeps
        them; its class also depends on the dependency graph; its static risk factors also
        on its class and the GPU pools. Edge arrays are reused when neither the dependencies
        nor the set of workloads, applications or shared services changed.
        """
        doc = self.doc
        workloads_same = summary is not None and not summary.structural(EntityKind.WORKLOAD)
        graph_same = (
            workloads_same
            and not summary.touches(EntityKind.DEPENDENCY)  # type: ignore[union-attr]
            and not summary.touches(EntityKind.EXTERNAL)  # type: ignore[union-attr]
        )
        if not graph_same or not hasattr(self, "_evidence"):
            self._evidence: GraphEvidence = graph_evidence(doc)
        old_seen = self._seen if summary is not None and hasattr(self, "_seen") else {}
        old_classes, old_fits = self.classes, self.fits
        self._seen: dict[WorkloadId, Workload] = {}
        self.classes, self.fits, self.dispositions = {}, {}, {}
        self.model = RiskModel(doc.settings.risk)
        total = len(doc.workloads)
        for n, wl in enumerate(doc.workloads.values()):
            if n % 1000 == 0:
                self._progress.step(n, 2 * total, "assessing workloads")
            if old_seen.get(wl.id) is wl:
                fit = old_fits[wl.id]
                found = old_classes[wl.id] if graph_same else classify_workload(wl, self._evidence)
                self._store(wl, found, fit)
            else:
                self._assess_workload(wl)
        shared = self.shared_ids()
        old_index = getattr(self, "index", None)
        reuse = (
            graph_same
            and old_index is not None
            and not (old_index.app_edges and summary.touches(EntityKind.APPLICATION))  # type: ignore[union-attr]
            and not (
                old_index.app_edges
                and "application_id" in summary.fields.get(EntityKind.WORKLOAD, set())  # type: ignore[union-attr]
            )
        )
        self.index = PlanIndex(
            doc, self.dispositions, shared, old_index if reuse else None, self.classes
        )
        self._app_owned: list[bool] = []
        old_statics = self._static_of if summary is not None else {}
        self._static_of = {}
        pools = doc.settings.gpu_pools
        statics: list[WorkloadStatic] = []
        for i, wid in enumerate(self.index.ids):
            if i % 1000 == 0:
                self._progress.step(total + i, 2 * total, "scoring risk factors")
            wl = doc.workloads[wid]
            key = (self.classes[wid], self.dispositions[wid], pools)
            cached = old_statics.get(wid)
            if cached is not None and cached[0] is wl and cached[1] == key:
                static = cached[2]
            else:
                static = self._statics(wl)
            self._static_of[wid] = (wl, key, static)
            statics.append(static)
        self.static = StaticArrays.build(statics)
        self._memo: EdgeMemo = {}
        self._gpu: dict[int, str] = gpu_problems(doc, self.index, self.dispositions)
        self._signatures: dict[int, tuple[tuple[object, ...], float]] = {}
        self.risks = {}
        self._evaluate(set(range(1, self.index.k + 1)))
        self._progress.step(2 * total, 2 * total, "assessed")

    def _store(self, wl: Workload, found: ClassFinding, fit: FitResult) -> None:
        self.classes[wl.id] = found
        self.fits[wl.id] = fit
        self.dispositions[wl.id] = effective_disposition(wl, fit)
        self._seen[wl.id] = wl

    def _assess_workload(self, wl: Workload) -> bool:
        """Refresh class, fit and disposition of ``wl``; True if its shared-ness changed."""
        before = self.classes.get(wl.id)
        found = classify_workload(wl, self._evidence)
        self._store(wl, found, assess_fit(wl))
        was = before is not None and before.workload_class is _SHARED
        return before is not None and was != (found.workload_class is _SHARED)

    def _statics(self, wl: Workload) -> WorkloadStatic:
        return static_factors(
            wl, self.fits[wl.id], self.dispositions[wl.id], self.classes[wl.id], self.doc.settings
        )

    def _owned(self) -> BoolArray:
        """Per workload: its application names an owner (the workload then needs none).

        Applications change only by structural edits, which rebuild the index and empty
        ``_app_owned``; an edit can only add application codes to the index.
        """
        apps, codes, known = self.doc.applications, self.index.apps, self._app_owned
        known += [bool(apps[a].owner.strip()) if a in apps else False for a in codes[len(known) :]]
        return np.array([*known, False], dtype=np.bool_)[self.index.app]  # -1: no application

    def _evaluate(self, touched: set[int]) -> set[WaveId]:
        doc, index = self.doc, self.index
        self._loads = phase_loads(index)
        self.scores: IntArray = plan_scores(index, self.static, self.model, doc.settings)
        self.arrays: PhaseArrays = phase_arrays(
            index, self.scores, self.static, self.model, doc.settings, self._loads,
            self._owned(),
        )  # fmt: skip
        self.violations = validate_index(
            doc, index, self._loads, self.dispositions, self._memo, self._gpu
        )
        gating = [v for v in self.violations if v.rule_id in GATING_RULES]
        gated: dict[WaveId, list[Violation]] = {}
        for v in gating:
            for w in v.wave_ids:
                gated.setdefault(w, []).append(v)
        members = index.members()
        changed: set[WaveId] = set()
        for rank, wave in enumerate(index.waves, start=1):
            sig = (*self.arrays.signature(rank), *gated.get(wave.id, ()))
            peak = float(self.arrays.peaks[rank])
            old = self._signatures.get(rank)
            self._signatures[rank] = (sig, peak)
            if rank not in touched and old is not None and old[0] == sig and wave.id in self.risks:
                if old[1] != peak:  # only the link sentence changes
                    risk = with_link_peak(self.risks[wave.id], doc, index, self.arrays, self.model)
                    if risk != self.risks[wave.id]:
                        self.risks[wave.id] = risk
                        changed.add(wave.id)
                continue
            self.risks[wave.id] = build_phase_risk(
                doc, index, self.scores, self.arrays, self.model, rank, members[rank],
                gating,
            )  # fmt: skip
            changed.add(wave.id)
        self.revision = doc.revision
        return changed


_SHARED = WorkloadClass.SHARED_SERVICE
