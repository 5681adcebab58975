"""Local improvement (planning.md section 4, step 8): move atoms while J drops.

J = sum w * |dW| + peak_weight * peak cut + lateness_weight * sum w * lateness.

For one atom the distance and lateness terms are a convex piecewise-linear function of its
wave, so its best wave is one of its neighbours' waves (or next to its own). Candidates are
tried best first; a move is taken when the slot accepts the atom (every capacity row,
environment, pilot and lock rules) and J, peak included, strictly drops. The cut per boundary
is kept up to date, so a move costs O(degree + waves spanned).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from migplan.core.planning.graph import FloatArray, IntArray
from migplan.core.planning.ordering import unit_edges
from migplan.core.planning.pack import Packer
from migplan.core.progress import NullProgress, Progress


@dataclass
class UnitGraph:
    """Atom-level neighbours in CSR form: for unit u, ``nbr[start[u]:start[u+1]]``."""

    start: IntArray
    nbr: IntArray
    w_out: FloatArray  # u depends on nbr
    w_in: FloatArray  # nbr depends on u

    @classmethod
    def build(
        cls, unit_of: IntArray, src: IntArray, dst: IntArray, w: FloatArray, n: int
    ) -> UnitGraph:
        us, vs, ws = unit_edges(unit_of, src, dst, w, n)
        a = np.concatenate([us, vs])
        b = np.concatenate([vs, us])
        out = np.concatenate([ws, np.zeros_like(ws)])
        inn = np.concatenate([np.zeros_like(ws), ws])
        if a.size:
            key = a * n + b
            uniq, inv = np.unique(key, return_inverse=True)
            out = np.bincount(inv, weights=out)
            inn = np.bincount(inv, weights=inn)
            a, b = uniq // n, uniq % n
        start = np.searchsorted(a, np.arange(n + 1))
        return cls(start.astype(np.int64), b.astype(np.int64), out, inn)


def cut_profile(pos: IntArray, graph: UnitGraph, n_slots: int) -> FloatArray:
    """Cut per boundary from unit positions (each undirected pair counted once)."""
    diff = np.zeros(n_slots + 1)
    n = len(pos)
    owner = np.repeat(np.arange(n), np.diff(graph.start))
    keep = owner < graph.nbr
    a, b = pos[owner[keep]], pos[graph.nbr[keep]]
    w = (graph.w_out + graph.w_in)[keep]
    live = (a >= 0) & (b >= 0) & (a != b)
    np.add.at(diff, np.minimum(a, b)[live], w[live])
    np.add.at(diff, np.maximum(a, b)[live], -w[live])
    return np.cumsum(diff)[: max(n_slots - 1, 0)]


def improve(
    packer: Packer,
    graph: UnitGraph,
    pos: IntArray,
    movable: list[int],
    *,
    peak_weight: float,
    lateness_weight: float,
    budget_s: float = 1.0,
    passes: int = 6,
    progress: Progress | None = None,
) -> int:
    """Move atoms in ``movable`` (unit index = atom index) while J drops; return moves made.

    ``pos`` holds the slot of every unit (-1 = not in the objective) and is updated in place.
    """
    progress = progress or NullProgress()
    timeline = packer.timeline
    n_slots = len(timeline.slots)
    cuts = cut_profile(pos, graph, n_slots)
    peak = float(cuts.max()) if cuts.size else 0.0
    deadline = time.monotonic() + budget_s
    moves = 0
    info = packer.info
    owner = np.repeat(np.arange(graph.start.size - 1), np.diff(graph.start))
    for sweep in range(passes):
        progress.step(sweep, passes, "improving waves")
        moved = 0
        # Only atoms with a neighbour in another wave can gain anything.
        pn, po = pos[graph.nbr], pos[owner]
        active = np.zeros(graph.start.size - 1, dtype=np.bool_)
        active[owner[(pn >= 0) & (po >= 0) & (pn != po)]] = True
        for x in movable:
            if not active[x]:
                continue
            p = int(pos[x])
            lo_i, hi_i = graph.start[x], graph.start[x + 1]
            if p < 0 or lo_i == hi_i:
                continue
            ys = graph.nbr[lo_i:hi_i]
            py = pos[ys]
            live = py >= 0
            if not live.any():
                continue
            py = py[live]
            wo, wi = graph.w_out[lo_i:hi_i][live], graph.w_in[lo_i:hi_i][live]
            wt = wo + wi
            cand = np.unique(np.concatenate([py, [p - 1, p + 1]]))
            cand = cand[(cand >= 0) & (cand < n_slots) & (cand != p)]
            if cand.size == 0:
                continue
            allt = np.concatenate([[p], cand])
            diff = allt[:, None] - py[None, :]
            f = np.abs(diff) @ wt + lateness_weight * (
                np.maximum(-diff, 0) @ wo + np.maximum(diff, 0) @ wi
            )
            base = f[0]
            for k in np.argsort(f[1:], kind="stable"):
                gain = f[1 + k] - base
                if gain >= -1e-9 and peak_weight == 0:
                    break
                c = int(cand[k])
                lo, hi = min(p, c), max(p, c)
                js = np.arange(lo, hi)
                mn_b, mx_b = np.minimum(p, py), np.maximum(p, py)
                mn_a, mx_a = np.minimum(c, py), np.maximum(c, py)
                before = (mn_b[:, None] <= js) & (js < mx_b[:, None])
                after = (mn_a[:, None] <= js) & (js < mx_a[:, None])
                delta = wt @ (after.astype(np.float64) - before)
                seg = cuts[lo:hi] + delta
                rest = max(
                    float(cuts[:lo].max()) if lo > 0 else 0.0,
                    float(cuts[hi:].max()) if hi < cuts.size else 0.0,
                )
                new_peak = max(rest, float(seg.max()) if seg.size else 0.0)
                change = gain + peak_weight * (new_peak - peak)
                if change >= -1e-9:
                    if gain >= -1e-9:
                        break
                    continue
                slot = timeline.slots[c]
                if not packer.accepts(c, slot, x, False):
                    continue
                nodes = packer.atoms[x].nodes
                source = timeline.slots[p]
                if source.wave is None and len(source.members) == len(nodes):
                    # Emptying a new wave would move later waves up the ramp.
                    break
                timeline.remove(p, nodes, info.loads[x])
                timeline.add(c, nodes, info.loads[x])
                packer.slot_of[x] = c
                pos[x] = c
                cuts[lo:hi] = seg
                peak = float(cuts.max()) if cuts.size else 0.0
                moved += 1
                break
        moves += moved
        if moved == 0 or time.monotonic() > deadline:
            break
    return moves
