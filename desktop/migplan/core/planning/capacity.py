"""What a wave may hold, and what a workload takes: the capacity rows every plan must respect.

A wave is bounded in six dimensions: workloads (the CMF-style ramp), vCPU, memory, storage
(the smaller of an explicit bound and what the hybrid link moves in the transfer window),
engineer-hours of hands-on work, and GPUs per target pool.

GPU pool matching. The GPU Operator puts each node pool in exactly one mode, so a workload's
``GpuNeeds.mode`` decides which pools can take it:

* ``container`` and ``mig`` need a pool in ``container`` or ``mig`` mode (both are served by
  the data-centre driver and the device plugin; MIG slices are counted as whole GPUs, which
  is conservative);
* ``passthrough`` needs a ``passthrough`` pool;
* ``vgpu`` needs a ``vgpu`` pool.

GPUs are not a per-wave capacity: a pool's devices, once taken by a workload that landed,
stay taken, so pools are checked cumulatively by the GPU-POOL rule (``gpupools``). The GPU
columns are kept in the load vectors (GPUs moved per wave, for reports) with no per-wave
bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType

from migplan.core.enums import GpuMode
from migplan.core.models import Workload
from migplan.core.settings import PlanSettings

#: GPU kinds a pool or a workload belongs to (the dimension names are ``gpu:<kind>``).
GPU_KINDS = ("container", "passthrough", "vgpu")

_KIND_OF_MODE: dict[GpuMode, str] = {
    GpuMode.CONTAINER: "container",
    GpuMode.MIG: "container",
    GpuMode.SHARED: "container",
    GpuMode.PASSTHROUGH: "passthrough",
    GpuMode.VGPU: "vgpu",
}

#: Dimension names, in the order of ``Load.vector`` and ``WaveLimits.vector``.
DIMENSIONS = (
    "workloads",
    "vcpu",
    "memory_gib",
    "storage_gib",
    "engineer_hours",
    *(f"gpu:{kind}" for kind in GPU_KINDS),
)

#: What each dimension is called in a message.
DIMENSION_LABELS = {
    "workloads": "workloads",
    "vcpu": "vCPU",
    "memory_gib": "GiB of memory",
    "storage_gib": "GiB of storage to transfer",
    "engineer_hours": "engineer-hours",
    **{f"gpu:{kind}": f"{kind} GPUs" for kind in GPU_KINDS},
}


def gpu_kind(mode: GpuMode) -> str | None:
    """The pool kind that serves ``mode`` (None for no GPU)."""
    return _KIND_OF_MODE.get(mode)


@dataclass(frozen=True)
class WaveLimits:
    """Everything one wave may hold. ``None`` means unbounded."""

    workloads: int
    vcpu: int | None
    memory_gib: float | None
    storage_gib: float
    #: GPUs per target pool name; empty when the plan defines no pools (GPUs unbounded).
    gpus: MappingProxyType[str, int]
    engineer_hours: float
    #: Pool name -> GPU kind (``container``, ``passthrough``, ``vgpu``).
    pool_kinds: MappingProxyType[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def gpu_capacity(self, kind: str) -> float:
        """GPUs of ``kind`` one wave may take: unbounded (pools are cumulative: GPU-POOL)."""
        return math.inf

    def vector(self) -> tuple[float, ...]:
        """The limits in ``DIMENSIONS`` order, with inf for unbounded."""
        return (
            float(self.workloads),
            math.inf if self.vcpu is None else float(self.vcpu),
            math.inf if self.memory_gib is None else self.memory_gib,
            self.storage_gib,
            self.engineer_hours,
            *(self.gpu_capacity(kind) for kind in GPU_KINDS),
        )


def wave_limits(settings: PlanSettings, order: int) -> WaveLimits:
    """The limits of the wave with 1-based ``order`` under ``settings``."""
    cap = settings.capacity
    order = max(1, order)
    transfer = settings.network.transfer_gib(cap.transfer_window_hours)
    storage = (
        transfer
        if cap.storage_gib is None
        else min(cap.storage_gib * cap.storage_ramp.share(order), transfer)
    )
    # Ramped limits only grow with the order, which the packer's fixed slot limits rely on.
    vcpu = None if cap.vcpu is None else max(1, math.floor(cap.vcpu * cap.vcpu_ramp.share(order)))
    memory = None if cap.memory_gib is None else cap.memory_gib * cap.memory_ramp.share(order)
    pools = {p.name: p.gpus for p in settings.gpu_pools}
    kinds = {p.name: gpu_kind(p.mode) or "container" for p in settings.gpu_pools}
    return WaveLimits(
        workloads=cap.workloads.capacity(order),
        vcpu=vcpu,
        memory_gib=memory,
        storage_gib=storage,
        gpus=MappingProxyType(pools),
        engineer_hours=cap.engineer_hours,
        pool_kinds=MappingProxyType(kinds),
    )


@dataclass(frozen=True)
class Load:
    """What a set of workloads takes from a wave, in the same dimensions as ``WaveLimits``."""

    workloads: int = 0
    vcpu: int = 0
    memory_gib: float = 0.0
    storage_gib: float = 0.0
    engineer_hours: float = 0.0
    #: GPUs per kind (``container``, ``passthrough``, ``vgpu``).
    gpus: MappingProxyType[str, int] = field(default_factory=lambda: MappingProxyType({}))

    def __add__(self, other: Load) -> Load:
        gpus = dict(self.gpus)
        for kind, n in other.gpus.items():
            gpus[kind] = gpus.get(kind, 0) + n
        return Load(
            workloads=self.workloads + other.workloads,
            vcpu=self.vcpu + other.vcpu,
            memory_gib=self.memory_gib + other.memory_gib,
            storage_gib=self.storage_gib + other.storage_gib,
            engineer_hours=self.engineer_hours + other.engineer_hours,
            gpus=MappingProxyType(gpus),
        )

    def vector(self) -> tuple[float, ...]:
        """The load in ``DIMENSIONS`` order."""
        return (
            float(self.workloads),
            float(self.vcpu),
            self.memory_gib,
            self.storage_gib,
            self.engineer_hours,
            *(float(self.gpus.get(kind, 0)) for kind in GPU_KINDS),
        )


def workload_load(workload: Workload, settings: PlanSettings) -> Load:
    """What ``workload`` takes from the wave it moves in."""
    kind = gpu_kind(workload.gpu.mode) if workload.gpu else None
    return Load(
        workloads=1,
        vcpu=workload.vcpu,
        memory_gib=workload.memory_mib / 1024.0,
        storage_gib=workload.storage_gib,
        engineer_hours=settings.capacity.engineer_hours_per_workload,
        gpus=MappingProxyType({kind: workload.gpu_count} if kind and workload.gpu_count else {}),
    )


def total_load(workloads: list[Workload], settings: PlanSettings) -> Load:
    """The summed load of ``workloads``."""
    out = Load()
    for wl in workloads:
        out = out + workload_load(wl, settings)
    return out


def overflow(load: Load, limits: WaveLimits) -> dict[str, float]:
    """By how much ``load`` exceeds ``limits``, per dimension name; empty when it fits."""
    out: dict[str, float] = {}
    for name, used, cap in zip(DIMENSIONS, load.vector(), limits.vector(), strict=True):
        if used > cap + 1e-9:
            out[name] = used - cap
    return out


def describe_overflow(over: dict[str, float]) -> str:
    """One readable line, e.g. ``12 vCPU and 300 GiB of storage to transfer over``."""
    parts = [f"{value:,.0f} {DIMENSION_LABELS.get(name, name)}" for name, value in over.items()]
    return " and ".join(parts) + " over" if parts else "within capacity"
