"""The dependency graph's view: Ctrl + wheel zooms, and edges (one layer, not items) answer
tooltips and the context menu through the graph widget."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QContextMenuEvent, QHelpEvent, QTransform, QWheelEvent
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QToolTip

from migplan.gui.graph_items import NodeItem
from migplan.gui.style import plain_tooltip

if TYPE_CHECKING:
    from migplan.gui.graph_view import GraphView


class ZoomView(QGraphicsView):
    """Ctrl + wheel zooms around the mouse; the wheel alone scrolls. Tooltips and the
    context menu of edges are answered by the edge layer (edges are not items)."""

    def __init__(self, scene: QGraphicsScene, owner: GraphView) -> None:
        super().__init__(scene, owner)
        self._owner = owner

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            factor = 1.15 if event.angleDelta().y() > 0 else 1 / 1.15
            self.zoom_by(factor)
            event.accept()
            return
        super().wheelEvent(event)

    def zoom_by(self, factor: float) -> None:
        scale = self.transform().m11() * factor
        if 0.02 <= scale <= 4.0:
            self.set_scale(scale)

    def set_scale(self, scale: float) -> None:
        """Zoom to ``scale`` (the anchor as set), with room above for the headers."""
        self._owner.fit_scene_rect(scale)
        self.setTransform(QTransform.fromScale(scale, scale))
        self._owner.pin_headers()

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self._owner.tooltip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), plain_tooltip(text), self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        pos = event.pos()
        edge = self._owner.edge_at(pos)
        if edge is not None and not isinstance(self.itemAt(pos), NodeItem):
            self._owner.edge_menu(edge).exec(event.globalPos())
