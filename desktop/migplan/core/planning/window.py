"""The CP-SAT model behind ``optimize``: move groups over a window of consecutive waves.

Groups outside the window stay where they are; their loads reduce the window's capacity and
their edges to window groups become per-wave costs and per-boundary cut constants. Within
the window (positions ``lo .. hi-1``):

* x_ik in {0, 1}, one wave per group, only waves the group may use (not locked, not
  foundation, no critical group in a pilot wave, environments kept apart);
* W_i = sum k x_ik; [W_i <= b] = sum_{k <= b} x_ik;
* capacity: for each wave and dimension, sum load_i x_ik <= limit - fixed load;
* DATA-GRAVITY: W_ai >= W_data for each pair the starting plan keeps (``_data_gravity``);
* objective (integer-scaled): per-wave costs to fixed neighbours, w |W_i - W_j| and
  lateness between window groups, and peak_weight * peak, where peak >= cut_b for every
  boundary; a cut between two window groups uses c_ijb >= |[W_i <= b] - [W_j <= b]|.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np

from migplan.core.document import PlanDocument
from migplan.core.ids import WaveId, WorkloadId
from migplan.core.models import Wave
from migplan.core.planning.atoms import build_atoms
from migplan.core.planning.capacity import DIMENSIONS, wave_limits
from migplan.core.planning.graph import FloatArray, IntArray
from migplan.core.planning.improve import UnitGraph, cut_profile
from migplan.core.planning.link import NEVER, LinkState, on_new
from migplan.core.planning.metrics import PlanMetrics, compute_metrics
from migplan.core.planning.problem import Problem, build_problem
from migplan.core.planning.proposal import Proposal
from migplan.core.progress import Progress

if TYPE_CHECKING:
    from ortools.sat.python import cp_model
    from ortools.sat.python.cp_model import IntVar

SCALE = 100.0


class Model:
    """Groups, waves and positions of a plan being refined."""

    def __init__(self, problem: Problem, waves: Sequence[Wave], node_pos: IntArray) -> None:
        self.problem = problem
        self.waves = list(waves)
        self.n_waves = len(self.waves)
        self.limits = self.limits_for(self.waves)
        self.node_pos = node_pos
        self.groups: list[list[int]] = []
        self.gpos = np.zeros(0, dtype=np.int64)
        self.last_stopped = False

    def limits_for(self, waves: Sequence[Wave]) -> FloatArray:
        """Limits by 1-based position in ``waves`` (see ``metrics.limits_matrix``)."""
        rows = [wave_limits(self.problem.settings, k + 1).vector() for k in range(len(waves))]
        return np.array(rows, dtype=np.float64).reshape(len(rows), len(DIMENSIONS))

    @property
    def n_groups(self) -> int:
        return len(self.groups)

    def set_groups(self, groups: list[list[int]], allowed: np.ndarray) -> None:
        self.groups = groups
        self.allowed = allowed
        loads = self.problem.graph.loads
        self.gloads = np.array([loads[g].sum(axis=0) for g in groups]).reshape(
            len(groups), loads.shape[1]
        )
        self.gprod = np.array([bool(self.problem.prod[g].any()) for g in groups], dtype=np.bool_)
        self.gpos = np.array([int(self.node_pos[g[0]]) for g in groups], dtype=np.int64)
        n = self.problem.n
        self.offset = len(groups)
        unit_of = self.offset + np.arange(n)
        for i, g in enumerate(groups):
            unit_of[g] = i
        unit_of = np.where(self.problem.replicated | (self.node_pos < 0), -1, unit_of)
        edges = self.problem.graph.edges
        self.graph = UnitGraph.build(unit_of, edges.src, edges.dst, edges.weight, self.offset + n)
        self.member = np.full(n, -1, dtype=np.int64)
        for i, g in enumerate(groups):
            self.member[g] = i

    def upos(self) -> IntArray:
        """Positions of every unit: groups, then single workloads."""
        return np.concatenate([self.gpos, self.node_pos])

    def set_positions(self, gpos: IntArray) -> None:
        self.gpos = gpos.copy()
        for i, g in enumerate(self.groups):
            self.node_pos[g] = self.gpos[i]

    def exact(self) -> PlanMetrics:
        planner = self.problem.settings.planner
        return compute_metrics(
            self.node_pos,
            self.problem.graph.edges,
            self.problem.graph.loads,
            self.limits,
            replicated=self.problem.replicated,
            peak_weight=planner.peak_weight,
            lateness_weight=planner.lateness_weight,
        )

    def link_state(self) -> LinkState:
        """The hybrid-link load of the current positions (the LINK rule of
        ``planning.link``; workloads in no wave stay legacy), one state kept for the model."""
        if not hasattr(self, "_link"):
            settings = self.problem.settings.network
            self._link = LinkState(
                self.problem.link_edges, self.problem.targets, settings.usable_mbps
            )
            self._link.grow(max(self.n_waves, 1))
        link = self._link
        link.pos[:] = np.where(self.node_pos >= 0, self.node_pos, NEVER)
        link.recompute()
        return link

    def link_peak(self) -> float:
        """The most the hybrid link carries after any wave of the current positions."""
        link = self.link_state()
        return float(max(link.load.max(initial=0.0), link.tail))

    def assignment(self) -> dict[WorkloadId, WaveId]:
        ids = self.problem.graph.ids
        return {
            ids[v]: self.waves[int(k)].id for v, k in enumerate(self.node_pos.tolist()) if k >= 0
        }


def build_model(doc: PlanDocument, proposal: Proposal, shared: set[WorkloadId]) -> Model:
    """Groups of movable workloads (atoms cut by the starting plan) and where they may go."""
    problem = build_problem(doc, shared)
    rank = {w.id: k for k, w in enumerate(proposal.waves)}
    node_pos = np.array(
        [rank.get(proposal.assignment.get(wid, WaveId("")), -1) for wid in problem.graph.ids],
        dtype=np.int64,
    )
    model = Model(problem, proposal.waves, node_pos)
    foundation = {rank[w] for w in proposal.foundation_waves if w in rank}
    # A plan read from a document does not say which waves are foundations: a wave that
    # holds only shared services is one.
    for k in range(model.n_waves):
        members = node_pos == k
        if members.any() and (problem.shared | problem.replicated)[members].all():
            foundation.add(k)
    locked = {k for k, w in enumerate(proposal.waves) if w.locked}
    movable = problem.movable & (node_pos >= 0) & ~problem.shared & ~problem.replicated
    for k in foundation | locked:
        movable &= node_pos != k
    atoms = build_atoms(problem, np.nonzero(movable)[0], shared=False)
    groups: list[list[int]] = []
    for atom in atoms.atoms:
        by_pos: dict[int, list[int]] = {}
        for v in atom.nodes:
            by_pos.setdefault(int(node_pos[v]), []).append(v)
        groups.extend(by_pos[k] for k in sorted(by_pos))
    first = max(foundation) + 1 if foundation else 0
    pilots = set(range(first, first + problem.settings.planner.pilot_waves))
    allowed = np.ones((len(groups), model.n_waves), dtype=np.bool_)
    for k in foundation | locked:
        allowed[:, k] = False
    for i, g in enumerate(groups):
        if problem.critical[g].any():
            for k in pilots:
                if k < model.n_waves:
                    allowed[i, k] = False
        allowed[i, int(node_pos[g[0]])] = True
    model.set_groups(groups, allowed)
    return model


def solve_window(model: Model, lo: int, hi: int, time_limit: float, progress: Progress) -> bool:
    """Re-solve groups placed in waves ``lo .. hi-1``; True when positions changed."""
    from ortools.sat.python import cp_model

    hi = min(hi, model.n_waves)
    inside = np.nonzero((model.gpos >= lo) & (model.gpos < hi))[0]
    if inside.size < 2 or hi - lo < 2:
        model.last_stopped = False
        return False
    ks = list(range(lo, hi))
    planner = model.problem.settings.planner
    lam_l, lam_p = planner.lateness_weight, planner.peak_weight
    g = model.graph
    upos = model.upos()
    local = {int(i): n for n, i in enumerate(inside)}
    cp = cp_model.CpModel()
    x: list[dict[int, IntVar]] = []
    for i in inside.tolist():
        row = {k: cp.new_bool_var(f"x{i}_{k}") for k in ks if model.allowed[i, k]}
        cp.add_exactly_one(row.values())
        cp.add_hint(row[int(model.gpos[i])], 1)
        for k, var in row.items():
            if k != int(model.gpos[i]):
                cp.add_hint(var, 0)
        x.append(row)
    _capacity(cp, model, inside, x, ks)
    # A wave never empties: later waves would move up the ramp (and lose capacity).
    others = np.bincount(model.node_pos[model.node_pos >= 0], minlength=model.n_waves)
    for i in inside.tolist():
        others[model.gpos[i]] -= len(model.groups[i])
    for k in ks:
        if others[k] == 0 and any(int(model.gpos[i]) == k for i in inside.tolist()):
            cp.add(sum(row[k] for row in x if k in row) >= 1)
    _environments(cp, model, inside, x, ks)
    _link(cp, model, inside, x, lo, hi)
    # Fixed neighbours: per-wave costs and per-boundary cut terms.
    bounds = list(range(lo, hi - 1))
    blank = upos.copy()
    blank[inside] = -1
    fixed_cut = cut_profile(blank, g, model.n_waves)
    current = cut_profile(upos, g, model.n_waves)
    outside = [float(current[b]) for b in range(len(current)) if b < lo or b >= hi - 1]
    cut_terms: list[list[tuple[int, cp_model.LinearExpr]]] = [[] for _ in bounds]
    cut_const = [float(fixed_cut[b]) for b in bounds]
    objective: list[tuple[int, cp_model.LinearExpr]] = []
    pairs: list[tuple[int, int, float, float, float]] = []
    for n, i in enumerate(inside.tolist()):
        s, e = g.start[i], g.start[i + 1]
        nbr, wo, wi = g.nbr[s:e], g.w_out[s:e], g.w_in[s:e]
        pn = upos[nbr]
        ing = np.array([int(j) in local for j in nbr.tolist()], dtype=np.bool_)
        fixed = (pn >= 0) & ~ing
        for j, a, b in zip(nbr[ing].tolist(), wo[ing].tolist(), wi[ing].tolist(), strict=True):
            if local[j] > n:  # each pair once
                pairs.append((n, local[j], a + b, a, b))
        if fixed.any():
            pf, fo, fi = pn[fixed], wo[fixed], wi[fixed]
            _keep_order_with_fixed(cp, x[n], int(model.gpos[i]), pf, fo, fi)
            wt = fo + fi
            for k, var in x[n].items():
                cost = float(
                    np.abs(k - pf) @ wt
                    + lam_l * (np.maximum(pf - k, 0) @ fo + np.maximum(k - pf, 0) @ fi)
                )
                if cost:
                    objective.append((round(cost * SCALE), var))
            for t, b in enumerate(bounds):
                before = float(wt[pf <= b].sum())
                after = float(wt[pf > b].sum())
                cut_const[t] += before
                le = sum(var for k, var in x[n].items() if k <= b)
                if after - before and not isinstance(le, int):
                    cut_terms[t].append((round((after - before) * SCALE), le))
    W = [sum(k * var for k, var in row.items()) for row in x]
    _data_gravity(cp, model, local, x, W)
    extra: list[tuple[int, cp_model.LinearExpr]] = []
    top = hi - 1 - lo
    gpos = [int(model.gpos[i]) for i in inside.tolist()]
    for a, b, w, w_ab, w_ba in pairs:
        # PRECEDENCE, hard where the starting plan keeps it: never made late by the solver.
        if w_ab and gpos[b] <= gpos[a]:
            cp.add(W[b] <= W[a])
        if w_ba and gpos[a] <= gpos[b]:
            cp.add(W[a] <= W[b])
        d = cp.new_int_var(0, top, f"d{a}_{b}")
        cp.add(d >= W[a] - W[b])
        cp.add(d >= W[b] - W[a])
        extra.append((round(w * SCALE), d))
        if w_ab:  # a depends on b: late when b after a
            late = cp.new_int_var(0, top, f"l{a}_{b}")
            cp.add(late >= W[b] - W[a])
            extra.append((round(lam_l * w_ab * SCALE), late))
        if w_ba:
            late = cp.new_int_var(0, top, f"l{b}_{a}")
            cp.add(late >= W[a] - W[b])
            extra.append((round(lam_l * w_ba * SCALE), late))
        if lam_p:
            for t, bnd in enumerate(bounds):
                la = sum(var for k, var in x[a].items() if k <= bnd)
                lb = sum(var for k, var in x[b].items() if k <= bnd)
                c = cp.new_bool_var("")
                cp.add(c >= la - lb)
                cp.add(c >= lb - la)
                cut_terms[t].append((round(w * SCALE), c))
    # Objective x10 so that a fractional peak weight stays an integer coefficient.
    terms = [(10 * c, v) for c, v in objective + extra]
    if lam_p:
        peak = cp.new_int_var(0, 2**40, "peak")
        cp.add(peak >= round(max(outside, default=0.0) * SCALE))
        for t in range(len(bounds)):
            cp.add(peak >= round(cut_const[t] * SCALE) + sum(c * v for c, v in cut_terms[t]))
        terms.append((max(1, round(lam_p * 10)), peak))
    cp.minimize(sum(c * v for c, v in terms))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit)
    solver.parameters.num_workers = max(1, min(8, os.cpu_count() or 1))
    callback = _stopper(progress)
    with _stop_on_cancel(solver, progress):
        status = solver.solve(cp, callback)
    model.last_stopped = status != cp_model.OPTIMAL
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False
    new = model.gpos.copy()
    for n, i in enumerate(inside.tolist()):
        new[i] = next(k for k, var in x[n].items() if solver.value(var))
    if np.array_equal(new, model.gpos):
        return False
    model.set_positions(new)
    return True


def _link(
    cp: cp_model.CpModel,
    model: Model,
    inside: IntArray,
    x: list[dict[int, IntVar]],
    lo: int,
    hi: int,
) -> None:
    """LINK as constraints: after each boundary the window can change, the hybrid link
    carries no more than its usable share (or than the starting plan, where that was over).

    The load is the rule of ``planning.link``: edges between a window group and a workload
    outside it give, for each wave the group may take, a load per boundary computed with the
    rule itself; edges between two window groups load a boundary when it separates them
    (counted whenever either end goes to the new platform: never less than the rule);
    everything else is a constant.
    """
    bounds = list(range(lo, hi - 1))
    if not bounds:
        return
    problem = model.problem
    e = problem.link_edges
    link = model.link_state()
    group = np.full(problem.n, -1, dtype=np.int64)
    for n, i in enumerate(inside.tolist()):
        group[model.groups[i]] = n
    ga = np.where(e.a >= 0, group[np.maximum(e.a, 0)], -1)
    gb = np.where(e.b >= 0, group[np.maximum(e.b, 0)], -1)
    gpos = [int(model.gpos[i]) for i in inside.tolist()]
    terms: list[list[tuple[int, IntVar]]] = [[] for _ in bounds]
    #: Window-dependent load at the starting plan, exact (Mbit/s) and as the model counts it.
    exact_now = np.zeros(len(bounds))
    model_now = [0] * len(bounds)
    # window group <-> outside: one load profile per wave the group may take
    for n, i in enumerate(inside.tolist()):
        edges = np.flatnonzero(((ga == n) & (gb < 0)) | ((gb == n) & (ga < 0)))
        if edges.size == 0:
            continue
        for k, var in x[n].items():
            prof = link.profile(edges, model.groups[i], k)
            for t, b in enumerate(bounds):
                c = math.ceil(prof[b] * SCALE - 1e-6)
                if c:
                    terms[t].append((c, var))
                if k == gpos[n]:
                    exact_now[t] += prof[b]
                    model_now[t] += c
    # window group <-> window group: a boundary between them puts their traffic on the link
    ta = problem.targets[np.maximum(e.a, 0)]
    tb = problem.targets[np.maximum(e.b, 0)]
    both = (ga >= 0) & (gb >= 0) & (ga != gb) & (on_new(ta) | on_new(tb))
    weights: dict[tuple[int, int], float] = {}
    for a, b, w in zip(ga[both].tolist(), gb[both].tolist(), e.mbps[both].tolist(), strict=True):
        key = (min(a, b), max(a, b))
        weights[key] = weights.get(key, 0.0) + w
    for (a, b), w in sorted(weights.items()):
        c = math.ceil(w * SCALE - 1e-6)
        for t, bnd in enumerate(bounds):
            cut = cp.new_bool_var("")
            la = sum(var for k, var in x[a].items() if k <= bnd)
            lb = sum(var for k, var in x[b].items() if k <= bnd)
            cp.add(cut >= la - lb)
            cp.add(cut >= lb - la)
            terms[t].append((c, cut))
            if (gpos[a] <= bnd) != (gpos[b] <= bnd):
                model_now[t] += c
        # (their exact load at the start is in ``link.load`` and left out of the constant)
    pair_now = _pair_load(link, ga, gb, bounds)
    usable = problem.settings.network.usable_mbps
    for t, b in enumerate(bounds):
        if not terms[t]:
            continue
        constant = float(link.load[b]) - float(exact_now[t]) - float(pair_now[t])
        room = max(usable, float(link.load[b])) - constant
        rhs = max(math.floor(room * SCALE + 1e-6), model_now[t])  # the start stays feasible
        cp.add(sum(c * v for c, v in terms[t]) <= rhs)


def _pair_load(link: LinkState, ga: IntArray, gb: IntArray, bounds: list[int]) -> FloatArray:
    """Exact load per boundary of the edges between two window groups, at the start."""
    edges = np.flatnonzero((ga >= 0) & (gb >= 0) & (ga != gb))
    out = np.zeros(len(bounds))
    if edges.size:
        out[:] = link.profile(edges)[bounds]
    return out


def _data_gravity(
    cp: cp_model.CpModel,
    model: Model,
    local: dict[int, int],
    x: list[dict[int, IntVar]],
    W: Sequence[cp_model.LinearExpr | int],
) -> None:
    """DATA-GRAVITY (``problem.gravity``, the validator's pairs), hard where the starting
    plan keeps it: an AI group never moves before a data group it reads, nor before the
    wave of data outside the window; a data group never after the wave of an AI workload
    outside the window that reads it."""
    pos = model.node_pos
    for ai, data in zip(*(side.tolist() for side in model.problem.gravity), strict=True):
        pa, pd = int(pos[ai]), int(pos[data])
        if pa < 0 or pd < 0 or pd > pa:
            continue  # the AI workload is in no wave, or the start already breaks the rule
        na, nd = local.get(int(model.member[ai])), local.get(int(model.member[data]))
        if na is not None and nd is not None:
            if na != nd:
                cp.add(W[nd] <= W[na])
        elif na is not None:
            for k, var in x[na].items():
                if k < pd:
                    cp.add(var == 0)
        elif nd is not None:
            for k, var in x[nd].items():
                if k > pa:
                    cp.add(var == 0)


def _keep_order_with_fixed(
    cp: cp_model.CpModel,
    row: dict[int, IntVar],
    now: int,
    fixed_pos: IntArray,
    w_out: FloatArray,
    w_in: FloatArray,
) -> None:
    """PRECEDENCE against groups outside the window: a group that moves no earlier than
    what it depends on (and no later than what depends on it) keeps doing so."""
    low = max(
        (int(p) for p, w in zip(fixed_pos.tolist(), w_out.tolist(), strict=True) if w and p <= now),
        default=None,
    )
    high = min(
        (int(p) for p, w in zip(fixed_pos.tolist(), w_in.tolist(), strict=True) if w and p >= now),
        default=None,
    )
    for k, var in row.items():
        if (low is not None and k < low) or (high is not None and k > high):
            cp.add(var == 0)


def _capacity(
    cp: cp_model.CpModel,
    model: Model,
    inside: IntArray,
    x: list[dict[int, IntVar]],
    ks: list[int],
) -> None:
    fixed = np.zeros((model.n_waves, model.limits.shape[1]))
    placed = model.node_pos >= 0
    np.add.at(fixed, model.node_pos[placed], model.problem.graph.loads[placed])
    for i in inside.tolist():
        fixed[model.gpos[i]] -= model.gloads[i]
    for k in ks:
        if (fixed[k] > model.limits[k] + 1e-9).any():
            # Already over capacity without the window: it takes no one new.
            for n, i in enumerate(inside.tolist()):
                if k in x[n] and int(model.gpos[i]) != k:
                    cp.add(x[n][k] == 0)
        for d in range(model.limits.shape[1]):
            cap = model.limits[k, d]
            if not math.isfinite(cap):
                continue
            coeffs: list[tuple[int, IntVar]] = []
            now = 0
            for n, i in enumerate(inside.tolist()):
                if k in x[n] and model.gloads[i, d] > 0:
                    c = math.ceil(model.gloads[i, d] * SCALE - 1e-6)
                    coeffs.append((c, x[n][k]))
                    now += c if int(model.gpos[i]) == k else 0
            if not coeffs:
                continue
            # Never tighter than what the current plan already uses (rounding).
            rhs = max(math.floor((cap - fixed[k, d]) * SCALE + 1e-6), now)
            cp.add(sum(c * v for c, v in coeffs) <= rhs)


def _environments(
    cp: cp_model.CpModel,
    model: Model,
    inside: IntArray,
    x: list[dict[int, IntVar]],
    ks: list[int],
) -> None:
    if not model.problem.settings.planner.separate_environments:
        return
    prod = model.problem.prod
    members = set()
    for i in inside.tolist():
        members.update(model.groups[i])
    for k in ks:
        fixed = [v for v in np.nonzero(model.node_pos == k)[0].tolist() if v not in members]
        envs = {bool(prod[v]) for v in fixed}
        y = None if envs else cp.new_bool_var(f"prod{k}")
        for n, i in enumerate(inside.tolist()):
            var = x[n].get(k)
            if var is None or (int(model.gpos[i]) == k and envs):
                continue
            mine = bool(model.gprod[i])
            if envs:
                if envs != {mine}:
                    cp.add(var == 0)
            elif y is not None and mine:
                cp.add(var <= y)
            elif y is not None:
                cp.add(var + y <= 1)


def _stopper(progress: Progress) -> cp_model.CpSolverSolutionCallback:
    """A solution callback that stops the search when the user cancels."""
    from ortools.sat.python import cp_model

    class Stop(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            if progress.cancelled:
                self.stop_search()

    return Stop()


@contextmanager
def _stop_on_cancel(solver: cp_model.CpSolver, progress: Progress) -> Iterator[None]:
    """Stop ``solver`` within a tenth of a second of a cancel, even while it proves a bound
    and finds no new solution (the solution callback alone would wait for the next one)."""
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.1):
            if progress.cancelled:
                solver.stop_search()
                return

    watcher = threading.Thread(target=watch, name="cp-sat-cancel", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()
