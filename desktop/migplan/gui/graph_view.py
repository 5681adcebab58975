"""The Dependencies tab: applications in wave columns, dependencies between them, where each
came from. The layout comes from ``migplan.core.appgraph``; this module only draws it."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QWheelEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSceneContextMenuEvent,
    QGraphicsSceneMouseEvent,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from migplan.core.appgraph import COLUMN_WIDTH, AppGraph, GraphEdge, GraphNode, build_app_graph
from migplan.core.changes import ChangeSummary
from migplan.core.commands import RemoveEntities
from migplan.core.enums import EntityKind
from migplan.core.errors import CommandError
from migplan.gui.session import DocumentSession

NODE_W = 190.0
NODE_H = 30.0
KIND_COLOURS = {"application": "#dbe7fb", "workload": "#eceef2", "external": "#fdebd3"}
EDGE_BACKWARDS = QColor("#c62828")
EDGE_CROSSING = QColor("#2f6fde")
EDGE_SAME = QColor("#9aa1ad")


class NodeItem(QGraphicsRectItem):
    def __init__(self, node: GraphNode, view: GraphView) -> None:
        super().__init__(0, 0, NODE_W, NODE_H)
        self.node = node
        self._view = view
        self.setPos(node.x, node.y)
        self.setBrush(QBrush(QColor(KIND_COLOURS[node.kind])))
        pen = QPen(QColor("#8a93a3"), 1)
        if node.kind == "external":
            pen.setStyle(Qt.PenStyle.DashLine)
        if len(node.wave_names) > 1:
            pen = QPen(EDGE_BACKWARDS, 2)
        self.setPen(pen)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        label = QGraphicsSimpleTextItem(_elide(node.label, 28), self)
        label.setPos(8, 7)
        count = QGraphicsSimpleTextItem(str(len(node.workloads)) if node.workloads else "", self)
        count.setBrush(QBrush(QColor("#5b6270")))
        count.setPos(NODE_W - 8 - count.boundingRect().width(), 7)
        waves = ", ".join(node.wave_names) or "no wave"
        split = "\nSplit across waves!" if len(node.wave_names) > 1 else ""
        self.setToolTip(
            f"{node.label} ({node.kind})\n{len(node.workloads)} workloads, {waves}{split}"
        )

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self.node.workloads:
            self._view.show_workloads.emit(list(self.node.workloads))


class EdgeItem(QGraphicsPathItem):
    def __init__(self, edge: GraphEdge, a: GraphNode, b: GraphNode, view: GraphView) -> None:
        super().__init__()
        self.edge = edge
        self._view = view
        start = QPointF(a.x + NODE_W, a.y + NODE_H / 2)
        end = QPointF(b.x, b.y + NODE_H / 2)
        if a.column == b.column:  # loop out to the right and back
            start = QPointF(a.x + NODE_W, a.y + NODE_H / 2)
            end = QPointF(b.x + NODE_W, b.y + NODE_H / 2)
            bulge = 40 + abs(a.y - b.y) * 0.15
            path = QPainterPath(start)
            path.cubicTo(start + QPointF(bulge, 0), end + QPointF(bulge, 0), end)
        else:
            if b.column < a.column:  # the usual case: the dependency moves earlier, to the left
                start = QPointF(a.x, a.y + NODE_H / 2)
                end = QPointF(b.x + NODE_W, b.y + NODE_H / 2)
            dx = max(40.0, abs(end.x() - start.x()) * 0.35)
            direction = 1.0 if end.x() > start.x() else -1.0
            path = QPainterPath(start)
            path.cubicTo(start + QPointF(direction * dx, 0), end - QPointF(direction * dx, 0), end)
        self.setPath(path)
        colour = (
            EDGE_BACKWARDS
            if edge.backwards
            else (EDGE_SAME if a.column == b.column else EDGE_CROSSING)
        )
        pen = QPen(colour, min(5.0, 0.8 + math.log10(1 + edge.weight)))
        if edge.manual and edge.manual == len(edge.dependencies):
            pen.setStyle(Qt.PenStyle.DashLine)
        self.setPen(pen)
        self.setZValue(-1)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        ports = ", ".join(str(p) for p in sorted(edge.ports)[:8]) or "unknown"
        origins = "\n".join(
            f"  {n} {what}" for what, n in sorted(edge.origins.items(), key=lambda kv: -kv[1])
        )
        warn = "\nThe dependant moves BEFORE what it depends on." if edge.backwards else ""
        self.setToolTip(
            f"{a.label} → {b.label}\n{len(edge.dependencies)} dependencies, traffic {edge.weight:,.1f}, "
            f"ports {ports}{warn}\nWhere they came from:\n{origins}"
        )

    def contextMenuEvent(self, event: QGraphicsSceneContextMenuEvent) -> None:
        menu = self._view.edge_menu(self.edge)
        menu.exec(event.screenPos())


class ZoomView(QGraphicsView):
    """Ctrl + wheel zooms around the mouse; the wheel alone scrolls."""

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            factor = 1.15 if event.angleDelta().y() > 0 else 1 / 1.15
            self.scale(factor, factor)
            event.accept()
            return
        super().wheelEvent(event)


class GraphView(QWidget):
    show_workloads = Signal(list)
    message = Signal(str)

    def __init__(self, session: DocumentSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.graph: AppGraph | None = None
        self._dirty = True
        self.scene = QGraphicsScene(self)
        # The scene changes wholesale; an index only costs time (5 s vs 0.5 s at 5k nodes).
        self.scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.view = ZoomView(self.scene, self)
        self.view.setObjectName("graph-view")
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.view.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.view.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.only_problems = QCheckBox("Only dependencies that cross waves", self)
        self.only_problems.setObjectName("graph-only-crossing")
        self.only_problems.toggled.connect(self._on_only_problems_toggled)
        self.show_shared = QCheckBox("Show shared services", self)
        self.show_shared.setObjectName("graph-show-shared")
        self.show_shared.setToolTip("DNS, directory, NTP, backup... connect to almost everything")
        self.show_shared.toggled.connect(lambda _on: self.refresh())
        fit = QPushButton("Fit to window", self)
        fit.clicked.connect(self.fit)
        self.summary = QLabel(self)
        self.summary.setObjectName("graph-summary")
        top = QHBoxLayout()
        top.addWidget(self.only_problems)
        top.addWidget(self.show_shared)
        top.addWidget(fit)
        top.addStretch(1)
        top.addWidget(self.summary)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.view)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.refresh)
        session.reset.connect(self._on_session_reset)
        session.changed.connect(self._on_session_changed)

    # -- refresh (lazy: only while visible) ------------------------------------------------

    def _on_session_reset(self) -> None:
        self._dirty = True
        if self.isVisible():
            self.refresh()
            self.fit()

    def _on_session_changed(self, summary: ChangeSummary) -> None:
        relevant = (
            EntityKind.DEPENDENCY,
            EntityKind.WAVE,
            EntityKind.APPLICATION,
            EntityKind.EXTERNAL,
        )
        moved = "wave_id" in summary.fields.get(
            EntityKind.WORKLOAD, set()
        ) or "application_id" in summary.fields.get(EntityKind.WORKLOAD, set())
        if (
            any(summary.touches(k) for k in relevant)
            or moved
            or summary.structural(EntityKind.WORKLOAD)
        ):
            self._dirty = True
            if self.isVisible():
                self._timer.start()

    def showEvent(self, event: object) -> None:  # type: ignore[override]
        if self._dirty:
            self.refresh()
            # Fit once the view has its final size (after this show's layout pass).
            QTimer.singleShot(50, self.fit)

    def refresh(self) -> None:
        self._dirty = False
        self.graph = build_app_graph(
            self._session.doc, hide_shared=not self.show_shared.isChecked()
        )
        self._draw()

    def _draw(self) -> None:
        graph = self.graph
        self.scene.clear()
        if graph is None:
            return
        only = self.only_problems.isChecked()
        shown_edges = [
            e
            for e in graph.edges
            if not only or graph.nodes[e.source].column != graph.nodes[e.target].column
        ]
        keep = {n for e in shown_edges for n in (e.source, e.target)} if only else set(graph.nodes)
        for node in graph.nodes.values():
            if node.id in keep:
                self.scene.addItem(NodeItem(node, self))
        for edge in shown_edges:
            self.scene.addItem(
                EdgeItem(edge, graph.nodes[edge.source], graph.nodes[edge.target], self)
            )
        content = self.scene.itemsBoundingRect()
        header_font = QFont()
        header_font.setBold(True)
        for col in sorted({n.column for n in graph.nodes.values() if n.id in keep}):
            title = self.scene.addSimpleText(graph.columns[col], header_font)
            title.setPos(col * COLUMN_WIDTH, -40)
            band = self.scene.addRect(
                QRectF(col * COLUMN_WIDTH - 12, -48, NODE_W + 24, content.bottom() + 60),
                QPen(Qt.PenStyle.NoPen),
                QBrush(QColor("#f3f5f8")),
            )
            band.setZValue(-2)
        self.scene.setSceneRect(self.scene.itemsBoundingRect().adjusted(-20, -20, 20, 20))
        backwards = sum(1 for e in graph.edges if e.backwards)
        crossing = sum(
            1 for e in graph.edges if graph.nodes[e.source].column != graph.nodes[e.target].column
        )
        self.summary.setText(
            f"{len(graph.nodes)} nodes · {len(graph.edges)} links · {crossing} cross waves · {backwards} point backwards"
        )

    def fit(self) -> None:
        """Fit the width of the wave columns (labels stay readable), top row in view."""
        rect = self.scene.sceneRect()
        width = max(1, self.view.viewport().width() - 4)
        scale = min(1.2, max(0.3, width / max(rect.width(), 1.0)))
        self.view.resetTransform()
        self.view.scale(scale, scale)
        visible_h = self.view.viewport().height() / scale
        self.view.centerOn(rect.center().x(), rect.top() + min(rect.height(), visible_h) / 2)

    def _on_only_problems_toggled(self, checked: bool) -> None:
        self._draw()

    # -- editing --------------------------------------------------------------------------

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

    def edge_items(self) -> list[EdgeItem]:
        return [i for i in self.scene.items() if isinstance(i, EdgeItem)]

    def node_items(self) -> list[NodeItem]:
        return [i for i in self.scene.items() if isinstance(i, NodeItem)]


def _elide(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
