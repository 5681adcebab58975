"""Baselines the planner is measured against (planning.md, "What to beat").

* ``connected_components_plan``: AWS Cloud Migration Factory groups by the transitive closure
  of its inclusive rules, i.e. connected components of the dependency graph; move groups are
  sorted by (size, complexity) ascending and first-fit into waves by the workload ramp, and a
  group larger than a wave is assigned anyway (CMF warns and overflows).
* ``louvain_plan``: Louvain communities of workloads ordered smallest first (CMF order) or in
  a seeded random order, first-fit packed by the workload ramp; a community larger than a
  wave continues in the next waves, so the workload row never overflows.

Both return a wave position per workload (0 = first wave), for ``metrics.compute_metrics``.
They look only at the workload count per wave, as the tools they stand for do.
"""

from __future__ import annotations

import random

import networkx as nx
import numpy as np

from migplan.core.planning.graph import IntArray, PlanGraph
from migplan.core.settings import PlanSettings


def _undirected(graph: PlanGraph) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(range(graph.n))
    e = graph.edges
    for a, b, w in zip(e.src.tolist(), e.dst.tolist(), e.weight.tolist(), strict=True):
        if g.has_edge(a, b):
            g[a][b]["weight"] += w
        else:
            g.add_edge(a, b, weight=w)
    return g


def _first_fit(groups: list[list[int]], n: int, settings: PlanSettings, *, split: bool) -> IntArray:
    """First-fit by the workload ramp; ``split`` continues oversized groups in later waves."""
    ramp = settings.capacity.workloads
    pos = np.full(n, -1, dtype=np.int64)
    room: list[int] = []
    for group in groups:
        size = len(group)
        target = next((k for k, left in enumerate(room) if left >= size), None)
        if target is not None:
            pos[group] = target
            room[target] -= size
            continue
        if not split:
            room.append(ramp.capacity(len(room) + 1) - size)
            pos[group] = len(room) - 1
            continue
        rest = list(group)
        while rest:
            room.append(ramp.capacity(len(room) + 1))
            take = rest[: room[-1]]
            rest = rest[len(take) :]
            pos[take] = len(room) - 1
            room[-1] -= len(take)
    return pos


def connected_components_plan(graph: PlanGraph, settings: PlanSettings) -> IntArray:
    """CMF-style: connected components, smallest and simplest first, overflowing when big."""
    comps = [sorted(c) for c in nx.connected_components(_undirected(graph))]
    storage = graph.loads[:, 3]
    comps.sort(key=lambda c: (len(c), float(storage[c].sum()), c[0]))
    return _first_fit(comps, graph.n, settings, split=False)


def louvain_plan(
    graph: PlanGraph, settings: PlanSettings, *, order: str = "smallest", seed: int = 0
) -> IntArray:
    """Louvain communities, ``order`` = ``smallest`` (CMF) or ``random``, first-fit packed."""
    comms = [
        sorted(c)
        for c in nx.community.louvain_communities(_undirected(graph), weight="weight", seed=seed)
    ]
    comms.sort(key=lambda c: c[0])
    if order == "smallest":
        comms.sort(key=lambda c: (len(c), c[0]))
    else:
        random.Random(seed).shuffle(comms)
    return _first_fit(comms, graph.n, settings, split=True)
