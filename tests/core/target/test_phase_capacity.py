"""``phase_capacity`` on a small plan whose every figure is worked by hand below.

The plan: cluster dc1 with two node pools,

* ``general``: 32 cores, 256 GiB; with 20 % headroom a node offers 25.6 cores, 204.8 GiB;
* ``gpu``: 64 cores, 512 GiB (51.2 and 409.6 usable), 4 A100 per node from the GPU pool
  ``a100`` (MIG 1g.10gb, 8 GPUs in all: 7 slices each, so 56 slices in the pool, 28 per
  node), storage reading 0.5 GB/s per node;

a link of 1000 Mbit/s of which half is usable: 62.5 MB/s, i.e. 62.5e6 x 3600 / 2^30 =
209.546 GiB per hour; and seven workloads over three waves:

| wave | workload | moves as | vCPU | memory | GPU | data |
|---|---|---|---|---|---|---|
| 1 | web1 | container | 8 | 16 GiB | | 100 GiB |
| 1 | web2 | container | 16 | 64 GiB | | 200 GiB |
| 1 | old | retired | 64 | 512 GiB | | 5000 GiB |
| 2 | db | KubeVirt VM | 4 | 32 GiB | | 500 GiB |
| 2 | train | container | 16 | 128 GiB | 3 x MIG 1g.10gb | 1024 GiB |
| 3 | infer | container | 32 | 256 GiB | 54 x MIG 1g.10gb | 50 GiB |
| 3 | gpuvm | KubeVirt VM | 8 | 64 GiB | 1 x passthrough | 300 GiB |
"""

from __future__ import annotations

import math

import pytest
from tests.core.assess.factories import wave, wl

from migplan.core.document import PlanDocument
from migplan.core.enums import DispositionKind, GpuMode
from migplan.core.models import Disposition, GpuNeeds
from migplan.core.settings import GpuPool, Network, PlanSettings
from migplan.core.target import Phase, PoolPhase, phase_capacity
from migplan.core.target_settings import NodePool, TargetCluster, TargetSettings

GIB_PER_HOUR = 62.5e6 * 3600 / 2**30


def _settings() -> PlanSettings:
    return PlanSettings(
        network=Network(link_mbps=1000, usable_fraction=0.5),
        gpu_pools=(
            GpuPool(name="a100", mode=GpuMode.MIG, gpus=8, gpu_model="A100", mig_profile="1g.10gb"),
        ),
        target=TargetSettings(
            clusters=(
                TargetCluster(
                    name="dc1",
                    pools=(
                        NodePool(name="general", cores=32, memory_gib=256),
                        NodePool(
                            name="gpu",
                            cores=64,
                            memory_gib=512,
                            gpu_pool="a100",
                            gpus_per_node=4,
                            read_gbps_per_node=0.5,
                        ),
                    ),
                ),
            )
        ),
    )


def _moves(kind: DispositionKind) -> Disposition:
    return Disposition(kind=kind, reason="by hand")


def hand_worked_plan() -> PlanDocument:
    doc = PlanDocument(_settings())
    for order in (1, 2, 3):
        w = wave(order)
        doc.waves[w.id] = w
    c, vm = DispositionKind.CONTAINERIZE, DispositionKind.REHOST_KUBEVIRT

    def add(name: str, order: int, kind: DispositionKind, vcpu: int, gib: int, data: int,
            gpu: GpuNeeds | None = None) -> None:  # fmt: skip
        w = wl(
            name,
            wave_id=f"v-{order}",
            disposition=_moves(kind),
            vcpu=vcpu,
            memory_mib=gib * 1024,
            storage_provisioned_mib=data * 1024,
            storage_used_mib=data * 1024,
            gpu=gpu,
        )
        doc.workloads[w.id] = w

    mig = GpuMode.MIG
    add("web1", 1, c, 8, 16, 100)
    add("web2", 1, c, 16, 64, 200)
    add("old", 1, DispositionKind.RETIRE, 64, 512, 5000)
    add("db", 2, vm, 4, 32, 500)
    add("train", 2, c, 16, 128, 1024, GpuNeeds(count=3, mode=mig, mig_profile="1g.10gb"))
    add("infer", 3, c, 32, 256, 50, GpuNeeds(count=54, mode=mig, mig_profile="1g.10gb"))
    add("gpuvm", 3, vm, 8, 64, 300, GpuNeeds(count=1, mode=GpuMode.PASSTHROUGH))
    return doc


@pytest.fixture(scope="module")
def phases() -> list[Phase]:
    return phase_capacity(hand_worked_plan())


