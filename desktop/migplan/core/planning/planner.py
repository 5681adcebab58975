"""The wave planner (planning.md section 4): ``propose_waves`` and its steps, in order.

1. graph (``graph``/``problem``): workloads, loads, aggregated dependencies; locked waves and
   pinned workloads are fixed, retain/retire decisions stay out;
2. shared services (part A's classifier) go to foundation waves first, or, with
   ``shared_services == "bridge"``, stay on the legacy side and move last;
3. hard-affinity atoms with union-find, split by environment (``atoms``);
4-5. Louvain communities of atoms; cycles merged or reported as coordinated cutovers (``groups``);
6. precedence-aware max-adjacency order, pilots first, non-production before production
   (``ordering``);
7. packing under every capacity, freeze periods, locks and pilots (``timeline``, ``pack``);
8. local improvement of J (``improve``).

With ``empty_hosts_early`` steps 6-8 run a second time with an order that empties legacy
hosts early, kept when it frees licensed cores sooner with no rule broken more (``hosts``).

Deterministic: everything is sorted by id, Louvain gets ``settings.planner.seed``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from migplan.core.document import PlanDocument
from migplan.core.enums import DispositionKind, WorkloadClass
from migplan.core.gcpause import gc_paused
from migplan.core.ids import WaveId, WorkloadId
from migplan.core.models import Wave
from migplan.core.planning.atoms import Atom, build_atoms
from migplan.core.planning.groups import Grouping, group_atoms
from migplan.core.planning.hosts import HostCores, HostEmptying, host_cores
from migplan.core.planning.improve import UnitGraph, improve
from migplan.core.planning.link import NEVER
from migplan.core.planning.ordering import PilotKey, order_units, unit_edges
from migplan.core.planning.pack import AtomInfo, Packer
from migplan.core.planning.problem import Problem, build_problem
from migplan.core.planning.proposal import Proposal
from migplan.core.planning.reserve import reserve_link, reserve_pools
from migplan.core.planning.result import build_proposal
from migplan.core.planning.timeline import Timeline
from migplan.core.progress import NullProgress, Progress

if TYPE_CHECKING:
    from migplan.core.assess.classify import ClassFinding

_STEPS = 8
_SHARED = WorkloadClass.SHARED_SERVICE


def propose_waves(
    doc: PlanDocument,
    progress: Progress | None = None,
    *,
    shared_ids: set[WorkloadId] | None = None,
    dispositions: Mapping[WorkloadId, DispositionKind] | None = None,
    classes: Mapping[WorkloadId, ClassFinding] | None = None,
    improve_budget_s: float = 10.0,
) -> Proposal:
    """Propose waves for ``doc`` (see the module docstring); the document is not changed.

    ``shared_ids`` overrides the shared-service classification (tests, benchmarks; the window
    passes its assessment's), ``dispositions`` the disposition each workload is planned with,
    ``classes`` each workload's class (the window passes its assessment's: not classified
    again);
    ``improve_budget_s`` is a safety limit on the local search, which normally stops on a
    work count (so the same input and seed give the same proposal on any machine).
    """
    # A planning run allocates millions of short-lived objects: no collection walks the
    # plan meanwhile (each held the window for half a second at 100,000 workloads).
    with gc_paused(freeze=True):
        return _propose_waves(
            doc,
            progress,
            shared_ids=shared_ids,
            dispositions=dispositions,
            classes=classes,
            improve_budget_s=improve_budget_s,
        )


def _propose_waves(
    doc: PlanDocument,
    progress: Progress | None,
    *,
    shared_ids: set[WorkloadId] | None,
    dispositions: Mapping[WorkloadId, DispositionKind] | None,
    classes: Mapping[WorkloadId, ClassFinding] | None,
    improve_budget_s: float,
) -> Proposal:
    progress = progress or NullProgress()
    began = time.perf_counter()
    progress.step(0, _STEPS, "reading the plan")
    if shared_ids is None and classes is not None:
        shared_ids = {w for w, c in classes.items() if c.workload_class is _SHARED}
    if shared_ids is None:
        from migplan.core.assess.classify import classify_workloads

        classes = classify_workloads(doc)
        shared_ids = {w for w, c in classes.items() if c.workload_class is _SHARED}
    if dispositions is None:
        from migplan.core.assess.bridges import effective_dispositions

        dispositions = effective_dispositions(doc)
    problem = build_problem(doc, shared_ids, dispositions, classes)
    kept = _kept_waves(doc, problem)

    progress.step(1, _STEPS, "finding move groups")
    movable = problem.movable
    regular = build_atoms(problem, np.nonzero(movable & ~problem.shared)[0], shared=False)
    shared = build_atoms(problem, np.nonzero(movable & problem.shared)[0], shared=True)
    atoms = [*regular.atoms, *shared.atoms]
    n_regular = len(regular.atoms)
    info = AtomInfo.of(problem, atoms)
    atom_of = np.full(problem.n, -1, dtype=np.int64)
    for i, atom in enumerate(atoms):
        atom_of[atom.nodes] = i

    progress.step(2, _STEPS, "grouping communities")
    edges = problem.graph.edges
    reg_of = np.where(atom_of < n_regular, atom_of, -1)
    a_src, a_dst, a_w = unit_edges(reg_of, edges.src, edges.dst, edges.weight, max(n_regular, 1))
    grouping = group_atoms(
        n_regular,
        a_src,
        a_dst,
        a_w,
        info.loads[:n_regular],
        problem.max_limits,
        problem.settings.planner.seed,
        info.prod[:n_regular] if problem.settings.planner.separate_environments else None,
    )
    groups = grouping.groups
    unit_graph = _unit_graph(problem, atoms, atom_of, n_regular)
    #: Workloads no wave can take, with (rule, reason): DATA-GRAVITY keeps out what reads them.
    unplaceable = {v: (r, why) for each in (regular, shared) for v, r, why in each.unplaceable}

    def attempt(chooser: HostEmptying | None, stage: Progress) -> _Packed:
        return _pack(
            problem, kept, atoms, info, n_regular, grouping, (a_src, a_dst), unit_graph,
            unplaceable, chooser, improve_budget_s, stage,
        )  # fmt: skip

    packed = attempt(None, progress)
    if problem.settings.planner.empty_hosts_early and doc.hosts:
        # The order that empties hosts early is kept only when it does better: the link no
        # more overloaded, no more left out, fewer licensed cores x waves (``planning.hosts``).
        hosts = host_cores(problem, atoms, n_regular, dispositions)
        if hosts.cores.any():  # some host can empty and its cores are known
            units = [[v for a in g for v in atoms[a].nodes] for g in groups]
            stage = _Stage(progress, 6, _STEPS, "emptying hosts early: ")
            other = attempt(HostEmptying(units, hosts.host_of, hosts.cores), stage)
            if _empties_hosts_sooner(other, packed, hosts):
                packed = other
    timeline, packer, left_out = packed.timeline, packed.packer, packed.left_out

    progress.step(7, _STEPS, "building the proposal")
    proposal = build_proposal(
        problem,
        timeline,
        packer,
        atom_sets=(regular, shared),
        left_out=left_out,
        cutover_groups=[
            sorted(a for g in cyc for a in grouping.groups[g]) for cyc in grouping.cutovers
        ],
        seconds=time.perf_counter() - began,
        stats={"atoms": len(atoms), "groups": len(groups), "moves": packed.moves},
    )
    progress.step(_STEPS, _STEPS, "done")
    return proposal


class _Stage:
    """Reports a sub-step's progress as one step of the whole run (and passes cancel on)."""

    def __init__(self, outer: Progress, done: int, total: int, prefix: str = "") -> None:
        self._outer, self._done, self._total = outer, done, total
        self._prefix = prefix

    @property
    def cancelled(self) -> bool:
        return self._outer.cancelled

    def step(self, done: int, total: int, message: str = "") -> None:
        self._outer.step(self._done, self._total, self._prefix + message)


