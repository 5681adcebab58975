"""Phase risk (planning.md 3.3): a 0-100 score traced to named factors, its band, the gates
that block the wave, and how far to trust it.

1. **Score.** Workload risk R_i = 100 * sum(w_f * s_f) / (4 * sum(w_f)) over F1..F9; phase
   risk R_C likewise over the phase factors C1..C6. The wave's impact I = 100 * max(F1 of
   its most critical workload, C5 its blast radius) / 4 is its severity in FMEA terms: what
   a failed cutover hits. The phase score blends the worst workload, the
   criticality-weighted mean of the workloads, R_C and I (``mix.*`` settings, relative):
   severity first (the worst workload, the impact), then the averages. A weighted mean alone
   hides severity: mission-critical counts 15 of 100 in a workload's risk and blast radius
   25 of 100 in the phase's, so a foundation most of the estate depends on, or a wave of
   mission-critical production, scored like a pilot.
2. **Band** is a function of the score alone: LOW < ``band_medium`` <= MEDIUM < ``band_high``
   <= HIGH < ``band_critical`` <= CRITICAL.
3. **Gates** say the wave cannot run as planned: a workload with F3, F6 or F7 at 4; C2 at 4
   (the hybrid link over what it can spare); a critical two-way crossing; an application
   split across waves or production mixed with non-production (Azure's critical conditions).
   They set ``blocked`` and explain themselves in a sentence; they weigh in the score only
   through the factors they stem from, never by overriding the band.
4. **Confidence** is separate: it falls with each input a share of the wave's workloads lacks
   (criticality, operating system, owner, sizes, application mapping, resolved dependencies),
   and ``gaps`` says which and for how many.

The score decomposes exactly into points per factor (every term is linear in the factor
scores once the worst workload and the source of the impact are fixed), so the explanation can
say where every point comes from. The numbers come from ``risk_arrays.phase_arrays`` (all
waves at once); this module explains one wave, in sentences a project manager reads, with
the factor ids kept to the end of each line.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np

from migplan.core.assess.index import IntArray, PlanIndex
from migplan.core.assess.risk_arrays import INPUTS, PhaseArrays
from migplan.core.assess.risk_factors import COL
from migplan.core.assess.risk_rubrics import FACTORS, PHASE_IDS, WORKLOAD_IDS, RiskModel
from migplan.core.assess.validate import Violation
from migplan.core.document import PlanDocument
from migplan.core.ids import DependencyId, WaveId, WorkloadId


class RiskBand(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Confidence(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


#: Validation rules that are Azure "critical conditions": they block a wave.
GATING_RULES = ("APP-SPLIT", "ENV-MIX")

#: How each input of ``INPUTS`` reads when workloads lack it.
_GAP_TEXT = {
    "criticality": "criticality unknown for {n} of {total} workloads",
    "operating system": "operating system unknown for {n} of {total} workloads",
    "owner": "no owner for {n} of {total} workloads",
    "sizes": "sizes (vCPU, memory or storage) missing for {n} of {total} workloads",
    "application mapping": "no application for {n} of {total} workloads",
    "dependencies": "dependencies on unresolved addresses or names for {n} of {total} workloads",
}


def band_of(score: float, model: RiskModel) -> RiskBand:
    """The band of ``score``: a function of the score and the band settings alone.

    Scores are shown in whole points, so the band is that of the whole number: 34.6 shows
    as 35 and is MEDIUM, never "35 LOW" beside another "35 MEDIUM".
    """
    score = round(score)
    if score >= model.band_critical:
        return RiskBand.CRITICAL
    if score >= model.band_high:
        return RiskBand.HIGH
    if score >= model.band_medium:
        return RiskBand.MEDIUM
    return RiskBand.LOW


@dataclass(frozen=True)
class Gate:
    """Something that blocks the wave as planned, said in one sentence."""

    gate_id: str
    message: str
    workload_ids: tuple[WorkloadId, ...] = ()


@dataclass(frozen=True)
class DataGap:
    """An input that ``count`` of the wave's ``total`` workloads lack."""

    input: str
    count: int
    total: int

    @property
    def text(self) -> str:
        return _GAP_TEXT[self.input].format(n=self.count, total=self.total)


