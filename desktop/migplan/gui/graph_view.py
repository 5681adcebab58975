"""The Dependencies tab: applications or workloads in wave columns, coloured by wave, class,
disposition or risk, with a legend, search, neighbour highlight, drag to another wave and
export. The graph and its layout come from ``migplan.core`` (appgraph, graph_layout,
graph_colours); this module only draws them and turns gestures into core commands."""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QKeySequence,
    QPainter,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from migplan.core.appgraph import (
    AppGraph,
    GraphEdge,
    GraphLevel,
    GraphNode,
    build_app_graph,
)
from migplan.core.changes import ChangeSummary
from migplan.core.commands import Command, RemoveEntities, UpdateEntities
from migplan.core.enums import EntityKind
from migplan.core.errors import CommandError
from migplan.core.gcpause import gc_paused
from migplan.core.graph_colours import ColourBy, Colouring, colour_nodes
from migplan.core.graph_layout import (
    EXTERNAL_COLUMN,
    HEADER,
    GraphLayout,
    column_of,
)
from migplan.core.ids import WaveId
from migplan.core.wave_edits import move_applications, move_workloads
from migplan.gui.analysis import AnalysisService
from migplan.gui.debounce import debounced
from migplan.gui.graph_columns import draw_columns, hidden_by_wave
from migplan.gui.graph_describe import describe_edge, describe_node
from migplan.gui.graph_edges import EdgeLayer
from migplan.gui.graph_export import export, export_dialog
from migplan.gui.graph_items import TEXT_LOD, HeaderItem, NodeItem
from migplan.gui.graph_legend import Legend, colour_of
from migplan.gui.graph_zoom import ZoomView
from migplan.gui.session import DocumentSession

#: The scale a graph opens at when the whole of it would be too small to read.
READABLE = 0.72


