"""What a proposal would change, worked out before it is applied (Propose and Optimise waves).

``preview_proposal`` applies the proposal's own command (``proposal_command``) to a snapshot
and assesses the result with the same ``Assessment`` the window shows: the rules broken
after are the validator's, found by the validator's code, not a forecast of the planner's.
It is slow work (a full assessment) and runs on a worker; the document is never touched.

Waves are compared by name, as the user reads them: the planner redraws every unlocked wave
(a new wave with a new id), so "Wave 3" replaced by a new "Wave 3" is *redrawn*, not removed
and added, and a workload that stays in "Wave 3" does not move.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from migplan.core.assess.validate import Violation
from migplan.core.document import PlanDocument
from migplan.core.ids import WaveId, WorkloadId
from migplan.core.planning.proposal import OptimiseRun, Proposal, proposal_command
from migplan.core.progress import NullProgress, Progress
from migplan.core.rules import Severity, rule

#: A wave's risk as the Waves tab shows it: score 0-100 and band ("low" ... "critical").
WaveRiskFigure = tuple[float, str]


@dataclass(frozen=True)
class WorkloadMove:
    """A workload whose wave (by name) changes; ``None`` is "in no wave"."""

    workload_id: WorkloadId
    name: str
    from_wave: str | None
    to_wave: str | None


@dataclass(frozen=True)
class RuleCount:
    """How often one named rule is broken before and after."""

    rule_id: str
    title: str
    severity: Severity
    before: int
    after: int


@dataclass(frozen=True)
class WaveRiskChange:
    wave: str
    before: WaveRiskFigure | None
    after: WaveRiskFigure | None


@dataclass(frozen=True)
class ProposalPreview:
    """Everything the user reads before choosing Apply or Discard."""

    #: The undo step's name ("Propose waves", "Optimise waves").
    label: str
    waves_before: int
    waves_after: int
    added: tuple[str, ...]
    removed: tuple[str, ...]
    #: Waves replaced by a new wave of the same name.
    redrawn: tuple[str, ...]
    moves: tuple[WorkloadMove, ...]
    rules: tuple[RuleCount, ...]
    risks: tuple[WaveRiskChange, ...]
    #: Workloads in no wave after, and in no wave before.
    unplaced_after: int
    unplaced_before: int
    optimised: OptimiseRun | None
    notes: tuple[str, ...]
    #: ``PlanDocument.revision`` the proposal and this preview were computed from.
    revision: int

    def broken(self, severity: Severity) -> tuple[int, int]:
        """Violations of ``severity`` before and after."""
        rows = [r for r in self.rules if r.severity == severity]
        return sum(r.before for r in rows), sum(r.after for r in rows)

    @property
    def changes_anything(self) -> bool:
        return bool(self.moves or self.added or self.removed or self.redrawn)


def risk_figures(doc: PlanDocument, risks: Mapping[WaveId, object]) -> dict[str, WaveRiskFigure]:
    """Wave name -> (score, band) of an assessment's ``risks`` (``PhaseRisk`` values)."""
    out: dict[str, WaveRiskFigure] = {}
    for wave in doc.waves_in_order():
        risk = risks.get(wave.id)
        if risk is not None:
            score = float(getattr(risk, "score", 0.0))
            band = getattr(risk, "band", None)
            out[wave.name] = (score, str(getattr(band, "value", band or "")))
    return out


def preview_proposal(
    doc: PlanDocument,
    proposal: Proposal,
    label: str = "Propose waves",
    *,
    violations_before: Sequence[Violation] | None = None,
    risks_before: Mapping[str, WaveRiskFigure] | None = None,
    progress: Progress | None = None,
) -> ProposalPreview:
    """What applying ``proposal`` to ``doc`` changes. ``doc`` is read, never changed (pass a
    snapshot when another thread edits the live plan). ``violations_before`` and
    ``risks_before`` are what the window already shows for ``doc``; without them ``doc`` is
    assessed here too."""
    from migplan.core.assess.assessment import Assessment

    progress = progress or NullProgress()
    if violations_before is None or risks_before is None:
        progress.step(0, 2, "Assessing the plan as it is")
        now = Assessment(doc.snapshot())
        violations_before = list(now.violations)
        risks_before = risk_figures(doc, now.risks)
    progress.step(1, 2, "Assessing the plan as proposed")
    after = doc.snapshot()
    after.apply(proposal_command(after, proposal, label))
    assessed = Assessment(after)
    progress.step(2, 2, "Comparing")

    def wave_name(d: PlanDocument, wave_id: WaveId | None) -> str | None:
        wave = d.waves.get(wave_id) if wave_id is not None else None
        return wave.name if wave is not None else None

    moves = []
    for wid in sorted(doc.workloads, key=lambda i: (doc.workloads[i].name.casefold(), i)):
        was = wave_name(doc, doc.workloads[wid].wave_id)
        will = wave_name(after, after.workloads[wid].wave_id)
        if was != will:
            moves.append(WorkloadMove(wid, doc.workloads[wid].name, was, will))
    names_before = {w.name: w.id for w in doc.waves.values()}
    names_after = {w.name: w.id for w in after.waves.values()}
    added = tuple(w.name for w in after.waves_in_order() if w.name not in names_before)
    removed = tuple(w.name for w in doc.waves_in_order() if w.name not in names_after)
    redrawn = tuple(
        w.name
        for w in after.waves_in_order()
        if w.name in names_before and names_before[w.name] != w.id
    )
    risks_after = risk_figures(after, assessed.risks)
    risks = [
        WaveRiskChange(w.name, risks_before.get(w.name), risks_after.get(w.name))
        for w in after.waves_in_order()
    ] + [WaveRiskChange(name, risks_before.get(name), None) for name in removed]
    return ProposalPreview(
        label=label,
        waves_before=len(doc.waves),
        waves_after=len(after.waves),
        added=added,
        removed=removed,
        redrawn=redrawn,
        moves=tuple(moves),
        rules=_rule_counts(violations_before, assessed.violations),
        risks=tuple(risks),
        unplaced_after=sum(1 for w in after.workloads.values() if w.wave_id is None),
        unplaced_before=sum(1 for w in doc.workloads.values() if w.wave_id is None),
        optimised=proposal.optimised,
        notes=proposal.notes,
        revision=doc.revision,
    )


def _rule_counts(before: Sequence[Violation], after: Sequence[Violation]) -> tuple[RuleCount, ...]:
    """One row per rule broken before or after: hard rules first, then by id."""
    was = Counter(v.rule_id for v in before)
    now = Counter(v.rule_id for v in after)
    severity = {v.rule_id: v.severity for v in (*before, *after)}
    rows = [
        RuleCount(rid, rule(rid).title, severity[rid], was.get(rid, 0), now.get(rid, 0))
        for rid in set(was) | set(now)
    ]
    order = {Severity.HARD: 0, Severity.SOFT: 1, Severity.INFO: 2}
    return tuple(sorted(rows, key=lambda r: (order[r.severity], r.rule_id)))
