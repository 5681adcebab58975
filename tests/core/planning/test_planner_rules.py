"""Each planning rule on a small hand-built plan: it fires, and it stays quiet when it should."""

from __future__ import annotations

import datetime as dt
from typing import Any

from migplan.core.document import PlanDocument
from migplan.core.enums import Criticality, Environment, GpuMode
from migplan.core.ids import WorkloadId
from migplan.core.models import Application, Dependency, GpuNeeds, Wave, Workload
from migplan.core.planning.planner import propose_waves
from migplan.core.settings import (
    CapacityRamp,
    FreezePeriod,
    GpuPool,
    PlannerSettings,
    PlanSettings,
    WaveCapacity,
)


def _wl(i: int, **kw: Any) -> Workload:
    base: dict[str, Any] = {
        "id": f"w-{i:02d}",
        "name": f"vm{i:02d}",
        "vcpu": 2,
        "environment": Environment.PRODUCTION,
        "criticality": Criticality.LOW,
    }
    base.update(kw)
    return Workload(**base)


def _dep(a: int, b: int, weight: float = 1.0, **kw: Any) -> Dependency:
    return Dependency(
        id=f"d-{a:02d}-{b:02d}", source=f"w-{a:02d}", target=f"w-{b:02d}", weight=weight, **kw
    )


def _settings(start: int = 2, step: int = 0, top: int = 2, **planner: Any) -> PlanSettings:
    return PlanSettings(
        capacity=WaveCapacity(workloads=CapacityRamp(start=start, step=step, max=top)),
        planner=PlannerSettings(**{"pilot_waves": 0, **planner}),
    )


def _wave_of(proposal: Any) -> dict[str, int]:
    rank = {w.id: k for k, w in enumerate(proposal.waves)}
    return {wid: rank[v] for wid, v in proposal.assignment.items()}


def test_dependencies_move_first() -> None:
    # 0 depends on 1, 1 depends on 2: one workload per wave, so the order is 2, 1, 0.
    doc = PlanDocument.from_entities(
        [_wl(0), _wl(1), _wl(2), _dep(0, 1), _dep(1, 2)], _settings(1, 0, 1)
    )
    wave = _wave_of(propose_waves(doc, shared_ids=set()))
    assert wave["w-02"] < wave["w-01"] < wave["w-00"]
    assert propose_waves(doc, shared_ids=set()).metrics.precedence_violations == 0


def test_same_application_hard_and_strong_two_way_stay_together() -> None:
    app = Application(id="a-x", name="X")
    wls = [_wl(i, application_id="a-x" if i < 2 else None) for i in range(8)]
    deps = [
        _dep(2, 3, hard=True),
        _dep(4, 5, 40.0),
        _dep(5, 4, 40.0),  # 80 both ways: strong
        _dep(6, 7, 10.0),
        _dep(7, 6, 10.0),  # 20 both ways: weak at the default threshold of 50
    ]
    doc = PlanDocument.from_entities([app, *wls, *deps], _settings(2, 0, 2))
    wave = _wave_of(propose_waves(doc, shared_ids=set()))
    assert wave["w-00"] == wave["w-01"]
    assert wave["w-02"] == wave["w-03"]
    assert wave["w-04"] == wave["w-05"]
    strict = PlanDocument.from_entities(
        [app, *wls, *deps], _settings(2, 0, 2, strong_two_way_weight=500.0)
    )
    # With a higher threshold the 80 MB/s pair is no longer an atom (it may still share a
    # wave, but the proposal must remain valid); the application still moves whole.
    wave2 = _wave_of(propose_waves(strict, shared_ids=set()))
    assert wave2["w-00"] == wave2["w-01"]


def test_shared_services_foundation_first_or_bridged_last() -> None:
    wls = [_wl(i) for i in range(6)]
    deps = [_dep(i, 0) for i in range(1, 6)] + [_dep(2, 3, 5.0)]
    shared = {WorkloadId("w-00")}
    doc = PlanDocument.from_entities([*wls, *deps], _settings(3, 0, 3))
    first = propose_waves(doc, shared_ids=shared)
    assert first.waves[0].name == "Foundation"
    assert first.assignment["w-00"] == first.waves[0].id
    assert first.foundation_waves == (first.waves[0].id,)
    assert sum(1 for v in first.assignment.values() if v == first.waves[0].id) == 1
    bridged = PlanDocument.from_entities(
        [*wls, *deps], _settings(3, 0, 3, shared_services="bridge")
    )
    last = propose_waves(bridged, shared_ids=shared)
    assert last.assignment["w-00"] == last.waves[-1].id
    assert not last.foundation_waves


