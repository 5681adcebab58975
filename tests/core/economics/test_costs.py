"""One small estate, phase by phase, with every number worked by hand in the test: licensed
cores, nodes needed, GPU slices, the storage feed and the costs (issue 14, points 4 and 7).

Prices are chosen so that one day costs a round number: 365.25 per core and year is 1 per
core and day; 30.4375 a month (365.25 / 12) is 1 a day.

| host | CPUs x cores | licensed cores | VMs |
|---|---|---|---|
| esx-a | 2 x 8  | 2 x max(8, 16) = 32 | a1 wave 1 (container), a2 wave 2 (KubeVirt VM) |
| esx-b | 1 x 24 | 24 | b1 wave 2 (container), t1 wave 2 (AI container, 10 MIG slices), b2 retained: never empties |

Wave 1 runs 2027-01-04..15 (12 days), wave 2 2027-02-01..12 (12 days); the licences renew
on 2027-03-01. The target, cluster dc1 with 20 % headroom:

* ``general``: 10-core, 64 GiB nodes (8 cores and 51.2 GiB usable), 304.375 a node-month
  (10 a day);
* ``gpu``: 32-core, 256 GiB nodes with one A100 each from the GPU pool ``mig`` (MIG
  1g.10gb: 7 slices a GPU, 2 GPUs in all: 14 slices), storage reading 0.5 GB/s per node,
  3,043.75 a node-month (100 a day).
"""

from __future__ import annotations

import datetime as dt

import pytest

from migplan.cli import main
from migplan.core.document import PlanDocument
from migplan.core.economics.costs import plan_costs
from migplan.core.enums import DispositionKind, GpuMode, WorkloadClass
from migplan.core.ids import host_id, wave_id, workload_id
from migplan.core.models import Disposition, GpuNeeds, Host, Wave, Workload
from migplan.core.settings import CostSettings, GpuPool, LicenceSettings, PlanSettings
from migplan.core.stats import cost_stats, phase_stats
from migplan.core.target import phase_capacity
from migplan.core.target_settings import NodePool, TargetCluster, TargetSettings
from migplan.io.planfile import save_plan

A = Host(id=host_id("esx-a", "vc"), name="esx-a", cpus=2, cores_per_cpu=8)
B = Host(id=host_id("esx-b", "vc"), name="esx-b", cpus=1, cores_per_cpu=24)
W1 = Wave(id=wave_id("1"), name="Wave 1", order=1,
          start_date=dt.date(2027, 1, 4), end_date=dt.date(2027, 1, 15))  # fmt: skip
W2 = Wave(id=wave_id("2"), name="Wave 2", order=2,
          start_date=dt.date(2027, 2, 1), end_date=dt.date(2027, 2, 12))  # fmt: skip
GIB = 1024


def vm(
    name: str, on: Host, wave: Wave | None, kind: DispositionKind, vcpu: int, gib: int, disk: int
) -> Workload:
    return Workload(
        id=workload_id(name),
        name=name,
        host_id=on.id,
        wave_id=wave.id if wave else None,
        disposition=Disposition(kind=kind),
        vcpu=vcpu,
        memory_mib=gib * GIB,
        storage_provisioned_mib=disk * GIB,
        storage_used_mib=disk * GIB,
    )


def estate(*, node_price: float = 304.375) -> PlanDocument:
    pool = NodePool(name="general", cores=10, memory_gib=64, price_per_node_month=node_price)
    gpu = NodePool(name="gpu", cores=32, memory_gib=256, gpu_pool="mig", gpus_per_node=1,
                   read_gbps_per_node=0.5, price_per_node_month=3043.75)  # fmt: skip
    settings = PlanSettings(
        licences=LicenceSettings(price_per_core_year=365.25, renewal_date=dt.date(2027, 3, 1)),
        costs=CostSettings(transfer_per_gib=0.05, legacy_host_per_month=30.4375),
        gpu_pools=(GpuPool(name="mig", mode=GpuMode.MIG, gpus=2, mig_profile="1g.10gb"),),
        target=TargetSettings(clusters=(TargetCluster(name="dc1", pools=(pool, gpu)),)),
    )
    train = vm("t1", B, W2, DispositionKind.CONTAINERIZE, 4, 16, 0).with_changes(
        workload_class=WorkloadClass.AI_GPU,
        gpu=GpuNeeds(count=10, mode=GpuMode.MIG, mig_profile="1g.10gb"),
    )
    doc = PlanDocument.from_entities(
        [
            A, B, W1, W2,
            vm("a1", A, W1, DispositionKind.CONTAINERIZE, 4, 8, 100),
            vm("a2", A, W2, DispositionKind.REHOST_KUBEVIRT, 8, 16, 200),
            vm("b1", B, W2, DispositionKind.CONTAINERIZE, 2, 4, 50),
            vm("b2", B, None, DispositionKind.RETAIN, 2, 4, 50),
            train,
        ]
    )  # fmt: skip
    doc.settings = settings
    return doc


