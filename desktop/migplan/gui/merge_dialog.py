"""File > Merge…: the open plan (ours) merged with another person's version (theirs).

The merge is the core's (``core.merge3``). What combines without conflict is said in a line;
each conflict is a row with its base value and a radio button per side showing that side's
value, and All ours / All theirs choose a side for every row. OK resolves the choices (a
choice that would leave the plan inconsistent is said in the dialog, which stays open);
the window applies the merged plan as one undo step. Texts from plan files are plain text.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from migplan.core.commands import ReplaceContents
from migplan.core.diff import compare
from migplan.core.document import PlanDocument
from migplan.core.errors import MigPlanError
from migplan.core.merge3 import SIDES, MergeError, MergeResult, Side, resolve
from migplan.gui.compare_dialog import Wait
from migplan.gui.dialogs import Ask
from migplan.gui.session import DocumentSession
from migplan.gui.style import plain_tooltip

COLUMNS = ("What", "Why", "Base", "Ours (this plan)", "Theirs")


class MergeDialog(QDialog):
    """Conflicts of ``result`` with a choice of side per row; ``merged`` is set on OK."""

    def __init__(
        self,
        parent: QWidget | None,
        result: MergeResult,
        theirs_name: str,
        brought: str | None = None,
    ) -> None:
        """``brought``: what their version brings besides the conflicts (``brought_by``),
        computed here when not given (a second or so at 10,000 workloads)."""
        super().__init__(parent)
        self.setObjectName("merge-dialog")
        self.setWindowTitle(f"Merge {theirs_name} into this plan")
        self.merge_result = result
        self.merged: PlanDocument | None = None
        self.resize(1080, 560)

        heading = QLabel(self)
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setText(f"Merge their version ({theirs_name}) into this plan")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        heading.setFont(font)
        self.summary = QLabel(self)
        self.summary.setObjectName("merge-summary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setText(
            _summary_text(result, brought_by(result) if brought is None else brought)
        )

        self.table = QTableWidget(len(result.conflicts), len(COLUMNS), self)
        self.table.setObjectName("merge-conflicts")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        # No current cell to frame: the choices are the radio buttons, which keep the focus.
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((230, 250, 150, 190, 190)):
            self.table.setColumnWidth(column, width)
        header.setStretchLastSection(True)
        self.groups: list[QButtonGroup] = []
        for row, conflict in enumerate(result.conflicts):
            linked = len(conflict.items) - 1
            what = conflict.title + (
                f" (and {linked} linked change{'s' if linked != 1 else ''})" if linked else ""
            )
            for column, text in enumerate((what, conflict.reason, conflict.base_text)):
                item = QTableWidgetItem(text)
                item.setToolTip(plain_tooltip(text))
                self.table.setItem(row, column, item)
            first_cell = self.table.item(row, 0)
            if linked and first_cell is not None:  # what a side also decides, a line each
                shown = "\n".join(conflict.details[:30])
                more = len(conflict.details) - 30
                shown += f"\n… and {more} more" if more > 0 else ""
                first_cell.setToolTip(plain_tooltip(f"Decided together:\n{shown}"))
            group = QButtonGroup(self)
            group.setExclusive(True)
            for column, (side, text) in enumerate(
                zip(SIDES, (conflict.ours_text, conflict.theirs_text), strict=True), start=3
            ):
                button = QRadioButton(text, self.table)
                button.setObjectName(f"take-{side}-{row}")
                button.setToolTip(f"Take {side}: {text}")
                group.addButton(button, column - 3)
                self.table.setCellWidget(row, column, button)
            group.idClicked.connect(self._on_choice_changed)
            self.groups.append(group)
        self.table.resizeRowsToContents()
        self.table.setVisible(bool(result.conflicts))

        self.status = QLabel(self)
        self.status.setObjectName("merge-status")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Merge")
        self.ok.setObjectName("merge-apply")
        self.all_ours = QPushButton("All ours", self)
        self.all_ours.setObjectName("merge-all-ours")
        self.all_ours.setToolTip("Keep this plan's value in every conflict")
        self.all_theirs = QPushButton("All theirs", self)
        self.all_theirs.setObjectName("merge-all-theirs")
        self.all_theirs.setToolTip("Take their value in every conflict")
        if result.conflicts:
            self.buttons.addButton(self.all_ours, QDialogButtonBox.ButtonRole.ActionRole)
            self.buttons.addButton(self.all_theirs, QDialogButtonBox.ButtonRole.ActionRole)
        else:
            self.all_ours.hide()
            self.all_theirs.hide()
        self.all_ours.clicked.connect(lambda: self.choose_all("ours"))
        self.all_theirs.clicked.connect(lambda: self.choose_all("theirs"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        if not result.conflicts:
            layout.addStretch(1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self._on_choice_changed()

    # -- choices ------------------------------------------------------------------------------

    def choices(self) -> dict[int, Side]:
        return {
            row: SIDES[group.checkedId()]
            for row, group in enumerate(self.groups)
            if group.checkedId() >= 0
        }

    def choose_all(self, side: Side) -> None:
        for group in self.groups:
            group.button(SIDES.index(side)).setChecked(True)
        self._on_choice_changed()

    def radio(self, row: int, side: Side) -> QRadioButton:
        widget = self.table.cellWidget(row, 3 + SIDES.index(side))
        assert isinstance(widget, QRadioButton)
        return widget

    def _on_choice_changed(self, *args: object) -> None:
        n, decided = len(self.groups), len(self.choices())
        self.ok.setEnabled(decided == n)
        if not n:
            self.status.setText("Nothing conflicts: Merge takes their changes as one step.")
        elif decided < n:
            self.status.setText(
                f"{decided} of {n} conflicts decided: choose ours or theirs in each row, "
                "or All ours / All theirs."
            )
        else:
            self.status.setText(f"All {n} conflicts decided: Merge applies them as one step.")
        self.status.setStyleSheet("")

    def accept(self) -> None:
        try:
            self.merged = resolve(self.merge_result, self.choices())
        except MergeError as exc:
            self.status.setText(f"Cannot merge with these choices: {exc}")
            self.status.setStyleSheet("color: #c62828")
            return
        super().accept()


def brought_by(result: MergeResult) -> str:
    """What their version changes besides the conflicts, in a line ("" for nothing)."""
    try:
        kept = resolve(result, "ours")
    except MergeError:
        return ""
    brought = compare(result.ours, kept, risk=False).summary()
    return "" if brought == "No differences" else brought


def _summary_text(result: MergeResult, brought: str) -> str:
    n = len(result.conflicts)
    if not n:
        if not brought:
            return "Their version brings nothing this plan does not already have."
        return f"Everything combines. Their changes: {brought}."
    text = (
        f"{n} conflict{'s' if n != 1 else ''}: both sides changed the same thing "
        "differently. Every other change, ours and theirs, is kept."
    )
    return text + (f" Their other changes: {brought}." if brought else "")


def open_merge(
    parent: QWidget,
    session: DocumentSession,
    load: Callable[[Path, str], PlanDocument | None],
    wait: Wait,
    message: Callable[[str], None],
) -> MergeDialog | None:
    """Ask for the common base and their version, merge them with the open plan (ours) on a
    worker, and show the dialog (window-modal); Merge applies the result as one undo step.
    ``load`` and ``wait`` are the window's: they say what went wrong themselves."""
    start = session.path.parent if session.path else None
    base_path = Ask.choose_plan(parent, "Merge: the version both of you started from", start)
    if base_path is None:
        return None
    theirs_path = Ask.choose_plan(parent, "Merge: their version", base_path.parent)
    if theirs_path is None:
        return None
    base = load(base_path, "Cannot merge")
    theirs = load(theirs_path, "Cannot merge") if base is not None else None
    if base is None or theirs is None:
        return None
    doc = session.doc
    revision = doc.revision
    ours = doc.snapshot()
    done, value = wait(
        lambda progress: _merged_and_brought(base, ours, theirs),
        ("Merging", f"Merging {theirs_path.name} into this plan", f"Merging {theirs_path.name}"),
        "Cannot merge",
        "Merge cancelled; nothing changed",
    )
    if not done:
        return None
    result, brought = value
    dialog = MergeDialog(parent, result, theirs_path.name, brought)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def apply() -> None:
        merged = dialog.merged
        if merged is None:
            return
        if session.doc is not doc or doc.revision != revision:
            message("The plan changed while merging; nothing was applied")
            return
        label = f"Merge {theirs_path.name}"
        try:
            changed = session.execute(ReplaceContents(merged.to_data(), label)).describe()
        except MigPlanError as exc:
            Ask.show_error(parent, "Cannot merge", str(exc))
            return
        message(f"Merged {theirs_path.name}: {changed}")

    dialog.accepted.connect(apply)
    dialog.open()
    return dialog


def _merged_and_brought(
    base: PlanDocument, ours: PlanDocument, theirs: PlanDocument
) -> tuple[MergeResult, str]:
    from migplan.core.merge3 import merge

    result = merge(base, ours, theirs)
    return result, brought_by(result)