def _pool(phase: Phase, key: str) -> PoolPhase:
    return next(p for p in phase.pools if p.pool == key)


def test_phase_1_moves_two_containers_and_not_the_retired_vm(phases: list[Phase]) -> None:
    one = phases[0]
    general = _pool(one, "dc1/general")
    # 8 + 16 = 24 cores: 24 / 25.6 -> 1 node; 16 + 64 = 80 GiB: 80 / 204.8 -> 1 node.
    assert (general.cores, general.memory_gib, general.nodes) == (24, 80, 1)
    assert _pool(one, "dc1/gpu").nodes == 0
    # Data: 100 + 200 GiB (the retired VM's 5000 GiB does not move).
    assert one.data_gib == 300
    assert one.transfer_hours == pytest.approx(300 / GIB_PER_HOUR)
    assert one.transfer_hours == pytest.approx(1.4317, abs=1e-4)
    assert one.findings == ()


def test_phase_2_adds_a_kubevirt_vm_with_its_overhead_and_three_slices(
    phases: list[Phase],
) -> None:
    two = phases[1]
    general = _pool(two, "dc1/general")
    # db's overhead: 260 fixed + 8 x 4 vCPU + 32768 / 512 = 260 + 32 + 64 = 356 MiB.
    db_gib = (32768 + 356) / 1024
    assert general.memory_gib == pytest.approx(80 + db_gib)
    # 24 + 4 = 28 cores: 28 / 25.6 = 1.09 -> 2 nodes (memory 112.3 GiB alone would need 1).
    assert (general.cores, general.nodes) == (28, 2)
    gpu = _pool(two, "dc1/gpu")
    # train: 3 of 56 slices; 16 cores (1 node), 128 GiB (1 node), 3 / 28 slices (1 node).
    assert (gpu.gpus_used, gpu.gpus_total, gpu.gpu_unit) == (3, 56, "MIG 1g.10gb slices")
    assert gpu.nodes == 1
    # Feed: 3 slices are 3/7 of a GPU x 1 GB/s (ai-gpu) = 0.43 GB/s; the tier gives 0.5.
    assert gpu.feed_need_gbps == pytest.approx(3 / 7)
    assert gpu.feed_gbps == 0.5
    assert two.data_gib == 1524
    assert two.transfer_hours == pytest.approx(1524 / GIB_PER_HOUR)
    assert two.findings == ()


def test_phase_3_runs_out_of_slices_starves_the_gpus_and_mixes_modes(
    phases: list[Phase],
) -> None:
    three = phases[2]
    gpu = _pool(three, "dc1/gpu")
    # Slices: 3 + 54 = 57 of 56. The passthrough VM's GPU is not counted on a MIG pool.
    assert (gpu.gpus_used, gpu.gpus_total) == (57, 56)
    # Cores 16 + 32 + 8 = 56 -> 56 / 51.2 -> 2 nodes. Memory: 128 + 256 + gpuvm's
    # 64 GiB + (260 + 8 x 8 + 65536 / 512 + 1024 VFIO = 1476 MiB) -> 449.4 / 409.6 -> 2
    # nodes. Slices: 57 / 28 per node = 2.04 -> 3 nodes: the GPUs decide.
    assert gpu.cores == 56
    assert gpu.memory_gib == pytest.approx(128 + 256 + (65536 + 1476) / 1024)
    assert math.ceil(gpu.memory_gib / 409.6) == 2
    assert gpu.nodes == 3
    # Feed: 57 slices = 57/7 GPUs x 1 GB/s = 8.14 GB/s needed; 3 nodes x 0.5 = 1.5 given.
    assert gpu.feed_need_gbps == pytest.approx(57 / 7)
    assert gpu.feed_gbps == pytest.approx(1.5)
    assert _pool(three, "dc1/general").nodes == 2
    assert three.data_gib == 350
    by_rule = {f.rule_id: f for f in three.findings}
    assert set(by_rule) == {"TARGET-GPU-SHORT", "TARGET-GPU-MIX", "TARGET-FEED"}
    assert by_rule["TARGET-GPU-SHORT"].workloads == ("w-infer",)
    assert "57 needed, 56 in the pool" in by_rule["TARGET-GPU-SHORT"].message
    assert by_rule["TARGET-GPU-MIX"].workloads == ("w-gpuvm",)
    assert "passthrough" in by_rule["TARGET-GPU-MIX"].message
    assert "run MIG 1g.10gb; one node would have to run two GPU modes" in (
        by_rule["TARGET-GPU-MIX"].message
    )
    feed = by_rule["TARGET-FEED"].message
    assert feed.startswith("storage cannot feed these GPUs")
    assert "8.14 GB/s" in feed and "1.50 GB/s" in feed