def test_each_phase_is_worked_by_hand() -> None:
    one, two = phase_capacity(estate())
    general, gpu = one.pools
    assert (general.pool, general.nodes, gpu.nodes) == ("dc1/general", 1, 0)
    general, gpu = two.pools
    # general: a1 4 + a2 8 + b1 2 = 14 cores / 8 usable -> 2 nodes.
    assert (general.cores, general.nodes) == (14, 2)
    # gpu: t1's 4 cores and 16 GiB fit one node, its 10 slices at 7 a node need 2 nodes.
    assert (gpu.cores, gpu.gpus_used, gpu.gpus_total, gpu.nodes) == (4, 10, 14, 2)
    assert gpu.gpu_unit == "MIG 1g.10gb slices"
    # Feed: 10 slices are 10/7 of a GPU x 1 GB/s (an AI workload) = 1.43 GB/s; two nodes x
    # 0.5 GB/s give 1.0: storage cannot feed these GPUs.
    assert gpu.feed_need_gbps == pytest.approx(10 / 7)
    assert gpu.feed_gbps == pytest.approx(1.0)
    [feed] = two.findings
    assert feed.rule_id == "TARGET-FEED" and feed.workloads == (workload_id("t1"),)
    assert "needs 1.43 GB/s of reads, its tier gives 1.00 GB/s on 2 node(s)" in feed.message


def test_each_month_is_worked_by_hand() -> None:
    costs = plan_costs(estate())
    # esx-a empties after wave 2 (12 Feb) and saves from the renewal on 1 March; esx-b keeps
    # b2: the months run from January (the first wave's month) to March (the drop).
    assert [m.month for m in costs.months] == [
        dt.date(2027, 1, 1), dt.date(2027, 2, 1), dt.date(2027, 3, 1)
    ]  # fmt: skip
    jan, feb, mar = costs.months
    # Licences: 32 + 24 cores a day until 1 March, then 24.
    assert jan.licences == pytest.approx((32 + 24) * 31)
    assert feb.licences == pytest.approx((32 + 24) * 28)
    assert mar.licences == pytest.approx(24 * 31)
    assert [m.licensed_cores for m in costs.months] == [56, 56, 24]
    # Legacy hosts at 1 a day: esx-a runs until the day after wave 2's last day (1..12 Feb).
    assert jan.legacy_hosts == pytest.approx(31 + 31)
    assert feb.legacy_hosts == pytest.approx(12 + 28)
    assert mar.legacy_hosts == pytest.approx(31)
    # Target: phase 1 holds a1 (4 cores, 8 GiB): 1 general node from 4 Jan. Phase 2 adds a2
    # (8 cores, 16 GiB + 356 MiB virt-launcher overhead: 260 + 8 x 8 + 16384 / 512) and b1
    # (2 cores): 14 cores / 8 usable = 2 general nodes, and t1 2 GPU nodes, from 1 Feb.
    # 10 a general node-day, 100 a GPU node-day.
    assert [m.nodes for m in costs.months] == [
        {"dc1/general": 1, "dc1/gpu": 0},
        {"dc1/general": 2, "dc1/gpu": 2},
        {"dc1/general": 2, "dc1/gpu": 2},
    ]
    assert jan.target == pytest.approx(1 * 10 * 28)
    assert feb.target == pytest.approx((2 * 10 + 2 * 100) * 28)
    assert mar.target == pytest.approx((2 * 10 + 2 * 100) * 31)
    # Copying at 0.05 a GiB: 100 GiB in January, 200 + 50 in February.
    assert (jan.transfer, feb.transfer, mar.transfer) == pytest.approx((5.0, 12.5, 0.0))
    assert jan.total == pytest.approx(1736 + 62 + 280 + 5)


