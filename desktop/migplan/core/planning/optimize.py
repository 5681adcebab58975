"""Refining a plan with OR-Tools CP-SAT on move groups (planning.md section 1.5).

``optimize`` keeps the waves of its starting plan (a ``Proposal``, or the document's current
waves) and moves *move groups* between them: hard-affinity atoms as the planner builds them,
cut where the starting plan already splits them. Locked waves, pinned workloads, foundation
waves and shared services kept with bridges never move.

The exact model (``window.py``) has x_ik in {0, 1} per group and wave, every capacity row,
environment separation, pilot waves, DATA-GRAVITY, and the objective J = sum w |dW| + peak_weight * peak
cut + lateness_weight * sum w lateness, with the cut at each boundary built from the
indicators [W <= k]. With more than ``window_groups`` groups it runs as a large-neighbourhood
search: windows of consecutive waves are re-solved one after another, each warm-started with
``AddHint`` from the current plan, and a window's answer is kept only when the exact J of the
whole plan drops and no capacity overflows. So the result is never worse than the start.

Cancelling (``progress.cancelled``) stops the running solve and returns the best plan so far.

The time budget is the most it takes. It stops before only when nothing is left to find: one
window covers the whole plan and CP-SAT proves its answer optimal, or nothing may move. A
plan solved in windows runs to its budget (a window proved optimal says nothing of the plan).
The result's ``optimised`` says which (``OptimiseRun``), for the user to read before applying.
"""

from __future__ import annotations

import random
import time
from dataclasses import replace

import numpy as np

from migplan.core.document import PlanDocument
from migplan.core.ids import WaveId, WorkloadId
from migplan.core.planning.metrics import PlanMetrics, compute_metrics, plan_metrics
from migplan.core.planning.proposal import (
    CoordinatedCutover,
    OptimiseEnd,
    OptimiseRun,
    Proposal,
    Unplaceable,
)
from migplan.core.planning.window import Model, build_model, solve_window
from migplan.core.progress import Cancelled, NullProgress, Progress


def proposal_from_doc(doc: PlanDocument, metrics: PlanMetrics | None = None) -> Proposal:
    """The document's current waves as a proposal (the starting point of a refinement)."""
    assignment = {
        wid: wl.wave_id for wid, wl in sorted(doc.workloads.items()) if wl.wave_id is not None
    }
    unplaced = tuple(
        Unplaceable(wid, wl.name, "in no wave in the plan being refined")
        for wid, wl in sorted(doc.workloads.items())
        if wl.wave_id is None
    )
    return Proposal(
        waves=tuple(doc.waves_in_order()),
        new_waves=(),
        removed_waves=(),
        assignment=assignment,
        unplaceable=unplaced,
        cutovers=(),
        metrics=metrics or plan_metrics(doc),
        revision=doc.revision,
    )


