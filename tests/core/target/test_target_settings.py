"""Target settings: KubeVirt's overhead formula, validation, defaults with sources, and the
round trip through the plan file."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from migplan.core.document import PlanDocument
from migplan.core.enums import GpuMode
from migplan.core.settings import GpuPool, PlanSettings
from migplan.core.target_settings import NodePool, TargetCluster, TargetSettings, VmOverhead
from migplan.io.planfile import dump_plan, parse_plan


def test_vm_overhead_gives_kubevirts_own_example() -> None:
    # KubeVirt's example: a 2-vCPU, 2 GiB VM -> 4 (page tables) + 220 + 16 + 8 + 32 = 280 MiB.
    assert VmOverhead().memory_mib(2048, 2, vfio=False) == 280.0
    # A VFIO device (GPU passthrough or vGPU) locks guest RAM: 1 GiB more.
    assert VmOverhead().memory_mib(2048, 2, vfio=True) == 280.0 + 1024.0


def test_vm_overhead_constants_are_settings() -> None:
    tuned = VmOverhead(fixed_mib=200, per_vcpu_mib=10, page_table_divisor=256, vfio_mib=0)
    # 200 + 10 x 4 + 8192 / 256 = 272
    assert tuned.memory_mib(8192, 4, vfio=True) == 272.0


def test_every_target_default_names_its_source() -> None:
    for model, names in (
        (VmOverhead, ("fixed_mib", "per_vcpu_mib", "page_table_divisor", "vfio_mib")),
        (TargetSettings, ("headroom", "read_gbps_per_gpu", "other_read_gbps_per_gpu")),
        (NodePool, ("vgpu_per_gpu",)),
    ):
        for name in names:
            description = model.model_fields[name].description or ""
            assert "Source:" in description, f"{model.__name__}.{name} names no source"
    assert TargetSettings().headroom == 0.20
    assert TargetSettings().read_gbps_per_gpu == {"ai-gpu": 1.0, "data-heavy": 5.0}


def test_nodes_for_keeps_the_headroom_free() -> None:
    target = TargetSettings(headroom=0.2)
    # 32 cores per node offer 25.6 with 20 % kept free.
    assert target.nodes_for(25.6, 32) == 1
    assert target.nodes_for(25.7, 32) == 2
    assert target.nodes_for(0, 32) == 0


def test_node_pool_gpus_need_a_gpu_pool_and_names_are_unique() -> None:
    with pytest.raises(ValidationError, match="names no GPU pool"):
        NodePool(name="gpu", gpus_per_node=4)
    with pytest.raises(ValidationError, match="no GPUs per node"):
        NodePool(name="gpu", gpu_pool="a100")
    with pytest.raises(ValidationError, match="share a name"):
        TargetSettings(
            clusters=(TargetCluster(name="dc", pools=(NodePool(name="a"), NodePool(name="a"))),)
        )


def _described() -> PlanSettings:
    return PlanSettings(
        gpu_pools=(
            GpuPool(name="a100", mode=GpuMode.MIG, gpus=8, gpu_model="A100", mig_profile="1g.10gb"),
        ),
        target=TargetSettings(
            headroom=0.25,
            vm_overhead=VmOverhead(fixed_mib=300),
            read_gbps_per_gpu={"ai-gpu": 4.0},
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
                            storage_tier="nvme",
                            read_gbps_per_node=8.0,
                        ),
                    ),
                ),
            ),
        ),
    )


def test_target_settings_round_trip_through_the_plan_file() -> None:
    doc = PlanDocument(_described())
    raw = dump_plan(doc)
    saved = json.loads(raw)["settings"]["target"]
    assert saved["clusters"][0]["pools"][1]["gpu_pool"] == "a100"
    again = parse_plan(raw)
    assert again.settings.target == doc.settings.target
    assert again.settings == doc.settings


def test_a_plan_saved_without_target_loads_with_no_target() -> None:
    raw = json.loads(dump_plan(PlanDocument()))
    del raw["settings"]["target"]
    doc = parse_plan(json.dumps(raw).encode())
    assert doc.settings.target == TargetSettings()
    assert doc.settings.target.pools == ()
