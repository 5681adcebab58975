"""Local improvement (planning.md section 4, step 8): move atoms while J drops.

J = sum w * |dW| + peak_weight * peak cut + lateness_weight * sum w * lateness.

For one atom the distance and lateness terms are a convex piecewise-linear function of its
wave, so its best wave is one of its neighbours' waves (or next to its own). Candidates are
tried best first; a move is taken when the slot accepts the atom (every capacity row,
environment, pilot and lock rules), keeps DATA-GRAVITY (``Packer.keeps_gravity``: no AI atom
before the data it reads) and J, peak included, strictly drops. When the wave is
full, a swap with a non-neighbouring atom of that wave is tried instead. A move never empties
a new wave (later waves would move up the ramp). The cut per boundary is kept up to date, so
a move costs O(degree + waves spanned). The search is bounded by a count of evaluations, so
it gives the same answer on any machine."""

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


class _Search:
    """State of one local search: unit positions, cut per boundary, atoms per slot."""

    def __init__(
        self, packer: Packer, graph: UnitGraph, pos: IntArray, peak_w: float, late_w: float
    ) -> None:
        self.packer = packer
        self.timeline = packer.timeline
        self.graph = graph
        self.pos = pos
        self.peak_w = peak_w
        self.late_w = late_w
        self.n_slots = len(self.timeline.slots)
        self.cuts = cut_profile(pos, graph, self.n_slots)
        self.in_slot: dict[int, set[int]] = {}
        self.movable: set[int] = set()
        for atom, slot in enumerate(packer.slot_of.tolist()):
            if slot >= 0:
                self.in_slot.setdefault(slot, set()).add(atom)

    def neighbours(self, x: int) -> tuple[IntArray, FloatArray, FloatArray, IntArray]:
        g = self.graph
        lo, hi = g.start[x], g.start[x + 1]
        ys = g.nbr[lo:hi]
        py = self.pos[ys]
        live = py >= 0
        return py[live], g.w_out[lo:hi][live], g.w_in[lo:hi][live], ys[live]

    def costs(self, x: int, targets: IntArray) -> FloatArray:
        """Distance + lateness terms of ``x`` at each wave in ``targets``."""
        py, wo, wi, _ys = self.neighbours(x)
        diff = targets[:, None] - py[None, :]
        out: FloatArray = np.abs(diff) @ (wo + wi) + self.late_w * (
            np.maximum(-diff, 0) @ wo + np.maximum(diff, 0) @ wi
        )
        return out

    def cut_delta(self, x: int, p: int, c: int) -> FloatArray:
        """Change of the cuts on boundaries ``min(p, c) .. max(p, c) - 1`` if x moves p -> c."""
        py, wo, wi, _ys = self.neighbours(x)
        wt = wo + wi
        js = np.arange(min(p, c), max(p, c))
        before = (np.minimum(p, py)[:, None] <= js) & (js < np.maximum(p, py)[:, None])
        after = (np.minimum(c, py)[:, None] <= js) & (js < np.maximum(c, py)[:, None])
        out: FloatArray = wt @ (after.astype(np.float64) - before)
        return out

    def peak_with(self, lo: int, seg: FloatArray) -> float:
        cuts = self.cuts
        hi = lo + seg.size
        rest = max(
            float(cuts[:lo].max()) if lo > 0 else 0.0,
            float(cuts[hi:].max()) if hi < cuts.size else 0.0,
        )
        return max(rest, float(seg.max()) if seg.size else 0.0)

    def late_edges(self, x: int, k: int) -> int:
        """Dependencies of ``x`` that would move after it, and dependants before it, at ``k``."""
        py, wo, wi, _ys = self.neighbours(x)
        return int(((wo > 0) & (py > k)).sum() + ((wi > 0) & (py < k)).sum())

    def keeps_order(self, x: int, p: int, c: int) -> bool:
        """PRECEDENCE: moving ``x`` from ``p`` to ``c`` puts no more dependency after its
        dependant than there was."""
        return self.late_edges(x, c) <= self.late_edges(x, p)

    def empties(self, x: int, p: int) -> bool:
        source = self.timeline.slots[p]
        return source.wave is None and len(source.members) == len(self.packer.atoms[x].nodes)

    def move(self, x: int, p: int, c: int) -> None:
        delta = self.cut_delta(x, p, c)
        lo = min(p, c)
        loads = self.packer.info.loads[x]
        nodes = self.packer.atoms[x].nodes
        self.timeline.remove(p, nodes, loads)
        self.timeline.add(c, nodes, loads)
        self.packer.slot_of[x] = c
        self.pos[x] = c
        self.in_slot[p].discard(x)
        self.in_slot.setdefault(c, set()).add(x)
        self.cuts[lo : lo + delta.size] += delta

    def try_swap(self, x: int, p: int, c: int, gain_x: float) -> bool:
        """Swap x (in p) with a non-neighbour atom y of slot c when both fit and J drops."""
        packer, timeline = self.packer, self.timeline
        loads = packer.info.loads
        slot_p, slot_c = timeline.slots[p], timeline.slots[c]
        lim_p, lim_c = timeline.limits(p), timeline.limits(c)
        _py, _wo, _wi, nbrs = self.neighbours(x)
        skip = set(nbrs.tolist())
        tried = 0
        for y in sorted(self.in_slot.get(c, ()), key=lambda a: abs(loads[a, 0] - loads[x, 0])):
            if tried >= 6:
                break
            if y in skip or y not in self.movable:
                continue
            tried += 1
            if ((slot_c.used - loads[y] + loads[x]) > lim_c + 1e-9).any():
                continue
            if ((slot_p.used - loads[x] + loads[y]) > lim_p + 1e-9).any():
                continue
            if not self._compatible(y, p, x) or not self._compatible(x, c, y):
                continue
            if not self.keeps_order(y, c, p):
                continue
            if y in packer.reads[x] or y in packer.read_by[x]:
                continue  # DATA-GRAVITY between the two: neither check below would see it
            if not packer.keeps_gravity(x, c) or not packer.keeps_gravity(y, p):
                continue
            gain_y = float(self.costs(y, np.array([p, c]))[0] - self.costs(y, np.array([c]))[0])
            if gain_x + gain_y >= -1e-9 and self.peak_w == 0:
                continue
            dx, dy = self.cut_delta(x, p, c), self.cut_delta(y, c, p)
            lo = min(p, c)
            seg = self.cuts[lo : lo + dx.size] + dx + dy
            change = gain_x + gain_y + self.peak_w * (self.peak_with(lo, seg) - self.peak)
            if change < -1e-9:
                link = timeline.link
                if not link.fits(packer.atoms[x].nodes, c):
                    continue
                self.move(x, p, c)
                if not link.fits(packer.atoms[y].nodes, p):
                    self.move(x, c, p)
                    continue
                self.move(y, c, p)
                return True
        return False

    def _compatible(self, atom: int, index: int, leaving: int) -> bool:
        """Environment, pilot and lock rules of ``index`` for ``atom`` once ``leaving`` left."""
        packer = self.packer
        slot = self.timeline.slots[index]
        if slot.locked or slot.foundation:
            return False
        pilots = packer.problem.settings.planner.pilot_waves
        first = packer.first_regular
        if packer.info.critical[atom] and first <= index < first + pilots:
            return False
        if not packer.separate:
            return True
        counts = list(slot.env_counts)
        gone = packer.atoms[leaving].nodes
        prods = int(packer.problem.prod[gone].sum())
        counts[1] -= prods
        counts[0] -= len(gone) - prods
        other = counts[0] if packer.info.prod[atom] else counts[1]
        return other == 0

    @property
    def peak(self) -> float:
        return float(self.cuts.max()) if self.cuts.size else 0.0