def test_environments_and_pilot_waves() -> None:
    wls = [
        _wl(0, environment=Environment.TEST),
        _wl(1, environment=Environment.PRODUCTION),
        _wl(2, environment=Environment.DEVELOPMENT),
        _wl(3, environment=Environment.PRODUCTION, criticality=Criticality.HIGH),
    ]
    doc = PlanDocument.from_entities(wls, _settings(4, 0, 4, pilot_waves=1))
    p = propose_waves(doc, shared_ids=set())
    wave = _wave_of(p)
    # Non-production first, never mixed with production; the critical one not in the pilot.
    assert wave["w-00"] == wave["w-02"] == 0
    assert wave["w-01"] > 0 and wave["w-03"] > 0
    mixed = PlanDocument.from_entities(wls, _settings(4, 0, 4, separate_environments=False))
    assert len(propose_waves(mixed, shared_ids=set()).waves) == 1


def test_unplaceable_reasons_gpu_pool_and_storage_with_hard_partner() -> None:
    settings = _settings(5, 0, 5).with_changes(
        gpu_pools=(GpuPool(name="c", mode=GpuMode.CONTAINER, gpus=4),),
        capacity=WaveCapacity(workloads=CapacityRamp(start=5, step=0, max=5), storage_gib=100.0),
    )
    wls = [
        _wl(0, gpu=GpuNeeds(count=1, mode=GpuMode.PASSTHROUGH)),
        _wl(1, storage_used_mib=500 * 1024, storage_provisioned_mib=600 * 1024),
        _wl(2),
        _wl(3),
    ]
    doc = PlanDocument.from_entities([*wls, _dep(2, 1, hard=True)], settings)
    p = propose_waves(doc, shared_ids=set())
    reasons = {u.workload_id: u.reason for u in p.unplaceable}
    assert "no GPU pool runs in passthrough mode" in reasons["w-00"]
    assert "GiB of storage" in reasons["w-01"]
    assert "bound to vm01, which cannot move" in reasons["w-02"]
    assert set(p.assignment) == {"w-03"}


def test_oversized_application_is_cut_into_a_coordinated_cutover() -> None:
    app = Application(id="a-big", name="Big")
    wls = [_wl(i, application_id="a-big") for i in range(5)]
    doc = PlanDocument.from_entities([app, *wls], _settings(2, 0, 2))
    p = propose_waves(doc, shared_ids=set())
    assert len(p.assignment) == 5
    assert len(p.cutovers) == 1 and "Big" in p.cutovers[0].reason
    assert len(p.cutovers[0].wave_ids) == 3
    assert p.metrics.capacity_overflow == 0


def test_locked_wave_gets_nothing_new_and_freeze_is_skipped() -> None:
    locked = Wave(id="v-locked", name="Locked", order=1, locked=True)
    wls = [_wl(0, wave_id="v-locked"), *[_wl(i) for i in range(1, 5)]]
    settings = _settings(2, 0, 2, start_date=dt.date(2027, 1, 4), wave_length_days=7).with_changes(
        freeze_periods=(
            FreezePeriod(name="Freeze", start=dt.date(2027, 1, 10), end=dt.date(2027, 1, 20)),
        )
    )
    doc = PlanDocument.from_entities([locked, *wls], settings)
    p = propose_waves(doc, shared_ids=set())
    assert [w for w, v in p.assignment.items() if v == "v-locked"] == ["w-00"]
    assert p.waves[0].id == "v-locked"
    starts = [w.start_date for w in p.new_waves]
    assert starts[0] == dt.date(2027, 1, 21)  # first slot after the freeze
    assert all(s is not None for s in starts)