def test_phases_and_totals_are_worked_by_hand() -> None:
    costs = plan_costs(estate())
    one, two = costs.phases
    assert (one.target_per_month, two.target_per_month) == pytest.approx(
        (304.375, 2 * 304.375 + 2 * 3043.75)
    )
    # Dual running: the nodes each wave adds over its 12 days: wave 1 one general node (10 a
    # day), wave 2 one general and two GPU nodes (210 a day).
    assert (one.dual_running_days, two.dual_running_days) == (12, 12)
    assert (one.dual_running, two.dual_running) == pytest.approx((120.0, 2520.0))
    assert costs.licences == pytest.approx(1736 + 1568 + 744)
    assert costs.legacy_hosts == pytest.approx(62 + 40 + 31)
    assert costs.target == pytest.approx(280 + 220 * 28 + 220 * 31)
    assert costs.transfer == pytest.approx(17.5)
    assert costs.total == pytest.approx(4048 + 133 + 13260 + 17.5)
    # Nothing moved: 56 cores and 2 hosts for the 90 days of January to March.
    assert costs.legacy_if_nothing_moved == pytest.approx(56 * 90 + 2 * 90)
    assert costs.legacy_saved == pytest.approx(5220 - 4048 - 133)
    assert costs.net == pytest.approx(1039 - 13260 - 17.5)
    assert costs.findings == ()


def test_an_unpriced_pool_and_undated_waves_are_said() -> None:
    doc = estate(node_price=0.0)
    doc.waves[W2.id] = W2.with_changes(start_date=None, end_date=None)
    costs = plan_costs(doc)
    assert [f.rule_id for f in costs.findings] == ["COST-TARGET-UNPRICED", "COST-UNDATED"]
    assert "dc1/general" in costs.findings[0].message
    assert "dc1/gpu" not in costs.findings[0].message  # it has its price
    assert costs.months == ()
    # Per phase, what does not need dates is still given.
    assert [p.transfer for p in costs.phases] == pytest.approx([5.0, 12.5])
    assert costs.phases[1].dual_running is None


def test_stats_json_carries_the_same_figures(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    doc = estate()
    path = tmp_path / "costs.migplan"
    save_plan(doc, path)
    assert main(["stats", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    phases = out["phases"]
    assert [p["nodes"] for p in phases] == [
        {"dc1/general": 1, "dc1/gpu": 0},
        {"dc1/general": 2, "dc1/gpu": 2},
    ]
    assert phases[1]["gpus"] == {"dc1/gpu": {"used": 10, "total": 14, "unit": "MIG 1g.10gb slices"}}
    assert phases[1]["storage_feed"] == {"dc1/gpu": {"need_gbps": 1.429, "gbps": 1.0}}
    assert [f["rule"] for f in phases[1]["findings"]] == ["TARGET-FEED"]
    assert [p["licensed_cores"] for p in phases] == [56, 24]
    assert phases[1]["hosts_emptied"] == ["esx-a"]
    assert phases[1]["cost"] == {
        "target_per_month": 6696.25,
        "transfer": 12.5,
        "dual_running_days": 12,
        "dual_running": 2520.0,
    }
    costs = out["costs"]
    assert costs["currency"] == "USD"
    assert [m["month"] for m in costs["months"]] == ["2027-01", "2027-02", "2027-03"]
    assert costs["months"][0]["total"] == pytest.approx(2083.0)
    assert costs["totals"]["total"] == pytest.approx(17458.5)
    # One computation: the CLI's figures are what core gives the window and the report.
    assert costs == cost_stats(plan_costs(doc))
    assert [p["cost"] for p in phases] == [p["cost"] for p in phase_stats(doc)]
