"""Step-by-step upgrades of plan files, on plain dicts (nbformat's converter pattern).

``UPGRADES[n]`` turns a version-``n`` dict into a version-``n + 1`` dict. A file of version
``v`` goes through ``UPGRADES[v]``, ``UPGRADES[v + 1]``, ... until it reaches
``CURRENT_VERSION``; only then is it validated. When the format changes: bump
``CURRENT_VERSION``, add the step here, commit the new schema beside the old one, and add a
golden file of the old version under ``tests/fixtures/planfiles/v<n>/``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CURRENT_VERSION = 2

PlanDict = dict[str, Any]


def _v1_to_v2(obj: PlanDict) -> PlanDict:
    """Version 2 records where each value came from and what blocks a move: a workload's
    ``curated`` fields (set by a person), each source row's ``columns`` and ``key``, and its
    migration ``blockers``. All are new and optional: a version-1 plan knows none of them
    (its source rows gave the whole record, no value is marked as a person's, no blocker was
    read), so its data stays as it is."""
    return obj


#: version n -> function producing version n + 1
UPGRADES: dict[int, Callable[[PlanDict], PlanDict]] = {1: _v1_to_v2}


class UpgradeError(ValueError):
    pass


def upgrade(obj: PlanDict, version: int, target: int | None = None) -> PlanDict:
    """Upgrade ``obj`` from ``version`` to ``target`` (default: the current version)."""
    target = CURRENT_VERSION if target is None else target
    while version < target:
        step = UPGRADES.get(version)
        if step is None:
            raise UpgradeError(f"no upgrade from plan format {version} to {version + 1}")
        obj = step(dict(obj))
        version += 1
        obj["format_version"] = version
    return obj