def improve(
    packer: Packer,
    graph: UnitGraph,
    pos: IntArray,
    movable: list[int],
    *,
    peak_weight: float,
    lateness_weight: float,
    budget_s: float = 10.0,
    passes: int = 6,
    work: float = 2.5,
    progress: Progress | None = None,
) -> int:
    """Move atoms in ``movable`` (unit index = atom index) while J drops; return moves made.

    ``pos`` holds the slot of every unit (-1 = not in the objective) and is updated in place.
    A move into a full wave is tried as a swap with a non-neighbouring atom of that wave.

    The search stops after ``passes`` sweeps, a sweep without a move, or ``work`` sweeps'
    worth of atom evaluations, whichever comes first: a count, not a clock, so the result is
    the same on any machine. ``budget_s`` is only a safety net for pathological inputs.
    """
    progress = progress or NullProgress()
    search = _Search(packer, graph, pos, peak_weight, lateness_weight)
    search.movable = set(movable)
    deadline = time.monotonic() + budget_s
    evaluations = int(work * max(len(movable), 1))
    moves = 0
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
            evaluations -= 1
            if _improve_one(search, x):
                moved += 1
            if evaluations <= 0 or (evaluations % 64 == 0 and time.monotonic() > deadline):
                break
        moves += moved
        if moved == 0 or evaluations <= 0 or time.monotonic() > deadline:
            break
    return moves


def _improve_one(search: _Search, x: int) -> bool:
    p = int(search.pos[x])
    if p < 0:
        return False
    py, _wo, _wi, _ys = search.neighbours(x)
    if py.size == 0:
        return False
    cand = np.unique(np.concatenate([py, [p - 1, p + 1]]))
    cand = cand[(cand >= 0) & (cand < search.n_slots) & (cand != p)]
    if cand.size == 0:
        return False
    f = search.costs(x, np.concatenate([[p], cand]))
    peak = search.peak
    for k in np.argsort(f[1:], kind="stable"):
        gain = float(f[1 + k] - f[0])
        if gain >= -1e-9 and search.peak_w == 0:
            return False
        c = int(cand[k])
        lo = min(p, c)
        delta = search.cut_delta(x, p, c)
        seg = search.cuts[lo : lo + delta.size] + delta
        change = gain + search.peak_w * (search.peak_with(lo, seg) - peak)
        if change >= -1e-9:
            if gain >= -1e-9:
                return False
            continue
        if not search.keeps_order(x, p, c):
            continue
        if not search.packer.keeps_gravity(x, c):
            continue
        slot = search.timeline.slots[c]
        if search.packer.accepts(c, slot, x, False):
            if search.empties(x, p):
                return False
            search.move(x, p, c)
            return True
        if not search.packer.refuses_always(slot, x, False) and search.try_swap(x, p, c, gain):
            return True
    return False
