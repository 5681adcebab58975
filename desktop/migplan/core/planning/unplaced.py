"""Why each workload in no wave is there: one answer for ``plan``, ``stats``, the window and
the PDF.

``explain_unplaced`` asks of a plan document what the planner asks while it plans, with the
same code (``problem``, ``atoms``, ``gpupools``, ``link``), for every workload in no wave:

* STAYS: retained or retired (by a person, or by the fit assessment's suggestion);
* PLATFORM-VM: a VM the source platform runs for itself (vCLS, Horizon internals);
* CAPACITY / GPU-MODE / GPU-POOL / APP-SPLIT / HARD-SPLIT: no wave could take it, or it is
  bound to a workload no wave can take (``atoms``);
* GPU-POOL: its pool's GPUs are all taken by workloads already in waves;
* LINK: moved, it would keep more traffic on the hybrid link for good (to what stays on the
  legacy side) than the link has left once the planned waves have run;
* DATA-GRAVITY: an AI workload (or its move group) reading data that is in no wave either;
* NOT-PLANNED: nothing keeps it out; no proposal has placed it yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from migplan.core.document import PlanDocument
from migplan.core.enums import DispositionKind
from migplan.core.ids import WorkloadId
from migplan.core.planning.atoms import Atom, build_atoms, gravity_reason
from migplan.core.planning.gpupools import PoolLedger
from migplan.core.planning.link import NEVER, LinkState
from migplan.core.planning.problem import Problem, build_problem
from migplan.core.planning.proposal import Unplaceable
from migplan.core.planning.reserve import together_text

if TYPE_CHECKING:
    from migplan.core.assess.assessment import Assessment
    from migplan.core.assess.classify import ClassFinding

_NOT_PLANNED = (
    "not in a wave yet: no rule keeps it out; Plan > Propose waves (or a drag onto a wave) "
    "places it"
)


def explain_unplaced(
    doc: PlanDocument,
    *,
    shared_ids: set[WorkloadId] | None = None,
    dispositions: Mapping[WorkloadId, DispositionKind] | None = None,
    classes: Mapping[WorkloadId, ClassFinding] | None = None,
) -> tuple[Unplaceable, ...]:
    """Every workload of ``doc`` in no wave, with the rule that keeps it out and why;
    ``shared_ids``, ``dispositions`` and ``classes`` as ``build_problem`` takes them."""
    loose = [wid for wid in sorted(doc.workloads) if doc.workloads[wid].wave_id is None]
    if not loose:
        return ()
    if shared_ids is None:
        from migplan.core.assess import shared_service_ids

        shared_ids = shared_service_ids(doc)
    problem = build_problem(doc, shared_ids, dispositions, classes)
    index = problem.graph.index
    nodes = [index[wid] for wid in loose]
    reasons: dict[int, tuple[str, str]] = {}
    for node in nodes:
        if node in problem.staying:
            reasons[node] = (problem.stays_rule(node), problem.staying[node])
    movable = np.array([v for v in nodes if v not in reasons], dtype=np.int64)
    atoms = []
    for shared in (False, True):
        part = movable[problem.shared[movable] == shared] if movable.size else movable
        found = build_atoms(problem, part, shared=shared)
        for node, rule_id, reason in found.unplaceable:
            reasons[node] = (rule_id, reason)
        atoms.extend(found.atoms)
    placed = [
        i
        for i, wid in enumerate(problem.graph.ids)
        if doc.workloads[wid].wave_id is not None and i not in problem.staying
    ]
    ledger = PoolLedger(problem.pools, problem.gpu_needs)
    ledger.take(placed)
    link = _link_of_plan(doc, problem, placed)
    last = max(link.load.size - 1, 0)
    waiting = _waiting_for_data(problem, atoms, set(nodes))
    for i in waiting:  # the link is kept for them as the planner keeps it
        link.place(atoms[i].nodes, last)
    for atom in atoms:
        members = atom.nodes
        if problem.pools.modelled and not ledger.fits(members):
            what = "; ".join(ledger.describe(g) for g in ledger.short_groups(members))
            why = ("GPU-POOL", f"no GPUs left for it{together_text(members)}: {what}")
        else:
            lasting = float(link.delta(members, last)[-1])
            if lasting > 0 and link.tail + lasting > link.usable + 1e-6:
                heavy = link.heaviest_behind(members, problem.name)
                why = (
                    "LINK",
                    f"it stays on the legacy side with what it talks to"
                    f"{together_text(members)}: moved, it would keep {lasting:,.0f} Mbit/s "
                    "on the hybrid link for good"
                    + (f" (to {heavy})" if heavy else "")
                    + f", and after the planned waves only {max(link.usable - link.tail, 0):,.0f}"
                    f" of its usable {link.usable:,.0f} Mbit/s are left",
                )
            else:
                why = ("NOT-PLANNED", _NOT_PLANNED)
        for node in members:
            reasons[node] = why
    for i, data in waiting.items():
        why = ("DATA-GRAVITY", gravity_reason(problem, data, *reasons[data]))
        for node in atoms[i].nodes:
            reasons[node] = why
    _behind_its_application(doc, problem, atoms, reasons)
    ids = problem.graph.ids
    return tuple(
        Unplaceable(ids[v], problem.name(v), reasons[v][1], reasons[v][0])
        for v in sorted(nodes, key=lambda v: ids[v])
    )


def _behind_its_application(
    doc: PlanDocument, problem: Problem, atoms: list[Atom], reasons: dict[int, tuple[str, str]]
) -> None:
    """DATA-GRAVITY, the planner's cut of a cycle (``atoms._gravity_cycles``): an AI workload
    reading data that moves in a later wave than its own application cannot join either
    wave (APP-SPLIT, DATA-GRAVITY), so it waits."""
    if not problem.gravity[0].size:
        return
    waves = doc.waves_in_order()
    rank = {w.id: k for k, w in enumerate(waves, start=1)}
    ids = problem.graph.ids

    def wave_rank(node: int) -> int:
        wave = doc.workloads[ids[node]].wave_id
        return rank.get(wave, 0) if wave is not None else 0

    app_rank: dict[str, int] = {}
    for v, app in enumerate(problem.apps):
        if app is not None and (r := wave_rank(v)):
            app_rank[app] = max(app_rank.get(app, 0), r)
    atom_of = {v: atom for atom in atoms for v in atom.nodes}
    for ai, data in zip(*(side.tolist() for side in problem.gravity), strict=True):
        app = problem.apps[ai]
        if reasons.get(ai, ("",))[0] != "NOT-PLANNED" or app is None or app not in app_rank:
            continue
        if wave_rank(data) > app_rank[app]:
            wave = waves[wave_rank(data) - 1].name
            for v in atom_of[ai].nodes if ai in atom_of else ():
                reasons[v] = (
                    "HARD-SPLIT",
                    f"bound to {problem.name(ai)}, which waits for its data: it stays with it",
                )
            reasons[ai] = (
                "DATA-GRAVITY",
                f"reads {problem.name(data)} (data-heavy), which moves in {wave}, after the "
                "wave of its own application: it waits (an AI workload moves with its data "
                "or after it, and with its application)",
            )


def _waiting_for_data(problem: Problem, atoms: list[Atom], loose: set[int]) -> dict[int, int]:
    """DATA-GRAVITY: move groups holding an AI workload that reads data in no wave either
    (and not staying behind), each with that data: they wait for it (the planner leaves them
    out then, whatever else would keep them out, and reserves the link as if they moved)."""
    reads: dict[int, list[int]] = {}
    for ai, data in zip(*(side.tolist() for side in problem.gravity), strict=True):
        if data in loose and data not in problem.staying:
            reads.setdefault(ai, []).append(data)
    out: dict[int, int] = {}
    for i, atom in enumerate(atoms):
        mine = set(atom.nodes)  # data moving in the same group is no reason to wait
        found = next((d for v in atom.nodes for d in reads.get(v, ()) if d not in mine), None)
        if found is not None:
            out[i] = found
    return out


def explain_assessed(assessment: Assessment) -> tuple[Unplaceable, ...]:
    """``explain_unplaced`` of an assessed document, reusing its classes and dispositions."""
    return explain_unplaced(
        assessment.doc,
        shared_ids=assessment.shared_ids(),
        dispositions=assessment.dispositions,
        classes=assessment.classes,
    )


def _link_of_plan(doc: PlanDocument, problem: Problem, placed: list[int]) -> LinkState:
    """The link load of ``doc``'s waves (every workload in no wave stays legacy)."""
    rank = {w.id: k for k, w in enumerate(doc.waves_in_order())}
    link = LinkState(problem.link_edges, problem.targets, problem.settings.network.usable_mbps)
    link.grow(max(len(rank), 1))
    for v in placed:
        wave = doc.workloads[problem.graph.ids[v]].wave_id
        link.pos[v] = rank.get(wave, NEVER) if wave is not None else NEVER
    link.recompute()
    return link


def unplaced_counts(items: tuple[Unplaceable, ...]) -> dict[str, int]:
    """How many workloads each rule keeps out, largest first."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.rule_id] = counts.get(item.rule_id, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
