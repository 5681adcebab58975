"""Shared fixtures: small hand-built plans and generated estates."""

from __future__ import annotations

import importlib.util
import os
import sys
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


def _load_generator() -> ModuleType:
    name = "make_import_fixtures"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def gen() -> ModuleType:
    """The script that generates the import fixtures (RVTools and other exports)."""
    return _load_generator()
