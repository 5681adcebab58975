"""The target side as the user describes it: clusters, node pools, headroom, VM overhead.

Saved in the plan as ``PlanSettings.target``. Every default names its source in the field's
``description`` (it lands in the JSON Schema and is the help text a settings dialog shows);
docs/TARGET.md explains the model. ``core.target`` computes, phase by phase, what these
pools must hold.

GPU modes are not described twice. A node pool with GPUs *names* one of the plan's GPU pools
(``PlanSettings.gpu_pools``, which the planner's GPU-MODE and GPU-POOL rules already read):
that GPU pool says the mode (container, passthrough, vGPU, MIG with its profile, time-sliced
with its replicas), the GPU model and how many GPUs the pool has in all; the node pool adds
the shape of one node (cores, memory, GPUs per node, vGPU devices per GPU, storage tier). So
what the planner promises about GPUs and what the target sizing counts stay one thing, and
plans saved before node pools existed load unchanged (no target: nothing is sized).
"""

from __future__ import annotations

import math
from typing import Annotated, Self

from pydantic import Field, model_validator

from migplan.core.models import Entity, Name, NonNegFloat, ShortText

_Cores = Annotated[int, Field(ge=1, le=100_000)]
_Gib = Annotated[float, Field(gt=0, allow_inf_nan=False)]

KUBEVIRT_SOURCE = (
    "kubevirt/kubevirt pkg/hypervisor/kvm/launcherhypervisorresources.go, GetMemoryOverhead"
)
NVIDIA_RA_SOURCE = (
    "NVIDIA DGX SuperPOD reference architecture (DGX H100, RA-11333-001 V11), table 6, "
    "single-node read divided by 8 GPUs"
)


class VmOverhead(Entity):
    """Memory a KubeVirt VM takes on its node beyond the guest's own RAM (virt-launcher).

    ``overhead = fixed + per_vcpu x vCPU + requested / page_table_divisor (+ vfio when the
    VM has a GPU or other VFIO device)``; a 2-vCPU, 2 GiB VM without a GPU takes
    260 + 16 + 4 = 280 MiB, KubeVirt's own example.
    """

    fixed_mib: NonNegFloat = Field(
        260.0,
        description="Fixed MiB per VM: virt-launcher-monitor 25 + virt-launcher 100 + virtlogd "
        "25 + virtqemud 40 + qemu 30 = 220, + IOThread 8, + video RAM 32. Source: "
        + KUBEVIRT_SOURCE
        + " (version-dependent: older releases used smaller constants).",
    )
    per_vcpu_mib: NonNegFloat = Field(
        8.0, description="MiB per vCPU. Source: " + KUBEVIRT_SOURCE + "."
    )
    page_table_divisor: Annotated[float, Field(gt=0, allow_inf_nan=False)] = Field(
        512.0,
        description="Page tables: requested memory divided by this (about 0.2 %). Source: "
        + KUBEVIRT_SOURCE
        + ".",
    )
    vfio_mib: NonNegFloat = Field(
        1024.0,
        description="MiB added when the VM has a VFIO device (a passed-through GPU or a vGPU): "
        "all guest RAM is locked. Source: " + KUBEVIRT_SOURCE + ".",
    )

    def memory_mib(self, memory_mib: float, vcpu: int, vfio: bool) -> float:
        """MiB of overhead of one VM with ``memory_mib`` requested and ``vcpu`` vCPUs."""
        out = self.fixed_mib + self.per_vcpu_mib * vcpu + memory_mib / self.page_table_divisor
        return out + (self.vfio_mib if vfio else 0.0)


