"""Hard-affinity atoms: workloads that must move together, found with union-find.

Two movable workloads join one atom when

* they belong to the same application (Azure: "whole application in one wave");
* a dependency between them is hard (shared LUN, an AI job and its data, all-reduce between
  the workers of one distributed job: the generator and importers mark these ``hard``);
* they talk both ways with a combined weight of at least
  ``settings.planner.strong_two_way_weight`` (Azure: "strong two-way dependencies");
* their traffic together is more than the usable hybrid link (LINK-BIND: split across
  waves, they would break the LINK rule whatever else the plan does).

Exclusive split: with ``separate_environments`` nothing joins across production and
non-production, so an application spanning both becomes two atoms. Shared services are
atomised among themselves only (by application and hard edges): they serve everyone and would
otherwise glue the estate together.

An atom larger than any wave can take is cut into consecutive chunks (they become a
coordinated cutover); a single workload larger than any wave, or whose GPU need no pool can
serve as planned, is unplaceable, with the reason, and so are its hard partners (they stay
with it); the AI workloads reading its data then wait for it too (DATA-GRAVITY, in
``pack.Packer.set_gravity``). Chunks are cut with data before the AI workloads reading it.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from migplan.core.ids import WaveId
from migplan.core.models import MBIT_PER_MBYTE
from migplan.core.planning.capacity import DIMENSION_LABELS, DIMENSIONS
from migplan.core.planning.problem import Problem


class UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if ra < rb:
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb


@dataclass
class Atom:
    nodes: list[int]
    #: The wave of a fixed workload this atom is bound to (pinned application member).
    anchor: WaveId | None = None
    #: Index of the oversized atom this chunk was cut from (-1 when whole).
    split_from: int = -1


@dataclass
class AtomSet:
    atoms: list[Atom]
    #: (node, rule id, reason) for workloads no wave can take.
    unplaceable: list[tuple[int, str, str]]
    #: Oversized atoms that were cut: (nodes, reason).
    splits: list[tuple[list[int], str]]


def build_atoms(problem: Problem, nodes: np.ndarray, *, shared: bool) -> AtomSet:
    """Atoms over ``nodes`` (movable workloads); ``shared`` says these are shared services."""
    settings = problem.settings.planner
    uf = UnionFind(problem.n)
    member = np.zeros(problem.n, dtype=np.bool_)
    member[nodes] = True
    prod = problem.prod
    separate = settings.separate_environments

    def compatible(a: int, b: int) -> bool:
        return not separate or bool(prod[a] == prod[b])

    # Same application (shared services too: a split application is a hard violation).
    first_of: dict[tuple[str, bool], int] = {}
    for node in nodes.tolist():
        app = problem.apps[node]
        if app is None:
            continue
        key = (app, bool(prod[node]) if separate else True)
        if key in first_of:
            uf.union(first_of[key], node)
        else:
            first_of[key] = node
    edges = problem.graph.edges
    n = problem.n
    keys = edges.src * n + edges.dst
    reverse = edges.dst * n + edges.src
    at = np.searchsorted(keys, reverse)
    at = np.minimum(at, max(len(keys) - 1, 0))
    has_rev = (keys[at] == reverse) if len(keys) else np.zeros(0, dtype=np.bool_)
    two_way = np.where(has_rev, edges.weight + edges.weight[at], 0.0)
    # LINK-BIND: a pair whose traffic alone is more than the usable hybrid link cannot be
    # split across waves without breaking the LINK rule (weights are MB/s).
    pair_mbps = (edges.weight + np.where(has_rev, edges.weight[at], 0.0)) * MBIT_PER_MBYTE
    too_heavy = pair_mbps > problem.settings.network.usable_mbps
    strong = edges.hard | too_heavy | (has_rev & (two_way >= settings.strong_two_way_weight))
    if shared:
        strong = edges.hard.copy()
    inside = member[edges.src] & member[edges.dst]
    for a, b in zip(
        edges.src[strong & inside].tolist(), edges.dst[strong & inside].tolist(), strict=True
    ):
        if compatible(a, b):
            uf.union(a, b)
    groups: dict[int, list[int]] = defaultdict(list)
    for node in nodes.tolist():
        groups[uf.find(node)].append(node)
    anchors = _anchors(problem, strong)
    # Bound pairs can neither be split across waves nor half left behind: hard
    # dependencies, and pairs whose traffic is more than the usable link (LINK-BIND).
    hard_adj: dict[int, list[int]] = defaultdict(list)
    bound_inside = (edges.hard | too_heavy) & inside
    for a, b in zip(
        edges.src[bound_inside].tolist(), edges.dst[bound_inside].tolist(), strict=True
    ):
        hard_adj[a].append(b)
        hard_adj[b].append(a)
    out = AtomSet(atoms=[], unplaceable=[], splits=[])
    cannot = _cannot_move(problem, nodes.tolist(), hard_adj)
    if _gravity_cycles(problem, groups, uf, cannot, hard_adj, compatible):
        groups = defaultdict(list)
        for node in nodes.tolist():
            groups[uf.find(node)].append(node)
    for root in sorted(groups):
        atom_nodes = groups[root]
        anchor = next((anchors[v] for v in atom_nodes if v in anchors), None)
        _add_fitting(problem, Atom(atom_nodes, anchor), out, hard_adj, cannot)
    return out


def _cannot_move(
    problem: Problem, nodes: list[int], hard_adj: dict[int, list[int]]
) -> dict[int, tuple[str, str]]:
    """Workloads no wave can take (too big, a GPU need no pool serves, a migration blocker),
    with (rule, reason); then, across move groups, the hard partners that stay with them
    (HARD-SPLIT: a training job stays where its data is until the data can move). The AI
    workloads reading their data wait for it too, whole move group and all
    (``Packer.set_gravity``, DATA-GRAVITY)."""
    loads = problem.graph.loads
    cap = problem.max_limits
    out: dict[int, tuple[str, str]] = {}
    for node in nodes:
        over = loads[node] > cap + 1e-9
        if over.any():
            out[node] = ("CAPACITY", _too_big(problem, node, over))
        elif node in problem.blocked:
            out[node] = problem.blocked[node]
    if not out:
        return out
    queue = deque(sorted(out))
    while queue:
        v = queue.popleft()
        for u in sorted(hard_adj.get(v, ())):
            if u not in out:
                out[u] = (
                    "HARD-SPLIT",
                    f"bound to {problem.name(v)}, which cannot move (a hard dependency, or "
                    "more traffic than the hybrid link can carry): it stays with it",
                )
                queue.append(u)
    return out


def _gravity_cycles(
    problem: Problem,
    groups: dict[int, list[int]],
    uf: UnionFind,
    cannot: dict[int, tuple[str, str]],
    hard_adj: dict[int, list[int]],
    compatible: Callable[[int, int], bool],
) -> bool:
    """DATA-GRAVITY between move groups that read each other's data (a cycle): they can
    only move in one wave. Joined into one group when they fit one wave (True is returned:
    regroup); else, in root order, the AI workloads reading data of a later group of the
    cycle wait in no wave (``cannot``), with their hard partners and the AI workloads that
    read those partners' data, so what remains reads forward only."""
    group_of = {v: root for root, members in groups.items() for v in members}
    reads: dict[int, set[int]] = defaultdict(set)
    pairs: list[tuple[int, int]] = []
    for a, d in zip(*(side.tolist() for side in problem.gravity), strict=True):
        ga, gd = group_of.get(a), group_of.get(d)
        if ga is None or gd is None or ga == gd or a in cannot or d in cannot:
            continue
        reads[ga].add(gd)
        pairs.append((a, d))
    if not pairs:
        return False
    import networkx as nx

    digraph = nx.DiGraph((ga, gd) for ga, targets in reads.items() for gd in targets)
    cycles = [sorted(c) for c in nx.strongly_connected_components(digraph) if len(c) > 1]
    loads, cap = problem.graph.loads, problem.max_limits
    merged = False
    cut: dict[int, tuple[str, str]] = {}
    for roots in sorted(cycles):
        members = [v for r in roots for v in groups[r] if v not in cannot]
        first = members[0]
        if (
            all(compatible(first, v) for v in members)
            and not (loads[members].sum(axis=0) > cap + 1e-9).any()
        ):
            for r in roots[1:]:
                uf.union(roots[0], r)
            merged = True
            continue
        order = {r: k for k, r in enumerate(roots)}
        for a, d in pairs:
            ga, gd = group_of[a], group_of[d]
            if ga in order and gd in order and order[ga] < order[gd] and a not in cut:
                cut[a] = (
                    "DATA-GRAVITY",
                    f"reads {problem.name(d)} (data-heavy), which moves with workloads whose "
                    "AI workloads read data this one moves with in turn; together they are "
                    "more than one wave takes, so it waits: an AI workload moves with its "
                    "data or after it",
                )
    if cut:
        readers: dict[int, list[int]] = defaultdict(list)
        for a, d in zip(*(side.tolist() for side in problem.gravity), strict=True):
            readers[d].append(a)
        queue = deque(sorted(cut))
        cannot.update(cut)
        while queue:
            v = queue.popleft()
            for u in sorted(hard_adj.get(v, ())):
                if u not in cannot:
                    cannot[u] = (
                        "HARD-SPLIT",
                        f"bound to {problem.name(v)}, which waits for its data: it stays with it",
                    )
                    queue.append(u)
            for u in sorted(readers.get(v, ())):
                if u not in cannot and u in group_of:
                    cannot[u] = ("DATA-GRAVITY", gravity_reason(problem, v, *cannot[v]))
                    queue.append(u)
    return merged


