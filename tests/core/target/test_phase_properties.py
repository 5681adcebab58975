"""Properties of ``phase_capacity`` on random plans: what has moved never shrinks."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.core.assess.factories import wave, wl

from migplan.core.document import PlanDocument
from migplan.core.enums import DispositionKind, GpuMode
from migplan.core.models import Disposition, GpuNeeds
from migplan.core.settings import GpuPool, PlanSettings
from migplan.core.target import phase_capacity
from migplan.core.target_settings import NodePool, TargetCluster, TargetSettings

_GPU_POOLS = (
    GpuPool(name="mig", mode=GpuMode.MIG, gpus=4, mig_profile="1g.10gb"),
    GpuPool(name="pt", mode=GpuMode.PASSTHROUGH, gpus=2),
    GpuPool(name="ts", mode=GpuMode.SHARED, gpus=2, replicas=4),
    GpuPool(name="vgpu", mode=GpuMode.VGPU, gpus=2),
)
_TARGET = TargetSettings(
    clusters=(
        TargetCluster(
            name="a",
            pools=(
                NodePool(name="general", cores=16, memory_gib=64),
                NodePool(name="mig", cores=32, memory_gib=256, gpu_pool="mig", gpus_per_node=2),
            ),
        ),
        TargetCluster(
            name="b",
            pools=(
                NodePool(name="pt", cores=32, memory_gib=256, gpu_pool="pt", gpus_per_node=1),
                NodePool(name="ts", cores=32, memory_gib=128, gpu_pool="ts", gpus_per_node=2),
                NodePool(name="vgpu", cores=24, memory_gib=192, gpu_pool="vgpu", gpus_per_node=1),
            ),
        ),
    )
)

_GPU = st.one_of(
    st.none(),
    st.builds(
        lambda n: GpuNeeds(count=n, mode=GpuMode.MIG, mig_profile="1g.10gb"),
        st.integers(1, 9),
    ),
    st.builds(
        GpuNeeds,
        count=st.integers(1, 3),
        mode=st.sampled_from(
            [GpuMode.PASSTHROUGH, GpuMode.VGPU, GpuMode.SHARED, GpuMode.CONTAINER]
        ),
    ),
)
_WORKLOAD = st.tuples(
    st.integers(1, 4),  # wave order
    st.sampled_from(list(DispositionKind)),
    st.integers(0, 48),  # vCPU
    st.integers(0, 300 * 1024),  # memory MiB
    st.integers(0, 4096),  # GiB of data
    _GPU,
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_WORKLOAD, max_size=25), st.floats(0.0, 0.5))
def test_nodes_and_gpus_in_use_never_decrease_phase_by_phase(
    rows: list[tuple[int, DispositionKind, int, int, int, GpuNeeds | None]], headroom: float
) -> None:
    doc = PlanDocument(
        PlanSettings(gpu_pools=_GPU_POOLS, target=_TARGET.with_changes(headroom=headroom))
    )
    for order in (1, 2, 3, 4):
        w = wave(order)
        doc.waves[w.id] = w
    for i, (order, kind, vcpu, memory, gib, gpu) in enumerate(rows):
        w = wl(
            f"n{i}",
            wave_id=f"v-{order}",
            disposition=Disposition(kind=kind),
            vcpu=vcpu,
            memory_mib=memory,
            storage_provisioned_mib=gib * 1024,
            storage_used_mib=gib * 1024,
            gpu=gpu,
        )
        doc.workloads[w.id] = w
    phases = phase_capacity(doc)
    assert [p.order for p in phases] == [1, 2, 3, 4]
    for before, after in itertools.pairwise(phases):
        for a, b in zip(before.pools, after.pools, strict=True):
            assert a.pool == b.pool
            assert b.nodes >= a.nodes, (a, b)
            assert b.gpus_used >= a.gpus_used
            assert b.cores >= a.cores and b.memory_gib >= a.memory_gib - 1e-9
    # What moved is all on the target: every core of every moved workload, once.
    moved = [
        r for r in rows if r[1] in (DispositionKind.CONTAINERIZE, DispositionKind.REHOST_KUBEVIRT)
    ]
    assert sum(p.cores for p in phases[-1].pools) == sum(r[2] for r in moved)
    assert sum(p.data_gib for p in phases) == sum(r[4] for r in moved)
