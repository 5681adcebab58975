"""Phase risk (planning.md 3.3): gates first, then a 0-100 score traced to its factors.

1. **Gates** force RED whatever the score: a workload with F3, F6 or F7 at 4; C2 at 4 (the
   hybrid link over its usable share); a critical two-way crossing; an application split
   across waves or production mixed with non-production (Azure's critical conditions).
2. Workload risk R_i = 100 * sum(w_f * s_f) / (4 * sum(w_f)); coupling risk R_C likewise
   over C1..C4.
3. Phase risk R_P = min(100, 0.5 * max_i R_i + 0.3 * (criticality-weighted mean of R_i)
   + 0.2 * R_C); bands Low < 35 <= Medium < 60 <= High, Red when gated. The blend and the
   bands are settings.
4. **Confidence** is separate: High when inventory, sizes, dependencies and application
   mapping are all present for the wave's workloads, Medium when one or two are missing,
   Low otherwise; ``unknown`` flags a wave where 15% or more of the factor inputs are unknown.

The score decomposes exactly into points per factor (each term above is linear in the
scores), so the explanation can say where every point comes from. The numbers come from
``risk_arrays.phase_arrays`` (all waves at once); this module explains one wave.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from migplan.core.assess.index import (
    IntArray,
    PlanIndex,
)
from migplan.core.assess.risk_arrays import PhaseArrays
from migplan.core.assess.risk_factors import COL
from migplan.core.assess.risk_rubrics import FACTORS, PHASE_IDS, WORKLOAD_IDS, RiskModel
from migplan.core.assess.validate import Violation
from migplan.core.document import PlanDocument
from migplan.core.ids import DependencyId, WaveId, WorkloadId


class RiskBand(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    RED = "red"


class Confidence(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


#: Validation rules that are Azure "critical conditions": they gate a wave to RED.
GATING_RULES = ("APP-SPLIT", "ENV-MIX")

CATEGORIES = ("inventory", "sizes", "application mapping", "dependencies")


@dataclass(frozen=True)
class Gate:
    gate_id: str
    message: str
    workload_ids: tuple[WorkloadId, ...] = ()


@dataclass(frozen=True)
class Contribution:
    """Points of the phase score that come from one factor."""

    factor_id: str
    score: int
    points: float
    #: For a workload factor: the workload scoring highest on it.
    workload_id: WorkloadId | None
    text: str


@dataclass(frozen=True)
class CrossingEdge:
    dependency_id: DependencyId
    source: str
    target: str
    port: int | None
    mbps: float
    hard: bool
    bidirectional: bool
    latency_sensitive: bool


@dataclass(frozen=True)
class PhaseRisk:
    wave_id: WaveId
    rank: int
    score: float
    band: RiskBand
    gates: tuple[Gate, ...]
    workload_risk_max: float
    workload_risk_mean: float
    coupling_risk: float
    #: Factor id -> score 0..4 (workload factors: the highest in the wave).
    factors: dict[str, int]
    #: Factor id -> points of ``score`` it contributes (they sum to the uncapped score).
    points: dict[str, float]
    top: tuple[Contribution, ...]
    crossings: tuple[CrossingEdge, ...]
    crossing_count: int
    confidence: Confidence
    missing: tuple[str, ...]
    unknown: bool
    unknown_share: float

    def explain(self) -> list[str]:
        """The explanation as lines: gates, top contributors, crossings, confidence."""
        lines = [f"risk {self.score:.0f}/100, {self.band.value}"]
        lines += [f"gate {g.gate_id}: {g.message}" for g in self.gates]
        lines += [f"{c.points:.1f} points from {c.text}" for c in self.top]
        if self.crossing_count:
            lines.append(f"{self.crossing_count} dependencies cross the hybrid link")
        lines.append(
            f"confidence {self.confidence.value}"
            + (f" (missing: {', '.join(self.missing)})" if self.missing else "")
            + (" - many inputs unknown" if self.unknown else "")
        )
        return lines


def build_phase_risk(
    doc: PlanDocument,
    index: PlanIndex,
    scores: IntArray,
    pa: PhaseArrays,
    model: RiskModel,
    rank: int,
    members: list[int],
    violations: list[Violation],
) -> PhaseRisk:
    """The explained risk of the wave with ``rank`` (1-based), from the plan-wide arrays.

    ``violations`` need only hold those of ``GATING_RULES``.
    """
    wave = index.waves[rank - 1]
    ids = index.ids
    gates: list[Gate] = []
    for j, fid in enumerate(("F3", "F6", "F7")):
        if pa.gate_w[rank, j]:
            hit = [ids[i] for i in members if scores[i, COL[fid]] == 4]
            gates.append(Gate(f"{fid}=4", _gate_text(doc, fid, hit), tuple(hit)))
    if pa.c[rank, 1] == 4:
        gates.append(Gate("C2=4", "the hybrid link is over its usable capacity in this phase"))
    if pa.crit_bidir[rank]:
        gates.append(
            Gate("CRIT-BIDIR", f"{pa.crit_bidir[rank]} critical two-way dependencies cross")
        )
    for v in violations:
        if wave.id in v.wave_ids and v.rule_id in GATING_RULES:
            gates.append(Gate(v.rule_id, v.message, v.workload_ids[:20]))
    score = float(pa.score[rank])
    if gates:
        band = RiskBand.RED
    elif score >= model.band_high:
        band = RiskBand.HIGH
    elif score >= model.band_medium:
        band = RiskBand.MEDIUM
    else:
        band = RiskBand.LOW
    points, factors, worst = _points(index, scores, pa, model, rank, members)
    top = sorted(points, key=lambda f: -points[f])[:3]
    contributions = tuple(
        Contribution(
            f,
            factors[f],
            points[f],
            worst.get(f),
            FACTORS[f].describe(factors[f])
            + (f" ({doc.workloads[worst[f]].name})" if f in worst else ""),
        )
        for f in top
        if points[f] > 0
    )
    crossings, count = _crossings(doc, index, pa, rank)
    missing = tuple(c for c, m in zip(CATEGORIES, pa.missing[rank].tolist(), strict=True) if m)
    confidence = (
        Confidence.HIGH
        if not missing
        else Confidence.MEDIUM
        if len(missing) <= 2
        else Confidence.LOW
    )
    share = float(pa.unknown_share[rank])
    return PhaseRisk(
        wave_id=wave.id,
        rank=rank,
        score=score,
        band=band,
        gates=tuple(gates),
        workload_risk_max=float(pa.r_max[rank]),
        workload_risk_mean=float(pa.r_mean[rank]),
        coupling_risk=float(pa.r_c[rank]),
        factors=factors,
        points=points,
        top=contributions,
        crossings=crossings,
        crossing_count=count,
        confidence=confidence,
        missing=missing,
        unknown=share >= model.thresholds["unknown_share"],
        unknown_share=share,
    )


def _gate_text(doc: PlanDocument, fid: str, hit: list[WorkloadId]) -> str:
    names = ", ".join(doc.workloads[w].name for w in hit[:3])
    more = f" and {len(hit) - 3} more" if len(hit) > 3 else ""
    return f"{FACTORS[fid].name} is critical for {names}{more}: {FACTORS[fid].rubric[4]}"


def _points(
    index: PlanIndex,
    scores: IntArray,
    pa: PhaseArrays,
    model: RiskModel,
    rank: int,
    members: list[int],
) -> tuple[dict[str, float], dict[str, int], dict[str, WorkloadId]]:
    w, v = model.workload_weights, model.phase_weights
    points: dict[str, float] = {}
    factors: dict[str, int] = {}
    worst: dict[str, WorkloadId] = {}
    if members:
        rows = scores[members]
        r_i = pa.r_i[members]
        top = rows[int(np.argmax(r_i))]
        cw = rows[:, COL["F1"]] + 1.0
        mean = (cw[:, None] * rows).sum(axis=0) / cw.sum()
        for j, f in enumerate(WORKLOAD_IDS):
            scale = 100.0 * w[j] / (4.0 * w.sum())
            points[f] = scale * (model.mix("max") * top[j] + model.mix("mean") * mean[j])
            factors[f] = int(rows[:, j].max())
            if factors[f] > 0:
                worst[f] = index.ids[members[int(np.argmax(rows[:, j]))]]
    for j, f in enumerate(PHASE_IDS):
        factors[f] = int(pa.c[rank, j])
        points[f] = model.mix("coupling") * 100.0 * v[j] * factors[f] / (4.0 * v.sum())
    return points, factors, worst


def _crossings(
    doc: PlanDocument, index: PlanIndex, pa: PhaseArrays, rank: int, limit: int = 20
) -> tuple[tuple[CrossingEdge, ...], int]:
    edges = np.sort(pa.c1_edges[pa.c1_bounds[rank] : pa.c1_bounds[rank + 1]])
    heaviest = edges[np.argsort(-index.mbps[edges], kind="stable")][:limit]
    out = []
    for e in heaviest.tolist():
        dep = doc.dependencies[index.dep_ids[e]]
        source, target = index.end_ids(e)
        out.append(
            CrossingEdge(
                dep.id,
                source,
                target,
                dep.port,
                float(index.mbps[e]),
                dep.hard,
                bool(index.bidir[e]),
                dep.latency_sensitive,
            )
        )
    return tuple(out), len(edges)


def score_plan(doc: PlanDocument) -> dict[WaveId, PhaseRisk]:
    """The explained risk of every wave of ``doc``."""
    from migplan.core.assess.assessment import Assessment

    return dict(Assessment(doc).risks)