@dataclass
class _Packed:
    """Steps 6-8 done once: the waves packed and improved, for one order."""

    timeline: Timeline
    packer: Packer
    left_out: list[int]
    moves: int


def _pack(
    problem: Problem,
    kept: list[Wave],
    atoms: list[Atom],
    info: AtomInfo,
    n_regular: int,
    grouping: Grouping,
    atom_edges: tuple[np.ndarray, np.ndarray],
    unit_graph: UnitGraph,
    unplaceable: dict[int, tuple[str, str]],
    chooser: HostEmptying | None,
    improve_budget_s: float,
    progress: Progress,
) -> _Packed:
    """Order the atoms (``chooser``: empty hosts early), pack them and improve the waves."""
    timeline = Timeline(problem, kept)
    timeline.ensure_kept()
    for node, wave in sorted(problem.fixed.items()):
        index = timeline.position_of_wave[wave]
        timeline.add(index, [node], problem.graph.loads[node])

    progress.step(3, _STEPS, "ordering")
    sequence = _sequence(problem, grouping.groups, info, unit_graph, n_regular, chooser)

    progress.step(4, _STEPS, "packing waves")
    packer = Packer(problem, timeline, atoms, info)
    packer.set_precedence(grouping.component, *atom_edges)
    gravity_out = packer.set_gravity(unplaceable)
    shared_seq = sorted(range(n_regular, len(atoms)), key=lambda a: _pilot_key(info, a, atoms))
    timeline.link.set_pending([v for each in atoms for v in each.nodes])
    kept_out = reserve_pools(
        problem, atoms, [a for a in [*shared_seq, *sequence] if a not in gravity_out]
    )
    # The link is reserved as if AI atoms waiting for their data moved (they will, with it).
    kept_out.update(reserve_link(problem, timeline, atoms, [*shared_seq, *sequence], kept_out))
    for a in gravity_out:
        timeline.link.place(atoms[a].nodes, NEVER)
    kept_out.update(gravity_out)
    for a, why in kept_out.items():
        packer.reasons[a] = why
        packer.never.add(a)
    sequence = [a for a in sequence if a not in kept_out]
    shared_seq = [a for a in shared_seq if a not in kept_out]
    left_out: list[int] = sorted(kept_out)
    start = 0
    if problem.settings.planner.shared_services == "foundation" and shared_seq:
        start, missed = packer.pack(shared_seq, 0, shared=True)
        left_out += missed
    packer.first_regular = start
    end, missed = packer.pack(sequence, start)
    left_out += missed
    if problem.settings.planner.shared_services == "bridge" and shared_seq:
        _end, missed = packer.pack(shared_seq, end, shared=True)
        left_out += missed

    progress.step(5, _STEPS, "improving waves")
    pos = np.full(len(atoms) + problem.n, -1, dtype=np.int64)
    pos[: len(atoms)] = packer.slot_of
    for node, wave in problem.fixed.items():
        if not problem.replicated[node]:
            pos[len(atoms) + node] = timeline.position_of_wave[wave]
    if problem.settings.planner.shared_services == "foundation":
        pos[n_regular : len(atoms)] = -1
    planner = problem.settings.planner
    moves = improve(
        packer,
        unit_graph,
        pos,
        [a for a in sequence if packer.slot_of[a] >= 0],
        peak_weight=planner.peak_weight,
        lateness_weight=planner.lateness_weight,
        budget_s=improve_budget_s,
        progress=_Stage(progress, 5, _STEPS),
    )
    return _Packed(timeline, packer, left_out, moves)


