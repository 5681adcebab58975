"""GPU pools, one by one and cumulative: the GPU-POOL rule.

A GPU workload that lands on the target takes devices from one pool and keeps them: the
GPUs in use after wave k are those of every GPU workload planned in waves 1..k. So a pool is
consumed cumulatively, never "per wave".

Which pools serve a need (the GPU Operator puts each node pool in exactly one mode):

* ``passthrough`` needs a passthrough pool, ``vgpu`` a vGPU pool, ``container`` a container
  pool (whole GPUs through the device plugin);
* ``shared`` (time-sliced) takes a shared pool, where ``replicas`` containers take turns on one
  GPU, else whole GPUs of container pools;
* ``mig`` with profile P takes MIG pools offering exactly P when the plan has some; else MIG
  pools with no fixed profile ("mixed" strategy); else whole GPUs of container pools.

Each need therefore maps to exactly one *group* of pools, and groups never overlap, so
whether a set of workloads fits does not depend on the order they land in: the planner
(which places atoms in any order) and the validator (which walks waves in order) agree.
Inside a group, GPUs are counted in whole-GPU units; a MIG slice is 1/slices of a GPU, where
slices per GPU follow the A100/H100 pattern (``1g`` -> 7, ``2g`` -> 3, ``3g`` -> 2, ``4g`` and
``7g`` -> 1); a vGPU device is 1/devices of a GPU, the devices per GPU the target's node pool
carrying the pool gives (``GpuPools.for_plan``; a whole GPU when no node pool says), so the
planner, the validator and the target's sizing count the same GPUs. Which pool of a group a workload sits on (first fit in wave order) is only shown,
never used to decide.

When the plan describes no GPU pools, GPUs are not modelled and nothing is checked; the
proposal says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from migplan.core.enums import GpuMode
from migplan.core.models import GpuNeeds
from migplan.core.settings import GpuPool, PlanSettings

_SLICE = re.compile(r"^\s*(\d+)g\b", re.IGNORECASE)
_EPS = 1e-9


def slices_per_gpu(profile: str) -> int:
    """MIG instances of ``profile`` one GPU holds (1 when the profile is not understood)."""
    m = _SLICE.match(profile or "")
    if not m:
        return 1
    g = int(m.group(1))
    return max(1, 7 // g) if 0 < g <= 7 else 1


@dataclass(frozen=True)
class PoolGroup:
    """Pools that serve the same needs, and what they hold together (in GPUs)."""

    pools: tuple[int, ...]
    names: tuple[str, ...]
    capacity: float
    label: str


@dataclass(frozen=True)
class GpuPools:
    """The plan's pools, grouped (see the module docstring)."""

    pools: tuple[GpuPool, ...]
    groups: tuple[PoolGroup, ...]
    #: vGPU devices one GPU of each vGPU pool gives, by pool name (absent: 1).
    vgpu_devices: tuple[tuple[str, int], ...] = ()

    @classmethod
    def for_plan(cls, settings: PlanSettings) -> GpuPools:
        """The plan's pools, a vGPU pool's devices per GPU taken from the target node pools
        that carry it (the fewest when several do)."""
        devices: dict[str, int] = {}
        for _key, node in settings.target.pools:
            if node.gpu_pool:
                devices[node.gpu_pool] = min(devices.get(node.gpu_pool, 64), node.vgpu_per_gpu)
        vgpu = {p.name for p in settings.gpu_pools if p.mode is GpuMode.VGPU}
        found = cls.of(settings.gpu_pools)
        kept = tuple(sorted((n, d) for n, d in devices.items() if n in vgpu))
        return cls(found.pools, found.groups, kept)

    @classmethod
    def of(cls, pools: Sequence[GpuPool]) -> GpuPools:
        keyed: dict[tuple[str, str], list[int]] = {}
        for i, pool in enumerate(pools):
            profile = pool.mig_profile if pool.mode is GpuMode.MIG else ""
            keyed.setdefault((pool.mode.value, profile), []).append(i)
        groups = []
        for (mode, profile), members in sorted(keyed.items()):
            capacity = float(sum(pools[i].gpus for i in members))
            kind = f"MIG {profile}" if profile else ("MIG (any profile)" if mode == "mig" else mode)
            kind = "time-sliced" if mode == "shared" else kind
            names = tuple(pools[i].name for i in members)
            groups.append(PoolGroup(tuple(members), names, capacity, f"{kind} pool"))
        return cls(tuple(pools), tuple(groups))

    @property
    def modelled(self) -> bool:
        return bool(self.pools)

    def _group_with(self, mode: GpuMode, profile: str) -> int | None:
        for g, group in enumerate(self.groups):
            pool = self.pools[group.pools[0]]
            if pool.mode is mode and (pool.mig_profile if mode is GpuMode.MIG else "") == profile:
                return g
        return None

    def group_of(self, need: GpuNeeds | None) -> int | None:
        """The group serving ``need``; None when no pool can (or the need is no GPU)."""
        if need is None or need.count == 0 or need.mode is GpuMode.NONE:
            return None
        if need.mode is GpuMode.MIG:
            for profile in (need.mig_profile, ""):
                g = self._group_with(GpuMode.MIG, profile)
                if g is not None:
                    return g
            return self._group_with(GpuMode.CONTAINER, "")
        if need.mode is GpuMode.SHARED:
            g = self._group_with(GpuMode.SHARED, "")
            return g if g is not None else self._group_with(GpuMode.CONTAINER, "")
        return self._group_with(need.mode, "")

    def units(self, need: GpuNeeds | None, group: int | None) -> float:
        """GPUs ``need`` takes from ``group`` (a MIG slice on a MIG pool is a fraction)."""
        if need is None or group is None:
            return 0.0
        pool = self.pools[self.groups[group].pools[0]]
        if need.mode is GpuMode.MIG and pool.mode is GpuMode.MIG:
            return need.count / slices_per_gpu(need.mig_profile)
        if need.mode is GpuMode.SHARED and pool.mode is GpuMode.SHARED:
            return need.count / pool.replicas
        if need.mode is GpuMode.VGPU and pool.mode is GpuMode.VGPU:
            return need.count / dict(self.vgpu_devices).get(pool.name, 1)
        return float(need.count)


@dataclass(frozen=True)
class PoolShortfall:
    """GPU workloads of one wave that found no room left in their pool group."""

    group: int
    rank: int
    workloads: tuple[int, ...]
    #: GPUs of the group in use by earlier waves (and earlier workloads of this wave).
    in_use: float
    needed: float


def cumulative_use(
    pools: GpuPools, needs: Sequence[tuple[int, int, GpuNeeds]]
) -> tuple[list[list[float]], list[PoolShortfall]]:
    """Walk ``(rank, item, need)`` in rank order: GPUs in use per group after each rank.

    Returns (use[rank][group] for ranks 0..max, shortfalls). A workload that does not fit is
    a shortfall at its rank and takes nothing (what happens when it is left out).
    """
    top = max((r for r, _i, _n in needs), default=0)
    use = [[0.0] * len(pools.groups) for _ in range(top + 1)]
    total = [0.0] * len(pools.groups)
    short: dict[tuple[int, int], tuple[list[int], float, float]] = {}
    current = 0
    for rank, item, need in sorted(needs, key=lambda t: (t[0], t[1])):
        while current < rank:
            current += 1
            use[current] = list(total)
        g = pools.group_of(need)
        if g is None:
            continue
        units = pools.units(need, g)
        if total[g] + units > pools.groups[g].capacity + _EPS:
            items, in_use, needed = short.get((g, rank), ([], total[g], 0.0))
            items.append(item)
            short[(g, rank)] = (items, in_use, needed + units)
            continue
        total[g] += units
        use[rank] = list(total)
    for r in range(current + 1, top + 1):
        use[r] = list(total)
    shortfalls = [
        PoolShortfall(g, rank, tuple(items), in_use, needed)
        for (g, rank), (items, in_use, needed) in sorted(short.items(), key=lambda kv: kv[0][::-1])
    ]
    return use, shortfalls


class PoolLedger:
    """GPUs taken per group while the planner places workloads (order does not matter)."""

    def __init__(self, pools: GpuPools, needs: Sequence[GpuNeeds | None]) -> None:
        self.pools = pools
        self.group = [pools.group_of(n) if pools.modelled else None for n in needs]
        self.units = [pools.units(n, g) for n, g in zip(needs, self.group, strict=True)]
        self.used = [0.0] * len(pools.groups)

    def demand(self, nodes: Iterable[int]) -> dict[int, float]:
        out: dict[int, float] = {}
        for v in nodes:
            g = self.group[v]
            if g is not None:
                out[g] = out.get(g, 0.0) + self.units[v]
        return out

    def fits(self, nodes: Iterable[int]) -> bool:
        return all(
            self.used[g] + units <= self.pools.groups[g].capacity + _EPS
            for g, units in self.demand(nodes).items()
        )

    def short_groups(self, nodes: Iterable[int]) -> list[int]:
        """Groups that cannot take ``nodes`` now."""
        return [
            g
            for g, units in self.demand(nodes).items()
            if self.used[g] + units > self.pools.groups[g].capacity + _EPS
        ]

    def take(self, nodes: Iterable[int], sign: float = 1.0) -> None:
        for g, units in self.demand(nodes).items():
            self.used[g] += sign * units

    def describe(self, g: int) -> str:
        group = self.pools.groups[g]
        names = ", ".join(group.names)
        return (
            f"the {group.label} ({names}: {group.capacity:g} GPUs) is used up "
            f"({self.used[g]:g} in use by workloads placed before it)"
        )
