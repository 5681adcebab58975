"""Array views of a plan for the assessment: wave rank and target platform per workload, edges.

Validation, bridges and risk all ask the same questions of every workload and every edge:
in which phase does it move, to which platform, and which phases does an edge cross. Asked
in Python per item, 50,000 edges cost tens of milliseconds per question; asked of numpy
arrays they cost well under one. ``PlanIndex`` holds those arrays and updates them in place
when a few workloads change, which is what keeps rescoring after a drag live.

Conventions: waves are ranked 1..K in ``PlanDocument.waves_in_order`` order; a workload in no
wave has rank K+1 (it never moves within the plan). Edges join two workloads, or a workload
and an external node (an external never moves: it stays with the legacy network). A
dependency naming a whole application is expanded to one edge per workload of it, its
traffic shared evenly between them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import IntEnum
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from migplan.core.document import PlanDocument
from migplan.core.enums import DispositionKind, WorkloadClass
from migplan.core.ids import AppId, DependencyId, WaveId, WorkloadId
from migplan.core.models import MBIT_PER_MBYTE, GpuNeeds, Wave, Workload
from migplan.core.planning.capacity import DIMENSIONS, WaveLimits, wave_limits, workload_load
from migplan.core.rules import counts_as_production

if TYPE_CHECKING:
    from migplan.core.assess.classify import ClassFinding

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


class Platform(IntEnum):
    """Where a workload runs during a phase."""

    LEGACY = 0
    KUBEVIRT = 1
    CONTAINER = 2
    #: Retired: gone after its wave, so its edges cross nothing.
    GONE = 3

    @property
    def label(self) -> str:
        return _PLATFORM_LABELS[self]


_PLATFORM_LABELS = {
    Platform.LEGACY: "legacy VM",
    Platform.KUBEVIRT: "VM on Kubernetes",
    Platform.CONTAINER: "container",
    Platform.GONE: "retired",
}

TARGET_OF: dict[DispositionKind, Platform] = {
    DispositionKind.RETAIN: Platform.LEGACY,
    DispositionKind.REHOST_KUBEVIRT: Platform.KUBEVIRT,
    DispositionKind.CONTAINERIZE: Platform.CONTAINER,
    DispositionKind.RETIRE: Platform.GONE,
}

#: What ``PlanIndex._edges`` builds: the same for equal workloads, dependencies and apps.
_EDGE_ATTRS = (
    "app_edges", "dep_ids", "_deps", "src", "dst", "mbps", "latency", "hard", "bidir",
    "ext_src", "ext_dst", "_src_safe", "_dst_safe", "rep_src", "rep_dst", "_inc_edges",
    "_inc_bounds", "dependant_pairs",
)  # fmt: skip

#: Index standing for "an external node" in the edge endpoint arrays.
EXTERNAL = -1


class PlanIndex:
    """Numpy arrays over the workloads, waves and edges of one document."""

    def __init__(
        self,
        doc: PlanDocument,
        dispositions: Mapping[WorkloadId, DispositionKind],
        shared: Iterable[WorkloadId] = (),
        edges_from: PlanIndex | None = None,
        classes: Mapping[WorkloadId, ClassFinding] | None = None,
    ):
        """Index ``doc``; ``edges_from`` (an index of the same workloads, dependencies,
        applications and shared services) lends its edge arrays instead of rebuilding them.
        ``classes`` (the assessment's) mark AI-GPU and data-heavy workloads for DATA-GRAVITY;
        without them no pair is bound."""
        self.waves: list[Wave] = doc.waves_in_order()
        self.k = len(self.waves)
        self.wave_rank: dict[WaveId, int] = {w.id: i + 1 for i, w in enumerate(self.waves)}
        self.ids: list[WorkloadId] = list(doc.workloads)
        self.id_array: npt.NDArray[np.object_] = np.array(self.ids, dtype=object)
        self.pos: dict[WorkloadId, int] = {wid: i for i, wid in enumerate(self.ids)}
        n = len(self.ids)
        self.rank: IntArray = np.full(n, self.k + 1, dtype=np.int64)
        self.target: IntArray = np.zeros(n, dtype=np.int64)
        #: Criticality rank (-1 unknown .. 3 mission-critical) and production flag.
        self.crit: IntArray = np.zeros(n, dtype=np.int64)
        self.prod: BoolArray = np.zeros(n, dtype=np.bool_)
        #: Application code per workload (-1: none); ``apps[code]`` is its id.
        self.app: IntArray = np.full(n, -1, dtype=np.int64)
        self.apps: list[AppId] = []
        self._app_code: dict[AppId, int] = {}
        self.settings = doc.settings
        self._limits: dict[int, WaveLimits] = {}
        #: What each workload takes from its wave, in ``capacity.DIMENSIONS`` order.
        self.load: FloatArray = np.zeros((n, len(DIMENSIONS)), dtype=np.float64)
        #: Each workload's GPU need (None for most), for the GPU-POOL rule.
        self.gpu: list[GpuNeeds | None] = [None] * n
        #: AI-GPU and data-heavy workloads (DATA-GRAVITY), from the classes given.
        self.ai: BoolArray = np.zeros(n, dtype=np.bool_)
        self.data: BoolArray = np.zeros(n, dtype=np.bool_)
        self.update(doc.workloads.values(), dispositions, classes)
        #: Shared services; in "foundation" mode they are replicated to the target when their
        #: wave runs, so from then on their edges cross nothing.
        self.shared: BoolArray = np.zeros(n, dtype=np.bool_)
        self.shared[[self.pos[s] for s in shared if s in self.pos]] = True
        self.replicate = doc.settings.planner.shared_services == "foundation"
        if (
            edges_from is not None
            and edges_from.ids == self.ids
            and edges_from.replicate == self.replicate
            and np.array_equal(edges_from.shared, self.shared)
        ):
            for name in _EDGE_ATTRS:
                setattr(self, name, getattr(edges_from, name))
        else:
            self._edges(doc)

    # -- workloads ----------------------------------------------------------------------

    def update(
        self,
        workloads: Iterable[Workload],
        dispositions: Mapping[WorkloadId, DispositionKind],
        classes: Mapping[WorkloadId, ClassFinding] | None = None,
    ) -> None:
        """Refresh the per-workload arrays for ``workloads`` (already in the index);
        ``classes`` refresh their AI-GPU and data-heavy marks (kept when omitted)."""
        self._cache: dict[str, object] = {}
        for wl in workloads:
            if classes is not None:
                found = classes[wl.id].workload_class
                self.ai[self.pos[wl.id]] = found is WorkloadClass.AI_GPU
                self.data[self.pos[wl.id]] = found is WorkloadClass.DATA_HEAVY
            i = self.pos[wl.id]
            self.rank[i] = self.wave_rank.get(wl.wave_id, self.k + 1) if wl.wave_id else self.k + 1
            self.target[i] = TARGET_OF[dispositions[wl.id]]
            self.crit[i] = wl.criticality.rank
            # Azure treats unknown environments as production (the stricter rules apply).
            self.prod[i] = counts_as_production(wl)
            if wl.application_id is None:
                self.app[i] = -1
            else:
                code = self._app_code.setdefault(wl.application_id, len(self.apps))
                if code == len(self.apps):
                    self.apps.append(wl.application_id)
                self.app[i] = code
            self.load[i] = workload_load(wl, self.settings).vector()
            self.gpu[i] = wl.gpu if wl.gpu is not None and wl.gpu.count else None

    def limits(self, rank: int) -> WaveLimits:
        """Capacity limits of the wave with ``rank`` (settings do not change in an index)."""
        cached = self._limits.get(rank)
        if cached is None:
            cached = self._limits[rank] = wave_limits(self.settings, rank)
        return cached

    def per_rank(self, values: npt.NDArray[Any]) -> FloatArray:
        """Sum of ``values`` (one per workload) per wave rank 0..K+1."""
        out: FloatArray = np.bincount(self.rank, weights=values, minlength=self.k + 2)[
            : self.k + 2
        ].astype(np.float64)
        return out

    def wave_of_rank(self, rank: int) -> Wave | None:
        return self.waves[rank - 1] if 1 <= rank <= self.k else None

    # -- edges --------------------------------------------------------------------------

    def _edges(self, doc: PlanDocument) -> None:
        pos, externals = self.pos, doc.externals
        deps = list(doc.dependencies.values())
        # fast path: both ends are workloads (nearly every dependency)
        src = [pos.get(d.source, -2) for d in deps]  # type: ignore[call-overload]
        dst = [pos.get(d.target, -2) for d in deps]  # type: ignore[call-overload]
        plain = [s >= 0 and t >= 0 for s, t in zip(src, dst, strict=True)]
        kept = [d for d, ok in zip(deps, plain, strict=True) if ok]
        src = [s for s, ok in zip(src, plain, strict=True) if ok]
        dst = [t for t, ok in zip(dst, plain, strict=True) if ok]
        weight = [d.weight for d in kept]
        # slow path: externals and whole applications
        app_members: dict[str, list[int]] = {}
        if len(kept) < len(deps):
            for wid, wl in doc.workloads.items():
                if wl.application_id is not None:
                    app_members.setdefault(wl.application_id, []).append(pos[wid])

        def resolve(node: str) -> list[int]:
            if node in pos:
                return [pos[node]]  # type: ignore[index]
            if node in externals:
                return [EXTERNAL]
            return app_members.get(node, [])

        #: True when some dependency names a whole application (expanded to its workloads).
        self.app_edges = False
        for dep, ok in zip(deps, plain, strict=True):
            if ok:
                continue
            pairs = [(s, t) for s in resolve(dep.source) for t in resolve(dep.target) if s != t]
            pairs = [(s, t) for s, t in pairs if not (s == EXTERNAL == t)]
            if not pairs:
                continue
            self.app_edges |= dep.source in doc.applications or dep.target in doc.applications
            for s, t in pairs:
                kept.append(dep)
                src.append(s)
                dst.append(t)
                weight.append(dep.weight / len(pairs))
        self.dep_ids: list[DependencyId] = [d.id for d in kept]
        self._deps = kept
        self.src: IntArray = np.array(src, dtype=np.int64)
        self.dst: IntArray = np.array(dst, dtype=np.int64)
        #: Traffic in Mbit/s (dependency weights are MB/s).
        self.mbps: FloatArray = np.array(weight, dtype=np.float64) * MBIT_PER_MBYTE
        self.latency: BoolArray = np.array([d.latency_sensitive for d in kept], dtype=np.bool_)
        self.hard: BoolArray = np.array([d.hard for d in kept], dtype=np.bool_)
        n = len(self.ids) + 1  # endpoint codes shifted by one so externals (-1) become 0
        code = (self.src + 1) * n + (self.dst + 1)
        self.bidir: BoolArray = np.isin((self.dst + 1) * n + (self.src + 1), code)
        self.ext_src: BoolArray = self.src == EXTERNAL
        self.ext_dst: BoolArray = self.dst == EXTERNAL
        self._src_safe = np.where(self.ext_src, 0, self.src)
        self._dst_safe = np.where(self.ext_dst, 0, self.dst)
        src_shared = np.where(self.ext_src, False, self.shared[self._src_safe])
        dst_shared = np.where(self.ext_dst, False, self.shared[self._dst_safe])
        #: Edges to or from a replicated shared service, and which end is the shared one.
        self.rep_src: BoolArray = src_shared & self.replicate
        self.rep_dst: BoolArray = dst_shared & self.replicate & ~self.rep_src
        # edges by workload, as compressed rows: those of position i are
        # _inc_edges[_inc_bounds[i]:_inc_bounds[i + 1]]
        ends = np.concatenate([self.src, self.dst])
        edge_of = np.concatenate([np.arange(len(self.src)), np.arange(len(self.dst))])
        order = np.argsort(ends, kind="stable")
        self._inc_edges: IntArray = edge_of[order]
        self._inc_bounds: IntArray = np.searchsorted(ends[order], np.arange(len(self.ids) + 1))
        #: Each (target, dependant) pair of workloads once, however many edges join them.
        internal = ~(self.ext_src | self.ext_dst)
        m = max(1, len(self.ids))
        joined = np.unique(self.dst[internal] * m + self.src[internal])
        self.dependant_pairs: tuple[IntArray, IntArray] = (joined // m, joined % m)

    def incident(self, position: int) -> list[int]:
        """Edges touching the workload at ``position``."""
        lo, hi = self._inc_bounds[position], self._inc_bounds[position + 1]
        return list(dict.fromkeys(self._inc_edges[lo:hi].tolist()))

    def end_ids(self, e: int) -> tuple[str, str]:
        """Resolved endpoint ids of edge ``e``: workload ids, or the external node's id."""
        s, t = int(self.src[e]), int(self.dst[e])
        dep = self._deps[e]
        return (
            dep.source if s == EXTERNAL else self.ids[s],
            dep.target if t == EXTERNAL else self.ids[t],
        )

    def edge_ranks(self) -> tuple[IntArray, IntArray]:
        """Wave rank of each edge's source and target (K+1 for externals and unplanned)."""
        cached = self._cache.get("ranks")
        if cached is None:
            never = self.k + 1
            ra = np.where(self.ext_src, never, self.rank[self._src_safe])
            rb = np.where(self.ext_dst, never, self.rank[self._dst_safe])
            cached = self._cache["ranks"] = (ra, rb)
        return cached  # type: ignore[return-value]

    def edge_targets(self) -> tuple[IntArray, IntArray]:
        """Target platform of each edge's source and target (legacy for externals)."""
        cached = self._cache.get("targets")
        if cached is None:
            ta = np.where(self.ext_src, Platform.LEGACY, self.target[self._src_safe])
            tb = np.where(self.ext_dst, Platform.LEGACY, self.target[self._dst_safe])
            cached = self._cache["targets"] = (ta, tb)
        return cached  # type: ignore[return-value]

    def gravity_pairs(self) -> tuple[IntArray, IntArray]:
        """DATA-GRAVITY's pairs (``rules.data_gravity_pair`` and ``rules.moves``, as arrays):
        (AI workload, data-heavy workload) positions joined by a dependency either way, a
        dependency on an application reaching each of its workloads, both planned to move.
        Each pair once, sorted."""
        cached = self._cache.get("gravity")
        if cached is None:
            internal = ~(self.ext_src | self.ext_dst)
            s, d = self._src_safe, self._dst_safe
            ab = internal & self.ai[s] & self.data[d]
            ba = internal & self.data[s] & self.ai[d]
            ai = np.concatenate([s[ab], d[ba]])
            data = np.concatenate([d[ab], s[ba]])
            moving = (self.target == Platform.KUBEVIRT) | (self.target == Platform.CONTAINER)
            keep = moving[ai] & moving[data]
            m = max(1, len(self.ids))
            joined = np.unique(ai[keep] * m + data[keep])
            cached = self._cache["gravity"] = (joined // m, joined % m)
        return cached  # type: ignore[return-value]

    def rank_loads(self) -> FloatArray:
        """What each wave rank holds in every capacity dimension: rows 0..K+1 (as
        ``per_rank``), columns in ``capacity.DIMENSIONS`` order. The CAPACITY rule and the
        wave board read this one array."""
        cached = self._cache.get("rank_loads")
        if cached is None:
            cached = self._cache["rank_loads"] = np.stack(
                [self.per_rank(self.load[:, j]) for j in range(len(DIMENSIONS))], axis=1
            )
        return cached  # type: ignore[return-value]

    def members(self) -> list[list[int]]:
        """Workload positions per wave rank: index 0 unused, 1..K the waves, K+1 unplanned."""
        cached = self._cache.get("members")
        if cached is None:
            order = np.argsort(self.rank, kind="stable")
            bounds = np.searchsorted(self.rank[order], np.arange(self.k + 3)).tolist()
            cached = self._cache["members"] = [
                order[bounds[r] : bounds[r + 1]].tolist() for r in range(self.k + 2)
            ]
        return cached  # type: ignore[return-value]


def platform_at(rank: IntArray, target: IntArray, phase: int) -> IntArray:
    """Platform of each item at the end of ``phase``: its target once its wave has run."""
    out: IntArray = np.where(rank <= phase, target, Platform.LEGACY)
    return out


def edge_platforms(index: PlanIndex, phase: int) -> tuple[IntArray, IntArray]:
    """Platform of each edge's two ends at the end of ``phase``.

    A replicated shared service, once its wave has run, is wherever its peer is.
    """
    ra, rb = index.edge_ranks()
    ta, tb = index.edge_targets()
    pa = platform_at(ra, ta, phase)
    pb = platform_at(rb, tb, phase)
    pa = np.where(index.rep_src & (ra <= phase), pb, pa)
    pb = np.where(index.rep_dst & (rb <= phase), pa, pb)
    return pa, pb


def hybrid(pa: IntArray, pb: IntArray) -> BoolArray:
    """True where one end is on the legacy side and the other on the new platform."""
    new_a = (pa == Platform.KUBEVIRT) | (pa == Platform.CONTAINER)
    new_b = (pb == Platform.KUBEVIRT) | (pb == Platform.CONTAINER)
    out: BoolArray = (new_a & (pb == Platform.LEGACY)) | (new_b & (pa == Platform.LEGACY))
    return out


def crossing(pa: IntArray, pb: IntArray) -> BoolArray:
    """True where the ends run on different platforms (neither retired)."""
    out: BoolArray = (pa != pb) & (pa != Platform.GONE) & (pb != Platform.GONE)
    return out
