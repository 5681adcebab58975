"""The preview of Propose and Optimise waves: what applying would change, before it does.

It shows the core's ``ProposalPreview`` as it is (computed on the planning worker): the waves
added, removed and redrawn, every workload that moves with its waves before and after, the
validator's named rules broken before and after, and each wave's risk before and after. The
user applies it (one undo step) or discards it (nothing changes). All text is plain: names
come from imported files.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from migplan.core.planning.preview import ProposalPreview, WaveRiskFigure
from migplan.core.rules import Severity
from migplan.gui.style import plain_tooltip
from migplan.gui.wave_model import BAND_COLOURS

#: Rows of the move list shown at most (a line says how many more): a list of 10,000 rows
#: takes a while to build and nobody reads it row by row.
MAX_MOVES = 2000
_NO_WAVE = "no wave"
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _names(names: tuple[str, ...], limit: int = 6) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def headline(preview: ProposalPreview) -> str:
    """The change in a few plain lines: waves, workloads moved, rules, workloads left out."""
    p = preview
    lines = []
    if p.changes_anything:
        lines.append(
            f"Applying these waves moves {_plural(len(p.moves), 'workload')}."
            if p.moves
            else "Applying these waves moves no workload."
        )
    else:
        lines.append("Applying changes nothing: the plan already is what it proposes.")
    waves = f"Waves: {p.waves_before:,} now, {p.waves_after:,} after"
    parts = []
    if p.added:
        parts.append(f"{len(p.added)} added ({_names(p.added)})")
    if p.removed:
        parts.append(f"{len(p.removed)} removed ({_names(p.removed)})")
    if p.redrawn:
        parts.append(f"{len(p.redrawn)} redrawn under the same name")
    lines.append(waves + (": " + "; ".join(parts) if parts else "") + ".")
    hard, soft = p.broken(Severity.HARD), p.broken(Severity.SOFT)
    lines.append(
        f"Hard rules broken: {hard[0]:,} now, {hard[1]:,} after. "
        f"Soft rules: {soft[0]:,} now, {soft[1]:,} after."
    )
    lines.append(
        f"In no wave: {_plural(p.unplaced_before, 'workload')} now, {p.unplaced_after:,} after."
    )
    return "\n".join(lines)


def _risk_text(figure: WaveRiskFigure | None) -> str:
    if figure is None:
        return "—"
    score, band = figure
    return f"{score:.0f}  {band.upper()}"


class ProposalPreviewDialog(QDialog):
    """Apply (accept) or Discard (reject) the proposal a ``ProposalPreview`` describes."""

    def __init__(self, preview: ProposalPreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = preview
        self.setObjectName("proposal-preview")
        verb = preview.label.split(" ")[0]  # "Propose" / "Optimise"
        self.setWindowTitle(f"{preview.label}: what will change")
        first, _, rest = headline(preview).partition("\n")
        self.headline = QLabel(first, self)
        self.headline.setObjectName("preview-headline")
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        font = self.headline.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.headline.setFont(font)
        self.summary = QLabel(rest, self)
        self.summary.setObjectName("preview-summary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.budget = QLabel(self)
        self.budget.setObjectName("preview-budget")
        self.budget.setTextFormat(Qt.TextFormat.PlainText)
        self.budget.setWordWrap(True)
        if preview.optimised is not None:
            self.budget.setText(preview.optimised.describe())
        self.budget.setVisible(preview.optimised is not None)
        self.notes = QLabel(self)
        self.notes.setObjectName("preview-notes")
        self.notes.setTextFormat(Qt.TextFormat.PlainText)
        self.notes.setWordWrap(True)
        if preview.notes:
            from migplan.gui.waves_view import plain_note

            self.notes.setText(
                "The planner also says:\n"
                + "\n".join(f"• {plain_note(n)}" for n in preview.notes[:6])
                + (f"\n• and {len(preview.notes) - 6} more" if len(preview.notes) > 6 else "")
            )
        self.notes.setVisible(bool(preview.notes))

        self.rules = self._tree("preview-rules", ["Rule", "Kind", "Now", "After"])
        self._fill_rules()
        self.risks = self._tree("preview-risks", ["Wave", "Risk now", "Risk after"])
        self._fill_risks()
        self.moves = self._tree("preview-moves", ["Workload", "From", "To"])
        self._fill_moves()

        left = QSplitter(Qt.Orientation.Vertical, self)
        left.addWidget(self._titled("Rules broken (the validator's rules)", self.rules))
        left.addWidget(self._titled("Risk per wave", self.risks))
        right = self._titled(f"Workloads that move ({len(preview.moves):,})", self.moves)
        body = QSplitter(Qt.Orientation.Horizontal, self)
        body.addWidget(left)
        body.addWidget(right)
        body.setSizes([480, 520])
        for splitter in (left, body):
            splitter.setChildrenCollapsible(False)

        self.buttons = QDialogButtonBox(self)
        self.apply_button = QPushButton("Apply", self)
        self.apply_button.setObjectName("preview-apply")
        self.apply_button.setToolTip(f"Change the plan as shown; Edit > Undo {preview.label}")
        self.discard_button = QPushButton("Discard", self)
        self.discard_button.setObjectName("preview-discard")
        self.discard_button.setToolTip(f"Keep the plan as it is; nothing of this {verb} is kept")
        self.buttons.addButton(self.apply_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.discard_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.apply_button.setDefault(True)
        self.apply_button.setEnabled(preview.changes_anything)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        self.undo_hint = QLabel(
            f"Nothing has changed yet. Apply is one step: Edit > Undo {preview.label} "
            "takes it back.",
            self,
        )
        self.undo_hint.setObjectName("preview-undo-hint")
        self.undo_hint.setTextFormat(Qt.TextFormat.PlainText)
        bottom = QHBoxLayout()
        bottom.addWidget(self.undo_hint, 1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(8)
        layout.addWidget(self.headline)
        layout.addWidget(self.summary)
        layout.addWidget(self.budget)
        layout.addWidget(self.notes)
        layout.addWidget(body, 1)
        layout.addLayout(bottom)
        self.resize(1040, 680)
        self.apply_button.setFocus()

    # -- building --------------------------------------------------------------------------

    def _tree(self, name: str, headers: list[str]) -> QTreeWidget:
        tree = QTreeWidget(self)
        tree.setObjectName(name)
        tree.setHeaderLabels(headers)
        tree.setRootIsDecorated(False)
        tree.setAlternatingRowColors(True)
        tree.setUniformRowHeights(True)
        header = tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, len(headers)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        return tree

    def _titled(self, title: str, widget: QWidget) -> QWidget:
        box = QWidget(self)
        label = QLabel(title, box)
        label.setTextFormat(Qt.TextFormat.PlainText)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(label)
        layout.addWidget(widget)
        return box

    def _fill_rules(self) -> None:
        if not self.preview.rules:
            QTreeWidgetItem(self.rules, ["No rule is broken, now or after", "", "", ""])
            return
        for row in self.preview.rules:
            kind = "hard" if row.severity == Severity.HARD else "soft"
            item = QTreeWidgetItem(
                self.rules,
                [f"{row.title} ({row.rule_id})", kind, f"{row.before:,}", f"{row.after:,}"],
            )
            item.setToolTip(0, plain_tooltip(f"{row.rule_id}: {row.title}"))
            for col in (2, 3):
                item.setTextAlignment(col, _RIGHT)
            if row.severity == Severity.HARD:
                item.setForeground(1, QBrush(QColor(BAND_COLOURS["high"])))
            if row.after < row.before:
                item.setForeground(3, QBrush(QColor(BAND_COLOURS["low"])))
            elif row.after > row.before:
                item.setForeground(3, QBrush(QColor(BAND_COLOURS["high"])))

    def _fill_risks(self) -> None:
        for change in self.preview.risks:
            item = QTreeWidgetItem(
                self.risks, [change.wave, _risk_text(change.before), _risk_text(change.after)]
            )
            item.setToolTip(0, plain_tooltip(change.wave))
            for col, figure in ((1, change.before), (2, change.after)):
                item.setTextAlignment(col, _RIGHT)
                if figure is not None:
                    item.setForeground(col, QBrush(QColor(BAND_COLOURS.get(figure[1], "#000"))))

    def _fill_moves(self) -> None:
        moves = self.preview.moves
        for move in moves[:MAX_MOVES]:
            item = QTreeWidgetItem(
                self.moves, [move.name, move.from_wave or _NO_WAVE, move.to_wave or _NO_WAVE]
            )
            item.setToolTip(0, plain_tooltip(move.name))
        if len(moves) > MAX_MOVES:
            QTreeWidgetItem(self.moves, [f"… and {len(moves) - MAX_MOVES:,} more", "", ""])
        if not moves:
            QTreeWidgetItem(self.moves, ["No workload changes wave", "", ""])

    # -- for tests and copy -----------------------------------------------------------------

    def rows(self, tree: QTreeWidget) -> list[list[str]]:
        return [
            [tree.topLevelItem(i).text(c) for c in range(tree.columnCount())]
            for i in range(tree.topLevelItemCount())
        ]
