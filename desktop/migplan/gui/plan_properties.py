"""File > Plan properties…: who made the plan, when, and its log of saved versions."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from migplan.core.metadata import PlanMetadata
from migplan.core.settings import PlanSettings


class PlanPropertiesDialog(QDialog):
    """Read-only: the plan's name, author, created and modified, and saved versions newest
    first."""

    def __init__(self, parent: QWidget | None, settings: PlanSettings) -> None:
        super().__init__(parent)
        self.setObjectName("plan-properties")
        self.setWindowTitle("Plan properties")
        self.resize(760, 480)
        meta: PlanMetadata = settings.metadata
        form = QFormLayout()
        for label, value in (
            ("Plan", settings.name),
            ("Author", meta.author or "not recorded yet (set at the first save)"),
            ("Created", f"{meta.created:%Y-%m-%d %H:%M}" if meta.created else "not saved yet"),
            ("Last saved", f"{meta.modified:%Y-%m-%d %H:%M}" if meta.modified else "not saved yet"),
        ):
            shown = QLabel(value, self)
            shown.setTextFormat(Qt.TextFormat.PlainText)
            shown.setObjectName(f"property-{label.lower().replace(' ', '-')}")
            form.addRow(f"{label}:", shown)
        n = len(meta.changes)
        caption = QLabel(
            f"Saved versions ({n}, newest first; the last 200 are kept)"
            if n
            else "No saved versions yet",
            self,
        )
        self.table = QTableWidget(n, 3, self)
        self.table.setObjectName("saved-versions")
        self.table.setHorizontalHeaderLabels(("When", "By", "What changed"))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents
        )
        for row, entry in enumerate(reversed(meta.changes)):
            for column, text in enumerate(
                (f"{entry.when:%Y-%m-%d %H:%M}", entry.author, entry.summary)
            ):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(caption)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
