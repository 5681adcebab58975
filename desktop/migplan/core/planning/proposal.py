"""What the planner proposes, and the one command that applies it to the document."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from migplan.core.commands import AddEntities, Command, Composite, RemoveEntities, UpdateEntities
from migplan.core.document import PlanDocument
from migplan.core.ids import WaveId, WorkloadId
from migplan.core.locks import fixed_wave
from migplan.core.models import Wave
from migplan.core.planning.metrics import PlanMetrics


@dataclass(frozen=True)
class Unplaceable:
    """A workload the proposal leaves in no wave, and why."""

    workload_id: WorkloadId
    name: str
    reason: str
    #: The rule that kept it out (``rules.RULES``), e.g. ``LINK``, ``GPU-POOL``, ``STAYS``.
    rule_id: str = ""


@dataclass(frozen=True)
class CoordinatedCutover:
    """Workloads bound together (a cycle or an oversized application) spread over waves."""

    workload_ids: tuple[WorkloadId, ...]
    wave_ids: tuple[WaveId, ...]
    reason: str


#: How an optimiser run ended: the solver proved no better plan exists for these waves
#: (``optimal``), nothing could move (``fixed``), the time budget ran out (``budget``), or
#: the user cancelled (``cancelled``).
OptimiseEnd = Literal["optimal", "fixed", "budget", "cancelled"]


@dataclass(frozen=True)
class OptimiseRun:
    """What ``optimize`` did with its time budget: shown to the user before applying."""

    budget_s: float
    seconds: float
    ended: OptimiseEnd
    #: Windows of waves solved and those whose answer was kept.
    windows: int = 0
    accepted: int = 0

    @property
    def stopped_early(self) -> bool:
        return self.ended in ("optimal", "fixed")

    def describe(self) -> str:
        """One plain sentence: how long it ran against its budget, and why it stopped."""
        used, budget = _secs(self.seconds), _secs(self.budget_s)
        if self.ended == "optimal":
            return (
                f"Stopped after {used} of its {budget} budget: the solver proved no better "
                "plan exists for these waves."
            )
        if self.ended == "fixed":
            return (
                f"Stopped after {used} of its {budget} budget: nothing it may move could go "
                "elsewhere (locked waves, pinned workloads and foundation waves stay)."
            )
        if self.ended == "cancelled":
            return f"Cancelled after {used} of its {budget} budget."
        return f"Used the full {budget} budget; a longer run might find a better plan."


def _secs(value: float) -> str:
    return f"{value:.1f} s" if value < 10 else f"{value:.0f} s"


@dataclass(frozen=True)
class Proposal:
    #: Every wave of the plan once applied (kept and new), in order.
    waves: tuple[Wave, ...]
    #: Waves to add (a subset of ``waves``).
    new_waves: tuple[Wave, ...]
    #: Unlocked waves of the plan that the proposal replaces.
    removed_waves: tuple[WaveId, ...]
    #: Wave of every placed workload, fixed ones included.
    assignment: Mapping[WorkloadId, WaveId]
    unplaceable: tuple[Unplaceable, ...]
    cutovers: tuple[CoordinatedCutover, ...]
    metrics: PlanMetrics
    #: Foundation waves (shared services moved or replicated first).
    foundation_waves: tuple[WaveId, ...] = ()
    notes: tuple[str, ...] = ()
    #: ``PlanDocument.revision`` the proposal was computed from.
    revision: int = 0
    #: Seconds spent computing it.
    seconds: float = 0.0
    #: Extra figures for reports and benchmarks (moves made, groups, ...).
    stats: Mapping[str, float] = field(default_factory=dict)
    #: Set by ``optimize``: its budget, the time it took and why it stopped.
    optimised: OptimiseRun | None = None

    def summary(self) -> str:
        m = self.metrics
        return (
            f"{len(self.waves)} waves ({len(self.new_waves)} new), "
            f"{len(self.assignment)} workloads placed, {len(self.unplaceable)} not placed, "
            f"{len(self.cutovers)} coordinated cutovers; weighted wave distance "
            f"{m.weighted_wave_distance:,.0f}, peak cut {m.peak_cut:,.0f}, precedence "
            f"violations {m.precedence_violations} ({m.precedence_weight:,.0f}), capacity "
            f"overflow {m.capacity_overflow}"
        )


def proposal_command(
    doc: PlanDocument, proposal: Proposal, label: str = "Propose waves"
) -> Command:
    """One undoable command, named ``label``, that turns ``doc``'s waves into ``proposal``.

    It adds the new waves, sets ``wave_id`` of every workload whose wave changes (workloads
    the proposal does not place leave replaced waves and go to no wave), and removes the
    replaced waves. Locked waves and pinned workloads are untouched by construction (the
    planner fixes them: ``locks.fixed_wave``), and the commands check it again: a proposal
    computed before a wave was locked, or a workload pinned, is refused (``LockedError``)
    rather than applied over the lock.
    """
    changes: list[tuple[str, dict[str, object]]] = []
    removed = set(proposal.removed_waves)
    locked = {w.id for w in doc.waves.values() if w.locked}
    for wid in sorted(doc.workloads):
        wl = doc.workloads[wid]
        target = proposal.assignment.get(wid)
        if target is None and wl.wave_id not in removed and fixed_wave(wl, locked) is not None:
            continue
        if target != wl.wave_id:
            changes.append((wid, {"wave_id": target}))
    parts: list[Command] = []
    if proposal.new_waves:
        parts.append(AddEntities(proposal.new_waves, label="Add proposed waves"))
    if changes:
        # The planner's own wave ids, added just before: nothing to validate again (a second
        # off 10,000 workloads, on the window's thread), and not a person's curation.
        parts.append(
            UpdateEntities(
                tuple(changes), label="Assign workloads to waves", by_user=False, checked=True
            )
        )
    if removed:
        parts.append(RemoveEntities(tuple(sorted(removed)), label="Remove replaced waves"))
    return Composite(tuple(parts), label=label)
