"""Plan-wide arrays of the phase-risk model: every wave's score and phase factors at once.

``phase_arrays`` turns the n x 9 workload factor matrix and the ``PlanIndex`` into per-wave
numbers (indexed by wave rank 0..K+1): worst and criticality-weighted mean workload risk,
the phase factors C1..C6, the blended score, gate counts and the inputs each wave lacks.
Each phase factor whose computation is more than a line has its own function here, named
after it (``c5_blast_radius``, ``c6_moves_before``); its readable definition is in
``risk_rubrics`` and tests/core/assess/test_risk_reference.py holds the two equal. It is all
numpy, so rescoring a whole plan after an edit costs milliseconds; ``risk.build_phase_risk``
then explains only the waves whose numbers changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from migplan.core.assess.bridges import PhaseLoads
from migplan.core.assess.index import (
    BoolArray,
    FloatArray,
    IntArray,
    PlanIndex,
    Platform,
    hybrid,
)
from migplan.core.assess.risk_factors import COL, StaticArrays
from migplan.core.assess.risk_rubrics import PHASE_IDS, WORKLOAD_IDS, RiskModel
from migplan.core.enums import Criticality
from migplan.core.planning.capacity import DIMENSIONS
from migplan.core.settings import PlanSettings

#: Inputs whose absence lowers confidence, in the column order of ``PhaseArrays.gaps``.
INPUTS = (
    "criticality",
    "operating system",
    "owner",
    "sizes",
    "application mapping",
    "dependencies",
)


@dataclass
class PhaseArrays:
    """Per-rank numbers (index 0..K+1) from which every ``PhaseRisk`` is built."""

    r_i: FloatArray
    r_max: FloatArray
    r_mean: FloatArray
    #: Weighted mean of the phase factors (0..100).
    r_c: FloatArray
    #: Impact: the higher of the most critical workload (F1) and the blast radius (C5), as
    #: 0..100, and whether it comes from C5 (ties included).
    impact: FloatArray
    impact_c5: BoolArray
    score: FloatArray
    c: IntArray  # (K+2) x 6: C1..C6
    c1_value: FloatArray
    crit_bidir: IntArray
    #: C2: peak hybrid-link load (Mbit/s) while the wave runs.
    peaks: FloatArray
    #: C3: latency-sensitive dependencies left across the link at landing.
    latency_count: IntArray
    #: C4: engineer-hours needed and available.
    hours: FloatArray
    available: FloatArray
    #: C5: workloads outside the wave depending on it; its most depended-on workload
    #: (position, -1 for none) and how many depend on that one.
    dependants: IntArray
    top_target: IntArray
    top_dependants: IntArray
    #: C6: weighted count of dependencies on workloads moving later.
    c6_value: FloatArray
    gate_w: IntArray  # (K+2) x 3: workloads with F3, F6, F7 at 4
    mask_a: BoolArray
    mask_b: BoolArray
    #: Edges crossing at their wave's landing, grouped by wave: those of rank r are
    #: ``c1_edges[c1_bounds[r]:c1_bounds[r + 1]]``; ``late_edges`` likewise for C6.
    c1_edges: IntArray
    c1_bounds: IntArray
    late_edges: IntArray
    late_bounds: IntArray
    #: (K+2) x 6: workloads of each wave lacking each of ``INPUTS``.
    gaps: IntArray
    unknown_share: FloatArray
    count: IntArray
    #: (K+2) x 9: per wave, the sum of each workload factor, its highest value and how many
    #: workloads reach it (detects any change an explanation would show).
    factor_sums: FloatArray
    factor_max: IntArray
    factor_at_max: IntArray

    def signature(self, rank: int) -> tuple[float, ...]:
        """What the explanation of wave ``rank`` shows, but for the link peak (see
        ``risk.with_link_peak``): when it is unchanged, the wave's ``PhaseRisk`` is too."""
        return (
            float(self.score[rank]),
            *self.c[rank].tolist(),
            float(self.c1_value[rank]),
            int(self.crit_bidir[rank]),
            int(self.latency_count[rank]),
            float(self.hours[rank]),
            float(self.available[rank]),
            int(self.dependants[rank]),
            int(self.top_target[rank]),
            int(self.top_dependants[rank]),
            float(self.c6_value[rank]),
            *self.gate_w[rank].tolist(),
            *self.gaps[rank].tolist(),
            float(self.unknown_share[rank]),
            int(self.count[rank]),
            *self.factor_sums[rank].tolist(),
            *self.factor_max[rank].tolist(),
            *self.factor_at_max[rank].tolist(),
        )


