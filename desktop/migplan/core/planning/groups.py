"""Soft grouping (planning.md section 4, steps 4-5): communities of atoms, and cycles.

Atoms are grouped with weighted Louvain (networkx, seeded) on the undirected quotient graph.
A community of more than ``2 x`` the largest wave is split once more with Louvain on its own
subgraph (modularity has a resolution limit); deeper splits cost more than they gained on
dense estates, and packing cuts large groups into consecutive waves anyway.

Cycles: groups never invent one (``group_atoms``); a cycle of the atoms themselves stays in
one group, which moves at once when it fits one wave and is otherwise a *coordinated
cutover*: precedence inside it is soft and the parts must be cut over together.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from migplan.core.planning.graph import BoolArray, FloatArray, IntArray
from migplan.core.planning.ordering import cycles, unit_edges

_MAX_DEPTH = 1


@dataclass
class Grouping:
    #: Atom indices per group, each sorted; groups sorted by their first atom.
    groups: list[list[int]]
    #: Groups (indices into ``groups``) of cycles too large for one wave.
    cutovers: list[list[int]]
    #: Strongly connected component of each atom (its own cycles).
    component: IntArray


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
    env: BoolArray | None = None,
) -> Grouping:
    """Communities (never mixing ``env`` flags), with no cycle the atoms do not have.

    Louvain does not look at direction, so two communities can depend on each other while
    their atoms do not (a -> b -> c with a and c together): such groups are dissolved into
    the strongly connected components of their atoms, which orders them again. What stays a
    cycle is one of the atoms' own: a group that fits one wave moves at once; a larger one is
    a coordinated cutover.
    """
    size = atom_loads[:, 0] if n_atoms else np.zeros(0)
    groups = communities(n_atoms, src, dst, weight, size, float(max_limits[0]), seed)
    if env is not None:
        groups = [part for g in groups for part in _by_flag(g, env)]
    comp, rank = topological_rank(n_atoms, src, dst)
    groups = _without_invented_cycles(n_atoms, src, dst, groups, comp, rank)
    group_of = np.full(n_atoms, -1, dtype=np.int64)
    for g, atoms in enumerate(groups):
        group_of[atoms] = g
    gs, gd, _gw = unit_edges(group_of, src, dst, weight, max(len(groups), 1))
    cutovers = [
        cycle
        for cycle in cycles(len(groups), gs, gd)
        if (
            atom_loads[sorted(a for g in cycle for a in groups[g])].sum(axis=0) > max_limits + 1e-9
        ).any()
    ]
    cutovers += [
        [g]
        for g, atoms in enumerate(groups)
        if len(atoms) > 1
        and (atom_loads[atoms].sum(axis=0) > max_limits + 1e-9).any()
        and _cyclic(atoms, src, dst)
    ]
    return Grouping(groups, sorted(cutovers), comp)


def _by_flag(group: list[int], flag: BoolArray) -> list[list[int]]:
    parts = [[a for a in group if not flag[a]], [a for a in group if flag[a]]]
    return [p for p in parts if p]


def topological_rank(n_atoms: int, src: IntArray, dst: IntArray) -> tuple[IntArray, IntArray]:
    """(component, rank): each atom's strongly connected component, and the position of
    that component in one topological order of the condensation."""
    digraph = nx.DiGraph()
    digraph.add_nodes_from(range(n_atoms))
    digraph.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
    cond = nx.condensation(digraph)
    comp = np.array([cond.graph["mapping"][a] for a in range(n_atoms)], dtype=np.int64)
    order = {c: i for i, c in enumerate(nx.lexicographical_topological_sort(cond))}
    rank = np.array([order[int(c)] for c in comp], dtype=np.int64)
    return comp, rank


def _without_invented_cycles(
    n_atoms: int,
    src: IntArray,
    dst: IntArray,
    groups: list[list[int]],
    comp: IntArray,
    rank: IntArray,
) -> list[list[int]]:
    """Split groups until their digraph has no cycle the atoms do not have.

    The atoms of one strongly connected component first join one group (their cycle is
    real). Then every group on a cycle of groups is halved along one topological order of
    the atoms, and again, until no cycle is left: a group covering an interval of that
    order cannot be on an invented cycle, and halving keeps most of a community together.
    """
    if n_atoms == 0:
        return groups
    group_of = np.full(n_atoms, -1, dtype=np.int64)
    for g, atoms in enumerate(groups):
        group_of[atoms] = g
    members: dict[int, list[int]] = {}
    for a in range(n_atoms):
        members.setdefault(int(comp[a]), []).append(a)
    for atoms in members.values():
        homes = np.bincount(group_of[atoms])
        group_of[atoms] = int(np.argmax(homes))
    current = [sorted(np.flatnonzero(group_of == g).tolist()) for g in range(len(groups))]
    current = [g for g in current if g]
    for _ in range(2 * max(1, int(np.log2(n_atoms + 1))) + 2):
        group_of = np.full(n_atoms, -1, dtype=np.int64)
        for g, atoms in enumerate(current):
            group_of[atoms] = g
        gs, gd, _gw = unit_edges(group_of, src, dst, np.ones(src.size), max(len(current), 1))
        on_cycle = {g for cycle in cycles(len(current), gs, gd) for g in cycle}
        if not on_cycle:
            break
        nxt: list[list[int]] = []
        for g, atoms in enumerate(current):
            ranks = rank[atoms]
            if g not in on_cycle or ranks.min() == ranks.max():
                nxt.append(atoms)
                continue
            cut = float(np.median(ranks))
            low = [a for a in atoms if rank[a] <= cut]
            high = [a for a in atoms if rank[a] > cut]
            if not high:
                low = [a for a in atoms if rank[a] < cut]
                high = [a for a in atoms if rank[a] >= cut]
            nxt.extend([low, high])
        current = nxt
    return sorted((sorted(p) for p in current if p), key=lambda p: p[0])


def _cyclic(atoms: list[int], src: IntArray, dst: IntArray) -> bool:
    inside = np.zeros(int(max(atoms)) + 1, dtype=np.bool_)
    inside[atoms] = True
    keep = (src < inside.size) & (dst < inside.size)
    s, d = src[keep], dst[keep]
    keep = inside[s] & inside[d]
    return bool(cycles(inside.size, s[keep], d[keep]))
