"""Turning packed slots into a ``Proposal``: wave entities, assignment, reasons, metrics."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np

from migplan.core.ids import WaveId, WorkloadId, wave_id
from migplan.core.models import TimeWindow, Wave
from migplan.core.planning.atoms import AtomSet, gravity_reason
from migplan.core.planning.capacity import wave_limits
from migplan.core.planning.metrics import compute_metrics
from migplan.core.planning.pack import Packer
from migplan.core.planning.problem import Problem
from migplan.core.planning.proposal import CoordinatedCutover, Proposal, Unplaceable
from migplan.core.planning.reserve import together_text
from migplan.core.planning.timeline import Slot, Timeline


def _new_wave_id(problem: Problem, order: int, used: set[str]) -> WaveId:
    salt = 0
    while True:
        wid = wave_id(f"wave-{order:04d}", "proposed", str(salt))
        if wid not in used and problem.doc.get(wid) is None:
            used.add(wid)
            return wid
        salt += 1


def _wave_for(
    problem: Problem,
    slot: Slot,
    foundation_no: int,
    used: set[str],
    order: int,
    dates: tuple[dt.date | None, dt.date | None],
) -> Wave:
    if slot.wave is not None:
        return slot.wave
    name = (
        ("Foundation" if foundation_no == 1 else f"Foundation {foundation_no}")
        if slot.foundation
        else f"Wave {order}"
    )
    notes = "Shared services extended or replicated to the target first." if slot.foundation else ""
    cutover = rollback = None
    if dates[1] is not None:
        cutover, rollback = problem.settings.planner.cutover_windows(dates[1])
    return Wave(
        id=_new_wave_id(problem, order, used),
        name=name,
        order=order,
        start_date=dates[0],
        end_date=dates[1],
        cutover_window=TimeWindow(start=cutover[0], end=cutover[1]) if cutover else None,
        rollback_window=TimeWindow(start=rollback[0], end=rollback[1]) if rollback else None,
        notes=notes,
    )


def build_proposal(
    problem: Problem,
    timeline: Timeline,
    packer: Packer,
    *,
    atom_sets: tuple[AtomSet, ...],
    left_out: list[int],
    cutover_groups: list[list[int]],
    seconds: float,
    stats: Mapping[str, float],
) -> Proposal:
    ids = problem.graph.ids
    used: set[str] = set()
    waves: list[Wave] = []
    new_waves: list[Wave] = []
    foundation: list[WaveId] = []
    wave_of_slot: dict[int, WaveId] = {}
    rank_of_slot: dict[int, int] = {}
    index_of = {id(slot): i for i, slot in enumerate(timeline.slots)}
    for slot, order, start, end in timeline.schedule():
        index = index_of[id(slot)]
        wave = _wave_for(problem, slot, len(foundation) + 1, used, order, (start, end))
        if slot.foundation:
            foundation.append(wave.id)
        if slot.wave is None:
            new_waves.append(wave)
        rank_of_slot[index] = len(waves)
        wave_of_slot[index] = wave.id
        waves.append(wave)
    assignment: dict[WorkloadId, WaveId] = {}
    pos = np.full(problem.n, -1, dtype=np.int64)
    for index, slot in enumerate(timeline.slots):
        for node in slot.members:
            assignment[ids[node]] = wave_of_slot[index]
            pos[node] = rank_of_slot[index]
    kept = {w.id for w in waves}
    removed = tuple(sorted(w for w in problem.doc.waves if w not in kept))

    unplaceable = [
        Unplaceable(ids[node], problem.name(node), reason, rule)
        for atom_set in atom_sets
        for node, rule, reason in atom_set.unplaceable
    ]
    for atom in left_out:
        rule, reason = _left_out_reason(problem, timeline, packer, atom)
        for node in packer.atoms[atom].nodes:
            unplaceable.append(Unplaceable(ids[node], problem.name(node), reason, rule))
    for node, reason in sorted(problem.staying.items()):
        rule_id = problem.stays_rule(node)
        unplaceable.append(Unplaceable(ids[node], problem.name(node), reason, rule_id))

    cutovers: list[CoordinatedCutover] = []
    # (a split whose parts did not land in two or more waves is no cutover to coordinate;
    # see the filter below)
    for atom_set in atom_sets:
        for nodes, reason in atom_set.splits:
            cutovers.append(_cutover(ids, nodes, pos, waves, reason))
    for nodes, reason in packer.splits:
        cutovers.append(_cutover(ids, nodes, pos, waves, reason))
    for atoms in cutover_groups:
        nodes = sorted(v for a in atoms for v in packer.atoms[a].nodes)
        if len({int(pos[v]) for v in nodes if pos[v] >= 0}) > 1:
            cutovers.append(_cutover(ids, nodes, pos, waves, describe_cycle(problem, nodes)))

    cutovers = [c for c in cutovers if len(c.wave_ids) > 1]
    notes: list[str] = []
    usable = problem.settings.network.usable_mbps
    peak = float(max(timeline.link.load.max(initial=0.0), timeline.link.tail))
    if packer.link_broken and peak > usable + 1e-6:
        share = problem.settings.network.usable_fraction
        names = sorted(
            {
                problem.name(v)
                for atom, _s, _o in packer.link_broken
                for v in packer.atoms[atom].nodes
            }
        )
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5:,} more" if len(names) > 5 else "")
        notes.append(
            f"LINK cannot be kept by this plan: the hybrid link would carry up to {peak:,.0f} "
            f"Mbit/s, over its usable {usable:,.0f} Mbit/s, where {shown} move; no wave "
            f"order found keeps it. A link of at least {peak / share / 1000:,.1f} Gbit/s "
            f"(at the planned {share:.0%} share) would carry this plan"
        )
    notes += _up_front(problem, unplaceable, cutovers)
    if problem.settings.freeze_periods and not any(w.start_date for w in new_waves):
        notes.append(
            "new waves have no dates (no start date in the planner settings), "
            "so freeze periods could not be applied"
        )
    dims = problem.graph.loads.shape[1]
    limits = np.array(
        [wave_limits(problem.settings, k + 1).vector() for k in range(len(waves))],
        dtype=np.float64,
    )
    planner = problem.settings.planner
    metrics = compute_metrics(
        pos,
        problem.graph.edges,
        problem.graph.loads,
        limits.reshape(len(waves), dims),
        replicated=problem.replicated,
        peak_weight=planner.peak_weight,
        lateness_weight=planner.lateness_weight,
    )
    return Proposal(
        waves=tuple(waves),
        new_waves=tuple(new_waves),
        removed_waves=removed,
        assignment=assignment,
        unplaceable=tuple(sorted(unplaceable, key=lambda u: u.workload_id)),
        cutovers=tuple(cutovers),
        metrics=metrics,
        foundation_waves=tuple(foundation),
        notes=tuple(notes),
        revision=problem.doc.revision,
        seconds=seconds,
        stats=dict(stats),
    )


def _left_out_reason(
    problem: Problem,
    timeline: Timeline,
    packer: Packer,
    atom: int,
    seen: frozenset[int] = frozenset(),
) -> tuple[str, str]:
    """The rule that kept an atom out of every wave, and a sentence saying so."""
    if atom in packer.reasons:
        return packer.reasons[atom]
    data = packer.gravity_left.get(atom)
    if data is not None:
        node = packer.read_node[(atom, data)]
        if data in seen:  # AI and data atoms reading each other's data
            why = ("DATA-GRAVITY", "its data waits for an AI workload that reads other data")
        else:
            why = _left_out_reason(problem, timeline, packer, data, seen | {atom})
        return "DATA-GRAVITY", gravity_reason(problem, node, *why)
    nodes = packer.atoms[atom].nodes
    refused = packer.refused.get(atom, set())
    together = together_text(nodes)
    if "GPU-POOL" in refused:
        groups = timeline.pools.short_groups(nodes) or sorted(timeline.pools.demand(nodes))
        what = "; ".join(timeline.pools.describe(g) for g in groups)
        return "GPU-POOL", f"no GPUs left for it{together}: {what}"
    if "LINK" in refused:
        usable = problem.settings.network.usable_mbps
        heavy = timeline.link.heaviest_behind(nodes, problem.name)
        return "LINK", (
            f"moving it{together} would put more on the hybrid link than its usable "
            f"{usable:,.0f} Mbit/s in every wave it could take"
            + (f"; it talks most to {heavy}, which stay on the legacy side" if heavy else "")
            + " (raise the link speed, or plan these workloads together)"
        )
    return "CAPACITY", (
        f"no wave could take it{together} before the last wave order (10,000): "
        "raise the capacities or free locked waves"
    )


#: How a note names the rule that keeps workloads out of every wave.
_KEPT_OUT = {
    "STAYS": "Retained or retired, so they stay on the legacy side",
    "PLATFORM-VM": "Platform VMs (vSphere Cluster Services, Horizon instant-clone internals), "
    "which stay with the source platform",
    "CAPACITY": "Too big for any wave (the transfer window at this link speed, or another "
    "capacity)",
    "HARD-SPLIT": "Bound to a workload that cannot move, so they stay with it",
    "DATA-GRAVITY": "AI workloads reading data that cannot move yet, so they wait for it",
    "APP-SPLIT": "In applications too big for one wave whose parts cannot be cut apart",
    "GPU-MODE": "Needing a GPU mode no pool serves",
    "GPU-POOL": "Finding their GPU pool used up",
    "LINK": "Staying on the legacy side with what they talk to, or the hybrid link would be "
    "overloaded for good",
}


def _workloads(n: int) -> str:
    return f"{n:,} workload{'' if n == 1 else 's'}"


def _up_front(
    problem: Problem, unplaceable: list[Unplaceable], cutovers: list[CoordinatedCutover]
) -> list[str]:
    """What a person must know before reading the waves: the rules no plan could keep for
    some workloads, and what this proposal does about them."""
    out: list[str] = []
    counts: dict[str, int] = {}
    for item in unplaceable:
        counts[item.rule_id] = counts.get(item.rule_id, 0) + 1
    for rule_id, text in _KEPT_OUT.items():
        if counts.get(rule_id):
            out.append(f"{text}: {_workloads(counts[rule_id])} in no wave ({rule_id})")
    for cut in cutovers:
        out.append(f"Coordinated cutover over {len(cut.wave_ids)} waves: {cut.reason}")
    gpu_nodes = [v for v, need in enumerate(problem.gpu_needs) if need is not None and need.count]
    if gpu_nodes and not problem.pools.modelled:
        kinds: dict[str, int] = {}
        for v in gpu_nodes:
            need = problem.gpu_needs[v]
            assert need is not None
            kinds[need.mode.value] = kinds.get(need.mode.value, 0) + need.count
        what = ", ".join(f"{n} {mode}" for mode, n in sorted(kinds.items()))
        out.append(
            f"No GPU pools are described, so {_workloads(len(gpu_nodes))} with GPUs ({what} "
            "GPUs) are planned without checking the target has them: describe the pools in "
            "the plan settings (GPU-POOL)"
        )
    return out


def describe_cycle(problem: Problem, nodes: list[int]) -> str:
    """Why ``nodes`` (too many for one wave) must cut over together, naming the cycle.

    The cycle is the workload graph's own when it has one; otherwise workloads of different
    applications depend on each other in both directions, and keeping each application
    whole (APP-SPLIT, a hard rule) is what ties them."""
    import networkx as nx

    inside = set(nodes)
    e = problem.graph.edges
    digraph = nx.DiGraph()
    digraph.add_edges_from(
        (a, b)
        for a, b in zip(e.src.tolist(), e.dst.tolist(), strict=True)
        if a in inside and b in inside
    )
    count = f"{len(nodes)} workloads are too many for one wave"
    try:
        found = nx.find_cycle(digraph)
    except nx.NetworkXNoCycle:
        found = []
    if found:
        path = " -> ".join([problem.name(a) for a, _b in found] + [problem.name(found[0][0])])
        return (
            f"{count} and depend on each other in a cycle ({path}); precedence inside it "
            "is soft, so these waves must cut over in coordination"
        )
    apps = sorted(
        {
            problem.doc.applications[a].name
            for v in nodes
            if (a := problem.apps[v]) is not None and a in problem.doc.applications
        }
    )
    shown = ", ".join(apps[:4]) + (f" and {len(apps) - 4} more" if len(apps) > 4 else "")
    return (
        f"{count}: the applications {shown} depend on each other in both directions through "
        "different workloads, and each application moves whole, so some dependencies move "
        "after their dependants; these waves must cut over in coordination"
    )


def _cutover(
    ids: tuple[WorkloadId, ...], nodes: list[int], pos: np.ndarray, waves: list[Wave], reason: str
) -> CoordinatedCutover:
    spans = sorted({int(pos[v]) for v in nodes if pos[v] >= 0})
    return CoordinatedCutover(
        workload_ids=tuple(ids[v] for v in sorted(nodes)),
        wave_ids=tuple(waves[k].id for k in spans),
        reason=reason,
    )
