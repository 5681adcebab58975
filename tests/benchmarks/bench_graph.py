"""The Dependencies tab at the workload level with 5,000 workloads and 20,000 dependencies:
graph and layout (core), scene built and first paint (Qt, offscreen), then zoom steps.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_graph.py [WORKLOADS] [EDGES]``.
Target on a 2-core machine: layout + first paint under 1 s; each zoom step's repaint well
under 100 ms (no stutter).
"""

from __future__ import annotations

import os
import sys
import time
from statistics import median

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint

from migplan.core.appgraph import GraphLevel, build_app_graph
from migplan.core.assess.classify import shared_service_ids
from migplan.core.document import PlanDocument
from migplan.core.estate import EstateSpec, generate_estate
from migplan.core.gcpause import gc_paused
from migplan.core.models import Dependency
from migplan.gui.app import make_app
from migplan.gui.graph_view import GraphView
from migplan.gui.session import DocumentSession


def estate(workloads: int, edges: int) -> PlanDocument:
    """A generated estate in 12 waves, cut to ``edges`` workload-to-workload dependencies."""
    doc = generate_estate(EstateSpec(workloads=workloads, dependencies=edges, waves=12, seed=1))
    deps = [d for d in doc.dependencies.values() if isinstance(d, Dependency)][:edges]
    others = [
        *doc.workloads.values(),
        *doc.applications.values(),
        *doc.waves.values(),
        *doc.externals.values(),
    ]
    return PlanDocument.from_entities([*others, *deps], doc.settings)


def main() -> None:
    workloads = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000
    edges = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    app = make_app()
    doc = estate(workloads, edges)
    shared = shared_service_ids(doc)
    print(f"estate: {len(doc.workloads):,} workloads, {len(doc.dependencies):,} dependencies")

    # The tab is on screen already (empty), as when a user switches to it.
    session = DocumentSession()
    view = GraphView(session)
    view.resize(1400, 900)
    view.show()
    app.processEvents()
    session.doc = doc

    # As GraphView.refresh does: the collector paused while thousands of objects are made.
    pause = gc_paused()
    pause.__enter__()
    t = time.perf_counter()
    graph = build_app_graph(doc, level=GraphLevel.WORKLOADS, shared=shared)
    core_s = time.perf_counter() - t
    print(
        f"{'graph + layout (core), workload level':<46} {core_s:7.3f} s"
        f"  ({len(graph.nodes):,} nodes, {len(graph.edges):,} edges)"
    )
    view.level.blockSignals(True)
    view.level.setCurrentIndex(1)
    view.level.blockSignals(False)
    view.show_shared.blockSignals(True)
    view.show_shared.setChecked(True)  # every node drawn: the worst case
    view.show_shared.blockSignals(False)
    t = time.perf_counter()
    view.graph = graph
    view._draw()
    scene_s = time.perf_counter() - t
    pause.__exit__(None, None, None)
    print(f"{'scene built (5k node items, 1 edge layer)':<46} {scene_s:7.3f} s")
    t = time.perf_counter()
    view.fit()
    view.view.viewport().repaint()
    paint_s = time.perf_counter() - t
    print(f"{'first paint, whole graph in view':<46} {paint_s:7.3f} s")
    first = core_s + scene_s + paint_s
    print(f"{'layout + first paint (target < 1 s)':<46} {first:7.3f} s")

    steps: list[float] = []
    centre = QPoint(view.view.viewport().width() // 2, view.view.viewport().height() // 2)
    view.view.centerOn(view.view.mapToScene(centre))
    for factor in [1.3] * 10 + [1 / 1.3] * 10:
        t = time.perf_counter()
        view.view.zoom_by(factor)
        view.view.viewport().repaint()
        steps.append(time.perf_counter() - t)
    print(
        f"{'zoom step + repaint (20 steps in and out)':<46} {median(steps) * 1000:7.1f} ms median,"
        f" {max(steps) * 1000:.1f} ms worst"
    )
    view.view.set_scale(1.0)
    t = time.perf_counter()
    view.view.viewport().repaint()
    print(f"{'repaint at 100 % (labels, curves)':<46} {(time.perf_counter() - t) * 1000:7.1f} ms")
    t = time.perf_counter()
    view.find_node(next(iter(graph.nodes.values())).label)
    view.view.viewport().repaint()
    print(
        f"{'search a name, select, highlight, repaint':<46} {(time.perf_counter() - t) * 1000:7.1f} ms"
    )


if __name__ == "__main__":
    main()
