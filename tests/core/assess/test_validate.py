"""Each validation rule fires on a plan made to break it and stays quiet on a clean plan."""

from __future__ import annotations

import datetime as dt

import pytest

from migplan.core.assess import Severity, Violation, validate_plan
from migplan.core.enums import Criticality, DispositionKind, Environment, GpuMode
from migplan.core.models import Disposition, Entity, GpuNeeds, TimeWindow
from migplan.core.settings import (
    CapacityRamp,
    FreezePeriod,
    GpuPool,
    PlannerSettings,
    PlanSettings,
    WaveCapacity,
)

from .factories import app, dep, make_doc, vid, wave, wid, wl


def _rules(violations: list[Violation]) -> set[str]:
    return {v.rule_id for v in violations}


def _clean() -> list[Entity]:
    """Two waves; app A (2 workloads) in wave 1, app B in wave 2 depending on A."""
    return [
        app("A"),
        app("B"),
        wave(1),
        wave(2),
        wl("a1", application_id="a-A", wave_id=vid(1)),
        wl("a2", application_id="a-A", wave_id=vid(1)),
        wl("b1", application_id="a-B", wave_id=vid(2)),
        dep("b1", "a1", port=443),
        dep("a1", "a2", port=5432),
    ]


def test_clean_plan_has_no_violations() -> None:
    assert validate_plan(make_doc(*_clean())) == []


def test_app_split() -> None:
    ents = _clean()
    ents[5] = wl("a2", application_id="a-A", wave_id=vid(2))
    found = [v for v in validate_plan(make_doc(*ents)) if v.rule_id == "APP-SPLIT"]
    assert len(found) == 1 and found[0].severity is Severity.HARD
    assert set(found[0].wave_ids) == {vid(1), vid(2)}
    assert set(found[0].workload_ids) == {wid("a1"), wid("a2")}


@pytest.mark.parametrize("separate", [True, False])
def test_env_mix(separate: bool) -> None:
    ents = _clean()
    ents[5] = wl("a2", application_id="a-A", wave_id=vid(1), environment=Environment.TEST)
    settings = PlanSettings(planner=PlannerSettings(separate_environments=separate))
    found = [v for v in validate_plan(make_doc(*ents, settings=settings)) if v.rule_id == "ENV-MIX"]
    assert len(found) == 1
    assert found[0].severity is (Severity.HARD if separate else Severity.SOFT)
    assert found[0].workload_ids == (wid("a2"),)


def test_precedence_dependency_after_its_dependant() -> None:
    ents = _clean()
    ents[8] = dep("a1", "b1", port=443)  # a1 (wave 1) depends on b1 (wave 2)
    found = [v for v in validate_plan(make_doc(*ents)) if v.rule_id == "PRECEDENCE"]
    assert len(found) == 1 and found[0].severity is Severity.SOFT
    assert found[0].workload_ids == (wid("a1"), wid("b1"))
    assert "Wave 2" in found[0].message


def test_hard_dependency_split() -> None:
    ents = _clean()
    ents[7] = dep("b1", "a1", port=443, hard=True)
    found = [v for v in validate_plan(make_doc(*ents)) if v.rule_id == "HARD-SPLIT"]
    assert len(found) == 1 and found[0].severity is Severity.HARD


def test_hard_dependency_same_wave_is_quiet() -> None:
    ents = _clean()
    ents[8] = dep("a1", "a2", port=5432, hard=True)
    assert "HARD-SPLIT" not in _rules(validate_plan(make_doc(*ents)))


@pytest.mark.parametrize(
    ("capacity", "word"),
    [
        (WaveCapacity(workloads=CapacityRamp(start=1, step=0, max=1)), "workloads"),
        (WaveCapacity(vcpu=3), "vCPU"),
        (WaveCapacity(memory_gib=7.0), "memory"),
        (WaveCapacity(storage_gib=30.0), "storage"),
        (WaveCapacity(transfer_window_hours=0.1), "storage"),
        (WaveCapacity(engineers=1, hours_per_day=1, working_days_per_wave=1), "engineer"),
    ],
)
def test_capacity_each_dimension(capacity: WaveCapacity, word: str) -> None:
    found = [
        v
        for v in validate_plan(make_doc(*_clean(), settings=PlanSettings(capacity=capacity)))
        if v.rule_id == "CAPACITY"
    ]
    assert found and found[0].wave_ids == (vid(1),)
    assert word in found[0].message


