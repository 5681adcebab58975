"""The inventory table: a ``QAbstractTableModel`` over the session's workloads.

It holds no state of its own beyond the row order (workload ids); every value is read from
the document when Qt asks, and every edit goes through a core command so it can be undone.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from migplan.core.changes import ChangeSummary
from migplan.core.commands import UpdateEntities
from migplan.core.enums import EntityKind
from migplan.core.errors import CommandError
from migplan.core.ids import WorkloadId
from migplan.gui.session import DocumentSession
from migplan.gui.workload_columns import COLUMNS, Column

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
#: The value behind an editable cell (enum or id), for the combo editor to preselect.
VALUE_ROLE = Qt.ItemDataRole.UserRole + 3

Index = QModelIndex | QPersistentModelIndex


class WorkloadTableModel(QAbstractTableModel):
    def __init__(self, session: DocumentSession) -> None:
        super().__init__(session)
        self._session = session
        self._ids: list[WorkloadId] = []
        self._row_of: dict[str, int] = {}
        self.columns: tuple[Column, ...] = COLUMNS
        #: The last refused edit, shown by the view (tests read it too).
        self.last_error = ""
        session.reset.connect(self._rebuild)
        session.changed.connect(self._on_session_changed)
        self._rebuild()

    # -- structure ----------------------------------------------------------------------

    def _rebuild(self) -> None:
        self.beginResetModel()
        doc = self._session.doc
        self._ids = sorted(doc.workloads, key=lambda i: (doc.workloads[i].name.casefold(), i))
        self._row_of = {wid: row for row, wid in enumerate(self._ids)}
        self.endResetModel()

    def _on_session_changed(self, summary: ChangeSummary) -> None:
        if summary.structural(EntityKind.WORKLOAD):
            self._rebuild()
            return
        if summary.touches(EntityKind.APPLICATION) or summary.touches(EntityKind.WAVE):
            # Names shown in the Application and Wave columns may have changed.
            self._emit_all()
            return
        rows = sorted(
            self._row_of[i]
            for i in summary.updated.get(EntityKind.WORKLOAD, ())
            if i in self._row_of
        )
        if rows:
            last = self.columnCount() - 1
            # One signal per contiguous run keeps a 10k-row bulk edit cheap.
            start = prev = rows[0]
            for row in [*rows[1:], None]:
                if row is not None and row == prev + 1:
                    prev = row
                    continue
                self.dataChanged.emit(self.index(start, 0), self.index(prev, last))
                if row is not None:
                    start = prev = row

    def _emit_all(self) -> None:
        if self._ids:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._ids) - 1, self.columnCount() - 1)
            )

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def workload_id(self, row: int) -> WorkloadId:
        return self._ids[row]

    def row_of(self, workload_id: str) -> int:
        return self._row_of.get(workload_id, -1)

    # -- data ---------------------------------------------------------------------------

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            column = self.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return column.title
            if role == Qt.ItemDataRole.ToolTipRole and column.editable:
                return f"{column.title} (double-click a cell to change it)"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._ids)):
            return None
        doc = self._session.doc
        wl = doc.workloads.get(self._ids[index.row()])
        if wl is None:
            return None
        column = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            value = column.display(doc, wl)
            return value if isinstance(value, int | float) else str(value)
        if role == SORT_ROLE:
            return (column.sort or column.display)(doc, wl)
        if role == ID_ROLE:
            return wl.id
        if role == VALUE_ROLE and column.editable:
            value = getattr(wl, column.field)
            if column.key == "disposition":
                return value.kind.value if value is not None else None
            return value
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(doc, wl)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and wl.is_template:
            return QColor("#888888")
        if (
            role == Qt.ItemDataRole.FontRole
            and column.key == "disposition"
            and wl.disposition
            and wl.disposition.by_user
        ):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.columns[index.column()].editable:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        column = self.columns[index.column()]
        if not column.editable:
            return False
        return self.set_values([self._ids[index.row()]], column, value)

    def set_values(self, workload_ids: list[WorkloadId], column: Column, value: Any) -> bool:
        """Set one column's value on several workloads as a single undoable step."""
        field_value = column.to_field(value) if column.to_field else value
        doc = self._session.doc
        changes = [
            (wid, {column.field: field_value})
            for wid in workload_ids
            if getattr(doc.workloads[wid], column.field) != field_value
        ]
        if not changes:
            return False
        what = (
            f"{len(changes)} workloads" if len(changes) > 1 else doc.workloads[changes[0][0]].name
        )
        label = f"Set {column.title.lower()} of {what}"
        try:
            self._session.execute(UpdateEntities(tuple(changes), label))
        except CommandError as exc:
            self.last_error = str(exc)
            return False
        self.last_error = ""
        return True
