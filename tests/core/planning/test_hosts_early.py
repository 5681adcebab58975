"""Emptying legacy hosts early (issue 14, point 5): ``PlannerSettings.empty_hosts_early``.

The hand-made estate: three hosts of three VMs each, nine VMs with nothing between them,
three per wave, 14-day waves from Monday 1 February 2027.

| host | CPUs x cores | licensed cores | VMs (ids sort h1, h2, h3, h1, ...) |
|---|---|---|---|
| esx-1 | 2 x 32 | 64 | vm1, vm4, vm7 |
| esx-2 | 2 x 24 | 48 | vm2, vm5, vm8 |
| esx-3 | 2 x 8  | 2 x max(8, 16) = 32 | vm3, vm6, vm9 |

The usual order (the VMs are alike, so by id) takes one VM of each host per wave: every host
runs a third or two thirds full until wave 3 ends. With the option the first wave empties
esx-1 (the most cores), the second esx-2, the third esx-3.
"""

from __future__ import annotations

import datetime as dt
import random

from migplan.core.assess.validate import validate_plan
from migplan.core.commands import AddEntities
from migplan.core.document import PlanDocument
from migplan.core.economics.licences import DAYS_PER_MONTH, legacy_costs
from migplan.core.enums import DispositionKind, Environment
from migplan.core.estate import EstateSpec, generate_estate
from migplan.core.estate_hosts import add_hosts
from migplan.core.ids import host_id, workload_id
from migplan.core.models import Disposition, Host, Workload
from migplan.core.planning.planner import propose_waves
from migplan.core.planning.proposal import Proposal, proposal_command
from migplan.core.rules import Severity
from migplan.core.settings import CapacityRamp, Network, PlannerSettings, PlanSettings, WaveCapacity

START = dt.date(2027, 2, 1)
HOSTS = (
    Host(id=host_id("esx-1", "vc"), name="esx-1", cpus=2, cores_per_cpu=32),
    Host(id=host_id("esx-2", "vc"), name="esx-2", cpus=2, cores_per_cpu=24),
    Host(id=host_id("esx-3", "vc"), name="esx-3", cpus=2, cores_per_cpu=8),
)


def small_estate(early: bool) -> PlanDocument:
    settings = PlanSettings(
        capacity=WaveCapacity(workloads=CapacityRamp(start=3, step=0, max=3)),
        planner=PlannerSettings(
            pilot_waves=0, start_date=START, wave_length_days=14, empty_hosts_early=early
        ),
    )
    vms = [
        Workload(
            id=workload_id(f"vm{i}"),
            name=f"vm{i}",
            vcpu=2,
            memory_mib=4096,
            environment=Environment.PRODUCTION,
            host=HOSTS[(i - 1) % 3].name,
            host_id=HOSTS[(i - 1) % 3].id,
            disposition=Disposition(kind=DispositionKind.REHOST_KUBEVIRT),
        )
        for i in range(1, 10)
    ]
    return PlanDocument.from_entities([*HOSTS, *vms], settings)


def planned(doc: PlanDocument, shared: bool = False) -> tuple[PlanDocument, Proposal]:
    """``doc`` with the proposal applied; ``shared``: classify shared services as usual."""
    proposal = propose_waves(doc, shared_ids=None if shared else set())
    doc.apply(proposal_command(doc, proposal))
    return doc, proposal


def emptied_after(doc: PlanDocument) -> dict[str, int | None]:
    return {h.name: h.emptied_after for h in legacy_costs(doc).hosts}


def test_the_usual_order_leaves_every_host_running_to_the_last_wave() -> None:
    doc, _ = planned(small_estate(early=False))
    waves = doc.waves_in_order()
    assert len(waves) == 3
    for wave in waves:  # one VM of each host per wave
        hosts = sorted(w.host for w in doc.workloads.values() if w.wave_id == wave.id)
        assert hosts == ["esx-1", "esx-2", "esx-3"]
    assert emptied_after(doc) == {"esx-1": 3, "esx-2": 3, "esx-3": 3}
    # 144 cores from 1 February to the end of wave 3 (14 March): 41 days.
    assert waves[-1].end_date == dt.date(2027, 3, 14)
    months = legacy_costs(doc).licensed_core_months
    assert months is not None
    assert abs(months - 144 * 41 / DAYS_PER_MONTH) < 1e-6  # 193.97


def test_the_option_empties_one_host_per_wave_the_largest_first() -> None:
    doc, _ = planned(small_estate(early=True))
    waves = doc.waves_in_order()
    assert [w.end_date for w in waves] == [
        dt.date(2027, 2, 14),
        dt.date(2027, 2, 28),
        dt.date(2027, 3, 14),
    ]
    assert emptied_after(doc) == {"esx-1": 1, "esx-2": 2, "esx-3": 3}
    costs = legacy_costs(doc)
    assert [p.licensed_cores_freed for p in costs.phases] == [64, 48, 32]
    # esx-1 64 cores x 13 days, esx-2 48 x 27, esx-3 32 x 41: 3,440 core-days.
    assert costs.licensed_core_months is not None
    assert abs(costs.licensed_core_months - 3440 / DAYS_PER_MONTH) < 1e-6  # 113.02
    assert not [v for v in validate_plan(doc) if v.severity is Severity.HARD]


