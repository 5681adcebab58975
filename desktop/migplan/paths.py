"""Where MigPlan's shipped resources live (source checkout or bundled app)."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """``resources/`` of the checkout, or of a PyInstaller bundle (``sys._MEIPASS``)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def _root() -> Path:
    """The checkout, or the PyInstaller bundle (where ``plans/`` and ``docs/`` are copied)."""
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) if bundle else Path(__file__).resolve().parents[2]


def examples_dir() -> Path:
    """The example plans shipped with the app (``plans/``)."""
    return _root() / "plans"


def user_guide_path() -> Path:
    """The user guide shipped with the app: ``docs/USER_GUIDE.md``, the same file as the
    repository's (installer/build.sh copies it into the bundle)."""
    return _root() / "docs" / "USER_GUIDE.md"
