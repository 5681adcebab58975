"""The Dependencies tab as a user drives it: applications or workloads in wave columns,
colours with their legend, search, neighbours highlighted, drag to another wave (undoable),
export, and edges with their origin and traffic; drawing or removing dependencies by hand."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMenu

from migplan.core.appgraph import NO_WAVE, GraphEdge, GraphLevel
from migplan.core.enums import OriginKind
from migplan.core.graph_layout import HEADER, column_of
from migplan.gui.graph_edges import SHARED_ALPHA
from migplan.gui.graph_items import NodeItem
from migplan.gui.graph_legend import colour_of
from migplan.gui.main_window import MainWindow


def show_graph(qtbot: Any, window: MainWindow, path: Path) -> None:
    assert window.open_path(path, ask=False)
    window.tabs.setCurrentWidget(window.graph)
    qtbot.waitUntil(lambda: window.graph.graph is not None and bool(window.graph.node_items()))


def choose(qtbot: Any, combo: Any, text: str) -> None:
    """Pick ``text`` in a combo box with the keyboard, as a user without a mouse would."""
    combo.setFocus()
    wanted = combo.findText(text)
    assert wanted >= 0, f"{text!r} is not offered"
    while combo.currentIndex() != wanted:
        key = Qt.Key.Key_Down if combo.currentIndex() < wanted else Qt.Key.Key_Up
        qtbot.keyClick(combo, key)


def centre_of(window: MainWindow, item: NodeItem) -> QPoint:
    return window.graph.view.mapFromScene(item.sceneBoundingRect().center())


def in_viewport(window: MainWindow, item: NodeItem) -> bool:
    view = window.graph.view
    box = view.mapFromScene(item.sceneBoundingRect()).boundingRect()
    return view.viewport().rect().contains(box)


def point_on(window: MainWindow, edge: GraphEdge) -> QPoint:
    """A viewport point on ``edge`` (its middle), with the edge in view."""
    layer = window.graph.edge_layer
    assert layer is not None
    i = layer.edges.index(edge)
    x, y = layer._polyline(i)[layer.SAMPLES // 2]
    window.graph.view.centerOn(QPointF(x, y))
    return window.graph.view.mapFromScene(QPointF(x, y))


def test_graph_shows_applications_in_wave_columns(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    show_graph(qtbot, window, example_copy)
    graph = window.graph.graph
    assert graph is not None and graph.level is GraphLevel.APPLICATIONS
    assert not window.details_dock.isVisible(), "the workload details give their room to the graph"
    items = window.graph.node_items()
    assert len(items) == len(graph.nodes)
    assert not any(n.shared for n in graph.nodes.values()), "shared services are hidden by default"
    doc = window.session.doc
    ranks = {w.id: i + 1 for i, w in enumerate(doc.waves_in_order())}
    for item in items:
        placed = {ranks[w] for x in item.node.workloads if (w := doc.workloads[x].wave_id)}
        if placed:
            assert {item.node.column} == placed, "a split application is a node per wave"
    assert window.graph.summary.text().startswith(
        f"{len(graph.nodes)} nodes · {len(graph.edges)} links"
    )
    edge = max(graph.edges, key=lambda e: e.weight)
    tip = window.graph.tooltip_at(point_on(window, edge))
    assert "Where they came from:" in tip
    assert f"traffic {edge.weight * 8:,.1f} Mbit/s ({edge.weight:,.2f} MB/s" in tip
    qtbot.mouseClick(window.graph.show_shared, Qt.MouseButton.LeftButton)
    graph = window.graph.graph
    assert graph is not None
    shared = {n.id for n in graph.nodes.values() if n.shared}
    assert shared
    # Shown, shared services do not make a fan of links: theirs are drawn faded.
    layer = window.graph.edge_layer
    assert layer is not None
    touching = [i for i, e in enumerate(layer.edges) if {e.source, e.target} & shared]
    assert touching and all(layer._kind[i] == 3 for i in touching)
    for zoomed_out in (False, True):
        assert layer.pen_for(3, 3, zoomed_out).color().alpha() <= SHARED_ALPHA
        assert layer.pen_for(3, 3, zoomed_out).widthF() <= 1.0
    bundles = [pen.color().alpha() for pen, _lines in layer.bundles()]
    assert min(bundles) <= SHARED_ALPHA < max(bundles)


def test_labels_fit_their_box_and_never_run_into_the_count(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    from PySide6.QtGui import QFontMetricsF

    from migplan.gui.graph_items import label_font

    show_graph(qtbot, window, example_copy)
    for level in ("Applications", "Workloads"):
        choose(qtbot, window.graph.level, level)
        cut = 0
        for item in window.graph.node_items():
            box = item.boundingRect().adjusted(2, 2, -2, -2)
            metrics = QFontMetricsF(label_font(box.height()))
            used = metrics.horizontalAdvance(item.elided_label()) + 16
            if item.badge:
                used += metrics.horizontalAdvance(item.badge) + 8
            assert used <= box.width() + 0.5, item.node.label
            if item.elided_label() != item.node.label:
                cut += 1
                assert item.elided_label().endswith("…")
                assert item.tooltip_text().startswith(item.node.label), "the full name on hover"
        assert level == "Workloads" or cut, "long application names are elided, not cut"


def test_every_column_has_a_header_even_foundation_when_its_services_are_hidden(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    show_graph(qtbot, window, example_copy)
    graph = window.graph.graph
    assert graph is not None and graph.layout is not None
    doc = window.session.doc
    headers = {h.title: h.note for h in window.graph._headers}
    assert list(headers) == [*(w.name for w in doc.waves_in_order()), NO_WAVE]
    foundation = doc.waves_in_order()[0]
    members = sum(1 for w in doc.workloads.values() if w.wave_id == foundation.id)
    assert headers[foundation.name] == f"{members} shared services, hidden"
    unplaced = [w for w in doc.workloads.values() if w.wave_id is None]
    assert unplaced and headers[NO_WAVE].startswith(f"{len(unplaced)} workloads")
    column = graph.layout.column(0)
    assert column is not None and column.title == NO_WAVE
    of = graph.node_of_workload()
    assert all(column_of(graph.nodes[of[w.id]]) == 0 for w in unplaced if w.id in of)


def test_headers_stay_in_view_when_scrolled_down(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    show_graph(qtbot, window, example_copy)
    choose(qtbot, window.graph.level, "Workloads")
    view = window.graph.view
    view.set_scale(1.0)
    bar = view.verticalScrollBar()
    assert bar.maximum() > 0, "taller than the window at 100 %"
    header = window.graph._headers[1]
    bar.setValue(bar.maximum())
    anchor = view.mapFromScene(QPointF(header.x(), header.y()))
    assert header.pinned and 0 < anchor.y() < 80, "pinned under the top edge"
    bar.setValue(0)
    assert not header.pinned and header.y() == HEADER - 4, "back over the first row"


def test_switch_to_workloads_and_back(qtbot: Any, window: MainWindow, example_copy: Path) -> None:
    show_graph(qtbot, window, example_copy)
    doc = window.session.doc
    apps = len(window.graph.node_items())
    choose(qtbot, window.graph.level, "Workloads")
    graph = window.graph.graph
    assert graph is not None and graph.level is GraphLevel.WORKLOADS
    shared = {w for n in graph.nodes.values() for w in n.workloads} ^ set(doc.workloads)
    assert len(window.graph.node_items()) == len(doc.workloads) - len(shared)
    assert all(len(i.node.workloads) == 1 for i in window.graph.node_items())
    qtbot.mouseClick(window.graph.show_shared, Qt.MouseButton.LeftButton)
    assert len(window.graph.node_items()) == len(doc.workloads)
    choose(qtbot, window.graph.level, "Applications")
    assert window.graph.graph is not None
    assert window.graph.graph.level is GraphLevel.APPLICATIONS
    assert len(window.graph.node_items()) > apps, "with shared services shown, more nodes"


def test_colour_by_class_shows_its_legend(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    show_graph(qtbot, window, example_copy)
    qtbot.waitUntil(lambda: window.analysis.assessment is not None)
    assert window.graph.legend.title.text() == "Colour: wave"
    waves = [w.name for w in window.session.doc.waves_in_order()]
    assert any(line.startswith(waves[1]) for line in window.graph.legend.entries())
    choose(qtbot, window.graph.level, "Workloads")
    choose(qtbot, window.graph.colour_by, "Workload class")
    assert window.graph.legend.title.text() == "Colour: workload class"
    entries = window.graph.legend.entries()
    labels = [e.rsplit(" (", 1)[0] for e in entries]
    assert labels[:2] == ["AI-GPU", "Data-heavy"] and "Legacy" in labels
    assert not any(line.startswith(waves[1]) for line in entries), "the legend follows"
    classes = window.analysis.assessment.classes  # type: ignore[union-attr]
    counts = {
        label: int(e.rsplit("(", 1)[1].rstrip(")"))
        for label, e in zip(labels, entries, strict=True)
    }
    assert counts["AI-GPU"] == sum(
        1
        for i in window.graph.node_items()
        if classes[i.node.workloads[0]].workload_class.value == "ai-gpu"
    )
    for item in window.graph.node_items():
        key = classes[item.node.workloads[0]].workload_class.value
        assert item.fill == colour_of(key)
    choose(qtbot, window.graph.colour_by, "Risk of its wave")
    assert any(e.startswith(("Low risk", "Medium risk")) for e in window.graph.legend.entries())


def test_search_selects_and_centres_a_node(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    show_graph(qtbot, window, example_copy)
    choose(qtbot, window.graph.level, "Workloads")
    graph = window.graph.graph
    assert graph is not None
    assert graph.layout is not None
    middle_x, middle_y = graph.layout.width / 2, graph.layout.height / 2
    target = min(graph.nodes.values(), key=lambda n: abs(n.x - middle_x) + abs(n.y - middle_y))
    item = window.graph.item_of(target.id)
    window.graph.fit()
    window.graph.view.centerOn(0, 0)
    qtbot.keyClicks(window.graph.search, target.label.upper())
    qtbot.keyClick(window.graph.search, Qt.Key.Key_Return)
    assert window.graph.selected_items() == [item]
    assert in_viewport(window, item)
    centre = centre_of(window, item)
    middle = window.graph.view.viewport().rect().center()
    assert abs(centre.x() - middle.x()) < 40 and abs(centre.y() - middle.y()) < 40
    assert window.graph.text_visible, "zoomed in enough to read the labels"
    # A prefix shared by several: Enter again goes to the next, then round.
    prefix = target.label[:3]
    low = prefix.casefold()
    matching = sorted(
        (n for n in graph.nodes.values() if low in n.label.casefold()),
        key=lambda n: (not n.label.casefold().startswith(low), n.label.casefold(), n.id),
    )
    assert len(matching) > 1
    window.graph.search.clear()
    qtbot.keyClicks(window.graph.search, prefix)
    seen = []
    for _ in range(len(matching) + 1):
        qtbot.keyClick(window.graph.search, Qt.Key.Key_Return)
        seen.append(window.graph.selected_items()[0].node.id)
    assert seen == [n.id for n in matching] + [matching[0].id]
    window.graph.search.clear()
    qtbot.keyClicks(window.graph.search, "no-such-name")
    qtbot.keyClick(window.graph.search, Qt.Key.Key_Return)
    assert window.graph.selected_items() == [window.graph.item_of(matching[0].id)], (
        "a miss changes nothing"
    )


def test_clicking_a_node_highlights_its_neighbours(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    show_graph(qtbot, window, example_copy)
    graph = window.graph.graph
    assert graph is not None
    degree: dict[str, set[str]] = {}
    for e in graph.edges:
        degree.setdefault(e.source, set()).add(e.target)
        degree.setdefault(e.target, set()).add(e.source)
    hub = max(degree, key=lambda n: len(degree[n]))
    item = window.graph.item_of(hub)
    window.graph.view.centerOn(item)
    qtbot.mouseClick(
        window.graph.view.viewport(), Qt.MouseButton.LeftButton, pos=centre_of(window, item)
    )
    assert item.isSelected()
    assert window.graph.highlighted() == {hub} | degree[hub]
    others = [i for i in window.graph.node_items() if i.node.id not in degree[hub] | {hub}]
    assert others and all(i.dimmed for i in others)
    layer = window.graph.edge_layer
    assert layer is not None and layer.focus is not None
    assert {(layer.edges[i].source, layer.edges[i].target) for i in layer.focus} == {
        (e.source, e.target) for e in graph.edges if hub in (e.source, e.target)
    }
    window.graph.scene.clearSelection()
    assert not any(i.dimmed for i in window.graph.node_items())


def test_drag_a_workload_to_another_wave_column_and_undo(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    show_graph(qtbot, window, example_copy)
    choose(qtbot, window.graph.level, "Workloads")
    doc = window.session.doc
    graph = window.graph.graph
    assert graph is not None and graph.layout is not None
    waves = doc.waves_in_order()
    source, target = graph.layout.column(2), graph.layout.column(3)
    assert source is not None and target is not None
    node = next(n for n in graph.nodes.values() if n.column == 2)
    wid = node.workloads[0]
    assert doc.workloads[wid].wave_id == waves[1].id
    view = window.graph.view
    view.set_scale(0.6)
    view.centerOn(QPointF((node.x + target.x) / 2, node.y))
    item = window.graph.item_of(node.id)
    start = centre_of(window, item)
    end = view.mapFromScene(QPointF(target.x + target.width / 2, node.y + 10))
    vp = view.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
    for k in range(1, 6):
        qtbot.mouseMove(vp, start + (end - start) * (k / 5))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=end)
    assert doc.workloads[wid].wave_id == waves[2].id
    assert window.undo_action.text() == f"&Undo Move {node.label} to {waves[2].name}"
    qtbot.waitUntil(lambda: not window.graph._dirty)
    moved = window.graph.item_of(node.id)
    assert target.contains_x(moved.pos().x()), "redrawn in its new column"
    window.undo_action.trigger()
    assert doc.workloads[wid].wave_id == waves[1].id


def test_a_move_into_a_locked_wave_snaps_back_and_says_why(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    from migplan.core.wave_edits import set_wave_locked

    show_graph(qtbot, window, example_copy)
    graph = window.graph.graph
    assert graph is not None and graph.layout is not None
    node = next(n for n in graph.nodes.values() if n.column == 2 and n.workloads)
    target = graph.layout.column(3)
    assert target is not None and target.wave_id is not None
    doc = window.session.doc
    lock = set_wave_locked(doc, target.wave_id, True)
    assert lock is not None
    window.session.execute(lock)
    qtbot.waitUntil(lambda: not window.graph._dirty)
    item = window.graph.item_of(node.id)
    messages: list[str] = []
    window.graph.message.connect(messages.append)
    item.setSelected(True)
    item.setPos(QPointF(target.x + 5, node.y))
    window.graph.nodes_dropped(item)
    assert item.pos() == QPointF(node.x, node.y), "back where it was"
    assert "locked" in messages[-1] and target.title in messages[-1]
    assert all(doc.workloads[w].wave_id != target.wave_id for w in node.workloads)
    assert window.session.undo_stack.count() == 1, "only the lock"


def test_drop_on_not_in_a_wave_takes_a_whole_application_out_of_its_wave(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    show_graph(qtbot, window, example_copy)
    doc = window.session.doc
    graph = window.graph.graph
    assert graph is not None and graph.layout is not None
    node = next(n for n in graph.nodes.values() if n.column and len(n.workloads) > 1)
    unplaced = graph.layout.column(0)
    assert unplaced is not None
    item = window.graph.item_of(node.id)
    item.setSelected(True)
    item.setPos(QPointF(unplaced.x + 4, node.y))
    window.graph.nodes_dropped(item)
    assert all(doc.workloads[w].wave_id is None for w in node.workloads)
    assert window.undo_action.text() == f"&Undo Move application {node.label} to no wave"
    assert window.session.undo_stack.count() == 1, "the whole application in one step"
    window.undo_action.trigger()
    assert all(doc.workloads[w].wave_id is not None for w in node.workloads)


def test_export_png_and_svg(
    qtbot: Any,
    window: MainWindow,
    example_copy: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from migplan.gui.dialogs import Ask

    show_graph(qtbot, window, example_copy)
    graph = window.graph.graph
    assert graph is not None
    png, svg = tmp_path / "graph.png", tmp_path / "graph.svg"
    answers = iter([png, svg])
    monkeypatch.setattr(Ask, "export_path", classmethod(lambda *a: next(answers)))
    menu = window.graph.findChild(QMenu)
    assert menu is not None
    actions = {a.text(): a for a in menu.actions()}
    actions["As PNG image…"].trigger()
    actions["As SVG drawing…"].trigger()
    image = QImage(str(png))
    assert not image.isNull() and image.width() > 1000
    root = ET.parse(svg).getroot()
    text = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    shown = [i.elided_label() for i in window.graph.node_items()]
    assert all(label in text for label in shown)
    assert "Foundation" in text and NO_WAVE in text, "column headers are in the drawing"


def test_edges_filter_to_those_crossing_waves(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    show_graph(qtbot, window, example_copy)
    total = len(window.graph.shown_edges())
    qtbot.mouseClick(window.graph.only_problems, Qt.MouseButton.LeftButton)
    crossing = window.graph.shown_edges()
    assert 0 < len(crossing) < total
    graph = window.graph.graph
    assert graph is not None
    assert all(graph.nodes[e.source].column != graph.nodes[e.target].column for e in crossing)


def test_double_click_a_node_selects_its_workloads(
    qtbot: Any, window: MainWindow, example_copy: Path
) -> None:
    show_graph(qtbot, window, example_copy)
    item = window.graph.node_items()[0]
    view = window.graph.view
    view.centerOn(item)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre_of(window, item))
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
    edge = next(e for e in window.graph.shown_edges() if drawn[0].id in e.dependencies)
    assert "drawn by hand" in window.graph.tooltip_at(point_on(window, edge))
    count = len(edge.dependencies)
    window.graph.remove_edge(edge)
    assert drawn[0].id not in doc.dependencies
    assert window.undo_action.text() == f"&Undo Remove {count} dependencies"
    window.undo_action.trigger()
    assert drawn[0].id in doc.dependencies


def test_links_reaching_out_of_view_are_cut_to_it() -> None:
    import numpy as np
    from PySide6.QtCore import QLineF, QRectF

    from migplan.gui.graph_edges import _clipped

    rect = QRectF(0, 0, 10, 10)
    lines = _clipped(
        np.array([[-10.0, 5, 20, 5], [-10, -10, -5, -5], [2, 2, 4, 4], [5, -5, 5, 15]]), rect
    )
    assert lines == [QLineF(0, 5, 10, 5), QLineF(2, 2, 4, 4), QLineF(5, 0, 5, 10)]
