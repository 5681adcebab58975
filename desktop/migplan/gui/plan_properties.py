"""File > Plan properties…: who made the plan, when, and its log of saved versions."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from migplan.core.metadata import PlanMetadata, current_user
from migplan.core.settings import PlanSettings
from migplan.gui.saved_versions import AUTHOR_KEY


class PlanPropertiesDialog(QDialog):
    """Read-only: the plan's name, author, created and modified, and saved versions newest
    first."""

    def __init__(
        self, parent: QWidget | None, settings: PlanSettings, app_settings: QSettings | None = None
    ) -> None:
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
        # The name this computer's saves are recorded under (kept in the app's settings).
        self.app_settings = app_settings
        self.your_name = QLineEdit(self)
        self.your_name.setObjectName("your-name")
        self.your_name.setPlaceholderText(current_user() or "your name")
        self.your_name.setToolTip(
            "Recorded with each save you make. Empty: your user name on this computer."
        )
        if app_settings is not None:
            self.your_name.setText(str(app_settings.value(AUTHOR_KEY, "") or ""))
            self.your_name.editingFinished.connect(self._on_your_name_editing_finished)
            form.addRow("Your name for saves:", self.your_name)
        else:
            self.your_name.hide()
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

    def _on_your_name_editing_finished(self) -> None:
        if self.app_settings is not None:
            self.app_settings.setValue(AUTHOR_KEY, self.your_name.text().strip())
            self.app_settings.sync()

    def done(self, result: int) -> None:
        self._on_your_name_editing_finished()
        super().done(result)
