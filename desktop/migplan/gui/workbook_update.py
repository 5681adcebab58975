"""What an edited workbook changes, shown before it is applied (File > Update from Excel
workbook)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from migplan.io.reports.workbook_edits import WorkbookEdits


class WorkbookUpdateDialog(QDialog):
    """The changes and the cells not taken, in plain text; Apply is one undo step."""

    def __init__(self, edits: WorkbookEdits, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edits = edits
        self.setObjectName("workbook-update")
        self.setWindowTitle(f"Update from {edits.path.name}")
        self.resize(760, 480)
        layout = QVBoxLayout(self)
        count = len(edits.changes)
        self.summary = QLabel(
            f"{count} change{'s' if count != 1 else ''} to the plan"
            + (f"; {len(edits.notes)} not taken (below)" if edits.notes else "")
            if count
            else "The workbook changes nothing in the plan."
            + (f" {len(edits.notes)} edit(s) were not taken (below)." if edits.notes else ""),
            self,
        )
        self.summary.setObjectName("workbook-summary")
        layout.addWidget(self.summary)
        self.changes = QPlainTextEdit(self)
        self.changes.setObjectName("workbook-changes")
        self.changes.setReadOnly(True)
        lines = list(edits.changes)
        if edits.notes:
            lines += ["", "Not taken:", *edits.notes]
        self.changes.setPlainText("\n".join(lines))
        layout.addWidget(self.changes)
        buttons = QDialogButtonBox(self)
        self.apply_button = buttons.addButton(
            f"Apply {count} change{'s' if count != 1 else ''}",
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        self.apply_button.setObjectName("workbook-apply")
        self.apply_button.setEnabled(edits.command is not None)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
