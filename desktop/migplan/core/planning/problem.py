"""The planning problem: the workload graph plus what the planner must know about each workload.

Built once per planning run from the document, so the later steps work on arrays and never
walk entities again. Which workloads are fixed (locked waves, pinned), which do not move at
all (retain or retire chosen by a person) and which are shared services is decided here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from migplan.core.blockers import blocked_reason
from migplan.core.document import PlanDocument
from migplan.core.enums import DispositionKind, OsFamily
from migplan.core.ids import AppId, WaveId, WorkloadId
from migplan.core.locks import fixed_wave
from migplan.core.models import GpuNeeds, Workload
from migplan.core.planning.capacity import wave_limits
from migplan.core.planning.gpupools import GpuPools
from migplan.core.planning.graph import BoolArray, FloatArray, IntArray, PlanGraph, build_graph
from migplan.core.planning.link import LinkEdges
from migplan.core.rules import counts_as_production, pilot_excluded
from migplan.core.settings import PlanSettings

if TYPE_CHECKING:
    from migplan.core.assess.classify import ClassFinding

#: Wave order whose limits are the largest any wave gets (the ramp only grows).
MAX_ORDER = 10_000


def complexity(wl: Workload) -> float:
    """A rough migration complexity used only to pick pilots (small, Linux, no GPU first)."""
    score = wl.storage_gib / 500.0 + wl.vcpu / 16.0
    if wl.os_family is not OsFamily.LINUX:
        score += 1.0
    if wl.gpu_count:
        score += 2.0
    return score


@dataclass
class Problem:
    doc: PlanDocument
    settings: PlanSettings
    graph: PlanGraph
    #: Production (or unknown environment, which counts as production, as Azure does).
    prod: BoolArray
    #: High or mission-critical: kept out of pilot waves.
    critical: BoolArray
    complexity: FloatArray
    apps: list[AppId | None]
    #: Workloads whose wave the planner keeps: node -> wave id.
    fixed: dict[int, WaveId]
    #: Workloads that do not move (retain / retire chosen by a person, platform VMs):
    #: node -> reason.
    staying: dict[int, str]
    shared: BoolArray
    #: Edges touching these count in no objective (shared services replicated first).
    replicated: BoolArray
    #: Movable workloads whose GPU need no pool can serve as planned, or with a migration
    #: blocker for the way they move: node -> (rule, reason).
    blocked: dict[int, tuple[str, str]] = field(default_factory=dict)
    max_limits: FloatArray = field(default_factory=lambda: np.zeros(0))
    #: The validator's dependency edges for the LINK rule, and each workload's target platform.
    link_edges: LinkEdges = field(default_factory=LinkEdges.empty)
    targets: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: GPU pools (GPU-POOL rule) and each workload's GPU need.
    pools: GpuPools = field(default_factory=lambda: GpuPools.of(()))
    gpu_needs: list[GpuNeeds | None] = field(default_factory=list)
    #: Staying workloads that are platform VMs (rule PLATFORM-VM rather than STAYS).
    platform: frozenset[int] = frozenset()
    #: DATA-GRAVITY's pairs, as the validator finds them (``PlanIndex.gravity_pairs``):
    #: (AI workload nodes, data-heavy workload nodes), both planned to move.
    gravity: tuple[IntArray, IntArray] = field(
        default_factory=lambda: (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    )

    @property
    def n(self) -> int:
        return self.graph.n

    def name(self, node: int) -> str:
        return self.doc.workloads[self.graph.ids[node]].name

    def stays_rule(self, node: int) -> str:
        """The rule a staying workload is kept out by: PLATFORM-VM or STAYS."""
        return "PLATFORM-VM" if node in self.platform else "STAYS"

    @property
    def movable(self) -> BoolArray:
        out = np.ones(self.n, dtype=np.bool_)
        for node in (*self.fixed, *self.staying):
            out[node] = False
        return out


def stays_reason(wl: Workload, kind: DispositionKind) -> str:
    """Why a workload retained or retired is in no wave (the STAYS rule)."""
    verb = (
        "is retained on the legacy hypervisor" if kind is DispositionKind.RETAIN else "is retired"
    )
    if wl.disposition is not None and wl.disposition.by_user and wl.disposition.kind is kind:
        why = f": {wl.disposition.reason}" if wl.disposition.reason else ""
        return f"not planned: it {verb} (decided by a person{why})"
    from migplan.core.assess.fit import assess_fit

    return f"not planned: it {verb} (suggested: {assess_fit(wl).suggested_reason})"


def platform_reason(wl: Workload) -> str:
    """Why a platform VM is in no wave (the PLATFORM-VM rule)."""
    from migplan.core.assess.platform import platform_pattern

    found = platform_pattern(wl.name)
    what = f"{found.reason}" if found is not None else "classed a platform VM by a person"
    return (
        f"not planned: a platform VM, {what}; it stays with the source platform (set another "
        "class to plan it)"
    )


def build_problem(
    doc: PlanDocument,
    shared_ids: set[WorkloadId],
    dispositions: Mapping[WorkloadId, DispositionKind] | None = None,
    classes: Mapping[WorkloadId, ClassFinding] | None = None,
) -> Problem:
    """The ``Problem`` for ``doc``; ``shared_ids`` are the workloads classed shared services,
    ``dispositions`` the disposition each workload is planned with and ``classes`` each
    workload's class (both computed when omitted)."""
    from migplan.core.assess.classify import is_platform_vm

    graph = build_graph(doc)
    n = graph.n
    if dispositions is None:
        from migplan.core.assess.bridges import effective_dispositions

        dispositions = effective_dispositions(doc)
    prod = np.zeros(n, dtype=np.bool_)
    critical = np.zeros(n, dtype=np.bool_)
    comp = np.zeros(n, dtype=np.float64)
    apps: list[AppId | None] = []
    fixed: dict[int, WaveId] = {}
    staying: dict[int, str] = {}
    platform: set[int] = set()
    locked = {w.id for w in doc.waves.values() if w.locked}
    for i, wid in enumerate(graph.ids):
        wl = doc.workloads[wid]
        prod[i] = counts_as_production(wl)
        critical[i] = pilot_excluded(wl)
        comp[i] = complexity(wl)
        apps.append(wl.application_id)
        kept = fixed_wave(wl, locked)  # WAVE-LOCKED, WORKLOAD-PINNED (core.locks)
        if kept is not None:
            fixed[i] = kept
        elif is_platform_vm(wl):
            staying[i] = platform_reason(wl)
            platform.add(i)
        elif dispositions[wid] in (DispositionKind.RETAIN, DispositionKind.RETIRE):
            staying[i] = stays_reason(wl, dispositions[wid])
    blocked = _gpu_blocked(doc, graph.ids, fixed, staying, dispositions)
    _migration_blocked(doc, graph.ids, fixed, staying, dispositions, blocked)
    shared = np.zeros(n, dtype=np.bool_)
    for wid in shared_ids:
        node = graph.index.get(wid)
        if node is not None and node not in fixed and node not in staying:
            shared[node] = True
    foundation = doc.settings.planner.shared_services == "foundation"
    replicated = shared.copy() if foundation else np.zeros(n, dtype=np.bool_)
    if foundation:
        # Fixed shared services are replicated too: the objective must not depend on pins.
        for wid in shared_ids:
            node = graph.index.get(wid)
            if node is not None and node in fixed:
                replicated[node] = True
    if classes is None:
        classes = planning_classes(doc, shared_ids)
    link_edges, targets, gravity = _link_inputs(doc, graph, shared_ids, dispositions, classes)
    return Problem(
        doc=doc,
        settings=doc.settings,
        graph=graph,
        prod=prod,
        critical=critical,
        complexity=comp,
        apps=apps,
        fixed=fixed,
        staying=staying,
        shared=shared,
        replicated=replicated,
        blocked=blocked,
        max_limits=np.array(wave_limits(doc.settings, MAX_ORDER).vector(), dtype=np.float64),
        pools=GpuPools.for_plan(doc.settings),
        gpu_needs=[doc.workloads[wid].gpu for wid in graph.ids],
        link_edges=link_edges,
        targets=targets,
        platform=frozenset(platform),
        gravity=gravity,
    )