def test_gpu_need_no_pool_serves_is_not_planned_with_its_hard_partner() -> None:
    from migplan.core.enums import DispositionKind
    from migplan.core.models import Disposition

    settings = _settings(5, 0, 5).with_changes(
        gpu_pools=(
            GpuPool(name="v", mode=GpuMode.VGPU, gpus=8),
            GpuPool(name="c", mode=GpuMode.CONTAINER, gpus=8),
        ),
    )
    vm = Disposition(kind=DispositionKind.REHOST_KUBEVIRT)
    wls = [
        # A KubeVirt VM asking for a container GPU: the platform cannot use that mode.
        _wl(0, gpu=GpuNeeds(count=1, mode=GpuMode.CONTAINER), disposition=vm),
        _wl(1),
        # A vGPU VM the vGPU pool serves.
        _wl(2, gpu=GpuNeeds(count=2, mode=GpuMode.VGPU), disposition=vm),
    ]
    doc = PlanDocument.from_entities([*wls, _dep(1, 0, hard=True)], settings)
    p = propose_waves(doc, shared_ids=set())
    reasons = {u.workload_id: u.reason for u in p.unplaceable}
    assert "GPU need cannot be served" in reasons["w-00"]
    assert "bound to vm00, which cannot move" in reasons["w-01"]
    assert set(p.assignment) == {"w-02"}


def test_new_dated_waves_get_the_cutover_and_rollback_windows_of_the_settings() -> None:
    from migplan.core.assess.validate import validate_plan
    from migplan.core.planning.proposal import proposal_command

    wls = [_wl(i) for i in range(4)]
    settings = _settings(
        2,
        0,
        2,
        start_date=dt.date(2027, 1, 4),
        wave_length_days=7,
        cutover_window_hours=8,
        cutover_start_hour=20,
        rollback_window_hours=6,
    ).with_changes(
        # Starts the day after the first wave's last day: only its cutover would run into it.
        freeze_periods=(
            FreezePeriod(name="Freeze", start=dt.date(2027, 1, 11), end=dt.date(2027, 1, 12)),
        )
    )
    doc = PlanDocument.from_entities(wls, settings)
    p = propose_waves(doc, shared_ids=set())
    first = p.new_waves[0]
    # 4 to 10 January would have its cutover (20:00 on the 10th, 8 h) reach into the freeze.
    assert first.start_date == dt.date(2027, 1, 13)
    assert first.end_date is not None and first.cutover_window is not None
    assert first.cutover_window.start == dt.datetime(2027, 1, 19, 20)
    assert first.cutover_window.hours == 8
    assert first.rollback_window is not None
    assert first.rollback_window.start == first.cutover_window.end
    assert first.rollback_window.hours == 6
    doc.apply(proposal_command(doc, p))
    assert not [v for v in validate_plan(doc) if v.rule_id == "FREEZE"]


def test_no_cutover_window_by_default() -> None:
    doc = PlanDocument.from_entities(
        [_wl(i) for i in range(2)], _settings(start_date=dt.date(2027, 1, 4))
    )
    p = propose_waves(doc, shared_ids=set())
    assert p.new_waves[0].start_date == dt.date(2027, 1, 4)
    assert p.new_waves[0].cutover_window is None and p.new_waves[0].rollback_window is None


def test_the_planner_keeps_a_ramped_vcpu_limit_and_the_validator_holds_it() -> None:
    from migplan.core.assess.validate import validate_plan
    from migplan.core.planning.proposal import proposal_command
    from migplan.core.settings import LimitRamp

    # 8 workloads of 2 vCPU, 4 per wave by count; vCPU 8 per wave ramping from a quarter:
    # 2, 4, 6, 8 vCPU, so 1, 2, 3 then 4 workloads.
    settings = _settings(4, 0, 4)
    settings = settings.with_changes(
        capacity=settings.capacity.with_changes(vcpu=8, vcpu_ramp=LimitRamp(start=0.25, step=0.25))
    )
    doc = PlanDocument.from_entities([_wl(i) for i in range(8)], settings)
    p = propose_waves(doc, shared_ids=set())
    sizes = [sum(1 for v in p.assignment.values() if v == w.id) for w in p.waves]
    assert sizes == [1, 2, 3, 2]
    doc.apply(proposal_command(doc, p))
    assert not [v for v in validate_plan(doc) if v.rule_id == "CAPACITY"]
    # the same plan under a flat limit of a quarter breaks it: the validator reads the ramp
    flat = settings.capacity.with_changes(vcpu=2, vcpu_ramp=LimitRamp())
    doc.settings = settings.with_changes(capacity=flat)
    assert [v for v in validate_plan(doc) if v.rule_id == "CAPACITY"]
