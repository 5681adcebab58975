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
