from __future__ import annotations

from pathlib import Path

from migplan.core.consistency import check_consistency
from migplan.core.enums import GpuMode
from migplan.io.planfile import dump_plan, load_plan, parse_plan


def test_every_example_plan_loads_and_is_consistent(root: Path) -> None:
    plans = sorted((root / "plans").glob("*.migplan"))
    assert plans
    for path in plans:
        doc = load_plan(path)
        assert check_consistency(doc) == [], path
        # Saving is stable: what a plan saves to loads back to the same document and bytes.
        raw = dump_plan(doc)
        assert dump_plan(parse_plan(raw)) == raw


def test_the_main_example_is_a_realistic_estate(root: Path) -> None:
    doc = load_plan(root / "plans" / "northwind-estate.migplan")
    assert len(doc.applications) >= 24
    assert len(doc.workloads) >= 200
    assert len(doc.dependencies) >= len(doc.workloads)
    assert not doc.waves, "the estate is the one to try Plan > Propose waves on"
    planned = load_plan(root / "plans" / "northwind-plan.migplan")
    assert len(planned.waves) >= 5
    assert set(planned.workloads) == set(doc.workloads)
    gpu = [w for w in doc.workloads.values() if w.gpu and w.gpu.mode is not GpuMode.NONE]
    assert gpu, "the example needs AI/GPU workloads"
    assert {w.os_family.value for w in doc.workloads.values()} >= {"windows", "linux"}
    assert any("shared-service" in w.tags for w in doc.workloads.values())


def test_every_example_plan_carries_its_hosts_and_a_renewal(root: Path) -> None:
    """A new user sees the licence figures filled (issue 14, point 7)."""
    from migplan.core.economics.licences import legacy_costs

    for path in sorted((root / "plans").glob("*.migplan")):
        doc = load_plan(path)
        assert doc.hosts, path
        assert all(w.host_id in doc.hosts for w in doc.workloads.values()), path
        assert doc.settings.licences.renewal_date is not None, path
        costs = legacy_costs(doc)
        assert costs.hosts_known and costs.licensed_cores_total > 0, path
        if doc.waves:
            assert costs.licensed_cores_freed > 0, path
            assert costs.licensed_core_months is not None, path


def test_every_example_plan_describes_its_target_with_a_gpu_pool_and_prices(root: Path) -> None:
    """A new user opening an example sees Capacity & cost filled: nodes per pool, GPUs in
    use on a GPU node pool, and costs month by month (issue 14, point 7)."""
    from migplan.core.economics.costs import plan_costs
    from migplan.core.target import phase_capacity

    for path in sorted((root / "plans").glob("*.migplan")):
        doc = load_plan(path)
        pools = dict(doc.settings.target.pools)
        assert pools, path
        gpu_pools = {p.name for p in doc.settings.gpu_pools}
        gpu_nodes = [p for p in pools.values() if p.gpus_per_node]
        assert gpu_nodes and all(p.gpu_pool in gpu_pools for p in gpu_nodes), path
        assert all(p.price_per_node_month > 0 for p in pools.values()), path
        assert doc.settings.costs.transfer_per_gib > 0, path
        if not doc.waves:
            continue
        last = phase_capacity(doc)[-1]
        assert sum(p.nodes for p in last.pools) > 0, path
        assert any(p.gpus_used > 0 for p in last.pools if p.pool in {
            k for k, n in pools.items() if n.gpus_per_node
        }), path  # fmt: skip
        costs = plan_costs(doc)
        assert costs.months and costs.target > 0 and costs.legacy_saved > 0, path
        assert costs.findings == (), path
