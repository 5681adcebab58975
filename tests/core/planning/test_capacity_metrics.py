"""Capacity rows and plan metrics on hand-computed cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from migplan.core.enums import GpuMode
from migplan.core.models import GpuNeeds, Workload
from migplan.core.planning.capacity import (
    DIMENSIONS,
    Load,
    overflow,
    wave_limits,
    workload_load,
)
from migplan.core.planning.graph import EdgeArrays
from migplan.core.planning.metrics import as_positions, compute_metrics, edge_terms
from migplan.core.settings import (
    CapacityRamp,
    GpuPool,
    LimitRamp,
    Network,
    PlanSettings,
    WaveCapacity,
)


def _settings(**cap: object) -> PlanSettings:
    return PlanSettings(
        capacity=WaveCapacity(workloads=CapacityRamp(start=2, step=1, max=3), **cap),  # type: ignore[arg-type]
        network=Network(link_mbps=1000.0, usable_fraction=0.5),
        gpu_pools=(
            GpuPool(name="c1", mode=GpuMode.CONTAINER, gpus=4),
            GpuPool(name="m1", mode=GpuMode.MIG, gpus=2),
            GpuPool(name="p1", mode=GpuMode.PASSTHROUGH, gpus=1),
        ),
    )


def test_wave_limits_follow_ramp_and_transfer_window() -> None:
    s = _settings(transfer_window_hours=10.0, storage_gib=100_000.0, vcpu=64)
    lim1, lim3 = wave_limits(s, 1), wave_limits(s, 3)
    assert (lim1.workloads, lim3.workloads, wave_limits(s, 9).workloads) == (2, 3, 3)
    # 500 Mbit/s for 10 h = 2.25e12 bytes = 2095.5 GiB: the link, not the explicit bound, binds.
    assert lim1.storage_gib == pytest.approx(500e6 / 8 * 36000 / 2**30)
    assert wave_limits(_settings(storage_gib=50.0), 1).storage_gib == 50.0
    assert lim1.vcpu == 64 and lim1.memory_gib is None
    # GPUs are no per-wave capacity: pools are consumed cumulatively (GPU-POOL).
    assert all(lim1.gpu_capacity(kind) == math.inf for kind in ("container", "passthrough"))


def test_vcpu_memory_and_storage_limits_ramp_up_from_pilot_waves() -> None:
    s = _settings(
        vcpu=100,
        memory_gib=1000.0,
        storage_gib=400.0,
        vcpu_ramp=LimitRamp(start=0.25, step=0.25),
        memory_ramp=LimitRamp(start=0.5, step=0.1),
        storage_ramp=LimitRamp(start=0.1, step=0.3),
    )
    rows = [wave_limits(s, order) for order in (1, 2, 3, 4, 9)]
    assert [r.vcpu for r in rows] == [25, 50, 75, 100, 100]
    assert [r.memory_gib for r in rows] == pytest.approx([500, 600, 700, 800, 1000])
    assert [r.storage_gib for r in rows] == pytest.approx([40, 160, 280, 400, 400])
    # the transfer window's bound is the link's: it does not ramp
    linked = _settings(storage_ramp=LimitRamp(start=0.1, step=0.0), transfer_window_hours=1.0)
    assert wave_limits(linked, 1).storage_gib == wave_limits(linked, 5).storage_gib
    # the default is a flat limit
    assert wave_limits(_settings(vcpu=64), 1).vcpu == wave_limits(_settings(vcpu=64), 7).vcpu == 64


def test_load_and_overflow() -> None:
    s = _settings(vcpu=10)
    a = Workload(id="w-a", name="a", vcpu=8, memory_mib=2048, storage_used_mib=1024)
    b = Workload(
        id="w-b",
        name="b",
        vcpu=4,
        gpu=GpuNeeds(count=2, mode=GpuMode.PASSTHROUGH),
    )
    total = workload_load(a, s) + workload_load(b, s)
    assert total.workloads == 2 and total.vcpu == 12 and total.memory_gib == 2.0
    assert total.storage_gib == 1.0 and dict(total.gpus) == {"passthrough": 2}
    over = overflow(total, wave_limits(s, 1))
    assert over == {"vcpu": 2.0}
    assert overflow(workload_load(a, s), wave_limits(s, 1)) == {}
    assert len(Load().vector()) == len(DIMENSIONS)


def _chain() -> EdgeArrays:
    # 0 -> 1 (w 2), 1 -> 2 (w 3, hard), 2 -> 0 (w 5)
    return EdgeArrays.build([(0, 1, 2.0, False), (1, 2, 3.0, True), (2, 0, 5.0, False)])


def test_edge_terms_by_hand() -> None:
    pos = as_positions([0, 1, 2], 3)
    t = edge_terms(pos, _chain())
    assert t.distance == 2 * 1 + 3 * 1 + 5 * 2
    # 0 depends on 1 which is later: violation; 1 depends on 2, later: violation.
    assert (t.violations, t.violation_weight, t.lateness) == (2, 5.0, 5.0)
    assert list(t.cuts) == [7.0, 8.0]
    assert t.hard_splits == 1
    same = edge_terms(as_positions({0: 1, 1: 1, 2: 1}, 3), _chain())
    assert (same.distance, same.violations, same.hard_splits) == (0.0, 0, 0)
    replicated = np.array([False, False, True])
    r = edge_terms(pos, _chain(), replicated)
    assert r.distance == 2.0 and r.hard_splits == 0
    unplaced = edge_terms(as_positions([0, None, 1], 3), _chain())
    assert unplaced.distance == 5.0


def test_compute_metrics_counts_capacity_overflow() -> None:
    loads = np.zeros((3, len(DIMENSIONS)))
    loads[:, 0] = 1
    loads[:, 1] = [4, 1, 1]
    limits = np.full((2, len(DIMENSIONS)), np.inf)
    limits[:, 0] = 2
    limits[:, 1] = 5
    m = compute_metrics(as_positions([0, 0, 0], 3), _chain(), loads, limits)
    # Three workloads over a 2-workload cap (1 over) and 6 vCPU over 5 (the 4-vCPU one): 1.
    assert m.capacity_overflow == 1 and m.hard_violations == 1
    assert m.waves == 1 and m.peak_cut == 0.0
    ok = compute_metrics(as_positions([0, 1, 1], 3), _chain(), loads, limits)
    assert ok.capacity_overflow == 0
    assert ok.objective == pytest.approx(ok.weighted_wave_distance + ok.peak_cut + 10 * ok.lateness)


def test_graph_loads_and_edges_match_the_document() -> None:
    from migplan.core.estate import EstateSpec, generate_estate
    from migplan.core.planning.graph import build_graph

    doc = generate_estate(EstateSpec(workloads=150, seed=2))
    graph = build_graph(doc)
    for i, wid in enumerate(graph.ids):
        assert tuple(graph.loads[i]) == pytest.approx(
            workload_load(doc.workloads[wid], doc.settings).vector()
        )
    pairs = {(d.source, d.target) for d in doc.dependencies.values()}
    assert len(graph.edges) == len(pairs)
    total = sum(d.weight for d in doc.dependencies.values())
    assert float(graph.edges.weight.sum()) == pytest.approx(total)
    assert int(graph.edges.hard.sum()) == sum(1 for d in doc.dependencies.values() if d.hard)