def test_a_host_with_a_retained_vm_gets_no_priority() -> None:
    """esx-1 keeps a retained VM: it never empties, so its VMs go last, and esx-2 then
    esx-3 are emptied first."""
    doc = small_estate(early=True)
    kept = Workload(
        id=workload_id("vm0"),
        name="vm0",
        host="esx-1",
        host_id=HOSTS[0].id,
        disposition=Disposition(kind=DispositionKind.RETAIN),
    )
    doc.apply(AddEntities((kept,)))
    doc, _ = planned(doc)
    assert emptied_after(doc) == {"esx-1": None, "esx-2": 1, "esx-3": 2}
    last = doc.waves_in_order()[-1]
    assert sorted(w.name for w in doc.workloads.values() if w.wave_id == last.id) == [
        "vm1",
        "vm4",
        "vm7",
    ]


def test_a_retained_vm_consolidated_elsewhere_does_not_hold_its_host() -> None:
    """LIC-RETAINED-CONSOLIDATED and the option agree: with 256 GiB hosts, esx-1's small
    retained VM joins esx-3's larger one (esx-3 holds the most staying memory and keeps
    running), so esx-1 can empty and, the largest, is emptied first."""
    doc = small_estate(early=True)
    doc.hosts.update({h.id: h.with_changes(memory_gib=256.0) for h in HOSTS})

    def retained(name: str, host: Host, gib: int) -> Workload:
        return Workload(id=workload_id(name), name=name, host=host.name, host_id=host.id,
                        memory_mib=gib * 1024,
                        disposition=Disposition(kind=DispositionKind.RETAIN))  # fmt: skip

    doc.apply(AddEntities((retained("vm0", HOSTS[0], 4), retained("vm10", HOSTS[2], 64))))
    doc, _ = planned(doc)
    assert emptied_after(doc) == {"esx-1": 1, "esx-2": 2, "esx-3": None}


def test_without_hosts_the_option_changes_nothing() -> None:
    def plan(early: bool) -> Proposal:
        doc = small_estate(early)
        for wid, wl in list(doc.workloads.items()):
            doc.workloads[wid] = wl.with_changes(host_id=None)
        doc.hosts.clear()
        return propose_waves(doc, shared_ids=set())

    assert dict(plan(True).assignment) == dict(plan(False).assignment)


def generated(early: bool, n: int = 400, seed: int = 5) -> PlanDocument:
    """A generated estate spread over one host per 6 workloads, a link every wave fits."""
    doc = generate_estate(EstateSpec(workloads=n, seed=seed))
    rng = random.Random(seed)
    for wid in sorted(doc.workloads):
        host = f"esx{rng.randrange(n // 12):03d}.example.test"
        doc.workloads[wid] = doc.workloads[wid].with_changes(host=host)
    add_hosts(doc)
    s = doc.settings
    doc.settings = s.with_changes(
        capacity=s.capacity.with_changes(workloads=CapacityRamp(start=20, step=10, max=60)),
        network=Network(link_mbps=100_000.0),
        planner=s.planner.with_changes(start_date=START, empty_hosts_early=early),
    )
    return doc


def test_on_a_generated_estate_no_hard_rule_breaks_and_fewer_core_months() -> None:
    off, usual = planned(generated(early=False), shared=True)
    on, proposal = planned(generated(early=True), shared=True)
    hard = [v for v in validate_plan(on) if v.severity is Severity.HARD]
    assert hard == [], [(v.rule_id, v.message) for v in hard[:5]]
    assert len(proposal.unplaceable) == len(usual.unplaceable)
    assert len(proposal.waves) <= len(usual.waves)
    m_on, m_off = legacy_costs(on).licensed_core_months, legacy_costs(off).licensed_core_months
    assert m_on is not None and m_off is not None
    assert m_on < m_off


def test_the_option_is_deterministic() -> None:
    first = propose_waves(generated(early=True, n=250, seed=3))
    again = propose_waves(generated(early=True, n=250, seed=3))
    assert dict(first.assignment) == dict(again.assignment)
    assert [(w.name, w.order) for w in first.waves] == [(w.name, w.order) for w in again.waves]


def test_non_production_first_stays_above_the_hosts() -> None:
    """esx-3's VMs are test VMs: with environments kept apart they go first, so esx-3 (the
    fewest cores) empties in wave 1; then esx-1 and esx-2, the largest first."""
    doc = small_estate(early=True)
    for name in ("vm3", "vm6", "vm9"):
        wid = workload_id(name)
        doc.workloads[wid] = doc.workloads[wid].with_changes(environment=Environment.TEST)
    doc, _ = planned(doc)
    assert emptied_after(doc) == {"esx-1": 2, "esx-2": 3, "esx-3": 1}


class Steps:
    cancelled = False

    def __init__(self) -> None:
        self.seen: list[tuple[int, str]] = []

    def step(self, done: int, total: int, message: str = "") -> None:
        self.seen.append((done, message))


def test_the_second_order_reports_its_progress_without_going_back() -> None:
    steps = Steps()
    propose_waves(small_estate(early=True), steps, shared_ids=set())
    done = [d for d, _ in steps.seen]
    assert done == sorted(done)
    assert (6, "emptying hosts early: packing waves") in steps.seen


def test_hosts_whose_cores_are_unknown_change_nothing() -> None:
    """LIC-HOST-CORES-UNKNOWN: no licensed-core figure, nothing to gain: no second order."""

    def plan(early: bool, steps: Steps) -> Proposal:
        doc = small_estate(early)
        for hid, host in list(doc.hosts.items()):
            doc.hosts[hid] = host.with_changes(cpus=0, cores_per_cpu=0)
        return propose_waves(doc, steps, shared_ids=set())

    steps = Steps()
    assert dict(plan(True, steps).assignment) == dict(plan(False, Steps()).assignment)
    assert not [m for _, m in steps.seen if m.startswith("emptying hosts early")]