@dataclass(frozen=True)
class Contribution:
    """Points of the phase score that come from one factor, and why, in a sentence."""

    factor_id: str
    score: int
    points: float
    #: For a workload factor: the workload scoring highest on it.
    workload_id: WorkloadId | None
    #: What the factor found, as a sentence (no factor code).
    text: str

    @property
    def name(self) -> str:
        return FACTORS[self.factor_id].name

    @property
    def detail(self) -> str:
        """The rubric level, for a tooltip or a table."""
        return FACTORS[self.factor_id].describe(self.score)

    def line(self) -> str:
        """The sentence with its points, name and id at the end."""
        return f"{self.text.removesuffix('.')} ({self.points:.1f} points: {self.secondary})."

    @property
    def secondary(self) -> str:
        return f"{self.name.lower()}, {self.factor_id}"


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
    #: True when a gate tripped: the wave cannot run as planned, whatever its score.
    blocked: bool
    gates: tuple[Gate, ...]
    workload_risk_max: float
    workload_risk_mean: float
    coupling_risk: float
    #: Factor id -> score 0..4 (workload factors: the highest in the wave).
    factors: dict[str, int]
    #: Factor id -> points of ``score`` it contributes (they sum to the uncapped score).
    points: dict[str, float]
    top: tuple[Contribution, ...]
    #: Factor id -> what it found, as a sentence, for every factor scoring above 0.
    findings: dict[str, str]
    crossings: tuple[CrossingEdge, ...]
    crossing_count: int
    confidence: Confidence
    #: Inputs lacking for more than ``missing_share`` of the wave's workloads.
    missing: tuple[str, ...]
    #: Every input some workload of the wave lacks, with counts.
    gaps: tuple[DataGap, ...]
    unknown: bool
    unknown_share: float

    def headline(self) -> str:
        return (
            f"Risk {self.score:.0f} of 100: {self.band.value}, "
            f"with {self.confidence.value} confidence"
            + (", and blocked as planned." if self.blocked else ".")
        )

    def confidence_text(self) -> str:
        """Why the confidence is what it is, in a sentence."""
        if not self.missing:
            return (
                f"Confidence is {self.confidence.value}: criticality, operating system, owner, "
                "sizes, application and dependencies are known for nearly every workload."
            )
        lacking = [g.text for g in self.gaps if g.input in self.missing]
        return f"Confidence is {self.confidence.value}: " + "; ".join(lacking) + "."

    def explain(self) -> list[str]:
        """The explanation as sentences: headline, blockers, top contributors, confidence."""
        lines = [self.headline()]
        lines += [f"Blocked: {g.message.removesuffix('.')} ({g.gate_id})." for g in self.gates]
        said = {g.message for g in self.gates}
        lines += [
            f"That blocker adds {c.points:.1f} points ({c.secondary})."
            if c.text in said
            else c.line()
            for c in self.top
        ]
        lines.append(self.confidence_text())
        if self.unknown:
            lines.append(
                f"Many risk inputs are unknown ({self.unknown_share:.0%} of them), "
                "so the score may be too low."
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
    score = float(pa.score[rank])
    points, factors, worst = _points(index, scores, pa, model, rank, members)
    texts = _phase_texts(doc, index, pa, model, rank)
    rows = scores[members]
    for f in WORKLOAD_IDS:
        if factors[f] > 0:
            hit = np.asarray(members)[rows[:, COL[f]] == factors[f]].tolist()
            texts[f] = _sentence(FACTORS[f].says[factors[f]], **_who(doc, index, hit))
    gates = _gates(index, scores, pa, rank, members, violations, texts)
    top = sorted(points, key=lambda f: -points[f])[:3]
    contributions = tuple(
        Contribution(f, factors[f], points[f], worst.get(f), texts[f]) for f in top if points[f] > 0
    )
    crossings, count = _crossings(doc, index, pa, rank)
    total = int(pa.count[rank])
    counts = pa.gaps[rank].tolist()
    gaps = tuple(DataGap(name, n, total) for name, n in zip(INPUTS, counts, strict=True) if n)
    share = [n / total if total else 0.0 for n in counts]
    missing = tuple(
        name for name, s in zip(INPUTS, share, strict=True) if s > model.thresholds["missing_share"]
    )
    if max(share, default=0.0) >= model.thresholds["missing_low"] or len(missing) >= 3:
        confidence = Confidence.LOW
    elif missing:
        confidence = Confidence.MEDIUM
    else:
        confidence = Confidence.HIGH
    unknown_share = float(pa.unknown_share[rank])
    return PhaseRisk(
        wave_id=wave.id,
        rank=rank,
        score=score,
        band=band_of(score, model),
        blocked=bool(gates),
        gates=tuple(gates),
        workload_risk_max=float(pa.r_max[rank]),
        workload_risk_mean=float(pa.r_mean[rank]),
        coupling_risk=float(pa.r_c[rank]),
        factors=factors,
        points=points,
        top=contributions,
        findings={f: texts[f] for f in (*WORKLOAD_IDS, *PHASE_IDS) if factors[f] > 0},
        crossings=crossings,
        crossing_count=count,
        confidence=confidence,
        missing=missing,
        gaps=gaps,
        unknown=unknown_share >= model.thresholds["unknown_share"],
        unknown_share=unknown_share,
    )


def with_link_peak(
    risk: PhaseRisk, doc: PlanDocument, index: PlanIndex, pa: PhaseArrays, model: RiskModel
) -> PhaseRisk:
    """``risk`` with its hybrid-link sentence brought up to date.

    The peak load while a wave runs moves with every edit of the waves before it, while its
    level, and so the score, mostly stays: then only this sentence needs rewriting.
    """
    text = _link_text(doc, pa, risk.rank)
    old = risk.findings.get("C2")
    if old is None or old == text:
        return risk
    return replace(
        risk,
        findings={**risk.findings, "C2": text},
        gates=tuple(replace(g, message=text) if g.message == old else g for g in risk.gates),
        top=tuple(replace(c, text=text) if c.factor_id == "C2" else c for c in risk.top),
    )


def _sentence(template: str, **values: object) -> str:
    """``template`` filled in, as a sentence: capital first letter, full stop."""
    text = template.format_map(values)
    if not template.startswith("{"):  # a workload's name keeps its case
        text = text[:1].upper() + text[1:]
    return text + ("" if text.endswith(".") else ".")


def _names(doc: PlanDocument, index: PlanIndex, positions: list[int], limit: int = 3) -> str:
    names = [doc.workloads[index.ids[i]].name for i in positions[:limit]]
    if len(positions) == limit + 1:
        names.append(doc.workloads[index.ids[positions[limit]]].name)
    more = len(positions) - len(names)
    if more:
        return f"{', '.join(names)} and {more} more"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _who(doc: PlanDocument, index: PlanIndex, positions: list[int]) -> dict[str, str]:
    """``{who}`` and the verb forms agreeing with it, for a factor's ``says`` template."""
    if len(positions) == 1:
        return {"who": _names(doc, index, positions), "s": "s", "are": "is", "have": "has",
                "its": "its"}  # fmt: skip
    who = f"{len(positions)} workloads ({_names(doc, index, positions)})"
    return {"who": who, "s": "", "are": "are", "have": "have", "its": "their"}


def _phase_texts(
    doc: PlanDocument, index: PlanIndex, pa: PhaseArrays, model: RiskModel, rank: int
) -> dict[str, str]:
    """The sentence of each phase factor of the wave, filled with what was measured."""
    net = doc.settings.network
    c = dict(zip(PHASE_IDS, pa.c[rank].tolist(), strict=True))
    crossing = pa.c1_edges[pa.c1_bounds[rank] : pa.c1_bounds[rank + 1]]
    late = pa.late_edges[pa.late_bounds[rank] : pa.late_bounds[rank + 1]]
    total = len(index.ids)
    top = int(pa.top_target[rank])
    example = ""
    if len(late):
        e = int(late[np.argmax(index.mbps[late])])
        later = index.wave_of_rank(int(index.rank[int(index.dst[e])]))
        src, dst = (doc.workloads[index.ids[int(x)]].name for x in (index.src[e], index.dst[e]))
        example = f"{src} on {dst} ({later.name if later else 'a later wave'})"
    values: dict[str, dict[str, object]] = {
        "C1": {"count": len(crossing), "extra": _doubled(index, crossing, pa, rank)},
        "C3": {
            "count": int(pa.latency_count[rank]),
            "rtt": net.added_rtt_ms,
            "budget": net.rtt_budget_ms,
        },
        "C4": {
            "hours": float(pa.hours[rank]),
            "avail": float(pa.available[rank]),
            "pct": 100.0 * float(pa.hours[rank]) / max(float(pa.available[rank]), 1e-9),
        },
        "C5": {
            "count": int(pa.dependants[rank]),
            "total": total,
            "pct": 100.0 * int(pa.dependants[rank]) / max(total, 1),
            "top": doc.workloads[index.ids[top]].name if top >= 0 else "",
            "top_count": int(pa.top_dependants[rank]),
        },
        "C6": {"count": len(late), "extra": _doubled(index, late, pa, None), "example": example},
    }
    out = {f: _sentence(FACTORS[f].says[c[f]], **values[f]) for f in values}
    return {**out, "C2": _link_text(doc, pa, rank)}


def _link_text(doc: PlanDocument, pa: PhaseArrays, rank: int) -> str:
    """The C2 sentence: the peak link load while the wave runs, against what it can spare."""
    usable = doc.settings.network.usable_mbps
    peak = float(pa.peaks[rank])
    level = int(pa.c[rank, PHASE_IDS.index("C2")])
    return _sentence(FACTORS["C2"].says[level], peak=peak, usable=usable, pct=100 * peak / usable)


def _doubled(index: PlanIndex, edges: IntArray, pa: PhaseArrays, rank: int | None) -> str:
    """The clause saying how many of ``edges`` count double (two-way or hard)."""
    doubled = int((index.bidir[edges] | index.hard[edges]).sum())
    out = f", {doubled} of them two-way or hard (counted double)" if doubled else ""
    if rank is not None and pa.crit_bidir[rank]:
        out += f", {pa.crit_bidir[rank]} two-way with a critical workload"
    return out


def _gates(
    index: PlanIndex,
    scores: IntArray,
    pa: PhaseArrays,
    rank: int,
    members: list[int],
    violations: list[Violation],
    texts: dict[str, str],
) -> list[Gate]:
    wave = index.waves[rank - 1]
    ids = index.ids
    gates: list[Gate] = []
    for j, fid in enumerate(("F3", "F6", "F7")):
        if pa.gate_w[rank, j]:
            hit = np.asarray(members)[scores[members, COL[fid]] == 4].tolist()
            gates.append(Gate(f"{fid}=4", texts[fid], tuple(ids[i] for i in hit)))
    if pa.c[rank, 1] == 4:
        gates.append(Gate("C2=4", texts["C2"]))
    if pa.crit_bidir[rank]:
        gates.append(
            Gate(
                "CRIT-BIDIR",
                f"When this wave lands, {pa.crit_bidir[rank]} two-way dependencies with a "
                "critical workload would run across the hybrid link.",
            )
        )
    for v in violations:
        if wave.id in v.wave_ids and v.rule_id in GATING_RULES:
            gates.append(Gate(v.rule_id, _sentence(v.message), v.workload_ids[:20]))
    return gates


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
            points[f] = float(scale * (model.mix("max") * top[j] + model.mix("mean") * mean[j]))
            factors[f] = int(rows[:, j].max())
            if factors[f] > 0:
                worst[f] = index.ids[members[int(np.argmax(rows[:, j]))]]
    else:
        for f in WORKLOAD_IDS:
            points[f], factors[f] = 0.0, 0
    for j, f in enumerate(PHASE_IDS):
        factors[f] = int(pa.c[rank, j])
        points[f] = float(
            model.mix("coupling") * 100 * v[j] * factors[f] / (4 * max(v.sum(), 1e-9))
        )
    impact = "C5" if pa.impact_c5[rank] else "F1"
    points[impact] += model.mix("impact") * float(pa.impact[rank])
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
