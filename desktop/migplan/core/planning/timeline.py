"""Wave slots: the kept waves of the plan and the new ones the planner opens, in order.

Slots follow wave orders 1, 2, 3, ...; an order that a kept wave (locked, or holding a pinned
workload) already uses is that wave's slot, every other order is a new wave created when the
packer first needs it. New slots left empty are dropped at the end, so a wave's capacity
follows its *position* among the waves that remain (the validator reads the ramp the same
way): a slot's limits are fixed when first needed, from the count of non-empty slots before
it; that count only grows while packing, and the ramp only grows, so the limits stay safe.

Dates are given at the end (``schedule``): new waves follow
``settings.planner.start_date`` (else the earliest start of the plan's waves),
``wave_length_days`` each, back to back; a wave that would overlap a freeze period (with
the cutover and rollback windows of ``cutover_window_hours`` and ``rollback_window_hours``
after its last day) starts after the freeze. Without any start date new waves get no dates (and freezes cannot apply).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from migplan.core.models import Wave
from migplan.core.planning.capacity import wave_limits
from migplan.core.planning.gpupools import PoolLedger
from migplan.core.planning.graph import FloatArray
from migplan.core.planning.link import PENDING, LinkState
from migplan.core.planning.problem import MAX_ORDER, Problem


@dataclass
class Slot:
    order: int
    #: Fixed on first use (see the module docstring); None until then.
    limits: FloatArray | None
    used: FloatArray
    #: The plan's wave when this slot is a kept wave; None for a new one.
    wave: Wave | None = None
    locked: bool = False
    foundation: bool = False
    #: Workloads in the slot by environment: [non-production, production].
    env_counts: list[int] = field(default_factory=lambda: [0, 0])
    members: list[int] = field(default_factory=list)

    @property
    def envs(self) -> set[bool]:
        """Production flags present in the slot (True = production)."""
        return {flag for flag, count in zip((False, True), self.env_counts, strict=True) if count}

    @property
    def alive(self) -> bool:
        """Kept in the final plan: a kept wave, or a new one holding workloads."""
        return self.wave is not None or bool(self.members)

    def fill(self) -> float:
        if self.limits is None:
            return 0.0
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(np.isfinite(self.limits), self.used / self.limits, 0.0)
        return float(np.nanmax(share)) if share.size else 0.0


class Timeline:
    """The slots, created lazily in order."""

    def __init__(self, problem: Problem, kept: list[Wave]) -> None:
        self.problem = problem
        self.settings = problem.settings
        self.slots: list[Slot] = []
        self._kept = sorted(kept, key=lambda w: (w.order, w.name, w.id))
        self._kept_orders = {w.order for w in kept}
        self._next_kept = 0
        self._next_order = min([1, *self._kept_orders])
        starts = [w.start_date for w in problem.doc.waves.values() if w.start_date]
        self._date = self.settings.planner.start_date or (min(starts) if starts else None)
        self.position_of_wave: dict[str, int] = {}
        self._dims = problem.graph.loads.shape[1]
        #: Hybrid-link load per slot (LINK) and GPUs taken per pool group (GPU-POOL).
        self.link = LinkState(
            problem.link_edges, problem.targets, problem.settings.network.usable_mbps
        )
        self.pools = PoolLedger(problem.pools, problem.gpu_needs)

    def get(self, index: int) -> Slot | None:
        """The slot at ``index``, creating slots up to it; None past the last wave order."""
        while len(self.slots) <= index:
            if not self._grow():
                return None
        return self.slots[index]

    def _grow(self) -> bool:
        if self._next_kept < len(self._kept) and self._kept[self._next_kept].order <= (
            self._next_order
        ):
            wave = self._kept[self._next_kept]
            self._next_kept += 1
            self._append(self._kept_slot(wave))
            self._next_order = max(self._next_order, wave.order + 1)
            return True
        order = self._next_order
        while order in self._kept_orders:
            order += 1
        if order > MAX_ORDER:
            return False
        self._next_order = order + 1
        self._append(Slot(order, None, np.zeros(self._dims)))
        return True

    def _append(self, slot: Slot) -> None:
        if slot.wave is not None:
            self.position_of_wave[slot.wave.id] = len(self.slots)
        self.slots.append(slot)
        self.link.grow(len(self.slots))

    def limits(self, index: int) -> FloatArray:
        """The limits of slot ``index``, fixed from its position on first use."""
        slot = self.slots[index]
        if slot.limits is None:
            position = 1 + sum(1 for s in self.slots[:index] if s.alive)
            slot.limits = np.array(wave_limits(self.settings, position).vector(), dtype=np.float64)
        return slot.limits

    def fits(self, index: int, load: FloatArray) -> bool:
        slot = self.slots[index]
        return not bool(((slot.used + load) > self.limits(index) + 1e-9).any())

    def _kept_slot(self, wave: Wave) -> Slot:
        slot = Slot(
            wave.order,
            None,
            np.zeros(self._dims),
            wave=wave,
            locked=wave.locked,
        )
        return slot

    def schedule(self) -> list[tuple[Slot, int, dt.date | None, dt.date | None]]:
        """The slots that remain, each with its final order and dates (see the module doc)."""
        out: list[tuple[Slot, int, dt.date | None, dt.date | None]] = []
        cursor = self._date
        length = dt.timedelta(days=self.settings.planner.wave_length_days - 1)
        # A wave's cutover and rollback windows may run past its last day: a freeze must not
        # start before they end either.
        reach = length + dt.timedelta(days=self.settings.planner.days_past_last_day())
        previous = 0
        for slot in self.slots:
            if not slot.alive:
                continue
            if slot.wave is not None:
                previous = max(previous, slot.wave.order)
                if slot.wave.end_date and cursor is not None:
                    cursor = max(cursor, slot.wave.end_date + dt.timedelta(days=1))
                out.append((slot, slot.wave.order, slot.wave.start_date, slot.wave.end_date))
                continue
            previous += 1
            start = end = None
            if cursor is not None:
                start = cursor
                moved = True
                while moved:
                    moved = False
                    for freeze in self.settings.freeze_periods:
                        if freeze.overlaps(start, start + reach):
                            start = freeze.end + dt.timedelta(days=1)
                            moved = True
                end = start + length
                cursor = end + dt.timedelta(days=1)
            out.append((slot, previous, start, end))
        return out

    def add(self, index: int, nodes: list[int], load: FloatArray) -> None:
        slot = self.slots[index]
        slot.used += load
        slot.members.extend(nodes)
        self.link.place(nodes, index)
        self.pools.take(nodes)
        prods = int(self.problem.prod[nodes].sum())
        slot.env_counts[1] += prods
        slot.env_counts[0] += len(nodes) - prods

    def remove(self, index: int, nodes: list[int], load: FloatArray) -> None:
        """Take ``nodes`` out of a slot (the local search moves them elsewhere)."""
        slot = self.slots[index]
        slot.used -= load
        self.link.place(nodes, PENDING)
        self.pools.take(nodes, -1.0)
        gone = set(nodes)
        slot.members = [v for v in slot.members if v not in gone]
        prods = int(self.problem.prod[nodes].sum())
        slot.env_counts[1] -= prods
        slot.env_counts[0] -= len(nodes) - prods

    def ensure_kept(self) -> None:
        """Create slots up to the last kept wave, so every kept wave has a position."""
        while self._next_kept < len(self._kept):
            if not self._grow():
                break
