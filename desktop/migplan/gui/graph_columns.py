"""The wave columns of the dependency graph: a band per column and its header (title and
what it holds), drawn even when a column is empty: it is still a place to drop on."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsScene

from migplan.core.appgraph import AppGraph
from migplan.core.document import PlanDocument
from migplan.core.graph_layout import (
    COLUMN_GAP,
    EXTERNAL_COLUMN,
    HEADER,
    GraphLayout,
    LayoutColumn,
)
from migplan.gui.graph_items import HeaderItem

BAND = QColor("#eef1f5")
BAND_NO_WAVE = QColor("#f6efe4")


def draw_columns(
    scene: QGraphicsScene, layout: GraphLayout, hidden: dict[str | None, int]
) -> list[HeaderItem]:
    """Add each column's band and header to ``scene``; the headers, to keep in view."""
    headers = []
    for col in layout.columns:
        colour = BAND_NO_WAVE if col.column in (0, EXTERNAL_COLUMN) else BAND
        band = scene.addRect(
            QRectF(col.x - 8, 0, col.width + 16, layout.height + 8),
            QPen(Qt.PenStyle.NoPen),
            QBrush(colour),
        )
        band.setZValue(-3)
        band.setData(0, col.column)
        # The header may use the gap to the next column too.
        note, short = column_note(col, hidden)
        header = HeaderItem(col.title, note, col.width + COLUMN_GAP - 10, short)
        header.setPos(col.x, HEADER - 4)
        scene.addItem(header)
        headers.append(header)
    return headers


def hidden_by_wave(graph: AppGraph, doc: PlanDocument) -> dict[str | None, int]:
    """Workloads per wave id not drawn (shared services hidden)."""
    out: dict[str | None, int] = {}
    drawn = {w for n in graph.nodes.values() for w in n.workloads}
    for wl in doc.workloads.values():
        if wl.id not in drawn:
            out[wl.wave_id] = out.get(wl.wave_id, 0) + 1
    return out


def column_note(col: LayoutColumn, hidden: dict[str | None, int]) -> tuple[str, str]:
    """What a column holds, in words and in short (for a column narrow on screen)."""
    if col.column == EXTERNAL_COLUMN:
        return f"{col.nodes:,} not in the inventory", f"{col.nodes:,}"
    shared = hidden.get(col.wave_id if col.column else None, 0)
    if not col.workloads and shared:
        return f"{shared:,} shared services, hidden", f"{shared:,} hidden"
    note = f"{col.workloads:,} workload{'s' if col.workloads != 1 else ''}"
    return note + (f" + {shared:,} shared" if shared else ""), f"{col.workloads:,}"
