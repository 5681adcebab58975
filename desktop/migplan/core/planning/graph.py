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
from migplan.core.planning.capacity import DIMENSIONS, GPU_KINDS, gpu_kind

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
    def build(cls, pairs: list[tuple[int, int, float, bool]]) -> EdgeArrays:
        """Aggregate ``(src, dst, weight, hard)`` tuples (self-loops dropped)."""
        if not pairs:
            empty = np.zeros(0, dtype=np.int64)
            return cls(empty, empty.copy(), np.zeros(0), np.zeros(0, dtype=np.bool_))
        a, b, w, h = (np.array(col) for col in zip(*pairs, strict=True))
        return cls.aggregate(
            a.astype(np.int64), b.astype(np.int64), w.astype(np.float64), h.astype(np.bool_)
        )

    @classmethod
    def aggregate(cls, a: IntArray, b: IntArray, w: FloatArray, h: BoolArray) -> EdgeArrays:
        """Sum parallel edges (hard if any is), drop self-loops, sort by (src, dst)."""
        keep = a != b
        a, b, w, h = a[keep], b[keep], w[keep], h[keep]
        n = int(max(a.max(initial=0), b.max(initial=0))) + 1
        key = a * n + b
        uniq, inv = np.unique(key, return_inverse=True)
        weight = np.bincount(inv, weights=w, minlength=uniq.size).astype(np.float64)
        hard = np.bincount(inv, weights=h.astype(np.float64), minlength=uniq.size) > 0
        return cls(src=uniq // n, dst=uniq % n, weight=weight, hard=hard)


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
    src: list[int] = []
    dst: list[int] = []
    weight: list[float] = []
    hard: list[bool] = []
    get = index.get
    for dep in doc.dependencies.values():
        a = get(dep.source)  # type: ignore[call-overload]
        if a is not None:
            b = get(dep.target)  # type: ignore[call-overload]
            if b is not None:
                src.append(a)
                dst.append(b)
                weight.append(dep.weight)
                hard.append(dep.hard)
    edges = EdgeArrays.aggregate(
        np.array(src, dtype=np.int64),
        np.array(dst, dtype=np.int64),
        np.array(weight, dtype=np.float64),
        np.array(hard, dtype=np.bool_),
    )
    return PlanGraph(ids=ids, index=index, edges=edges, loads=load_matrix(doc, ids))


def load_matrix(doc: PlanDocument, ids: tuple[WorkloadId, ...]) -> FloatArray:
    """``workload_load`` of each workload in ``ids``, one ``DIMENSIONS`` row each."""
    loads = np.zeros((len(ids), len(DIMENSIONS)), dtype=np.float64)
    per_hour = doc.settings.capacity.engineer_hours_per_workload
    gpu_col = {kind: DIMENSIONS.index(f"gpu:{kind}") for kind in GPU_KINDS}
    for i, wid in enumerate(ids):
        wl = doc.workloads[wid]
        row = loads[i]
        row[0] = 1.0
        row[1] = wl.vcpu
        row[2] = wl.memory_mib / 1024.0
        row[3] = wl.storage_gib
        row[4] = per_hour
        if wl.gpu is not None and wl.gpu.count:
            kind = gpu_kind(wl.gpu.mode)
            if kind is not None:
                row[gpu_col[kind]] = wl.gpu.count
    return loads
