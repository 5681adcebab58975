"""All edges of the dependency graph in one item, drawn by level of detail.

Zoomed out, links between the same blocks of rows of two columns are bundled into one line
whose width says how many there are; zoomed in, the links in view are curves (straight
lines when there are thousands). With 5,000 nodes and 20,000 edges one layer paints in tens
of milliseconds where 20,000 path items took seconds; it also answers which edge is under
the mouse (tooltips, menus) and which touch a selection.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from migplan.core.appgraph import AppGraph, GraphEdge
from migplan.core.graph_layout import COLUMN_GAP, HEADER, LANE_GAP, ROW_GAP, column_of
from migplan.gui.graph_items import TEXT_LOD

#: Edges drawn as curves only when no more than this many are in view ...
CURVES_MAX = 1500
#: ... one by one (straight) up to this many; more are drawn as bundles.
LINES_MAX = 4000
#: Rows of a column whose links are bundled together when zoomed out.
BLOCK_ROWS = 8

EDGE_BACKWARDS = QColor("#c62828")
EDGE_CROSSING = QColor("#2f6fde")
EDGE_SAME = QColor("#8b93a1")
EDGE_SHARED = QColor("#b9bfca")
#: Opacity (of 255) of the links of shared services, unless one of their ends is selected.
SHARED_ALPHA = 45


def _width_class(mbit_s: float) -> int:
    """0..3: under 1, under 10, under 100, 100 Mbit/s or more."""
    if mbit_s <= 0:
        return 0
    return int(min(3, max(0, math.floor(math.log10(mbit_s)) + 1)))


#: Pen width (scene units) by traffic class, and at low zoom (device pixels).
WIDTHS = (1.0, 1.8, 3.0, 4.5)


class EdgeLayer(QGraphicsItem):
    """All edges of the graph in one item, in buckets of one pen (colour, width class)."""

    SAMPLES = 8

    def __init__(
        self,
        graph: AppGraph,
        edges: list[GraphEdge],
        node_w: float,
        node_h: float,
    ) -> None:
        super().__init__()
        self.setZValue(-1)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.edges = edges
        self.focus: set[int] | None = None  # indices of edges touching the selection
        nodes = graph.nodes
        n = len(edges)
        self._p = np.zeros((n, 4), dtype=np.float64)  # start x, y, end x, y
        self._kind = np.zeros(n, dtype=np.int64)  # 0 backwards, 1 crossing, 2 same, 3 shared
        self._width = np.zeros(n, dtype=np.int64)
        self._loop = np.zeros(n, dtype=np.bool_)
        # How far a link inside one lane bulges out to the right: into the gap beside the
        # lane, never over the next lane's boxes (a cubic reaches 3/4 of its bulge).
        self._bulge = np.zeros(n, dtype=np.float64)
        layout = graph.layout
        for i, e in enumerate(edges):
            a, b = nodes[e.source], nodes[e.target]
            ca, cb = column_of(a), column_of(b)
            ay, by = a.y + node_h / 2, b.y + node_h / 2
            if ca == cb and abs(a.x - b.x) < 1:
                self._p[i] = (a.x + node_w, ay, b.x + node_w, by)
                self._loop[i] = True
                col = layout.column(ca) if layout is not None else None
                last = col is None or a.x + node_w >= col.x + col.width - 1
                room = (COLUMN_GAP / 2 if last else LANE_GAP) - 2
                self._bulge[i] = min(40 + abs(by - ay) * 0.15, room / 0.75)
            elif b.x > a.x:
                self._p[i] = (a.x + node_w, ay, b.x, by)
            elif b.x < a.x:
                self._p[i] = (a.x, ay, b.x + node_w, by)
            else:
                self._p[i] = (a.x + node_w / 2, a.y + node_h, b.x + node_w / 2, b.y)
            if a.shared or b.shared:
                self._kind[i] = 3
            elif e.backwards:
                self._kind[i] = 0
            else:
                self._kind[i] = 1 if ca != cb else 2
            self._width[i] = _width_class(e.mbit_s)
        if n:
            lo = np.minimum(self._p[:, :2], self._p[:, 2:])
            hi = np.maximum(self._p[:, :2], self._p[:, 2:])
            self._box = np.column_stack([lo[:, 0], lo[:, 1], hi[:, 0] + self._bulge, hi[:, 1]])
            self._bounds = QRectF(
                QPointF(float(self._box[:, 0].min()), float(self._box[:, 1].min())),
                QPointF(float(self._box[:, 2].max()), float(self._box[:, 3].max())),
            ).adjusted(-10, -10, 10, 10)
        else:
            self._box = np.zeros((0, 4))
            self._bounds = QRectF()
        self._bundles: list[tuple[QPen, list[QLineF]]] | None = None
        self._graph = graph
        self.node_index = {nid: i for i, nid in enumerate(nodes)}
        self.src = np.fromiter((self.node_index[e.source] for e in edges), np.int64, n)
        self.dst = np.fromiter((self.node_index[e.target] for e in edges), np.int64, n)

    def touching(self, node_ids: set[str]) -> tuple[set[int], set[str]]:
        """Indices of the edges touching ``node_ids``, and the nodes at their other ends."""
        chosen = np.zeros(len(self.node_index), dtype=np.bool_)
        chosen[[self.node_index[n] for n in node_ids if n in self.node_index]] = True
        hit = np.nonzero(chosen[self.src] | chosen[self.dst])[0]
        ends = set(np.concatenate([self.src[hit], self.dst[hit]]).tolist())
        names = list(self.node_index)
        return set(hit.tolist()), {names[i] for i in ends}

    # -- bundles: what a zoomed-out view draws -------------------------------------------

    def bundles(self) -> list[tuple[QPen, list[QLineF]]]:
        """Links between the same blocks of rows of two columns, drawn as one line whose
        width says how many there are: a few hundred lines for 20,000 links, drawn in
        milliseconds, and a picture of where the traffic goes rather than a hairball.
        Links inside one column are left out at this zoom."""
        if self._bundles is not None:
            return self._bundles
        layout = self._graph.layout
        nodes = self._graph.nodes
        out: list[tuple[QPen, list[QLineF]]] = []
        if layout is None or not self.edges:
            self._bundles = out
            return out
        block_h = BLOCK_ROWS * (layout.node_height + ROW_GAP)
        slots = {c.column: c for c in layout.columns}
        groups: dict[tuple[int, int, int, int], list[int]] = {}
        for i, e in enumerate(self.edges):
            a, b = nodes[e.source], nodes[e.target]
            ca, cb = column_of(a), column_of(b)
            if ca == cb:
                continue
            key = (ca, int((a.y - HEADER) // block_h), cb, int((b.y - HEADER) // block_h))
            groups.setdefault(key, []).append(i)
        by_pen: dict[tuple[int, int], list[QLineF]] = {}
        for (ca, ba, cb, bb), members in groups.items():
            left, right = slots[ca], slots[cb]
            ya = HEADER + (ba + 0.5) * block_h
            yb = HEADER + (bb + 0.5) * block_h
            if right.x > left.x:
                line = QLineF(left.x + left.width, ya, right.x, yb)
            else:
                line = QLineF(left.x, ya, right.x + right.width, yb)
            kinds = self._kind[members]
            kind = 0 if (kinds == 0).any() else 3 if (kinds == 3).all() else 1
            width = min(3, int(math.log2(len(members))) // 2)
            by_pen.setdefault((kind, width), []).append(line)
        for (kind, width), lines in sorted(by_pen.items(), key=lambda kv: (kv[0][0] == 0, kv[0])):
            colour = QColor((EDGE_BACKWARDS, EDGE_CROSSING, EDGE_SAME, EDGE_SHARED)[kind])
            colour.setAlpha(150 if kind == 0 else SHARED_ALPHA if kind == 3 else 90)
            pen = QPen(colour, (1.0, 2.0, 3.5, 5.0)[width])
            pen.setCosmetic(True)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            out.append((pen, lines))
        self._bundles = out
        return out

    # -- geometry -----------------------------------------------------------------------

    def boundingRect(self) -> QRectF:
        return self._bounds

    def _path(self, i: int, path: QPainterPath) -> None:
        x1, y1, x2, y2 = self._p[i]
        start, end = QPointF(x1, y1), QPointF(x2, y2)
        path.moveTo(start)
        if self._loop[i]:
            bulge = float(self._bulge[i])
            path.cubicTo(start + QPointF(bulge, 0), end + QPointF(bulge, 0), end)
        elif x1 == x2 or abs(x2 - x1) < 1:
            path.lineTo(end)
        else:
            dx = max(30.0, abs(x2 - x1) * 0.4) * (1.0 if x2 > x1 else -1.0)
            path.cubicTo(start + QPointF(dx, 0), end - QPointF(dx, 0), end)

    def _polyline(self, i: int) -> np.ndarray:
        path = QPainterPath()
        self._path(i, path)
        ts = np.linspace(0.0, 1.0, self.SAMPLES + 1)
        return np.array([[path.pointAtPercent(t).x(), path.pointAtPercent(t).y()] for t in ts])

    def edge_at(self, pos: QPointF, tolerance: float) -> GraphEdge | None:
        """The edge nearest ``pos`` within ``tolerance`` (scene units), else None."""
        if not self.edges:
            return None
        x, y = pos.x(), pos.y()
        box = self._box
        near = np.nonzero(
            (box[:, 0] - tolerance <= x)
            & (x <= box[:, 2] + tolerance)
            & (box[:, 1] - tolerance <= y)
            & (y <= box[:, 3] + tolerance)
        )[0]
        if self._kind_hidden is not None:
            near = near[~self._kind_hidden[near]]
        best, best_d = None, tolerance
        for i in near.tolist()[:2000]:
            pts = self._polyline(i)
            a, b = pts[:-1], pts[1:]
            ab = b - a
            t = np.clip(
                ((x - a[:, 0]) * ab[:, 0] + (y - a[:, 1]) * ab[:, 1])
                / np.maximum((ab**2).sum(axis=1), 1e-9),
                0,
                1,
            )
            d = np.hypot(a[:, 0] + t * ab[:, 0] - x, a[:, 1] + t * ab[:, 1] - y).min()
            if d <= best_d:
                best, best_d = i, float(d)
        return self.edges[best] if best is not None else None

    _kind_hidden: np.ndarray | None = None

    # -- drawing ------------------------------------------------------------------------

    @staticmethod
    def pen_for(kind: int, width: int, zoomed_out: bool, faint: bool = False) -> QPen:
        colour = QColor((EDGE_BACKWARDS, EDGE_CROSSING, EDGE_SAME, EDGE_SHARED)[kind])
        if kind == 3:  # shared services: faded, so that their fan does not hide the rest
            colour.setAlpha(SHARED_ALPHA)
        if faint:
            colour.setAlpha(28)
        elif zoomed_out:
            colour.setAlpha(min(colour.alpha(), 110))
        if zoomed_out:
            pen = QPen(colour, 1.0 if width < 2 or kind == 3 else 2.0)
            pen.setCosmetic(True)
        else:
            pen = QPen(colour, WIDTHS[width] if kind != 3 else 1.0)
        # Never dashed: a dash pattern strokes ten times slower, with thousands of links.
        return pen

    def _buckets(self, indices: Iterable[int]) -> dict[tuple[int, int], list[int]]:
        out: dict[tuple[int, int], list[int]] = {}
        kinds, widths = self._kind, self._width
        for i in indices:
            out.setdefault((int(kinds[i]), int(widths[i])), []).append(i)
        # Backwards edges last: drawn over the others.
        return dict(sorted(out.items(), key=lambda kv: (kv[0][0] == 0, kv[0])))

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        if not self.edges:
            return
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        exposed: QRectF = option.exposedRect
        box = self._box
        visible = np.nonzero(
            (box[:, 2] >= exposed.left())
            & (box[:, 0] <= exposed.right())
            & (box[:, 3] >= exposed.top())
            & (box[:, 1] <= exposed.bottom())
        )[0]
        if self._kind_hidden is not None:
            visible = visible[~self._kind_hidden[visible]]
        focus = self.focus
        zoomed_out = lod < TEXT_LOD or len(visible) > LINES_MAX
        if zoomed_out and self._kind_hidden is None:
            # Far out: bundles (and, with a selection, its own links on top).
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            for pen, lines in self.bundles():
                if focus is not None:
                    colour = pen.color()
                    colour.setAlpha(30)
                    pen = QPen(pen)
                    pen.setColor(colour)
                painter.setPen(pen)
                painter.drawLines(lines)
            if focus is not None:
                mine = [i for i in visible.tolist() if i in focus]
                self._draw(painter, mine[:LINES_MAX], True, False, False, exposed)
            return
        curves = not zoomed_out and len(visible) <= CURVES_MAX
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, curves)
        strong = visible.tolist()
        if focus is not None:
            faint = [i for i in strong if i not in focus]
            strong = [i for i in strong if i in focus]
            self._draw(painter, faint, zoomed_out, False, True, exposed)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            curves = True
        self._draw(painter, strong, zoomed_out and focus is None, curves, False, exposed)

    def _draw(
        self,
        painter: QPainter,
        indices: list[int],
        zoomed_out: bool,
        curves: bool,
        faint: bool,
        exposed: QRectF,
    ) -> None:
        # A link reaching far out of view is drawn as a straight line cut to the view: Qt
        # strokes a curve (or a wide line) whole before clipping it, and 600 links across
        # a 9,000 px graph took 0.3 s at 100 %.
        near = exposed.adjusted(
            -exposed.width() / 2, -exposed.height() / 2, exposed.width() / 2, exposed.height() / 2
        )
        for (kind, width), members in self._buckets(indices).items():
            painter.setPen(self.pen_for(kind, width, zoomed_out, faint))
            ids = np.array(members, dtype=np.int64)
            if curves:
                p = self._p[ids]
                inside = (
                    (p[:, 0] >= near.left())
                    & (p[:, 0] <= near.right())
                    & (p[:, 2] >= near.left())
                    & (p[:, 2] <= near.right())
                    & (p[:, 1] >= near.top())
                    & (p[:, 1] <= near.bottom())
                    & (p[:, 3] >= near.top())
                    & (p[:, 3] <= near.bottom())
                )
                # One path per link: one path of a thousand overlapping curves strokes
                # ten times slower (its outline is worked out as a whole).
                for i in ids[inside].tolist():
                    path = QPainterPath()
                    self._path(i, path)
                    painter.drawPath(path)
                ids = ids[~inside]
            if ids.size:
                painter.drawLines(_clipped(self._p[ids], exposed))

    def set_hidden(self, hide: Callable[[GraphEdge], bool] | None) -> None:
        """Leave out edges for which ``hide`` is true (None: show all)."""
        if hide is None:
            self._kind_hidden = None
        else:
            self._kind_hidden = np.array([hide(e) for e in self.edges], dtype=np.bool_)
        self.update()


def _clipped(p: np.ndarray, rect: QRectF) -> list[QLineF]:
    """Segments ``p`` (x1, y1, x2, y2 rows) cut to ``rect`` (Liang-Barsky, vectorised);
    those wholly outside are left out."""
    x0, y0 = p[:, 0], p[:, 1]
    dx, dy = p[:, 2] - x0, p[:, 3] - y0
    t0, t1 = np.zeros(len(p)), np.ones(len(p))
    keep = np.ones(len(p), dtype=np.bool_)
    for d, q in (
        (-dx, x0 - rect.left()),
        (dx, rect.right() - x0),
        (-dy, y0 - rect.top()),
        (dy, rect.bottom() - y0),
    ):
        parallel = d == 0
        keep &= ~(parallel & (q < 0))
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(parallel, 0.0, q / np.where(parallel, 1.0, d))
        t0 = np.where(~parallel & (d < 0), np.maximum(t0, r), t0)
        t1 = np.where(~parallel & (d > 0), np.minimum(t1, r), t1)
    keep &= t0 <= t1
    a = np.column_stack([x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy])[keep]
    return [QLineF(*row) for row in a.tolist()]