def test_gpu_pool_is_consumed_cumulatively_wave_after_wave() -> None:
    """Four workloads of 2 GPUs each against a 2-GPU pool: one wave each is no way round
    it. The first takes the pool; every later one finds it used up, in its own wave."""
    gpu = GpuNeeds(count=2, mode=GpuMode.CONTAINER)
    ents = [wave(k) for k in range(1, 5)]
    ents += [wl(f"g{k}", gpu=gpu, wave_id=vid(k)) for k in range(1, 5)]
    pool = PlanSettings(gpu_pools=(GpuPool(name="p", mode=GpuMode.CONTAINER, gpus=2),))
    found = [v for v in validate_plan(make_doc(*ents, settings=pool)) if v.rule_id == "GPU-POOL"]
    assert [v.wave_ids for v in found] == [(vid(2),), (vid(3),), (vid(4),)]
    assert [v.workload_ids for v in found] == [(wid("g2"),), (wid("g3"),), (wid("g4"),)]
    assert "has 0 left but g2 need 2 more" in found[0].message
    assert all(v.severity is Severity.HARD for v in found)
    enough = PlanSettings(gpu_pools=(GpuPool(name="p", mode=GpuMode.CONTAINER, gpus=8),))
    assert "GPU-POOL" not in _rules(validate_plan(make_doc(*ents, settings=enough)))


def test_gpu_pools_are_tracked_one_by_one_by_mode_and_profile() -> None:
    """A passthrough pool does not lend GPUs to container work; a MIG slice takes a
    fraction of a GPU of the pool offering its profile."""
    pools = PlanSettings(
        gpu_pools=(
            GpuPool(name="pt", mode=GpuMode.PASSTHROUGH, gpus=8),
            GpuPool(name="c", mode=GpuMode.CONTAINER, gpus=1),
            GpuPool(name="mig", mode=GpuMode.MIG, gpus=1, mig_profile="3g.20gb"),
        )
    )
    box = GpuNeeds(count=2, mode=GpuMode.CONTAINER)
    slice_ = GpuNeeds(count=1, mode=GpuMode.MIG, mig_profile="3g.20gb")
    ents = [wave(1), wl("c1", gpu=box, wave_id=vid(1))]
    ents += [wl(f"m{k}", gpu=slice_, wave_id=vid(1)) for k in range(3)]
    found = [v for v in validate_plan(make_doc(*ents, settings=pools)) if v.rule_id == "GPU-POOL"]
    # the container pool lacks 1 GPU; 3g.20gb gives 2 slices per GPU, so the third slice lacks
    assert {v.workload_ids for v in found} == {(wid("c1"),), (wid("m2"),)}


def _gpu_doc(gpu: GpuNeeds, kind: DispositionKind, pools: tuple[GpuPool, ...]) -> list[Violation]:
    w = wl("g1", gpu=gpu, wave_id=vid(1), disposition=Disposition(kind=kind))
    return validate_plan(make_doc(wave(1), w, settings=PlanSettings(gpu_pools=pools)))


def test_gpu_mode_conflicts() -> None:
    vgpu = GpuNeeds(count=1, mode=GpuMode.VGPU)
    container_pool = (GpuPool(name="c", mode=GpuMode.CONTAINER, gpus=8),)
    vgpu_pool = (GpuPool(name="v", mode=GpuMode.VGPU, gpus=8),)
    # a container cannot use a vGPU
    assert "GPU-MODE" in _rules(_gpu_doc(vgpu, DispositionKind.CONTAINERIZE, vgpu_pool))
    # no pool in vGPU mode
    assert "GPU-MODE" in _rules(_gpu_doc(vgpu, DispositionKind.REHOST_KUBEVIRT, container_pool))
    # a KubeVirt VM cannot use a MIG slice
    mig = GpuNeeds(count=1, mode=GpuMode.MIG, mig_profile="3g.20gb")
    assert "GPU-MODE" in _rules(_gpu_doc(mig, DispositionKind.REHOST_KUBEVIRT, container_pool))
    # MIG profile nobody offers
    other = (GpuPool(name="m", mode=GpuMode.MIG, gpus=8, mig_profile="1g.10gb"),)
    assert "GPU-MODE" in _rules(_gpu_doc(mig, DispositionKind.CONTAINERIZE, other))
    # quiet: matching pools
    assert "GPU-MODE" not in _rules(_gpu_doc(vgpu, DispositionKind.REHOST_KUBEVIRT, vgpu_pool))
    assert "GPU-MODE" not in _rules(_gpu_doc(mig, DispositionKind.CONTAINERIZE, container_pool))


def test_link_over_capacity() -> None:
    ents = _clean()
    ents[7] = dep("b1", "a1", port=443, weight=100.0)  # 800 Mbit/s while b1 waits
    ents += [wave(3), wl("c1", wave_id=vid(3))]
    found = [v for v in validate_plan(make_doc(*ents)) if v.rule_id == "LINK"]
    # from a1's cutover (wave 1) until b1's (wave 2); quiet in wave 3
    assert [v.wave_ids for v in found] == [(vid(1),), (vid(2),)]
    ents[7] = dep("b1", "a1", port=443, weight=10.0)
    assert "LINK" not in _rules(validate_plan(make_doc(*ents)))


