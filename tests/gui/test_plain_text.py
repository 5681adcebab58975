"""Names and values from files are shown as written, never taken for Qt rich text (issue 12,
point 8): a workload named like markup, with an attribute and an OS string and a source file
name like it, reads the same in the graph's label and tooltip, the details panel and the
inventory's tooltips."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent, QTextDocument
from PySide6.QtGui import Qt as QtGui
from PySide6.QtWidgets import QApplication, QToolTip

from migplan.core.commands import UpdateEntities
from migplan.core.models import SourceRef
from migplan.gui.main_window import MainWindow

MARKUP = "<b>x</b><img src=file:///etc/passwd>"


def shown(text: str) -> str:
    """What Qt shows for a label or tooltip text: rich text when it looks like markup."""
    if QtGui.mightBeRichText(text):
        doc = QTextDocument()
        doc.setHtml(text)
        return doc.toPlainText()
    return text


def tooltip_shown(window: MainWindow, pos: QPoint) -> str:
    """Hover the graph at ``pos`` (a real tooltip event) and read the tooltip that shows."""
    viewport = window.graph.view.viewport()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, viewport.mapToGlobal(pos))
    QApplication.sendEvent(viewport, event)
    return QToolTip.text()


def test_markup_in_a_name_and_values_shows_as_written(
    qtbot: Any, window: MainWindow, example_copy: Path, tmp_path: Path
) -> None:
    assert window.open_path(example_copy, ask=False)
    doc = window.session.doc
    wl = next(w for w in doc.workloads.values() if w.wave_id is not None and w.application_id)
    window.session.execute(
        UpdateEntities(
            (
                (
                    wl.id,
                    {
                        "name": MARKUP,
                        "os_reported": MARKUP,
                        "attributes": {**wl.attributes, "Note": MARKUP},
                        "sources": (SourceRef(file=f"{MARKUP}.xlsx", sheet="vInfo", row=2),),
                    },
                ),
            ),
            "Rename",
        )
    )

    # Inventory: the tooltips of the name (its sources) and OS columns.
    inventory = window.inventory
    qtbot.waitUntil(lambda: inventory.model.row_of(wl.id) >= 0)
    row = inventory.model.row_of(wl.id)
    name_tip = inventory.model.index(row, inventory.column_index("name")).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert shown(name_tip) == f"{MARKUP}.xlsx, sheet vInfo, row 2"
    os_tip = inventory.model.index(row, inventory.column_index("os")).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert shown(os_tip) == MARKUP

    # Details panel: the title and the kept attribute, with its tooltip.
    proxy_row = inventory.proxy.mapFromSource(inventory.model.index(row, 0)).row()
    inventory.table.selectRow(proxy_row)
    details = window.details
    qtbot.waitUntil(lambda: details.title.text() == MARKUP)
    assert details.title.textFormat() is Qt.TextFormat.PlainText
    assert details.rows()["Note"] == MARKUP
    note = details.tree.findItems("Note", Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly)
    assert note and shown(note[0].toolTip(1)) == MARKUP

    # The graph, at the workload level: the label drawn and the tooltip on hover.
    window.tabs.setCurrentWidget(window.graph)
    window.graph.level.setCurrentIndex(window.graph.level.findText("Workloads"))
    qtbot.waitUntil(lambda: window.graph.graph is not None and not window.graph._dirty)
    item = window.graph.item_of(wl.id)
    label = item.elided_label()
    assert label.endswith("…") and MARKUP.startswith(label[:-1]), "elided, as written"
    view = window.graph.view
    view.set_scale(1.0)
    view.centerOn(item)
    pos = view.mapFromScene(item.sceneBoundingRect().center())
    tip = shown(tooltip_shown(window, pos))
    assert tip.startswith(f"{MARKUP} (workload)")
    svg = window.graph.export(tmp_path / "graph.svg")
    assert svg is not None
    texts = [
        "".join(t.itertext())
        for t in ET.parse(svg).getroot().iter("{http://www.w3.org/2000/svg}text")
    ]
    assert label in texts, "the drawing holds the label as text, escaped in the file"