class NodePool(Entity):
    """Nodes of one shape in a target cluster."""

    name: Name
    cores: _Cores = Field(32, description="Physical cores per node (what the user buys).")
    memory_gib: _Gib = Field(256.0, description="Memory per node, GiB.")
    gpu_pool: ShortText = Field(
        "",
        description="The plan's GPU pool (Settings > GPU pools) whose GPUs these nodes carry: "
        "it gives the mode, the model and the pool's GPUs in all. Empty: no GPUs.",
    )
    gpus_per_node: Annotated[int, Field(ge=0, le=64)] = Field(
        0, description="GPUs per node (8 on a DGX/HGX node, 4 on many PCIe servers)."
    )
    vgpu_per_gpu: Annotated[int, Field(ge=1, le=64)] = Field(
        2,
        description="vGPU devices per GPU when the GPU pool runs vGPU. Source: NVIDIA GPU "
        "Operator with KubeVirt, whose default vGPU configuration gives each device half the "
        "GPU memory (2 x A10-12Q per A10).",
    )
    storage_tier: ShortText = Field("", description="Name of the storage tier the nodes read.")
    read_gbps_per_node: NonNegFloat | None = Field(
        None,
        description="Read GB/s the storage tier gives one node. None: not described, the feed "
        "is not checked. NVIDIA's DGX H100 reference architecture gives 4 (good), 8 (better), "
        "40 (best) GB/s per 8-GPU node.",
    )

    price_per_node_month: NonNegFloat = Field(
        0.0,
        description="What one node costs a month, in the plan's currency: hardware lease or "
        "amortisation, power, space and its subscriptions (OpenShift counts core-pairs or "
        "bare-metal socket-pairs: Red Hat self-managed subscription guide). Red Hat publishes "
        "no list price, so the default is 0 (not counted): enter your quote.",
    )

    @model_validator(mode="after")
    def _gpus_with_pool(self) -> Self:
        if self.gpu_pool and self.gpus_per_node == 0:
            raise ValueError(
                f"node pool {self.name!r} carries GPU pool {self.gpu_pool!r} but no GPUs per node"
            )
        if self.gpus_per_node and not self.gpu_pool:
            raise ValueError(
                f"node pool {self.name!r} has GPUs per node but names no GPU pool (the GPU "
                "pool says their mode)"
            )
        return self


class TargetCluster(Entity):
    """One target cluster (OpenShift / Kubernetes with KubeVirt) and its node pools."""

    name: Name
    pools: tuple[NodePool, ...] = ()


#: The per-GPU read rate NVIDIA's reference architecture asks by class of work, as workload
#: classes of MigPlan: AI/GPU (compressed images, LLM text: "better", 8 GB/s per 8-GPU node)
#: and data-heavy (datasets too large to cache, ETL, offline inference: "best", 40 / 8).
DEFAULT_READ_GBPS_PER_GPU: dict[str, float] = {"ai-gpu": 1.0, "data-heavy": 5.0}


class TargetSettings(Entity):
    """The target side: clusters and node pools, headroom, overheads, GPU feed targets."""

    clusters: tuple[TargetCluster, ...] = ()
    headroom: Annotated[float, Field(ge=0, lt=1, allow_inf_nan=False)] = Field(
        0.20,
        description="Share of each node's cores and memory kept free (for node failure, "
        "drains during upgrades, growth). Source: kubev2v/migration-planner "
        "(internal/service/sizer.go) fills nodes to 80 % of capacity.",
    )
    vm_overhead: VmOverhead = Field(default_factory=VmOverhead)
    read_gbps_per_gpu: dict[str, NonNegFloat] = Field(
        default_factory=lambda: dict(DEFAULT_READ_GBPS_PER_GPU),
        description="Read GB/s one GPU needs, by workload class (ai-gpu, data-heavy). Source: "
        + NVIDIA_RA_SOURCE
        + ": better 8/8 = 1, best 40/8 = 5.",
    )
    other_read_gbps_per_gpu: NonNegFloat = Field(
        0.5,
        description="Read GB/s per GPU for a GPU workload of any other class. Source: "
        + NVIDIA_RA_SOURCE
        + ": good 4/8 = 0.5 (datasets that fit the local cache).",
    )

    @model_validator(mode="after")
    def _unique_names(self) -> Self:
        clusters = [c.name for c in self.clusters]
        if len(set(clusters)) != len(clusters):
            raise ValueError("two target clusters have the same name")
        for cluster in self.clusters:
            names = [p.name for p in cluster.pools]
            if len(set(names)) != len(names):
                raise ValueError(f"two node pools of cluster {cluster.name!r} share a name")
        return self

    @property
    def pools(self) -> tuple[tuple[str, NodePool], ...]:
        """Every node pool with its key ``cluster/pool``, in the order described."""
        return tuple((f"{c.name}/{p.name}", p) for c in self.clusters for p in c.pools)

    def usable(self, per_node: float) -> float:
        """What one node offers once the headroom is kept free."""
        return per_node * (1.0 - self.headroom)

    def nodes_for(self, need: float, per_node: float) -> int:
        """Nodes to hold ``need`` at ``per_node`` each, with the headroom kept free."""
        if need <= 0:
            return 0
        return math.ceil(need / self.usable(per_node) - 1e-9)

    def read_target(self, workload_class: str) -> float:
        """Read GB/s one GPU of a workload of ``workload_class`` needs."""
        return self.read_gbps_per_gpu.get(workload_class, self.other_read_gbps_per_gpu)
