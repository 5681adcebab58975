"""The application-level dependency graph and its layout in wave columns.

Workload dependencies are folded into edges between applications (workloads with no
application stand for themselves; external nodes fold into one node per external). Each node
sits in the column of its wave, so the picture shows at a glance which dependencies cross
waves and which point backwards (a dependant moving before what it depends on). The layout
lives here, in the core; the GUI only draws it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from migplan.core.document import PlanDocument
from migplan.core.enums import OriginKind
from migplan.core.ids import WorkloadId


@dataclass
class GraphNode:
    id: str
    label: str
    kind: str  # "application", "workload" or "external"
    workloads: list[WorkloadId] = field(default_factory=list)
    #: Column: 0 for nodes in no wave, else the rank of the wave (1, 2, ...).
    column: int = 0
    #: Waves the node's workloads are in (more than one: the application is split).
    wave_names: list[str] = field(default_factory=list)
    x: float = 0.0
    y: float = 0.0
    #: All its workloads are shared services (DNS, directory, backup...): a hub to hide.
    shared: bool = False


@dataclass
class GraphEdge:
    source: str
    target: str
    dependencies: list[str] = field(default_factory=list)
    weight: float = 0.0
    ports: set[int] = field(default_factory=set)
    #: Where the folded dependencies came from: "imported from f.csv" / "drawn by hand" ...
    origins: dict[str, int] = field(default_factory=dict)
    manual: int = 0
    #: The dependant moves in an earlier wave than what it depends on.
    backwards: bool = False


@dataclass
class AppGraph:
    nodes: dict[str, GraphNode]
    edges: list[GraphEdge]
    columns: list[str]

    def node_of_workload(self) -> dict[WorkloadId, str]:
        return {w: n.id for n in self.nodes.values() for w in n.workloads}


COLUMN_WIDTH = 260.0
ROW_HEIGHT = 46.0


def build_app_graph(doc: PlanDocument, hide_shared: bool = False) -> AppGraph:
    """Nodes, folded edges and positions for the whole plan (about a second at 10k workloads).

    With ``hide_shared``, shared-service nodes and their edges are left out: they connect to
    almost everything and are planned apart (a foundation wave, or bridged).
    """
    waves = doc.waves_in_order()
    rank = {w.id: i + 1 for i, w in enumerate(waves)}
    nodes: dict[str, GraphNode] = {}
    node_of: dict[str, str] = {}
    for wl in doc.workloads.values():
        nid: str
        if wl.application_id is not None and wl.application_id in doc.applications:
            nid = wl.application_id
            if nid not in nodes:
                nodes[nid] = GraphNode(nid, doc.applications[wl.application_id].name, "application")
        else:
            nid = wl.id
            nodes[nid] = GraphNode(nid, wl.name, "workload")
        nodes[nid].workloads.append(wl.id)
        node_of[wl.id] = nid
    for app in doc.applications.values():
        if app.id not in nodes:
            nodes[app.id] = GraphNode(app.id, app.name, "application")
        node_of[app.id] = app.id
    for ext in doc.externals.values():
        nodes[ext.id] = GraphNode(ext.id, ext.name, "external")
        node_of[ext.id] = ext.id
    from migplan.core.assess.classify import shared_service_ids

    shared = shared_service_ids(doc)
    for node in nodes.values():
        node.shared = bool(node.workloads) and all(w in shared for w in node.workloads)
    if hide_shared:
        nodes = {k: n for k, n in nodes.items() if not n.shared}
    for node in nodes.values():
        ranks = sorted(
            {rank[w] for w in (doc.workloads[i].wave_id for i in node.workloads) if w in rank}
        )
        node.column = ranks[0] if ranks else 0
        node.wave_names = [waves[r - 1].name for r in ranks]
    folded: dict[tuple[str, str], GraphEdge] = {}
    for dep in doc.dependencies.values():
        a, b = node_of.get(dep.source), node_of.get(dep.target)
        if a is None or b is None or a == b or a not in nodes or b not in nodes:
            continue
        edge = folded.get((a, b))
        if edge is None:
            edge = folded[(a, b)] = GraphEdge(a, b)
        edge.dependencies.append(dep.id)
        edge.weight += dep.weight
        if dep.port is not None:
            edge.ports.add(dep.port)
        if dep.origin_kind is OriginKind.IMPORTED:
            origin = f"imported from {dep.origin_file or 'an unnamed file'}"
        else:
            origin = dep.origin.describe()
        edge.origins[origin] = edge.origins.get(origin, 0) + 1
        edge.manual += dep.origin_kind is OriginKind.MANUAL
    edges = sorted(folded.values(), key=lambda e: (e.source, e.target))
    for edge in edges:
        src, dst = nodes[edge.source].column, nodes[edge.target].column
        edge.backwards = bool(src and dst and dst > src)
    _place(nodes, edges)
    return AppGraph(nodes, edges, ["No wave", *[w.name for w in waves]])


def _place(nodes: dict[str, GraphNode], edges: list[GraphEdge], sweeps: int = 4) -> None:
    """Columns by wave; rows ordered by the barycentre of neighbours (a few sweeps), which
    keeps connected applications level with each other and edges short."""
    by_column: dict[int, list[GraphNode]] = defaultdict(list)
    for node in sorted(
        nodes.values(), key=lambda n: (n.kind != "application", n.label.casefold(), n.id)
    ):
        by_column[node.column].append(node)
    neighbours: dict[str, list[str]] = defaultdict(list)
    for e in edges:
        neighbours[e.source].append(e.target)
        neighbours[e.target].append(e.source)
    row: dict[str, float] = {}
    for column in by_column.values():
        for i, node in enumerate(column):
            row[node.id] = float(i)
    for _ in range(sweeps):
        for column in by_column.values():

            def bary(n: GraphNode) -> float:
                near = [row[m] for m in neighbours.get(n.id, ()) if m in row]
                return sum(near) / len(near) if near else row[n.id]

            column.sort(key=lambda n: (bary(n), n.label.casefold(), n.id))
            for i, node in enumerate(column):
                row[node.id] = float(i)
    for col, column in by_column.items():
        for node in column:
            node.x = col * COLUMN_WIDTH
            node.y = row[node.id] * ROW_HEIGHT
