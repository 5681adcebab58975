"""Where each node of the dependency graph sits: wave columns, left to right in wave order.

The swimlane idea: x says when a node moves (its wave's column; "Not in a wave" after the
last wave, nodes outside the inventory after that), y is chosen so that connected nodes sit
level with each other. A column with many nodes is split into lanes filled row by row, so a
5,000-workload graph stays about as wide as it is tall instead of one column 100,000 px high.
Rows are ordered by the barycentre of each node's neighbours (a few sweeps, the layered
method of Sugiyama et al.), with the workloads of one application kept together. No node
overlaps another and every label has its box, whatever the zoom.

A force-directed layout (igraph's Fruchterman-Reingold: 0.44 s at 5k nodes / 20k edges)
was not used: x is fixed by the wave, and a force layout would let boxes and labels overlap.
This one takes about 0.1 s at that size, in numpy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from migplan.core.appgraph import AppGraph, GraphNode

#: Size of a node's box and the gaps between boxes, in scene units (pixels at 100 %).
NODE_SIZES = {"applications": (176.0, 28.0), "workloads": (164.0, 26.0)}
LANE_GAP = 12.0
ROW_GAP = 10.0
COLUMN_GAP = 40.0
#: Room above the first row for the column's title and counts.
HEADER = 48.0
#: The picture is made about this much wider than tall (a laptop screen's graph area).
ASPECT = 1.8
#: A column stays one lane up to this many nodes (the swimlane of a small plan).
MIN_ROWS = 24
SWEEPS = 4

#: Column numbers of the columns that are not waves.
NO_WAVE_COLUMN = 0
EXTERNAL_COLUMN = -1


@dataclass(frozen=True)
class LayoutColumn:
    """One column as drawn: which wave (``column`` as in ``GraphNode.column``), where, how
    many lanes, and what it holds."""

    column: int
    title: str
    wave_id: str | None
    x: float
    width: float
    lanes: int
    nodes: int
    workloads: int

    def contains_x(self, x: float) -> bool:
        """True when ``x`` is over this column (its gap to the next counts half each)."""
        return self.x - COLUMN_GAP / 2 <= x < self.x + self.width + COLUMN_GAP / 2


@dataclass(frozen=True)
class GraphLayout:
    columns: tuple[LayoutColumn, ...]
    node_width: float
    node_height: float
    width: float
    height: float

    def column_at(self, x: float) -> LayoutColumn | None:
        """The column under scene x, or None (left or right of every column)."""
        return next((c for c in self.columns if c.contains_x(x)), None)

    def column(self, number: int) -> LayoutColumn | None:
        return next((c for c in self.columns if c.column == number), None)


def column_of(node: GraphNode) -> int:
    """The column a node is drawn in: its wave's, or the external column."""
    return EXTERNAL_COLUMN if node.kind == "external" else node.column


def layout_graph(graph: AppGraph) -> GraphLayout:
    """Set ``x``/``y`` of every node of ``graph`` and return (and keep) its columns."""
    node_w, node_h = NODE_SIZES[graph.level.value]
    lane_pitch, row_pitch = node_w + LANE_GAP, node_h + ROW_GAP
    nodes = list(graph.nodes.values())
    # Display order: waves 1..n, then not in a wave, then outside the inventory.
    order = [*range(1, len(graph.columns)), NO_WAVE_COLUMN]
    if any(n.kind == "external" for n in nodes):
        order.append(EXTERNAL_COLUMN)
    members: dict[int, list[GraphNode]] = {c: [] for c in order}
    for node in sorted(nodes, key=lambda n: (n.kind != "application", n.label.casefold(), n.id)):
        members[column_of(node)].append(node)
    sizes = np.array([len(members[c]) for c in order], dtype=np.int64)
    rows = _rows(sizes, lane_pitch, row_pitch)
    lanes = np.maximum(1, -(-sizes // rows))
    _order_rows(graph, members, {c: int(k) for c, k in zip(order, lanes, strict=True)})

    columns: list[LayoutColumn] = []
    x = 0.0
    for c, k in zip(order, lanes.tolist(), strict=True):
        width = k * lane_pitch - LANE_GAP
        for i, node in enumerate(members[c]):
            row, lane = divmod(i, k)
            node.x = x + lane * lane_pitch
            node.y = HEADER + row * row_pitch
        title = "Outside the inventory" if c == EXTERNAL_COLUMN else graph.columns[c]
        wave = None if c <= 0 else graph.column_waves[c] if graph.column_waves else None
        count = sum(len(n.workloads) for n in members[c])
        columns.append(LayoutColumn(c, title, wave, x, width, k, len(members[c]), count))
        x += width + COLUMN_GAP
    height = HEADER + max(1, int(rows)) * row_pitch
    layout = GraphLayout(tuple(columns), node_w, node_h, x - COLUMN_GAP, height)
    graph.layout = layout
    return layout


def _rows(sizes: np.ndarray, lane_pitch: float, row_pitch: float) -> int:
    """Rows per lane: the count that makes the picture closest to ``ASPECT`` wide, never
    fewer than the largest column's nodes up to ``MIN_ROWS`` (small plans: one lane each)."""
    biggest = int(sizes.max()) if sizes.size else 1
    low = max(1, min(biggest, MIN_ROWS))
    candidates = np.arange(low, max(low, biggest) + 1, dtype=np.int64)
    lanes = np.maximum(1, -(-sizes[None, :] // candidates[:, None]))
    width = lanes.sum(axis=1) * lane_pitch + (sizes.size - 1) * COLUMN_GAP
    height = candidates * row_pitch + HEADER
    miss = np.abs(np.log(width / height / ASPECT))
    return int(candidates[int(np.argmin(miss))])


def _order_rows(
    graph: AppGraph, members: dict[int, list[GraphNode]], lanes: dict[int, int]
) -> None:
    """Order each column so that nodes sit level with their neighbours (barycentre sweeps),
    the workloads of one application next to each other."""
    index = {n.id: i for i, n in enumerate(graph.nodes.values())}
    n = len(index)
    if not n:
        return
    src = np.fromiter(
        (index[e.source] for e in graph.edges), dtype=np.int64, count=len(graph.edges)
    )
    dst = np.fromiter(
        (index[e.target] for e in graph.edges), dtype=np.int64, count=len(graph.edges)
    )
    degree = np.bincount(src, minlength=n) + np.bincount(dst, minlength=n)
    level = np.zeros(n, dtype=np.float64)  # a node's row, as a fraction (lane order inside)

    def place(column: list[GraphNode], k: int) -> None:
        for i, node in enumerate(column):
            level[index[node.id]] = i / k

    for c, column in members.items():
        place(column, lanes[c])
    keys = list(members)
    for sweep in range(SWEEPS):
        # Column by column, each seeing its neighbours' new rows (alternating direction):
        # moving all columns at once makes two linked nodes swap places forever.
        for c in keys if sweep % 2 == 0 else reversed(keys):
            column = members[c]
            if len(column) < 2:
                continue
            near = np.bincount(src, weights=level[dst], minlength=n) + np.bincount(
                dst, weights=level[src], minlength=n
            )
            bary = np.where(degree > 0, near / np.maximum(degree, 1), level)
            groups: dict[str, list[float]] = {}
            for node in column:
                groups.setdefault(node.group or node.id, []).append(bary[index[node.id]])
            centre = {g: math.fsum(v) / len(v) for g, v in groups.items()}
            column.sort(
                key=lambda m: (
                    centre[m.group or m.id],
                    m.group,
                    bary[index[m.id]],
                    m.label.casefold(),
                    m.id,
                )
            )
            place(column, lanes[c])