def test_freeze_by_dates_and_cutover_window() -> None:
    freeze = FreezePeriod(name="Year end", start=dt.date(2027, 1, 10), end=dt.date(2027, 1, 12))
    settings = PlanSettings(freeze_periods=(freeze,))
    ents = _clean()
    found = [v for v in validate_plan(make_doc(*ents, settings=settings)) if v.rule_id == "FREEZE"]
    assert [v.wave_ids for v in found] == [(vid(1),)]
    # a wave without dates but with a cutover window inside the freeze
    cut = dt.datetime(2027, 1, 11, 20)
    ents[2] = wave(
        1,
        start_date=None,
        end_date=None,
        cutover_window=TimeWindow(start=cut, end=cut + dt.timedelta(hours=4)),
    )
    assert "FREEZE" in _rules(validate_plan(make_doc(*ents, settings=settings)))
    late = FreezePeriod(name="Summer", start=dt.date(2027, 7, 1), end=dt.date(2027, 7, 31))
    quiet = PlanSettings(freeze_periods=(late,))
    assert "FREEZE" not in _rules(validate_plan(make_doc(*_clean(), settings=quiet)))


def test_pilot_waves_hold_no_critical_workloads() -> None:
    ents = _clean()
    ents[4] = wl("a1", application_id="a-A", wave_id=vid(1), criticality=Criticality.HIGH)
    found = [v for v in validate_plan(make_doc(*ents)) if v.rule_id == "PILOT"]
    assert len(found) == 1 and found[0].workload_ids == (wid("a1"),)
    none = PlanSettings(planner=PlannerSettings(pilot_waves=0))
    assert "PILOT" not in _rules(validate_plan(make_doc(*ents, settings=none)))


def test_hard_violations_come_first() -> None:
    ents = _clean()
    ents[4] = wl("a1", application_id="a-A", wave_id=vid(1), criticality=Criticality.HIGH)
    ents[5] = wl("a2", application_id="a-A", wave_id=vid(2))
    found = validate_plan(make_doc(*ents))
    severities = [v.severity for v in found]
    assert severities == sorted(severities, key=lambda s: s is not Severity.HARD)
    assert {"APP-SPLIT", "PILOT"} <= _rules(found)


def test_a_foundation_wave_of_shared_services_is_not_a_pilot_wave() -> None:
    """Shared services replicated first (mission-critical by nature) do not trip PILOT, and
    the pilot waves are counted after the foundation."""
    ents = [
        app("A"),
        app("B"),
        wave(1),
        wave(2),
        wave(3),
        wl(
            "dns01",
            wave_id=vid(1),
            criticality=Criticality.MISSION_CRITICAL,
            tags=("shared-service",),
        ),
        wl("a1", application_id="a-A", wave_id=vid(2)),
        wl("b1", application_id="a-B", wave_id=vid(3), criticality=Criticality.HIGH),
        dep("a1", "dns01", port=53),
        dep("b1", "dns01", port=53),
    ]
    found = [v for v in validate_plan(make_doc(*ents)) if v.rule_id == "PILOT"]
    assert [v.wave_ids for v in found] == [(vid(3),)], "waves 2 and 3 are the two pilot waves"
    bridged = PlanSettings(planner=PlannerSettings(shared_services="bridge"))
    found = [v for v in validate_plan(make_doc(*ents, settings=bridged)) if v.rule_id == "PILOT"]
    assert {v.wave_ids for v in found} == {(vid(1),)}, (
        "kept and bridged: wave 1 is a pilot like any other"
    )


def test_time_sliced_pool_hosts_replicas_per_gpu_and_only_containers() -> None:
    """A shared (time-sliced) pool of 2 GPUs at 4 replicas takes 8 one-GPU containers; the
    9th finds it used up; a VM cannot use a time slice at all."""
    pools = PlanSettings(gpu_pools=(GpuPool(name="ts", mode=GpuMode.SHARED, gpus=2, replicas=4),))
    slice_ = GpuNeeds(count=1, mode=GpuMode.SHARED)
    box = Disposition(kind=DispositionKind.CONTAINERIZE)
    ents = [wave(1), *[wl(f"s{k}", gpu=slice_, wave_id=vid(1), disposition=box) for k in range(8)]]
    assert "GPU-POOL" not in _rules(validate_plan(make_doc(*ents, settings=pools)))
    ents.append(wl("s8", gpu=slice_, wave_id=vid(1), disposition=box))
    found = [v for v in validate_plan(make_doc(*ents, settings=pools)) if v.rule_id == "GPU-POOL"]
    assert [v.workload_ids for v in found] == [(wid("s8"),)]
    assert "time-sliced pool (ts: 2 GPUs)" in found[0].message
    vm = Disposition(kind=DispositionKind.REHOST_KUBEVIRT)
    as_vm = [wave(1), wl("v1", gpu=slice_, wave_id=vid(1), disposition=vm)]
    (conflict,) = [
        v for v in validate_plan(make_doc(*as_vm, settings=pools)) if v.rule_id == "GPU-MODE"
    ]
    assert "cannot use a shared GPU" in conflict.message
