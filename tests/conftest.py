"""Shared fixtures: small hand-built plans and generated estates."""

from __future__ import annotations

import os
from pathlib import Path

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
