"""Where the values of the workload shown come from (``core.provenance``): grouped by who gave
them, a person first (those values survive a re-import), then each row of a file, newest
first, with the column of each value. Collapsible, so it never takes the details panel over.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHeaderView,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from migplan.core.models import Workload
from migplan.core.provenance import FieldOrigin, column_phrase, origins
from migplan.gui.style import plain_tooltip

TITLE = "Where the values come from"
BY_PERSON = "set by a person"
_PERSON_GROUP = "Set by a person"
_PERSON_TIP = "Set by a person: kept when files are imported again."
_NO_FILE_GROUP = "Not from any file"


class OriginsSection(QWidget):
    """``labels`` names each field as the details panel does; ``text`` shows a value."""

    def __init__(
        self,
        labels: Mapping[str, str],
        text: Callable[[object], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._labels = labels
        self._text = text
        self.toggle = QToolButton(self)
        self.toggle.setObjectName("origins-toggle")
        self.toggle.setText(TITLE)
        self.toggle.setAutoRaise(True)
        heading = QFont(self.toggle.font())
        heading.setBold(True)
        self.toggle.setFont(heading)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow)
        self.toggle.clicked.connect(self._on_toggle_clicked)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("origins-tree")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Field", "Value", "From"])
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.tree.setColumnWidth(0, 105)
        self.tree.setColumnWidth(1, 110)
        self.tree.setIndentation(10)
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.toggle)
        layout.addWidget(self.tree)

    def show_workload(self, wl: Workload | None, app_name: Callable[[str], str] = str) -> None:
        self.tree.clear()
        # Nothing selected: nothing to explain, and no empty table taking half the panel.
        self.setVisible(wl is not None)
        if wl is None:
            return
        groups: dict[object, QTreeWidgetItem] = {}
        bold = QFont(self.tree.font())
        bold.setBold(True)
        found = [
            o for o in origins(wl) if self._value(wl, o.field, app_name) and self._given(wl, o)
        ]
        ordered = self._ordered(wl, found)
        for origin in ordered:
            key, title = self._group(origin)
            group = groups.get(key)
            if group is None:
                group = groups[key] = QTreeWidgetItem(self.tree, [title])
                group.setFirstColumnSpanned(True)
                group.setToolTip(0, plain_tooltip(_PERSON_TIP if key == "person" else title))
                group.setFont(0, bold)
            value = self._value(wl, origin.field, app_name)
            where = origin.describe()
            shown = BY_PERSON if origin.by_person else self._column(origin)
            item = QTreeWidgetItem(group, [self._labels.get(origin.field, origin.field), value,
                                           shown])  # fmt: skip
            tip = plain_tooltip(f"{item.text(0)}: {value}\n{where}")
            for col in range(3):
                item.setToolTip(col, tip)
            if origin.by_person:
                item.setFont(2, bold)
        self.tree.expandAll()

    def _value(self, wl: Workload, name: str, app_name: Callable[[str], str]) -> str:
        value = getattr(wl, name)
        if name == "application_id":
            return app_name(value) if value else ""
        text = self._text(value)
        return "" if text in ("unknown", "False") else text

    @staticmethod
    def _given(wl: Workload, origin: FieldOrigin) -> bool:
        """False for a value nobody gave: the model's default (0 MiB of a file without that
        column) is not a value to explain."""
        if origin.by_person or origin.source is not None:
            return True
        return bool(getattr(wl, origin.field) != Workload.model_fields[origin.field].default)

    @staticmethod
    def _ordered(wl: Workload, found: list[FieldOrigin]) -> list[FieldOrigin]:
        """A person's values first, then the newest row of a file, then the rest."""
        newest = {id(s): i for i, s in enumerate(reversed(wl.sources))}

        def rank(o: FieldOrigin) -> int:
            if o.by_person:
                return -1
            return newest.get(id(o.source), len(newest)) if o.source is not None else 1 << 30

        return sorted(found, key=rank)

    @staticmethod
    def _group(origin: FieldOrigin) -> tuple[object, str]:
        if origin.by_person:
            return "person", _PERSON_GROUP
        if origin.source is None:
            return "none", _NO_FILE_GROUP
        return id(origin.source), origin.source.describe()

    @staticmethod
    def _column(origin: FieldOrigin) -> str:
        if origin.source is None:
            return ""
        return column_phrase(origin.column) if origin.column else "the whole row"

    def shown(self) -> dict[str, str]:
        """Field label -> where it comes from, as the section reads (group, then column)."""
        out: dict[str, str] = {}
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            assert group is not None
            for j in range(group.childCount()):
                item = group.child(j)
                assert item is not None
                column = item.text(2)
                if column == BY_PERSON:
                    out[item.text(0)] = BY_PERSON
                elif column.startswith(("column ", "the ", "vInfo's ")):
                    out[item.text(0)] = f"{group.text(0)}, {column}"
                else:
                    out[item.text(0)] = group.text(0)
        return out

    @property
    def expanded(self) -> bool:
        return not self.tree.isHidden()

    def _on_toggle_clicked(self) -> None:
        expanded = not self.expanded
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.tree.setVisible(expanded)
        # Folded, it is one line and the panel's other sections get the room.
        self.setMaximumHeight(16777215 if expanded else self.toggle.sizeHint().height() + 4)
