"""Shared fixtures: small hand-built plans and generated estates."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

# GUI tests run without a screen; set before any Qt import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from migplan.core.document import PlanDocument
from migplan.core.estate import EstateSpec, generate_estate

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def small_estate_session() -> PlanDocument:
    return generate_estate(EstateSpec(workloads=120, waves=4, seed=3))


@pytest.fixture
def small_estate() -> PlanDocument:
    """A fresh 120-workload estate with 4 waves (cheap: built per test from a cached spec)."""
    return generate_estate(EstateSpec(workloads=120, waves=4, seed=3))


@pytest.fixture
def root() -> Path:
    return ROOT


def load_script(name: str) -> ModuleType:
    """A script of ``scripts/`` (the fixture generators) as a module, loaded once."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def script() -> Callable[[str], ModuleType]:
    """``script("make_dependency_fixtures")``: a fixture generator of ``scripts/``."""
    return load_script


@pytest.fixture(scope="session")
def gen() -> ModuleType:
    """The script that generates the import fixtures (RVTools and other exports)."""
    return load_script("make_import_fixtures")


def _four_reasons_plan() -> PlanDocument:
    """Two workloads in a wave and four in none, each kept out by a different rule: retained
    by a person (STAYS), too big for any wave (CAPACITY), a GPU no pool serves (GPU-MODE),
    and one nothing keeps out (NOT-PLANNED, named with markup that must show as typed). A
    freeze period and no planner start date make Propose waves add a note."""
    import datetime as dt

    from migplan.core.enums import DispositionKind, GpuMode
    from migplan.core.models import Disposition, GpuNeeds, Wave, Workload
    from migplan.core.settings import (
        CapacityRamp,
        FreezePeriod,
        GpuPool,
        PlanSettings,
        WaveCapacity,
    )

    settings = PlanSettings(
        name="Four reasons",
        capacity=WaveCapacity(workloads=CapacityRamp(start=10, step=0, max=10), vcpu=64),
        gpu_pools=(GpuPool(name="k8s", mode=GpuMode.CONTAINER, gpus=4),),
        freeze_periods=(
            FreezePeriod(name="Year end", start=dt.date(2027, 12, 20), end=dt.date(2028, 1, 3)),
        ),
    )
    small = {"vcpu": 2, "memory_mib": 4096}
    workloads = [
        Workload(id="w-web1", name="web-01", wave_id="v-1", **small),
        Workload(id="w-web2", name="web-02", wave_id="v-1", **small),
        Workload(
            id="w-keep",
            name="mainframe-gw",
            disposition=Disposition(kind=DispositionKind.RETAIN, reason="licence", by_user=True),
            **small,
        ),
        Workload(id="w-big", name="big-db", vcpu=128, memory_mib=65536),
        Workload(
            id="w-gpu",
            name="trainer",
            vcpu=8,
            memory_mib=16384,
            gpu=GpuNeeds(count=2, mode=GpuMode.PASSTHROUGH),
        ),
        Workload(id="w-loose", name="<b>report</b>-02", **small),
    ]
    return PlanDocument.from_entities(
        [Wave(id="v-1", name="Wave 1", order=1), *workloads], settings
    )


@pytest.fixture
def four_reasons_plan() -> PlanDocument:
    return _four_reasons_plan()


def _small_plan() -> PlanDocument:
    """Three waves, five workloads, two applications, three dependencies: the plan the
    compare and merge tests edit on two sides."""
    import datetime as dt

    from migplan.core.enums import Criticality
    from migplan.core.models import Application, Dependency, Wave, Workload
    from migplan.core.settings import PlanSettings

    waves = [
        Wave(id="v-1", name="Pilot", order=1, start_date=dt.date(2027, 1, 4)),
        Wave(id="v-2", name="Wave 2", order=2),
        Wave(id="v-3", name="Wave 3", order=3),
    ]
    apps = [Application(id="a-shop", name="Shop"), Application(id="a-crm", name="CRM")]
    size = {"vcpu": 4, "memory_mib": 8192, "storage_used_mib": 20_000}
    workloads = [
        Workload(id="w-web", name="web-01", application_id="a-shop", wave_id="v-1", **size),
        Workload(id="w-app", name="app-01", application_id="a-shop", wave_id="v-2", **size),
        Workload(id="w-db", name="db-01", application_id="a-shop", wave_id="v-2", **size),
        Workload(id="w-crm", name="crm-01", application_id="a-crm", wave_id="v-3", **size),
        Workload(
            id="w-lone",
            name="lone-01",
            criticality=Criticality.LOW,
            tags=("legacy",),
            attributes={"Rack": "R1"},
            **size,
        ),
    ]
    deps = [
        Dependency(id="d-web-app", source="w-web", target="w-app", port=8080),
        Dependency(id="d-app-db", source="w-app", target="w-db", port=5432),
        Dependency(id="d-crm-db", source="w-crm", target="w-db", port=5432),
    ]
    return PlanDocument.from_entities(
        [*waves, *apps, *workloads, *deps], PlanSettings(name="Small plan")
    )


@pytest.fixture
def small_plan() -> PlanDocument:
    return _small_plan()
