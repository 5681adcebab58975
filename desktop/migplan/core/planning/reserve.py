"""What the planner decides before packing: GPU pools, and the link's permanent load.

Both are rules whose outcome does not depend on the wave an atom lands in, only on whether
it lands at all, so they are settled once, in planning order, before any wave is filled:

* GPU-POOL: pools are consumed cumulatively and their groups never overlap
  (``gpupools``), so an atom either still finds its GPUs or never will;
* LINK, for good: a workload that moves while a partner stays on the legacy side for good
  (retained, external, or unable to move) keeps their traffic on the hybrid link after the
  last wave. Atoms are admitted in planning order while that permanent load stays within the
  usable link; the others stay with what they talk to (data gravity: inference next to a
  data lake that cannot move yet).

The atoms kept out come back as ``{atom: (rule id, reason)}``.
"""

from __future__ import annotations

import numpy as np

from migplan.core.planning.atoms import Atom
from migplan.core.planning.gpupools import PoolLedger
from migplan.core.planning.link import NEVER, PENDING, LinkState
from migplan.core.planning.problem import Problem
from migplan.core.planning.timeline import Timeline


def together_text(nodes: list[int]) -> str:
    others = len(nodes) - 1
    if others == 0:
        return ""
    return f" (with the {others} workload{'s' if others > 1 else ''} it moves with)"


def reserve_pools(
    problem: Problem, atoms: list[Atom], order: list[int]
) -> dict[int, tuple[str, str]]:
    """GPU-POOL: atoms take pool GPUs in planning order (pinned and locked workloads first)."""
    if not problem.pools.modelled:
        return {}
    ledger = PoolLedger(problem.pools, problem.gpu_needs)
    ledger.take(sorted(problem.fixed))
    out: dict[int, tuple[str, str]] = {}
    for atom in order:
        nodes = atoms[atom].nodes
        if not ledger.demand(nodes):
            continue
        if ledger.fits(nodes):
            ledger.take(nodes)
            continue
        what = "; ".join(ledger.describe(g) for g in ledger.short_groups(nodes))
        out[atom] = ("GPU-POOL", f"no GPUs left for it{together_text(nodes)}: {what}")
    return out


def reserve_link(
    problem: Problem,
    timeline: Timeline,
    atoms: list[Atom],
    order: list[int],
    already_out: dict[int, tuple[str, str]],
) -> dict[int, tuple[str, str]]:
    """LINK, for good: when the traffic between workloads that move and workloads that stay
    for good (retained, external, unable to move) is more than the usable link, leave behind
    the atoms that carry most of it per workload, as long as that brings the load down and
    leaves at most ``settings.planner.link_left_behind_share`` of the movable workloads behind. Beyond that the link
    is too small for the estate: the packer then breaks the rule the least and the proposal
    says so."""
    link = timeline.link
    link.grow(2)  # slot 0 and the one after it exist, so the tail is only what lasts
    usable = link.usable
    for atom in already_out:
        link.place(atoms[atom].nodes, NEVER)
    candidates = [a for a in order if a not in already_out]
    lasting = {a: float(link.delta(atoms[a].nodes, 0)[-1]) for a in candidates}
    everyone = [v for a in candidates for v in atoms[a].nodes]
    # Everything moves (slot 0): the tail is then exactly the traffic that lasts.
    link.place(everyone, 0)
    total = float(link.tail)
    out: dict[int, tuple[str, str]] = {}
    if total > usable + 1e-6:
        movable = len(everyone)
        budget = int(problem.settings.planner.link_left_behind_share * movable)
        gains = []
        for a in candidates:
            if lasting[a] > 0.0:
                saved = -float(link.delta(atoms[a].nodes, NEVER)[-1])
                if saved > 0.0:
                    gains.append((-saved / len(atoms[a].nodes), a))
        for _ratio, a in sorted(gains):
            if link.tail <= usable + 1e-6:
                break
            nodes = atoms[a].nodes
            saved = -float(link.delta(nodes, NEVER)[-1])
            if saved <= 0.0 or len(nodes) > budget:
                continue
            budget -= len(nodes)
            heavy = link.heaviest_behind(nodes, problem.name)
            out[a] = (
                "LINK",
                f"it stays on the legacy side with what it talks to{together_text(nodes)}: "
                f"moved, it would keep {lasting[a]:,.0f} Mbit/s on the hybrid link for good"
                + (f" (to {heavy})" if heavy else "")
                + f"; all such traffic together ({total:,.0f} Mbit/s) is more than the link's "
                f"usable {usable:,.0f} Mbit/s. Raise the link speed, or move its partners",
            )
            link.place(nodes, NEVER)
        # Take back, smallest first, those the link has room for after all, so that every
        # atom left behind would overload it.
        for a in sorted(out, key=lambda a: (len(atoms[a].nodes), lasting[a], a)):
            nodes = atoms[a].nodes
            if link.tail + float(link.delta(nodes, 0)[-1]) <= usable + 1e-6:
                link.place(nodes, 0)
                del out[a]
    link.place([v for a in candidates if a not in out for v in atoms[a].nodes], PENDING)
    return out


def _traffic_between(
    problem: Problem, link: LinkState, nodes: list[int], mask: np.ndarray
) -> float:
    """Traffic between ``nodes`` and the workloads in ``mask`` (Mbit/s)."""
    inside = np.zeros(problem.n, dtype=np.bool_)
    inside[nodes] = True
    e = link.e
    a_ok, b_ok = e.a >= 0, e.b >= 0
    sa, sb = np.where(a_ok, e.a, 0), np.where(b_ok, e.b, 0)
    hit = (a_ok & b_ok) & ((inside[sa] & mask[sb]) | (inside[sb] & mask[sa]))
    return float(e.mbps[hit].sum())