def _empties_hosts_sooner(other: _Packed, usual: _Packed, hosts: HostCores) -> bool:
    """True when ``other`` puts the hybrid link over its usable share no more than ``usual``
    (waves over it, Mbit/s over it in all, once the local search is done), leaves no more
    workloads out and keeps fewer licensed cores x waves (``HostCores.core_waves``)."""

    def left(packed: _Packed) -> list[int]:
        return [v for a in packed.left_out for v in packed.packer.atoms[a].nodes]

    def over(packed: _Packed) -> tuple[int, float]:
        link = packed.timeline.link
        excess = np.maximum(np.append(link.load, link.tail) - link.usable, 0.0)
        return int((excess > 1e-6).sum()), float(excess.sum())

    (waves, mbps), (waves_usual, mbps_usual) = over(other), over(usual)
    return (
        waves <= waves_usual
        and mbps <= mbps_usual + 1e-6
        and len(left(other)) <= len(left(usual))
        and hosts.core_waves(other.timeline, left(other))
        < hosts.core_waves(usual.timeline, left(usual))
    )


def _kept_waves(doc: PlanDocument, problem: Problem) -> list[Wave]:
    keep: set[WaveId] = {w.id for w in doc.waves.values() if w.locked}
    keep.update(problem.fixed.values())
    return [doc.waves[w] for w in sorted(keep)]


