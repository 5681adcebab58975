"""Random small plans for planner property tests (hand-rolled; no real data)."""

from __future__ import annotations

import datetime as dt
import random

from migplan.core.document import PlanDocument
from migplan.core.enums import Criticality, DispositionKind, Environment, GpuMode, WorkloadClass
from migplan.core.ids import WorkloadId
from migplan.core.models import Application, Dependency, Disposition, GpuNeeds, Wave, Workload
from migplan.core.settings import (
    CapacityRamp,
    FreezePeriod,
    GpuPool,
    PlannerSettings,
    PlanSettings,
    WaveCapacity,
)

ENVS = (Environment.PRODUCTION, Environment.TEST, Environment.DEVELOPMENT, Environment.UNKNOWN)
CRITS = (Criticality.LOW, Criticality.MEDIUM, Criticality.HIGH, Criticality.MISSION_CRITICAL)
GPU_MODES = (GpuMode.CONTAINER, GpuMode.MIG, GpuMode.PASSTHROUGH, GpuMode.VGPU)


def random_plan(
    seed: int, n: int = 30, *, fixed: bool = True
) -> tuple[PlanDocument, set[WorkloadId]]:
    """A random plan and a random set of 'shared services' among its workloads."""
    rng = random.Random(seed)
    apps = [
        Application(id=f"a-app{i}", name=f"App {i}", environment=rng.choice(ENVS))
        for i in range(max(1, n // 4))
    ]
    waves = [
        Wave(id=f"v-old{i}", name=f"Old {i}", order=i + 1, locked=rng.random() < 0.3 and fixed)
        for i in range(rng.randint(0, 3))
    ]
    workloads = []
    for i in range(n):
        app = rng.choice(apps) if rng.random() < 0.8 else None
        gpu = None
        if rng.random() < 0.1:
            mode = rng.choice(GPU_MODES)
            gpu = GpuNeeds(
                count=rng.randint(1, 3),
                mode=mode,
                mig_profile="1g.10gb" if mode is GpuMode.MIG else "",
            )
        wave = rng.choice(waves).id if waves and rng.random() < 0.3 else None
        disposition = None
        if rng.random() < 0.05:
            disposition = Disposition(
                kind=rng.choice((DispositionKind.RETAIN, DispositionKind.RETIRE))
            )
        workloads.append(
            Workload(
                id=f"w-{i:03d}",
                name=f"vm{i:03d}",
                vcpu=rng.choice((1, 2, 4, 8, 16)),
                memory_mib=rng.choice((1024, 4096, 16384)),
                storage_used_mib=rng.choice((10, 100, 400, 2000)) * 1024,
                storage_provisioned_mib=4000 * 1024,
                environment=app.environment if app and rng.random() < 0.9 else rng.choice(ENVS),
                criticality=rng.choice(CRITS),
                application_id=app.id if app else None,
                gpu=gpu,
                wave_id=wave,
                pinned=bool(wave) and fixed and rng.random() < 0.5,
                disposition=disposition,
            )
        )
    deps = []
    for k in range(rng.randint(0, 3 * n) if n > 1 else 0):
        a, b = rng.sample(range(n), 2)
        deps.append(
            Dependency(
                id=f"d-{k:04d}",
                source=f"w-{a:03d}",
                target=f"w-{b:03d}",
                weight=round(rng.lognormvariate(1.0, 1.5), 3),
                hard=rng.random() < 0.05,
            )
        )
    settings = PlanSettings(
        capacity=WaveCapacity(
            workloads=CapacityRamp(
                start=rng.randint(2, 5), step=rng.randint(0, 3), max=rng.randint(5, 10)
            ),
            vcpu=rng.choice((None, 40, 80)),
            storage_gib=rng.choice((None, 3000.0)),
        ),
        gpu_pools=rng.choice(
            (
                (),
                (
                    GpuPool(name="c", mode=GpuMode.CONTAINER, gpus=4),
                    GpuPool(name="p", mode=GpuMode.PASSTHROUGH, gpus=3),
                ),
            )
        ),
        freeze_periods=(
            FreezePeriod(name="Year end", start=dt.date(2027, 3, 1), end=dt.date(2027, 3, 20)),
        ),
        planner=PlannerSettings(
            shared_services=rng.choice(("foundation", "bridge")),
            separate_environments=rng.random() < 0.7,
            pilot_waves=rng.randint(0, 2),
            seed=rng.randint(0, 5),
            start_date=dt.date(2027, 2, 1),
            wave_length_days=7,
        ),
    )
    doc = PlanDocument.from_entities(
        [*apps, *waves, *_data_gravity(seed, workloads), *deps], settings
    )
    shared = {WorkloadId(w.id) for w in workloads if rng.random() < 0.1}
    return doc, shared


def _data_gravity(seed: int, workloads: list[Workload]) -> list[Workload]:
    """Some workloads classed AI-GPU or data-heavy by a person, so that random dependencies
    bind pairs under DATA-GRAVITY (a generator of its own: the rest of the plan is the same
    as without it)."""
    rng = random.Random(seed * 7919 + 1)
    classes = (WorkloadClass.AI_GPU, WorkloadClass.DATA_HEAVY)
    return [
        wl.model_copy(update={"workload_class": rng.choice(classes)}) if rng.random() < 0.4 else wl
        for wl in workloads
    ]
