"""The dependency graph at two levels, applications or workloads, placed in wave columns.

At the application level workload dependencies fold into edges between applications
(workloads with no application stand for themselves; each external is one node). At the
workload level every workload is a node. Each node knows the waves its workloads are in, so
the picture shows at a glance which dependencies cross waves and which point backwards (a
dependant moving before what it depends on). Positions come from ``core.graph_layout``; the
GUI only draws them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from migplan.core.document import PlanDocument
from migplan.core.enums import OriginKind
from migplan.core.ids import WaveId, WorkloadId
from migplan.core.models import MBIT_PER_MBYTE

if TYPE_CHECKING:
    from migplan.core.graph_layout import GraphLayout


class GraphLevel(StrEnum):
    APPLICATIONS = "applications"
    WORKLOADS = "workloads"


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
    #: What keeps nodes together in a column: a workload's application ("" for none).
    group: str = ""
    #: An application split across waves is one node per wave: its workloads in all of them.
    split_total: int = 0

    @property
    def application_id(self) -> str:
        """The application a node stands for (itself or a part of it), else ""."""
        if self.kind != "application":
            return ""
        return self.group or self.id


@dataclass
class GraphEdge:
    source: str
    target: str
    dependencies: list[str] = field(default_factory=list)
    #: Traffic as stored on the dependencies: MB/s (megabytes) when known, else a relative
    #: weight (the observation count). ``mbit_s`` says it in the link's unit.
    weight: float = 0.0
    ports: set[int] = field(default_factory=set)
    #: Where the folded dependencies came from: "imported from f.csv" / "drawn by hand" ...
    origins: dict[str, int] = field(default_factory=dict)
    manual: int = 0
    #: The dependant moves in an earlier wave than what it depends on.
    backwards: bool = False

    @property
    def mbit_s(self) -> float:
        """Traffic in Mbit/s, the unit of the hybrid link (stored weights are MB/s)."""
        return self.weight * MBIT_PER_MBYTE


@dataclass
class AppGraph:
    nodes: dict[str, GraphNode]
    edges: list[GraphEdge]
    #: Column titles by column number: 0 is "Not in a wave", then the waves in order.
    columns: list[str]
    level: GraphLevel = GraphLevel.APPLICATIONS
    #: Wave id of each column (None for column 0).
    column_waves: list[WaveId | None] = field(default_factory=list)
    #: Where the columns are drawn (set by ``core.graph_layout.layout_graph``).
    layout: GraphLayout | None = None

    def node_of_workload(self) -> dict[WorkloadId, str]:
        return {w: n.id for n in self.nodes.values() for w in n.workloads}


NO_WAVE = "Not in a wave"


def build_app_graph(
    doc: PlanDocument,
    hide_shared: bool = False,
    level: GraphLevel = GraphLevel.APPLICATIONS,
    shared: Collection[str] | None = None,
) -> AppGraph:
    """Nodes, folded edges and columns for the whole plan, laid out in wave columns.

    With ``hide_shared``, shared-service nodes and their edges are left out: they connect to
    almost everything and are planned apart (a foundation wave, or bridged). ``shared`` is
    the set of shared-service workloads when the caller already knows it (the window's
    assessment); else it is worked out here.
    """
    from migplan.core.graph_layout import layout_graph

    waves = doc.waves_in_order()
    rank = {w.id: i + 1 for i, w in enumerate(waves)}
    if shared is None:
        from migplan.core.assess.classify import shared_service_ids

        shared = shared_service_ids(doc)
    nodes: dict[str, GraphNode] = {}
    node_of: dict[str, str] = {}
    apps = doc.applications
    if level is GraphLevel.APPLICATIONS:
        _application_nodes(doc, rank, nodes, node_of)
    else:
        for wl in doc.workloads.values():
            group = wl.application_id if wl.application_id in apps else None
            node = GraphNode(wl.id, wl.name, "workload", [wl.id], group=group or "")
            node.column = rank.get(wl.wave_id, 0) if wl.wave_id else 0
            nodes[wl.id] = node
            node_of[wl.id] = wl.id
        # A dependency on a whole application: at the workload level, on its first workload.
        for wl in doc.workloads.values():
            if wl.application_id is not None:
                node_of.setdefault(wl.application_id, wl.id)
    for ext in doc.externals.values():
        nodes[ext.id] = GraphNode(ext.id, ext.name, "external")
        node_of[ext.id] = ext.id
    for node in nodes.values():
        node.shared = bool(node.workloads) and all(w in shared for w in node.workloads)
        if not node.wave_names and node.column:
            node.wave_names = [waves[node.column - 1].name]
    if hide_shared:
        nodes = {k: n for k, n in nodes.items() if not n.shared}
    edges = _fold(doc, nodes, node_of)
    for edge in edges:
        src, dst = nodes[edge.source].column, nodes[edge.target].column
        edge.backwards = bool(src and dst and dst > src)
    graph = AppGraph(
        nodes,
        edges,
        [NO_WAVE, *[w.name for w in waves]],
        level,
        [None, *[w.id for w in waves]],
    )
    layout_graph(graph)
    return graph


def _application_nodes(
    doc: PlanDocument,
    rank: Mapping[WaveId, int],
    nodes: dict[str, GraphNode],
    node_of: dict[str, str],
) -> None:
    """One node per application, or one per wave it is in when it is split across waves
    (its parts then sit in their own columns, each with its own workloads); workloads with
    no application stand for themselves."""
    apps = doc.applications
    parts: dict[str, dict[int, list[WorkloadId]]] = {}
    for wl in doc.workloads.values():
        column = rank.get(wl.wave_id, 0) if wl.wave_id else 0
        if wl.application_id is not None and wl.application_id in apps:
            parts.setdefault(wl.application_id, {}).setdefault(column, []).append(wl.id)
        else:
            nodes[wl.id] = GraphNode(wl.id, wl.name, "workload", [wl.id], column)
            node_of[wl.id] = wl.id
    names = [""] + [w.name for w in doc.waves_in_order()]
    for app in apps.values():
        by_column = parts.get(app.id, {})
        if len(by_column) <= 1:
            column, members = next(iter(by_column.items()), (0, []))
            nodes[app.id] = GraphNode(app.id, app.name, "application", members, column)
            node_of[app.id] = app.id
            for w in members:
                node_of[w] = app.id
            continue
        waves_of = [names[c] for c in sorted(c for c in by_column if c)]
        if 0 in by_column:
            waves_of.append(NO_WAVE)
        first = ""
        for column, members in sorted(by_column.items(), key=lambda kv: kv[0] or 10**9):
            nid = f"{app.id}#{column}"
            first = first or nid
            node = GraphNode(nid, app.name, "application", members, column, waves_of)
            node.group = app.id
            node.split_total = sum(len(m) for m in by_column.values())
            nodes[nid] = node
            for w in members:
                node_of[w] = nid
        node_of[app.id] = first


def _fold(
    doc: PlanDocument, nodes: dict[str, GraphNode], node_of: dict[str, str]
) -> list[GraphEdge]:
    """One edge per ordered pair of nodes, summing what the dependencies between them say."""
    folded: dict[tuple[str, str], GraphEdge] = {}
    said: dict[tuple[object, ...], str] = {}
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
        else:  # said once per distinct origin (a model per edge is slow at 20,000 edges)
            key = (
                dep.origin_kind,
                dep.origin_file,
                dep.origin_sheet,
                dep.origin_row,
                dep.origin_label,
            )
            origin = said.get(key) or said.setdefault(key, dep.origin.describe())
        edge.origins[origin] = edge.origins.get(origin, 0) + 1
        edge.manual += dep.origin_kind is OriginKind.MANUAL
    return sorted(folded.values(), key=lambda e: (e.source, e.target))
