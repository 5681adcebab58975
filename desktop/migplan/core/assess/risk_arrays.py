"""Plan-wide arrays of the phase-risk model: every wave's score and coupling factors at once.

``phase_arrays`` turns the n x 9 workload factor matrix and the ``PlanIndex`` into per-wave
numbers (indexed by wave rank 0..K+1): worst and criticality-weighted mean workload risk,
C1..C4, coupling risk, the blended score, gate counts and data completeness. It is all numpy,
so rescoring a whole plan after an edit costs milliseconds; ``risk.build_phase_risk`` then
explains only the waves whose numbers changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from migplan.core.assess.bridges import PhaseLoads
from migplan.core.assess.index import (
    EXTERNAL,
    BoolArray,
    FloatArray,
    IntArray,
    PlanIndex,
    Platform,
    hybrid,
)
from migplan.core.assess.risk_factors import COL, StaticArrays
from migplan.core.assess.risk_rubrics import WORKLOAD_IDS, RiskModel
from migplan.core.enums import Criticality
from migplan.core.planning.capacity import DIMENSIONS
from migplan.core.settings import PlanSettings


@dataclass
class PhaseArrays:
    """Per-rank numbers (index 0..K+1) from which every ``PhaseRisk`` is built."""

    r_i: FloatArray
    r_max: FloatArray
    r_mean: FloatArray
    r_c: FloatArray
    score: FloatArray
    c: IntArray  # (K+2) x 4: C1..C4
    c1_value: FloatArray
    crit_bidir: IntArray
    gate_w: IntArray  # (K+2) x 3: workloads with F3, F6, F7 at 4
    mask_a: BoolArray
    mask_b: BoolArray
    #: Edges crossing at their wave's landing, grouped by wave: those of rank r are
    #: ``c1_edges[c1_bounds[r]:c1_bounds[r + 1]]``.
    c1_edges: IntArray
    c1_bounds: IntArray
    missing: BoolArray  # (K+2) x 4
    unknown_share: FloatArray
    count: IntArray
    #: (K+2) x 9: per wave, the sum of each workload factor (detects any factor change).
    factor_sums: FloatArray

    def signature(self, rank: int) -> tuple[float, ...]:
        return (
            float(self.score[rank]),
            *self.c[rank].tolist(),
            float(self.c1_value[rank]),
            *self.gate_w[rank].tolist(),
            *self.missing[rank].tolist(),
            float(self.unknown_share[rank]),
            int(self.count[rank]),
            *self.factor_sums[rank].tolist(),
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


def phase_arrays(
    index: PlanIndex,
    scores: IntArray,
    st: StaticArrays,
    model: RiskModel,
    settings: PlanSettings,
    loads: PhaseLoads,
) -> PhaseArrays:
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
    weight = (index.bidir | index.hard).astype(np.float64) + 1.0
    c1 = _per_rank(ra[mask_a], weight[mask_a], size) + _per_rank(rb[mask_b], weight[mask_b], size)
    crit = np.append(index.crit, -1)  # index -1 (external) reads the appended -1
    crit_edge = np.maximum(crit[index.src], crit[index.dst]) >= Criticality.HIGH.rank
    cb = index.bidir & crit_edge
    crit_bidir = np.rint(
        _per_rank(ra[mask_a & cb], np.ones(int((mask_a & cb).sum())), size)
        + _per_rank(rb[mask_b & cb], np.ones(int((mask_b & cb).sum())), size)
    ).astype(np.int64)
    c = np.zeros((size, 4), dtype=np.int64)
    c[:, 0] = np.where(crit_bidir > 0, 4, model.bucket("C1", c1))
    usable = settings.network.usable_mbps
    peaks = np.zeros(size)
    for r in range(1, k + 1):
        peaks[r] = loads.peak_mbps(r)
    c[:, 1] = model.bucket("C2", peaks / usable)
    # C3: latency-sensitive dependencies of this wave's workloads left across the link
    ea, eb = np.flatnonzero(mask_a), np.flatnonzero(mask_b)
    edge_rank = np.concatenate([ra[ea], rb[eb]])
    by_rank = np.argsort(edge_rank, kind="stable")
    c1_edges = np.concatenate([ea, eb])[by_rank]
    c1_bounds = np.searchsorted(edge_rank[by_rank], np.arange(size + 1))
    la, lb = mask_a & index.latency, mask_b & index.latency
    lat = (
        np.bincount(ra[la], minlength=size)[:size] + np.bincount(rb[lb], minlength=size)[:size]
    ) > 0
    rtt = settings.network.added_rtt_ms / settings.network.rtt_budget_ms
    c[:, 2] = np.where(lat, model.bucket_one("C3", rtt), 0)
    hours = _per_rank(rank, index.load[:, DIMENSIONS.index("engineer_hours")], size)
    avail = np.array([_available_hours(index, settings, r) for r in range(size)])
    c[:, 3] = model.bucket("C4", np.divide(hours, avail, out=np.full(size, 1e9), where=avail > 0))
    v = model.phase_weights
    r_c = 100.0 * (c @ v) / (4.0 * v.sum())
    score = np.minimum(
        100.0,
        model.mix("max") * r_max + model.mix("mean") * r_mean + model.mix("coupling") * r_c,
    )
    gate_w = np.stack(
        [
            np.bincount(rank, weights=scores[:, COL[f]] == 4, minlength=size)[:size]
            for f in ("F3", "F6", "F7")
        ],
        axis=1,
    ).astype(np.int64)
    n = np.maximum(count, 1)
    miss = np.stack(
        [_per_rank(rank, st.missing[:, j].astype(float), size) / n for j in range(3)]
        + [_per_rank(rank, (_degree(index) == 0).astype(float), size) / n],
        axis=1,
    )
    unknown_share = _per_rank(rank, st.unknown.astype(float), size) / (n * len(WORKLOAD_IDS))
    return PhaseArrays(
        r_i=r_i,
        r_max=r_max,
        r_mean=r_mean,
        r_c=r_c,
        score=score,
        c=c,
        c1_value=c1,
        crit_bidir=crit_bidir,
        gate_w=gate_w,
        mask_a=mask_a,
        mask_b=mask_b,
        c1_edges=c1_edges,
        c1_bounds=c1_bounds,
        missing=miss > model.thresholds["missing_share"],
        unknown_share=unknown_share,
        count=count,
        factor_sums=np.stack(
            [_per_rank(rank, scores[:, j], size) for j in range(len(WORKLOAD_IDS))], axis=1
        ),
    )


def _degree(index: PlanIndex) -> IntArray:
    n = len(index.ids)
    src = index.src[index.src != EXTERNAL]
    dst = index.dst[index.dst != EXTERNAL]
    out: IntArray = np.bincount(src, minlength=n) + np.bincount(dst, minlength=n)
    return out


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
