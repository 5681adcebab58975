"""Soft grouping (planning.md section 4, steps 4-5): communities of atoms, and cycles.

Atoms are grouped with weighted Louvain (networkx, seeded) on the undirected quotient graph.
A community of more than ``2 x`` the largest wave is split once more with Louvain on its own
subgraph (modularity has a resolution limit); deeper splits cost more than they gained on
dense estates, and packing cuts large groups into consecutive waves anyway.

Cycles between groups: when the strongly connected components of the group digraph fit in
one wave, the groups merge (the cycle then moves at once); otherwise the component is a
*coordinated cutover*: precedence inside it is soft and the parts must be cut over together.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from migplan.core.planning.graph import FloatArray, IntArray
from migplan.core.planning.ordering import cycles, unit_edges

_MAX_DEPTH = 1


@dataclass
class Grouping:
    #: Atom indices per group, each sorted; groups sorted by their first atom.
    groups: list[list[int]]
    #: Groups (indices into ``groups``) of cycles too large for one wave.
    cutovers: list[list[int]]


def communities(
    n_atoms: int,
    src: IntArray,
    dst: IntArray,
    weight: FloatArray,
    size: FloatArray,
    cap: float,
    seed: int,
) -> list[list[int]]:
    """Louvain communities of atoms (directed atom edges taken as undirected weights)."""
    graph = nx.Graph()
    graph.add_nodes_from(range(n_atoms))
    for u, v, w in zip(src.tolist(), dst.tolist(), weight.tolist(), strict=True):
        if graph.has_edge(u, v):
            graph[u][v]["weight"] += w
        else:
            graph.add_edge(u, v, weight=w)
    out: list[list[int]] = []
    todo: list[tuple[list[int], int]] = [(list(range(n_atoms)), 0)]
    while todo:
        nodes, depth = todo.pop()
        sub = graph if depth == 0 else graph.subgraph(nodes)
        if sub.number_of_edges() == 0:
            parts = [[v] for v in nodes]
        else:
            found = nx.community.louvain_communities(sub, weight="weight", seed=seed)
            parts = [sorted(p) for p in found]
        for part in parts:
            big = float(size[part].sum()) > 2 * cap
            if big and len(parts) > 1 and depth < _MAX_DEPTH and len(part) > 1:
                todo.append((part, depth + 1))
            else:
                out.append(part)
    return sorted(out, key=lambda p: p[0])


def group_atoms(
    n_atoms: int,
    src: IntArray,
    dst: IntArray,
    weight: FloatArray,
    atom_loads: FloatArray,
    max_limits: FloatArray,
    seed: int,
) -> Grouping:
    """Communities, then cycles merged when they fit one wave or reported as cutovers."""
    size = atom_loads[:, 0] if n_atoms else np.zeros(0)
    groups = communities(n_atoms, src, dst, weight, size, float(max_limits[0]), seed)
    group_of = np.full(n_atoms, -1, dtype=np.int64)
    for g, atoms in enumerate(groups):
        group_of[atoms] = g
    gs, gd, _gw = unit_edges(group_of, src, dst, weight, max(len(groups), 1))
    merged: list[list[int]] = []
    cutovers: list[list[int]] = []
    in_cycle: set[int] = set()
    for cycle in cycles(len(groups), gs, gd):
        atoms = sorted(a for g in cycle for a in groups[g])
        if not (atom_loads[atoms].sum(axis=0) > max_limits + 1e-9).any():
            merged.append(atoms)
            in_cycle.update(cycle)
        else:
            cutovers.append(cycle)
    if not merged:
        return Grouping(groups, cutovers)
    kept = [atoms for g, atoms in enumerate(groups) if g not in in_cycle]
    result = sorted([*kept, *merged], key=lambda p: p[0])
    # Renumber the cutover cycles onto the new group list (they were untouched).
    position = {atoms[0]: i for i, atoms in enumerate(result)}
    renumbered = [[position[groups[g][0]] for g in cycle] for cycle in cutovers]
    return Grouping(result, renumbered)