def gravity_reason(problem: Problem, data: int, rule_id: str, why: str) -> str:
    """Why an AI workload is in no wave: the data it reads cannot move yet (DATA-GRAVITY)."""
    return (
        f"reads {problem.name(data)} (data-heavy), which cannot move yet ({rule_id}: {why}); "
        "an AI workload moves with its data or after it"
    )


def _anchors(problem: Problem, strong: np.ndarray) -> dict[int, WaveId]:
    """Movable workloads bound (same application, strong edge) to a fixed one: node -> wave."""
    if not problem.fixed:
        return {}
    out: dict[int, WaveId] = {}
    app_wave = {problem.apps[v]: w for v, w in sorted(problem.fixed.items()) if problem.apps[v]}
    for node, app in enumerate(problem.apps):
        if app is not None and app in app_wave and node not in problem.fixed:
            out[node] = app_wave[app]
    edges = problem.graph.edges
    for a, b in zip(edges.src[strong].tolist(), edges.dst[strong].tolist(), strict=True):
        if b in problem.fixed and a not in problem.fixed:
            out.setdefault(a, problem.fixed[b])
        elif a in problem.fixed and b not in problem.fixed:
            out.setdefault(b, problem.fixed[a])
    return out


def _add_fitting(
    problem: Problem,
    atom: Atom,
    out: AtomSet,
    hard_adj: dict[int, list[int]],
    left_out: dict[int, tuple[str, str]],
) -> None:
    """Add ``atom`` but its workloads in ``left_out`` (``_cannot_move``), cut into chunks
    that fit the largest wave, or report what cannot fit.
    """
    loads = problem.graph.loads
    cap = problem.max_limits
    fits = [v for v in atom.nodes if v not in left_out]
    out.unplaceable.extend((v, *left_out[v]) for v in atom.nodes if v in left_out)
    if not fits:
        return
    if not (loads[fits].sum(axis=0) > cap + 1e-9).any():
        out.atoms.append(Atom(fits, atom.anchor))
        return
    chunks: list[list[int]] = [[]]
    used = np.zeros_like(cap)
    for node in _bfs_order(problem, fits):
        if ((used + loads[node]) > cap + 1e-9).any():
            chunks.append([])
            used = np.zeros_like(cap)
        chunks[-1].append(node)
        used += loads[node]
    first = problem.name(fits[0])
    app = problem.apps[fits[0]]
    what = problem.doc.applications[app].name if app in problem.doc.applications else first
    chunk_of = {v: c for c, chunk in enumerate(chunks) for v in chunk}
    if any(chunk_of[v] != chunk_of.get(u, chunk_of[v]) for v in fits for u in hard_adj.get(v, ())):
        over = (loads[fits].sum(axis=0) > cap + 1e-9).nonzero()[0].tolist()
        dims = ", ".join(DIMENSION_LABELS[DIMENSIONS[d]] for d in over)
        reason = (
            f"{what}: its {len(fits)} workloads need more {dims} than one wave can take, "
            "and some are bound by hard dependencies (or traffic heavier than the hybrid "
            "link), so they cannot be cut across waves: raise the transfer window or the "
            "link speed, or plan a warm migration"
        )
        out.unplaceable.extend((v, "APP-SPLIT", reason) for v in fits)
        return
    out.splits.append(
        (
            fits,
            f"{what}: {len(fits)} workloads bound together need more than one wave can take; "
            f"cut into {len(chunks)} consecutive waves that must cut over together",
        )
    )
    index = len(out.splits) - 1
    out.atoms.extend(Atom(chunk, atom.anchor, split_from=index) for chunk in chunks)


