"""The two tables of the import review: matches to decide and conflicts to settle.

Each model adapts one list of the preview report (``ImportReport.matches`` and
``.conflicts``) and holds only the person's choice per row, which is what the review is
for. Everything shown comes from files or the plan, so it is display text of item views
(plain text by construction) and tooltips are escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from migplan.core.errors import field_label
from migplan.gui.style import plain_tooltip
from migplan.io.importers.reconcile import Match
from migplan.io.importers.report import Conflict

KEEP_APART = "Keep as a workload of its own"
_Index = QModelIndex | QPersistentModelIndex


def shown(value: object) -> str:
    """A field value as a person reads it: lists joined, enums by their value."""
    if value is None:
        return ""
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    return str(getattr(value, "value", value))


class _RowsModel(QAbstractTableModel):
    """A flat table of ``_rows()`` under ``HEADERS``: what both review tables share."""

    HEADERS: tuple[str, ...] = ()

    def _rows(self) -> Sequence[Any]:
        raise NotImplementedError

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows())

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None


class MatchesModel(_RowsModel):
    """Workloads of the import that are, or may be, a workload already there; the person
    chooses per row to merge it into one of them or keep it apart."""

    HEADERS = ("Workload (file)", "From", "Status", "In the plan", "Why", "Decision")
    WHY = 4
    DECISION = 5

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._matches: list[Match] = []
        self._choices: list[str] = []
        self._label: Callable[[str], str] = str

    def reset(self, matches: Sequence[Match], label: Callable[[str], str]) -> None:
        """``label(id)`` names a workload of the plan (or of the import) in a choice."""
        self.beginResetModel()
        # The ambiguous ones first: they are the ones waiting for the person.
        self._matches = sorted(matches, key=lambda m: m.status != "ambiguous")
        self._choices = [self._default(m) for m in self._matches]
        self._label = label
        self.endResetModel()

    @staticmethod
    def _default(match: Match) -> str:
        return match.target_id if match.status == "matched" else ""

    def match_at(self, row: int) -> Match:
        return self._matches[row]

    def options(self, row: int) -> list[tuple[str, str]]:
        """(label, id of the workload to merge into, or "" to keep apart) for ``row``."""
        m = self._matches[row]
        targets = (m.target_id,) if m.status == "matched" else m.candidates
        return [(f"Merge into {self._label(t)}", t) for t in targets] + [(KEEP_APART, "")]

    def choice(self, row: int) -> str:
        return self._choices[row]

    def set_choice(self, row: int, target: str) -> None:
        if target not in {t for _, t in self.options(row)} or self._choices[row] == target:
            return
        self._choices[row] = target
        cell = self.index(row, self.DECISION)
        self.dataChanged.emit(cell, cell)

    def merge_all(self) -> None:
        """Every row with one workload to merge into is merged; a row with several
        candidates keeps its choice (nothing says which)."""
        for row in range(len(self._matches)):
            targets = [t for _, t in self.options(row) if t]
            if len(targets) == 1:
                self.set_choice(row, targets[0])

    def keep_all_apart(self) -> None:
        for row in range(len(self._matches)):
            self.set_choice(row, "")

    def decisions(self) -> dict[str, str]:
        """The choices that differ from what the import does by itself, as ``plan_import``
        takes them: workload of the import -> workload to merge into, or ""."""
        return {
            m.new_id: choice
            for m, choice in zip(self._matches, self._choices, strict=True)
            if choice != self._default(m)
        }

    def choice_label(self, row: int) -> str:
        return {t: label for label, t in self.options(row)}[self._choices[row]]

    # -- Qt model ---------------------------------------------------------------------------

    def _rows(self) -> Sequence[Any]:
        return self._matches

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == self.DECISION:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role == Qt.ItemDataRole.EditRole and col == self.DECISION:
            return self._choices[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, col)
        if role == Qt.ItemDataRole.FontRole and col == 2 and self._matches[row].status != "matched":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.DECISION:
                return plain_tooltip(
                    "Click to choose: " + ", ".join(o for o, _ in self.options(row))
                )
            return plain_tooltip(self._text(row, col))
        return None

    def _text(self, row: int, col: int) -> str:
        m = self._matches[row]
        if col == 0:
            return m.name
        if col == 1:
            return m.source
        if col == 2:
            return m.status
        if col == 3:
            if m.status == "matched":
                return m.target_name
            return "could be " + ", ".join(self._label(c) for c in m.candidates)
        if col == 4:
            return m.evidence
        return self.choice_label(row)

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != self.DECISION:
            return False
        if role != Qt.ItemDataRole.EditRole or not isinstance(value, str):
            return False
        self.set_choice(index.row(), value)
        return True


class ConflictsModel(_RowsModel):
    """Values a person set that the files give differently; ticked rows take the file's."""

    HEADERS = ("Take file's value", "Workload", "Field", "Set by a person", "In the file",
               "From")  # fmt: skip

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._conflicts: list[Conflict] = []
        self._take: list[bool] = []

    def reset(self, conflicts: Sequence[Conflict]) -> None:
        self.beginResetModel()
        self._conflicts = list(conflicts)
        self._take = [False] * len(self._conflicts)
        self.endResetModel()

    def conflict(self, row: int) -> Conflict:
        return self._conflicts[row]

    def taken(self, row: int) -> bool:
        return self._take[row]

    def set_all(self, take: bool) -> None:
        if not self._take:
            return
        self._take = [take] * len(self._take)
        self.dataChanged.emit(self.index(0, 0), self.index(len(self._take) - 1, 0))

    def take_file(self) -> set[tuple[str, str]]:
        """The (workload id, field) pairs whose file value to take (``plan_import``)."""
        return {
            (c.workload_id, c.field)
            for c, take in zip(self._conflicts, self._take, strict=True)
            if take
        }

    # -- Qt model ---------------------------------------------------------------------------

    def _rows(self) -> Sequence[Any]:
        return self._conflicts

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if col == 0 and role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if self._take[row] else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 0:
                return "Ticked: the file's value replaces the person's (and is no longer kept)"
            return plain_tooltip(self._text(row, col))
        return None

    def _text(self, row: int, col: int) -> str:
        c = self._conflicts[row]
        if col == 0:
            return "take" if self._take[row] else "keep"
        label = field_label(c.field)
        if not label[1:2].isupper():  # "vCPU" stays as it is
            label = label[:1].upper() + label[1:]
        return (c.name, label, shown(c.kept), shown(c.offered), c.source)[col - 1]

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != 0:
            return False
        if role != Qt.ItemDataRole.CheckStateRole:
            return False
        self._take[index.row()] = Qt.CheckState(value) == Qt.CheckState.Checked
        self.dataChanged.emit(index, index)
        return True
