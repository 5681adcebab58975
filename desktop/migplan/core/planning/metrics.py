"""Whole-plan KPIs: traffic x wave distance, hybrid-link cut per boundary, precedence, capacity.

One implementation serves the planner, the optimiser, the baselines, the benchmark and
``migplan stats``, so every figure they print means the same thing. The array functions take
a wave *position* per workload (0 = first wave in order, -1 = in no wave); ``plan_metrics``
maps a document onto them.

Definitions (a -> b means a depends on b, weight w):

* weighted wave distance: sum of w * |W(a) - W(b)|;
* cut at boundary k (between positions k and k+1): sum of w over edges with one end at or
  before k and the other after it, i.e. the traffic the hybrid link carries while the estate
  is split there; the peak cut is the largest;
* precedence violation: W(b) > W(a), the dependency moves after its dependant; lateness is
  sum of w * (W(b) - W(a)) over those;
* capacity overflow: workloads that would have to leave their waves for every wave to fit
  (for each over-full wave, the most over any one dimension, removing largest first);
* hard violations: hard dependencies split across waves plus waves over capacity.

Edges touching a workload in no wave, or a *replicated* workload (a shared service extended
to the target first, so its traffic never crosses the link), count in none of these.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from migplan.core.document import PlanDocument
from migplan.core.ids import WorkloadId
from migplan.core.planning.capacity import DIMENSIONS, wave_limits
from migplan.core.planning.graph import BoolArray, EdgeArrays, FloatArray, IntArray, build_graph


@dataclass(frozen=True)
class PlanMetrics:
    waves: int
    weighted_wave_distance: float
    peak_cut: float
    #: Cut at each boundary between consecutive wave positions.
    cuts: tuple[float, ...]
    precedence_violations: int
    precedence_weight: float
    lateness: float
    capacity_overflow: int
    hard_violations: int
    #: J = distance + peak_weight * peak + lateness_weight * lateness.
    objective: float

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, rounded for people."""
        out = asdict(self)
        for key, value in out.items():
            if isinstance(value, float):
                out[key] = round(value, 3)
        out["cuts"] = [round(c, 3) for c in self.cuts]
        return out


def as_positions(
    assignment: Sequence[int | None] | Mapping[int, int] | IntArray, n: int
) -> IntArray:
    """A position array (-1 = in no wave) from a list, a dict or an array."""
    if isinstance(assignment, np.ndarray):
        return assignment.astype(np.int64, copy=False)
    out = np.full(n, -1, dtype=np.int64)
    if isinstance(assignment, Mapping):
        for i, k in assignment.items():
            out[i] = k
    else:
        for i, wave in enumerate(assignment):
            out[i] = -1 if wave is None else wave
    return out


@dataclass(frozen=True)
class EdgeTerms:
    distance: float
    lateness: float
    violations: int
    violation_weight: float
    cuts: FloatArray
    hard_splits: int


def edge_terms(pos: IntArray, edges: EdgeArrays, replicated: BoolArray | None = None) -> EdgeTerms:
    """The traffic terms of an assignment (see the module docstring)."""
    if len(edges) == 0:
        return EdgeTerms(0.0, 0.0, 0, 0.0, np.zeros(0), 0)
    a, b = pos[edges.src], pos[edges.dst]
    live = (a >= 0) & (b >= 0)
    if replicated is not None:
        live &= ~(replicated[edges.src] | replicated[edges.dst])
    a, b, w, hard = a[live], b[live], edges.weight[live], edges.hard[live]
    gap = np.abs(a - b)
    late = np.maximum(b - a, 0)
    k = int(pos.max()) + 1 if pos.size else 0
    diff = np.zeros(max(k, 1) + 1, dtype=np.float64)
    crossing = gap > 0
    np.add.at(diff, np.minimum(a, b)[crossing], w[crossing])
    np.add.at(diff, np.maximum(a, b)[crossing], -w[crossing])
    cuts = np.cumsum(diff)[: max(k - 1, 0)]
    return EdgeTerms(
        distance=float(np.dot(w, gap)),
        lateness=float(np.dot(w, late)),
        violations=int(np.count_nonzero(late)),
        violation_weight=float(w[late > 0].sum()),
        cuts=cuts,
        hard_splits=int(np.count_nonzero(hard & crossing)),
    )


