"""What the target must hold after each phase: nodes per pool, GPUs in use, storage feed,
data to move. Computed once per plan (``phase_capacity``) and read by ``migplan stats`` (and
later the capacity view and the PDF), so every place shows the same figures.

The model (docs/TARGET.md has it with sources):

* **What moves.** Phase k is waves 1..k in order. A workload moves when its wave is in the
  phase and its disposition is containerize (a container) or rehost-vm (a KubeVirt VM);
  retained and retired workloads put nothing on the target.
* **What it takes.** A container: its vCPU as cores and its memory. A VM: the same, plus the
  virt-launcher memory overhead (``VmOverhead``). One vCPU is one core: no over-commit.
* **Where it lands** (assigned once, in wave order then by workload id, and kept):
  a GPU workload goes to the first node pool whose GPU pool serves its need (the same
  serving groups as the GPU-POOL rule: ``planning.gpupools``) that still has room, else the
  first that serves it (overdrawn: TARGET-GPU-SHORT). A VM needs passthrough or vGPU, a
  container container, MIG or time-sliced; when no pool serves the need, the workload lands
  on the first pool with GPUs, where one node would have to run two GPU modes
  (TARGET-GPU-MIX), and its GPUs are not counted there. Anything else goes to the first pool
  without GPUs, else the first pool.
* **Nodes needed** per pool: the largest of ceil(cores / (cores per node x (1 - headroom))),
  the same for memory, and ceil(devices / devices per node). GPUs carry no headroom: a GPU,
  slice or replica is handed out whole, nothing bursts into it.
* **Devices** per GPU: MIG slices of the pool's profile (``slices_per_gpu``), time-sliced
  replicas, vGPU devices per GPU (node pool), else 1. A pool has its GPU pool's GPUs in all.
* **Feed**: the moved GPU workloads of a pool need Σ GPUs x read GB/s per GPU of their class
  (a MIG slice is its share of a GPU, a time-sliced replica likewise); the tier gives read
  GB/s per node x nodes needed. Less given than needed: TARGET-FEED, with both numbers.
* **Data** of a phase: the storage of the workloads moving in that wave (used, else
  provisioned), and hours to copy it at the link's usable rate (``Network.transfer_gib``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from migplan.core.document import PlanDocument
from migplan.core.enums import DispositionKind, GpuMode
from migplan.core.ids import WaveId, WorkloadId
from migplan.core.models import GpuNeeds, Workload
from migplan.core.planning.gpupools import GpuPools, slices_per_gpu
from migplan.core.settings import GpuPool, PlanSettings
from migplan.core.target_settings import NodePool, TargetSettings

_MOVES = (DispositionKind.CONTAINERIZE, DispositionKind.REHOST_KUBEVIRT)
_VM_MODES = (GpuMode.PASSTHROUGH, GpuMode.VGPU)
_EPS = 1e-9


@dataclass(frozen=True)
class Finding:
    """One broken target rule (``core.rules``: TARGET-*) in one phase."""

    rule_id: str
    wave_id: WaveId
    pool: str
    message: str
    workloads: tuple[WorkloadId, ...] = ()


@dataclass(frozen=True)
class PoolPhase:
    """One node pool after one phase."""

    pool: str
    cores: float
    memory_gib: float
    nodes: int
    #: GPU devices or slices in use, and the pool's total (0 / 0 for a pool without GPUs).
    gpus_used: float
    gpus_total: float
    #: What the devices are: "GPUs", "MIG 1g.10gb slices", "vGPU devices", "replicas".
    gpu_unit: str
    #: Read GB/s the pool's moved GPU workloads need, and what its tier gives (None: the
    #: tier's rate is not described).
    feed_need_gbps: float
    feed_gbps: float | None


@dataclass(frozen=True)
class Phase:
    """The target after one wave (and every wave before it)."""

    wave_id: WaveId
    wave_name: str
    order: int
    pools: tuple[PoolPhase, ...]
    #: Data moving in this wave alone, and the hours to copy it at the usable link rate.
    data_gib: float
    transfer_hours: float
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class _Pool:
    key: str
    node: NodePool
    gpu: GpuPool | None
    group: int | None
    per_gpu: float
    unit: str

    @property
    def total(self) -> float:
        return float(self.gpu.gpus) * self.per_gpu if self.gpu else 0.0

    @property
    def per_node(self) -> float:
        return self.node.gpus_per_node * self.per_gpu


@dataclass
class _Use:
    cores: float = 0.0
    memory_gib: float = 0.0
    devices: float = 0.0
    feed_need: float = 0.0
    members: list[WorkloadId] = field(default_factory=list)


def _pools(settings: PlanSettings, gpools: GpuPools) -> list[_Pool]:
    by_name = {p.name: (i, p) for i, p in enumerate(settings.gpu_pools)}
    out = []
    for key, node in settings.target.pools:
        found = by_name.get(node.gpu_pool) if node.gpu_pool else None
        if found is None:
            out.append(_Pool(key, node, None, None, 0.0, ""))
            continue
        index, gpu = found
        group = next(g for g, grp in enumerate(gpools.groups) if index in grp.pools)
        per_gpu, unit = 1.0, "GPUs"
        if gpu.mode is GpuMode.MIG and gpu.mig_profile:
            per_gpu, unit = float(slices_per_gpu(gpu.mig_profile)), f"MIG {gpu.mig_profile} slices"
        elif gpu.mode is GpuMode.SHARED:
            per_gpu, unit = float(gpu.replicas), "time-sliced replicas"
        elif gpu.mode is GpuMode.VGPU:
            profile = f" {gpu.vgpu_profile}" if gpu.vgpu_profile else ""
            per_gpu, unit = float(node.vgpu_per_gpu), f"vGPU{profile} devices"
        out.append(_Pool(key, node, gpu, group, per_gpu, unit))
    return out


def _serving_group(gpools: GpuPools, need: GpuNeeds, disposition: DispositionKind) -> int | None:
    """The GPU pool group that serves ``need`` moved as ``disposition`` (None: none does)."""
    vm = disposition is DispositionKind.REHOST_KUBEVIRT
    if vm != (need.mode in _VM_MODES):
        return None  # a VM needs passthrough or vGPU; a container anything else
    return gpools.group_of(need)


def _gpu_units(gpools: GpuPools, pool: _Pool, need: GpuNeeds) -> tuple[float, float]:
    """(devices in the pool's unit, GPUs' worth) that ``need`` takes on ``pool``."""
    if pool.gpu is not None and pool.gpu.mode is GpuMode.VGPU:
        return float(need.count), need.count / pool.per_gpu
    gpus = gpools.units(need, pool.group)
    return gpus * pool.per_gpu, gpus


def _defaults(
    doc: PlanDocument,
) -> tuple[dict[WorkloadId, DispositionKind], dict[WorkloadId, str]]:
    """Disposition and class value of each workload in a wave, from its own fields (no
    graph evidence: only a GPU workload's class matters here, and the graph never tells
    that), for a caller without an ``Assessment``."""
    from migplan.core.assess.classify import classify_workload
    from migplan.core.assess.fit import assess_fit, effective_disposition

    dispositions = {}
    classes = {}
    for wid, wl in doc.workloads.items():
        if wl.wave_id is None:
            continue
        dispositions[wid] = effective_disposition(wl, assess_fit(wl))
        classes[wid] = classify_workload(wl).workload_class.value  # the user's class wins
    return dispositions, classes


def phase_capacity(
    doc: PlanDocument,
    dispositions: Mapping[WorkloadId, DispositionKind] | None = None,
    classes: Mapping[WorkloadId, str] | None = None,
) -> list[Phase]:
    """The target after each wave of ``doc``, in wave order (see the module docstring).

    ``dispositions`` and ``classes`` (workload class values) are what an ``Assessment``
    already holds; when not given they are computed here. One phase per wave; with no node
    pools described, phases carry only the data and its transfer time.
    """
    if dispositions is None or classes is None:
        dispositions, classes = _defaults(doc)
    settings = doc.settings
    target = settings.target
    gpools = GpuPools.for_plan(settings)
    pools = _pools(settings, gpools)
    use = {p.key: _Use() for p in pools}
    gib_per_hour = settings.network.transfer_gib(1.0)
    by_wave: dict[WaveId, list[Workload]] = {}
    for wl in doc.workloads.values():
        if wl.wave_id is not None and dispositions.get(wl.id) in _MOVES:
            by_wave.setdefault(wl.wave_id, []).append(wl)
    phases = []
    for order, wave in enumerate(doc.waves_in_order(), start=1):
        moving = sorted(by_wave.get(wave.id, []), key=lambda w: w.id)
        findings = _unknown_gpu_pools(wave.id, settings) if order == 1 else []
        short: dict[str, list[WorkloadId]] = {}
        for wl in moving:
            disposition = dispositions[wl.id]
            pool, mixed = _place(wl, disposition, pools, use, gpools)
            if mixed is not None:
                findings.append(_mix_finding(wave.id, wl, disposition, pool, mixed))
            if pool is None:
                continue
            u = use[pool.key]
            vm = disposition is DispositionKind.REHOST_KUBEVIRT
            u.cores += wl.vcpu
            memory = float(wl.memory_mib)
            if vm:
                memory += target.vm_overhead.memory_mib(wl.memory_mib, wl.vcpu, wl.gpu_count > 0)
            u.memory_gib += memory / 1024.0
            need = _gpu_need(wl)
            if mixed is None and need is not None and pool.gpu is not None:
                devices, gpus = _gpu_units(gpools, pool, need)
                if u.devices + devices > pool.total + _EPS:
                    short.setdefault(pool.key, []).append(wl.id)
                u.devices += devices
                u.feed_need += gpus * target.read_target(classes.get(wl.id, ""))
                u.members.append(wl.id)
        rows = tuple(_pool_phase(p, use[p.key], target) for p in pools)
        for row, p in zip(rows, pools, strict=True):
            if p.key in short:
                findings.append(_short_finding(wave.id, row, short[p.key]))
            if row.feed_gbps is not None and row.feed_gbps + _EPS < row.feed_need_gbps:
                findings.append(_feed_finding(wave.id, row, tuple(use[p.key].members)))
        data = sum(wl.storage_gib for wl in moving)
        phases.append(
            Phase(
                wave.id,
                wave.name,
                order,
                rows,
                data,
                data / gib_per_hour if gib_per_hour > 0 else 0.0,
                tuple(findings),
            )
        )
    return phases


def _gpu_need(wl: Workload) -> GpuNeeds | None:
    """``wl``'s GPU need, None without one (or with GPUs of no known mode, which the GPU
    rules do not count either)."""
    need = wl.gpu
    if need is None or need.count == 0 or need.mode is GpuMode.NONE:
        return None
    return need


def _place(
    wl: Workload,
    disposition: DispositionKind,
    pools: list[_Pool],
    use: Mapping[str, _Use],
    gpools: GpuPools,
) -> tuple[_Pool | None, str | None]:
    """The pool ``wl`` lands on, and the mode it needs when that pool runs another."""
    if not pools:
        return None, None
    need = _gpu_need(wl)
    if need is None:
        plain = [p for p in pools if p.gpu is None]
        return (plain or pools)[0], None
    group = _serving_group(gpools, need, disposition)
    serving = [p for p in pools if group is not None and p.group == group]
    for p in serving:
        if use[p.key].devices + _gpu_units(gpools, p, need)[0] <= p.total + _EPS:
            return p, None
    if serving:
        return serving[0], None
    with_gpus = [p for p in pools if p.gpu is not None]
    vm = disposition is DispositionKind.REHOST_KUBEVIRT
    if vm and need.mode not in _VM_MODES:
        wanted = "passthrough or vGPU"
    else:
        wanted = _mode_label(need.mode, need.mig_profile)
    return (with_gpus or pools)[0], wanted


def _pool_phase(p: _Pool, u: _Use, target: TargetSettings) -> PoolPhase:
    nodes = max(
        target.nodes_for(u.cores, float(p.node.cores)),
        target.nodes_for(u.memory_gib, p.node.memory_gib),
        _ceil(u.devices / p.per_node) if p.per_node else 0,
    )
    feed = None if p.node.read_gbps_per_node is None else p.node.read_gbps_per_node * nodes
    return PoolPhase(
        p.key,
        u.cores,
        u.memory_gib,
        nodes,
        u.devices,
        p.total,
        p.unit,
        u.feed_need,
        feed if p.gpu is not None else None,
    )


def _ceil(x: float) -> int:
    n = int(x)
    return n if x - n <= _EPS else n + 1


def _unknown_gpu_pools(wave: WaveId, settings: PlanSettings) -> list[Finding]:
    """A node pool naming a GPU pool the plan does not have carries no GPUs: said once."""
    known = {p.name for p in settings.gpu_pools}
    return [
        Finding(
            "TARGET-GPU-SHORT",
            wave,
            key,
            f"{key} names the GPU pool {node.gpu_pool!r}, which the plan does not have: its "
            "nodes are counted without GPUs",
        )
        for key, node in settings.target.pools
        if node.gpu_pool and node.gpu_pool not in known
    ]


def _mode_label(mode: GpuMode, profile: str) -> str:
    if mode is GpuMode.MIG:
        return f"MIG {profile}" if profile else "MIG"
    return {GpuMode.SHARED: "time-sliced", GpuMode.VGPU: "vGPU"}.get(mode, mode.value)


def _mix_finding(
    wave: WaveId, wl: Workload, disposition: DispositionKind, pool: _Pool | None, wanted: str
) -> Finding:
    what = "VM" if disposition is DispositionKind.REHOST_KUBEVIRT else "container"
    if pool is None or pool.gpu is None:
        where = "no node pool has GPUs"
        key = pool.key if pool else ""
    else:
        where = (
            f"the only GPU nodes ({pool.key}) run {_mode_label(pool.gpu.mode, pool.gpu.mig_profile)}"
            "; one node would have to run two GPU modes (or MIG layouts), and the GPU Operator "
            "configures one per node"
        )
        key = pool.key
    return Finding(
        "TARGET-GPU-MIX",
        wave,
        key,
        f"{wl.name} ({what}) needs {wl.gpu_count} {wanted} GPU(s): {where}",
        (wl.id,),
    )


def _short_finding(wave: WaveId, row: PoolPhase, ids: list[WorkloadId]) -> Finding:
    return Finding(
        "TARGET-GPU-SHORT",
        wave,
        row.pool,
        f"{row.pool} runs out of {row.gpu_unit}: {row.gpus_used:g} needed, "
        f"{row.gpus_total:g} in the pool",
        tuple(ids),
    )


def _feed_finding(wave: WaveId, row: PoolPhase, ids: tuple[WorkloadId, ...]) -> Finding:
    return Finding(
        "TARGET-FEED",
        wave,
        row.pool,
        f"storage cannot feed these GPUs: {row.pool} needs {row.feed_need_gbps:.2f} GB/s of "
        f"reads, its tier gives {row.feed_gbps or 0.0:.2f} GB/s on {row.nodes} node(s)",
        ids,
    )