def test_findings_are_named_rules() -> None:
    from migplan.core.rules import RULES

    for rule_id in ("TARGET-GPU-SHORT", "TARGET-GPU-MIX", "TARGET-FEED"):
        assert rule_id in RULES and RULES[rule_id].statement


def test_a_passthrough_pool_serves_the_gpu_vm_without_mixing() -> None:
    doc = hand_worked_plan()
    passthrough = GpuPool(name="pt", mode=GpuMode.PASSTHROUGH, gpus=2)
    pools = (*doc.settings.target.clusters[0].pools,
             NodePool(name="pt", cores=32, memory_gib=256, gpu_pool="pt", gpus_per_node=2))  # fmt: skip
    cluster = doc.settings.target.clusters[0].with_changes(pools=pools)
    doc.settings = doc.settings.with_changes(
        gpu_pools=(*doc.settings.gpu_pools, passthrough),
        target=doc.settings.target.with_changes(clusters=(cluster,)),
    )
    three = phase_capacity(doc)[2]
    pt = _pool(three, "dc1/pt")
    assert (pt.gpus_used, pt.gpus_total, pt.gpu_unit, pt.nodes) == (1, 2, "GPUs", 1)
    assert "TARGET-GPU-MIX" not in {f.rule_id for f in three.findings}
    # No tier rate described on that pool: the feed is not checked there.
    assert pt.feed_gbps is None


def test_a_mig_profile_no_pool_offers_is_a_mix_with_both_layouts_named() -> None:
    doc = hand_worked_plan()
    odd = doc.workloads["w-infer"].with_changes(
        gpu=GpuNeeds(count=1, mode=GpuMode.MIG, mig_profile="3g.40gb")
    )
    doc.workloads[odd.id] = odd
    three = phase_capacity(doc)[2]
    mix = [f for f in three.findings if f.rule_id == "TARGET-GPU-MIX"]
    assert [f.workloads for f in mix] == [("w-gpuvm",), ("w-infer",)]
    assert "needs 1 MIG 3g.40gb GPU(s)" in mix[1].message
    assert "run MIG 1g.10gb" in mix[1].message
    # Only train's 3 slices are in use: the unserved need takes none.
    assert _pool(three, "dc1/gpu").gpus_used == 3


def test_a_node_pool_naming_an_unknown_gpu_pool_is_said_once() -> None:
    doc = hand_worked_plan()
    doc.settings = doc.settings.with_changes(gpu_pools=())
    phases = phase_capacity(doc)
    first = [f for f in phases[0].findings if f.rule_id == "TARGET-GPU-SHORT"]
    assert len(first) == 1 and "names the GPU pool 'a100'" in first[0].message
    assert _pool(phases[1], "dc1/gpu").gpus_total == 0
    # train's MIG slices now find no GPU pool at all: a mix finding in wave 2, not a shortage.
    assert {f.rule_id for f in phases[1].findings} == {"TARGET-GPU-MIX"}


def test_gpus_of_no_known_mode_are_not_counted_even_on_a_gpu_pool() -> None:
    doc = hand_worked_plan()
    gpu_only = doc.settings.target.clusters[0].with_changes(
        pools=doc.settings.target.clusters[0].pools[1:]
    )
    doc.settings = doc.settings.with_changes(
        target=doc.settings.target.with_changes(clusters=(gpu_only,))
    )
    unknown = doc.workloads["w-web1"].with_changes(gpu=GpuNeeds(count=2))
    doc.workloads[unknown.id] = unknown
    one = phase_capacity(doc)[0]
    # web1 and web2 land on the only pool; web1's 2 GPUs of no known mode take no slices.
    assert (_pool(one, "dc1/gpu").cores, _pool(one, "dc1/gpu").gpus_used) == (24, 0)
    assert one.findings == ()


def test_given_dispositions_override_the_fit(phases: list[Phase]) -> None:
    doc = hand_worked_plan()
    dispositions = {wid: w.disposition.kind for wid, w in doc.workloads.items() if w.disposition}
    dispositions["w-web2"] = DispositionKind.RETAIN
    classes = dict.fromkeys(doc.workloads, "legacy")
    one = phase_capacity(doc, dispositions, classes)[0]
    assert _pool(one, "dc1/general").cores == 8
    assert one.data_gib == 100
    # Classes given as legacy: train's 3 slices need the other-class rate (0.5 GB/s a GPU).
    gpu = _pool(phase_capacity(doc, dispositions, classes)[1], "dc1/gpu")
    assert gpu.feed_need_gbps == pytest.approx(3 / 7 * 0.5)