def _per_rank(rank: IntArray, values: npt.NDArray[Any], size: int) -> FloatArray:
    out: FloatArray = np.bincount(rank, weights=values, minlength=size)[:size].astype(np.float64)
    return out


def coupling_masks(index: PlanIndex) -> tuple[BoolArray, BoolArray]:
    """Edges crossing the hybrid link when their source's (a) or target's (b) wave lands."""
    k = index.k
    ra, rb = index.edge_ranks()
    ta, tb = index.edge_targets()
    # at phase ra: a is on its target, b wherever it is then
    pb = np.where(rb <= ra, tb, Platform.LEGACY)
    pb = np.where(index.rep_dst & (rb <= ra), ta, pb)
    pa = np.where(index.rep_src, pb, ta)
    mask_a = (ra <= k) & hybrid(pa, pb)
    qa = np.where(ra <= rb, ta, Platform.LEGACY)
    qa = np.where(index.rep_src & (ra <= rb), tb, qa)
    qb = np.where(index.rep_dst, qa, tb)
    mask_b = (rb <= k) & (rb != ra) & hybrid(qa, qb)
    return mask_a, mask_b


def c5_blast_radius(index: PlanIndex) -> tuple[IntArray, IntArray, IntArray]:
    """C5 Blast radius: per rank, the workloads outside the wave that depend directly on one
    of its workloads (a dependency on an application counts for each of its workloads).

    Also the most depended-on workload of each wave (position, -1 for none) and how many
    workloads outside the wave depend on it.
    """
    size, n = index.k + 2, len(index.ids)
    target, dependant = index.dependant_pairs
    outside = index.rank[target] != index.rank[dependant]
    target, dependant = target[outside], dependant[outside]
    if size * n <= 20_000_000:  # a wave x workload bitmap: no sort
        seen = np.zeros((size, n), dtype=np.bool_)
        seen[index.rank[target], dependant] = True
        count: IntArray = seen.sum(axis=1).astype(np.int64)
    else:
        per_wave = np.unique(index.rank[target] * n + dependant)
        count = np.bincount(per_wave // n, minlength=size)[:size].astype(np.int64)
    by_target = np.bincount(target, minlength=n)
    order = np.lexsort((-by_target, index.rank))  # by rank, most depended-on first
    order = order[by_target[order] > 0]
    ranks, first = np.unique(index.rank[order], return_index=True)
    top: IntArray = np.full(size, -1, dtype=np.int64)
    top_n: IntArray = np.zeros(size, dtype=np.int64)
    top[ranks] = order[first]
    top_n[ranks] = by_target[order[first]]
    return count, top, top_n


def c6_moves_before(index: PlanIndex) -> BoolArray:
    """C6 Moves before what it depends on: edges whose source moves in an earlier wave than
    the workload it depends on. A workload in no wave (rank K+1) is not later, and externals
    never move: the validator's PRECEDENCE rule, counted here per wave of the dependant.
    """
    ra, rb = index.edge_ranks()
    internal = ~(index.ext_src | index.ext_dst)
    out: BoolArray = internal & (rb > ra) & (rb <= index.k)
    return out


def double_weight(index: PlanIndex) -> FloatArray:
    """Weight of an edge in C1 and C6: 2 for a two-way or hard dependency, else 1."""
    out: FloatArray = (index.bidir | index.hard).astype(np.float64) + 1.0
    return out


def _grouped(edges: IntArray, ranks: IntArray, size: int) -> tuple[IntArray, IntArray]:
    """``edges`` sorted by ``ranks``, with the bounds of each rank's slice."""
    order = np.argsort(ranks, kind="stable")
    bounds: IntArray = np.searchsorted(ranks[order], np.arange(size + 1))
    return edges[order], bounds


def input_gaps(index: PlanIndex, st: StaticArrays, owned: BoolArray) -> BoolArray:
    """n x 6: which of ``INPUTS`` each workload lacks.

    ``owned`` tells, per workload, whether its application names an owner (then the workload
    needs none of its own). A dependency whose other end is an external node (an address or
    name that matched no workload) leaves the workload's dependencies unresolved.
    """
    n = len(index.ids)
    unresolved = np.zeros(n, dtype=np.bool_)
    unresolved[index.src[index.ext_dst]] = True
    unresolved[index.dst[index.ext_src]] = True
    out: BoolArray = np.column_stack(
        [st.missing[:, :2], st.missing[:, 2] & ~owned, st.missing[:, 3:], unresolved]
    )
    return out


def phase_arrays(
    index: PlanIndex,
    scores: IntArray,
    st: StaticArrays,
    model: RiskModel,
    settings: PlanSettings,
    loads: PhaseLoads,
    owned: BoolArray,
) -> PhaseArrays:
    """Every wave's phase factors and score at once; ``owned`` as in ``input_gaps``."""
    k, size = index.k, index.k + 2
    rank = index.rank
    w = model.workload_weights
    r_i = 100.0 * (scores @ w) / (4.0 * w.sum())
    r_max = np.zeros(size)
    np.maximum.at(r_max, rank, r_i)
    cw = scores[:, COL["F1"]] + 1.0
    den = _per_rank(rank, cw, size)
    r_mean = np.divide(_per_rank(rank, cw * r_i, size), den, out=np.zeros(size), where=den > 0)
    count = np.bincount(rank, minlength=size)[:size]
    # C1: weighted crossings at landing; critical two-way crossings
    mask_a, mask_b = coupling_masks(index)
    ra, rb = index.edge_ranks()
    weight = double_weight(index)
    c1 = _per_rank(ra[mask_a], weight[mask_a], size) + _per_rank(rb[mask_b], weight[mask_b], size)
    crit = np.append(index.crit, -1)  # index -1 (external) reads the appended -1
    crit_edge = np.maximum(crit[index.src], crit[index.dst]) >= Criticality.HIGH.rank
    cb = index.bidir & crit_edge
    crit_bidir = np.rint(
        _per_rank(ra[mask_a & cb], np.ones(int((mask_a & cb).sum())), size)
        + _per_rank(rb[mask_b & cb], np.ones(int((mask_b & cb).sum())), size)
    ).astype(np.int64)
    c = np.zeros((size, len(PHASE_IDS)), dtype=np.int64)
    c[:, 0] = np.where(crit_bidir > 0, 4, model.bucket("C1", c1))
    # C2: peak hybrid-link load while the wave runs
    usable = settings.network.usable_mbps
    peaks = np.zeros(size)
    for r in range(1, k + 1):
        peaks[r] = loads.peak_mbps(r)
    c[:, 1] = model.bucket("C2", peaks / usable)
    # C3: latency-sensitive dependencies of this wave's workloads left across the link
    ea, eb = np.flatnonzero(mask_a), np.flatnonzero(mask_b)
    c1_edges, c1_bounds = _grouped(np.concatenate([ea, eb]), np.concatenate([ra[ea], rb[eb]]), size)
    la, lb = mask_a & index.latency, mask_b & index.latency
    latency_count = (
        np.bincount(ra[la], minlength=size)[:size] + np.bincount(rb[lb], minlength=size)[:size]
    ).astype(np.int64)
    rtt = settings.network.added_rtt_ms / settings.network.rtt_budget_ms
    c[:, 2] = np.where(latency_count > 0, model.bucket_one("C3", rtt), 0)
    # C4: engineer-hours against the hours available outside freezes
    hours = _per_rank(rank, index.load[:, DIMENSIONS.index("engineer_hours")], size)
    avail = np.array([_available_hours(index, settings, r) for r in range(size)])
    c[:, 3] = model.bucket("C4", np.divide(hours, avail, out=np.full(size, 1e9), where=avail > 0))
    # C5: blast radius, as a share of the estate
    dependants, top, top_n = c5_blast_radius(index)
    c[:, 4] = model.bucket("C5", dependants / max(1, len(index.ids)))
    # C6: dependencies on workloads that move later
    late = c6_moves_before(index)
    c6 = _per_rank(ra[late], weight[late], size)
    c[:, 5] = model.bucket("C6", c6)
    late_edges, late_bounds = _grouped(np.flatnonzero(late), ra[late], size)
    v = model.phase_weights
    r_c = 100.0 * (c @ v) / (4.0 * max(v.sum(), 1e-12))
    # workloads per wave, factor and level: sums, highest level, how many reach it, gates
    nf = len(WORKLOAD_IDS)
    keys = (rank[:, None] * nf + np.arange(nf)) * 5 + scores
    levels = np.bincount(keys.ravel(), minlength=size * nf * 5)[: size * nf * 5]
    levels = levels.reshape(size, nf, 5)
    factor_max = (4 - np.argmax(levels[:, :, ::-1] > 0, axis=2)) * (levels.sum(axis=2) > 0)
    impact_c5 = c[:, 4] >= factor_max[:, COL["F1"]]
    impact = 100.0 * np.maximum(c[:, 4], factor_max[:, COL["F1"]]) / 4.0
    score = np.minimum(
        100.0,
        model.mix("max") * r_max
        + model.mix("mean") * r_mean
        + model.mix("coupling") * r_c
        + model.mix("impact") * impact,
    )
    at_max = np.take_along_axis(levels, factor_max[:, :, None], axis=2)[:, :, 0]
    gate_w = levels[:, [COL[f] for f in ("F3", "F6", "F7")], 4]
    gaps = input_gaps(index, st, owned)
    unknown_share = _per_rank(rank, st.unknown.astype(float), size) / (
        np.maximum(count, 1) * len(WORKLOAD_IDS)
    )
    return PhaseArrays(
        r_i=r_i,
        r_max=r_max,
        r_mean=r_mean,
        r_c=r_c,
        impact=impact,
        impact_c5=impact_c5,
        score=score,
        c=c,
        c1_value=c1,
        crit_bidir=crit_bidir,
        peaks=peaks,
        latency_count=latency_count,
        hours=hours,
        available=avail,
        dependants=dependants,
        top_target=top,
        top_dependants=top_n,
        c6_value=c6,
        gate_w=gate_w,
        mask_a=mask_a,
        mask_b=mask_b,
        c1_edges=c1_edges,
        c1_bounds=c1_bounds,
        late_edges=late_edges,
        late_bounds=late_bounds,
        gaps=np.stack(
            [np.bincount(rank, weights=gaps[:, j], minlength=size)[:size] for j in range(6)],
            axis=1,
        ).astype(np.int64),
        unknown_share=unknown_share,
        count=count,
        factor_sums=(levels * np.arange(5)).sum(axis=2).astype(np.float64),
        factor_max=factor_max.astype(np.int64),
        factor_at_max=np.where(factor_max > 0, at_max, 0).astype(np.int64),
    )


def _available_hours(index: PlanIndex, settings: PlanSettings, rank: int) -> float:
    cap = settings.capacity
    wave = index.wave_of_rank(rank)
    free = 1.0
    if wave is not None and wave.start_date and wave.end_date:
        days = (wave.end_date - wave.start_date).days + 1
        frozen = 0
        for p in settings.freeze_periods:
            lo, hi = max(p.start, wave.start_date), min(p.end, wave.end_date)
            frozen += max(0, (hi - lo).days + 1)
        free = max(0.0, 1.0 - frozen / days)
    return cap.engineer_hours * free
