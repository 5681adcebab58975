"""Packing atoms into wave slots in planning order (planning.md section 4, step 7).

A stream of atoms fills the current slot under every capacity row. An atom that does not fit
goes to the first later slot that takes it, while the current slot stays open for smaller
atoms that follow; the current slot closes once it is nearly full or after a few misses.
This keeps coupled atoms in the same or adjacent waves while filling waves well.

DATA-GRAVITY is precedence that holds even on a cycle of atoms: an AI atom takes no slot before
an atom holding data it reads (``set_gravity``), and is left out when that data cannot move.

A slot refuses an atom when it is locked, is a foundation slot (and the atom is no shared
service), holds the other environment (with ``separate_environments``), is a pilot slot and
the atom holds a high or mission-critical workload, or lacks capacity.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from migplan.core.planning.atoms import Atom, gravity_reason
from migplan.core.planning.graph import FloatArray
from migplan.core.planning.link import NEVER, PENDING
from migplan.core.planning.problem import Problem
from migplan.core.planning.timeline import Slot, Timeline

#: Atoms that may skip the current slot before it closes.
MAX_MISSES = 8
#: Atoms at most in one ``_bundle`` (the refused one and its partners).
MAX_BUNDLE = 6
#: Fill (largest share of any limit) at which the current slot closes; the slack left lets
#: the local search move atoms (tuned on the layered and microservice estates of bench_planner:
#: with dependencies kept first, 0.9 gave the lowest traffic x wave distance at 2,000 workloads
#: for one wave more at most; 0.85 adds 5-10% more waves at 10,000).
CLOSE_FILL = 0.9


@dataclass
class AtomInfo:
    """Per-atom aggregates the packer and the local search use."""

    loads: FloatArray
    prod: np.ndarray
    critical: np.ndarray
    #: Summed ``problem.complexity`` of the atom's workloads (pilot choice).
    complexity: FloatArray

    @classmethod
    def of(cls, problem: Problem, atoms: list[Atom]) -> AtomInfo:
        dims = problem.graph.loads.shape[1]
        loads = np.zeros((len(atoms), dims), dtype=np.float64)
        prod = np.zeros(len(atoms), dtype=np.bool_)
        critical = np.zeros(len(atoms), dtype=np.bool_)
        comp = np.zeros(len(atoms), dtype=np.float64)
        for i, atom in enumerate(atoms):
            comp[i] = float(problem.complexity[atom.nodes].sum())
            loads[i] = problem.graph.loads[atom.nodes].sum(axis=0)
            prod[i] = bool(problem.prod[atom.nodes].any())
            critical[i] = bool(problem.critical[atom.nodes].any())
        return cls(loads, prod, critical, comp)


class Packer:
    def __init__(
        self, problem: Problem, timeline: Timeline, atoms: list[Atom], info: AtomInfo
    ) -> None:
        self.problem = problem
        self.timeline = timeline
        self.atoms = atoms
        self.info = info
        self.separate = problem.settings.planner.separate_environments
        #: First slot after the foundation; pilot slots follow it.
        self.first_regular = 0
        self.slot_of = np.full(len(atoms), -1, dtype=np.int64)
        #: Atoms each atom depends on (``set_precedence``).
        self.depends_on: list[list[int]] = [[] for _ in atoms]
        #: Atoms that will not be placed (kept out before packing, or left out).
        self.never: set[int] = set()
        self.atom_of = np.full(problem.n, -1, dtype=np.int64)
        for i, atom in enumerate(atoms):
            self.atom_of[atom.nodes] = i
        self.is_shared = np.array(
            [bool(problem.shared[a.nodes].any()) for a in atoms], dtype=np.bool_
        )
        #: True while packing shared services into foundation slots.
        self._foundation = False
        self._cur = self._misses = self._end = 0
        #: Atoms cut across waves while packing: (nodes, reason).
        self.splits: list[tuple[list[int], str]] = []
        #: Rules (``GPU-POOL``, ``LINK``) that refused an atom at least once.
        self.refused: dict[int, set[str]] = {}
        #: Atoms kept out before packing, with (rule id, reason).
        self.reasons: dict[int, tuple[str, str]] = {}
        self._link_refused = False
        #: Atoms placed although they overload the link (no slot kept LINK): (atom, slot,
        #: Mbit/s over the usable share).
        self.link_broken: list[tuple[int, int, float]] = []
        #: DATA-GRAVITY (``set_gravity``): the atoms holding data each atom reads, the atoms
        #: reading each atom's data, and (AI atom, data atom) -> a data workload read.
        self.reads: list[list[int]] = [[] for _ in atoms]
        self.read_by: list[list[int]] = [[] for _ in atoms]
        self.read_node: dict[tuple[int, int], int] = {}
        #: First slot an atom may take (fixed data it reads), last slot (a fixed AI workload
        #: reads its data).
        self.floor = np.zeros(len(atoms), dtype=np.int64)
        self.ceiling: dict[int, int] = {}
        #: AI atoms left out because a data atom they read was: AI atom -> data atom.
        self.gravity_left: dict[int, int] = {}
        #: First and last slot of atoms cut across waves by ``_force``.
        self.spans: dict[int, tuple[int, int]] = {}

    def set_precedence(self, component: np.ndarray, src: np.ndarray, dst: np.ndarray) -> None:
        """PRECEDENCE as a packing rule: ``src[i]`` depends on ``dst[i]`` (atoms); an atom
        never lands before what it depends on, unless both sit on one cycle of atoms (the
        same ``component``)."""
        self.depends_on = [[] for _ in self.atoms]
        for a, b in zip(src.tolist(), dst.tolist(), strict=True):
            if component[a] != component[b]:
                self.depends_on[a].append(b)

    def set_gravity(self, unplaceable: Mapping[int, tuple[str, str]]) -> dict[int, tuple[str, str]]:
        """DATA-GRAVITY as a packing rule, from ``problem.gravity`` (the validator's pairs):
        an AI atom never lands before an atom holding data it reads, even when both sit on
        one cycle of atoms (a dependency of that data on the AI atom is dropped: both would
        wait for each other), nor before the wave of fixed data it reads; a data atom read
        by a fixed AI workload is anchored to its wave. Returns the AI atoms to keep out,
        with the rule and reason: data they read that no wave can take (``unplaceable``,
        node -> (rule, reason), from the atoms step)."""
        problem, slot_of_wave = self.problem, self.timeline.position_of_wave
        out: dict[int, tuple[str, str]] = {}
        for ai, data in zip(*(side.tolist() for side in problem.gravity), strict=True):
            a, d = int(self.atom_of[ai]), int(self.atom_of[data])
            if a >= 0 and d >= 0:
                if a != d and d not in self.reads[a]:
                    self.reads[a].append(d)
                    self.read_by[d].append(a)
                    self.read_node[(a, d)] = data
            elif a >= 0 and data in problem.fixed:
                self.floor[a] = max(int(self.floor[a]), slot_of_wave[problem.fixed[data]])
            elif a >= 0 and data in unplaceable and a not in out:
                out[a] = ("DATA-GRAVITY", gravity_reason(problem, data, *unplaceable[data]))
            elif d >= 0 and ai in problem.fixed:
                slot = slot_of_wave[problem.fixed[ai]]
                self.ceiling[d] = min(self.ceiling.get(d, slot), slot)
                if self.atoms[d].anchor is None:
                    self.atoms[d].anchor = problem.fixed[ai]
        for d, readers in enumerate(self.read_by):
            if readers:
                self.depends_on[d] = [b for b in self.depends_on[d] if b not in readers]
        return out

    def data_slot(self, atom: int, last: bool = True) -> int:
        """The slot of ``atom`` (its last, or first, when cut across waves); -1 if unplaced."""
        slot = int(self.slot_of[atom])
        if slot < 0 and atom in self.spans:
            slot = self.spans[atom][1 if last else 0]
        return slot

    def keeps_gravity(self, atom: int, index: int) -> bool:
        """DATA-GRAVITY if ``atom`` (placed, as are what it reads) takes slot ``index``: not
        before the data it reads, not after an AI atom that reads its data."""
        if index < self.floor[atom] or index > self.ceiling.get(atom, index):
            return False
        if any(self.data_slot(d) > index for d in self.reads[atom]):
            return False
        return not any(0 <= self.data_slot(a, last=False) < index for a in self.read_by[atom])

    def earliest(self, atom: int, others: frozenset[int] = frozenset()) -> int | None:
        """The first slot ``atom`` may take: not before what it depends on, nor before data
        it reads (DATA-GRAVITY); None while one of those (outside ``others``) is still to be
        placed (data that never is keeps it waiting: it is then left out)."""
        low = int(self.floor[atom])
        for b in self.reads[atom]:
            if b in others:
                continue
            slot = self.data_slot(b)
            if slot < 0:
                return None
            low = max(low, slot)
        for b in self.depends_on[atom]:
            if b in others:
                continue
            slot = int(self.slot_of[b])
            if slot < 0:
                if b in self.never:
                    continue
                return None
            low = max(low, slot)
        return low

    def refuses_always(self, slot: Slot, atom: int, shared: bool) -> bool:
        """True when ``slot`` can never take ``atom`` (not a matter of room)."""
        if slot.locked or (slot.foundation and not self._foundation):
            return True
        if self._foundation and not slot.foundation and (slot.wave is not None or slot.members):
            return True
        return self.separate and bool(slot.envs) and bool(self.info.prod[atom]) not in slot.envs

    def accepts(self, index: int, slot: Slot, atom: int, shared: bool) -> bool:
        """True when ``slot`` may take ``atom`` under every rule: lock, foundation,
        environments, pilots, CAPACITY, GPU-POOL (for an atom not placed yet) and LINK."""
        if not self._room(index, slot, atom, shared):
            return False
        nodes = self.atoms[atom].nodes
        if self.slot_of[atom] < 0 and not self.timeline.pools.fits(nodes):
            self.refused.setdefault(atom, set()).add("GPU-POOL")
            return False
        if not self.timeline.link.fits(nodes, index):
            self.refused.setdefault(atom, set()).add("LINK")
            self._link_refused = True
            return False
        return True

    def place(self, atom: int, index: int) -> None:
        self.timeline.add(index, self.atoms[atom].nodes, self.info.loads[atom])
        self.slot_of[atom] = index

    def pack(
        self, sequence: list[int], start: int, *, shared: bool = False
    ) -> tuple[int, list[int]]:
        """Place ``sequence`` from slot ``start``; return (last slot used + 1, atoms left out).

        An atom that fits neither an open wave nor the first empty one (the ramp there is
        still too small, or it is a pilot wave and the atom is critical) waits and is retried
        after each placement; what still waits at the end is cut across the next waves.
        """
        self._foundation = shared and self.problem.settings.planner.shared_services == "foundation"
        self._cur, self._misses, self._end = start, 0, start
        left_out: list[int] = []
        waiting: list[int] = []
        for atom in sequence:
            if self._unmoved_data(atom, gone=True) is not None:
                left_out.append(atom)
                self._leave(atom)
                continue
            placed = self._try(atom, shared)
            if placed is None:
                waiting.append(atom)
                continue
            if placed < 0:
                left_out.append(atom)
                continue
            while waiting:
                again = [a for a in waiting if self._try(a, shared) is None]
                if len(again) == len(waiting):
                    break
                waiting = again
        for atom in self._data_first(waiting):
            if self._unmoved_data(atom) is None:
                low = max([start, *(self.data_slot(d) for d in self.reads[atom])])
                if self._force(atom, max(low, int(self.floor[atom])), shared):
                    continue
                if "LINK" in self.refused.get(atom, set()) and self._least_overload(
                    atom, start, shared
                ):
                    continue
            left_out.append(atom)
            self._leave(atom)
        return self._end, left_out

    def _leave(self, atom: int) -> None:
        self.never.add(atom)
        self.timeline.link.place(self.atoms[atom].nodes, NEVER)

    def _unmoved_data(self, atom: int, gone: bool = False) -> int | None:
        """A data atom ``atom`` reads that is not placed (``gone``: that never will be),
        recorded as what keeps ``atom`` out (DATA-GRAVITY); None when there is none."""
        for d in self.reads[atom]:
            if self.data_slot(d) < 0 and (d in self.never or not gone):
                self.gravity_left[atom] = d
                return d
        return None

    def _data_first(self, atoms: Iterable[int]) -> list[int]:
        """``atoms`` in their order, but an atom holding data before the AI atoms reading
        it (a cycle of them is broken at its first atom, which is then left out)."""
        pending, out = list(atoms), []
        while pending:
            left = set(pending)
            ready = [a for a in pending if not any(d in left for d in self.reads[a])]
            ready = ready or pending[:1]
            out += ready
            done = set(ready)
            pending = [a for a in pending if a not in done]
        return out

    def _least_overload(self, atom: int, start: int, shared: bool) -> bool:
        """Place ``atom`` whole where it overloads the hybrid link the least (every other
        rule kept), and record it when it does: the LINK rule is not kept for it.

        Never leaving it out instead: an atom left behind turns the traffic of every
        neighbour placed later into a permanent load, and the refusals cascade."""
        timeline, nodes = self.timeline, self.atoms[atom].nodes
        best: tuple[float, int] | None = None
        low = self.earliest(atom)
        if low is None:
            return False
        index = max(start, low)
        while (slot := timeline.get(index)) is not None:
            if self._room(index, slot, atom, shared):
                best = _better(best, timeline, timeline.link.delta(nodes, index), index)
            if not slot.alive:
                break  # the first empty slot stands for every later one
            index += 1
        if best is None:
            return False
        over, index = best
        slot = timeline.get(index)
        assert slot is not None
        if self._foundation:
            slot.foundation = True
        self.place(atom, index)
        self._end = max(self._end, index + 1)
        if over > 0.0:
            self.link_broken.append((atom, index, over))
        return True

    def _room(self, index: int, slot: Slot, atom: int, shared: bool) -> bool:
        """Lock, foundation, environments (``refuses_always``), PILOT and CAPACITY: every
        rule of ``accepts`` but the two that look beyond the slot (GPU-POOL, LINK)."""
        if self.refuses_always(slot, atom, shared):
            return False
        pilots = self.problem.settings.planner.pilot_waves
        if (
            not shared
            and self.info.critical[atom]
            and self.first_regular <= index < self.first_regular + pilots
        ):
            return False
        return self.timeline.fits(index, self.info.loads[atom])

    def _try(self, atom: int, shared: bool) -> int | None:
        """Slot index the atom went to; None when it must wait; -1 past the last order."""
        if self.slot_of[atom] >= 0:
            return int(self.slot_of[atom])  # already placed with a partner (``_bundle``)
        self._link_refused = False
        index = self._try_alone(atom, shared)
        if (index is None or index < 0) and self._link_refused:
            # The link refused it somewhere: move it with the atoms it talks to most, else
            # where it overloads the link least (waiting would only pile refusals up).
            together = self._bundle(atom, shared)
            if together is not None:
                return together
            if self._least_overload(atom, self._cur, shared):
                return int(self.slot_of[atom])
        return index

    def _try_alone(self, atom: int, shared: bool) -> int | None:
        timeline = self.timeline
        low = self.earliest(atom)
        if low is None:
            return None  # what it depends on is not placed yet
        anchor = self.atoms[atom].anchor
        if anchor is not None and anchor in timeline.position_of_wave:
            index = timeline.position_of_wave[anchor]
            slot = timeline.get(index)
            if slot is not None and index >= low and self.accepts(index, slot, atom, shared):
                self.place(atom, index)
                return index
        index, seen_empty = max(self._cur, low), False
        while True:
            slot = timeline.get(index)
            if slot is None:
                return -1
            if not slot.alive:
                if seen_empty:
                    return None
                seen_empty = True
            if self.accepts(index, slot, atom, shared):
                break
            index += 1
        if self._foundation:
            slot.foundation = True
        self.place(atom, index)
        self._end = max(self._end, index + 1)
        if index > self._cur:
            self._misses += 1
        current = timeline.get(self._cur)
        while current is not None and (
            self._misses > MAX_MISSES
            or current.fill() >= CLOSE_FILL
            or (self._cur < index and self.refuses_always(current, atom, shared))
        ):
            self._cur, self._misses = self._cur + 1, 0
            current = timeline.get(self._cur)
        return index

    def _bundle(self, atom: int, shared: bool) -> int | None:
        """Place ``atom`` in one wave with the pending atoms it talks to most, when the link
        refuses each of them alone: two applications exchanging 200 Mbit/s on a 333 Mbit/s
        link can move together, never one before the other. Returns the slot, or None."""
        timeline, info = self.timeline, self.info
        bundle = [atom]
        for partner in self._link_partners(atom)[: MAX_BUNDLE - 1]:
            if self.separate and bool(info.prod[partner]) != bool(info.prod[atom]):
                continue
            bundle.append(partner)
            nodes = [v for a in bundle for v in self.atoms[a].nodes]
            load = info.loads[bundle].sum(axis=0)
            if not timeline.pools.fits(nodes):
                return None
            together = frozenset(bundle)
            lows = [self.earliest(a, together) for a in bundle]
            if any(low is None for low in lows):
                bundle.pop()
                continue
            index = max([self._cur, *(low for low in lows if low is not None)])
            while (slot := timeline.get(index)) is not None:
                if (
                    all(self._room(index, slot, a, shared) for a in bundle)
                    and timeline.fits(index, load)
                    and timeline.link.fits(nodes, index)
                ):
                    if self._foundation:
                        slot.foundation = True
                    for a in bundle:
                        self.place(a, index)
                    self._end = max(self._end, index + 1)
                    return index
                if not slot.alive:
                    break
                index += 1
        return None

    def _link_partners(self, atom: int) -> list[int]:
        """Pending atoms of the same kind (shared or not) ``atom`` exchanges traffic with,
        heaviest first."""
        link = self.timeline.link
        mine = self.is_shared[atom]
        totals: dict[int, float] = {}
        for e in link.incident(self.atoms[atom].nodes).tolist():
            for y in (int(link.e.a[e]), int(link.e.b[e])):
                if y < 0 or link.pos[y] != PENDING:
                    continue
                other = int(self.atom_of[y])
                if other >= 0 and other != atom and self.is_shared[other] == mine:
                    totals[other] = totals.get(other, 0.0) + float(link.e.mbps[e])
        return [a for a, _w in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))]

    def _force(self, atom: int, start: int, shared: bool) -> bool:
        """Cut ``atom`` across the first empty waves (pilot rule waived); False if no order left."""
        from migplan.core.planning.atoms import _bfs_order

        timeline = self.timeline
        if not timeline.pools.fits(self.atoms[atom].nodes):
            self.refused.setdefault(atom, set()).add("GPU-POOL")
            return False
        nodes = _bfs_order(self.problem, self.atoms[atom].nodes)
        loads = self.problem.graph.loads
        used_slots: list[int] = []
        placed: list[tuple[int, list[int]]] = []
        index = start
        while nodes:
            slot = timeline.get(index)
            if slot is None:
                self._undo(placed)
                return False
            if slot.alive:
                index += 1
                continue
            room = timeline.limits(index)
            chunk: list[int] = []
            total = np.zeros_like(room)
            for v in nodes:
                if ((total + loads[v]) > room + 1e-9).any():
                    break
                chunk.append(v)
                total += loads[v]
            chunk = chunk or nodes[:1]
            if not timeline.link.fits(chunk, index):
                self.refused.setdefault(atom, set()).add("LINK")
                self._undo(placed)
                return False
            nodes = nodes[len(chunk) :]
            if self._foundation:
                slot.foundation = True
            timeline.add(index, chunk, loads[chunk].sum(axis=0))
            placed.append((index, chunk))
            used_slots.append(index)
            self._end = max(self._end, index + 1)
            index += 1
        self.spans[atom] = (used_slots[0], used_slots[-1])
        if len(used_slots) > 1:
            self.splits.append(
                (
                    list(self.atoms[atom].nodes),
                    f"{len(self.atoms[atom].nodes)} workloads bound together do not fit the "
                    f"waves the capacity ramp allows here; cut into {len(used_slots)} "
                    "consecutive waves that must cut over together",
                )
            )
        else:
            self.slot_of[atom] = used_slots[0]
        return True

    def _undo(self, placed: list[tuple[int, list[int]]]) -> None:
        """Take back chunks a failed ``_force`` placed (the slots they opened stay empty)."""
        loads = self.problem.graph.loads
        for index, chunk in reversed(placed):
            self.timeline.remove(index, chunk, loads[chunk].sum(axis=0))


def _overload(timeline: Timeline, delta: FloatArray) -> float:
    """Mbit/s over the usable link at the worst slot once ``delta`` is applied."""
    current = np.append(timeline.link.load, timeline.link.tail)
    return max(0.0, float(np.max(current + delta, initial=0.0)) - timeline.link.usable)


def _better(
    best: tuple[float, int] | None, timeline: Timeline, delta: FloatArray, index: int
) -> tuple[float, int]:
    candidate = (_overload(timeline, delta), index)
    return candidate if best is None or candidate < best else best
