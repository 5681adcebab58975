"""The workload dependency graph as flat arrays, the shape the planner and the metrics share.

Workloads get dense indices (sorted by id, so every run sees the same numbering). Dependencies
between two workloads become directed edges ``src -> dst`` (``src`` depends on ``dst``);
parallel dependencies between the same pair are summed and are hard if any of them is.
Dependencies that touch an application or an external node are not edges here: they say
nothing about which wave a workload should share with another one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from migplan.core.document import PlanDocument
from migplan.core.ids import WorkloadId
from migplan.core.planning.capacity import DIMENSIONS, workload_load

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class EdgeArrays:
    """Directed, aggregated edges over dense node indices."""

    src: IntArray
    dst: IntArray
    weight: FloatArray
    hard: BoolArray

    def __len__(self) -> int:
        return int(self.src.shape[0])

    @classmethod
    def build(
        cls,
        pairs: list[tuple[int, int, float, bool]],
    ) -> EdgeArrays:
        """Aggregate ``(src, dst, weight, hard)`` tuples (self-loops dropped)."""
        agg: dict[tuple[int, int], list[float]] = {}
        for a, b, w, h in pairs:
            if a == b:
                continue
            slot = agg.get((a, b))
            if slot is None:
                agg[(a, b)] = [w, float(h)]
            else:
                slot[0] += w
                slot[1] = max(slot[1], float(h))
        keys = sorted(agg)
        return cls(
            src=np.fromiter((k[0] for k in keys), dtype=np.int64, count=len(keys)),
            dst=np.fromiter((k[1] for k in keys), dtype=np.int64, count=len(keys)),
            weight=np.fromiter((agg[k][0] for k in keys), dtype=np.float64, count=len(keys)),
            hard=np.fromiter((agg[k][1] > 0 for k in keys), dtype=np.bool_, count=len(keys)),
        )


@dataclass(frozen=True)
class PlanGraph:
    """Workloads, their loads (``n x len(DIMENSIONS)``) and the edges between them."""

    ids: tuple[WorkloadId, ...]
    index: dict[WorkloadId, int]
    edges: EdgeArrays
    loads: FloatArray

    @property
    def n(self) -> int:
        return len(self.ids)


def build_graph(doc: PlanDocument) -> PlanGraph:
    """The ``PlanGraph`` of ``doc``."""
    ids = tuple(sorted(doc.workloads))
    index = {wid: i for i, wid in enumerate(ids)}
    pairs: list[tuple[int, int, float, bool]] = []
    for dep in doc.dependencies.values():
        a = index.get(dep.source)  # type: ignore[call-overload]
        b = index.get(dep.target)  # type: ignore[call-overload]
        if a is not None and b is not None:
            pairs.append((a, b, dep.weight, dep.hard))
    loads = np.zeros((len(ids), len(DIMENSIONS)), dtype=np.float64)
    settings = doc.settings
    for i, wid in enumerate(ids):
        loads[i] = workload_load(doc.workloads[wid], settings).vector()
    return PlanGraph(ids=ids, index=index, edges=EdgeArrays.build(pairs), loads=loads)
