"""Emptying legacy hosts early (``PlannerSettings.empty_hosts_early``, issue 14 point 5).

A legacy host is licensed per physical core until the last VM on it has moved
(LIC-HOST-EMPTIED, ``core.economics.licences``). When the option is on, the ordering step
prefers, among the units ready to go, one that works towards the host with the most licensed
cores per workload still to move before it empties:

* a host's *work* is the workloads of the unplaced units touching it (a unit moves whole, so
  emptying a host means moving every unit that has a VM on it, VMs on other hosts included);
* its ratio is its licensed cores / its work; the host with the highest ratio among those
  with a ready unit is worked on, and its ready unit with the most traffic to what is placed
  goes next (then the pilot key, then the index: deterministic);
* as its units are placed its work falls and its ratio rises, so a host once started is
  finished before another is begun, unless what is left of it waits for a dependency;
* a host that cannot empty within the plan (a retained VM on it that is not consolidated onto
  another host, LIC-RETAINED-CONSOLIDATED; a workload the planner leaves out or, with shared
  services bridged, one that moves last) counts for nothing, and units touching only such
  hosts go after the others of their rank.

Precedence stays hard and the caller's ``first`` rank (non-production first) stays above the
hosts: only units ``order_units`` has made ready, of its lowest rank, are chosen from.
Cost: O(sum of hosts per unit x log) heap work plus a scan of one host's ready units per step.

Apps spread over many hosts and hosts shared by many apps leave an order little room, and
packing and the local search reshuffle it: on some estates the host order alone did worse.
So the planner packs and improves both orders, its usual one and this one, and keeps this
one only when it puts the hybrid link over its usable share no more (LINK), leaves no more
workloads out and keeps fewer licensed cores x waves (``HostCores.core_waves``): with the option on, licensed
core-months are never higher than without it, for about one more packing and local search.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from migplan.core.enums import DispositionKind
from migplan.core.ids import HostId, WorkloadId
from migplan.core.planning.atoms import Atom
from migplan.core.planning.graph import FloatArray, IntArray
from migplan.core.planning.problem import Problem
from migplan.core.planning.timeline import Timeline


@dataclass(frozen=True)
class HostCores:
    """Each workload's legacy host and each host's licensed cores, for one planning run."""

    #: Host index of each workload (-1: none known).
    host_of: IntArray
    #: Licensed cores of each host that can empty within the plan, 0 for the others.
    cores: FloatArray
    #: Licensed cores of every host (0 when its CPUs or cores are unknown).
    licensed: FloatArray
    #: Hosts whose VMs that stay are consolidated onto another host (LIC-RETAINED-
    #: CONSOLIDATED): with no VM that moves, they empty after the last wave.
    consolidated: np.ndarray | None = None

    def core_waves(self, timeline: Timeline, left_out: Sequence[int] = ()) -> float:
        """Licensed cores x waves each host keeps running (``legacy_costs``' core-months
        counted in waves): a host empties after the last wave holding one of its workloads;
        one that cannot empty, or holds a workload in ``left_out``, runs to the last wave."""
        slot_of = np.full(self.host_of.size, -1, dtype=np.int64)
        for index, slot in enumerate(timeline.slots):
            if slot.members:
                slot_of[slot.members] = index
        waves = int(slot_of.max(initial=-1)) + 1
        known = self.host_of >= 0
        last = np.full(self.cores.size, -1, dtype=np.int64)
        np.maximum.at(last, self.host_of[known], slot_of[known])
        runs = np.where(last >= 0, last + 1, 0).astype(np.float64)
        if self.consolidated is not None:
            runs[self.consolidated & (last < 0)] = waves
        stays = self.cores <= 0
        left = self.host_of[np.asarray(left_out, dtype=np.int64)]
        stays[left[left >= 0]] = True
        runs[stays] = waves
        return float(runs @ self.licensed)


def host_cores(
    problem: Problem,
    atoms: list[Atom],
    n_regular: int,
    dispositions: Mapping[WorkloadId, DispositionKind],
) -> HostCores:
    """Each workload's host and each host's licensed cores, ``cores`` 0 for a host that
    cannot empty through the waves (LIC-HOST-EMPTIED): a retained VM, a workload in no atom
    (left out) or a shared service moving last (bridge) keeps it running to the end, unless
    the licences consolidate it onto another host (LIC-RETAINED-CONSOLIDATED, the same
    ``consolidation_keepers``)."""
    from migplan.core.assess.classify import is_platform_vm
    from migplan.core.economics.licences import consolidation_keepers, licensed_cores

    doc = problem.doc
    hosts: list[HostId] = sorted(doc.hosts)
    index = {h: i for i, h in enumerate(hosts)}
    lic = problem.settings.licences
    licensed = np.array([float(licensed_cores(doc.hosts[h], lic) or 0) for h in hosts])
    cores = licensed.copy()
    host_of = np.full(problem.n, -1, dtype=np.int64)
    in_atom = np.zeros(problem.n, dtype=np.bool_)
    for atom in atoms[:n_regular]:
        in_atom[atom.nodes] = True
    foundation = problem.settings.planner.shared_services == "foundation"
    #: Hosts that keep a workload to the end, and those workloads.
    staying: dict[HostId, list[WorkloadId]] = {}
    for atom in atoms[n_regular:]:
        in_atom[atom.nodes] = foundation
    for node, wid in enumerate(problem.graph.ids):
        wl = doc.workloads[wid]
        h = index.get(wl.host_id) if wl.host_id is not None else None
        if h is None:
            continue
        host_of[node] = h
        if in_atom[node] or node in problem.fixed:
            continue
        if node in problem.staying and (
            is_platform_vm(wl) or dispositions.get(wid) is DispositionKind.RETIRE
        ):
            continue
        staying.setdefault(hosts[h], []).append(wid)
    keepers = (
        consolidation_keepers(doc, staying, lic.consolidate_fill)
        if lic.consolidate_retained and staying
        else None
    )
    consolidated = np.zeros(len(hosts), dtype=np.bool_)
    for hid in staying:
        if keepers is not None and hid not in keepers:
            consolidated[index[hid]] = True
        else:
            cores[index[hid]] = 0.0  # it stays to the end: the host never empties in the plan
    return HostCores(host_of, cores, licensed, consolidated)


class HostEmptying:
    """The host-emptying choice ``order_units`` asks for at each step (see the module)."""

    def __init__(
        self, unit_nodes: Sequence[Sequence[int]], host_of: IntArray, cores: FloatArray
    ) -> None:
        self.cores = cores
        self.size = np.array([float(len(nodes)) for nodes in unit_nodes])
        self.hosts_of: list[list[int]] = []
        self.work = np.zeros(cores.size)
        for u, nodes in enumerate(unit_nodes):
            hs = np.unique(host_of[np.asarray(nodes, dtype=np.int64)])
            mine = [int(h) for h in hs.tolist() if h >= 0 and cores[h] > 0]
            self.hosts_of.append(mine)
            for h in mine:
                self.work[h] += self.size[u]
        #: Ready units not placed yet, per (rank, host).
        self._ready: dict[tuple[float, int], set[int]] = {}
        #: Per rank, a max-heap of (-ratio, host), updated lazily.
        self._heaps: dict[float, list[tuple[float, int]]] = {}
        self._rank: dict[int, float] = {}

    def _ratio(self, h: int) -> float:
        return float(self.cores[h] / self.work[h]) if self.work[h] > 0 else 0.0

    def ready(self, u: int, rank: float) -> None:
        """Unit ``u`` may go now (everything it depends on is placed)."""
        self._rank[u] = rank
        heap = self._heaps.setdefault(rank, [])
        for h in self.hosts_of[u]:
            self._ready.setdefault((rank, h), set()).add(u)
            heapq.heappush(heap, (-self._ratio(h), h))

    def placed(self, u: int) -> None:
        """Unit ``u`` went: its hosts have less work left."""
        rank = self._rank.pop(u, None)
        for h in self.hosts_of[u]:
            self.work[h] -= self.size[u]
            if rank is not None:
                self._ready[(rank, h)].discard(u)
            for r, heap in self._heaps.items():
                if self._ready.get((r, h)):
                    heapq.heappush(heap, (-self._ratio(h), h))

    def pick(
        self, rank: float, attract: FloatArray, key: Sequence[tuple[float, ...]]
    ) -> int | None:
        """The unit of ``rank`` to place next for the best host, None when no ready unit of
        that rank touches a host that can empty."""
        heap = self._heaps.get(rank)
        while heap:
            neg, h = heap[0]
            units = self._ready.get((rank, h))
            if not units or -neg != self._ratio(h):
                heapq.heappop(heap)
                continue
            return min(units, key=lambda u: (-attract[u], key[u], u))
        return None
