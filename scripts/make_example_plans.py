"""Generate the example plans in plans/ from the synthetic estate generator.

``python scripts/make_example_plans.py`` rewrites them; the output is deterministic, so running
it twice gives identical files. Names are invented; no real company data.

* ``northwind-estate.migplan``: an estate as imported, no waves yet: try Plan > Propose waves;
* ``northwind-plan.migplan``: the same estate with the waves MigPlan's planner proposes (no
  hard rule broken; every workload left out has its reason);
* ``ai-lab-small.migplan``: a small estate heavy in AI workloads, planned the same way.

Each carries its legacy hosts (``core.estate_hosts``), a licence renewal date, a target
cluster whose node pools carry the estate's GPU pools, and prices, so the Capacity & cost tab
and ``migplan stats`` are filled for a new user. The node prices are the example's own
assumptions (Red Hat and the hardware vendors publish no list price); a real plan puts its
quotes there.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "desktop"))

from migplan.core.commands import UpdateEntities  # noqa: E402
from migplan.core.document import PlanDocument  # noqa: E402
from migplan.core.enums import DispositionKind  # noqa: E402
from migplan.core.estate import EstateSpec, generate_estate  # noqa: E402
from migplan.core.estate_hosts import add_hosts  # noqa: E402
from migplan.core.models import Disposition  # noqa: E402
from migplan.core.planning.planner import propose_waves  # noqa: E402
from migplan.core.planning.proposal import proposal_command  # noqa: E402
from migplan.core.target_settings import NodePool, TargetCluster  # noqa: E402
from migplan.io.planfile import save_plan  # noqa: E402

START = dt.date(2027, 2, 1)
#: The examples' licence renewal: two months into the plan, so some hosts empty before it
#: and save from it, and later ones save from the next renewal a year later.
RENEWAL = dt.date(2027, 4, 1)
NORTHWIND = EstateSpec(workloads=420, seed=11, name="Northwind Logistics estate (example)")
AI_LAB = EstateSpec(workloads=120, seed=23, ai_share=0.3, name="AI lab, small (example)")

#: The new platform of the examples: general nodes, and a node pool for each GPU pool the
#: generator describes (the GPU Operator runs one GPU mode per node). Storage read rates
#: are NVIDIA's DGX reference figures per node: 40 GB/s "best" for the container GPUs that
#: train on large datasets, 8 "better" for the VM pools. Prices per node and month are
#: illustrative (hardware amortised over four years, power, space, subscriptions).
TARGET_POOLS = (
    NodePool(name="general", cores=64, memory_gib=512, price_per_node_month=1_600),
    NodePool(name="gpu-a100", cores=64, memory_gib=1024, gpu_pool="gpu-containers",
             gpus_per_node=8, storage_tier="nvme-fabric", read_gbps_per_node=40,
             price_per_node_month=18_000),
    NodePool(name="gpu-vgpu", cores=64, memory_gib=1024, gpu_pool="gpu-vms", gpus_per_node=4,
             vgpu_per_gpu=2, storage_tier="ceph-nvme", read_gbps_per_node=8,
             price_per_node_month=9_000),
    NodePool(name="gpu-passthrough", cores=64, memory_gib=1024, gpu_pool="gpu-passthrough",
             gpus_per_node=4, storage_tier="ceph-nvme", read_gbps_per_node=8,
             price_per_node_month=9_000),
)  # fmt: skip


def estate(spec: EstateSpec) -> PlanDocument:
    """The estate with a few decisions an architect has already taken by hand."""
    doc = generate_estate(spec)
    add_hosts(doc)
    s = doc.settings
    # The VM pool splits each A100 (40 GB) into two 20 GB vGPU devices.
    gpu_pools = tuple(
        p.with_changes(vgpu_profile="A100-20C") if p.mode.value == "vgpu" else p
        for p in s.gpu_pools
    )
    doc.settings = s.with_changes(
        gpu_pools=gpu_pools,
        planner=s.planner.with_changes(start_date=START),
        licences=s.licences.with_changes(renewal_date=RENEWAL),
        # The legacy estate sits in a colocation that bills power, space and support per
        # host, and copies out over a metered link (illustrative figures).
        costs=s.costs.with_changes(legacy_host_per_month=450.0, transfer_per_gib=0.02),
        target=s.target.with_changes(clusters=(TargetCluster(name="dc-new", pools=TARGET_POOLS),)),
    )
    decided = sorted(doc.workloads.values(), key=lambda w: w.name)[::37]
    changes = []
    for wl in decided:
        if wl.gpu and wl.gpu.mode.value == "passthrough":
            kind, why = DispositionKind.REHOST_KUBEVIRT, "GPU passthrough: keep as a VM for now"
        elif wl.os_family.value == "windows" and wl.os_version.startswith("2008"):
            kind, why = DispositionKind.RETAIN, "Windows 2008: no container base image"
        elif "db" in wl.name:
            kind, why = DispositionKind.REHOST_KUBEVIRT, "database: move as a VM first"
        else:
            kind, why = DispositionKind.CONTAINERIZE, "stateless tier"
        changes.append((wl.id, {"disposition": Disposition(kind=kind, reason=why)}))
    doc.apply(UpdateEntities(tuple(changes), "Decide dispositions"))
    return doc


def planned(doc: PlanDocument, name: str) -> PlanDocument:
    doc.settings = doc.settings.with_changes(name=name)
    doc.apply(proposal_command(doc, propose_waves(doc)))
    return doc


def main() -> int:
    out = ROOT / "plans"
    out.mkdir(exist_ok=True)
    examples = {
        "northwind-estate.migplan": estate(NORTHWIND),
        "northwind-plan.migplan": planned(
            estate(NORTHWIND), "Northwind Logistics: proposed waves (example)"
        ),
        "ai-lab-small.migplan": planned(estate(AI_LAB), "AI lab, small (example)"),
    }
    for name, doc in examples.items():
        save_plan(doc, out / name, keep_backup=False)
        print(f"wrote plans/{name}: {doc.counts()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
