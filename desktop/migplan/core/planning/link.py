"""The LINK rule: the hybrid link never carries more than its usable share while a phase runs.

Definition (one place, used by the validator through ``bridges.phase_loads`` and by the
planner through ``LinkState``). A workload runs on the legacy side until its wave has run,
then on its target. For one dependency whose ends land in phases ``lo <= hi`` (an end that
never lands in the plan -- retained, external, unplanned -- lands "never"):

* from ``lo`` until ``hi`` the link carries it when the end landing first went to the new
  platform (a VM on Kubernetes or a container) -- unless that end is a replicated shared
  service, which is then on both sides at once;
* from ``hi`` on it carries it for good when one end stays legacy and the other is on the
  new platform (and neither is a replicated shared service).

While phase k runs the link carries the larger of its load before and after the phase, so a
plan keeps the rule when the load after every phase is at most the usable share.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from migplan.core.planning.graph import BoolArray, FloatArray, IntArray

#: Position of an end that never lands in the plan (retained, external, left out).
NEVER = 1 << 40
#: Position of a movable end the planner has not placed yet (see ``LinkState``).
PENDING = -1

#: Platform codes (``assess.index.Platform``): legacy, VM on Kubernetes, container, retired.
LEGACY, KUBEVIRT, CONTAINER, GONE = 0, 1, 2, 3

_EPS = 1e-6


def on_new(target: IntArray) -> BoolArray:
    out: BoolArray = (target == KUBEVIRT) | (target == CONTAINER)
    return out


def hybrid_pair(ta: IntArray, tb: IntArray) -> BoolArray:
    """One end on the legacy side, the other on the new platform."""
    out: BoolArray = (on_new(ta) & (tb == LEGACY)) | (on_new(tb) & (ta == LEGACY))
    return out


@dataclass(frozen=True)
class Intervals:
    """Per edge: the link carries it on [lo, hi) where ``during`` and on [hi, end) where
    ``after`` (positions are phases or slots; ``NEVER`` for an end that does not land)."""

    lo: IntArray
    hi: IntArray
    during: BoolArray
    after: BoolArray


def link_intervals(
    ra: IntArray, rb: IntArray, ta: IntArray, tb: IntArray, rep_a: BoolArray, rep_b: BoolArray
) -> Intervals:
    """The LINK rule for edges with end positions ``ra``/``rb``, targets ``ta``/``tb`` and
    replicated-shared-service flags ``rep_a``/``rep_b`` (at most one of them set per edge)."""
    a_first = ra <= rb
    lo = np.where(a_first, ra, rb)
    hi = np.where(a_first, rb, ra)
    t_lo = np.where(a_first, ta, tb)
    t_hi = np.where(a_first, tb, ta)
    rep = rep_a | rep_b
    lo_is_shared = np.where(a_first, rep_a, rep_b)
    during = on_new(t_lo) & ~(rep & lo_is_shared)
    after = hybrid_pair(t_lo, t_hi) & ~rep
    return Intervals(lo, hi, during, after)


@dataclass
class LinkEdges:
    """The validator's dependency edges in planner node numbering (-1: an external end)."""

    a: IntArray
    b: IntArray
    mbps: FloatArray
    rep_a: BoolArray
    rep_b: BoolArray

    @classmethod
    def empty(cls) -> LinkEdges:
        z = np.zeros(0, dtype=np.int64)
        f = np.zeros(0, dtype=np.bool_)
        return cls(z, z.copy(), np.zeros(0), f, f.copy())