def _pilot_key(info: AtomInfo, atom: int, atoms: list[Atom]) -> PilotKey:
    """Pilots first: non-production, not critical, simple, small."""
    return (
        float(info.prod[atom]),
        float(info.critical[atom]),
        float(info.loads[atom, 0]),
        float(min(atoms[atom].nodes)),
    )


def _unit_graph(
    problem: Problem, atoms: list[Atom], atom_of: np.ndarray, n_regular: int
) -> UnitGraph:
    """Units: atoms, then every workload as its own unit (only fixed ones get a position)."""
    n_atoms = len(atoms)
    unit_of = np.where(atom_of >= 0, atom_of, n_atoms + np.arange(problem.n))
    unit_of = np.where(problem.replicated, -1, unit_of)
    staying = np.zeros(problem.n, dtype=np.bool_)
    staying[list(problem.staying)] = True
    unit_of = np.where(staying, -1, unit_of)
    edges = problem.graph.edges
    return UnitGraph.build(unit_of, edges.src, edges.dst, edges.weight, n_atoms + problem.n)


def _sequence(
    problem: Problem,
    groups: list[list[int]],
    info: AtomInfo,
    graph: UnitGraph,
    n_regular: int,
    chooser: HostEmptying | None = None,
) -> list[int]:
    """Regular atoms in planning order: groups ordered, then atoms inside each group;
    ``chooser`` (empty hosts early) picks among the groups ready to go."""
    group_of = np.full(graph.start.size - 1, -1, dtype=np.int64)
    for g, members in enumerate(groups):
        group_of[members] = g
    owner = np.repeat(np.arange(graph.start.size - 1), np.diff(graph.start))
    has_out = graph.w_out > 0
    src, dst, w = owner[has_out], graph.nbr[has_out], graph.w_out[has_out]
    gs, gd, gw = unit_edges(group_of, src, dst, w, max(len(groups), 1))
    keys = [
        (
            float(info.prod[g[0]]),
            float(info.critical[g].any()),
            float(info.complexity[g].sum() / max(info.loads[g, 0].sum(), 1.0)),
            float(info.loads[g, 0].sum()),
            float(g[0]),
        )
        for g in groups
    ]
    # Dependencies first (hard between components); among groups ready to go, non-production
    # first when environments are kept apart (Azure's "dev/test before prod" ranks below
    # "what is depended on moves first"); then traffic to what is placed; then pilots.
    first = (
        [float(info.prod[g[0]]) for g in groups]
        if problem.settings.planner.separate_environments
        else None
    )
    group_order = order_units(len(groups), gs, gd, gw, keys, first=first, chooser=chooser)
    placed = np.zeros(graph.start.size - 1, dtype=np.bool_)
    out: list[int] = []
    for g in group_order:
        members = groups[g]
        local = {a: i for i, a in enumerate(members)}
        ls: list[int] = []
        ld: list[int] = []
        lw: list[float] = []
        attraction = np.zeros(len(members))
        for a in members:
            lo, hi = graph.start[a], graph.start[a + 1]
            for b, wo, wi in zip(
                graph.nbr[lo:hi].tolist(),
                graph.w_out[lo:hi].tolist(),
                graph.w_in[lo:hi].tolist(),
                strict=True,
            ):
                j = local.get(b)
                if j is not None:
                    if wo > 0:
                        ls.append(local[a])
                        ld.append(j)
                        lw.append(wo)
                elif placed[b]:
                    attraction[local[a]] += wo + wi
        akeys = [
            (float(info.critical[a]), float(info.complexity[a]), float(info.loads[a, 0]), float(a))
            for a in members
        ]
        inner = order_units(
            len(members),
            np.array(ls, dtype=np.int64),
            np.array(ld, dtype=np.int64),
            np.array(lw, dtype=np.float64),
            akeys,
            attraction,
        )
        for i in inner:
            out.append(members[i])
            placed[members[i]] = True
    return out


__all__ = ["propose_waves"]