class GraphView(QWidget):
    show_workloads = Signal(list)
    message = Signal(str)

    def __init__(
        self,
        session: DocumentSession,
        parent: QWidget | None = None,
        analysis: AnalysisService | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._analysis = analysis
        self.graph: AppGraph | None = None
        self.colouring: Colouring | None = None
        self.edge_layer: EdgeLayer | None = None
        self._items: dict[str, NodeItem] = {}
        self._dirty = True
        #: The analysis changed while hidden: colour again when shown.
        self._colours_stale = False
        self.scene = QGraphicsScene(self)
        # The scene changes wholesale; an index only costs time (5 s vs 0.5 s at 5k nodes).
        self.scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.scene.selectionChanged.connect(self._on_scene_selection_changed)
        self.view = ZoomView(self.scene, self)
        self.view.setObjectName("graph-view")
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.view.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.view.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.view.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.view.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.view.verticalScrollBar().valueChanged.connect(self._on_view_scrolled)
        self.view.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState)

        self.level = QComboBox(self)
        self.level.setObjectName("graph-level")
        self.level.addItem("Applications", GraphLevel.APPLICATIONS.value)
        self.level.addItem("Workloads", GraphLevel.WORKLOADS.value)
        self.level.setToolTip("Show applications (their dependencies folded) or every workload")
        self.level.currentIndexChanged.connect(self._on_level_current_index_changed)
        self.colour_by = QComboBox(self)
        self.colour_by.setObjectName("graph-colour-by")
        for by in ColourBy:
            self.colour_by.addItem(by.label, by.value)
        self.colour_by.currentIndexChanged.connect(lambda _i: self._recolour())
        self.search = QLineEdit(self)
        self.search.setObjectName("graph-search")
        self.search.setPlaceholderText("Find a node by name…")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(lambda: self.find_node(self.search.text()))
        self._last_search: tuple[str, list[str]] | None = None
        self._match = 0
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self._on_find_activated)
        self.only_problems = QCheckBox("Only links that cross waves", self)
        self.only_problems.setObjectName("graph-only-crossing")
        self.only_problems.toggled.connect(self._on_only_problems_toggled)
        self.show_shared = QCheckBox("Show shared services", self)
        self.show_shared.setObjectName("graph-show-shared")
        self.show_shared.setToolTip(
            "DNS, directory, NTP, backup... connect to almost everything: shown, their links "
            "are faded (pale grey) unless one of their ends is selected"
        )
        self.show_shared.toggled.connect(lambda _on: self.refresh())
        fit = QPushButton("Fit", self)
        fit.setToolTip("Fit the whole graph in the window")
        fit.clicked.connect(self.fit)
        export = QPushButton("Export…", self)
        export.setObjectName("graph-export")
        menu = QMenu(export)
        menu.addAction("As PNG image…", lambda: self.export_dialog("png"))
        menu.addAction("As SVG drawing…", lambda: self.export_dialog("svg"))
        export.setMenu(menu)
        self.summary = QLabel(self)
        self.summary.setObjectName("graph-summary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.legend = Legend(self)

        top = QHBoxLayout()
        top.addWidget(QLabel("Show", self))
        top.addWidget(self.level)
        top.addWidget(QLabel("Colour by", self))
        top.addWidget(self.colour_by)
        top.addWidget(self.search, 1)
        top.addWidget(self.only_problems)
        top.addWidget(self.show_shared)
        top.addWidget(fit)
        top.addWidget(export)
        middle = QHBoxLayout()
        middle.addWidget(self.view, 1)
        middle.addWidget(self.legend)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addWidget(self.summary)
        self._timer = debounced(self, 150, self.refresh)
        session.reset.connect(self._on_session_reset)
        session.changed.connect(self._on_session_changed)
        if analysis is not None:
            analysis.updated.connect(self._on_analysis_updated)

    # -- refresh (lazy: only while visible) ------------------------------------------------

    def _on_session_reset(self) -> None:
        self._dirty = True
        if self.isVisible():
            self.refresh()
            self.first_view()

    def _on_session_changed(self, summary: ChangeSummary) -> None:
        relevant = (
            EntityKind.DEPENDENCY,
            EntityKind.WAVE,
            EntityKind.APPLICATION,
            EntityKind.EXTERNAL,
        )
        fields = summary.fields.get(EntityKind.WORKLOAD, set())
        if (
            any(summary.touches(k) for k in relevant)
            or "wave_id" in fields
            or "application_id" in fields
            or "name" in fields
            or summary.structural(EntityKind.WORKLOAD)
        ):
            self._dirty = True
            if self.isVisible():
                self._timer.start()

    def _on_analysis_updated(self, changed: object) -> None:
        if self.isVisible():
            self._recolour()
        else:
            self._colours_stale = True

    def showEvent(self, event: QShowEvent) -> None:
        if self._dirty:
            self.refresh()
            # Fit once the view has its final size (after this show's layout pass).
            QTimer.singleShot(50, self.first_view)
        elif self._colours_stale:
            self._recolour()

    @property
    def current_level(self) -> GraphLevel:
        return GraphLevel(self.level.currentData())

    @property
    def current_colour_by(self) -> ColourBy:
        return ColourBy(self.colour_by.currentData())

    def refresh(self) -> None:
        """Rebuild the graph and its layout from the document (keeps the selection)."""
        self._dirty = False
        self._timer.stop()
        selected = [i.node.id for i in self.selected_items()]
        assessment = self._analysis.assessment if self._analysis else None
        shared = (
            assessment.shared_ids()
            if assessment is not None and assessment.doc is self._session.doc
            else None
        )
        # Thousands of small objects: no full collections walking the whole plan meanwhile.
        with gc_paused():
            self.graph = build_app_graph(
                self._session.doc,
                hide_shared=not self.show_shared.isChecked(),
                level=self.current_level,
                shared=shared,
            )
            self._draw()
        for nid in selected:
            if nid in self._items:
                self._items[nid].setSelected(True)

    def _draw(self) -> None:
        graph = self.graph
        # Forget the items before the scene deletes them (clearing emits selectionChanged).
        self._items = {}
        self._headers: list[HeaderItem] = []
        self.edge_layer = None
        self.scene.clear()
        if graph is None or graph.layout is None:
            return
        layout = graph.layout
        self._draw_columns(graph, layout)
        for node in graph.nodes.values():
            item = NodeItem(node, self, layout.node_width, layout.node_height)
            self._items[node.id] = item
            self.scene.addItem(item)
        self.edge_layer = EdgeLayer(graph, graph.edges, layout.node_width, layout.node_height)
        self.scene.addItem(self.edge_layer)
        self._apply_edge_filter()
        self._recolour()
        # Room above for the headers, which keep their size on screen when zoomed out.
        self.fit_scene_rect(max(self.view.transform().m11(), 0.05))
        backwards = sum(1 for e in graph.edges if e.backwards)
        crossing = sum(
            1 for e in graph.edges if graph.nodes[e.source].column != graph.nodes[e.target].column
        )
        shared = sum(1 for n in graph.nodes.values() if n.shared)
        shared_note = (
            f" · {shared} shared-service node{'s' if shared != 1 else ''}, links faded"
            if shared
            else ""
        )
        self.summary.setText(
            f"{len(graph.nodes):,} nodes · {len(graph.edges):,} links · {crossing:,} cross "
            f"waves · {backwards:,} point backwards{shared_note}"
            " · Ctrl+wheel zooms; drag a node to another wave column to move it"
        )

    def _draw_columns(self, graph: AppGraph, layout: GraphLayout) -> None:
        self._headers = draw_columns(self.scene, layout, hidden_by_wave(graph, self._session.doc))

    def fit_scene_rect(self, scale: float) -> None:
        """The scene's extent at ``scale``: the layout, and above it the room the headers
        take on screen (the same pixels at every zoom, so more scene units zoomed out)."""
        layout = self.graph.layout if self.graph is not None else None
        if layout is None:
            return
        top = HEADER - 4 - (HeaderItem.HEIGHT + 8) / scale
        self.scene.setSceneRect(QRectF(-20, top, layout.width + 40, layout.height - top + 20))

    def pin_headers(self) -> None:
        """Keep the column headers in view when scrolled down a tall graph: they move down
        with the view's top edge (never above their place over the first row)."""
        # While the widget is destroyed the scene (and its headers) may go first, and the
        # view's scroll bar still reports its last change.
        if not self._headers or not shiboken6.isValid(self._headers[0]):
            return
        scale = max(self.view.transform().m11(), 0.01)
        top = self.view.mapToScene(QPoint(0, 0)).y()
        want = top + (HeaderItem.HEIGHT + 6) / scale
        # A few pixels of slack: the scroll range rounds the scene's top to whole pixels.
        pinned = want > HEADER - 4 + 8 / scale
        y = want if pinned else HEADER - 4
        for header in self._headers:
            if header.y() != y or header.pinned != pinned:
                header.pinned = pinned
                header.setY(y)
                header.update()

    def _on_view_scrolled(self, value: int) -> None:
        self.pin_headers()

    def fit(self) -> None:
        """The whole graph in view (labels show when that leaves them readable)."""
        layout = self.graph.layout if self.graph is not None else None
        if layout is None:
            return
        vw = max(1, self.view.viewport().width() - 4)
        vh = max(1, self.view.viewport().height() - 4)
        # Solve for the scale that fits the layout plus the headers' fixed pixels.
        room = HeaderItem.HEIGHT + 8 + 4
        scale = min(1.2, vw / (layout.width + 40), max(0.01, vh - room) / (layout.height + 20))
        self.view.set_scale(scale)
        self.view.centerOn(self.scene.sceneRect().center())

    def first_view(self) -> None:
        """How a graph opens: whole when it fits at a readable size or is too big to read
        anyway (thousands of nodes: the overview first); else readable, from the first
        wave on the left (scroll or Fit for the rest)."""
        self.fit()
        graph = self.graph
        if graph is None or self.view.transform().m11() >= READABLE:
            return
        if len(graph.nodes) > 1500:
            return
        self.view.set_scale(READABLE)
        rect = self.scene.sceneRect()
        vw = self.view.viewport().width() / READABLE
        vh = self.view.viewport().height() / READABLE
        self.view.centerOn(rect.left() + vw / 2, rect.top() + vh / 2)

    # -- colours, legend ---------------------------------------------------------------

    def _recolour(self) -> None:
        self._colours_stale = False
        graph = self.graph
        if graph is None:
            return
        assessment = self._analysis.assessment if self._analysis else None
        if assessment is not None and assessment.doc is not self._session.doc:
            assessment = None
        classes = (
            {w: c.workload_class for w, c in assessment.classes.items()} if assessment else None
        )
        dispositions = dict(assessment.dispositions) if assessment else None
        bands = {w: r.band.value for w, r in assessment.risks.items()} if assessment else None
        by = self.current_colour_by
        self.colouring = colour_nodes(graph, by, classes, dispositions, bands)
        for nid, item in self._items.items():
            item.fill = colour_of(self.colouring.of_node[nid])
            item.update()
        self.legend.show_colouring(self.colouring)

    # -- selection: neighbours highlighted ---------------------------------------------

    def selected_items(self) -> list[NodeItem]:
        return [i for i in self.scene.selectedItems() if isinstance(i, NodeItem)]

    def _on_scene_selection_changed(self) -> None:
        graph, layer = self.graph, self.edge_layer
        if graph is None or layer is None or not shiboken6.isValid(layer):
            return
        chosen = {i.node.id for i in self.selected_items()}
        if not chosen:
            for item in self._items.values():
                if item.dimmed:
                    item.dimmed = False
                    item.update()
            layer.focus = None
            layer.update()
            return
        focus, ends = layer.touching(chosen)
        near = chosen | ends
        for nid, item in self._items.items():
            dim = nid not in near
            if item.dimmed != dim:
                item.dimmed = dim
                item.update()
        layer.focus = focus
        layer.update()
        if len(chosen) == 1:
            node = graph.nodes[next(iter(chosen))]
            self.message.emit(
                f"{node.label}: {len(near) - 1} neighbour{'s' if len(near) != 2 else ''} "
                f"highlighted, {len(focus)} link{'s' if len(focus) != 1 else ''}"
            )

    def highlighted(self) -> set[str]:
        """Ids of the nodes drawn at full strength (all when nothing is selected)."""
        return {nid for nid, item in self._items.items() if not item.dimmed}

    # -- search --------------------------------------------------------------------------

    def _on_find_activated(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def find_node(self, text: str) -> GraphNode | None:
        """Select the node whose name matches ``text`` best (whole name, then the start,
        then anywhere, ignoring case) and centre it, zoomed in enough to read. The same
        text again goes to the next match."""
        needle = text.strip().casefold()
        if not needle or self.graph is None:
            return None

        def rank(node: GraphNode) -> int:
            name = node.label.casefold()
            return 0 if name == needle else 1 if name.startswith(needle) else 2

        matches = sorted(
            (n for n in self.graph.nodes.values() if needle in n.label.casefold()),
            key=lambda n: (rank(n), n.label.casefold(), n.id),
        )
        if not matches:
            self.message.emit(f"No node named like “{text.strip()}” in this view")
            return None
        again = self._last_search == (needle, [n.id for n in matches])
        self._match = (self._match + 1) % len(matches) if again else 0
        self._last_search = (needle, [n.id for n in matches])
        found = matches[self._match]
        item = self._items[found.id]
        self.scene.clearSelection()
        item.setSelected(True)
        if self.view.transform().m11() < 0.8:
            self.view.set_scale(1.0)
        self.view.centerOn(item)
        if len(matches) > 1:
            self.message.emit(
                f"{found.label}: match {self._match + 1} of {len(matches)} (Enter for the next)"
            )
        return found

    # -- describing ----------------------------------------------------------------------

    def describe_node(self, node: GraphNode) -> str:
        return describe_node(node, self._session.doc, self.colouring)

    def describe_edge(self, edge: GraphEdge) -> str:
        assert self.graph is not None
        return describe_edge(self.graph, edge)

    def tooltip_at(self, pos: QPoint) -> str:
        item = self.view.itemAt(pos)
        if isinstance(item, NodeItem):
            return item.tooltip_text()
        edge = self.edge_at(pos)
        return self.describe_edge(edge) if edge is not None else ""

    def edge_at(self, pos: QPoint) -> GraphEdge | None:
        if self.edge_layer is None:
            return None
        scale = max(self.view.transform().m11(), 0.01)
        return self.edge_layer.edge_at(self.view.mapToScene(pos), 5.0 / scale)

    # -- filters -------------------------------------------------------------------------

    def _on_level_current_index_changed(self, index: int) -> None:
        self.refresh()
        self.first_view()

    def _on_only_problems_toggled(self, checked: bool) -> None:
        self._apply_edge_filter()

    def _apply_edge_filter(self) -> None:
        graph, layer = self.graph, self.edge_layer
        if graph is None or layer is None:
            return
        if self.only_problems.isChecked():
            nodes = graph.nodes
            layer.set_hidden(lambda e: column_of(nodes[e.source]) == column_of(nodes[e.target]))
        else:
            layer.set_hidden(None)

    def shown_edges(self) -> list[GraphEdge]:
        """The edges drawn (the filter applied)."""
        layer = self.edge_layer
        if layer is None:
            return []
        hidden = layer._kind_hidden
        return [e for i, e in enumerate(layer.edges) if hidden is None or not hidden[i]]

    # -- editing --------------------------------------------------------------------------

    def nodes_dropped(self, dragged: NodeItem) -> None:
        """Nodes were dragged: those dropped over another wave column move there, all of
        them in one undo step; anything else goes back where it was."""
        graph = self.graph
        if graph is None or graph.layout is None:
            return
        moved = [i for i in self.selected_items() if i.pos() != _home(i)] or [dragged]
        centre = dragged.sceneBoundingRect().center()
        column = graph.layout.column_at(centre.x())
        if column is None or column.column == EXTERNAL_COLUMN:
            self._snap_back(moved)
            return
        moving = [i for i in moved if i.node.workloads and column_of(i.node) != column.column]
        try:
            command = self._move_command([i.node for i in moving], column.wave_id)
            if command is None:
                self._snap_back(moved)
                return
            self._session.execute(command)
        except CommandError as exc:  # a locked wave, a pinned workload: said, nothing moved
            self._snap_back(moved)
            self.message.emit(str(exc))
            return
        self.message.emit(command.label.replace("Move", "Moved", 1))
        self.refresh()

    def _move_command(self, nodes: list[GraphNode], wave_id: str | None) -> Command | None:
        """The core's move (``core.wave_edits``) of what ``nodes`` stand for: a whole
        application by its name, a part of a split one or workloads by theirs."""
        doc = self._session.doc
        if len(nodes) == 1 and nodes[0].kind == "application" and not nodes[0].split_total:
            app = nodes[0].application_id
            if wave_id is not None:
                return move_applications(doc, [app], wave_id)
            found = move_workloads(doc, nodes[0].workloads, None)
            if not isinstance(found, UpdateEntities):
                return found
            return UpdateEntities(found.changes, f"Move application {nodes[0].label} to no wave")
        found = move_workloads(doc, [w for n in nodes for w in n.workloads], wave_id)
        if len(nodes) == 1 and nodes[0].split_total and isinstance(found, UpdateEntities):
            where = doc.waves[WaveId(wave_id)].name if wave_id else "no wave"
            n = len(nodes[0].workloads)
            label = f"Move {n} workload{'s' if n != 1 else ''} of {nodes[0].label} to {where}"
            return UpdateEntities(found.changes, label)
        return found

    def _snap_back(self, items: list[NodeItem]) -> None:
        for item in items:
            item.setPos(_home(item))

    def edge_menu(self, edge: GraphEdge) -> QMenu:
        menu = QMenu(self)
        n = len(edge.dependencies)
        remove = menu.addAction(
            f"Remove {'this dependency' if n == 1 else f'these {n} dependencies'}"
        )
        remove.triggered.connect(lambda: self.remove_edge(edge))
        return menu

    def remove_edge(self, edge: GraphEdge) -> None:
        try:
            self._session.execute(
                RemoveEntities(
                    tuple(edge.dependencies), f"Remove {len(edge.dependencies)} dependencies"
                )
            )
        except CommandError as exc:
            self.message.emit(str(exc))

    def node_items(self) -> list[NodeItem]:
        return list(self._items.values())

    def item_of(self, node_id: str) -> NodeItem:
        return self._items[node_id]

    # -- export ---------------------------------------------------------------------------

    def export_dialog(self, kind: str) -> Path | None:
        """Ask where, then write the graph as ``kind`` ("png" or "svg")."""
        return export_dialog(self, kind)

    def export(self, path: Path) -> Path | None:
        """Write the whole graph, as drawn at full detail, to a PNG or SVG file."""
        return export(self, path)

    @property
    def session_path(self) -> Path | None:
        """The open plan's file, if it has one (exports are named beside it)."""
        return self._session.path

    @property
    def text_visible(self) -> bool:
        """True when the zoom shows labels (level of detail)."""
        return self.view.transform().m11() >= TEXT_LOD


def _home(item: NodeItem) -> QPointF:
    """Where the layout put a node's box."""
    return QPointF(item.node.x, item.node.y)
