"""The colours of the dependency graph and its legend, which follows the chosen reading."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from migplan.core.graph_colours import Colouring
from migplan.gui.style import plain_tooltip

#: Light fills, so that dark label text reads on every one of them.
FIXED: dict[str, str] = {
    # workload class
    "legacy": "#dde2ea",
    "ai-gpu": "#e3cdf8",
    "data-heavy": "#fcd9a4",
    "shared-service": "#bfe8d2",
    "platform": "#efefef",
    # disposition
    "retain": "#dde2ea",
    "rehost-vm": "#c6dafc",
    "containerize": "#c2ebd3",
    "retire": "#f6cccc",
    # risk band of the wave
    "low": "#c9ebcc",
    "medium": "#fbe6a0",
    "high": "#f8c08a",
    "critical": "#f19c9c",
    # the rest
    "wave:0": "#ece5d8",
    "none": "#f2f3f5",
    "outside": "#fde6c8",
}


def colour_of(key: str) -> QColor:
    """The fill of a category: fixed ones by name, waves by a hue walk (the golden angle
    keeps neighbouring waves apart) at a lightness dark text reads on."""
    if key in FIXED:
        return QColor(FIXED[key])
    if key.startswith("wave:"):
        i = int(key[5:])
        return QColor.fromHsv(int((200 + i * 137.508) % 360), 70, 245)
    return QColor(FIXED["none"])


def swatch(colour: QColor, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(colour)
    return QIcon(pixmap)


class Legend(QWidget):
    """What each colour means for the current reading, with how many nodes have it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("graph-legend")
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.list = QListWidget(self)
        self.list.setObjectName("graph-legend-list")
        self.list.setIconSize(QSize(14, 14))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.edges = QLabel(
            "Links: blue crosses waves, grey stays in one, red points backwards (the "
            "dependant moves first), pale grey touches a shared service. Thicker: more "
            "traffic (1, 10, 100 Mbit/s).",
            self,
        )
        self.edges.setTextFormat(Qt.TextFormat.PlainText)
        self.edges.setWordWrap(True)
        self.edges.setStyleSheet("color: #5b6270")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.edges)
        self.setFixedWidth(210)

    def show_colouring(self, colouring: Colouring) -> None:
        self.title.setText(f"Colour: {colouring.by.label.lower()}")
        self.list.clear()
        for entry in colouring.legend:
            item = QListWidgetItem(swatch(colour_of(entry.key)), f"{entry.label} ({entry.nodes:,})")
            item.setToolTip(plain_tooltip(f"{entry.label}: {entry.nodes:,} nodes"))
            item.setData(Qt.ItemDataRole.UserRole, entry.key)
            self.list.addItem(item)

    def entries(self) -> list[str]:
        """The legend's lines as shown (for tests)."""
        return [self.list.item(i).text() for i in range(self.list.count())]