def optimize(
    doc: PlanDocument,
    proposal: Proposal | None = None,
    time_limit_s: float = 60.0,
    progress: Progress | None = None,
    *,
    shared_ids: set[WorkloadId] | None = None,
    window_groups: int = 80,
    seed: int = 0,
) -> Proposal:
    """Refine ``proposal`` (default: the document's current waves) within ``time_limit_s``."""
    progress = progress or NullProgress()
    began = time.monotonic()
    deadline = began + max(0.0, time_limit_s)
    if shared_ids is None:
        from migplan.core.assess import shared_service_ids

        shared_ids = shared_service_ids(doc)
    if proposal is None:
        proposal = proposal_from_doc(doc)
    model = build_model(doc, proposal, shared_ids)

    def run(ended: OptimiseEnd, windows: int = 0, accepted: int = 0) -> OptimiseRun:
        return OptimiseRun(time_limit_s, time.monotonic() - began, ended, windows, accepted)

    if model.n_groups == 0 or model.n_waves < 2:
        return replace(proposal, optimised=run("fixed"))
    best = model.exact()
    start_objective = best.objective
    # LINK is no part of the CP-SAT objective: a window's answer is kept only when the
    # link is not loaded more than the usable share (or than the start, if that was over).
    link_cap = max(model.problem.settings.network.usable_mbps, model.link_peak()) + 1e-6
    rng = random.Random(seed)
    windows = 0
    accepted = 0
    ended: OptimiseEnd = "budget"
    spans = _spans(model, window_groups)
    while time.monotonic() < deadline - 0.05:
        if progress.cancelled:
            ended = "cancelled"
            break
        left = deadline - time.monotonic()
        if not spans:
            ended = "fixed"
            break
        lo, hi = spans[windows % len(spans)]
        if windows >= len(spans):
            # After one sweep, shift windows so their borders fall elsewhere.
            shift = rng.randint(0, max(0, (hi - lo) // 2))
            lo, hi = max(0, lo - shift), max(1, hi - shift)
        per_window = left if len(spans) == 1 else min(left, max(2.0, time_limit_s / 12))
        try:
            progress.step(
                int(time.monotonic() - began),
                int(max(time_limit_s, 1)),
                f"Optimising: {time.monotonic() - began:.0f} s of at most {time_limit_s:.0f} s",
            )
        except Cancelled:
            ended = "cancelled"
            break  # keep the best plan found so far
        snapshot = model.gpos.copy()
        kept = True
        if solve_window(model, lo, hi, per_window, progress):
            trial = model.exact()
            if (
                trial.objective < best.objective - 1e-6
                and trial.capacity_overflow <= best.capacity_overflow
                and trial.precedence_violations <= best.precedence_violations
                and model.link_peak() <= link_cap
            ):
                best = trial
                accepted += 1
            else:
                model.set_positions(snapshot)
                kept = False
        windows += 1
        if progress.cancelled:
            ended = "cancelled"
            break
        # One window is the whole plan: CP-SAT proved its answer optimal (or had nothing to
        # move), so no time left can find better. An answer refused by the exact checks
        # proves nothing: the search goes on.
        if len(spans) == 1 and not model.last_stopped and kept:
            ended = "optimal"
            break
    if best.objective >= start_objective - 1e-6:
        return replace(
            proposal,
            seconds=proposal.seconds + time.monotonic() - began,
            optimised=run(ended, windows, accepted),
        )
    out = _result(model, proposal, best, time.monotonic() - began, windows, accepted)
    return replace(out, optimised=run(ended, windows, accepted))


def _spans(model: Model, window_groups: int) -> list[tuple[int, int]]:
    """Consecutive-wave windows (lo, hi exclusive) holding at most ``window_groups`` groups."""
    counts = np.bincount(model.gpos, minlength=model.n_waves)
    if model.n_groups <= window_groups:
        return [(0, model.n_waves)]
    out: list[tuple[int, int]] = []
    lo = 0
    while lo < model.n_waves - 1:
        hi, total = lo, 0
        while hi < model.n_waves and (hi - lo < 2 or total + counts[hi] <= window_groups):
            total += int(counts[hi])
            hi += 1
            if hi - lo >= 8:
                break
        out.append((lo, hi))
        lo = max(lo + 1, (lo + hi) // 2)
    return out


def _result(
    model: Model,
    proposal: Proposal,
    best: PlanMetrics,
    seconds: float,
    windows: int,
    accepted: int,
) -> Proposal:
    """The refined proposal: same waves minus new ones left empty, new assignment, metrics."""
    assignment = model.assignment()
    used = set(assignment.values())
    new_ids = {w.id for w in proposal.new_waves}
    waves = tuple(w for w in proposal.waves if w.id in used or w.id not in new_ids)
    keep = {w.id for w in waves}
    rank = {w.id: k for k, w in enumerate(waves)}
    pos = np.array(
        [rank.get(assignment.get(wid, WaveId("")), -1) for wid in model.problem.graph.ids],
        dtype=np.int64,
    )
    planner = model.problem.settings.planner
    metrics = compute_metrics(
        pos,
        model.problem.graph.edges,
        model.problem.graph.loads,
        model.limits_for(waves),
        replicated=model.problem.replicated,
        peak_weight=planner.peak_weight,
        lateness_weight=planner.lateness_weight,
    )
    cutovers = tuple(
        CoordinatedCutover(
            c.workload_ids,
            tuple(w.id for w in waves if w.id in {assignment.get(x) for x in c.workload_ids}),
            c.reason,
        )
        for c in proposal.cutovers
    )
    return replace(
        proposal,
        waves=waves,
        new_waves=tuple(w for w in proposal.new_waves if w.id in keep),
        assignment=assignment,
        cutovers=cutovers,
        metrics=metrics,
        seconds=proposal.seconds + seconds,
        stats={**proposal.stats, "optimise_windows": windows, "optimise_accepted": accepted},
    )