def planning_classes(
    doc: PlanDocument, shared_ids: set[WorkloadId]
) -> dict[WorkloadId, ClassFinding]:
    """Each workload's class as the assessment finds it, without walking the graph again:
    the graph evidence only tells shared services, and ``shared_ids`` already names those
    (an AI-GPU finding, or a class a person set, wins over it as in ``classify_workload``)."""
    from migplan.core.assess.classify import ClassFinding, classify_workload
    from migplan.core.enums import WorkloadClass

    out: dict[WorkloadId, ClassFinding] = {}
    for wid, wl in doc.workloads.items():
        found = classify_workload(wl)
        if (
            wid in shared_ids
            and not found.overridden
            and found.workload_class is not (WorkloadClass.AI_GPU)
        ):
            found = ClassFinding(WorkloadClass.SHARED_SERVICE, ("a shared service",))
        out[wid] = found
    return out


def _link_inputs(
    doc: PlanDocument,
    graph: PlanGraph,
    shared_ids: set[WorkloadId],
    dispositions: Mapping[WorkloadId, DispositionKind],
    classes: Mapping[WorkloadId, ClassFinding],
) -> tuple[LinkEdges, IntArray, tuple[IntArray, IntArray]]:
    """The validator's edges (``PlanIndex``: dependencies on applications expanded,
    externals kept) in planner numbering, so the LINK rule sees exactly what it checks;
    and DATA-GRAVITY's pairs, found by the validator's code."""
    from migplan.core.assess.index import EXTERNAL, PlanIndex

    index = PlanIndex(doc, dispositions, shared_ids, classes=classes)
    node_of = np.array([graph.index[wid] for wid in index.ids], dtype=np.int64)
    targets = np.zeros(graph.n, dtype=np.int64)
    targets[node_of] = index.target

    def nodes(ends: IntArray) -> IntArray:
        out: IntArray = np.where(ends == EXTERNAL, -1, node_of[np.where(ends == EXTERNAL, 0, ends)])
        return out

    edges = LinkEdges(
        a=nodes(index.src),
        b=nodes(index.dst),
        mbps=index.mbps.copy(),
        rep_a=index.rep_src.copy(),
        rep_b=index.rep_dst.copy(),
    )
    ai, data = index.gravity_pairs()
    return edges, targets, (node_of[ai], node_of[data])


