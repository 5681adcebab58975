"""A vGPU device is a share of a GPU, the same share for the planner's GPU-POOL rule, the
validator and the target's sizing (issue 14, point 3: one count of GPUs in use).

A vGPU pool of 2 GPUs; the node pool carrying it gives 2 devices per GPU (NVIDIA's default
halves the memory): 4 devices in all. Three VMs need 1 device each in wave 1 and one needs
2 in wave 2: 5 devices, one more than the pool has.
"""

from __future__ import annotations

from tests.core.assess.factories import wave, wl

from migplan.core.assess.validate import validate_plan
from migplan.core.document import PlanDocument
from migplan.core.enums import DispositionKind, GpuMode
from migplan.core.models import Disposition, GpuNeeds
from migplan.core.planning.planner import propose_waves
from migplan.core.settings import GpuPool, PlanSettings
from migplan.core.target import phase_capacity
from migplan.core.target_settings import NodePool, TargetCluster, TargetSettings


def plan(*, devices: int | None, second: int) -> PlanDocument:
    clusters = ()
    if devices is not None:
        node = NodePool(name="vgpu", cores=64, memory_gib=512, gpu_pool="v", gpus_per_node=2,
                        vgpu_per_gpu=devices)  # fmt: skip
        clusters = (TargetCluster(name="dc", pools=(node,)),)
    doc = PlanDocument(
        PlanSettings(
            gpu_pools=(GpuPool(name="v", mode=GpuMode.VGPU, gpus=2, vgpu_profile="A10-12Q"),),
            target=TargetSettings(clusters=clusters),
        )
    )
    for order in (1, 2):
        w = wave(order)
        doc.waves[w.id] = w
    vm = Disposition(kind=DispositionKind.REHOST_KUBEVIRT)
    for i, (order, count) in enumerate([(1, 1), (1, 1), (1, 1), (2, second)]):
        w = wl(f"g{i}", wave_id=f"v-{order}", disposition=vm,
               gpu=GpuNeeds(count=count, mode=GpuMode.VGPU))  # fmt: skip
        doc.workloads[w.id] = w
    return doc


def gpu_pool_rules(doc: PlanDocument) -> list[str]:
    return [v.rule_id for v in validate_plan(doc) if v.rule_id == "GPU-POOL"]


def test_four_devices_fit_two_gpus_everywhere() -> None:
    doc = plan(devices=2, second=1)
    assert gpu_pool_rules(doc) == []
    last = phase_capacity(doc)[-1]
    [pool] = last.pools
    assert (pool.gpus_used, pool.gpus_total, pool.gpu_unit) == (4, 4, "vGPU A10-12Q devices")
    assert last.findings == ()
    # The planner places all four: the pool holds them.
    assert len(propose_waves(doc).assignment) == 4


def test_a_fifth_device_is_short_for_the_validator_the_planner_and_the_target() -> None:
    doc = plan(devices=2, second=2)
    assert gpu_pool_rules(doc) == ["GPU-POOL"]
    two = phase_capacity(doc)[-1]
    assert [f.rule_id for f in two.findings] == ["TARGET-GPU-SHORT"]
    assert "5 needed, 4 in the pool" in two.findings[0].message
    proposal = propose_waves(doc)
    assert len(proposal.assignment) == 3
    [left] = [u for u in proposal.unplaceable if u.rule_id == "GPU-POOL"]
    assert left.workload_id == "w-g3"


def test_without_a_node_pool_a_device_counts_as_a_whole_gpu() -> None:
    doc = plan(devices=None, second=1)
    # 3 devices on 2 GPUs in wave 1 (one over), the fourth in wave 2: each wave is told.
    assert gpu_pool_rules(doc) == ["GPU-POOL", "GPU-POOL"]
    assert len(propose_waves(doc).assignment) == 2