def capacity_overflow(pos: IntArray, loads: FloatArray, limits: FloatArray) -> tuple[int, int]:
    """(workloads over, waves over) given per-workload ``loads`` and per-position ``limits``."""
    placed = pos >= 0
    if not placed.any():
        return 0, 0
    k = int(pos.max()) + 1
    sums = np.zeros((k, loads.shape[1]), dtype=np.float64)
    np.add.at(sums, pos[placed], loads[placed])
    over_rows = np.nonzero((sums > limits[:k] + 1e-9).any(axis=1))[0]
    total = 0
    for row in over_rows:
        members = np.nonzero(pos == row)[0]
        worst = 0
        for dim in np.nonzero(sums[row] > limits[row] + 1e-9)[0]:
            excess = sums[row, dim] - limits[row, dim]
            sizes = np.sort(loads[members, dim])[::-1]
            needed = int(np.searchsorted(np.cumsum(sizes), excess - 1e-9)) + 1
            worst = max(worst, min(needed, len(members)))
        total += worst
    return total, len(over_rows)


def compute_metrics(
    pos: IntArray,
    edges: EdgeArrays,
    loads: FloatArray,
    limits: FloatArray,
    *,
    replicated: BoolArray | None = None,
    peak_weight: float = 1.0,
    lateness_weight: float = 10.0,
) -> PlanMetrics:
    """All KPIs of a position array. ``limits`` has one row per position (``DIMENSIONS``)."""
    terms = edge_terms(pos, edges, replicated)
    over, waves_over = capacity_overflow(pos, loads, limits)
    peak = float(terms.cuts.max()) if terms.cuts.size else 0.0
    used = int(np.unique(pos[pos >= 0]).size)
    return PlanMetrics(
        waves=used,
        weighted_wave_distance=terms.distance,
        peak_cut=peak,
        cuts=tuple(float(c) for c in terms.cuts),
        precedence_violations=terms.violations,
        precedence_weight=terms.violation_weight,
        lateness=terms.lateness,
        capacity_overflow=over,
        hard_violations=terms.hard_splits + waves_over,
        objective=terms.distance + peak_weight * peak + lateness_weight * terms.lateness,
    )


def limits_matrix(doc: PlanDocument, positions: Sequence[int]) -> FloatArray:
    """One ``DIMENSIONS`` row of limits per 1-based wave position in ``positions``.

    A wave's ramp capacity follows its position in wave order (first wave = 1), which is
    what the validator checks too; it equals ``Wave.order`` when orders run 1, 2, 3, ...
    """
    rows = [wave_limits(doc.settings, position).vector() for position in positions]
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(DIMENSIONS))


def plan_metrics(doc: PlanDocument, replicated: set[WorkloadId] | None = None) -> PlanMetrics:
    """The KPIs of ``doc``'s current waves.

    ``replicated`` defaults to the shared services when the plan moves them to a foundation
    first (``settings.planner.shared_services == "foundation"``).
    """
    graph = build_graph(doc)
    waves = doc.waves_in_order()
    position = {w.id: k for k, w in enumerate(waves)}
    pos = np.array(
        [position.get(doc.workloads[wid].wave_id, -1) for wid in graph.ids],  # type: ignore[arg-type]
        dtype=np.int64,
    )
    if replicated is None and doc.settings.planner.shared_services == "foundation":
        from migplan.core.assess import shared_service_ids

        replicated = shared_service_ids(doc)
    mask = np.zeros(graph.n, dtype=np.bool_)
    for wid in replicated or ():
        if wid in graph.index:
            mask[graph.index[wid]] = True
    planner = doc.settings.planner
    return compute_metrics(
        pos,
        graph.edges,
        graph.loads,
        limits_matrix(doc, list(range(1, len(waves) + 1))),
        replicated=mask,
        peak_weight=planner.peak_weight,
        lateness_weight=planner.lateness_weight,
    )