def _too_big(problem: Problem, node: int, over: np.ndarray) -> str:
    parts = []
    for dim in np.nonzero(over)[0].tolist():
        name = DIMENSIONS[dim]
        need, cap = problem.graph.loads[node, dim], problem.max_limits[dim]
        if name.startswith("gpu:") and cap == 0:
            parts.append(f"needs {need:,.0f} {DIMENSION_LABELS[name]} but no GPU pool serves them")
        else:
            parts.append(f"needs {need:,.0f} {DIMENSION_LABELS[name]}, a wave takes {cap:,.0f}")
    hint = (
        " (raise the link speed or transfer window, or plan a warm migration)"
        if "storage" in " ".join(parts)
        else ""
    )
    return "no wave can take it: " + "; ".join(parts) + hint


def _bfs_order(problem: Problem, nodes: list[int]) -> list[int]:
    """``nodes`` in breadth-first order over their own edges, so chunks stay connected; an
    AI workload right after the last of the data it reads, so chunks cut in this order
    across consecutive waves keep DATA-GRAVITY."""
    inside = set(nodes)
    adj: dict[int, list[int]] = defaultdict(list)
    edges = problem.graph.edges
    for a, b in zip(edges.src.tolist(), edges.dst.tolist(), strict=True):
        if a in inside and b in inside:
            adj[a].append(b)
            adj[b].append(a)
    seen: set[int] = set()
    order: list[int] = []
    for start in sorted(nodes):
        if start in seen:
            continue
        seen.add(start)
        queue = deque([start])
        while queue:
            v = queue.popleft()
            order.append(v)
            for u in sorted(adj[v]):
                if u not in seen:
                    seen.add(u)
                    queue.append(u)
    return _data_first(problem, inside, order)


def _data_first(problem: Problem, inside: set[int], order: list[int]) -> list[int]:
    """``order`` with each AI workload moved right after the last data-heavy workload of
    ``inside`` it reads (DATA-GRAVITY); the rest keep their order."""
    waits: dict[int, set[int]] = defaultdict(set)
    readers: dict[int, list[int]] = defaultdict(list)
    for a, d in zip(*(side.tolist() for side in problem.gravity), strict=True):
        if a in inside and d in inside:
            waits[a].add(d)
            readers[d].append(a)
    if not waits:
        return order
    out: list[int] = []
    held: set[int] = set()
    for v in order:
        if waits.get(v):
            held.add(v)
            continue
        out.append(v)
        for a in sorted(readers.get(v, ())):
            waits[a].discard(v)
            if not waits[a] and a in held:
                held.discard(a)
                out.append(a)
    return out