class LinkState:
    """Link load after each slot while the planner places workloads, kept incrementally.

    A workload is placed (in a slot), *pending* (movable, not placed yet) or never moves
    (retained, external, unplaceable). ``load[j]`` is the load once slot j has landed, where
    a pending end of an edge is taken to land in the slot right after its placed end: the
    edge then loads only that one boundary, which is exactly what the link carries if the
    wave closed now. Every later placement that makes the edge cross more boundaries raises
    those loads, and is checked when it happens, so a plan built only from placements that
    ``fits`` accepts keeps the rule. ``tail`` is the load after the last slot (the end state:
    edges to workloads that never move).
    """

    def __init__(self, edges: LinkEdges, targets: IntArray, usable_mbps: float) -> None:
        n = int(targets.size)
        self.usable = usable_mbps
        self.targets = targets
        # Index n stands for every external end: it never lands and stays legacy.
        self._pos = np.full(n + 1, NEVER, dtype=np.int64)
        self.pos = self._pos[:n]
        self.e = edges
        self._ia = np.where(edges.a < 0, n, edges.a)
        self._ib = np.where(edges.b < 0, n, edges.b)
        target_x = np.append(targets, LEGACY)
        self._ta = target_x[self._ia]
        self._tb = target_x[self._ib]
        ends = np.concatenate([edges.a, edges.b])
        ids = np.concatenate([np.arange(edges.a.size), np.arange(edges.b.size)])
        keep = ends >= 0
        ends, ids = ends[keep], ids[keep]
        order = np.argsort(ends, kind="stable")
        self._inc = ids[order]
        self._bounds = np.searchsorted(ends[order], np.arange(n + 1))
        self.load = np.zeros(0)
        self.tail = 0.0
        self._mark = np.zeros(n + 1, dtype=np.bool_)
        #: Traffic on each workload's edges: no move of it can raise any load by more.
        self._traffic = np.bincount(
            ends, weights=edges.mbps[ids] if ids.size else None, minlength=n
        ).astype(np.float64)
        self._peak = 0.0

    # -- the rule applied to a set of edges -------------------------------------------

    def _ends(
        self, edges: IntArray, moved: bool, where: int
    ) -> tuple[IntArray, IntArray, IntArray, IntArray]:
        ia, ib = self._ia[edges], self._ib[edges]
        pa, pb = self._pos[ia], self._pos[ib]
        if moved:
            pa = np.where(self._mark[ia], where, pa)
            pb = np.where(self._mark[ib], where, pb)
        # A pending end lands right after the placed one; next to a pending or never end
        # it is legacy like the other.
        wait_a, wait_b = pa == PENDING, pb == PENDING
        pa = np.where(wait_a, np.where(wait_b | (pb >= NEVER), NEVER, pb + 1), pa)
        pb = np.where(wait_b, np.where(wait_a | (pa >= NEVER), NEVER, pa + 1), pb)
        return pa, pb, self._ta[edges], self._tb[edges]

    def _profile(
        self, edges: IntArray, pa: IntArray, pb: IntArray, ta: IntArray, tb: IntArray, size: int
    ) -> FloatArray:
        iv = link_intervals(pa, pb, ta, tb, self.e.rep_a[edges], self.e.rep_b[edges])
        w = self.e.mbps[edges]
        end = size + 1  # index ``size`` collects the tail
        lo = np.minimum(iv.lo, end)
        hi = np.minimum(iv.hi, end)
        m, after = iv.during, iv.after
        diff = (
            np.bincount(lo[m], w[m], minlength=end + 1)
            - np.bincount(hi[m], w[m], minlength=end + 1)
            + np.bincount(hi[after], w[after], minlength=end + 1)
        )
        out: FloatArray = np.cumsum(diff, dtype=np.float64)[: size + 1]
        return out

    def incident(self, nodes: list[int]) -> IntArray:
        """The link edges touching ``nodes``, each once."""
        parts = [self._inc[self._bounds[v] : self._bounds[v + 1]] for v in nodes]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        out: IntArray = np.unique(np.concatenate(parts))
        return out

    def delta(self, nodes: list[int], where: int) -> FloatArray:
        """Change of ``load`` (and, last, of ``tail``) if ``nodes`` move to slot ``where``
        (or become ``PENDING`` again, or ``NEVER`` move)."""
        size = self.load.size
        edges = self.incident(nodes)
        if edges.size == 0:
            return np.zeros(size + 1)
        self._mark[nodes] = True
        try:
            before = self._profile(edges, *self._ends(edges, False, where), size)
            after = self._profile(edges, *self._ends(edges, True, where), size)
        finally:
            self._mark[nodes] = False
        out: FloatArray = after - before
        return out

    def profile(
        self, edges: IntArray, nodes: list[int] | None = None, where: int = 0
    ) -> FloatArray:
        """Load per slot (and, last, the tail) that ``edges`` alone put on the link, with
        ``nodes`` moved to ``where`` when given (the CP-SAT model builds its LINK rows so)."""
        if nodes is None:
            return self._profile(edges, *self._ends(edges, False, where), self.load.size)
        self._mark[nodes] = True
        try:
            return self._profile(edges, *self._ends(edges, True, where), self.load.size)
        finally:
            self._mark[nodes] = False

    def set_pending(self, nodes: list[int]) -> None:
        """Mark not-yet-placed movable workloads, all at once, and recompute every load."""
        self.pos[nodes] = PENDING
        self.recompute()

    def recompute(self) -> None:
        """Every load from scratch (one pass over all edges)."""
        edges = np.arange(self.e.a.size, dtype=np.int64)
        size = self.load.size
        profile = self._profile(edges, *self._ends(edges, False, 0), size)
        self.load = profile[:-1].copy()
        self.tail = float(profile[-1])
        self._peak = max(float(self.load.max(initial=0.0)), self.tail)

    # -- what the planner asks ----------------------------------------------------------

    def fits(self, nodes: list[int], where: int) -> bool:
        """True when moving ``nodes`` to ``where`` raises no load above the usable share
        (a load already above it may only fall)."""
        if self._peak + float(self._traffic[nodes].sum()) <= self.usable + _EPS:
            return True  # even every edge of theirs added to the busiest slot fits
        d = self.delta(nodes, where)
        rises = d > _EPS
        if not rises.any():
            return True
        current = np.append(self.load, self.tail)
        return bool((current[rises] + d[rises] <= self.usable + _EPS).all())

    def place(self, nodes: list[int], where: int) -> None:
        d = self.delta(nodes, where)
        self.load += d[:-1]
        self.tail += float(d[-1])
        self.pos[nodes] = where
        self._peak = max(float(self.load.max(initial=0.0)), self.tail)

    def grow(self, size: int) -> None:
        """Make room for slots up to ``size`` (new slots carry the end-state load)."""
        if size > self.load.size:
            self.load = np.append(self.load, np.full(size - self.load.size, self.tail))
            self._peak = max(float(self.load.max(initial=0.0)), self.tail)

    def heaviest_behind(self, nodes: list[int], name: Callable[[int], str], limit: int = 3) -> str:
        """The workloads that never move that ``nodes`` talk to most (for a reason text)."""
        edges = self.incident(nodes)
        inside = set(nodes)
        totals: dict[int, float] = {}
        for e in edges.tolist():
            for x, y in (
                (int(self.e.a[e]), int(self.e.b[e])),
                (int(self.e.b[e]), int(self.e.a[e])),
            ):
                if x in inside and y not in inside and (y < 0 or self.pos[y] == NEVER):
                    totals[y] = totals.get(y, 0.0) + float(self.e.mbps[e])
        top = sorted(totals.items(), key=lambda kv: -kv[1])[:limit]
        return ", ".join(
            f"{'an external system' if y < 0 else name(y)} ({w:,.0f} Mbit/s)" for y, w in top
        )
