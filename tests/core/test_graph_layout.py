"""The graph's layout: wave columns, lanes for big columns, no two boxes overlapping, and
connected nodes level with each other; and the colouring with its legend."""

from __future__ import annotations

from itertools import pairwise

from migplan.core.appgraph import NO_WAVE, GraphLevel, build_app_graph
from migplan.core.document import PlanDocument
from migplan.core.enums import DispositionKind, WorkloadClass
from migplan.core.estate import EstateSpec, generate_estate
from migplan.core.graph_colours import ColourBy, colour_nodes
from migplan.core.graph_layout import MIN_ROWS, ROW_GAP, column_of
from migplan.core.ids import app_id, dependency_id, wave_id, workload_id
from migplan.core.models import Application, Dependency, Wave, Workload


def test_no_two_boxes_overlap_and_big_columns_get_lanes() -> None:
    doc = generate_estate(EstateSpec(workloads=1500, waves=4, seed=3))
    graph = build_app_graph(doc, level=GraphLevel.WORKLOADS, shared=set())
    layout = graph.layout
    assert layout is not None
    w, h = layout.node_width, layout.node_height
    boxes = sorted((n.x, n.y) for n in graph.nodes.values())
    seen = set(boxes)
    assert len(seen) == len(boxes), "two nodes in the same place"
    by_row: dict[float, list[float]] = {}
    for x, y in boxes:
        by_row.setdefault(y, []).append(x)
    for xs in by_row.values():
        assert all(b - a >= w for a, b in pairwise(sorted(xs))), "boxes side by side overlap"
    assert all(b - a >= h for a, b in pairwise(sorted({y for _, y in boxes})))
    assert max(c.lanes for c in layout.columns) > 1, "hundreds of workloads: several lanes"
    assert 0.8 < layout.width / layout.height < 4, "about as wide as a screen, not a tower"
    for node in graph.nodes.values():
        col = layout.column(column_of(node))
        assert col is not None and col.x <= node.x <= col.x + col.width - w + 0.01


def test_small_plans_keep_one_lane_per_wave_and_connected_nodes_level() -> None:
    waves = [Wave(id=wave_id(str(i)), name=f"W{i}", order=i) for i in (1, 2)]
    apps = [Application(id=app_id(f"a{i}"), name=f"App {i:02d}") for i in range(12)]
    wls = [
        Workload(
            id=workload_id(f"w{i}"),
            name=f"w{i}",
            application_id=apps[i].id,
            wave_id=waves[i % 2].id,
        )
        for i in range(12)
    ]
    # w11 (wave 2) depends on w0 (wave 1): the sweeps bring them level.
    dep = Dependency(id=dependency_id("d"), source=wls[11].id, target=wls[0].id)
    graph = build_app_graph(PlanDocument.from_entities([*waves, *apps, *wls, dep]), shared=set())
    assert graph.layout is not None
    assert all(c.lanes == 1 for c in graph.layout.columns) and MIN_ROWS > 6
    # By name they would be rows 0 and 5; the sweeps bring them within a row of each other.
    pitch = graph.layout.node_height + ROW_GAP
    assert abs(graph.nodes[apps[11].id].y - graph.nodes[apps[0].id].y) <= pitch
    titles = [c.title for c in graph.layout.columns]
    assert titles == ["W1", "W2", NO_WAVE], "the unplaced column is there even when empty"


def test_colouring_by_class_and_disposition_takes_the_majority_with_a_legend() -> None:
    doc = generate_estate(EstateSpec(workloads=200, waves=3, seed=5, ai_share=0.3))
    graph = build_app_graph(doc, shared=set())
    classes = {
        w: WorkloadClass.AI_GPU if doc.workloads[w].gpu_count else WorkloadClass.LEGACY
        for w in doc.workloads
    }
    found = colour_nodes(graph, ColourBy.CLASS, classes=classes)
    labels = [e.label for e in found.legend]
    assert labels == ["AI-GPU", "Legacy"], "reading order, only what is present"
    assert sum(e.nodes for e in found.legend) == len(graph.nodes)
    for node in graph.nodes.values():
        gpu = sum(classes[w] is WorkloadClass.AI_GPU for w in node.workloads)
        expected = "ai-gpu" if gpu * 2 >= len(node.workloads) else "legacy"
        assert found.of_node[node.id] == expected
    undecided = colour_nodes(graph, ColourBy.DISPOSITION)
    assert [e.label for e in undecided.legend] == ["Not assessed yet"]
    dispositions = dict.fromkeys(doc.workloads, DispositionKind.CONTAINERIZE)
    assert [
        e.label for e in colour_nodes(graph, ColourBy.DISPOSITION, dispositions=dispositions).legend
    ] == ["Containerize"]


def test_colouring_by_wave_and_risk() -> None:
    doc = generate_estate(EstateSpec(workloads=120, waves=3, seed=5))
    graph = build_app_graph(doc, shared=set())
    by_wave = colour_nodes(graph, ColourBy.WAVE)
    assert [e.label for e in by_wave.legend][: len(doc.waves)] == [
        w.name for w in doc.waves_in_order()
    ]
    bands = dict.fromkeys(doc.waves, "high")
    by_risk = colour_nodes(graph, ColourBy.RISK, wave_bands=bands)
    placed = [n for n in graph.nodes.values() if n.column]
    assert all(by_risk.of_node[n.id] == "high" for n in placed)
    assert by_risk.legend[0].label == "High risk"