def _migration_blocked(
    doc: PlanDocument,
    ids: tuple[WorkloadId, ...],
    fixed: dict[int, WaveId],
    staying: dict[int, str],
    dispositions: Mapping[WorkloadId, DispositionKind],
    blocked: dict[int, tuple[str, str]],
) -> None:
    """Workloads with a migration blocker for the way they move (``core.blockers``: an RDM
    or independent disk for a KubeVirt VM, a USB device for a container): kept out of the
    waves under the blocker's rule id, with what to fix first, until a re-import shows it
    fixed or a person changes the disposition."""
    for i, wid in enumerate(ids):
        wl = doc.workloads[wid]
        if not wl.blockers or i in fixed or i in staying or i in blocked:
            continue
        why = blocked_reason(wl, dispositions[wid])
        if why is not None:
            blocked[i] = why


def _gpu_blocked(
    doc: PlanDocument,
    ids: tuple[WorkloadId, ...],
    fixed: dict[int, WaveId],
    staying: dict[int, str],
    dispositions: Mapping[WorkloadId, DispositionKind],
) -> dict[int, tuple[str, str]]:
    """GPU workloads whose need cannot be served as planned (the validator's GPU-MODE rule:
    no pool of the mode, no pool with the MIG profile, or a mode the platform cannot use;
    and the GPU-POOL rule: more GPUs than all pools of its kind hold)."""
    from migplan.core.assess.validate import gpu_problem

    pools = GpuPools.for_plan(doc.settings)

    out: dict[int, tuple[str, str]] = {}
    for i, wid in enumerate(ids):
        wl = doc.workloads[wid]
        if not wl.gpu_count or i in fixed or i in staying:
            continue
        why = gpu_problem(wl, dispositions[wid], doc)
        if why:
            out[i] = (
                "GPU-MODE",
                "its GPU need cannot be served as planned: " + why.split(": ", 1)[-1],
            )
            continue
        group = pools.group_of(wl.gpu) if pools.modelled else None
        if group is not None and pools.units(wl.gpu, group) > pools.groups[group].capacity:
            g = pools.groups[group]
            out[i] = (
                "GPU-POOL",
                f"it needs {pools.units(wl.gpu, group):g} GPUs, more than the whole {g.label} "
                f"({', '.join(g.names)}) holds: {g.capacity:g}",
            )
    return out
