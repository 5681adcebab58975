"""Shared fixtures: the committed import fixtures (``gen``, the script that made them, is in
the root conftest)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures" / "imports"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES
