"""How full each wave is: its load against its limits, per capacity dimension.

The numbers are the CAPACITY rule's own (``PlanIndex.rank_loads`` and ``PlanIndex.limits``,
which the validator reads too), so a wave the board draws as over a limit is a wave the
validator lists as over capacity, and the other way round.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from migplan.core.assess.index import PlanIndex
from migplan.core.planning.capacity import DIMENSIONS

#: The per-wave dimensions shown, with a label and a unit. GPUs are not a per-wave capacity
#: (pools are consumed wave after wave: the GPU-POOL rule), so they are not among them.
SHOWN: tuple[tuple[str, str, str], ...] = (
    ("workloads", "Workloads", ""),
    ("vcpu", "vCPU", ""),
    ("memory_gib", "Memory", "GiB"),
    ("storage_gib", "Storage", "GiB"),
    ("engineer_hours", "Engineer-hours", ""),
)


@dataclass(frozen=True)
class DimensionUse:
    """One dimension of one wave: what it holds and what it may hold (None: no limit)."""

    dimension: str
    label: str
    unit: str
    used: float
    limit: float | None

    @property
    def share(self) -> float | None:
        """``used / limit`` (may exceed 1), None without a limit."""
        if self.limit is None:
            return None
        return self.used / self.limit if self.limit > 0 else math.inf

    @property
    def over(self) -> bool:
        return self.limit is not None and self.used > self.limit + 1e-9

    def text(self) -> str:
        """``34 / 40``, ``1,200 / 6,706 GiB`` or ``280 vCPU, no limit``-style figures."""
        unit = f" {self.unit}" if self.unit else ""
        if self.limit is None:
            return f"{self.used:,.0f}{unit} (no limit)"
        return f"{self.used:,.0f} / {self.limit:,.0f}{unit}"


def capacity_use(index: PlanIndex, rank: int) -> tuple[DimensionUse, ...]:
    """The use of every shown dimension by the wave with 1-based ``rank``."""
    loads = index.rank_loads()[rank]
    limits = index.limits(rank).vector()
    out = []
    for name, label, unit in SHOWN:
        j = DIMENSIONS.index(name)
        limit = limits[j]
        out.append(
            DimensionUse(name, label, unit, float(loads[j]), None if math.isinf(limit) else limit)
        )
    return tuple(out)
