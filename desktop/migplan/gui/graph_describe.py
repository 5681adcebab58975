"""What hovering a node or a link of the dependency graph says, as plain sentences (the GUI
shows them escaped: names come from imported files)."""

from __future__ import annotations

from migplan.core.appgraph import NO_WAVE, AppGraph, GraphEdge, GraphNode
from migplan.core.document import PlanDocument
from migplan.core.graph_colours import ColourBy, Colouring


def describe_node(node: GraphNode, doc: PlanDocument, colouring: Colouring | None) -> str:
    """The node's name and kind, its application, workloads and waves, its colour's meaning
    (unless it is the wave, which the column says) and what can be done with it."""
    lines = [f"{node.label} ({'application' if node.kind == 'application' else node.kind})"]
    if node.kind == "workload" and node.group and node.group in doc.applications:
        lines.append(f"Application: {doc.applications[node.group].name}")  # type: ignore[index]
    if node.workloads:
        n = len(node.workloads)
        waves = ", ".join(node.wave_names) or NO_WAVE
        if node.split_total:
            lines.append(
                f"{n} of its {node.split_total} workloads here; split across waves: {waves}"
            )
        elif node.kind == "application":
            lines.append(f"{n} workload{'s' if n != 1 else ''}, {waves}")
        else:
            lines.append(waves)
    if colouring is not None and colouring.by is not ColourBy.WAVE:
        key = colouring.of_node.get(node.id, "")
        label = next((e.label for e in colouring.legend if e.key == key), "")
        if label:
            lines.append(f"{colouring.by.label}: {label}")
    if node.shared:
        lines.append("Shared service: its links are faded")
    if node.workloads:
        lines.append("Drag it to another wave column to move it; double-click lists it")
    return "\n".join(lines)


def describe_edge(graph: AppGraph, edge: GraphEdge) -> str:
    """Who depends on whom, how many dependencies, their traffic in Mbit/s (and as stored,
    MB/s), ports, whether it points backwards, and where the dependencies came from."""
    a, b = graph.nodes[edge.source], graph.nodes[edge.target]
    ports = ", ".join(str(p) for p in sorted(edge.ports)[:8]) or "unknown"
    origins = "\n".join(
        f"  {n} {what}" for what, n in sorted(edge.origins.items(), key=lambda kv: -kv[1])
    )
    warn = "\nThe dependant moves BEFORE what it depends on." if edge.backwards else ""
    n = len(edge.dependencies)
    return (
        f"{a.label} → {b.label} (depends on)\n"
        f"{n} dependenc{'ies' if n != 1 else 'y'}, traffic {edge.mbit_s:,.1f} Mbit/s "
        f"({edge.weight:,.2f} MB/s as imported), ports {ports}{warn}\n"
        f"Where they came from:\n{origins}"
    )
