"""The Dependencies tab: applications in wave columns, edges with their origin, and drawing
or removing dependencies by hand (undoable)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu

from migplan.core.enums import OriginKind
from migplan.gui.main_window import MainWindow


def show_graph(qtbot: Any, window: MainWindow, path: Path) -> None:
    assert window.open_path(path, ask=False)
    window.tabs.setCurrentWidget(window.graph)
    qtbot.waitUntil(lambda: window.graph.graph is not None and bool(window.graph.node_items()))


def test_graph_shows_applications_in_wave_columns(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    show_graph(qtbot, window, example_copy)
    graph = window.graph.graph
    assert graph is not None
    assert not window.details_dock.isVisible(), "the workload details give their room to the graph"
    items = window.graph.node_items()
    assert len(items) == len(graph.nodes)
    assert not any(n.shared for n in graph.nodes.values()), "shared services are hidden by default"
    doc = window.session.doc
    ranks = {w.id: i + 1 for i, w in enumerate(doc.waves_in_order())}
    for item in items:
        placed = [ranks[w] for x in item.node.workloads if (w := doc.workloads[x].wave_id)]
        if placed:
            assert item.node.column == min(placed)
    assert window.graph.summary.text().startswith(
        f"{len(graph.nodes)} nodes · {len(graph.edges)} links"
    )
    edge = window.graph.edge_items()[0]
    assert "Where they came from:" in edge.toolTip()
    window.graph.show_shared.setChecked(True)
    assert any(n.shared for n in window.graph.graph.nodes.values())


def test_only_crossing_edges_filter(qtbot: Any, window: MainWindow, example_copy: Path) -> None:
    show_graph(qtbot, window, example_copy)
    total = len(window.graph.edge_items())
    qtbot.mouseClick(window.graph.only_problems, Qt.MouseButton.LeftButton)
    crossing = window.graph.edge_items()
    assert 0 < len(crossing) <= total
    assert all(e.edge.source != e.edge.target for e in crossing)
    graph = window.graph.graph
    assert all(
        graph.nodes[e.edge.source].column != graph.nodes[e.edge.target].column for e in crossing
    )


def test_double_click_a_node_selects_its_workloads(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    show_graph(qtbot, window, example_copy)
    item = window.graph.node_items()[0]
    view = window.graph.view
    view.centerOn(item)
    pos = view.mapFromScene(item.sceneBoundingRect().center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(pos))
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.inventory)
    assert set(window.inventory.selected_ids()) == set(item.node.workloads)


def test_draw_a_dependency_by_hand_then_remove_it_in_the_graph(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    assert window.open_path(example_copy, ask=False)
    doc = window.session.doc
    a, b = sorted(doc.applications.values(), key=lambda x: x.name)[:2]
    wa, wb = doc.workloads_of_app(a.id)[0], doc.workloads_of_app(b.id)[0]
    window.inventory.select_ids([wa.id, wb.id])
    menu = window.inventory.build_bulk_menu()
    assert menu is not None
    action = menu.findChild(QMenu, "bulk-menu") or menu
    add = next(
        x for x in action.actions() if x.text() == f"Add dependency: {wa.name} depends on {wb.name}"
    )
    add.trigger()
    drawn = [d for d in doc.dependencies.values() if d.origin_kind is OriginKind.MANUAL]
    assert len(drawn) == 1 and (drawn[0].source, drawn[0].target) == (wa.id, wb.id)
    assert drawn[0].origin.describe() == "drawn by hand (drawn in the inventory)"

    window.tabs.setCurrentWidget(window.graph)
    qtbot.waitUntil(lambda: window.graph.graph is not None and not window.graph._dirty)
    edge_item = next(e for e in window.graph.edge_items() if drawn[0].id in e.edge.dependencies)
    assert "drawn by hand" in edge_item.toolTip()
    count = len(edge_item.edge.dependencies)
    window.graph.remove_edge(edge_item.edge)
    assert drawn[0].id not in doc.dependencies
    assert window.undo_action.text() == f"&Undo Remove {count} dependencies"
    window.undo_action.trigger()
    assert drawn[0].id in doc.dependencies
