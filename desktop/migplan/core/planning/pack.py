"""Packing atoms into wave slots in planning order (planning.md section 4, step 7).

A stream of atoms fills the current slot under every capacity row. An atom that does not fit
goes to the first later slot that takes it, while the current slot stays open for smaller
atoms that follow; the current slot closes once it is nearly full or after a few misses.
This keeps coupled atoms in the same or adjacent waves while filling waves well.

A slot refuses an atom when it is locked, is a foundation slot (and the atom is no shared
service), holds the other environment (with ``separate_environments``), is a pilot slot and
the atom holds a high or mission-critical workload, or lacks capacity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from migplan.core.planning.atoms import Atom
from migplan.core.planning.graph import FloatArray
from migplan.core.planning.problem import Problem
from migplan.core.planning.timeline import Slot, Timeline

#: Atoms that may skip the current slot before it closes.
MAX_MISSES = 8
#: Fill (largest share of any limit) at which the current slot closes; the slack left lets
#: the local search move atoms (tuned on generated 2,000-workload estates).
CLOSE_FILL = 0.95


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
        #: True while packing shared services into foundation slots.
        self._foundation = False
        self._cur = self._misses = self._end = 0
        #: Atoms cut across waves while packing: (nodes, reason).
        self.splits: list[tuple[list[int], str]] = []

    def refuses_always(self, slot: Slot, atom: int, shared: bool) -> bool:
        """True when ``slot`` can never take ``atom`` (not a matter of room)."""
        if slot.locked or (slot.foundation and not self._foundation):
            return True
        if self._foundation and not slot.foundation and (slot.wave is not None or slot.members):
            return True
        return self.separate and bool(slot.envs) and bool(self.info.prod[atom]) not in slot.envs

    def accepts(self, index: int, slot: Slot, atom: int, shared: bool) -> bool:
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
        for atom in waiting:
            if not self._force(atom, start, shared):
                left_out.append(atom)
        return self._end, left_out

    def _try(self, atom: int, shared: bool) -> int | None:
        """Slot index the atom went to; None when it must wait; -1 past the last order."""
        timeline = self.timeline
        anchor = self.atoms[atom].anchor
        if anchor is not None and anchor in timeline.position_of_wave:
            index = timeline.position_of_wave[anchor]
            slot = timeline.get(index)
            if slot is not None and self.accepts(index, slot, atom, shared):
                self.place(atom, index)
                return index
        index, seen_empty = self._cur, False
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

    def _force(self, atom: int, start: int, shared: bool) -> bool:
        """Cut ``atom`` across the first empty waves (pilot rule waived); False if no order left."""
        from migplan.core.planning.atoms import _bfs_order

        timeline = self.timeline
        nodes = _bfs_order(self.problem, self.atoms[atom].nodes)
        loads = self.problem.graph.loads
        used_slots: list[int] = []
        index = start
        while nodes:
            slot = timeline.get(index)
            if slot is None:
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
            nodes = nodes[len(chunk) :]
            if self._foundation:
                slot.foundation = True
            timeline.add(index, chunk, loads[chunk].sum(axis=0))
            used_slots.append(index)
            self._end = max(self._end, index + 1)
            index += 1
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
