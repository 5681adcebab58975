"""The nodes of the dependency graph and its column headers (the edges are one layer of
their own: ``graph_edges``).

Level of detail (the Qt chip demo's idiom): zoomed out, a node is a coloured box without
text; zoomed in, it shows its label, elided to the box before its count, the full name in
the tooltip. Headers keep their size on screen at every zoom.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPen,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneMouseEvent,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from migplan.core.appgraph import GraphNode

if TYPE_CHECKING:
    from migplan.gui.graph_view import GraphView

#: Below this scale a node is a plain box and edges are hairlines.
TEXT_LOD = 0.42

#: The border of an application split across waves.
SPLIT = QColor("#c62828")
BORDER = QColor("#7d8696")
SELECTED = QColor("#1d4fb8")
TEXT = QColor("#1f2430")
BADGE_TEXT = QColor("#4a5160")
HEADER_BACKING = QColor(238, 241, 245, 235)


_FONTS: dict[int, tuple[QFont, QFontMetricsF]] = {}


def label_font(height: float) -> QFont:
    """The label font of a box ``height`` high (one per height, made once)."""
    return _font_and_metrics(height)[0]


def _font_and_metrics(height: float) -> tuple[QFont, QFontMetricsF]:
    size = max(9, round(height * 0.5))
    found = _FONTS.get(size)
    if found is None:
        font = QFont()
        font.setPixelSize(size)
        found = _FONTS[size] = (font, QFontMetricsF(font))
    return found


class HeaderItem(QGraphicsItem):
    """A column's title and counts, the same size on screen at every zoom (so a zoomed-out
    picture still says which column is which), elided to the column's width on screen."""

    HEIGHT = 40

    def __init__(self, title: str, note: str, width: float, short: str = "") -> None:
        super().__init__()
        self.title = title
        self.note = note
        self.short = short or note
        self._width = width
        #: Moved down to stay in view over the nodes (scrolled down): drawn on a backing.
        self.pinned = False
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setZValue(2)

    def boundingRect(self) -> QRectF:
        # Drawn upwards from its anchor, as wide as the column at the largest zoom.
        return QRectF(0, -self.HEIGHT, self._width * 4.0, self.HEIGHT)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        scale = 1.0
        view = widget.parent() if widget is not None else None
        if isinstance(view, QGraphicsView):  # on screen; exports draw at scale 1
            scale = view.transform().m11()
        room = max(20.0, self._width * scale)
        if self.pinned:
            painter.fillRect(QRectF(-4, -self.HEIGHT - 2, room + 8, self.HEIGHT), HEADER_BACKING)
        title_font = QFont()
        title_font.setBold(True)
        title_font.setPixelSize(14)
        note_font = QFont()
        note_font.setPixelSize(11)
        painter.setFont(title_font)
        painter.setPen(TEXT)
        title = QFontMetricsF(title_font).elidedText(self.title, Qt.TextElideMode.ElideRight, room)
        painter.drawText(QRectF(0, -self.HEIGHT, room, 20), Qt.AlignmentFlag.AlignLeft, title)
        painter.setFont(note_font)
        painter.setPen(BADGE_TEXT)
        metrics = QFontMetricsF(note_font)
        note = self.note
        if metrics.horizontalAdvance(note) > room:  # narrow on screen: the short form
            note = self.short
        note = metrics.elidedText(note, Qt.TextElideMode.ElideRight, room)
        painter.drawText(QRectF(0, -self.HEIGHT + 20, room, 16), Qt.AlignmentFlag.AlignLeft, note)


_SELECTABLE = QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
_MOVABLE = _SELECTABLE | QGraphicsItem.GraphicsItemFlag.ItemIsMovable


class NodeItem(QGraphicsItem):
    """A node's box: fill by the chosen colouring, its label elided to fit beside its count
    (the two never overlap), and its full description as a plain-text tooltip."""

    def __init__(self, node: GraphNode, view: GraphView, width: float, height: float) -> None:
        super().__init__()
        self.node = node
        self._view = view
        self._rect = QRectF(0, 0, width, height)
        self.setPos(node.x, node.y)
        self.fill = QColor("#e8ebf0")
        self.dimmed = False
        self._elided: str | None = None
        # Flags combined once (an enum "|" per item costs 0.2 s at 5,000 nodes).
        self.setFlags(_MOVABLE if node.workloads else _SELECTABLE)

    # -- what it says -------------------------------------------------------------------

    @property
    def badge(self) -> str:
        """The count at the right of the box: workloads (of the whole, when split)."""
        n = len(self.node.workloads)
        if self.node.kind != "application":
            return ""
        return f"{n}/{self.node.split_total}" if self.node.split_total else str(n)

    def elided_label(self) -> str:
        """The label as drawn: elided at the right so that it ends before the count."""
        if self._elided is None:
            metrics = _font_and_metrics(self._rect.height())[1]
            room = self._rect.width() - 16
            if self.badge:
                room -= metrics.horizontalAdvance(self.badge) + 8
            self._elided = metrics.elidedText(self.node.label, Qt.TextElideMode.ElideRight, room)
        return self._elided

    def tooltip_text(self) -> str:
        """What hovering shows, as plain text (names come from imported files)."""
        return self._view.describe_node(self.node)

    # -- drawing ------------------------------------------------------------------------

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-2, -2, 2, 2)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        if self.dimmed:
            painter.setOpacity(0.22)
        selected = self.isSelected()
        if lod < TEXT_LOD and not selected:
            painter.fillRect(self._rect, self.fill)
            return
        pen = QPen(BORDER, 1)
        if self.node.kind == "external":
            pen.setStyle(Qt.PenStyle.DashLine)
        if len(self.node.wave_names) > 1:
            pen = QPen(SPLIT, 2)
        if selected:
            pen = QPen(SELECTED, 3)
        painter.setPen(pen)
        painter.setBrush(QBrush(self.fill))
        painter.drawRoundedRect(self._rect, 4, 4)
        if lod < TEXT_LOD:
            return
        painter.setFont(label_font(self._rect.height()))
        text_rect = self._rect.adjusted(8, 0, -8, 0)
        painter.setPen(TEXT)
        align = Qt.AlignmentFlag.AlignVCenter
        painter.drawText(text_rect, align | Qt.AlignmentFlag.AlignLeft, self.elided_label())
        if self.badge:
            painter.setPen(BADGE_TEXT)
            painter.drawText(text_rect, align | Qt.AlignmentFlag.AlignRight, self.badge)

    # -- interaction --------------------------------------------------------------------

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self._press_pos = QPointF(self.pos())
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if self.pos() != getattr(self, "_press_pos", self.pos()):
            self._view.nodes_dropped(self)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self.node.workloads:
            self._view.show_workloads.emit(list(self.node.workloads))
